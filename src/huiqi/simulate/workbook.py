"""A population workbook measured before it is read: its sheets' names, and how far each sheet reaches.

The sheets are read by calamine (through Polars and fastexcel), which holds a sheet whole, sized by its farthest
cell: one cell at XFD1048576 in a file of a few kilobytes makes it ask for terabytes, and the process aborts. So the
sheets' XML is read first, as a stream, and a workbook is refused when a sheet is wider than ``MAX_COLUMNS``, longer
than Excel allows, or spans far more cells than it holds, and when its parts unpack past ``MAX_UNPACKED`` (a zip
bomb; the parts are inflated to their end here, so a part larger than its directory says fails its check too).
The same pass counts the cells holding a formula (``<f>``): calamine reads one without a cached value as blank, and
one with a value the platform cannot check, so a sheet with any is refused, naming its first cells.

Most writers (Excel, WPS, openpyxl, xlsxwriter) write every cell as ``<c r="B7" …>``: such a sheet is measured a
block of its XML at a time, by array operations over the bytes (``_scan``). A sheet written otherwise (cells without
their reference, prefixed tags, lower-case references) is measured by an XML parser, exactly and more slowly.
"""

import lzma
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, XMLPullParser, fromstring, iterparse

import numpy as np

from huiqi.errors import InputError

MAX_COLUMNS = 64  # a population sheet has 11 or 21 columns; others are ignored, but held while reading
MAX_ROWS = 1_048_576  # Excel's own limit
SPREAD, SLACK = 64, 1 << 20  # a sheet may span SPREAD times the cells it holds, and SLACK cells more
LIST_BYTES = 1 << 24  # a workbook's list of sheets and its links (a few kilobytes)
MAX_UNPACKED = 4 << 30  # a workbook of the largest upload allowed (200 MiB) unpacks to about 2 GiB
BLOCK = 1 << 22
HEAD_BYTES = 1 << 20  # a sheet's XML read at most for its header row (some kilobytes: the sheet's settings, a row)
STRINGS_BYTES = 1 << 26  # the shared strings' XML read at most for a header's names
FORMULAS_SHOWN = 5  # formula cells named in a refusal; the count says the rest
FORMULA = re.compile(rb"<(?:[^\s<>/!?]+:)?f[\s/>]")  # a formula's tag, prefixed or not (no other element is f)
NAME_ELEMENTS, NAME_CHARS = 64, 4096  # a shared string read for a header is a column's name: a few runs, a few words
MAX_STRINGS = 500_000  # shared strings read at most for a header (a quarter of a million applicants; more: the job)
CELL_END = np.zeros(256, dtype=bool)  # what may follow a cell's tag name: ``<c r=…``, ``<c>``, ``<c/>``
CELL_END[list(b" \t\n\r\f\v/>")] = True
PREFIXED = re.compile(rb"<[^\s<>/!?]+:c[\s/>]")  # a cell's tag with a namespace prefix, in any script
REFERENCE = int.from_bytes(b' r="', "little")
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@dataclass
class Formulas:
    """The cells holding a formula: how many, and the first ``FORMULAS_SHOWN`` by reference (``?`` when a cell's
    reference is not written)."""

    count: int = 0
    first: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Extent:
    sheet: str
    columns: int  # the farthest cell's column (1 = A)
    rows: int  # the farthest cell's row
    cells: int  # the cells written
    formulas: Formulas = field(default_factory=Formulas)  # a population takes values, never formulas


# What opening a damaged or unusual package raises: besides a broken zip or XML, an encrypted part (RuntimeError) or
# a compression method zipfile does not know (NotImplementedError), a damaged LZMA-compressed part (LZMAError).
UNREADABLE = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, OSError, KeyError, ParseError, ValueError, EOFError,
              RuntimeError, NotImplementedError)


def sheets(path: Path) -> list[Extent]:
    """Each sheet of the workbook, by name, with its extent; a file that is not a workbook is refused."""
    unreadable = InputError([("POPULATION", f"{path.name} 不是有效的 Excel 工作簿（.xlsx），无法打开")])
    try:
        with zipfile.ZipFile(path) as package:
            if sum(part.file_size for part in package.infolist()) > MAX_UNPACKED:
                raise InputError([("POPULATION", f"{path.name} 解压后超过 {MAX_UNPACKED >> 30} GiB，请检查文件")])
            parts = _sheet_parts(package)
            found = {part: _measure(package, part) for part in parts.values()}
            for part in package.infolist():
                if part.filename not in found:
                    with package.open(part) as stream:  # inflated to its end: a part larger than declared fails
                        while stream.read(BLOCK):
                            pass
    except UNREADABLE:
        raise unreadable from None
    return [Extent(name, *found[part]) for name, part in parts.items()]


