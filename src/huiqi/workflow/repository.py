"""SQL of workflow steps."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.models import Transition


def add(session: Session, transition: Transition) -> Transition:
    session.add(transition)
    session.flush()
    return transition


def of_application(session: Session, application_id: int) -> list[Transition]:
    query = select(Transition).where(Transition.application_id == application_id).order_by(Transition.id)
    return list(session.scalars(query))


def last_of(session: Session, application_id: int) -> Transition | None:
    query = select(Transition).where(Transition.application_id == application_id).order_by(Transition.id.desc())
    return session.scalars(query.limit(1)).one_or_none()
