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
