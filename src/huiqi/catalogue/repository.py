"""SQL of the policy catalogue."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiqi.models import Application, PolicyVersion, Round, RoundMeasure


def in_force(session: Session) -> list[tuple[int, str, str]]:
    """(row id, policy id, digest) of each published version, oldest entry first."""
    query = (select(PolicyVersion.id, PolicyVersion.policy_id, PolicyVersion.digest)
             .where(PolicyVersion.state == "published").order_by(PolicyVersion.id))
    return [(row.id, row.policy_id, row.digest) for row in session.execute(query)]


def text_of(session: Session, version_id: int) -> str:
    return session.scalars(select(PolicyVersion.text).where(PolicyVersion.id == version_id)).one()


def every(session: Session) -> list[PolicyVersion]:
    return list(session.scalars(select(PolicyVersion).order_by(PolicyVersion.policy_id, PolicyVersion.id)))


def drafts(session: Session) -> list[PolicyVersion]:
    """The drafts awaiting publication, oldest first."""
    return list(session.scalars(select(PolicyVersion).where(PolicyVersion.state == "draft").order_by(PolicyVersion.id)))


def once_published(session: Session) -> list[tuple[str, str, str]]:
    """(policy id, document number, title) of every version that has been in force (in force now, superseded or
    withdrawn since), oldest first."""
    query = (select(PolicyVersion.policy_id, PolicyVersion.number, PolicyVersion.title)
             .where(PolicyVersion.published_at.is_not(None)).order_by(PolicyVersion.id))
    return [(row.policy_id, row.number, row.title) for row in session.execute(query)]


def get(session: Session, version_id: int, *, lock: bool = False) -> PolicyVersion | None:
    query = select(PolicyVersion).where(PolicyVersion.id == version_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def numbered(session: Session, version_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each stored version of ``version_ids`` by its document number and short version (the digest's first 12)."""
    if not version_ids:
        return {}
    query = select(PolicyVersion.id, PolicyVersion.number, PolicyVersion.digest).where(
        PolicyVersion.id.in_(version_ids))
    return {row.id: (row.number, row.digest[:12]) for row in session.execute(query)}


def by_digest(session: Session, digest: str) -> PolicyVersion | None:
    return session.scalars(select(PolicyVersion).where(PolicyVersion.digest == digest)).first()


def by_version(session: Session, version: str | None) -> PolicyVersion | None:
    """The stored version whose text a policy's short ``version`` (the first 12 hex digits of its digest) names."""
    if not version or not version.isalnum():
        return None
    return session.scalars(select(PolicyVersion).where(PolicyVersion.digest.startswith(version))
                           .order_by(PolicyVersion.id)).first()


def published_of(session: Session, policy_id: str, *, lock: bool = False) -> PolicyVersion | None:
    query = select(PolicyVersion).where(PolicyVersion.policy_id == policy_id, PolicyVersion.state == "published")
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


def rounds_not_ended(session: Session, policy_id: str, day: date, measures: set[int] | None = None) -> list[Round]:
    """The policy's rounds open on ``day`` or still to open (not past their deadline, not closed early); with
    ``measures``, only those offering one of them."""
    query = select(Round).where(Round.policy_id == policy_id, Round.closes_on >= day, Round.closed_at.is_(None))
    if measures is not None:
        offering = select(RoundMeasure.round_id).where(RoundMeasure.measure.in_(measures))
        query = query.where(Round.id.in_(offering))
    return list(session.scalars(query.order_by(Round.opens_on, Round.id)))


def applications_in_progress(session: Session, policy_id: str, finished: tuple[str, ...],
                             measures: set[int] | None = None) -> int:
    """How many of the policy's applications (under one of ``measures``, when given) are in none of the
    ``finished`` states."""
    query = select(func.count()).select_from(Application).where(Application.policy_id == policy_id,
                                                                 Application.state.not_in(finished))
    if measures is not None:
        query = query.where(Application.measure.in_(measures))
    return session.scalar(query) or 0
