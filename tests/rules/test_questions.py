"""The next question and what would change a "no" (rules/questions.py), on situations where the order matters."""

from typing import Any

import pytest

from huiqi.rules.case import read_case
from huiqi.rules.match import match
from huiqi.rules.questions import AdvisedAnswer, advise

APPLICANT = {"kind": "enterprise", "region": "210100", "industry": "6513"}
UNKNOWN_INDUSTRY = {"kind": "enterprise", "region": "210100"}


def honour(matter_id: str, code: str = "little_giant", **facts: Any) -> dict[str, Any]:
    return {"id": matter_id, "type": "honour", "codes": [code], "date": "2023-07-15", **facts}


def project(matter_id: str, code: str = "smart_manufacturing", **facts: Any) -> dict[str, Any]:
    return {"id": matter_id, "type": "project", "codes": [code], "date": "2024-03-01", **facts}


def advised(policies, applicant: dict[str, Any], *matters: dict[str, Any]) -> AdvisedAnswer:
    case = read_case({"as_of": "2025-06-30", "applicant": applicant, "matters": list(matters)})
    return advise(match(case, policies, case.as_of), case, policies)


def order(answer: AdvisedAnswer) -> list[str]:
    return [q.fact for q in answer.questions]


def decided(answer: AdvisedAnswer, fact: str) -> list[tuple[str, int]]:
    question = next(q for q in answer.questions if q.fact == fact)
    return [(r.matter, r.measure) for r in question.decides]


def test_the_fact_that_decides_most_results_comes_first_even_with_less_money(policies) -> None:
    # The industry decides three honours (1 million each); the investment one project (up to 10 million).
    answer = advised(policies, UNKNOWN_INDUSTRY, honour("h1", level="national"), honour("h2", level="provincial"),
                     honour("h3", "srdi_sme", level="national"), project("p1"))
    assert order(answer) == ["applicant.industry", "p1.investment"]
    first = answer.questions[0]
    assert [(r.matter, r.measure) for r in first.decides] == [("h1", 3), ("h2", 3), ("h3", 3)]
    assert first.money == 3_000_000 and answer.questions[1].money == 10_000_000
    assert first.ask == "贵单位的所属行业（GB/T 4754-2017 小类）是什么？"


def test_on_equal_counts_the_money_decides_then_the_order_of_the_case(policies) -> None:
    answer = advised(policies, APPLICANT, honour("h1"), honour("h2"), project("p1"))
    assert order(answer) == ["p1.investment", "h1.level", "h2.level"]
    assert [q.money for q in answer.questions] == [10_000_000, 1_000_000, 1_000_000]
    assert answer.questions[0].ask == "事项p1（智能制造项目）的投资额是多少（万元）？"
    assert answer.questions[1].ask == "事项h1（专精特新“小巨人”企业（新认定））的级别是哪一种（国家级、省级）？"


def test_a_level_is_asked_among_the_levels_its_rules_accept_and_a_region_by_its_city(policies) -> None:
    """小巨人 was asked among 国际、国家级、行业、省级 though only 国家级 and 省级 are offered (measure 3 names them); a
    standard's lead drafter (measure 14) is asked among all four; a matter of both codes among what either accepts.
    The region is asked in words, not as a code to type."""
    answer = advised(policies, {"kind": "enterprise", "industry": "6513"}, honour("h1"), honour("s1", "standard_lead"),
                     {**honour("b1"), "codes": ["little_giant", "standard_lead"]})
    asks = {q.fact: q.ask for q in answer.questions}
    assert asks["h1.level"].endswith("的级别是哪一种（国家级、省级）？"), asks
    assert asks["s1.level"].endswith("的级别是哪一种（国际、国家级、行业、省级）？"), asks
    assert asks["b1.level"].endswith("的级别是哪一种（国际、国家级、行业、省级）？"), asks
    assert asks["applicant.region"] == "贵单位注册在哪个市、区县？"
    assert next(q.label for q in answer.questions if q.fact == "applicant.region") == "申报单位·注册地（行政区划代码）"


