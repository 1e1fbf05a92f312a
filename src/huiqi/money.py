"""Money is whole yuan as integers; people read it in 万元."""

import re
from decimal import ROUND_HALF_UP, Decimal

from huiqi.errors import InputError

MAX_YUAN = 10**15  # 一千万亿元: far above any real figure, keeps integer arithmetic exact in int64

_UNITS = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
_PLAIN = re.compile(r"^\d+(\.\d+)?$", re.ASCII)  # what a person types in 万元: digits, one decimal point
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?", re.ASCII)  # 1,000 or 12,345.6: commas in threes
_FIGURE = re.compile(r"[\d,]+(?:\.\d*)?", re.ASCII)  # one pass, no backtracking: a megabyte of digits in ms
MAX_TYPED = 40  # characters of an amount typed in a form: 1,000,000,000,000.0000 万元 and room to spare
MISPLACED_COMMA = "逗号只能用作千位分隔（如 1,000）；小数请写小数点（如 8.5）"
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")  # typed with a Chinese input method
FULL_WIDTH = FULL_WIDTH_DIGITS | str.maketrans("．，", ".,")  # a figure's point and separators too
MINUS = ("-", "－", "−")  # ASCII, full-width and the minus sign: a negative number, whichever was typed
_AMOUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(元|万元|亿元)\s*$")


def wan(yuan: int | None, places: int | None = None) -> str:
    """Format yuan as 万元, exactly, without trailing zeros; '—' for None. ``places`` rounds (half up) to that many
    decimals, for estimates read by people (a simulation's totals), never for an amount granted or paid.

    >>> wan(20_000_000), wan(1_234_567), wan(0), wan(None), wan(1_234_567, places=2), wan(-1_234_500, places=2)
    ('2000', '123.4567', '0', '—', '123.46', '-123.45')
    """
    return _shown(yuan, 10_000, places)


def signed_wan(yuan: int) -> str:
    """A change in 万元 with its sign, as a comparison says it: the minus sign (−), not a hyphen.

    >>> signed_wan(500_000), signed_wan(-200_000), signed_wan(0), signed_wan(-1_234_567)
    ('+50', '−20', '0', '−123.4567')
    """
    return "0" if yuan == 0 else ("+" if yuan > 0 else "−") + wan(abs(yuan))


def yi(yuan: int | None, places: int | None = None) -> str:
    """Format yuan as 亿元, exactly, without trailing zeros; '—' for None. ``places`` rounds as in ``wan``.

    >>> yi(250_000_000), yi(1_234_567), yi(0), yi(None), yi(1_234_567, places=4)
    ('2.5', '0.01234567', '0', '—', '0.0123')
    """
    return _shown(yuan, 100_000_000, places)


def _shown(yuan: int | None, size: int, places: int | None = None) -> str:
    """``yuan / size`` without trailing zeros: exact, or rounded half up to ``places`` decimals; '—' for None."""
    if yuan is None:
        return "—"
    value = Decimal(yuan) / size
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def wan_or_yi(yuan: int | None) -> str:
    """An amount for a briefing, with its unit: 亿元 from one hundred million up, else 万元, to two decimals
    (rounded half up, so the figure stays short); '—' for None. Exact figures are in ``wan``.

    >>> wan_or_yi(1_234_567_890), wan_or_yi(-12_345_678), wan_or_yi(500), wan_or_yi(0), wan_or_yi(100_000_000)
    ('12.35亿元', '-1234.57万元', '0.05万元', '0万元', '1亿元')
    """
    if yuan is None:
        return "—"
    unit, size = ("亿元", 100_000_000) if abs(yuan) >= 100_000_000 else ("万元", 10_000)
    return _shown(yuan, size, 2) + unit


def chart_unit(amounts: list[int]) -> str:
    """The unit a chart of these amounts reads best in: 亿元 when the largest reaches one hundred million.

    >>> chart_unit([5, -300_000_000]), chart_unit([99_999_999]), chart_unit([])
    ('亿元', '万元', '万元')
    """
    return "亿元" if any(abs(a) >= 100_000_000 for a in amounts) else "万元"


def in_unit(yuan: int, unit: str, places: int | None = None) -> str:
    """``yuan`` in ``unit`` (万元 or 亿元), as text a chart or a table can read: exactly, or rounded to ``places``."""
    return yi(yuan, places) if unit == "亿元" else wan(yuan, places)


def ungrouped(text: str) -> str | None:
    """``text`` without its thousands separators (half- or full-width commas), or None where a comma stands anywhere
    but between groups of three: 8,5 meant as 8.5 must not be read as 85.

    >>> ungrouped("1,000.5"), ungrouped("12，345，678万元"), ungrouped("8,5"), ungrouped("1,00"), ungrouped("5")
    ('1000.5', '12345678万元', None, None, '5')
    """
    plain = text.replace("，", ",")
    if any("," in figure and not _GROUPED.fullmatch(figure) for figure in _FIGURE.findall(plain)):
        return None
    return plain.replace(",", "")


