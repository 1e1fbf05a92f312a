"""SQL of departments."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.models import Department


def by_name(session: Session, name: str) -> Department | None:
    return session.scalars(select(Department).where(Department.name == name)).one_or_none()


def all_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.id)))


def departments_on(session: Session, day: date) -> list[Department]:
    """The units that exist on ``day``: not yet replaced by a reorganisation (a user is bound to one of them)."""
    return [d for d in all_departments(session) if d.until is None or d.until > day]


def add(session: Session, department: Department) -> Department:
    session.add(department)
    session.flush()
    return department
