"""Departments come from the policy's dated unit lists: reorganisations date them."""

from datetime import date

from huiqi.departments import service as departments
from huiqi.rules.loader import load_many


def test_units_are_dated_by_reorganisation() -> None:
    periods = departments.unit_periods(load_many())
    assert periods["省工业和信息化厅"] == (date(2022, 7, 23), None)
    assert periods["省数据局"] == (date(2024, 12, 20), None)  # the fund moved to 省数据局 (辽财行规〔2024〕12号)
    assert periods["辽宁银保监局"][1] == date(2023, 7, 20)  # became the financial regulator's Liaoning office
    assert "各市政府" not in periods, "city governments review as cities, not as one department"


def test_sync_adds_each_unit_once_and_keeps_them(session) -> None:
    first = departments.sync(session, policies=load_many())
    again = departments.sync(session, policies=load_many())
    assert [d.name for d in first] == [d.name for d in again] and len(first) == len({d.name for d in first})
    measure = load_many()[0].measure(11)
    assert departments.lead_department(session, measure=measure, day=date(2024, 12, 19)).name == "省发展改革委"
    assert departments.lead_department(session, measure=measure, day=date(2024, 12, 20)).name == "省数据局"
