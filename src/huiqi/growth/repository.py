"""SQL of growth figures."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.models import Application, Grant, GrowthFigure


def figure(session: Session, applicant_id: int, year: int, *, lock: bool = False) -> GrowthFigure | None:
    """One year's figures; ``lock``: locked until the transaction ends and read afresh (a correction made at this
    moment waits, and its trail says what it replaced)."""
    query = select(GrowthFigure).where(GrowthFigure.applicant_id == applicant_id, GrowthFigure.year == year)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def figures(session: Session, applicant_id: int) -> list[GrowthFigure]:
    query = select(GrowthFigure).where(GrowthFigure.applicant_id == applicant_id).order_by(GrowthFigure.year)
    return list(session.scalars(query))


def add(session: Session, row: GrowthFigure) -> None:
    session.add(row)
    session.flush()


def grants(session: Session, applicant_id: int) -> list[Grant]:
    query = (select(Grant).join(Application, Application.id == Grant.application_id)
             .where(Application.applicant_id == applicant_id).order_by(Grant.approved_on))
    return list(session.scalars(query))
