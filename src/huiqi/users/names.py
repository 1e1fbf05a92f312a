"""People as others read them: a display name with the unit (or the role) behind it, never a login name.

``system`` — the operator's command line and the workflow's own routing — reads as 系统（自动）.
What a person did in the past names them with the unit they held then (``people_then``), read from the trail.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.models import AuditEvent, Department, User
from huiqi.reference.divisions import place_name
from huiqi.users import repository
from huiqi.users.roles import ROLE_LABELS, Role

SYSTEM_NAME = "系统（自动）"


def unit_of(user: User, departments: dict[int, str]) -> str:
    """Where a person works, as the page says it: the department, the city's reviewers, or the role.

    >>> unit_of(User(role="city", region="210100"), {}), unit_of(User(role="finance"), {})
    ('沈阳市·市级初审人员', '财政人员')
    """
    if user.role == Role.DEPARTMENT and user.department_id in departments:
        return departments[user.department_id]
    if user.role == Role.CITY and user.region:
        return f"{place_name(user.region)}·{ROLE_LABELS[Role.CITY]}"
    return ROLE_LABELS.get(user.role, user.role)


def person_name(user: User, departments: dict[int, str]) -> str:
    """``显示名称（单位）``, saying only what the display name does not already say.

    >>> person_name(User(display_name="沈阳市审核员", role="city", region="210100"), {})
    '沈阳市审核员（市级初审人员）'
    >>> person_name(User(display_name="王五", role="department", department_id=1), {1: "省工业和信息化厅"})
    '王五（省工业和信息化厅）'
    """
    unit = unit_of(user, departments)
    parts = [p for p in unit.split("·") if p not in user.display_name]
    return f"{user.display_name}（{'·'.join(parts)}）" if parts else user.display_name


def people(session: Session, usernames: set[str] | None = None) -> dict[str, str]:
    """Login name → the person as people read them, for the given login names (all when None)."""
    query = select(User)
    if usernames is not None:
        if not usernames:
            return {}
        query = query.where(User.username.in_(usernames))
    found = list(session.scalars(query))
    units = {d.id: d.name for d in session.scalars(select(Department).where(
        Department.id.in_({u.department_id for u in found if u.department_id})))}
    return {u.username: person_name(u, units) for u in found}


def people_then(session: Session, moments: set[tuple[str, datetime]]) -> dict[tuple[str, datetime], str]:
    """(Login name, moment) → the person as they were then: their unit from the role and binding the audit trail
    last gave them before that moment (创建用户, 变更角色), not the one they hold now; as now when the trail holds none.
    A reviewer moved to another department reads, for what they did before, with the department they acted for."""
    found = {u.username: u for u in session.scalars(select(User).where(
        User.username.in_({login for login, _ in moments})))} if moments else {}
    changes: dict[str, list[AuditEvent]] = {}
    for event in repository.binding_events(session, [u.id for u in found.values()]):
        changes.setdefault(event.entity_id, []).append(event)
    then = {(login, at): _as_then(user, changes.get(str(user.id), []), at)
            for login, at in moments if (user := found.get(login)) is not None}
    units = {d.id: d.name for d in session.scalars(select(Department).where(
        Department.id.in_({u.department_id for u in then.values() if u.department_id})))}
    return {key: person_name(user, units) for key, user in then.items()}


def _as_then(user: User, changes: list[AuditEvent], at: datetime) -> User:
    """``user`` with the display name, role and binding of the last change before ``at`` (the first change's
    ``before`` when all came later); the user as now when the trail records no change."""
    moment = _naive_utc(at)
    earlier = [e.after for e in changes if e.at <= moment and e.after]
    said = earlier[-1] if earlier else next((e.before for e in changes if e.before), None)
    if not said or not isinstance(said.get("role"), str):
        return user
    shown = said.get("display_name")  # the name then, where the event kept it
    return User(display_name=shown if isinstance(shown, str) and shown else user.display_name, role=said["role"],
                region=said.get("region"), department_id=said.get("department_id"))


def _naive_utc(moment: datetime) -> datetime:
    """A moment as the trail stores it (UTC without zone)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment


def name_of(username: str | None, known: dict[str, str]) -> str:
    """One login name as people read it (``system`` as 系统（自动）; an unknown name as itself)."""
    if not username:
        return "—"
    if username == Role.SYSTEM:
        return SYSTEM_NAME
    return known.get(username, username)


def person(session: Session, username: str | None) -> str:
    return name_of(username, people(session, {username} if username else set()))


def namer(session: Session) -> Callable[[str | None], str]:
    """``person`` for a page's template: each login name looked up once."""
    memo: dict[str | None, str] = {}

    def name(username: str | None) -> str:
        if username not in memo:
            memo[username] = person(session, username)
        return memo[username]

    return name
