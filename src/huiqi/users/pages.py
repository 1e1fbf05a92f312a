"""The admin's user pages: the list with roles and bindings (found by a word, a role, a status; a page at a time),
create a user, change a role, disable, export what the list shows. Auditors read the list and its export only."""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from huiqi import clock
from huiqi.departments import repository as departments
from huiqi.errors import InputError
from huiqi.labels import labelled
from huiqi.models import User
from huiqi.reference.divisions import cities
from huiqi.users import passwords, service
from huiqi.users.filters import MOST_TEXT, STATUSES, UserFilters
from huiqi.users.roles import Role
from huiqi.users.schemas import UserRead, UserUpdate
from huiqi.users.scope import ROLE_LABELS, require_role
from huiqi.validation import PlainText, field_path, kept, problems, unkept
from huiqi.web.deps import SESSION_COOKIE, Actor, CallerDep, Db, UsersFilters
from huiqi.web.door import said_beside
from huiqi.web.excel import Table, download
from huiqi.web.pagination import PAGE_SIZE, PageNumber, Paging
from huiqi.web.render import page
from huiqi.web.steps import Refusal, form_step

router = APIRouter(include_in_schema=False)
ROLES = {k: v for k, v in ROLE_LABELS.items() if k != "system"}
Username = Annotated[PlainText, Path(min_length=1, max_length=64)]
Text = Annotated[PlainText, Form(max_length=200)]
# What a form's service or handler checks against its own bounds (显示名称 100, 密码 200), and for a character no
# record keeps (a NUL), so that such a text comes back beside its field with the rest of the form, not as the generic
# error page: no bound here, and the door leaves these fields to their handler (``said_beside``).
Typed = Annotated[str, Form()]
SHOWN = 200  # what a refused form shows again of a text typed (its passwords are never shown again)


def _here(filters: UserFilters, number: int) -> str:
    """The list's query string as it stands, carried by its forms so that the admin comes back to it."""
    return filters.query_string(page=str(number) if number > 1 else None)


def _listing(request: Request, who: CallerDep, session: Db, actor, filters: UserFilters, number: int,
             status_code: int = 200, **context) -> Response:
    require_role(actor, Role.ADMIN, Role.AUDITOR, doing="查看用户列表")  # auditors read it, without its forms
    manage = actor.role != Role.AUDITOR
    pager = Paging(page=number, size=PAGE_SIZE)
    users, total = service.listed(session, actor=actor, filters=filters, offset=pager.offset, limit=pager.size)

    def link(n: int) -> str:
        return "/admin/users" + _here(filters, n)

    seen = {u.username: service.password_seen(u) for u in users} if manage else {}
    return page(request, "users/index.html", who, status_code=status_code, accounts=service.shown(session, users),
                seen_passwords=seen,
                total=total, pager=pager, link=link, filters=filters, here=_here(filters, number), statuses=STATUSES,
                most_text=MOST_TEXT, roles=ROLES, cities=cities(),
                departments=[d.name for d in departments.departments_on(session, clock.today())],
                values=context.pop("values", {}), problems=context.pop("problems", []), manage=manage,
                typed=context.pop("typed", None), confirming=context.pop("confirming", None),
                **context | {"open_form": context.get("open_form") if manage else None})


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, who: CallerDep, actor: Actor, session: Db, filters: UsersFilters,
               number: PageNumber = 1, edit: Annotated[PlainText | None, Query(max_length=64)] = None) -> Response:
    """The list, as narrowed, a page at a time; ``?edit=name`` opens that row's change form (what the HTMX link
    fetches, without script)."""
    return _listing(request, who, session, actor, filters, number, open_form=edit)


@router.get("/admin/users/{username}/edit", response_class=HTMLResponse)
def change_form(request: Request, who: CallerDep, actor: Actor, session: Db, username: Username,
                filters: UsersFilters, number: PageNumber = 1) -> Response:
    """One row's role and binding form, fetched in place (it posts back with the list's filters and page)."""
    found = service.shown(session, [service.account(session, actor=actor, username=username)])[0]
    return page(request, "users/_change.html", who, u=found, roles=ROLES, cities=cities(), here=_here(filters, number),
                departments=[d.name for d in departments.departments_on(session, clock.today())])


