"""SQL of the rounds."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.models import Round, RoundMeasure, Transition


def every(session: Session) -> list[Round]:
    return list(session.scalars(select(Round).order_by(Round.opens_on.desc(), Round.id.desc())))


def get(session: Session, round_id: int, *, lock: bool = False) -> Round | None:
    query = select(Round).where(Round.id == round_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def overlapping(session: Session, found: Round, numbers: list[int], day: date) -> list[tuple[Round, int]]:
    """The other rounds of ``found``'s policy, not closed and not past their deadline on ``day``, whose dates meet
    ``found``'s, each with every measure of ``numbers`` it takes too (oldest round first, then by measure)."""
    query = (select(Round, RoundMeasure.measure).join(RoundMeasure, RoundMeasure.round_id == Round.id)
             .where(Round.policy_id == found.policy_id, Round.id != found.id, Round.closed_at.is_(None),
                    Round.closes_on >= day, Round.opens_on <= found.closes_on, Round.closes_on >= found.opens_on,
                    RoundMeasure.measure.in_(numbers))
             .order_by(Round.opens_on, Round.id, RoundMeasure.measure))
    return [(r, n) for r, n in session.execute(query)]


def identical(session: Session, policy_id: str, title: str, opens_on: date, closes_on: date,
              numbers: list[int]) -> Round | None:
    """A round of the policy, not closed, with this title, these dates and exactly these measures (or None)."""
    query = select(Round).where(Round.policy_id == policy_id, Round.title == title, Round.opens_on == opens_on,
                                Round.closes_on == closes_on, Round.closed_at.is_(None)).order_by(Round.id)
    return next((r for r in session.scalars(query) if [m.measure for m in measures(session, r.id)] == numbers), None)


def measures(session: Session, round_id: int) -> list[RoundMeasure]:
    return list(session.scalars(select(RoundMeasure).where(RoundMeasure.round_id == round_id)
                                .order_by(RoundMeasure.measure)))


def measure(session: Session, round_id: int, number: int) -> RoundMeasure | None:
    return session.get(RoundMeasure, (round_id, number))


def last_returned(session: Session, application_id: int):
    """The day the application was last returned for correction, or None."""
    query = (select(Transition.on).where(Transition.application_id == application_id,
                                         Transition.to_state == "returned")
             .order_by(Transition.id.desc()).limit(1))
    return session.scalar(query)
