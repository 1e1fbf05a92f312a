"""Dated parameters: caps, rates, thresholds and dates, each value with the date it starts and its source.

A value applies to matters dated on or after its ``since`` until the next value starts, as
OpenFisca's parameters do. A matter without a date reads the value in force on ``as_of``.
"""

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from huiqi.money import MAX_YUAN, MINUS, parse_amount
from huiqi.validation import DAY_SHAPE, date_reason

KINDS = {"money": "金额", "rate": "比例", "date": "日期", "int": "整数"}
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


@dataclass(frozen=True)
class DatedValue:
    since: date
    value: Any
    source: str


@dataclass(frozen=True)
class Parameter:
    """A named parameter and its values over time (sorted by ``since``)."""

    name: str
    label: str
    kind: str
    values: tuple[DatedValue, ...]

    @property
    def type(self) -> str:
        """The parameter's type in expressions."""
        return {"money": "int", "int": "int", "date": "date", "rate": "rate"}[self.kind]

    def at(self, day: date | None, as_of: date) -> Any:
        """The value in force on ``day`` (on ``as_of`` when the day is unknown)."""
        day = as_of if day is None else day
        current = self.values[0].value
        for dated in self.values:
            if dated.since <= day:
                current = dated.value
        return current


def read_value(kind: str, raw: Any) -> Any:
    """Read one raw value of a parameter of ``kind``; raises ValueError with a reason."""
    if kind == "money":
        amount = parse_amount(raw)
        if amount < 0:
            raise ValueError("金额不能为负数")
        if amount > MAX_YUAN:
            raise ValueError(f"金额应在 0 元至 {MAX_YUAN // 10**12} 万亿元之间")
        return amount
    if kind == "rate":
        return read_rate(raw)
    if kind == "date":
        if isinstance(raw, str) and DAY_SHAPE.fullmatch(raw.strip()):  # a day the calendar lacks: 2028-02-30
            raise ValueError(date_reason(raw))
        if not isinstance(raw, date):
            raise ValueError(f"“{raw}”不是日期（YYYY-MM-DD）")
        return raw
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValueError(f"“{raw}”不是整数")
    return raw


def read_rate(raw: Any) -> Fraction:
    """A rate written as a percentage, exactly.

    >>> read_rate("30%"), read_rate("5%"), read_rate("12.5%")
    (Fraction(3, 10), Fraction(1, 20), Fraction(1, 8))
    >>> read_rate("-1%")  # a percentage below zero: said so, not asked to be written as one
    Traceback (most recent call last):
    ...
    ValueError: 比例“-1%”应大于 0% 且不超过 100%
    """
    match = _RATE.match(str(raw))
    if not match and str(raw).strip().startswith(MINUS) and _RATE.match(str(raw).strip()[1:]):
        raise ValueError(f"比例“{raw}”应大于 0% 且不超过 100%")
    if not match:
        raise ValueError(f"比例“{raw}”应写作百分数，如 30%")
    rate = Fraction(match.group(1)) / 100
    if not 0 < rate <= 1:
        raise ValueError(f"比例“{raw}”应大于 0% 且不超过 100%")
    if rate.denominator > 10_000:
        raise ValueError(f"比例“{raw}”的精度超过万分之一")
    return rate


def apply_rate(base: int, rate: Fraction) -> int:
    """``rate × base`` floored to whole yuan, in integers.

    >>> apply_rate(33_333_333, Fraction(3, 10)), apply_rate(100_000_001, Fraction(1, 20))
    (9999999, 5000000)
    """
    return base * rate.numerator // rate.denominator