@router.post("/admin/users", response_model=None)
@said_beside("username", "display_name", "password", "uscc")
def create(request: Request, who: CallerDep, actor: Actor, session: Db, filters: UsersFilters, number: PageNumber = 1,
           username: Typed = "", display_name: Typed = "", role: Text = "", password: Typed = "", uscc: Typed = "",
           region: Text = "", department: Text = "") -> Response:
    values = {"username": kept(username, SHOWN), "display_name": kept(display_name, SHOWN), "role": role,
              "uscc": kept(uscc, SHOWN), "region": region, "department": department}
    binding = {"uscc": uscc, "region": region, "department": department}
    told: list[str] = []  # the offers the lists naming a new enterprise account's unit now bring it

    def act() -> None:
        service.create_user(session, actor=actor, username=username.strip(), display_name=display_name.strip(),
                            role=role, password=password, told=told,
                            **{k: v.strip() or None for k, v in binding.items()})

    def again(refusal: Refusal) -> Response:
        return _listing(request, who, session, actor, filters, number, status_code=refusal.status_code,
                        values=values, problems=refusal.shown)

    # the list found by the new name: among thousands, the new account is where the admin sees it
    done = f"/admin/users{UserFilters(username.strip()).query_string()}#user-{username.strip()}"
    return form_step(session, act, done=done, again=again,
                     said=lambda _: "；".join([f"用户 {username.strip()} 已创建", *told]))


@router.post("/admin/users/{username}", response_model=None)
def change(request: Request, who: CallerDep, actor: Actor, session: Db, username: Username, filters: UsersFilters,
           number: PageNumber = 1, role: Text = "", uscc: Text = "", region: Text = "", department: Text = "",
           active: Text = "", seen: Text = "", confirm: Text = "") -> Response:
    """One form per row: a new role with its binding (and the role and binding it was shown with, ``seen``), or the
    disable/enable button (``active``); the admin comes back to the list as it was (its filters and page). Refused,
    the row's form comes back as typed, each problem beside its field; a step that would leave one active admin
    comes back as a confirm step saying so, which sends the same again with ``confirm=yes``."""
    data = {"role": role or None, "uscc": uscc.strip() or None, "region": region or None,
            "department": department or None, "active": {"1": True, "0": False}.get(active), "seen": seen or None,
            "confirm": confirm == "yes"}
    asked: list[str] = []
    told: list[str] = []  # the offers the lists naming the unit a credit code is bound to now bring it

    def act() -> None:
        require_role(actor, Role.ADMIN, doing="变更用户")  # the scope refuses before the input is read
        if active not in ("", "1", "0"):  # "false" was read as no change, and the page said 已保存
            raise InputError([("active", "只能是 1（启用）或 0（停用）")])
        try:
            changes = UserUpdate.model_validate(data)
        except ValidationError as exc:
            raise InputError([(field_path(loc), why) for loc, why in problems(exc)]) from None
        try:
            service.update(session, actor=actor, username=username, changes=changes, told=told)
        except service.OneAdminLeft as question:
            asked.append(question.message)
            raise

    def again(refusal: Refusal) -> Response:
        sent = {"role": role, "uscc": uscc, "region": region, "department": department, "active": active,
                "seen": seen}
        confirming = {"message": asked[0], "fields": {k: v for k, v in sent.items() if v}} if asked else None
        typed = sent if not active else None  # the row's form as typed (the disable button types nothing)
        return _listing(request, who, session, actor, filters, number, status_code=refusal.status_code,
                        problems=[] if asked else refusal.shown, editing=username, typed=typed,
                        confirming=confirming, open_form=None if active else username)

    said = {True: "已启用", False: "已停用"}.get(data["active"], "已保存")  # the row's button, or its form
    return form_step(session, act, done=f"/admin/users{_here(filters, number)}#user-{username}", again=again,
                     said=lambda _: "；".join([f"用户 {username} {said}", *told]))


