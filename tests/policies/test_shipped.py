"""Guard rails: the shipped policy says what the text says, and every measure is complete.

The text as received (policies/sources/ln-2022-35.txt) has page-break splits and one "and";
with whitespace removed and "and" read as 和, each measure's title, clause and responsible
units must equal what the policy file holds.
"""

import re
from importlib import resources

import pytest

from huiqi.rules.loader import shipped

POLICY = shipped("ln-2022-35")
MEASURE = re.compile(r"(\d{1,2})\.([^。]+)。(.*?)（责任单位：(.*?)）", re.S)


def _source() -> str:
    raw = resources.files("huiqi.policies").joinpath("sources", "ln-2022-35.txt").read_text("utf-8")
    return re.sub(r"\s+", "", raw).replace("and", "和")


SOURCE = _source()
PARSED = {int(m.group(1)): m.groups()[1:] for m in MEASURE.finditer(SOURCE)}


def test_source_has_twenty_measures() -> None:
    assert sorted(PARSED) == list(range(1, 21))
    assert [m.number for m in POLICY.measures] == list(range(1, 21))


@pytest.mark.parametrize("measure", POLICY.measures, ids=lambda m: f"措施{m.number}")
def test_measure_matches_text(measure) -> None:
    title, clause, units = PARSED[measure.number]
    assert measure.title == title
    assert measure.clause == clause, "clause must be the cleaned text of the source"
    assert list(measure.units[0].units) == re.split("[、，]", units), "units as issued, lead first"
    assert measure.chapter in SOURCE[: SOURCE.index(f"{measure.number}.{title}")]


@pytest.mark.parametrize("measure", POLICY.measures, ids=lambda m: f"措施{m.number}")
def test_measure_is_complete(measure) -> None:
    assert measure.clause and not re.search(r"\s|\band\b", measure.clause), "cleaned clause text"
    assert all(u.units for u in measure.units), "responsible units"
    assert all(u.source for u in measure.units)
    for param in measure.parameters.values():
        assert param.label and all(v.source for v in param.values), f"{param.name} needs a source"
    rules = (*measure.rules, *measure.services, *measure.local)
    assert rules, "every measure says whom it serves"
    for rule in rules:
        assert rule.clause in measure.clause
        for condition in rule.conditions:
            assert condition.name and condition.clause


def test_policy_texts_are_the_source() -> None:
    for text in (POLICY.preamble, POLICY.closing, POLICY.validity, POLICY.stacking):
        assert text in SOURCE
    assert POLICY.title in SOURCE


def test_every_condition_cites_text_that_says_it() -> None:
    """A condition cites words of the policy, and never the preamble's 「结合辽宁实际」, which states why the
    measures were written, not whom they serve: the place test cites the title (辽宁省…的若干措施)."""
    conditions = [*POLICY.general, *(c for m in POLICY.measures for r in (*m.rules, *m.services, *m.local)
                                     for c in r.conditions)]
    for condition in conditions:
        assert condition.clause in SOURCE, condition.name
        assert condition.clause not in POLICY.preamble, f"{condition.name} cites the preamble"
    place = next(c for c in POLICY.general if c.when == "in_liaoning")
    assert place.clause == POLICY.title and "没有单列" in (place.reading or "")


def test_money_measures_and_services() -> None:
    services = [m.number for m in POLICY.measures if m.kind == "service"]
    assert services == [10, 15, 16, 17, 18, 19, 20]
    local = [m.number for m in POLICY.measures if m.local]
    assert local == [1, 2]


def test_units_change_with_reorganisation() -> None:
    from datetime import date

    m19 = POLICY.measure(19)
    assert "辽宁银保监局" in m19.units_at(date(2023, 7, 19))
    assert "国家金融监督管理总局辽宁监管局" in m19.units_at(date(2023, 7, 20))
    assert "中国人民银行辽宁省分行" in m19.units_at(date(2023, 8, 18))
    assert POLICY.measure(11).units_at(date(2024, 12, 19))[0] == "省发展改革委"
    assert POLICY.measure(11).units_at(date(2024, 12, 20))[0] == "省数据局"


def test_caps_in_yuan() -> None:
    caps = {m.number: m.parameters["cap"].values[0].value for m in POLICY.measures if "cap" in m.parameters}
    assert caps == {1: 20_000_000, 2: 1_000_000, 3: 1_000_000, 4: 3_000_000, 5: 30_000_000, 6: 5_000_000,
                    7: 5_000_000, 8: 10_000_000, 9: 5_000_000, 11: 10_000_000, 13: 10_000_000, 14: 1_000_000}
