"""Turn Pydantic's validation errors into (field path, reason in Chinese) pairs people can act on."""

import re
from collections.abc import Callable, Hashable, Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from huiqi.errors import InputError
from huiqi.money import FULL_WIDTH_DIGITS
from huiqi.rules.facts import CHOICES
from huiqi.users.roles import ROLE_LABELS
from huiqi.workflow.states import STATES

_REASONS = {
    "missing": "缺少此项",
    "extra_forbidden": "不认识的字段（请检查拼写）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数，不能有小数",
    "int_parsing_size": "应为整数（位数过多）",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为对象（键值表）",
    "model_type": "应为对象（键值表）",
    "model_attributes_type": "应为对象（键值表）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不能带时间",
    "json_invalid": "JSON 格式错误",
    "json_type": "应为 JSON 文本",
    "datetime_type": "应为日期时间（YYYY-MM-DDTHH:MM:SS）",
    "datetime_parsing": "应为日期时间（YYYY-MM-DDTHH:MM:SS）",
    "datetime_from_date_parsing": "应为日期时间（YYYY-MM-DDTHH:MM:SS）",
    "timezone_aware": "应带时区（如 +08:00）",
    "timezone_naive": "不应带时区",
    "set_type": "应为列表",
    "frozen_set_type": "应为列表",
    "tuple_type": "应为列表",
    "bytes_type": "应为文本",
    "string_unicode": "应为有效的 Unicode 文本",
    "none_required": "应为空（null）",
    "union_tag_invalid": "类别不认识",
    "union_tag_not_found": "缺少类别字段",
    "url_type": "应为网址",
    "url_parsing": "网址格式不对",
    "url_scheme": "网址应以 http:// 或 https:// 开头",
}

# A number's bounds (Field gt, ge, lt, le, multiple_of), as people say them: (the bound's key, the sentence).
_BOUNDS = {
    "greater_than": ("gt", "应大于 {}"),
    "greater_than_equal": ("ge", "应不小于 {}"),
    "less_than": ("lt", "应小于 {}"),
    "less_than_equal": ("le", "应不大于 {}"),
    "multiple_of": ("multiple_of", "应为 {} 的整数倍"),
}


def field_path(loc: tuple[Any, ...]) -> str:
    """``('matters', 1, 'codes')`` -> ``matters[1].codes``.

    >>> field_path(("matters", 1, "codes")), field_path(("applicant", "uscc")), field_path(())
    ('matters[1].codes', 'applicant.uscc', '（整体）')
    """
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "（整体）"


