"""SQL of users."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.models import User


def by_username(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def add(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))
