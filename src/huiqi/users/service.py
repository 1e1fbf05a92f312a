"""Create users, sign them in, change their roles: every change is in the audit trail."""

import hashlib
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.audit import service as audit
from huiqi.departments import repository as departments
from huiqi.errors import Conflict, InputError, NotAuthenticated, NotFound
from huiqi.models import User
from huiqi.reference import divisions, uscc
from huiqi.users import passwords, repository
from huiqi.users.filters import UserFilters
from huiqi.users.roles import Role
from huiqi.users.schemas import UserBinding, UserCreate, UserRead, UserUpdate, as_seen
from huiqi.users.scope import ROLE_LABELS, require_role
from huiqi.validation import field_path, problems

Spec = TypeVar("Spec", bound=UserBinding)


def _validated(data: dict, schema: type[Spec]) -> Spec:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise InputError([(field_path(loc), why) for loc, why in problems(exc)]) from None


def _binding(session: Session, spec: UserBinding) -> dict:
    """What the role binds the user to: a USCC, a city, a department; refused when missing or wrong."""
    if spec.role == Role.ENTERPRISE:
        problem = uscc.uscc_problem(spec.uscc) if spec.uscc else "企业用户须绑定统一社会信用代码"
        if problem:
            raise InputError([("uscc", problem)])
        return {"uscc": spec.uscc}
    if spec.role == Role.CITY:
        if not spec.region:
            raise InputError([("region", "请选择所在市")])
        if spec.region not in divisions.cities():
            raise InputError([("region", "市级初审人员须绑定一个地级市代码（如 210100）或 shenfu")])
        return {"region": spec.region}
    if spec.role == Role.DEPARTMENT:
        if not spec.department:
            raise InputError([("department", "请选择责任单位")])
        unit = departments.by_name(session, spec.department)
        if unit is None:
            raise InputError([("department", f"没有名为 {spec.department!r} 的责任单位（部门由政策同步而来）")])
        if unit.until is not None and unit.until <= clock.today():
            raise InputError([("department", f"{unit.name}已于 {unit.until} 起不再承担政策职责（机构改革），"
                                             "请选择承接其职责的单位")])
        return {"department_id": unit.id}
    return {}


def create_user(session: Session, *, actor: User, **fields) -> User:
    """Add a user (admins, or the system on the command line); the password is stored as argon2. One an admin chose
    is a temporary password, as a reset's is: the user must choose their own at the first sign-in."""
    require_role(actor, Role.ADMIN, doing="创建用户")
    spec = _validated(fields, UserCreate)
    taken = repository.by_username_any_case(session, spec.username)
    if taken:
        raise Conflict(f"登录名 {spec.username} 已被使用，请换一个" if taken.username == spec.username
                       else f"登录名 {spec.username} 与已有的 {taken.username} 只有大小写不同，请换一个")
    user = User(username=spec.username, display_name=spec.display_name, role=spec.role,
                password_hash=passwords.hash_password(spec.password), must_change_password=actor.role == Role.ADMIN,
                **_binding(session, spec))
    try:
        with session.begin_nested():
            repository.add(session, user)
    except IntegrityError:  # the same name in any capitals, created by another admin at this moment
        raise Conflict(f"登录名 {spec.username} 刚刚已被使用，请换一个") from None
    audit.record(session, actor=actor.username, action="user.create", entity="user", entity_id=user.id,
                 after=_shown(user))
    return user


def _shown(user: User) -> dict:
    return {"username": user.username, "role": user.role, "uscc": user.uscc, "region": user.region,
            "department_id": user.department_id, "active": user.active}


def _existing(session: Session, username: str) -> User:
    user = repository.by_username(session, username)
    if user is None:
        raise NotFound(f"没有用户 {username}")
    return user


def _managed(session: Session, actor: User, username: str) -> User:
    """The user an admin changes, locked with the admin's own row (in id order) and both read afresh: two admins
    disabling each other at once end with one of them, never both, and an admin disabled meanwhile acts no more."""
    user = _existing(session, username)
    ids = sorted({user.id, actor.id})
    rows = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)
                                             .with_for_update().execution_options(populate_existing=True))}
    me = rows.get(actor.id)
    if me is None or not me.active or me.role != Role.ADMIN:
        raise Conflict("您的账号刚被停用或变更了角色，不能再办理；请刷新页面")
    return rows[user.id]


def authenticate(session: Session, *, username: str, password: str) -> User:
    """The active user with this name and password; one message for every failure."""
    user = repository.by_username(session, username)
    # An unknown name costs the same hashing as a known one, so timing does not tell which names exist.
    hashed = user.password_hash if user is not None else passwords.unknown_user_hash()
    if not passwords.check_password(password, hashed) or user is None or not user.active:
        raise NotAuthenticated("用户名或密码错误，或账号已停用")
    return user


def change_role(session: Session, *, actor: User, username: str, role: str, uscc: str | None = None,
                region: str | None = None, department: str | None = None, seen: str | None = None) -> User:
    """Give a user another role (and binding); before and after go to the audit trail. An admin cannot change their
    own role: with ``_managed`` locking both rows, every change leaves at least its (active) admin in office, so the
    province is never left without an admin, even when two admins demote each other at once. ``seen``
    (``as_seen`` of the user when the form was shown): changed meanwhile by another admin is a 409, not a silent
    overwrite."""
    require_role(actor, Role.ADMIN, doing="变更用户角色")
    user = _managed(session, actor, username)
    if seen is not None and seen != as_seen(user):
        now = ROLE_LABELS.get(user.role, user.role)
        raise Conflict(f"用户 {user.username} 的角色或绑定刚被另一位管理员变更（现为{now}）：请刷新页面，查看后再决定")
    if user.id == actor.id and role != user.role:
        raise Conflict("不能变更自己的角色：请由另一位管理员操作")
    spec = _validated({"username": user.username, "display_name": user.display_name, "role": role,
                       "uscc": uscc, "region": region, "department": department}, UserBinding)
    before = _shown(user)
    binding = {"uscc": None, "region": None, "department_id": None} | _binding(session, spec)
    user.role = role
    for key, value in binding.items():
        setattr(user, key, value)
    session.flush()
    audit.record(session, actor=actor.username, action="user.role", entity="user", entity_id=user.id,
                 before=before, after=_shown(user))
    return user