def test_a_result_missing_two_facts_is_decided_by_the_second_asked(policies) -> None:
    answer = advised(policies, UNKNOWN_INDUSTRY, honour("h1"), project("p1"))
    assert order(answer) == ["p1.investment", "applicant.industry", "h1.level"]
    assert decided(answer, "applicant.industry") == [] and decided(answer, "h1.level") == [("h1", 3)]
    waiting = next(q for q in answer.questions if q.fact == "applicant.industry").waiting
    assert [(r.matter, r.measure) for r in waiting] == [("h1", 3)]


def test_a_matter_is_counted_once_in_the_money(policies) -> None:
    # One project under measures 5 (30 million) and 11 (10 million) without its date: the date decides both, and
    # a matter is supported once (从高不重复), so the money is the higher ceiling, not the sum.
    both = {"id": "p", "type": "project", "codes": ["component_manufacturing", "smart_manufacturing"],
            "build": "new", "sector": "sensor", "investment": 80_000_000}
    answer = advised(policies, APPLICANT, both)
    [question] = answer.questions
    assert question.fact == "p.date" and decided(answer, "p.date") == [("p", 5), ("p", 11)]
    assert question.money == 30_000_000 and question.ask.endswith("的认定、备案、设立或批准日期是哪一天？")


def test_nothing_to_ask_when_everything_is_decided(policies) -> None:
    answer = advised(policies, APPLICANT, honour("h1", level="national"))
    assert answer.questions == [] and answer.changes == []


@pytest.mark.parametrize(("matter", "fact", "would", "clause"), [
    (honour("h1", level="industry"), "h1.level", "级别为国家级或省级", "国家级和省级"),
    (project("p1", "key_tech", listed=False), "p1.listed", "列入科技赋能数字经济发展计划：是", ""),
])
def test_an_ineligible_result_names_the_change_and_its_clause(policies, matter, fact, would, clause) -> None:
    answer = advised(policies, APPLICANT, matter)
    [change] = answer.changes
    assert change.possible and change.status_after == "eligible"
    [fix] = change.fixes
    assert (fix.fact, fix.would) == (fact, would) and clause in fix.clause
    assert change.summary == f"若{would}，即可符合"


def test_an_investment_base_below_its_threshold(policies) -> None:
    answer = advised(policies, APPLICANT, honour("d", "digital_leader", level="provincial", date="2022-09-01"),
                     project("p2", "chain_introduction", investment=50_000_000))
    [change] = [c for c in answer.changes if c.matter == "p2"]
    assert change.possible and change.fixes[0].would == "投资额不低于 10000 万元"


def test_where_nothing_the_matter_states_could_change_it(policies) -> None:
    answer = advised(policies, APPLICANT, honour("k", "software_park", level="national"),
                     project("p2", "chain_introduction", investment=50_000_000))
    park, chain = sorted(answer.changes, key=lambda c: c.matter)
    assert not park.possible and park.blocked[0].clause and "单位类型" in park.summary
    # measure 8 needs a digital leader held before the project: another matter, which the matter cannot change;
    # its own investment is named too, as what would still be needed.
    assert not chain.possible and "其他事项" in chain.summary and "投资额不低于 10000 万元" in chain.summary


def test_an_ineligible_result_that_would_still_miss_facts(policies) -> None:
    answer = advised(policies, UNKNOWN_INDUSTRY, honour("h1", level="industry"))
    [change] = answer.changes
    assert change.possible and change.status_after == "undetermined" and "还须补充其余信息" in change.summary


def test_a_past_date_outside_the_window_is_said_to_be_out_of_range_not_to_be_changed(policies) -> None:
    answer = advised(policies, APPLICANT, honour("h1", level="national", date="2021-07-15"))
    [change] = answer.changes
    assert not change.possible and change.fixes == [] and change.blocked[0].fact == "h1.date"
    assert "有效期至2025年底" in change.blocked[0].clause
    assert change.summary == ("本政策只支持 2022-07-23 至 2025-12-31 之间认定、备案、设立或批准的事项，"
                              "本事项不在支持范围")


def test_what_the_applicant_itself_decides_is_named_once_in_brackets(policies) -> None:
    answer = advised(policies, {**APPLICANT, "region": "110000"}, honour("h1", level="national"))
    [change] = answer.changes
    assert not change.possible and "在辽宁省注册（取决于申报单位本身：在辽宁省注册）" in change.summary
