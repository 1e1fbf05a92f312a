"""Reading a recognition list: its file (CSV in UTF-8 or GB18030, or Excel), and every line checked (credit code,
duplicates, name, code, level, date) before anything is written, each mistake named by its line and field; a row the
template marks as its example is passed over."""

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.labels import Problem
from huiqi.reference.uscc import uscc_problem
from huiqi.rules.facts import CHOICES
from huiqi.rules.policy import CodeInfo
from huiqi.validation import csv_text, date_reason, iso_date
from huiqi.web.excel import sent_table

COLUMNS = {"uscc": "uscc", "统一社会信用代码": "uscc", "name": "name", "企业名称": "name", "单位名称": "name",
           "level": "level", "级别": "level", "date": "date", "认定日期": "date", "code": "code", "类别": "code"}
# Each column as a row's mistake names it: by its header as the file writes it in Chinese (企业名称 or 单位名称), else
# (uscc, name…) as the template heads it.
LABELS = {"uscc": "统一社会信用代码", "name": "企业名称", "level": "级别", "date": "认定日期", "code": "类别"}
FILE = "名单文件"  # as the import form calls its file
# A row's 级别 as the page's own list names it (国家级…), with or without its 级 (国家, 省; 国际级, 行业级), or by its
# code; read without the spaces around it, its letters in any case (``level_of``).
LEVELS = {**{code: code for code in CHOICES["level"]},
          **{form: code for code, name in CHOICES["level"].items()
             for form in (name, name.removesuffix("级") or name, name if name.endswith("级") else name + "级")}}
LEVEL_HINT = (f"应为 {'、'.join(CHOICES['level'].values())} 之一（“级”字可有可无，也可写作 "
              f"{'、'.join(CHOICES['level'])}）")
MAX_ROWS = 100_000
MAX_COLUMNS = 50  # columns read from a workbook: a list has two or three
QUOTES = "\"'“”‘’「」"  # quotation marks a category's label is typed with, or without
CODE_SHOWN = 40  # of a 类别 not known, what its problem shows
EXAMPLE = "示例"  # how the template marks its example row, in its 统一社会信用代码


@dataclass(frozen=True)
class Row:
    line: int
    uscc: str
    name: str
    code: str
    level: str | None
    on: date


def read_file(path: Path) -> list[list[str]]:
    """The rows of a CSV (UTF-8, or the GB18030 Chinese Excel saves) or Excel file, as text, header first; what
    keeps it from being read said by the import form's label for it, beside its field."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            table = sent_table(path.read_bytes(), FILE, "file", most=MAX_ROWS + 1, columns=MAX_COLUMNS)
            return [[_cell(c) for c in row] for row in table]
        return list(csv.reader(io.StringIO(csv_text(path.read_bytes(), "file"))))
    except InputError as error:
        raise InputError([Problem(FILE, why, "file") for _, why in error.problems]) from None
    except (OSError, UnicodeDecodeError, ValueError, csv.Error) as exc:
        raise InputError([Problem(FILE, f"读不了这个文件：{exc}", "file")]) from None


def _plain(text: str) -> str:
    """A category as typed, for comparing: no spaces nor quotation marks, brackets half-width, letters small.

    >>> _plain(' 专精特新"小巨人"企业（新认定） ') == _plain('专精特新“小巨人”企业(新认定)')
    True
    """
    kept = "".join(c for c in text if not c.isspace() and c not in QUOTES)
    return kept.replace("（", "(").replace("）", ")").lower()


def code_of(given: str, codes: Mapping[str, CodeInfo]) -> str | None:
    """The honour a row's 类别 names: by its code (little_giant), its label as the page and the template show it
    (专精特新“小巨人”企业（新认定）, the quotation marks and brackets as typed), or that label without its closing
    note in brackets (专精特新"小巨人"企业), when only one honour has it; None when none does."""
    plain = _plain(given)
    honours = {c: info for c, info in codes.items() if info.type == "honour"}
    if plain in honours:
        return plain
    found = {c for c, info in honours.items() if _plain(info.label) == plain}
    if not found:
        found = {c for c, info in honours.items() if _plain(re.sub(r"[（(][^（()）]*[)）]$", "", info.label)) == plain}
    return found.pop() if len(found) == 1 else None


def _row_level(given: str, level: str | None, where: str, problems: list[tuple[str, str]]) -> str | None:
    """A row's level: as the row gives it (by name or code), else the list's; a level not known is a problem, said
    at ``where`` (its line and column), and the row's level then is not None, so that it is said once."""
    if not given:
        return level
    found = level_of(given)
    if found is None:
        typed = f"“{given[:20]}”" if given.isprintable() else "所填"  # a control character is not echoed
        problems.append((where, f"{typed}不是可识别的级别：{LEVEL_HINT}"))
    return found or given


def level_of(given: str) -> str | None:
    """A level's code as a row may write it: by name with or without its 级, or by code, any case, spaces around it
    dropped; None for one not known.

    >>> level_of(" 国家 "), level_of("省"), level_of("省级"), level_of("National"), level_of("国际级"), level_of("市")
    ('national', 'provincial', 'provincial', 'national', 'international', None)
    """
    given = given.strip()
    return LEVELS.get(given) or LEVELS.get(given.lower())


def _row_date(given: str, published_on: date, where: str, problems: list[tuple[str, str]]) -> date:
    """A row's recognition date: as the row gives it, else the list's; not a date, or after the list's, a problem
    said at ``where`` (its line and column)."""
    if not given:
        return published_on
    try:
        on = iso_date(given[:10])
    except ValueError:
        problems.append((where, date_reason(given[:10])))
        return published_on
    if on > published_on:  # a recognition is made before the list that announces it
        problems.append((where, f"{on} 晚于名单的发布日期 {published_on}"))
    return on