def reason(error: dict[str, Any]) -> str:
    """A Chinese reason for one Pydantic error."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("enum", "literal_error"):
        return f"取值应为 {_choices(error)} 之一，收到 {error.get('input')!r}"
    if kind in _BOUNDS:
        key, said = _BOUNDS[kind]
        return said.format(_bound(ctx[key]))
    if kind in ("too_short", "string_too_short") and isinstance(error.get("input"), (list, dict)):
        return "不能为空" if ctx.get("min_length", 1) <= 1 else f"至少 {ctx['min_length']} 项"
    if kind in ("too_short", "string_too_short"):
        return "不能为空" if ctx.get("min_length", 1) <= 1 else f"至少 {ctx['min_length']} 个字符"
    # An optional text field's bound is checked as a length, like a list's (``too_long``): its input says which.
    if kind == "string_too_long" or (kind == "too_long" and isinstance(error.get("input"), str)):
        return f"不能超过 {ctx['max_length']} 个字"
    if kind == "too_long":
        return f"不能超过 {ctx['max_length']} 项"
    if kind == "string_pattern_mismatch":
        return PATTERNS.get(str(ctx.get("pattern")), "格式不符")
    if kind in ("date_parsing", "date_from_datetime_parsing") and isinstance(error.get("input"), str):
        return date_reason(error["input"])
    return _REASONS.get(kind, error["msg"])


def _bound(value: Any) -> Any:
    """A bound as people write it: a float field's bound of 0 is 0, not 0.0.

    >>> _bound(0.0), _bound(2.5), _bound(4294967295)
    (0, 2.5, 4294967295)
    """
    return int(value) if isinstance(value, float) and value.is_integer() else value


DAY_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


WRITTEN_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", re.ASCII)


def date_reason(text: str) -> str:
    """Why ``text`` is not a date: a day the calendar lacks, said as such, or the wrong shape.

    >>> date_reason("2026-02-30"), date_reason("2026/02/28")
    ('2026-02-30 不是有效日期', '应为日期（YYYY-MM-DD）')
    """
    text = text.strip()
    return f"{text} 不是有效日期" if DAY_SHAPE.fullmatch(text) else "应为日期（YYYY-MM-DD）"


def iso_date(text: str) -> date:
    """``text`` as a date written YYYY-MM-DD (spaces around allowed), ValueError otherwise: ``date.fromisoformat``
    alone also takes 20260101 and 2026-W01-1, shapes nobody means in a form, a query or a file.

    >>> iso_date(" 2026-02-28 ")
    datetime.date(2026, 2, 28)
    >>> iso_date("20260228")
    Traceback (most recent call last):
    ...
    ValueError: 20260228 is not YYYY-MM-DD
    """
    text = text.strip()
    if not DAY_SHAPE.fullmatch(text):
        raise ValueError(f"{text} is not YYYY-MM-DD")
    return date.fromisoformat(text)


def written_day(text: str) -> date | None:
    """A day as people write it in a spreadsheet cell (2026-12-05, 2026/12/5, 2026.12.05, 2026年12月5日, full-width
    digits too), or None when ``text`` is not written so; ValueError for a day the calendar lacks (2026/2/30). A
    form's date box sends YYYY-MM-DD, and forms, requests and commands read only that (``form_date``).

    >>> written_day("2026/12/5"), written_day("２０２６年１２月５日"), written_day("2026年\u300012月\u30005日")
    (datetime.date(2026, 12, 5), datetime.date(2026, 12, 5), datetime.date(2026, 12, 5))
    >>> written_day("5/12/2026") is None
    True
    """
    found = WRITTEN_DAY.fullmatch(text.translate(FULL_WIDTH_DIGITS).replace("\u3000", " ").strip())
    return None if found is None else date(*(int(part) for part in found.groups()))


def form_date(text: str, field: str) -> date:
    """A date typed in a form (YYYY-MM-DD, what a date box sends); InputError naming ``field`` when it is none.

    >>> form_date(" 2026-02-28 ", "starts_on")
    datetime.date(2026, 2, 28)
    >>> form_date("2026-02-30", "starts_on")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: starts_on：2026-02-30 不是有效日期
    >>> form_date("2026-02-2\\x008", "starts_on")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: starts_on：不能含有空字符（NUL）
    """
    try:
        return iso_date(visible(text, field))
    except ValueError:
        raise InputError([(field, date_reason(text))]) from None


def event_after(on: date | None, latest: date, named: str) -> str | None:
    """Why the day of a recognition, filing or approval cannot be after ``latest`` (today, a day of judgement,
    ``named`` so); None when it is not.

    >>> event_after(date(2099, 1, 1), date(2026, 12, 5), "今天")
    '日期 2099-01-01 晚于今天（2026-12-05）：请填写已认定、备案或批准的日期'
    >>> event_after(date(2026, 12, 5), date(2026, 12, 5), "今天") is None
    True
    """
    if on is None or on <= latest:
        return None
    return f"日期 {on} 晚于{named}（{latest}）：请填写已认定、备案或批准的日期"


NAMED_CHOICES: dict[str, dict[str, str]] = {"state": dict(STATES), "role": dict(ROLE_LABELS)}


def _choices(error: dict[str, Any]) -> str:
    """The allowed values of an enumerated field, in Chinese: ``新建（new）、增资扩产（expansion）``.

    >>> _choices({"loc": ("matters", 0, "build"), "ctx": {"expected": "'new' or 'expansion'"}})
    '新建（new）、增资扩产（expansion）'
    >>> _choices({"loc": ("query", "state"), "ctx": {"expected": "'draft' or 'approved'"}})
    '草稿（draft）、已批准（approved）'
    >>> _choices({"loc": ("kind",), "ctx": {"expected": "'a', 'b' or 'c'"}})
    'a、b、c'
    """
    field = next((part for part in reversed(error.get("loc", ())) if isinstance(part, str)), "")
    labels = CHOICES.get(field) or NAMED_CHOICES.get(field, {})
    values = re.findall(r"'([^']*)'", str((error.get("ctx") or {}).get("expected", "")))
    return "、".join(f"{labels[v]}（{v}）" if v in labels else v for v in values)


# What each pattern a field must match asks for, in words (people are never shown the pattern itself).
PATTERNS = {
    r"^[A-Za-z0-9_.\-]+$": "只能使用英文字母、数字和 _ . - 符号，不能有空格或汉字",
    r"^[a-z0-9][a-z0-9-]*$": "只能使用小写英文字母、数字和连字符 -，且以字母或数字开头",
}


def problems(exc: ValidationError, prefix: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """Each error of ``exc`` as (location, Chinese reason)."""
    return [(prefix + tuple(e["loc"]), reason(e)) for e in exc.errors(include_url=False)]


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# The database keeps naive UTC times; the API says so (RFC 3339, with the zone).
UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]

# People read Beijing time (UTC+8 all year: China keeps no daylight saving).
BEIJING = timezone(timedelta(hours=8), "北京时间")


def beijing(moment: datetime) -> datetime:
    """A stored moment (naive UTC, or aware) as Beijing wall-clock time, without zone.

    >>> beijing(datetime(2026, 11, 24, 17, 48))
    datetime.datetime(2026, 11, 25, 1, 48)
    """
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(BEIJING).replace(tzinfo=None)


# Control characters have no place in anything a person types, except tab and line breaks in a text area.
_CONTROLS = {c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)} | {0x7F}
_CONTROL_TABLE = {c: None for c in _CONTROLS}


K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def repeated(keys: Iterable[K]) -> K | None:
    """The first key that comes again, or None when every key differs (a list's items given twice).

    >>> repeated(["a", "b", "a", "b"]), repeated([1, 2, 3])
    ('a', None)
    """
    seen: set[K] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return None




def ascii_digits(text: str) -> str:
    """``text`` with its full-width digits as ASCII ones and the spaces around it gone: a code, a year or a count
    typed with a Chinese input method reads as typed in ASCII.

    >>> ascii_digits(" ６５１３ "), ascii_digits("２０２５-０１-０２")
    ('6513', '2025-01-02')
    """
    return text.translate(FULL_WIDTH_DIGITS).strip()


# A keyword as a Chinese input method types it: full-width digits, Latin letters and ＃ read as ASCII ones.
_WIDE = FULL_WIDTH_DIGITS | str.maketrans({"＃": "#"} | {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
                                          | {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_BRACKETS = (str.maketrans("()", "（）"), str.maketrans("（）", "()"))


def keyword(text: str) -> str:
    """A search word as typed with a Chinese input method, in the ASCII a credit code or ``#12`` is kept in.

    >>> keyword(" ９１２１０１ＡＢ "), keyword("＃３"), keyword("鞍山（演示）")
    ('912101AB', '#3', '鞍山（演示）')
    """
    return text.translate(_WIDE).strip()


def spellings(word: str) -> tuple[str, ...]:
    """A name's keyword as it may be kept: with the brackets typed, and with the other width's (（演示） and (演示)).

    >>> spellings("鞍山(演示)"), spellings("鞍山")
    (('鞍山(演示)', '鞍山（演示）'), ('鞍山',))
    """
    return tuple(dict.fromkeys([word, *(word.translate(table) for table in _BRACKETS)]))


def search_word(text: str | None) -> tuple[str, tuple[str, ...]]:
    """A search box's word as typed with a Chinese input method (``keyword``), and the spellings of a name it may
    match (``spellings``); ``("", ())`` when blank. A control character is refused under the box's label, 关键词.

    >>> search_word(" ９１２１ "), search_word("鞍山(演示)"), search_word(None)
    (('9121', ('9121',)), ('鞍山(演示)', ('鞍山(演示)', '鞍山（演示）')), ('', ()))
    """
    word = keyword(text or "")
    if any(ord(c) < 32 for c in word):
        raise InputError([("关键词", "不能含控制字符")])
    return word, spellings(word) if word else ()


def site_path(target: str | None, most: int = 2000) -> str | None:
    r"""``target`` when it is a path on this site (never another host), else None: for where to go after a sign-in or
    a message's link. Browsers read a backslash as a slash, so "/\host" would be another host too.

    >>> site_path("/me#offers"), site_path("//evil.example"), site_path("/\\evil.example"), site_path("https://x")
    ('/me#offers', None, None, None)
    """
    if not target or len(target) > most or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


def blank_is_none(value: Any) -> Any:
    """A choice in a page's query as a browser sends it: a select's first option (全部, 待我处理) is blank, which is no
    choice.

    >>> blank_is_none(""), blank_is_none("  "), blank_is_none("draft")
    (None, None, 'draft')
    """
    return None if isinstance(value, str) and not value.strip() else value


# A choice in a query (``Annotated[StateName | None, QueryChoice, Query()]``), to which blank means none.
QueryChoice = BeforeValidator(blank_is_none)


def blank_or_digits(value: Any) -> Any:
    """A number in a page's query as a browser sends it: blank (a select's “全部”, an empty box) is no value, and
    full-width digits read as ASCII ones; anything else is left for the type to judge.

    >>> blank_or_digits(""), blank_or_digits(" ２０２５ "), blank_or_digits(7)
    (None, '2025', 7)
    """
    if isinstance(value, str):
        return ascii_digits(value) or None
    return value


# A whole number in a page's query (``?year=``, ``?version=``), to which blank means none: ``Annotated[Year | None,
# QueryWhole, Query(...)]`` (the bounds stand on the number, since the query's own would be tried on the none).
QueryWhole = BeforeValidator(blank_or_digits)
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a query's ``?year=`` may name
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
SERIAL_MOST = 2_147_483_647
Serial = Annotated[int, Field(ge=1, le=SERIAL_MOST)]  # a record's number
WHOLE_TYPED = 20  # a number's box as a query carries it: past this, no number huiqi keeps


def whole_in(text: str | None, low: int, high: int) -> int | None:
    """``text`` as a whole number from ``low`` to ``high`` (full-width digits read as ASCII), or None when it is not
    one: a sign, a letter, a fraction, or a number past the bounds (``10**30``).

    >>> whole_in("２０２５", 2000, 2100), whole_in("-3", 1, 9), whole_in("1" * 31, 1, 9), whole_in("1.5", 1, 9)
    (2025, None, None, None)
    """
    typed = ascii_digits(text or "")
    if not digits(typed) or len(typed) > WHOLE_TYPED:
        return None
    return int(typed) if low <= int(typed) <= high else None


def collect(problems: list[tuple[str, str]] | None, read: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """``read(*args, **kwargs)``, or None once its refusal is added to ``problems``: one mistake among a form's
    others, so all of them are said at once. Without a list the refusal is raised as it was.

    >>> found: list[tuple[str, str]] = []
    >>> collect(found, form_date, "2026-02-30", "opens_on"), found
    (None, [('opens_on', '2026-02-30 不是有效日期')])
    >>> collect(found, form_date, "2026-02-28", "opens_on")
    datetime.date(2026, 2, 28)
    """
    try:
        return read(*args, **kwargs)
    except InputError as error:
        if problems is None:
            raise
        problems.extend(error.problems)
        return None


def digits(text: str) -> bool:
    """Whether ``text`` is one or more of the digits 0-9 and nothing else. ``str.isdigit`` also takes ² and other
    digit-like characters that ``int()`` refuses (a 500) or reads as numbers no form means (٣).

    >>> digits("2025"), digits("²"), digits("٣"), digits(""), digits(" 1")
    (True, False, False, False, False)
    """
    return text.isascii() and text.isdigit()


LINE_BREAK = re.compile(r"\r\n?")  # CR LF, or a lone CR (as old systems end a line)


def lf(text: str) -> str:
    r"""A text's line breaks as LF: one character each, as a form's box counted them (a browser or a client sends
    CR LF; ``web.newlines`` does this for forms, this for what arrives otherwise).

    >>> lf("先申报\r\n再审核\r补正")
    '先申报\n再审核\n补正'
    """
    return LINE_BREAK.sub("\n", text)


def control_reason(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None when it can.

    >>> control_reason("甲公司\\n第二行"), control_reason("a\\x00b"), control_reason("a\\x1bb")
    (None, '不能含有空字符（NUL）', '不能含有控制字符（U+001B）')
    """
    if value.translate(_CONTROL_TABLE) == value:
        return None
    if "\x00" in value:
        return "不能含有空字符（NUL）"
    found = next(ch for ch in value if ord(ch) in _CONTROLS)
    return f"不能含有控制字符（U+{ord(found):04X}）"


