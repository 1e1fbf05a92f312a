"""Every list a department files can be downloaded as an Excel workbook: one titled sheet, a header, rows; and a
workbook people send back is opened here, within bounds.

Money columns hold whole yuan (exact integers) with a numeric 万元 column beside them for people; dates
are written as dates, moments in Beijing time. Build a ``Table`` in the domain, hand it to ``download``.

No text is ever a formula: an enterprise may name itself ``=HYPERLINK(…)``, and whoever opens the list
must not run it. Every workbook huiqi writes is opened with ``safe_workbook``.
"""

import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import xlsxwriter
from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from huiqi.errors import InputError
from huiqi.materials.storage import file_size
from huiqi.money import wan
from huiqi.validation import beijing

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# xlsxwriter's defaults turn text starting with "=" into a formula and text like a URL into a link.
SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
# Text a spreadsheet would read as a formula (or a DDE call) once a person edits the cell.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\n")
# 万元 with thousands separators and the decimals the amount has (as the pages show it: 80, 123.4567), to the yuan.
WAN_FORMATS = ["#,##0", "#,##0.0", "#,##0.00", "#,##0.000", "#,##0.0000"]
YUAN_FORMAT = "#,##0"  # whole yuan, with thousands separators as its 万元 twin beside it
# A sheet's name: at most 31 characters as Excel counts them (UTF-16), none of []:*?/\ (written as their full-width
# look-alikes), not starting or ending with an apostrophe, none twice in a workbook (whatever the case).
SHEET_MOST = 31
SHEET_UNSAFE = str.maketrans("[]:*?/\\", "（）：＊？／＼")
SEPARATORS = "，、；： "  # where a name too long may be cut, outside any bracket
# What a workbook people send may unpack to (a list of 10,000 rows: about 4 MB): a small file can hold a zip bomb.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_ROW_CELLS = 1000  # cells in one row of a workbook people send (a list has a dozen columns; a sheet, 16,384)


def safe_workbook(target: Any, **options: Any) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook that writes every string as text (never a formula, link or number)."""
    return xlsxwriter.Workbook(target, {**SAFE_OPTIONS, **options})


def looks_like_formula(value: Any, leads: tuple[str, ...] = FORMULA_LEADS) -> bool:
    """A sheet's cell holding a formula, or text a spreadsheet could take for one: starting (spaces aside) with one
    of ``leads``. A payout sheet's cells ask only ``("=",)``: there -1 is a negative amount, said as such.

    >>> looks_like_formula('=HYPERLINK("x")'), looks_like_formula("\\t=1+1"), looks_like_formula("甲公司")
    (True, True, False)
    >>> looks_like_formula(" =1+1", ("=",)), looks_like_formula("-1", ("=",)), looks_like_formula("-1")
    (True, False, True)
    """
    if getattr(value, "data_type", None) == "f":
        return True
    text = getattr(value, "value", value)
    return isinstance(text, str) and (text.startswith(leads) or text.lstrip().startswith(leads))


@dataclass
class Table:
    """A list as a department files it: ``money`` names the header cells that hold whole yuan; ``shares`` those that
    hold a share from 0 to 1 (shown as a percentage); ``typed`` the columns left for people to fill in as text (what
    they type stays as typed: a voucher's leading zeros, its 20 digits); ``wide`` the columns of names read whole (at
    least 30 characters wide, however short this list's names); ``sheet`` the sheet's name, when not the title's."""

    title: str
    header: Sequence[str]
    rows: list[Sequence[Any]]
    money: set[str] = field(default_factory=set)
    shares: set[str] = field(default_factory=set)
    typed: set[str] = field(default_factory=set)
    wide: set[str] = field(default_factory=set)
    sheet: str = ""


def columns(table: Table) -> list[str]:
    """The sheet's header: each money column is followed by its 万元 twin."""
    out = []
    for name in table.header:
        out.append(f"{name}（元）" if name in table.money else name)
        if name in table.money:
            out.append(f"{name}（万元）")
    return out


@dataclass(frozen=True)
class Share:
    """A share cell: written as a number from 0 to 1 with a percent number format (67%), never as text."""

    part: float


@dataclass(frozen=True)
class Wan:
    """A 万元 cell: written as a number (whole yuan / 10 000) with a 万元 number format, never as text."""

    yuan: int


def places(yuan: int) -> int:
    """The decimals of ``yuan`` in 万元, as ``wan`` shows it.

    >>> places(800_000), places(1_234_567), places(1_234_500)
    (0, 4, 2)
    """
    shown = wan(yuan)
    return len(shown.split(".")[1]) if "." in shown else 0


def width(texts: Sequence[Any], least: int = 10, most: int = 60) -> int:
    """A column's width for its texts: a Chinese character counts two, bounded by ``least`` and ``most``.

    >>> width(["单位名称", "沈阳示例数字科技有限公司"]), width(["a"]), width(["字" * 100])
    (26, 10, 60)
    """
    wide = max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(t)) for t in texts),
               default=0)
    return max(least, min(most, wide + 2))