class UnwrittenAmount(ValueError):
    """An amount written neither as whole yuan nor as a number with its unit (a form that asks for 万元 says so
    in its own words)."""


def parse_amount(value: int | str) -> int:
    """Read an amount written as yuan (int) or as text with its unit, e.g. '1000万元', '1亿元'.

    >>> parse_amount("1000万元"), parse_amount("1亿元"), parse_amount(5), parse_amount("2.5万元")
    (10000000, 100000000, 5, 25000)
    """
    if isinstance(value, bool):
        raise ValueError("金额不能是布尔值")
    if isinstance(value, int):
        return value
    match = _AMOUNT.match(str(value))
    if not match and str(value).strip().startswith(MINUS):
        raise ValueError("金额不能为负数")
    if not match:
        raise UnwrittenAmount(f"金额“{value}”应写作整数元，或带单位的数（元、万元、亿元）")
    amount = Decimal(match.group(1)) * _UNITS[match.group(2)]
    if amount != amount.to_integral_value():
        raise ValueError(f"金额“{value}”不是整元")
    return int(amount)


def parse_wan(text: str, field: str, *, above_zero: bool = False, most: int | None = MAX_YUAN) -> int:
    """An amount typed in 万元, as whole yuan, exactly: plain digits with at most four decimals (finer than a
    yuan is refused), thousands separators, full-width digits and the unit written out (1.5万) allowed; another
    unit (2亿元, 5000元) is refused with how to convert it; no exponent (1e3), sign, or other
    symbol. A negative number is refused as one; ``above_zero`` refuses zero too (a field that must be more).

    >>> parse_wan("123.4567", "amount"), parse_wan(" 1,000 ", "amount"), parse_wan("1.5万", "amount")
    (1234567, 10000000, 15000)
    >>> parse_wan("8,5", "amount")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: amount：「8,5」：逗号只能用作千位分隔（如 1,000）；小数请写小数点（如 8.5）
    >>> parse_wan("2亿元", "amount")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: amount：「2亿元」：本栏以万元为单位，请换算为万元后只写数字（1亿元填 10000，5000元填 0.5）
    >>> parse_wan("1e3", "amount")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: amount：「1e3」不是数字：以万元为单位，只写数字和小数点，如 100 或 12.3456
    >>> parse_wan("-5", "amount")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: amount：金额不能为负数
    >>> parse_wan("0", "amount", above_zero=True)
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: amount：金额应大于 0 万元
    >>> parse_wan("8\\x000", "amount")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: amount：不能含有空字符（NUL）
    """
    from huiqi.validation import visible  # not at the top: validation reads this module's digits

    visible(text, field)  # a NUL is said as one, not echoed as a figure gone wrong
    if len(text.strip()) > MAX_TYPED:  # no real amount is longer; a megabyte of digits is not read (nor echoed)
        raise InputError([(field, f"金额过长：以万元为单位，只写数字和小数点，如 100 或 12.3456"
                                  f"（不超过 {MAX_TYPED} 个字符）")])
    plain = ungrouped(text.translate(FULL_WIDTH).strip())
    if plain is None:
        raise InputError([(field, f"「{text.strip()}」：{MISPLACED_COMMA}")])
    sign = plain[:1] if plain[:1] in MINUS else ""
    figure = plain.removeprefix(sign).strip()
    if figure.endswith(("万元", "万")) and _PLAIN.match(bare := figure.removesuffix("元").removesuffix("万").strip()):
        plain = sign + bare  # the field's own unit, written out: 1.5万, 80 万元
    elif any(_PLAIN.match(figure.removesuffix(unit).strip()) for unit in ("亿元", "亿", "元") if figure.endswith(unit)):
        raise InputError([(field, f"「{text.strip()}」：本栏以万元为单位，请换算为万元后只写数字（1亿元填 10000，"
                                  "5000元填 0.5）")])
    negative = plain[:1] in MINUS and _PLAIN.match(plain[1:].strip()) is not None
    if negative or (above_zero and _PLAIN.match(plain) and Decimal(plain) == 0):
        raise InputError([(field, "金额应大于 0 万元" if above_zero else "金额不能为负数")])
    if not _PLAIN.match(plain):
        raise InputError([(field, f"「{text.strip()}」不是数字：以万元为单位，只写数字和小数点，如 100 或 12.3456")])
    value = Decimal(plain) * 10_000
    if value != value.to_integral_value():
        raise InputError([(field, "金额精确到元：以万元为单位时最多四位小数")])
    if most is not None and value > most:  # None: the caller's own limit bounds it, and names it
        raise InputError([(field, f"金额过大：不能超过 {most // 10**12}万亿元")])
    return int(value)
