"""Set budgets (finance) and read them."""

from sqlalchemy.orm import Session

from huiqi.applications.service import policy_and_measure
from huiqi.audit import service as audit
from huiqi.budgets import repository
from huiqi.errors import Conflict, InputError
from huiqi.models import Budget, User
from huiqi.money import MAX_YUAN, wan
from huiqi.rules.policy import Policy
from huiqi.users.scope import require_role


def set_budget(session: Session, *, actor: User, year: int, policy_id: str, measure: int, amount: int,
               policies: list[Policy] | None = None) -> Budget:
    """Set the year's amount for a measure; never below what approvals have already drawn."""
    require_role(actor, "finance", doing="设定预算")
    policy_and_measure(policy_id, measure, policies)
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_YUAN:
        raise InputError([("amount", "预算应为非负整数（元）")])
    if not 2000 <= year <= 2100:
        raise InputError([("year", "年度应为四位数年份")])
    budget = repository.find(session, year, policy_id, measure, lock=True)
    before = {"amount": budget.amount, "committed": budget.committed} if budget else None
    if budget is None:
        budget = repository.add(session, Budget(year=year, policy_id=policy_id, measure=measure, amount=amount,
                                                committed=0, set_by=actor.username))
    elif amount < budget.committed:
        raise Conflict(f"预算不能低于已批准的 {wan(budget.committed)} 万元")
    else:
        budget.amount, budget.set_by = amount, actor.username
        session.flush()
    audit.record(session, actor=actor.username, action="budget.set", entity="budget",
                 entity_id=f"{year}/{policy_id}/{measure}", before=before,
                 after={"amount": amount, "committed": budget.committed})
    return budget


def budgets(session: Session, *, actor: User, year: int) -> list[Budget]:
    """The year's budgets (finance, admin, auditor)."""
    require_role(actor, "finance", "admin", "auditor", doing="查看预算")
    return repository.of_year(session, year)


def disbursed(session: Session, *, actor: User, budget_ids: list[int]) -> dict[int, int]:
    """How much of each budget has been paid out (finance, admin, auditor)."""
    require_role(actor, "finance", "admin", "auditor", doing="查看预算")
    return repository.disbursed(session, budget_ids) if budget_ids else {}
