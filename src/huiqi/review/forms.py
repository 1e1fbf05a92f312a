"""Reading the reviewers' forms: amounts typed in 万元, dates, and the step each form asks for."""

from datetime import date

from huiqi.errors import InputError
from huiqi.money import MAX_YUAN, parse_wan


def yuan_of_wan(text: str | None, field: str = "amount") -> int:
    """An amount typed in 万元 (at most four decimals: whole yuan), read exactly.

    >>> yuan_of_wan("80"), yuan_of_wan("12.3456"), yuan_of_wan(" 0.0001 ")
    (800000, 123456, 1)
    """
    if not (text or "").strip():
        raise InputError([(field, "请填写金额（万元），如 80 或 12.5")])
    yuan = parse_wan(text, field)
    if yuan < 0:
        raise InputError([(field, "金额应为不小于 0 的数（万元）")])
    if yuan > MAX_YUAN:
        raise InputError([(field, "金额过大")])
    return yuan


def day_of(text: str | None, field: str, default: date | None = None) -> date:
    """A date from a form field (YYYY-MM-DD); blank gives ``default`` when there is one."""
    if not (text or "").strip():
        if default is not None:
            return default
        raise InputError([(field, "请填写日期")])
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError([(field, "应为日期（YYYY-MM-DD）")]) from None


