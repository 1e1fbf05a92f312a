"""The audit trail sees the business tables: ``verify`` replays the events and names every row that differs.

Each test tampers with one table by raw SQL, as someone with the database's password could, and expects
the difference by record and field; rows with no event behind them and rows whose events outlive them too.
"""

from datetime import date

import pytest
from sqlalchemy import text

from huiqi.audit import service as audit
from huiqi.funding import service as budgets
from tests.dbtest import apply, step

BUDGET = "2025/ln-2022-35/3"
BUDGET_NAME = "2025年度 辽政办〔2022〕35号 措施3 的预算"


@pytest.fixture
def paid(session, people, tmp_path):
    """Alice's little giant approved (800,000 of a 5,000,000 budget) and paid; Bob's project rejected."""
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                       amount=5_000_000)
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    step(session, "propose", people.miit, app, on=date(2025, 9, 10), amount=800_000)
    step(session, "announce", people.miit, app, on=date(2025, 9, 10), starts_on=date(2025, 9, 29))
    step(session, "approve", people.finance, app, on=date(2025, 10, 13))
    step(session, "disburse", people.finance, app, on=date(2025, 11, 3), paid_on=date(2025, 11, 3),
         reference="LNCZ-2025-0001")
    bob = apply(session, people.bob, matter="p1", measure=13, amount=6_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "reject", people.most, bob, on=date(2025, 9, 5), reasons="不符合条件")
    checked = audit.verify(session)
    assert checked.intact, checked.problems + checked.differences
    return app, bob


def _differences(session) -> list[str]:
    session.expire_all()
    result = audit.verify(session)
    assert result.problems == [], "the chain itself is untouched"
    assert not result.intact
    return result.differences


def test_a_grant_raised_by_hand_is_named(session, paid) -> None:
    app, _ = paid
    session.execute(text("UPDATE grants SET amount = amount + 5000000"))
    assert _differences(session) == [
        f"批准记录 {_grant_id(session, app.id)}（申报 #{app.id}）：批准金额为 580 万元，审计事件记载为 80 万元"]


def _grant_id(session, app_id: int) -> int:
    return session.execute(text("SELECT id FROM grants WHERE application_id = :a"), {"a": app_id}).scalar_one()


def test_a_budgets_committed_sum_zeroed_is_named(session, paid) -> None:
    session.execute(text("UPDATE budgets SET committed = 0"))
    assert _differences(session) == [f"{BUDGET_NAME}：已批准（占用）金额为 0 万元，审计事件记载为 80 万元"]


def test_a_budgets_amount_changed_is_named(session, paid) -> None:
    session.execute(text("UPDATE budgets SET amount = 9000000"))
    assert _differences(session) == [f"{BUDGET_NAME}：预算金额为 900 万元，审计事件记载为 500 万元"]


def test_a_rejected_application_set_to_approved_is_named(session, paid) -> None:
    _, bob = paid
    session.execute(text("UPDATE applications SET state = 'approved' WHERE id = :id"), {"id": bob.id})
    assert _differences(session) == [f"申报 #{bob.id}：状态为 已批准，审计事件记载为 不予支持"]


def test_amounts_of_an_application_are_named(session, paid) -> None:
    app, _ = paid
    session.execute(text("UPDATE applications SET amount_proposed = 1000000, amount_requested = 2000000 "
                         "WHERE id = :id"), {"id": app.id})
    assert _differences(session) == [f"申报 #{app.id}：申请金额为 200 万元，审计事件记载为 100 万元",
                                     f"申报 #{app.id}：拟定金额为 100 万元，审计事件记载为 80 万元"]


def test_a_payment_changed_is_named_and_so_is_the_budgets_paid_sum(session, paid) -> None:
    app, _ = paid
    session.execute(text("UPDATE disbursements SET amount = 900000, reference = 'X-1'"))
    payment = session.execute(text("SELECT id FROM disbursements")).scalar_one()
    assert _differences(session) == [
        f"拨付记录 {payment}（申报 #{app.id}）：拨付金额为 90 万元，审计事件记载为 80 万元",
        f"拨付记录 {payment}（申报 #{app.id}）：凭证号为 X-1，审计事件记载为 LNCZ-2025-0001",
        f"{BUDGET_NAME}：已拨付金额为 90 万元，审计事件记载为 80 万元"]


def test_a_grant_inserted_by_hand_is_named(session, paid) -> None:
    _, bob = paid
    budget = session.execute(text("SELECT id FROM budgets")).scalar_one()
    session.execute(text(
        "INSERT INTO grants (matter_id, application_id, budget_id, policy_id, measure, amount, approved_on, "
        "approved_by, created_at) VALUES (:matter, :app, :budget, 'ln-2022-35', 13, 6000000, '2025-10-13', "
        "'finance', '2025-10-13 00:00:00')"), {"matter": bob.matter_id, "app": bob.id, "budget": budget})
    grant = _grant_id(session, bob.id)
    assert _differences(session) == [
        f"批准记录 {grant}（申报 #{bob.id}）：审计事件中没有这项批准（未经批准步骤，直接写入数据库）"]


def test_rows_removed_while_their_events_remain_are_named(session, paid) -> None:
    app, _ = paid
    session.execute(text("DELETE FROM disbursements"))
    session.execute(text("DELETE FROM grants"))
    assert _differences(session) == [
        f"申报 #{app.id}：审计事件记载批准 80 万元，而批准记录表中没有：记录被删除",
        f"申报 #{app.id}：审计事件记载拨付 80 万元，而拨付记录表中没有：记录被删除",
        f"{BUDGET_NAME}：已拨付金额为 0 万元，审计事件记载为 80 万元"]


def test_a_budget_moved_to_another_year_is_named(session, paid) -> None:
    session.execute(text("UPDATE budgets SET year = 2024"))
    assert _differences(session) == [
        "2024年度 辽政办〔2022〕35号 措施3 的预算：审计事件中没有这项预算（未经设定预算，直接写入数据库）",
        f"{BUDGET_NAME}：审计事件记载有这项预算（500 万元），而预算表中没有：记录被删除"]


def test_a_grant_moved_to_another_budget_is_named(session, people, paid) -> None:
    app, _ = paid
    first = session.execute(text("SELECT id FROM budgets")).scalar_one()
    other = budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=4,
                               amount=1_000_000)
    session.execute(text("UPDATE grants SET budget_id = :other"), {"other": other.id})
    grant = _grant_id(session, app.id)
    assert _differences(session) == [
        f"批准记录 {grant}（申报 #{app.id}）：所用预算（编号）为 {other.id}，审计事件记载为 {first}",
        f"{BUDGET_NAME}：已拨付金额为 0 万元，审计事件记载为 80 万元",
        "2025年度 辽政办〔2022〕35号 措施4 的预算：已拨付金额为 80 万元，审计事件记载为 0 万元"]
