"""SQL of the policy catalogue."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.models import PolicyVersion


def in_force(session: Session) -> list[tuple[int, str, str]]:
    """(row id, policy id, digest) of each published version, oldest entry first."""
    query = (select(PolicyVersion.id, PolicyVersion.policy_id, PolicyVersion.digest)
             .where(PolicyVersion.state == "published").order_by(PolicyVersion.id))
    return [(row.id, row.policy_id, row.digest) for row in session.execute(query)]


def text_of(session: Session, version_id: int) -> str:
    return session.scalars(select(PolicyVersion.text).where(PolicyVersion.id == version_id)).one()


def every(session: Session) -> list[PolicyVersion]:
    return list(session.scalars(select(PolicyVersion).order_by(PolicyVersion.policy_id, PolicyVersion.id)))


def get(session: Session, version_id: int, *, lock: bool = False) -> PolicyVersion | None:
    query = select(PolicyVersion).where(PolicyVersion.id == version_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).first()


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