def is_example(uscc: str) -> bool:
    """A row the template marks as its example (its 统一社会信用代码 starting with 示例): passed over on import.

    >>> is_example("示例：91210100MA0QC1B25F"), is_example("（示例）9121"), is_example("91210100MA0QC1B25F")
    (True, True, False)
    """
    return uscc.lstrip("（(【[ ").startswith(EXAMPLE)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)


# The import form's fields, in the order the page shows them: its problems are said in this order, each beside its
# field (``form_problems``, ``table_problems``; the page adds the document number's).
FORM_ORDER = ("file", "code", "level", "document", "published_on")


def form_problems(session: Session, *, code: str, level: str | None, published_on: date | None) -> list[Problem]:
    """What is wrong with the list's own fields (its category, level and date; ``published_on`` None when the form's
    date was none, said there), each by the form's label and field: all of them, not the first alone."""
    codes, found = catalogue.codes(session), []
    if not code.strip():
        found.append(Problem("认定类别", "请选择认定类别", "code"))
    elif code not in codes or codes[code].type != "honour":
        found.append(Problem("认定类别", f"不认识的认定类别“{code[:CODE_SHOWN]}”，请从列表中选择政策中的荣誉、认定类别",
                             "code"))
    if level is not None and level not in CHOICES["level"]:
        found.append(Problem("级别", f"应为 {'、'.join(CHOICES['level'])} 之一", "level"))
    if published_on is not None and published_on > clock.today():
        found.append(Problem("发布日期", f"不能晚于今天（{clock.today().isoformat()}）：请填写名单实际发布的日期",
                             "published_on"))
    return found


def table_problems(rows: list[list[str]]) -> list[Problem]:
    """What is wrong with the file as a whole (empty, no header naming the two columns it needs, too many rows),
    said beside the form's file field; its lines are checked once the form's fields are right (``check``)."""
    if not rows:
        return [Problem(FILE, "文件是空的", "file")]
    if not {"uscc", "name"} <= set(_header(rows)):
        return [Problem(FILE, "第一行应为表头，至少含 uscc（统一社会信用代码）和 name（企业名称）两列", "file")]
    if len(rows) - 1 > MAX_ROWS:
        return [Problem(FILE, f"一次最多导入 {MAX_ROWS} 行", "file")]
    return []


def _header(rows: list[list[str]]) -> list[str]:
    return [COLUMNS.get(c.strip().lower(), COLUMNS.get(c.strip(), "")) for c in rows[0]]


def check(session: Session, rows: list[list[str]], *, code: str, level: str | None,
          published_on: date) -> list[Row]:
    """Every line checked; all mistakes named by line and column (the column's Chinese header), or the rows."""
    problems: list[tuple[str, str]] = [*form_problems(session, code=code, level=level, published_on=published_on),
                                       *table_problems(rows)]
    if problems:
        raise InputError(problems)
    codes, header = catalogue.codes(session), _header(rows)
    named = _named(rows[0], header)
    # A recognition whose rules read its level (国家级、省级…): a row without one is refused, never taken as none.
    needs_level = "level" in codes[code].fields and level is None
    found, seen = [], {}
    for line, raw in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        cells = {k: raw[i].strip() for i, k in enumerate(header) if k and i < len(raw)}
        if is_example(cells.get("uscc", "")):
            continue
        where = {key: f"第 {line} 行·{label}" for key, label in named.items()}
        uscc = cells.get("uscc", "").upper()
        why = uscc_problem(uscc)
        if why:
            problems.append((where["uscc"], why))
        elif uscc in seen:
            problems.append((where["uscc"], f"与第 {seen[uscc]} 行重复"))
        else:
            seen[uscc] = line
        name = cells.get("name", "")
        if not name or len(name) > 200 or any(ord(c) < 32 for c in name):
            problems.append((where["name"], f"请填写{named['name']}（不超过 200 个字）"))
        given = cells.get("code", "")
        row_code = code_of(given, codes) if given else code
        if row_code != code:
            chosen = codes[code].label
            theirs = codes[row_code].label if row_code else f"“{given[:CODE_SHOWN]}”"
            why = "与导入时选择的类别不同（一份名单只导入一种认定）" if row_code else "不是认识的认定类别"
            problems.append((where["code"], f"{theirs}{why}：本列应填写“{chosen}”或“{code}”，也可不填"))
        row_level = _row_level(cells.get("level", ""), level, where["level"], problems)
        if row_level is None and needs_level and "level" in header:  # no such column: said once, below
            problems.append((where["level"], f"{codes[code].label}须注明级别，本行未填写：级别{LEVEL_HINT}"))
        found.append(Row(line, uscc, name, code, row_level, _row_date(cells.get("date", ""), published_on,
                                                                      where["date"], problems)))
    if needs_level and "level" not in header:
        problems.append(Problem("级别", f"{codes[code].label}须注明级别：请在导入时选择级别，或在文件中加“级别”列"
                                        f"逐行填写，级别{LEVEL_HINT}", "level"))
    if problems:
        raise InputError(problems)
    if not found:
        raise InputError([Problem(FILE, "没有任何数据行", "file")])
    return found


def _named(first: list[str], header: list[str]) -> dict[str, str]:
    """Each column as a row's mistake names it: its header as the file writes it, when in Chinese; else (uscc,
    name…, or no such column) as the template heads it.

    >>> _named(["uscc", "单位名称"], ["uscc", "name"])["name"], _named(["uscc", "name"], ["uscc", "name"])["name"]
    ('单位名称', '企业名称')
    """
    named = dict(LABELS)
    for cell, key in zip(first, header, strict=False):
        if key and not cell.strip().isascii():
            named[key] = cell.strip()
    return named