FIGURE_SHOWN = 100  # what a refused form shows again of a number's or a date's box (``kept``): no figure is longer


def visible(text: str, field: str) -> str:
    r"""A number's or a date's box as typed, refused naming ``field`` when it holds a character nobody types there (a
    NUL, another control character, as a forged form sends): said as a text box says it (``control_reason``), not as
    a number or a date gone wrong. Forms, amounts and dates read their boxes through it; a page's form shows the box
    again ``kept``.

    >>> visible(" 80 ", "amount")
    ' 80 '
    >>> visible("8\x1b0", "amount")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: amount：不能含有控制字符（U+001B）
    """
    if (why := control_reason(text)) is not None:
        raise InputError([(field, why)])
    return text


def kept(text: str, most: int) -> str:
    r"""A refused text as its form shows it again: without the characters no record keeps (NUL and the other control
    characters but tab and line breaks), cut to the field's bound ``most``: what was typed, as far as it can be kept.

    >>> kept("名单\x00核查" + "长" * 10, 6), kept("第一行\n第二行", 100)
    ('名单核查长长', '第一行\n第二行')
    """
    return text.translate(_CONTROL_TABLE)[:most]


def unkept(text: str, most: int) -> str | None:
    r"""Why a box's text cannot be kept as typed, or None: a character no record keeps (said as such), or a length past
    the box's bound ``most`` (with how long it is). A form says it beside the box, the text ``kept``.

    >>> unkept("名单\x00核查", 10), unkept("长" * 11, 10), unkept("第一行\n第二行", 10)
    ('不能含有空字符（NUL）', '不能超过 10 个字符（现有 11 个）', None)
    """
    if (why := control_reason(text)) is not None:
        return why
    return f"不能超过 {most} 个字符（现有 {len(text)} 个）" if len(text) > most else None