def has_sheets(path: Path, names: tuple[str, ...]) -> None:
    """A cheap first look, for an upload before its job starts: the file is a workbook (its zip directory and its list
    of sheets can be read) holding the sheets ``names``; otherwise refused. Nothing is unpacked past that list."""
    try:
        with zipfile.ZipFile(path) as package:
            if sum(package.getinfo(part).file_size for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")) \
                    > LIST_BYTES:
                raise ValueError("a list of sheets too large to be one")
            found = _sheet_parts(package)
    except UNREADABLE:
        raise InputError([("POPULATION", f"{path.name} 不是有效的 Excel 工作簿（.xlsx），无法打开")]) from None
    missing = [name for name in names if name not in found]
    if missing:
        raise InputError([("POPULATION", f"{path.name} 中没有名为 {'、'.join(missing)} 的工作表")])


def header_rows(path: Path, names: tuple[str, ...]) -> dict[str, list[str]]:
    """The header (the first row holding a value) of each sheet of ``names``, as text, read cheaply for an upload
    before its job is queued: each sheet's XML up to the end of that row, and the shared strings up to the last one
    it uses, each no further than a bound. A sheet whose header cannot be had so (none, unreadable, past a bound, or
    strings far down the list) is left out: the job reads it whole, and says why."""
    found: dict[str, list[str]] = {}
    try:
        with zipfile.ZipFile(path) as package:
            parts = _sheet_parts(package)
            rows = {name: _first_row(package, parts[name]) for name in names if name in parts}
            wanted = {int(value) for row in rows.values() for shared, value in row or [] if shared}
            strings = _strings(package, wanted) if wanted else {}
    except (*UNREADABLE, InputError):
        return {}
    for name, row in rows.items():
        if row is not None and all(not shared or int(value) in strings for shared, value in row):
            found[name] = [strings[int(value)] if shared else value for shared, value in row]
    return found


def _first_row(package: zipfile.ZipFile, part: str) -> list[tuple[bool, str]] | None:
    """The cells of a sheet's first row holding a value: (is a shared string's number, text); None when there is no
    such row among the first ``MAX_COLUMNS`` rows' worth of cells."""
    cells: list[tuple[bool, str]] = []
    seen = 0
    for _, element in _pulled(package, part, HEAD_BYTES, ("end",)):
        tag = element.tag.rpartition("}")[2]
        if tag == "c":
            seen += 1
            kind = element.get("t")
            texts = _text(element.find(f"{MAIN}is")) if kind == "inlineStr" else [element.findtext(f"{MAIN}v") or ""]
            if "".join(texts).strip():
                cells.append((kind == "s", "".join(texts)))
        elif tag == "row":
            if cells:
                return cells
            element.clear()
        if seen > MAX_COLUMNS * MAX_COLUMNS:
            return None
    return cells or None


def _text(string: Element | None) -> list[str]:
    """A string's text (``<si>`` or an inline ``<is>``): its own ``<t>`` and its runs', not the phonetic guide."""
    if string is None:
        return []
    runs = [string.find(f"{MAIN}t"), *(r.find(f"{MAIN}t") for r in string.iter(f"{MAIN}r"))]
    return [t.text or "" for t in runs if t is not None]


def _strings(package: zipfile.ZipFile, wanted: set[int]) -> dict[int, str]:
    """The shared strings numbered ``wanted``, read up to the last of them (none past ``MAX_STRINGS``). Only a wanted
    string's elements are kept while it is read, each string no larger than a name (``NAME_ELEMENTS``, ``NAME_CHARS``:
    past them, ValueError, and the header is left to the job); every other element is dropped when it ends."""
    last = max(wanted)
    if last >= MAX_STRINGS:
        return {}
    found: dict[int, str] = {}
    links = fromstring(package.read("xl/_rels/workbook.xml.rels"))
    target = next((link.get("Target", "") for link in links if link.get("Type", "").endswith("/sharedStrings")), "")
    part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    index, open_, kept, chars = 0, [], 0, 0
    for event, element in _pulled(package, part, STRINGS_BYTES, ("start", "end")):
        if event == "start":
            open_.append(element)
            continue
        open_.pop()
        if len(open_) == 1 and element.tag == f"{MAIN}si":  # its text, and its runs' (not the phonetic guide)
            if index in wanted:
                found[index] = "".join(_text(element))
            if index == last:
                break
            index, kept, chars = index + 1, 0, 0
        if len(open_) > 1 and open_[1].tag == f"{MAIN}si" and index in wanted:  # a part of a wanted string: kept
            kept, chars = kept + 1, chars + len(element.text or "") + len(element.tail or "")
            if kept > NAME_ELEMENTS or chars > NAME_CHARS:
                raise ValueError(f"shared string {index} larger than a column's name")
        elif open_:
            open_[-1].remove(element)  # its parent's only child: every other has been dropped
    return found


def _pulled(package: zipfile.ZipFile, part: str, limit: int, events: tuple[str, ...]) -> Iterator[tuple[str, Element]]:
    """A part's XML events, read a block at a time and no further than ``limit`` bytes (past it, ValueError: one
    cell's text of gigabytes is never held)."""
    parser = XMLPullParser(events)
    read = 0
    with package.open(part) as stream:
        while block := stream.read(1 << 16):
            read += len(block)
            if read > limit:
                raise ValueError(f"{part} read past {limit} bytes")
            parser.feed(block)
            yield from parser.read_events()
    parser.close()
    yield from parser.read_events()


def check(path: Path, names: tuple[str, ...]) -> None:
    """The workbook holds the sheets ``names``, each within bounds a reader can hold; otherwise refused, by sheet."""
    extents = {e.sheet: e for e in sheets(path)}
    problems = [(name, f"{path.name} 中没有名为 {name} 的工作表") for name in names if name not in extents]
    for name in names:
        extent = extents.get(name)
        if extent is None:
            continue
        if extent.columns > MAX_COLUMNS:
            problems.append((name, f"工作表 {name} 有内容写到了第 {extent.columns} 列，超过 {MAX_COLUMNS} 列："
                                   "请删去右侧多余的列"))
        elif extent.rows > MAX_ROWS:
            problems.append((name, f"工作表 {name} 写到了第 {extent.rows} 行，超过 Excel 的 {MAX_ROWS} 行"))
        elif extent.rows * extent.columns > SPREAD * extent.cells + SLACK:
            problems.append((name, f"工作表 {name} 的范围到第 {extent.rows} 行、第 {extent.columns} 列，远大于其中的 "
                                   f"{extent.cells} 个单元格：请删去远处的单元格"))
        elif extent.formulas.count:  # read as blank (no value cached) or as a value the platform cannot check
            more = extent.formulas.count - len(extent.formulas.first)
            problems.append((name, f"工作表 {name} 的单元格 {'、'.join(extent.formulas.first)}"
                                   f"{f' 等（另有 {more} 个）' if more else ' '}是公式：平台只接受数值，"
                                   "请将公式转为数值（复制后“选择性粘贴 → 数值”）再上传"))
    if problems:
        raise InputError(problems)


def _sheet_parts(package: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the part that holds it (from the workbook and its relationships)."""
    book = fromstring(package.read("xl/workbook.xml"))
    links = fromstring(package.read("xl/_rels/workbook.xml.rels"))
    targets = {link.get("Id"): link.get("Target", "") for link in links}
    parts: dict[str, str] = {}
    for sheet in book.iter(f"{MAIN}sheet"):
        name = sheet.get("name", "")
        if name.casefold() in {n.casefold() for n in parts}:  # Excel allows none; a reader would read the first
            raise InputError([("POPULATION", f"工作簿中有两张名为 {name} 的工作表，请删去或改名其中一张")])
        target = targets.get(sheet.get(f"{RELATIONSHIPS}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if part in package.NameToInfo:
            parts[name] = part
    return parts


def _measure(package: zipfile.ZipFile, part: str) -> tuple[int, int, int, Formulas]:
    """(columns, rows, cells, formulas) of one sheet: by ``_scan`` when every cell carries its reference the usual
    way."""
    columns, rows, cells, tail, formulas, cell = 0, 0, 0, b"", Formulas(), "?"
    with package.open(part) as stream:
        while True:
            block = stream.read(BLOCK)
            text = tail + block
            cut = text.rfind(b"<") if block else len(text)  # a tag cut by the block goes with the next one
            text, tail = text[:cut], text[cut:]
            scanned = _scan(text)
            if scanned is None:
                return _parse(package, part)
            columns, rows, cells = max(columns, scanned[0]), max(rows, scanned[1]), cells + scanned[2]
            if b"<f" in text or b":f" in text:  # seldom: a population is values
                _formulas(text, formulas, cell)
            if len(formulas.first) < FORMULAS_SHOWN:
                cell = _last_cell(text, cell)
            if not block:
                return columns, rows, cells, formulas


def _formulas(text: bytes, formulas: Formulas, cell: str) -> None:
    """Count the formulas of a block of XML (every cell written ``<c r="B7"``) into ``formulas``, naming the first
    few by the cell each is in (``cell``: the one open where the block starts)."""
    for found in FORMULA.finditer(text):
        formulas.count += 1
        if len(formulas.first) < FORMULAS_SHOWN:
            formulas.first.append(_last_cell(text, cell, found.start()))


def _last_cell(text: bytes, cell: str, end: int | None = None) -> str:
    """The reference of the last cell opened in ``text`` (before ``end``); ``cell`` when none is."""
    at = text.rfind(b'<c r="', 0, len(text) if end is None else end)
    return cell if at < 0 else text[at + 6:text.index(b'"', at + 6)].decode()


def _scan(text: bytes) -> tuple[int, int, int] | None:
    """(columns, rows, cells) of a block of XML whose every cell is written ``<c r="B7"``, with a reference of one to
    three capitals and one to seven digits, the first not 0; None when a cell is written otherwise (``_parse``
    measures those).

    Each cell's reference is read as two 8-byte words at its offset; only the farthest column and row are decoded."""
    if b":c" in text and PREFIXED.search(text):
        return None
    # Comments, CDATA, a DTD's entities and processing instructions are where text can look like a cell and not be
    # one, or a cell can hide; no writer puts them in a sheet, and the parser reads them as a reader does.
    if b"<!" in text or text.find(b"<?", 1) >= 0 or (text.startswith(b"<?") and not text.startswith(b"<?xml ")):
        return None
    data = np.frombuffer(text + bytes(24), dtype=np.uint8)  # the zeros let every word below be read whole
    opens = np.flatnonzero(data[:len(text)] == ord("<"))
    starts = opens[(data[opens + 1] == ord("c")) & CELL_END[data[opens + 2]]]
    if not len(starts):
        return 0, 0, 0
    words = np.ndarray((len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))  # the 8 bytes at every offset
    head = words[starts + 2]  # ' r="' and the reference's first four characters
    if not ((head & 0xFFFFFFFF) == REFERENCE).all():
        return None
    first = head.view(np.uint8).reshape(-1, 8)[:, 4:7] - np.uint8(ord("A")) < 26  # capitals, wrapping below A
    letters = first[:, 0].astype(np.uint8) + (first[:, 0] & first[:, 1]) + (first[:, 0] & first[:, 1] & first[:, 2])
    if not letters.all():
        return None
    columns, rows = 0, 0
    for count in np.unique(letters).tolist():  # mostly one: every column of a population sheet is within A to Z
        at = starts[letters == count] + 6
        digits = words[at + count]  # up to seven digits and the closing quote
        characters = digits.view(np.uint8).reshape(-1, 8)
        length = np.argmin(characters - np.uint8(ord("0")) < 10, axis=1)  # the first that is not a digit
        if not ((length > 0) & (characters[np.arange(len(at)), length] == ord('"'))).all():
            return None
        if (characters[:, 0] == ord("0")).any():  # a leading zero: the longest would not be the largest
            return None
        longest = int(length.max())
        columns = max(columns, _column(_largest(words[at], count)))
        rows = max(rows, int(_largest(digits[length == longest], longest)))
    return columns, rows, len(starts)


def _largest(words: np.ndarray, width: int) -> bytes:
    """The largest of the words' first ``width`` bytes, compared as text (they are all of that width)."""
    kept = words & np.uint64((1 << 8 * width) - 1)
    return int(kept.byteswap().max()).to_bytes(8, "big")[:width]  # swapped, the first byte counts most


def _parse(package: zipfile.ZipFile, part: str) -> tuple[int, int, int, Formulas]:
    """(columns, rows, cells, formulas) as a reader places them: a row or cell without its reference follows the last
    one."""
    columns, rows, cells, row, column, formulas = 0, 0, 0, 0, 0, Formulas()
    with package.open(part) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if event == "start" and tag == "row":
                given = element.get("r")
                row, column = int(given) if given and given.isdigit() else row + 1, 0
            elif event == "start" and tag == "c":
                reference = element.get("r") or ""
                letters = reference.rstrip("0123456789")
                digits = reference[len(letters):]
                # a reader takes a reference's letters in either case (xfd1 is XFD1)
                column = _column(letters.upper().encode()) if letters.isascii() and letters.isalpha() else column + 1
                row = int(digits) if digits else row
                columns, rows, cells = max(columns, column), max(rows, row), cells + 1
            elif event == "start" and tag == "f":
                formulas.count += 1
                if len(formulas.first) < FORMULAS_SHOWN:
                    formulas.first.append(f"{_letters(column)}{row}")
            elif event == "end" and tag == "row":
                element.clear()
    return columns, rows, cells, formulas


def _letters(column: int) -> str:
    """A column's letters (1 is A, 27 is AA).

    >>> _letters(1), _letters(26), _letters(27), _letters(16384)
    ('A', 'Z', 'AA', 'XFD')
    """
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
