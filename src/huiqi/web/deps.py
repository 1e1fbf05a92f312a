"""What every request may need: a database session, who is calling, and the CSRF guard.

Handlers that change the record call ``session.commit()`` themselves, before they answer: FastAPI
runs a dependency's code after ``yield`` only once the response has gone, too late to report a
failed commit. Anything left uncommitted is rolled back when the session closes.
"""

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from huiqi.applications import filters
from huiqi.applications.filters import Filters
from huiqi.auth import service as auth
from huiqi.db import engine, writer
from huiqi.errors import AccountDisabled, Forbidden, HuiqiError, NotAuthenticated, PasswordChangeRequired
from huiqi.models import User
from huiqi.users import filters as user_filters
from huiqi.users.filters import UserFilters
from huiqi.users.scope import require_role
from huiqi.workflow.runner import entitled
from huiqi.workflow.states import Action

SESSION_COOKIE = "huiqi_session"
CSRF_COOKIE = "huiqi_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# The sign-in form is checked even without cookies: otherwise another site could sign a visitor in as
# someone else (login CSRF). Its token is the double-submit cookie the sign-in page sets (SameSite=Strict).
ALWAYS_CHECKED = frozenset({"/login"})


def open_session(write: bool = False) -> Iterator[Session]:
    factory = sessionmaker(bind=writer(engine()) if write else engine(), expire_on_commit=False)
    with factory() as session:
        yield session


def db(request: Request) -> Iterator[Session]:
    """The request's session; a request that may write (POST, PUT, PATCH, DELETE) is a write transaction."""
    yield from open_session(write=request.method in UNSAFE)


Db = Annotated[Session, Depends(db)]


@contextmanager
def outside_dependencies(request: Request) -> Iterator[Session]:
    """A read session for code that runs outside FastAPI's dependencies (a guard, an error page), honouring the
    app's own override of ``db`` (tests hand it theirs)."""
    override = request.app.dependency_overrides.get(db)
    sessions = override() if override else open_session()
    try:
        yield next(sessions)
    finally:
        sessions.close()


@dataclass(frozen=True)
class Seen:
    """Who is signed in, as the pages show it: plain values, read once, that no rollback can expire."""

    username: str
    display_name: str
    role: str


@dataclass
class Caller:
    """Who sent the request, how, and the CSRF token their forms carry."""

    user: User | None
    via: str | None  # cookie | bearer | None
    csrf: str
    seen: Seen | None = None
    notice: str | None = None  # what the signed-in person must know before anything else (the calendar running out)
    unread: int = 0  # messages not yet read (shown in the header)
    in_force: tuple[tuple[str, str, str], ...] = ()  # (id, title, document number) of the policies in force
    disabled: str | None = None  # a cookie whose account was disabled since: what its holder is told (``actor``)

    def __post_init__(self) -> None:
        if self.user is not None and self.seen is None:
            self.seen = Seen(self.user.username, self.user.display_name, self.user.role)


def caller(request: Request, session: Db) -> Caller:
    """The signed-in user (cookie or bearer token), or an anonymous caller; cached on the request."""
    if hasattr(request.state, "caller"):
        return request.state.caller
    found = Caller(None, None, request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32))
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = auth.from_bearer(session, header[7:].strip())
        if user is None:
            raise NotAuthenticated("令牌无效或已吊销")
        session.commit()  # the token's last use
        found = Caller(user, "bearer", "")
    elif token := request.cookies.get(SESSION_COOKIE):
        signed = auth.from_cookie(session, token)
        if signed is not None:
            found = Caller(signed[0], "cookie", signed[1].csrf_token, notice=_notice(session, signed[0]),
                           unread=_unread(session, signed[0]))
        else:
            found.disabled = auth.disabled(session, token)
    if found.via != "bearer":
        found.in_force = _in_force(session)
    request.state.caller = found
    return found


def _in_force(session: Session) -> tuple[tuple[str, str, str], ...]:
    from huiqi.catalogue.service import published

    return tuple((p.id, p.title, p.number) for p in published(session))


def _unread(session: Session, user: User) -> int:
    from huiqi.messages.service import unread

    return unread(session, user)


def _notice(session: Session, user: User) -> str | None:
    """Admins and departments are told when the working-day calendar is about to run out."""
    if user.role not in ("admin", "department"):
        return None
    from huiqi import clock
    from huiqi.holidays.service import notice

    return notice(session, clock.today())


CallerDep = Annotated[Caller, Depends(caller)]


# Where a user whose password an admin reset may still go: to change it, or to leave.
PASSWORD_PATHS = frozenset({"/account/password", "/api/v1/users/me/password", "/api/v1/users/me", "/logout"})


def actor(request: Request, who: CallerDep) -> User:
    """The signed-in user; anyone else is asked to sign in, and one whose password was reset to change it."""
    if who.user is None:
        raise AccountDisabled(who.disabled) if who.disabled else NotAuthenticated("请先登录")
    if who.user.must_change_password and request.url.path not in PASSWORD_PATHS:
        raise PasswordChangeRequired("管理员已重置您的密码：请先修改密码"
                                     "（“修改密码”页面，或 POST /api/v1/users/me/password）")
    return who.user


Actor = Annotated[User, Depends(actor)]


