"""Every role is refused outside its scope: an enterprise outside its own records, a city outside its
region, a department outside the measures it leads, the auditor everywhere it would change something."""

from datetime import date

import pytest

from huiqi.applicants import service as applicants
from huiqi.applications import service as applications
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, Forbidden, NotFound
from huiqi.funding import service as budgets
from huiqi.offers import service as offers
from huiqi.simulate import jobs
from huiqi.statistics import service as statistics
from huiqi.users import service as users
from tests.dbtest import ALICE_USCC, BOB_USCC, a_round, apply, step


@pytest.fixture
def alice_app(session, people, tmp_path):
    """Alice's 小巨人 application, waiting for 沈阳's pre-review (measure 3, led by 省工信厅)."""
    return apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)


def test_enterprises_see_only_their_own(session, people, alice_app) -> None:
    for outsider in (people.bob, people.mallory):
        with pytest.raises(NotFound):
            applications.get(session, actor=outsider, application_id=alice_app.id)
        assert applications.listed(session, actor=outsider) == []
        with pytest.raises(Forbidden):
            applicants.get_applicant(session, actor=outsider, uscc=ALICE_USCC)
        with pytest.raises(Forbidden):
            applications.create_draft(session, actor=outsider, uscc=ALICE_USCC, matter_key="h1",
                                      round_id=a_round(session), measure=3, amount_requested=1)
        with pytest.raises(Forbidden):
            applicants.record_profile(session, actor=outsider, uscc=ALICE_USCC, name="冒名")
    assert [a.id for a in applications.listed(session, actor=people.alice)] == [alice_app.id]


def test_enterprises_cannot_review_even_their_own(session, people, alice_app) -> None:
    with pytest.raises(Forbidden):
        step(session, "pass_city", people.alice, alice_app.id)


def test_a_city_sees_only_its_region(session, people, alice_app) -> None:
    with pytest.raises(NotFound):
        step(session, "pass_city", people.dalian, alice_app.id)
    assert applications.listed(session, actor=people.dalian) == []
    with pytest.raises(Forbidden):
        applicants.get_applicant(session, actor=people.dalian, uscc=ALICE_USCC)
    assert applicants.get_applicant(session, actor=people.shenyang, uscc=ALICE_USCC)[0].uscc == ALICE_USCC


def test_a_city_cannot_do_a_departments_work(session, people, alice_app) -> None:
    step(session, "pass_city", people.shenyang, alice_app.id)
    with pytest.raises(Forbidden):
        step(session, "propose", people.shenyang, alice_app.id, amount=1)
    for action in ("return", "reject"):  # the city's stage is over
        with pytest.raises(Conflict, match="市级初审人员此时不能"):
            step(session, action, people.shenyang, alice_app.id, reasons="再看看")
    assert alice_app.state == "department_review"


def test_a_department_sees_only_the_measures_it_leads(session, people, alice_app) -> None:
    step(session, "pass_city", people.shenyang, alice_app.id)
    with pytest.raises(NotFound):
        step(session, "propose", people.most, alice_app.id, amount=1)
    assert applications.listed(session, actor=people.most) == []
    with pytest.raises(Forbidden):
        applicants.get_applicant(session, actor=people.most, uscc=ALICE_USCC)
    assert [a.id for a in applications.listed(session, actor=people.miit)] == [alice_app.id]


def test_a_department_cannot_skip_the_city(session, people, alice_app) -> None:
    with pytest.raises(Forbidden):
        step(session, "pass_city", people.miit, alice_app.id)


def test_finance_sets_budgets_and_approves_but_does_not_review(session, people, alice_app) -> None:
    with pytest.raises(Forbidden):
        step(session, "pass_city", people.finance, alice_app.id)
    for who in (people.alice, people.shenyang, people.miit, people.admin, people.auditor):
        with pytest.raises(Forbidden):
            budgets.set_budget(session, actor=who, year=2025, policy_id="ln-2022-35", measure=3, amount=1)


def test_the_auditor_reads_everything_and_changes_nothing(session, people, alice_app, tmp_path) -> None:
    assert applications.get(session, actor=people.auditor, application_id=alice_app.id).id == alice_app.id
    assert applicants.get_applicant(session, actor=people.auditor, uscc=BOB_USCC)[0].uscc == BOB_USCC
    assert statistics.summary(session, actor=people.auditor, by=("state",))[0].applications == 1
    assert "alice" in [u.username for u in users.listed(session, actor=people.auditor)[0]]
    assert [v.policy_id for v in catalogue.versions(session, actor=people.auditor)] == \
        [v.policy_id for v in catalogue.versions(session, actor=people.admin)]
    assert jobs.listed(session, actor=people.auditor) == [] and offers.pending(session, actor=people.auditor) == []
    refused = [
        lambda: step(session, "pass_city", people.auditor, alice_app.id),
        lambda: step(session, "reject", people.auditor, alice_app.id, reasons="x"),
        lambda: step(session, "approve", people.auditor, alice_app.id, on=date(2025, 9, 2)),
        lambda: applicants.record_profile(session, actor=people.auditor, uscc=BOB_USCC, name="改名"),
        lambda: applications.create_draft(session, actor=people.auditor, uscc=BOB_USCC, matter_key="p1",
                                          round_id=a_round(session), measure=13, amount_requested=1),
        lambda: users.set_active(session, actor=people.auditor, username="alice", active=False),
    ]
    for attempt in refused:
        with pytest.raises(Forbidden):
            attempt()


def test_admin_manages_people_not_awards(session, people, alice_app) -> None:
    with pytest.raises(Forbidden):
        step(session, "pass_city", people.admin, alice_app.id)
    with pytest.raises(Forbidden):
        step(session, "approve", people.admin, alice_app.id, on=date(2025, 9, 2))


def test_statistics_stay_within_scope(session, people, alice_app, tmp_path) -> None:
    apply(session, people.bob, matter="p1", measure=13, amount=2_000_000, on=date(2025, 9, 1), store=tmp_path)
    by_city = {r.group["city"]: r.applications for r in statistics.summary(session, actor=people.admin, by=("city",))}
    assert by_city == {"210100": 1, "210200": 1}
    assert [r.group["city"] for r in statistics.summary(session, actor=people.shenyang, by=("city",))] == ["210100"]
    assert [r.requested for r in statistics.summary(session, actor=people.bob)] == [2_000_000]
    assert statistics.summary(session, actor=people.mallory) == []
