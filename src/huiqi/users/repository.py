"""SQL of users."""

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from huiqi.models import ApiToken, User, WebSession


def by_username(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def add(session: Session, user: User) -> User:
    session.add(user)
    session.flush()
    return user


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


def end_sign_ins(session: Session, user_id: int) -> None:
    """End the user's browser sessions and revoke their tokens (after a password change or reset)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    session.execute(update(ApiToken).where(ApiToken.user_id == user_id).values(revoked=True)
                    .execution_options(synchronize_session=False))
