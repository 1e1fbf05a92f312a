"""Money typed by people: 万元 read exactly into whole yuan, and anything but a plain number refused in Chinese."""

import pytest

from huiqi.errors import InputError
from huiqi.money import MAX_YUAN, parse_amount, parse_wan, wan


@pytest.mark.parametrize(("typed", "yuan"), [
    ("100", 1_000_000), ("12.3456", 123_456), (" 1,000 ", 10_000_000), ("1，000", 10_000_000), ("0", 0),
    ("１００", 1_000_000), ("０．５", 5_000), ("5万", 50_000), ("1.5 万元", 15_000), ("８０万元", 800_000),
])
def test_plain_numbers_in_wan_are_whole_yuan(typed: str, yuan: int) -> None:
    assert parse_wan(typed, "amount") == yuan


@pytest.mark.parametrize("typed", ["1e3", "1E3", "-", "--5", "+5", "NaN", "Infinity", "1 000", "万", "5万万", "0x10",
                                   ".5", "5.", "1_000", "١٢"])
def test_anything_but_a_plain_number_is_refused_in_chinese(typed: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_wan(typed, "amount")
    [(field, why)] = refused.value.problems
    assert field == "amount" and why.startswith(f"「{typed.strip()}」不是数字") and "如 100 或 12.3456" in why


@pytest.mark.parametrize("typed", ["8,5", "80,5", "1,00", "1,0000", ",5", "5,", "1,,000", "8，5", "8,5万元", "-8,5"])
def test_a_comma_outside_thousands_is_refused_not_dropped(typed: str) -> None:
    """8,5 meant as 8.5 was read as 85 万元: ten times what was meant, saved without a word."""
    with pytest.raises(InputError) as refused:
        parse_wan(typed, "amount")
    [(field, why)] = refused.value.problems
    assert field == "amount" and why == f"「{typed}」：逗号只能用作千位分隔（如 1,000）；小数请写小数点（如 8.5）"


@pytest.mark.parametrize("typed", ["1" * 41, "1" * 1_000_000, "1," * 500_000])
def test_a_megabyte_of_digits_is_refused_at_once_not_read(typed: str) -> None:
    """A number longer than any amount is refused as too long: a million digits made Decimal overflow (a 500), and
    the comma check, as first written, took seconds per hundred thousand digits (it backtracked)."""
    with pytest.raises(InputError) as refused:
        parse_wan(typed, "amount")
    [(field, why)] = refused.value.problems
    assert field == "amount" and why.startswith("金额过长") and len(why) < 100


def test_the_comma_check_reads_a_long_text_in_one_pass() -> None:
    from huiqi.money import ungrouped

    assert ungrouped("1" * 1_000_000) == "1" * 1_000_000 and ungrouped("1,000" * 1000) is None


@pytest.mark.parametrize(("typed", "yuan"), [
    ("1,000.5", 10_005_000), ("12,345", 123_450_000), ("1,000万元", 10_000_000)])
def test_commas_between_thousands_are_read(typed: str, yuan: int) -> None:
    assert parse_wan(typed, "amount") == yuan


@pytest.mark.parametrize("typed", ["2亿元", "2亿", "5000元", "0.5 亿元"])
def test_another_unit_is_refused_with_how_to_convert_it(typed: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_wan(typed, "amount")
    assert refused.value.problems == [
        ("amount", f"「{typed}」：本栏以万元为单位，请换算为万元后只写数字（1亿元填 10000，5000元填 0.5）")]


def test_finer_than_a_yuan_or_too_large_is_refused() -> None:
    with pytest.raises(InputError, match="最多四位小数"):
        parse_wan("1.23456", "amount")
    with pytest.raises(InputError) as too_large:
        parse_wan(str(MAX_YUAN // 10_000 + 1), "amount")
    assert too_large.value.problems == [("amount", "金额过大：不能超过 1000万亿元")], "the limit as people say it"
    assert parse_wan(wan(MAX_YUAN), "amount") == MAX_YUAN


@pytest.mark.parametrize("typed", ["-5", " -0.5 ", "－5", "−1,000", "-5万", "－5 万元"])
def test_a_negative_number_is_refused_as_negative_not_as_no_number(typed: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_wan(typed, "amount")
    assert refused.value.problems == [("amount", "金额不能为负数")]
    with pytest.raises(InputError) as positive:
        parse_wan(typed, "amount", above_zero=True)
    assert positive.value.problems == [("amount", "金额应大于 0 万元")]


def test_zero_is_refused_only_where_the_field_must_be_more() -> None:
    assert parse_wan("0", "amount") == 0
    for typed in ("0", "0.0000", "０"):
        with pytest.raises(InputError, match="金额应大于 0 万元"):
            parse_wan(typed, "amount", above_zero=True)
    assert parse_wan("0.0001", "amount", above_zero=True) == 1


@pytest.mark.parametrize("written", ["-500万元", "－5亿元", "-3"])
def test_a_negative_amount_in_a_policy_or_reform_is_named_as_negative(written: str) -> None:
    """A reform's 万元 field typed -500 reaches the loader as -500万元: told it is negative, not shown a unit."""
    with pytest.raises(ValueError, match=r"^金额不能为负数$"):
        parse_amount(written)
