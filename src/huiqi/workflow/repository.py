"""SQL of workflow steps."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.models import Offer, Transition


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


def direct(session: Session, application_ids: Iterable[int]) -> set[int]:
    """Which of the applications are 免申即享: made by the lead department confirming an offer (二次确认)."""
    ids = list(application_ids)
    if not ids:
        return set()
    query = select(Offer.application_id).where(Offer.application_id.in_(ids), Offer.state == "confirmed")
    return {i for i in session.scalars(query) if i is not None}


def is_direct(session: Session, application_id: int) -> bool:
    """Whether the application is 免申即享 (``direct``)."""
    return application_id in direct(session, [application_id])
