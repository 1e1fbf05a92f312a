"""SQL of departments."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.models import Department, ObjectionContact


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


def contacts(session: Session) -> list[ObjectionContact]:
    return list(session.scalars(select(ObjectionContact).order_by(ObjectionContact.id)))


def lock_contact(session: Session, department: str) -> ObjectionContact | None:
    """The department's objection contact, locked until the transaction ends and read afresh, if it has one."""
    query = (select(ObjectionContact).where(ObjectionContact.department == department).with_for_update()
             .execution_options(populate_existing=True))
    return session.scalars(query).one_or_none()


def add_contact(session: Session, row: ObjectionContact) -> None:
    session.add(row)
    session.flush()
