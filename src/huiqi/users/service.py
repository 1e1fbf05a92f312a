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
from huiqi.reference import divisions
from huiqi.reference.uscc import uscc_problem
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


# A new user's fields as the form shows them: its problems are listed in this order.
FORM_ORDER = ("username", "display_name", "role", "password", "uscc", "region", "department")
# The field each role is bound by (the others bind nothing).
BOUND_BY = {Role.ENTERPRISE: "uscc", Role.CITY: "region", Role.DEPARTMENT: "department"}


def _binding(session: Session, spec: UserBinding) -> dict:
    """What the role binds the user to: a USCC, a city, a department; refused when missing or wrong."""
    binding, problem = _bound(session, spec.role, uscc=spec.uscc, region=spec.region, department=spec.department)
    if problem is not None:
        raise InputError([problem])
    return binding


def _bound(session: Session, role: str, *, uscc: str | None, region: str | None,
           department: str | None) -> tuple[dict, tuple[str, str] | None]:
    """What ``role`` binds the user to, or what is wrong with its binding (the field and why)."""
    if role == Role.ENTERPRISE:
        problem = uscc_problem(uscc) if uscc else "企业用户须绑定统一社会信用代码"
        return ({}, ("uscc", problem)) if problem else ({"uscc": uscc}, None)
    if role == Role.CITY:
        if not region:
            return {}, ("region", "请选择所在市")
        if region not in divisions.cities():
            return {}, ("region", "市级初审人员须绑定一个地级市代码（如 210100）或 shenfu")
        return {"region": region}, None
    if role == Role.DEPARTMENT:
        if not department:
            return {}, ("department", "请选择责任单位")
        unit = departments.by_name(session, department)
        if unit is None:
            return {}, ("department", f"没有名为 {department!r} 的责任单位（部门由政策同步而来）")
        if unit.until is not None and unit.until <= clock.today():
            return {}, ("department", f"{unit.name}已于 {unit.until} 起不再承担政策职责（机构改革），"
                                      "请选择承接其职责的单位")
        return {"department_id": unit.id}, None
    return {}, None


class NameTaken(InputError, Conflict):
    """A login name another account holds (in any capitals): a clash with the record (409), said beside 登录名 with
    whatever else the form got wrong."""

    status_code = 409


def _taken(session: Session, username: str) -> str | None:
    found = repository.by_username_any_case(session, username)
    if found is None:
        return None
    return (f"登录名 {username} 已被使用，请换一个" if found.username == username
            else f"登录名 {username} 与已有的 {found.username} 只有大小写不同，请换一个")


def _new_user(session: Session, fields: dict) -> tuple[UserCreate, dict]:
    """A new user's fields checked all at once: every field's problem (its format, a name already taken, a binding
    missing or wrong), each beside its field, in the form's order; else the user and the binding."""
    try:
        spec: UserCreate | None = UserCreate.model_validate(fields)
        said: list[tuple[str, str]] = []
    except ValidationError as exc:
        spec, said = None, [(field_path(loc), why) for loc, why in problems(exc)]
    refused = {name for name, _ in said}
    name = fields.get("username")
    taken = _taken(session, name) if "username" not in refused and isinstance(name, str) else None
    if taken:
        said.append(("username", taken))
    role, binding = fields.get("role"), {}
    if "role" not in refused and BOUND_BY.get(role) not in refused:
        binding, wrong = _bound(session, role, uscc=fields.get("uscc"), region=fields.get("region"),
                                department=fields.get("department"))
        said += [wrong] if wrong else []
    if said or spec is None:
        said.sort(key=lambda p: FORM_ORDER.index(p[0]) if p[0] in FORM_ORDER else len(FORM_ORDER))
        raise (NameTaken if taken else InputError)(said)
    return spec, binding


