"""SQL of budgets. ``draw`` is one conditional UPDATE: the database checks and adds in one step, so
concurrent approvals cannot together spend more than the amount, whatever runs at the same time."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from huiqi.models import Budget


def find(session: Session, year: int, policy_id: str, measure: int, *, lock: bool = False) -> Budget | None:
    query = select(Budget).where(Budget.year == year, Budget.policy_id == policy_id, Budget.measure == measure)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def add(session: Session, budget: Budget) -> Budget:
    session.add(budget)
    session.flush()
    return budget


def draw(session: Session, budget_id: int, amount: int) -> bool:
    """Add ``amount`` to what is committed if it still fits; False when it does not."""
    statement = (update(Budget).where(Budget.id == budget_id, Budget.committed + amount <= Budget.amount)
                 .values(committed=Budget.committed + amount).execution_options(synchronize_session=False))
    done = session.execute(statement).rowcount == 1
    if done:
        session.expire(session.get(Budget, budget_id), ["committed"])
    return done


def of_year(session: Session, year: int) -> list[Budget]:
    query = select(Budget).where(Budget.year == year).order_by(Budget.policy_id, Budget.measure)
    return list(session.scalars(query))


def disbursed(session: Session, budget_ids: list[int]) -> dict[int, int]:
    """What has been paid out of each budget (the disbursements of the grants drawn on it)."""
    from sqlalchemy import func

    from huiqi.models import Disbursement, Grant

    query = (select(Grant.budget_id, func.sum(Disbursement.amount))
             .join(Disbursement, Disbursement.application_id == Grant.application_id)
             .where(Grant.budget_id.in_(budget_ids)).group_by(Grant.budget_id))
    return {budget_id: int(total) for budget_id, total in session.execute(query)}
