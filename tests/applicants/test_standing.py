"""The application guide's applicant conditions: a record against one refuses submission and approval."""

from datetime import date

import pytest

from huiqi.applicants import service as applicants
from huiqi.applicants import standing
from huiqi.applications import service as applications
from huiqi.errors import Conflict
from huiqi.funding import service as budgets
from huiqi.models import ApplicantProfile
from huiqi.workflow.states import State
from tests.dbtest import ALICE_USCC, PDF, a_round, step, to_announced

ALICE = dict(name="示例科技有限公司", kind="enterprise", region="210102", industry="6513", size="medium",
             established=date(2016, 5, 1), independent_legal_entity=True, sound_accounts=True, bad_credit=False,
             major_accident=False)


def test_failures_name_only_what_is_recorded_against() -> None:
    profile = ApplicantProfile(independent_legal_entity=None, sound_accounts=False, bad_credit=True,
                               major_accident=None)
    assert standing.failures(profile) == ["财务管理制度不健全", "有不良信用记录"]
    assert standing.failures(ApplicantProfile()) == [] and standing.failures(None) == []
    assert not standing.in_good_standing(ApplicantProfile(independent_legal_entity=True, sound_accounts=True,
                                                          bad_credit=False))  # an accident not recorded
    assert standing.refusal(ApplicantProfile(bad_credit=False), "提交") is None


def test_a_bad_credit_record_refuses_submission_and_leaves_the_draft(session, people, tmp_path) -> None:
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, **{**ALICE, "bad_credit": True})
    draft = applications.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key="h1",
                                      round_id=a_round(session), measure=3, amount_requested=1_000_000)
    applications.add_material(session, actor=people.alice, application_id=draft.id, filename="申报书.pdf",
                              content=PDF, store=tmp_path)
    applications.declare(session, actor=people.alice, application_id=draft.id)
    with pytest.raises(Conflict, match=r"有不良信用记录.*不能提交"):
        step(session, "submit", people.alice, draft, on=date(2025, 9, 1))
    assert draft.state == State.DRAFT and draft.submitted_on is None


def test_an_accident_recorded_after_the_announcement_refuses_approval(session, people, tmp_path) -> None:
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                       amount=5_000_000)
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, **{**ALICE, "major_accident": True})
    with pytest.raises(Conflict, match=r"近三年发生过重大安全、环保、质量事故.*不能批准"):
        step(session, "approve", people.finance, app, on=date(2025, 10, 13))
    assert app.state == State.ANNOUNCED
    assert budgets.budgets(session, actor=people.finance, year=2025)[0].committed == 0


def test_who_recorded_a_failing_condition_says_how_it_is_corrected() -> None:
    """The enterprise's own declaration it may correct itself (kept as a new version, seen by reviewers); one
    recorded by someone else is corrected through them. The version named is the one from which the value stands."""
    first = ApplicantProfile(version=1, recorded_by="alice", bad_credit=False, major_accident=None)
    second = ApplicantProfile(version=2, recorded_by="alice", bad_credit=True, major_accident=None)
    third = ApplicantProfile(version=3, recorded_by="admin", bad_credit=True, major_accident=True)
    own, person = (lambda login: login == "alice"), (lambda login: {"admin": "系统管理员"}.get(login, login))
    said = standing.corrections([first, second, third], own=own, person=person)
    assert said == [
        "“有不良信用记录”是本单位自己填报的（单位信息第 2 版）：如填报有误，可在上方“修改单位信息”中更正。"
        "更正记为新版本，原记录保留；审核人员可以看到单位信息的各版本和每次修改之处",
        "“近三年发生过重大安全、环保、质量事故”由系统管理员记入（单位信息第 3 版）：如有误，请联系申报批次的咨询电话"
        "或责任单位核实更正。本单位在“修改单位信息”中所作的修改同样记为新版本，审核人员可以看到修改之处"]
    assert standing.corrections([first], own=own, person=person) == []
    assert standing.recorded_from([first, second, third], "bad_credit") is second


@pytest.mark.anyio
async def test_a_self_declared_bad_credit_record_may_be_corrected_by_the_enterprise(browser, session, people) -> None:
    """/me does not send the enterprise to the round's hotline for what it declared itself: it may correct its own
    declaration, and the correction is a version reviewers see."""
    from tests.dbtest import a_round

    a_round(session)
    alice = browser(people.alice)
    form = {"name": "示例科技有限公司", "kind": "enterprise", "region": "210102", "industry": "6513", "size": "medium"}
    assert (await alice.post("/me/profile", data={**form, "bad_credit": "true"})).status_code == 303
    page = (await alice.get("/me")).text
    barred = page[page.index('id="barred"'):page.index("</div>", page.index('id="barred"'))]
    assert "“有不良信用记录”是本单位自己填报的（单位信息第 2 版）" in barred and "“修改单位信息”中更正" in barred
    assert "请联系申报批次的咨询电话" not in barred
    assert 'id="standing-hint"' in page and "审核人员可以看到各版本和修改之处" in page
    assert (await alice.post("/me/profile", data={**form, "bad_credit": "false"})).status_code == 303
    assert 'id="barred"' not in (await alice.get("/me")).text, "nothing locks it"
    applicants.record_profile(session, actor=people.admin, uscc=ALICE_USCC, **{**ALICE, "bad_credit": True})
    found = (await alice.get("/me")).text
    said = found[found.index('id="barred"'):]
    assert "“有不良信用记录”由系统管理员记入（单位信息第 4 版）：如有误，请联系申报批次的咨询电话" in said, said[:600]