def _clean(value: str | None) -> str | None:
    if value is not None and (why := control_reason(value)) is not None:
        raise ValueError(why)
    return value


# Text bound for the database: PostgreSQL refuses NUL in text, and no control character belongs in a record, so
# both are refused at the door (a 422 naming the field, not a 500). Give each field a max_length fitting its column.
PlainText = Annotated[str, AfterValidator(_clean)]


def _day(value: object) -> object:
    """A date in a request body: a date, or text written YYYY-MM-DD; not a number (pydantic reads 0 as 1970-01-01)
    nor 20260101."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return iso_date(value)
        except ValueError:
            raise ValueError(date_reason(value)) from None
    raise ValueError("应为日期（YYYY-MM-DD）")


# A date field of a request body (read from JSON text, hence not strict).
Day = Annotated[date, BeforeValidator(_day), Field(strict=False)]


class StrictInput(BaseModel):
    """A request body: no field it does not know, no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True)


ENCODING_HINT = "请存为 UTF-8 编码的 CSV（Excel 中选“CSV UTF-8”）"


def csv_text(content: bytes, field: str) -> str:
    """A CSV's text: UTF-8 (with or without BOM), else GB18030 (the GBK Chinese Excel saves); refused, naming
    ``field``, when it is neither.

    >>> csv_text("级别\\n国家级\\n".encode("gbk"), "文件"), csv_text("\\ufeff级别".encode(), "文件")
    ('级别\\n国家级\\n', '级别')
    """
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError([(field, f"文件的编码无法识别：{ENCODING_HINT}")]) from None