def create_user(session: Session, *, actor: User, told: list[str] | None = None, **fields) -> User:
    """Add a user (admins, or the system on the command line); the password is stored as argon2. One an admin chose
    is a temporary password, as a reset's is: the user must choose their own at the first sign-in. An enterprise's
    first account brings it the offers the lists naming it now qualify for (``recognition.registered``), said in
    ``told``."""
    require_role(actor, Role.ADMIN, doing="创建用户")
    spec, binding = _new_user(session, fields)
    from huiqi.recognition import registered  # lists read this room: imported here, not at the top

    rows = registered.lock(session, binding.get("uscc")) if spec.role == Role.ENTERPRISE else []
    user = User(username=spec.username, display_name=spec.display_name, role=spec.role,
                password_hash=passwords.hash_password(spec.password), must_change_password=actor.role == Role.ADMIN,
                **binding)
    try:
        with session.begin_nested():
            repository.add(session, user)
    except IntegrityError:  # the same name in any capitals, created by another admin at this moment
        raise NameTaken([("username", f"登录名 {spec.username} 刚刚已被使用，请换一个")]) from None
    audit.record(session, actor=actor.username, action="user.create", entity="user", entity_id=user.id,
                 after=_shown(user))
    registered.tell(told, registered.make(session, actor=actor, rows=rows, day=clock.today()), own=False)
    return user


def _shown(user: User) -> dict:
    """A user as the trail keeps them: the names as they were then (a trail reads 用户 bob（大连某某）, not #55)."""
    return {"username": user.username, "display_name": user.display_name, "role": user.role, "uscc": user.uscc,
            "region": user.region, "department_id": user.department_id, "active": user.active}


def _named(user: User) -> dict:
    return {"username": user.username, "display_name": user.display_name}


class OneAdminLeft(Conflict):
    """Disabling or demoting an admin would leave one active admin: said, and done only once confirmed."""


def _keeps_admins(session: Session, actor: User, user: User, doing: str, *, confirmed: bool) -> None:
    """Before ``user`` (locked by ``_managed``) stops being an active admin (``doing``: 停用 or 变更角色): refused
    when no active admin would remain; when one would, asked again (``OneAdminLeft``) unless ``confirmed``. The count
    is read after the locks: of three admins, any two such steps at once lock a row in common and run one after the
    other, so the later one counts what the first left."""
    if user.role != Role.ADMIN or not user.active:
        return
    others = repository.active_admins(session, besides=user.id)
    whom = "您" if user.id == actor.id else f"{user.display_name}（{user.username}）"
    if not others:
        raise Conflict(f"不能{doing}：{whom}是最后一位启用的管理员，{doing}后将没有人能创建用户、启用账号或重置密码；"
                       "请先创建或启用另一位管理员")
    if len(others) == 1 and not confirmed:
        left = "您本人" if others[0].id == actor.id else f"{others[0].display_name}（{others[0].username}）"
        step = {"停用": f"停用管理员 {whom}"}.get(doing, f"将管理员 {whom}改为其他角色")
        raise OneAdminLeft(f"{step}后，只剩{left}一位启用的管理员：这个账号一旦无法登录（忘记密码、人员调动），"
                           "将没有人能创建用户、启用账号或重置密码。确需如此，请确认后再提交")


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
        raise NotAuthenticated("登录名或密码错误，或账号已停用")
    return user


def change_role(session: Session, *, actor: User, username: str, role: str, uscc: str | None = None,
                region: str | None = None, department: str | None = None, seen: str | None = None,
                confirmed: bool = False, told: list[str] | None = None) -> User:
    """Give a user another role (and binding); before and after go to the audit trail. An admin cannot change their
    own role: with ``_managed`` locking both rows, every change leaves at least its (active) admin in office, so the
    province is never left without an admin, even when two admins demote each other at once. ``seen``
    (``as_seen`` of the user when the form was shown): changed meanwhile by another admin is a 409, not a silent
    overwrite. An admin made something else, leaving one active admin, is asked to confirm (``confirmed``). An
    enterprise account bound to a credit code brings that enterprise the offers the lists naming it now qualify for
    (``recognition.registered``), said in ``told``."""
    require_role(actor, Role.ADMIN, doing="变更用户角色")
    user = _managed(session, actor, username)
    if seen is not None and seen != as_seen(user):
        now = ROLE_LABELS.get(user.role, user.role)
        raise Conflict(f"用户 {user.username} 的角色或绑定刚被另一位管理员变更（现为{now}）：请刷新页面，查看后再决定")
    if user.id == actor.id and role != user.role:
        _keeps_admins(session, actor, user, "变更角色", confirmed=True)  # the last admin is told so
        raise Conflict("不能变更自己的角色：请由另一位管理员操作")
    if role != Role.ADMIN:
        _keeps_admins(session, actor, user, "变更角色", confirmed=confirmed)
    spec = _validated({"username": user.username, "display_name": user.display_name, "role": role,
                       "uscc": uscc, "region": region, "department": department}, UserBinding)
    before = _shown(user)
    binding = {"uscc": None, "region": None, "department_id": None} | _binding(session, spec)
    from huiqi.recognition import registered  # lists read this room: imported here, not at the top

    bound = binding["uscc"] if role == Role.ENTERPRISE and binding["uscc"] != before["uscc"] else None
    rows = registered.lock(session, bound)
    user.role = role
    for key, value in binding.items():
        setattr(user, key, value)
    session.flush()
    audit.record(session, actor=actor.username, action="user.role", entity="user", entity_id=user.id,
                 before=before, after=_shown(user))
    registered.tell(told, registered.make(session, actor=actor, rows=rows, day=clock.today()), own=False)
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


