"""SQL of departments."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.models import Department


def by_name(session: Session, name: str) -> Department | None:
    return session.scalars(select(Department).where(Department.name == name)).one_or_none()


def all_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.id)))


def add(session: Session, department: Department) -> Department:
    session.add(department)
    session.flush()
    return department
