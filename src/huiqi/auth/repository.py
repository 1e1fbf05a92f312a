"""SQL for sessions, tokens and sign-in attempts."""

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from huiqi.models import ApiToken, LoginAttempt, User, WebSession


def add(session: Session, row: WebSession | ApiToken | LoginAttempt) -> None:
    session.add(row)
    session.flush()


def session_by_hash(session: Session, token_hash: str) -> tuple[WebSession, User] | None:
    row = session.execute(
        select(WebSession, User).join(User, User.id == WebSession.user_id).where(WebSession.token_hash == token_hash)
    ).first()
    return None if row is None else (row[0], row[1])


def delete_session(session: Session, token_hash: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


def delete_expired(session: Session, now: datetime) -> None:
    session.execute(delete(WebSession).where(WebSession.expires_at < now))


def touch_token(session: Session, token_hash: str, at: datetime) -> None:
    """Record the token's use. Written before anything is read: on SQLite a transaction that reads first
    and writes later fails at once when another process wrote in between; one that writes first waits."""
    session.execute(update(ApiToken).where(ApiToken.token_hash == token_hash, ApiToken.revoked.is_(False))
                    .values(last_used_at=at).execution_options(synchronize_session=False))


def token_by_hash(session: Session, token_hash: str) -> tuple[ApiToken, User] | None:
    row = session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash, ApiToken.revoked.is_(False))
    ).first()
    return None if row is None else (row[0], row[1])


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))


def token(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def last_success(session: Session, *, username: str, address: str) -> datetime | None:
    """When this name last signed in from this address (earlier failures no longer count)."""
    return session.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == username, LoginAttempt.address == address, LoginAttempt.success.is_(True)))


def failures(session: Session, *, since: datetime, username: str | None = None,
             address: str | None = None) -> tuple[int, datetime | None]:
    """How many sign-ins failed since ``since`` (for the name, the address or both), and when the last did."""
    query = select(func.count(), func.max(LoginAttempt.at)).select_from(LoginAttempt).where(
        LoginAttempt.at >= since, LoginAttempt.success.is_(False))
    if username is not None:
        query = query.where(LoginAttempt.username == username)
    if address is not None:
        query = query.where(LoginAttempt.address == address)
    count, last = session.execute(query).one()
    return count or 0, last