def refused_first(check: Callable[[User], object]) -> list:
    """A route's ``dependencies``: ``check`` refuses a caller who may not use the route at all before its body is
    read. FastAPI raises a dependency's refusal before the body's validation errors, so such a caller is told so
    (403, or 401 unsigned), not handed a 422 correcting a body it may not send; a body found wrong before any
    dependency runs (malformed JSON, an unreadable form, a NUL the door refuses) asks the check first as well
    (``refused_before_body``). The service checks again, and there the record's scope (whose application, which unit
    leads)."""

    def refuse(actor: Actor) -> None:
        check(actor)

    refuse.huiqi_check = check  # type: ignore[attr-defined]  # for ``refused_before_body``
    return [Depends(refuse)]


def refused_before_body(request: Request) -> HuiqiError | None:
    """The refusal of a caller whom the route's ``refused_first`` check refuses, or None (no such check, or the caller
    passes it). For a body found wrong before any dependency runs (malformed JSON, a form that cannot be read, one too
    large, a text the door refuses): the caller is told first that they may not use the route at all, whatever the
    body. Synchronous (it may read the session): called off the event loop."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    check = next((d.call.huiqi_check for d in getattr(dependant, "dependencies", ())
                  if hasattr(d.call, "huiqi_check")), None)
    if check is None:
        return None
    try:
        with outside_dependencies(request) as session:
            check(actor(request, caller(request, session)))
    except HuiqiError as refusal:
        return refusal
    return None


def signed_in_first() -> list:
    """``refused_first`` for a route every signed-in user may use: a caller not signed in is told so (401) first."""
    return refused_first(lambda actor: None)


def role_first(*roles: str, doing: str) -> list:
    """``refused_first`` for a route that only ``roles`` use: ``require_role``, saying what is refused and who does it
    (an API's body, a page's form alike: a role refused posting an empty form is told so, not that a field is
    missing)."""
    return refused_first(lambda actor: require_role(actor, *roles, doing=doing, named=True))


def step_first(action: Action) -> list:
    """``refused_first`` for a workflow step: the roles the workflow table lets take ``action`` (the step runner's
    own ``entitled``, saying which roles do)."""
    return refused_first(partial(entitled, action=action))


async def csrf_guard(request: Request) -> None:
    """Refuse an unsafe request from a browser unless it carries its CSRF token.

    A signed-in browser must echo its session's token (header or form field); an anonymous form
    (sign-in, calculator) must echo the double-submit cookie. Requests with no cookies at all
    (machine clients, bearer tokens) cannot be forged by another site and are not checked.
    """
    if request.method not in UNSAFE or (not request.cookies and request.url.path not in ALWAYS_CHECKED):
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").lower().startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get(CSRF_FIELD)
    expected = await run_in_threadpool(_expected_csrf, request)  # it may read the session: not on the event loop
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        if disabled := await run_in_threadpool(_disabled, request):  # refused whatever it sent: say why
            raise AccountDisabled(disabled)
        raise Forbidden("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")


def _expected_csrf(request: Request) -> str | None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        # Only now open a session: most requests (the public API) never need one here.
        with outside_dependencies(request) as session:
            signed = auth.from_cookie(session, token)
        if signed is not None:
            return signed[1].csrf_token
    return request.cookies.get(CSRF_COOKIE)


def _disabled(request: Request) -> str | None:
    """What the request's session cookie, if its account was disabled since, tells its holder (``auth.disabled``)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with outside_dependencies(request) as session:
        return auth.disabled(session, token)


# A record's id in a path: a positive 32-bit integer (larger values cannot be ids on either database).
RecordId = Annotated[int, Path(ge=1, le=2_147_483_647, description="记录编号")]


async def form_data(request: Request) -> FormData:
    """The request's form, read on the event loop, so that the handler itself can be sync (run in the thread
    pool, as every handler that touches the database must be: sync SQL in an ``async def`` stalls every request)."""
    return await request.form()


SentForm = Annotated[FormData, Depends(form_data)]


Text = Annotated[str | None, Query(max_length=50, description="关键词：单位名称或信用代码的一部分，或 #申报编号")]
MeasureChoice = Annotated[str | None, Query(max_length=44, description="政策编号，或“政策编号/措施序号”")]
CityChoice = Annotated[str | None, Query(max_length=10, description="申报单位所在市的代码（沈抚示范区为 shenfu）")]
RoundChoice = Annotated[str | None, Query(max_length=9, description="申报批次编号")]


def application_filters(q: Text = None, measure: MeasureChoice = None, city: CityChoice = None,
                        round: RoundChoice = None) -> Filters:
    return filters.read(q, measure, city, round)


ApplicationFilters = Annotated[Filters, Depends(application_filters)]


def asked_filters(q: Text = None, measure: MeasureChoice = None, city: CityChoice = None,
                  round: RoundChoice = None) -> tuple[Filters, list[tuple[str, str]]]:
    return filters.checked(q, measure, city, round)


# The filters that were right and what is wrong with the others: for a list page that says so beside its filters.
CheckedFilters = Annotated[tuple[Filters, list[tuple[str, str]]], Depends(asked_filters)]


Word = Annotated[str | None, Query(max_length=user_filters.MOST_TEXT,
                                   description="关键词：登录名、显示名称、绑定的信用代码、企业名称、所在市或责任单位的一部分")]
RoleChoice = Annotated[str | None, Query(max_length=20, description="角色，如 enterprise、city、department")]
StatusChoice = Annotated[str | None, Query(max_length=10, description="账号状态：enabled（启用）或 disabled（停用）")]


def users_filters(q: Word = None, role: RoleChoice = None, status: StatusChoice = None) -> UserFilters:
    return user_filters.read(q, role, status)


UsersFilters = Annotated[UserFilters, Depends(users_filters)]