def listed(session: Session, *, actor: User, filters: UserFilters | None = None, offset: int = 0,
           limit: int | None = None) -> tuple[list[User], int]:
    """The users ``filters`` name, oldest first, from ``offset`` (at most ``limit``), and how many in all: for
    admins, and auditors who read everything (the list names who may see what)."""
    require_role(actor, Role.ADMIN, Role.AUDITOR, doing="查看用户列表")
    filters = filters or UserFilters()
    word = filters.text
    regions = [code for code, name in divisions.cities().items() if word is not None and word in name]
    return repository.found(session, filters=filters, regions=regions, offset=offset, limit=limit)


def account(session: Session, *, actor: User, username: str) -> User:
    """One user, for the admin's change form."""
    require_role(actor, Role.ADMIN, doing="管理用户")
    return _existing(session, username)


def set_active(session: Session, *, actor: User, username: str, active: bool) -> User:
    """Disable (or re-enable) an account; disabling ends its sessions and revokes its tokens, as a password reset
    does, so re-enabling brings none of them back (a stolen cookie stays dead). An admin cannot lock themself out."""
    require_role(actor, Role.ADMIN, doing="停用或启用用户")
    user = _managed(session, actor, username)
    if not active and user.username == actor.username:
        raise Conflict("不能停用自己的账号：请由另一位管理员操作")
    if user.active == active:
        return user
    before = _shown(user)
    user.active = active
    if not active:
        repository.end_sign_ins(session, user.id)
    session.flush()
    audit.record(session, actor=actor.username, action="user.enable" if active else "user.disable", entity="user",
                 entity_id=user.id, before=before, after=_shown(user))
    return user


def update(session: Session, *, actor: User, username: str, changes: UserUpdate) -> User:
    """Apply a role/binding change and/or (dis)enable the account, each audited as its own event."""
    require_role(actor, Role.ADMIN, doing="变更用户")
    user = _existing(session, username)
    if changes.role is not None or {changes.uscc, changes.region, changes.department} != {None}:
        change_role(session, actor=actor, username=username, role=changes.role or user.role, uscc=changes.uscc,
                    region=changes.region, department=changes.department, seen=changes.seen)
    if changes.active is not None:
        set_active(session, actor=actor, username=username, active=changes.active)
    return user


def shown(session: Session, users: list[User]) -> list[UserRead]:
    """Accounts as people read them: the department by name; never the password hash."""
    names = {d.id: d.name for d in departments.all_departments(session)}
    return [UserRead.model_validate(u).model_copy(update={"department": names.get(u.department_id)})
            for u in users]


def change_own_password(session: Session, *, actor: User, current: str, new: str) -> User:
    """The user sets their own password (proving the current one); their other sessions and tokens end. Their row is
    locked and read afresh: of two changes at once (two tabs, two devices), the second is refused, not told it set a
    password the first has already replaced."""
    seen = actor.password_hash
    session.scalars(select(User).where(User.id == actor.id).with_for_update()
                    .execution_options(populate_existing=True)).one()
    if actor.password_hash != seen:
        raise Conflict("您的密码刚刚已在别处修改：请用新密码重新登录后再改")
    if not passwords.check_password(current, actor.password_hash):
        raise InputError([("current_password", "当前密码不正确")])
    if current == new:
        raise InputError([("new_password", "新密码不能与当前密码相同")])
    _set_password(session, actor, new, must_change=False)
    audit.record(session, actor=actor.username, action="user.password", entity="user", entity_id=actor.id,
                 after={"changed_by": "本人"})
    return actor


def password_seen(user: User) -> str:
    """What a form carries of the password it was shown beside: a digest of its (salted) hash, which tells whether the
    password changed since, and nothing about the password."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_password(session: Session, *, actor: User, username: str, new: str, seen: str | None = None) -> User:
    """An admin sets a temporary password; the user must change it at the next sign-in. The user's row is locked and
    read afresh; with ``seen`` (``password_seen`` of the page), a password reset or changed since the page was shown is
    refused: of two admins resetting one account at once, the second is told, not left believing in a password the
    first one's has replaced (or that replaced the first one's)."""
    require_role(actor, Role.ADMIN, doing="重置他人密码")
    user = _managed(session, actor, username)
    if seen is not None and password_seen(user) != seen:
        raise Conflict(f"{username} 的密码刚刚已被重置或由本人修改，您设的临时密码未生效："
                       "请刷新页面，确认仍需重置后再设")
    _set_password(session, user, new, must_change=True)
    audit.record(session, actor=actor.username, action="user.password_reset", entity="user", entity_id=user.id,
                 after={"must_change_password": True})
    return user


def _set_password(session: Session, user: User, new: str, *, must_change: bool) -> None:
    why = passwords.problem(new)
    if why is not None:
        raise InputError([("new_password", why)])
    user.password_hash, user.must_change_password = passwords.hash_password(new), must_change
    repository.end_sign_ins(session, user.id)
    session.flush()
