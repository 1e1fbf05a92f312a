"""Money is whole yuan as integers; people read it in 万元."""

import re
from decimal import ROUND_HALF_UP, Decimal

from huiqi.errors import InputError

MAX_YUAN = 10**15  # 一千万亿元: far above any real figure, keeps integer arithmetic exact in int64

_UNITS = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
_PLAIN = re.compile(r"^\d+(\.\d+)?$", re.ASCII)  # what a person types in 万元: digits, one decimal point
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")  # typed with a Chinese input method
_AMOUNT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(元|万元|亿元)\s*$")


def wan(yuan: int | None) -> str:
    """Format yuan as 万元, exactly, without trailing zeros; '—' for None.

    >>> wan(20_000_000), wan(1_234_567), wan(0), wan(None)
    ('2000', '123.4567', '0', '—')
    """
    if yuan is None:
        return "—"
    text = format(Decimal(yuan) / 10_000, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def large(yuan: int | None) -> str:
    """Format yuan for people with its unit: 亿元 from one 亿 up, to two decimals (约 when rounded: the exact figure
    is in the 万元 columns beside it), else exact 万元; signed; '—' for None.

    >>> large(250_000_000), large(-15_000_000), large(123_456_789_012), large(2_576_161_649_00), large(0)
    ('2.5亿元', '-1500万元', '约1234.57亿元', '约2576.16亿元', '0万元')
    """
    if yuan is None:
        return "—"
    if abs(yuan) >= 100_000_000:
        exact = Decimal(yuan) / 100_000_000
        shown = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        text = format(shown, "f").rstrip("0").rstrip(".")
        return ("" if shown == exact else "约") + text + "亿元"
    return f"{wan(yuan)}万元"


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
    if not match:
        raise ValueError(f"金额 {value!r} 应写作整数元，或带单位的数（元、万元、亿元）")
    amount = Decimal(match.group(1)) * _UNITS[match.group(2)]
    if amount != amount.to_integral_value():
        raise ValueError(f"金额 {value!r} 不是整元")
    return int(amount)


def parse_wan(text: str, field: str) -> int:
    """An amount typed in 万元, as whole yuan, exactly: plain digits with at most four decimals (finer than a
    yuan is refused), thousands separators and full-width digits allowed; no exponent (1e3), sign, or other
    symbol.

    >>> parse_wan("123.4567", "amount"), parse_wan(" 1,000 ", "amount")
    (1234567, 10000000)
    >>> parse_wan("1e3", "amount")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: amount：「1e3」不是数字：以万元为单位，只写数字和小数点，如 100 或 12.3456
    """
    plain = text.translate(_FULL_WIDTH).replace(",", "").strip()
    if not _PLAIN.match(plain):
        raise InputError([(field, f"「{text.strip()}」不是数字：以万元为单位，只写数字和小数点，如 100 或 12.3456")])
    value = Decimal(plain) * 10_000
    if value != value.to_integral_value():
        raise InputError([(field, "金额精确到元：以万元为单位时最多四位小数")])
    if value > MAX_YUAN:
        raise InputError([(field, f"金额过大：不能超过 {wan(MAX_YUAN)} 万元")])
    return int(value)
