"""Sign in and out, find who a cookie or a bearer token speaks for, issue and revoke tokens.

Tokens are 32 random bytes; only their SHA-256 is stored, so a copy of the database does not let
anyone sign in. Repeated failures for one user name from one address (or from one address for any
name) make each further attempt wait, longer after each failure, whether or not the password would
have been right; nobody can lock an owner out of an account.
"""

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from huiqi.audit import service as audit
from huiqi.auth import repository
from huiqi.config import get_settings
from huiqi.db import one_at_a_time, utcnow
from huiqi.errors import HuiqiError, NotAuthenticated, NotFound
from huiqi.models import ApiToken, LoginAttempt, User, WebSession
from huiqi.users import service as users
from huiqi.users.roles import Role
from huiqi.users.scope import require_role


class TooManyAttempts(HuiqiError):
    """Too many failed sign-ins: wait before trying again."""

    status_code = 429


@dataclass
class SignedIn:
    """A new browser session: the cookie value and the CSRF token forms must send back."""

    user: User
    token: str
    csrf: str


def _wait(failures: int, last: datetime | None, *, now: datetime, allowed: int) -> int:
    """Seconds still to wait after ``failures`` recent failures, the last at ``last``: none up to ``allowed``,
    then a delay that doubles with each failure (never more than the window), so guessing slows to a crawl
    while the owner, from another address or after the delay, still signs in.

    >>> from datetime import datetime as at
    >>> [_wait(n, at(2026, 1, 1, 8), now=at(2026, 1, 1, 8, 0, 1), allowed=5) for n in (4, 5, 6, 7)]
    [0, 1, 3, 7]
    """
    over = failures - allowed
    if over < 0 or last is None:
        return 0
    settings = get_settings()
    delay = min(settings.login_delay_seconds * 2 ** over, settings.login_window_minutes * 60)
    return max(0, math.ceil(delay - (now - last).total_seconds()))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(session: Session, *, username: str, password: str, address: str, now: datetime | None = None) -> SignedIn:
    """A new session for the user, unless the name or the address has failed too often lately."""
    settings, now = get_settings(), now or utcnow()
    one_at_a_time(session, f"login:{address}")  # parallel guesses would all count the same failures
    since = now - timedelta(minutes=settings.login_window_minutes)
    since = max(since, repository.last_success(session, username=username, address=address) or since)
    wait = max(_wait(*repository.failures(session, since=since, username=username, address=address), now=now,
                     allowed=settings.login_max_failures),
               _wait(*repository.failures(session, since=since, address=address), now=now,
                     allowed=4 * settings.login_max_failures))
    if wait > 0:
        raise TooManyAttempts(f"登录失败次数过多，请 {wait} 秒后再试（账号没有被锁定，等待时间随失败次数加倍）")
    try:
        user = users.authenticate(session, username=username, password=password)
    except NotAuthenticated:
        repository.add(session, LoginAttempt(username=username[:64], address=address[:64], at=now, success=False))
        raise
    repository.add(session, LoginAttempt(username=username, address=address[:64], at=now, success=True))
    repository.delete_expired(session, now)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    repository.add(session, WebSession(token_hash=digest(token), user_id=user.id, csrf_token=csrf,
                                       expires_at=now + timedelta(hours=settings.session_hours)))
    return SignedIn(user, token, csrf)


def from_cookie(session: Session, token: str, now: datetime | None = None) -> tuple[User, WebSession] | None:
    """The active user and session a cookie speaks for, or None (unknown, expired, disabled)."""
    found = repository.session_by_hash(session, digest(token))
    if found is None or found[0].expires_at < (now or utcnow()) or not found[1].active:
        return None
    return found[1], found[0]


def disabled(session: Session, token: str) -> str | None:
    """What a cookie whose account was disabled since it signed in tells its holder (an admin is sent to the other
    admins); None for any other cookie. Disabling keeps such sessions (dead: ``from_cookie`` refuses them) so that
    this can be said; enabling the account again ends them (``users.service.set_active``)."""
    found = repository.session_by_hash(session, digest(token))
    if found is None or found[1].active:
        return None
    if found[1].role == Role.ADMIN:
        return "您的账号已被停用，请联系其他管理员"
    return "您的账号已被停用，如有疑问请联系本平台管理员"


def sign_out(session: Session, token: str) -> None:
    repository.delete_session(session, digest(token))


def from_bearer(session: Session, token: str) -> User | None:
    """The active user a bearer token speaks for, or None."""
    hashed, now = digest(token), utcnow()
    repository.touch_token(session, hashed, now)
    found = repository.token_by_hash(session, hashed)
    if found is None or not found[1].active or token_expires(found[0]) <= now:
        return None
    return found[1]


def token_expires(token: ApiToken) -> datetime:
    """When a token stops working (``HUIQI_TOKEN_DAYS`` after it was issued)."""
    return token.created_at + timedelta(days=get_settings().token_days)


def issue_token(session: Session, *, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for the actor (shown once); recorded in the audit trail."""
    raw = "hq_" + secrets.token_urlsafe(32)
    row = ApiToken(token_hash=digest(raw), user_id=actor.id, name=name.strip()[:100] or "未命名")
    repository.add(session, row)
    audit.record(session, actor=actor.username, action="token.issue", entity="api_token", entity_id=row.id,
                 after={"name": row.name, "user": actor.username})
    return row, raw


def revoke_token(session: Session, *, actor: User, token_id: int) -> ApiToken:
    """Revoke a token: its owner may, and an admin may revoke any."""
    row = repository.token(session, token_id)
    if row is None or (row.user_id != actor.id and actor.role != Role.ADMIN):
        raise NotFound("没有这个令牌")
    if row.user_id != actor.id:
        require_role(actor, Role.ADMIN, doing="吊销他人的令牌")
    row.revoked = True
    audit.record(session, actor=actor.username, action="token.revoke", entity="api_token", entity_id=row.id,
                 before={"revoked": False}, after={"revoked": True})
    return row


def tokens(session: Session, *, actor: User) -> list[ApiToken]:
    """The actor's own tokens (revoked ones included, so they can see what was cut off)."""
    return repository.tokens_of(session, actor.id)
