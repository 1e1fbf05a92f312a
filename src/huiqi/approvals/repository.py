"""SQL of grants (approved awards). ``grants.matter_id`` is unique: one grant per matter, whatever the
policy or measure, held by the database itself when two approvals race."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.models import Grant


def for_matter(session: Session, matter_id: int) -> Grant | None:
    return session.scalars(select(Grant).where(Grant.matter_id == matter_id)).one_or_none()


def for_application(session: Session, application_id: int) -> Grant | None:
    return session.scalars(select(Grant).where(Grant.application_id == application_id)).one_or_none()


def add(session: Session, grant: Grant) -> Grant:
    session.add(grant)
    session.flush()
    return grant
