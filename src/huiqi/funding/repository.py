"""SQL of budgets, grants and payments.

``draw`` is one conditional UPDATE: the database checks and adds in one step, so concurrent approvals
cannot together spend more than a budget, whatever runs at the same time. ``grants.matter_id`` and
``grants.application_id`` are unique, and so is ``disbursements.application_id``: one grant per matter
(whatever the policy or measure) and one payment per grant, held by the database itself.
"""

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from huiqi.models import ApplicantProfile, Application, Budget, Disbursement, Grant
from huiqi.workflow.states import State


def budget(session: Session, year: int, policy_id: str, measure: int, *, lock: bool = False) -> Budget | None:
    query = select(Budget).where(Budget.year == year, Budget.policy_id == policy_id, Budget.measure == measure)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def add(session: Session, row: Budget | Grant | Disbursement) -> None:
    session.add(row)
    session.flush()


def draw(session: Session, budget_id: int, amount: int) -> bool:
    """Add ``amount`` to what is committed if it still fits; False when it does not."""
    statement = (update(Budget).where(Budget.id == budget_id, Budget.committed + amount <= Budget.amount)
                 .values(committed=Budget.committed + amount).execution_options(synchronize_session=False))
    done: bool = session.execute(statement).rowcount == 1  # type: ignore[attr-defined]
    row = session.get(Budget, budget_id)
    if row is not None:
        session.refresh(row)
    return done


def budgets_of_year(session: Session, year: int) -> list[Budget]:
    query = select(Budget).where(Budget.year == year).order_by(Budget.policy_id, Budget.measure)
    return list(session.scalars(query))


def disbursed(session: Session, budget_ids: list[int]) -> dict[int, int]:
    """What has been paid out of each budget (the disbursements of the grants drawn on it)."""
    query = (select(Grant.budget_id, func.sum(Disbursement.amount))
             .join(Disbursement, Disbursement.application_id == Grant.application_id)
             .where(Grant.budget_id.in_(budget_ids)).group_by(Grant.budget_id))
    return {budget_id: int(total) for budget_id, total in session.execute(query)}


def awaiting_approval(session: Session) -> dict[tuple[str, int], int]:
    """The amounts proposed (已拟定金额, 公示中) and not yet approved, summed per policy and measure: what waits to
    draw on a budget."""
    query = (select(Application.policy_id, Application.measure, func.sum(Application.amount_proposed))
             .where(Application.state.in_((State.PROPOSED, State.ANNOUNCED)), Application.amount_proposed.is_not(None))
             .group_by(Application.policy_id, Application.measure))
    return {(policy_id, measure): int(total or 0) for policy_id, measure, total in session.execute(query)}


def grants_for_matter(session: Session, matter_id: int) -> list[Grant]:
    """The matter's grants, one per policy at most, oldest first."""
    return list(session.scalars(select(Grant).where(Grant.matter_id == matter_id).order_by(Grant.id)))


def grants_for_matters(session: Session, matter_ids: list[int]) -> list[Grant]:
    """The grants of these matters (one recognition and its twins), oldest first."""
    return list(session.scalars(select(Grant).where(Grant.matter_id.in_(matter_ids)).order_by(Grant.id)))


def grant_for_application(session: Session, application_id: int) -> Grant | None:
    return session.scalars(select(Grant).where(Grant.application_id == application_id)).one_or_none()


def grants_for_applications(session: Session, ids: list[int]) -> dict[int, Grant]:
    """The grants of these applications, by application (those approved)."""
    return {g.application_id: g for g in session.scalars(select(Grant).where(Grant.application_id.in_(ids)))}


def payment_for_application(session: Session, application_id: int) -> Disbursement | None:
    return session.scalars(select(Disbursement).where(Disbursement.application_id == application_id)).one_or_none()


def payments(session: Session, offset: int = 0,
             limit: int | None = None) -> list[tuple[Disbursement, Application, str]]:
    """Payments newest first, each with its application and its applicant's name now (its credit code when it has
    no profile): one query, paged in SQL, so that the treasury's record can be matched row by row."""
    latest = (select(ApplicantProfile.applicant_id, func.max(ApplicantProfile.version).label("version"))
              .group_by(ApplicantProfile.applicant_id).subquery())
    name = func.coalesce(ApplicantProfile.name, Application.uscc)
    query = (select(Disbursement, Application, name)
             .join(Application, Application.id == Disbursement.application_id)
             .outerjoin(latest, latest.c.applicant_id == Application.applicant_id)
             .outerjoin(ApplicantProfile, (ApplicantProfile.applicant_id == latest.c.applicant_id)
                        & (ApplicantProfile.version == latest.c.version))
             .order_by(Disbursement.paid_on.desc(), Disbursement.id.desc()).offset(offset).limit(limit))
    return [(d, a, n) for d, a, n in session.execute(query)]


def payments_total(session: Session) -> tuple[int, int]:
    """How many payments were recorded, and their sum (whole yuan)."""
    count, total = session.execute(select(func.count(Disbursement.id), func.sum(Disbursement.amount))).one()
    return int(count), int(total or 0)


def payment_with_reference(session: Session, reference: str) -> Disbursement | None:
    """The payment recorded with this voucher number, if any."""
    return session.scalars(select(Disbursement).where(Disbursement.reference == reference)
                           .order_by(Disbursement.id).limit(1)).first()
