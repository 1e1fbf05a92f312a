"""Money typed by people: 万元 read exactly into whole yuan, and anything but a plain number refused in Chinese."""

import pytest

from huiqi.errors import InputError
from huiqi.money import MAX_YUAN, parse_wan, wan


@pytest.mark.parametrize(("typed", "yuan"), [
    ("100", 1_000_000), ("12.3456", 123_456), (" 1,000 ", 10_000_000), ("1，000", 10_000_000), ("0", 0),
    ("１００", 1_000_000), ("０．５", 5_000),
])
def test_plain_numbers_in_wan_are_whole_yuan(typed: str, yuan: int) -> None:
    assert parse_wan(typed, "amount") == yuan


@pytest.mark.parametrize("typed", ["1e3", "1E3", "-5", "+5", "NaN", "Infinity", "1 000", "5万", "0x10", ".5", "5.",
                                   "1_000", "١٢"])
def test_anything_but_a_plain_number_is_refused_in_chinese(typed: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_wan(typed, "amount")
    [(field, why)] = refused.value.problems
    assert field == "amount" and why.startswith(f"「{typed.strip()}」不是数字") and "如 100 或 12.3456" in why


def test_finer_than_a_yuan_or_too_large_is_refused() -> None:
    with pytest.raises(InputError, match="最多四位小数"):
        parse_wan("1.23456", "amount")
    with pytest.raises(InputError, match="金额过大"):
        parse_wan(str(MAX_YUAN // 10_000 + 1), "amount")
    assert parse_wan(wan(MAX_YUAN), "amount") == MAX_YUAN
