"""Growth files for cultivated enterprises (measure 3): figures by year, recognitions, grants."""

from datetime import date

import pytest

from huiqi.applicants import service as applicants
from huiqi.errors import Forbidden, InputError
from huiqi.growth import service as growth
from tests.dbtest import ALICE_USCC, BOB_USCC


def test_a_cultivated_enterprise_keeps_its_yearly_figures(session, people) -> None:
    assert growth.cultivation_codes(session) == {"srdi_sme", "little_giant", "single_champion"}
    growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=2024, revenue=120_000_000,
                          rnd_spending=9_000_000, profit=-1_000_000, employees=230)
    growth.record_figures(session, actor=people.miit, uscc=ALICE_USCC, year=2023, revenue=100_000_000)
    growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=2024, revenue=121_000_000,
                          rnd_spending=9_000_000, profit=-1_000_000, employees=230)
    applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
        "id": "h0", "type": "honour", "codes": ["srdi_sme"], "level": "provincial", "date": "2022-09-01"})
    file = growth.growth_file(session, actor=people.shenyang, uscc=ALICE_USCC)
    assert [(f.year, f.revenue) for f in file.figures] == [(2023, 100_000_000), (2024, 121_000_000)]
    assert [(r.code, r.date) for r in file.recognitions] == [("srdi_sme", date(2022, 9, 1)),
                                                            ("little_giant", date(2024, 7, 15))]
    assert growth.cultivated(session, actor=people.admin) == [ALICE_USCC]


def test_a_year_not_yet_ended_or_with_nothing_in_it_is_refused(session, people) -> None:
    """A year's figures are the whole year's: 2026's are refused on 2026-12-05 (a part year against a whole one
    would read as a fall), and accepted from 2027-01-01."""
    from huiqi import clock

    with clock.pinned(date(2026, 12, 5)):
        growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=2025, revenue=1)  # the last ended
        for year in (2026, 2027, 1999):
            with pytest.raises(InputError, match="应在 2000 至 2025 之间：一年的数据在该年结束后填报"
                                                 "（2026 年度的数据 2027 年 1 月 1 日起可填）"):
                growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=year, revenue=1)
        with pytest.raises(InputError, match="请至少填写一项"):
            growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=2024)
    with clock.pinned(date(2027, 1, 1)):
        growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=2026, revenue=1)
    assert [f.year for f in growth.growth_file(session, actor=people.alice, uscc=ALICE_USCC).figures] == [2025, 2026]


def test_only_cultivated_enterprises_and_their_keepers(session, people) -> None:
    with pytest.raises(InputError, match="不在培育之列"):
        growth.record_figures(session, actor=people.bob, uscc=BOB_USCC, year=2024, revenue=1)
    for who in (people.bob, people.most, people.shenyang, people.finance, people.auditor):
        with pytest.raises(Forbidden):
            growth.record_figures(session, actor=who, uscc=ALICE_USCC, year=2024, revenue=1)
    with pytest.raises(Forbidden):
        growth.growth_file(session, actor=people.mallory, uscc=ALICE_USCC)


def test_the_list_of_cultivated_enterprises_keeps_to_each_scope(session, people) -> None:
    assert growth.cultivated(session, actor=people.miit) == [ALICE_USCC]  # measure 3's lead keeps every file
    assert growth.cultivated(session, actor=people.alice) == [ALICE_USCC]
    for outsider in (people.bob, people.mallory, people.dalian, people.most):
        assert growth.cultivated(session, actor=outsider) == []


def test_two_corrections_of_one_year_at_once_each_say_what_they_replaced(own_database) -> None:
    """The enterprise and the department correct the same year at the same moment: the later waits, and its trail
    names the earlier's figures as what it replaced. (On PostgreSQL it used to name the figures both had read.)"""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from huiqi.models import AuditEvent
    from tests.dbtest import make_people, make_records, while_held

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=2024, revenue=100_000_000)
    said = while_held(
        own_database, date(2025, 3, 1),
        lambda session: growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=2024,
                                              revenue=120_000_000),
        lambda session: growth.record_figures(session, actor=people.miit, uscc=ALICE_USCC, year=2024,
                                              revenue=130_000_000))
    assert said == 201, said
    with Session(own_database) as session:
        trail = session.scalars(select(AuditEvent).where(AuditEvent.action == "growth.figures")
                                .order_by(AuditEvent.id)).all()
        assert [(e.before or {}).get("revenue") for e in trail] == [None, 100_000_000, 120_000_000]


def test_every_mistake_in_the_figures_is_said_at_once(session, people) -> None:
    with pytest.raises(InputError) as refused:
        growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=2099, revenue=-1, profit=True,
                              employees=-3)
    assert [field for field, _ in refused.value.problems] == ["year", "revenue", "profit", "employees"]


def test_the_head_count_has_the_api_s_bound(session, people) -> None:
    """One bound for the page, the API and the service: the schema's."""
    from huiqi.growth.schemas import MAX_EMPLOYEES

    growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=2024, employees=MAX_EMPLOYEES)
    for wrong in (MAX_EMPLOYEES + 1, 999_999_999):
        with pytest.raises(InputError, match="应为 0 至 10,000,000 之间的整数"):
            growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=2024, employees=wrong)
