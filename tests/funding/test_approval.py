"""Approval: after 公示 only, the rules again as of that day, the ceiling, no stacking against the
database across measures, the budget."""

import re
from datetime import date

import pytest

from huiqi.applicants import service as applicants
from huiqi.audit import service as audit
from huiqi.errors import BudgetExceeded, Conflict, InputError
from huiqi.funding import service as budgets
from huiqi.models import Application
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from huiqi.workflow.judgement import judge
from tests.dbtest import ALICE_USCC, step, to_announced

APPROVE_ON = date(2025, 10, 13)


def _budget(session, people, measure: int, amount: int) -> None:
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=measure,
                       amount=amount)


@pytest.fixture
def data_bureau(session):
    """省数据局审核员: 省数据局 leads measures 5 and 11 from 2024-12-20 (辽财行规〔2024〕12号)."""
    return users.create_user(session, actor=SYSTEM, username="data", display_name="省数据局审核员",
                             role="department", password="long enough", department="省数据局")


def _p1_under(session, people, lead, tmp_path, measure: int, amount: int) -> Application:
    """Alice's expansion project (measures 5 and 11 both reach it), taken to 公示."""
    return to_announced(session, people.alice, [lead], matter="p1", measure=measure, amount=amount, store=tmp_path)


def test_not_before_the_announcement_ends(session, people, tmp_path) -> None:
    _budget(session, people, 3, 5_000_000)
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    with pytest.raises(Conflict, match="尚未结束"):
        step(session, "approve", people.finance, app, on=date(2025, 10, 11))
    assert step(session, "approve", people.finance, app, on=APPROVE_ON).written.amount == 1_000_000


def test_the_rules_are_run_again_on_the_day(session, people, tmp_path) -> None:
    _budget(session, people, 3, 5_000_000)
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, name="示例科技有限公司",
                              kind="enterprise", region="110105", industry="6513")  # moved out of Liaoning
    with pytest.raises(Conflict, match="不符合措施3的条件"):
        step(session, "approve", people.finance, app, on=APPROVE_ON)


def test_no_stacking_across_measures_for_the_same_matter(session, people, data_bureau, tmp_path) -> None:
    """One live application per matter: a second measure for the same matter waits until the first ends."""
    _budget(session, people, 5, 30_000_000)
    _budget(session, people, 11, 10_000_000)
    under_11 = _p1_under(session, people, data_bureau, tmp_path, 11, 10_000_000)
    assert under_11.ceiling == 10_000_000
    with pytest.raises(Conflict, match=f"事项 p1 已有在办申报 #{under_11.id}（公示期满，待批准）：.*请先撤回原申报"):
        _p1_under(session, people, data_bureau, tmp_path, 5, 30_000_000)
    step(session, "approve", people.finance, under_11, on=APPROVE_ON)
    taken = f"事项 p1 已获支持（申报 #{under_11.id}，已批准）：一个事项在同一政策下只享受一次支持"
    with pytest.raises(Conflict, match=taken):
        # granted is live: the matter is done with
        _p1_under(session, people, data_bureau, tmp_path, 5, 30_000_000)


def test_the_judgement_weighs_a_grant_already_recorded_for_the_matter(session, people, data_bureau, tmp_path) -> None:
    """No stacking against the database: a grant for the matter, under any policy or measure, refuses another."""
    _budget(session, people, 11, 10_000_000)
    first = _p1_under(session, people, data_bureau, tmp_path, 11, 10_000_000)
    step(session, "approve", people.finance, first, on=APPROVE_ON)
    other = Application(applicant_id=first.applicant_id, uscc=first.uscc, matter_id=first.matter_id,
                        policy_id=first.policy_id, measure=5, amount_requested=30_000_000)
    refusal = judge(session, other, on=APPROVE_ON).refusal(other, amount=30_000_000, eligible_only=True,
                                                           what="拟定金额")
    assert refusal is not None and re.search(r"措施11 获批 1000 万元.*从高不重复", refusal), refusal
    assert "已按 辽政办〔2022〕35号 措施11" in refusal and "ln-2022-35" not in refusal  # the policy by its number
    assert judge(session, first, on=APPROVE_ON).refusal(first, amount=10_000_000, eligible_only=True,
                                                        what="拟定金额") is None, "its own grant does not count"


def test_the_budget_is_never_overspent(session, people, tmp_path) -> None:
    _budget(session, people, 3, 500_000)
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=600_000, store=tmp_path)
    with pytest.raises(BudgetExceeded, match="2025 年度辽政办〔2022〕35号措施3预算余额 50 万元，不足以批准 60 万元"):
        step(session, "approve", people.finance, app, on=APPROVE_ON)
    _budget(session, people, 3, 600_000)
    step(session, "approve", people.finance, app, on=APPROVE_ON)
    with pytest.raises(InputError, match="2025 年度辽政办〔2022〕35号措施3已批准 60 万元，预算不能低于此数"):
        _budget(session, people, 3, 599_999)
    draws = [e for e in audit.history(session, entity="budget", entity_id="2025/ln-2022-35/3")
             if e.action == "budget.draw"]
    assert [(d.before, d.after["committed"]) for d in draws] == [({"committed": 0}, 600_000)]


def test_no_budget_no_approval(session, people, tmp_path) -> None:
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    with pytest.raises(BudgetExceeded, match="2025 年度辽政办〔2022〕35号措施3尚未设定预算"):
        step(session, "approve", people.finance, app, on=APPROVE_ON)


def test_a_changed_policy_version_is_recorded(session, people, tmp_path) -> None:
    _budget(session, people, 3, 5_000_000)
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    app.policy_version = "older-text"
    step(session, "approve", people.finance, app, on=APPROVE_ON)
    events = [e for e in audit.history(session, entity="application", entity_id=app.id)
              if e.action == "application.policy_version" and e.before]
    assert events[-1].before == {"version": "older-text"} and events[-1].after["version"] != "older-text"