@dataclass(frozen=True)
class Yuan:
    """A whole-yuan cell of a money column: written as a number with thousands separators, as its 万元 twin is."""

    yuan: int


def cells(table: Table, row: Sequence[Any]) -> list[Any]:
    out = []
    for name, value in zip(table.header, row, strict=True):
        whole = isinstance(value, int) and not isinstance(value, bool)
        if name in table.money:
            out += [Yuan(value), Wan(value)] if whole else [value, None]
        else:
            out.append(Share(value) if name in table.shares and isinstance(value, float | int) else value)
    return out


def _units(text: str) -> int:
    """``text``'s length as Excel counts it (UTF-16 code units: a rare character past U+FFFF counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, most: int) -> str:
    """The longest start of ``text`` within ``most`` units (``_units``)."""
    kept = ""
    for ch in text:
        if _units(kept + ch) > most:
            break
        kept += ch
    return kept


def _cut(text: str) -> str:
    """``text`` cut within ``SHEET_MOST`` at its last separator or closing bracket outside any bracket (never inside
    one); cut short where it ends only when it has no such place."""
    fitted, depth, end = _fit(text, SHEET_MOST), 0, 0
    for i, ch in enumerate(fitted):
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
            end = i + 1 if not depth else end
        elif ch in SEPARATORS and not depth:
            end = i
    return (fitted[:end] if end else fitted).rstrip(SEPARATORS)


def sheet_name(title: str, taken: Iterable[str] = ()) -> str:
    """A sheet's name for ``title``, as Excel allows it (``SHEET_MOST``, ``SHEET_UNSAFE``): a title too long loses its
    bracketed part (the filters, which the title row states in full), or else is cut at a separator that fits; a name
    ``taken`` already in the workbook is numbered.

    >>> sheet_name("审计记录（操作人“dept-06”，记录于 2025年12月1日至2025年12月31日）")
    '审计记录'
    >>> sheet_name("'甲'公司'"), sheet_name("a/b"), sheet_name("公示", ["公示"]), sheet_name("", [])
    ("甲'公司", 'a／b', '公示（2）', 'Sheet1')
    >>> sheet_name("（" + "长" * 40 + "）"), sheet_name("第一部分，" + "长" * 30)
    ('（长长长长长长长长长长长长长长长长长长长长长长长长长长长长长长', '第一部分')
    """
    named = title.translate(SHEET_UNSAFE).strip().strip("'").strip()
    if _units(named) > SHEET_MOST:
        head = re.split(r"[（(]", named, maxsplit=1)[0].strip()
        named = head if head and _units(head) <= SHEET_MOST else _cut(named)
    named = named.strip("'").strip() or "Sheet1"
    used = {t.lower() for t in taken}
    number = 1
    while (numbered := named if number == 1 else _fit(named, SHEET_MOST - _units(f"（{number}）")).rstrip("'")
           + f"（{number}）").lower() in used:
        number += 1
    return numbered


def workbook(table: Table, *more: Table) -> bytes:
    """The table as the bytes of an .xlsx workbook; each of ``more`` on a sheet of its own after it."""
    buffer = io.BytesIO()
    with safe_workbook(buffer, in_memory=True) as book:
        for one in (table, *more):
            add_sheet(book, one)
    return buffer.getvalue()


def add_sheet(book: xlsxwriter.Workbook, table: Table, *, titled: bool = True) -> None:
    """The table as a sheet of ``book``: its title in the first row (unless not ``titled``), a bold header, the rows;
    text a spreadsheet could take for a formula is written as text with a quote prefix."""
    sheet = book.add_worksheet(sheet_name(table.sheet or table.title, [w.name for w in book.worksheets()]))
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    wan_formats = [book.add_format({"num_format": f}) for f in WAN_FORMATS]
    yuan = book.add_format({"num_format": YUAN_FORMAT})
    percent = book.add_format({"num_format": "0.0%"})  # 87.5%, not 88%
    text = book.add_format({"quote_prefix": True})  # stays text when someone edits the cell
    as_text = book.add_format({"num_format": "@"})  # what is typed into the column stays text
    top = 0
    if titled:
        sheet.write(0, 0, table.title, bold)
        top = 1
    header = columns(table)
    sheet.write_row(top, 0, header, bold)
    for r, row in enumerate(table.rows, start=top + 1):
        for c, value in enumerate(cells(table, row)):
            if isinstance(value, Wan):
                sheet.write_number(r, c, value.yuan / 10_000, wan_formats[places(value.yuan)])
            elif isinstance(value, Yuan):
                sheet.write_number(r, c, value.yuan, yuan)
            elif isinstance(value, Share):
                sheet.write_number(r, c, value.part, percent)
            elif isinstance(value, datetime):
                sheet.write_datetime(r, c, beijing(value), moment)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            elif value is None:
                sheet.write_blank(r, c, None)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int):
                sheet.write_number(r, c, value)
            else:
                value = str(value)
                sheet.write_string(r, c, value, text if looks_like_formula(value) else None)
    texts = [header, *(cells(table, row) for row in table.rows)]
    for c, name in enumerate(header):
        shown = [row[c] for row in texts if isinstance(row[c], str)]
        sheet.set_column(c, c, width(shown, 30 if name in table.wide else 10), as_text if name in table.typed else None)
    sheet.freeze_panes(top + 1, 0)


def sent_rows(content: bytes, name: str, field: str, *, most: int, columns: int,
              data_only: bool = False) -> list[tuple[int, tuple[Any, ...]]]:
    """The rows with something in them of the first sheet of a workbook people sent (``name``, as they called it),
    each with its line number and its first ``columns`` cells (openpyxl's read-only cells: ``value``, ``data_type``).

    Refused, naming ``field``: a file that is not a workbook; one whose parts unpack to more than ``MAX_UNPACKED``
    (the sizes are read from the zip's directory before anything is unpacked, and Python's zipfile stops a part at the
    size it declares); one that cannot be read to its end; one with more than ``most`` rows holding something. Blank
    rows are passed over without being kept, however many a sheet declares, so memory stays within ``most`` rows."""
    import zipfile

    import openpyxl

    unreadable = InputError([(field, f"{name} 不是有效的 Excel 工作簿（.xlsx），无法读取")])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            unpacked = sum(part.file_size for part in package.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise unreadable from None
    if unpacked > MAX_UNPACKED:
        raise InputError([(field, f"{name} 解压后超过 {file_size(MAX_UNPACKED, exact=True)}，请检查文件")])
    found: list[tuple[int, tuple[Any, ...]]] = []
    try:
        crowded = _crowded_row(content)
        if crowded:
            raise InputError([(field, f"{name} 第 {crowded} 行的单元格超过 {MAX_ROW_CELLS} 个，请删去多余的列")])
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
        try:
            if not book.worksheets:
                raise unreadable
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # the size a sheet declares may be wrong: its rows are read to their end
            for line, cells in enumerate(sheet.iter_rows(max_col=columns), start=1):
                if any(c.value is not None and (not isinstance(c.value, str) or c.value.strip()) for c in cells):
                    found.append((line, cells))
                    if len(found) > most:
                        raise InputError([(field, f"{name} 超过 {most} 行，请分成几个文件上传")])
        finally:
            book.close()
    except InputError:
        raise
    except Exception:  # openpyxl raises many types for a part it cannot read (a cell's value, a shared string…)
        raise unreadable from None
    return found


def _crowded_row(content: bytes) -> int | None:
    """The first row (its line) of any worksheet with more than ``MAX_ROW_CELLS`` cells, read as a stream: openpyxl
    builds every cell of a row before it keeps the first columns, so one row of millions of cells would take the
    server's memory even from a small file."""
    import zipfile
    from xml.etree.ElementTree import iterparse

    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for part in package.namelist():
            if not (part.startswith("xl/worksheets/") and part.endswith(".xml")):
                continue
            with package.open(part) as stream:
                cells, line, rows = 0, 0, None
                for event, element in iterparse(stream, events=("start", "end")):
                    tag = element.tag.rpartition("}")[2]
                    if event == "start" and tag == "sheetData":
                        rows = element
                    elif event == "start" and tag == "row":
                        reading = element.get("r")
                        line, cells = int(reading) if reading and reading.isdigit() else line + 1, 0
                    elif event == "end" and tag == "c":
                        cells += 1
                        if cells > MAX_ROW_CELLS:
                            return line
                    elif event == "end" and tag == "row" and rows is not None:
                        rows.clear()  # a row read is let go: memory stays that of one row
    return None


def sent_table(content: bytes, name: str, field: str, *, most: int, columns: int) -> list[list[Any]]:
    """``sent_rows`` as values (formulas as their last computed values), line by line from the first, a blank line
    as an empty list, up to the last line with something in it, which is at most line ``most``."""
    rows = sent_rows(content, name, field, most=most, columns=columns, data_only=True)
    if rows and rows[-1][0] > most:  # something far below the list (a stray cell): said, not read as blank lines
        last = rows[-1][0]
        raise InputError([(field, f"{name} 第 {last} 行还有内容，超过 {most} 行：请删去多余的内容或分成几个文件")])
    table: list[list[Any]] = [[] for _ in range(rows[-1][0])] if rows else []
    for line, cells in rows:
        table[line - 1] = [c.value for c in cells]
    return table


def download(table: Table, filename: str) -> Response:
    """The workbook as a download named ``filename`` (Chinese names survive: RFC 5987)."""
    return _attachment(workbook(table), filename)


def download_workbook(content: bytes, filename: str) -> Response:
    """A workbook already built (of several sheets: ``add_sheet`` each) as a download named ``filename``."""
    return _attachment(content, filename)


def download_built(request: Request, session: Session, actor: Any, build: Callable[..., Table], *args: Any,
                   filename: str) -> Response:
    """The workbook of ``build(session, actor, *args)``, built in a pool process when the app has one (its rows and
    cells are Python work that would hold the GIL against every other request), else here; the same bytes.
    ``build`` is a module-level function (the pool imports it by name) and ``args`` are plain values."""
    from huiqi.web.offload import offload, workbook_of

    pool = offload(request)
    if pool.pooled and _reads_configured_database(session):
        return _attachment(pool.run(workbook_of, build, actor.id, *args), filename)
    return download(build(session, actor, *args), filename)


def _reads_configured_database(session: Session) -> bool:
    """The session reads the configured database, which a pool process opens too (a session handed in by a test's
    dependency override, on a database of its own, does not: its workbook is built here)."""
    from sqlalchemy import make_url

    from huiqi.config import get_settings

    return session.get_bind().engine.url == make_url(get_settings().database_url)


def _attachment(content: bytes, filename: str) -> Response:
    quoted = quote(filename)
    return Response(content, media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename=\"huiqi.xlsx\"; filename*=UTF-8''{quoted}"})
