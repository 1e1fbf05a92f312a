"""Returns and rejections after the amount is proposed: the department until the 公示 opens, finance instead of
approving (an application never waits for ever)."""

from datetime import date

import pytest

from huiqi.applicants import service as applicants
from huiqi.errors import Conflict, Forbidden, InputError
from huiqi.workflow import repository as steps
from huiqi.workflow.states import State
from tests.applicants.test_standing import ALICE
from tests.dbtest import ALICE_USCC, apply, resubmit, step, to_announced


def _proposed(session, people, tmp_path):
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    step(session, "propose", people.miit, app, on=date(2025, 9, 10), amount=800_000)
    return app


def test_the_department_returns_a_proposed_application_for_correction(session, people, tmp_path) -> None:
    app = _proposed(session, people, tmp_path)
    step(session, "return", people.miit, app, on=date(2025, 9, 11), reasons="拟定金额依据的验收报告缺页，请补充")
    assert app.state == State.RETURNED
    resubmit(session, people.alice, app, on=date(2025, 9, 12))
    assert app.state == State.CITY_REVIEW


def test_the_department_rejects_a_proposed_application_with_reasons(session, people, tmp_path) -> None:
    app = _proposed(session, people, tmp_path)
    with pytest.raises(InputError, match="理由"):
        step(session, "reject", people.miit, app, on=date(2025, 9, 11))
    assert app.state == State.PROPOSED
    step(session, "reject", people.miit, app, on=date(2025, 9, 11), reasons="经复核，项目不属于数字经济核心产业")
    assert app.state == State.REJECTED


def test_once_announced_only_finance_rejects_instead_of_approving(session, people, tmp_path) -> None:
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    with pytest.raises((Conflict, Forbidden)):
        step(session, "reject", people.miit, app, on=date(2025, 10, 13), reasons="改变主意")
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, **{**ALICE, "bad_credit": True})
    with pytest.raises(Conflict, match="不能批准"):
        step(session, "approve", people.finance, app, on=date(2025, 10, 13))
    step(session, "reject", people.finance, app, on=date(2025, 10, 13), reasons="申报单位有不良信用记录，不予批准")
    assert app.state == State.REJECTED
    last = steps.of_application(session, app.id)[-1]
    assert (last.action, last.from_state, last.actor) == ("reject", "announced", "finance")


def test_a_stale_submission_says_the_application_was_submitted_not_that_enterprises_cannot(
        session, people, tmp_path) -> None:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    with pytest.raises(Conflict) as refused:
        step(session, "submit", people.alice, app, on=date(2025, 9, 4))
    assert refused.value.message.startswith(f"申报 #{app.id} 已提交，当前处于「责任单位审核」，此时不能提交申报")
    assert "企业用户" not in refused.value.message