@router.post("/admin/users/{username}/password", response_model=None)
@said_beside("new_password")
def reset_password(request: Request, who: CallerDep, actor: Actor, session: Db, username: Username,
                   filters: UsersFilters, number: PageNumber = 1,
                   new_password: Typed = "", seen: Annotated[str, Form(max_length=64)] = "") -> Response:
    """An admin sets a temporary password; the user changes it at the next sign-in. One too long is the service's
    to refuse, beside the row's field, the list kept as it was."""

    def again(refusal: Refusal) -> Response:  # the password named as the row's field is: 临时密码
        return _listing(request, who, session, actor, filters, number, status_code=refusal.status_code,
                        problems=labelled(refusal.shown, own={"new_password": "临时密码"}), editing=username)

    return form_step(session, lambda: service.reset_password(session, actor=actor, username=username,
                                                             new=new_password, seen=seen or None),
                     done=f"/admin/users{_here(filters, number)}#user-{username}", again=again, said=_reset_said)


def _reset_said(user: User) -> str:
    """What a password reset says: when the user may use it, a disabled account's once enabled again."""
    if not user.active:
        return (f"已为 {user.username} 设定临时密码；该账号已停用，重新启用后才能用此密码登录（登录后须先修改密码）")
    return f"已为 {user.username} 设定临时密码；该用户下次登录须先修改密码"


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, who: CallerDep, actor: Actor, session: Db) -> HTMLResponse:
    return page(request, "account/password.html", who, must=service.password_due(session, actor), problems=[])


@router.post("/account/password", response_model=None)
@said_beside("current_password", "new_password", "confirm_password")
def change_password(request: Request, who: CallerDep, actor: Actor, session: Db,
                    current_password: Typed = "", new_password: Typed = "", confirm_password: Typed = "") -> Response:
    """The user's own new password, typed twice (a typo would lock them out); every session ends, so they sign in
    again with it. A field past its bound is said beside it, nothing changed."""

    def act() -> None:
        typed = {"current_password": current_password, "new_password": new_password,
                 "confirm_password": confirm_password}
        wrong = {field: why for field, text in typed.items() if (why := unkept(text, passwords.MAX_LENGTH))}
        long = list(wrong)  # past the bound, or with a NUL: said beside the box, nothing else said of it
        problems = list(wrong.items())
        if not current_password:
            problems.append(("current_password", "请填写当前密码"))
        if new_password != confirm_password and not {"new_password", "confirm_password"} & set(long):
            problems.append(("confirm_password", "两次输入的新密码不一致"))
        if problems:
            raise InputError(problems)
        service.change_own_password(session, actor=actor, current=current_password, new=new_password)

    def again(refusal: Refusal) -> Response:
        return page(request, "account/password.html", who, status_code=refusal.status_code,
                    must=service.password_due(session, actor), problems=refusal.shown)

    answer = form_step(session, act, done="/login", again=again, said="密码已修改，请用新密码登录")
    if answer.status_code == 303:
        answer.delete_cookie(SESSION_COOKIE, path="/")
    return answer


@router.get("/admin/users.xlsx")
def export(actor: Actor, session: Db, filters: UsersFilters) -> Response:
    """Every account the list's filters name (all its pages)."""
    users, _ = service.listed(session, actor=actor, filters=filters)
    return download(users_table(service.shown(session, users), filters), "用户列表.xlsx")


def users_table(accounts: list[UserRead], filters: UserFilters | None = None) -> Table:
    """The accounts as a sheet: role in Chinese, binding, state (never a password hash); the title says how the
    list was narrowed."""
    names = cities()
    rows = [(u.username, u.display_name, ROLE_LABELS.get(u.role, u.role), u.uscc, names.get(u.region, u.region),
             u.department, "启用" if u.active else "停用", u.created_at) for u in accounts]
    header = ("登录名", "显示名称", "角色", "统一社会信用代码", "所在市", "责任单位", "状态", "创建时间")
    which = [] if filters is None else [f"关键词“{filters.text}”" if filters.text else "",
                                        ROLE_LABELS.get(filters.role or "", ""), STATUSES.get(filters.status or "", "")]
    narrowed = "、".join(w for w in which if w)
    return Table(f"用户列表（{narrowed}）" if narrowed else "用户列表", header, rows)