def set_active(session: Session, *, actor: User, username: str, active: bool, confirmed: bool = False,
               told: list[str] | None = None) -> User:
    """Disable (or re-enable) an account; disabling revokes its tokens and refuses its sessions (kept, dead, so that a
    browser still holding one is told the account was disabled: ``auth.service.disabled``), and re-enabling ends
    them first, so none comes back (a stolen cookie stays dead). An admin cannot lock themself out;
    disabling an admin that leaves one active admin is asked to confirm (``confirmed``), the last one refused.

    An enterprise account re-enabled comes back onto the platform as one made: its unit's list rows that made no
    offer are matched again (``recognition.registered``), the offers made said in ``told``. Making offers does not
    ask whether the unit has an account, so none was held back while it was disabled; but a row matched then says
    its unit 尚未在平台注册 (only active accounts count), which is no longer so, and its record may have been
    completed meanwhile without a step that matches it (a data fix): both are put right here, as at registration."""
    require_role(actor, Role.ADMIN, doing="停用或启用用户")
    user = _managed(session, actor, username)
    if not active and user.id == actor.id:
        _keeps_admins(session, actor, user, "停用", confirmed=True)  # the last admin is told so
        raise Conflict("不能停用自己的账号：请由另一位管理员操作")
    if not active:
        _keeps_admins(session, actor, user, "停用", confirmed=confirmed)
    if user.active == active:
        return user
    from huiqi.recognition import registered  # lists read this room: imported here, not at the top

    rows = registered.lock(session, user.uscc) if active and user.role == Role.ENTERPRISE else []
    before = _shown(user)
    user.active = active
    repository.end_sign_ins(session, user.id, browsers=active)  # disabled: the sessions stay, refused
    session.flush()
    audit.record(session, actor=actor.username, action="user.enable" if active else "user.disable", entity="user",
                 entity_id=user.id, before=before, after=_shown(user))
    registered.tell(told, registered.make(session, actor=actor, rows=rows, day=clock.today()), own=False)
    return user


def update(session: Session, *, actor: User, username: str, changes: UserUpdate,
           told: list[str] | None = None) -> User:
    """Apply a role/binding change and/or (dis)enable the account, each audited as its own event; the offers a
    binding brings are said in ``told``."""
    require_role(actor, Role.ADMIN, doing="变更用户")
    user = _existing(session, username)
    if changes.role is not None or {changes.uscc, changes.region, changes.department} != {None}:
        change_role(session, actor=actor, username=username, role=changes.role or user.role, uscc=changes.uscc,
                    region=changes.region, department=changes.department, seen=changes.seen,
                    confirmed=changes.confirm, told=told)
    if changes.active is not None:
        set_active(session, actor=actor, username=username, active=changes.active, confirmed=changes.confirm,
                   told=told)
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
                 after={"changed_by": "本人"} | _named(actor))
    return actor


def password_due(session: Session, user: User) -> str | None:
    """Why the user must set their own password first: "new" for an account an admin opened with a temporary
    password, "reset" for one whose password an admin reset; None when nothing is due."""
    if not user.must_change_password:
        return None
    return "reset" if repository.was_reset(session, user.id) else "new"


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
                 after={"must_change_password": True} | _named(user))
    return user


def _set_password(session: Session, user: User, new: str, *, must_change: bool) -> None:
    why = passwords.problem(new)
    if why is not None:
        raise InputError([("new_password", why)])
    user.password_hash, user.must_change_password = passwords.hash_password(new), must_change
    repository.end_sign_ins(session, user.id)
    session.flush()
