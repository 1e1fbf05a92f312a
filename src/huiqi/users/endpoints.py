"""Users over HTTP: admins list, create and change accounts; everyone signed in reads their own."""

from typing import Annotated

from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from huiqi.models import User
from huiqi.recognition.registered import Told
from huiqi.users import service
from huiqi.users.roles import Role
from huiqi.users.schemas import PasswordChange, PasswordReset, UserChanged, UserCreate, UserRead, UserUpdate
from huiqi.validation import PlainText
from huiqi.web.deps import Actor, Db, UsersFilters, role_first, signed_in_first
from huiqi.web.pagination import Page, PagingDep

router = APIRouter(prefix="/users", tags=["用户"])
Username = Annotated[PlainText, Path(min_length=1, max_length=64, description="登录名")]


@router.get("", response_model=Page[UserRead], summary="用户列表（管理员、审计人员；可按关键词、角色、状态查找）")
def listed(actor: Actor, session: Db, paging: PagingDep, filters: UsersFilters) -> dict:
    users, total = service.listed(session, actor=actor, filters=filters, offset=paging.offset, limit=paging.size)
    return {"items": service.shown(session, users), "total": total, "page": paging.page, "size": paging.size}


@router.get("/me", response_model=UserRead, summary="本人的账号")
def me(actor: Actor, session: Db) -> UserRead:
    return service.shown(session, [actor])[0]


@router.post("", response_model=UserChanged, status_code=201, summary="创建用户（管理员）",
             dependencies=role_first(Role.ADMIN, doing="创建用户"))
def create(body: UserCreate, actor: Actor, session: Db) -> UserChanged:
    told = Told()
    user = service.create_user(session, actor=actor, told=told, **body.model_dump())
    session.commit()
    return _changed(session, user, told)


def _changed(session: Session, user: User, told: Told) -> UserChanged:
    """The account as shown, with the offers the step brought its unit."""
    department = service.shown(session, [user])[0].department
    return UserChanged.model_validate(user).model_copy(update={"department": department, "offers_made": told.offers})


@router.post("/me/password", response_model=UserRead, summary="修改本人密码（其他会话与令牌随即失效）",
             dependencies=signed_in_first())
def change_password(body: PasswordChange, actor: Actor, session: Db) -> UserRead:
    service.change_own_password(session, actor=actor, current=body.current_password, new=body.new_password)
    session.commit()
    return service.shown(session, [actor])[0]


@router.post("/{username}/password", response_model=UserRead, summary="重置他人密码（管理员；用户下次登录须修改）",
             dependencies=role_first(Role.ADMIN, doing="重置他人密码"))
def reset_password(username: Username, body: PasswordReset, actor: Actor, session: Db) -> UserRead:
    user = service.reset_password(session, actor=actor, username=username, new=body.new_password)
    session.commit()
    return service.shown(session, [user])[0]


@router.patch("/{username}", response_model=UserChanged, summary="变更角色与绑定，或停用/启用账号（管理员）",
              dependencies=role_first(Role.ADMIN, doing="变更用户"))
def change(username: Username, body: UserUpdate, actor: Actor, session: Db) -> UserChanged:
    told = Told()
    user = service.update(session, actor=actor, username=username, changes=body, told=told)
    session.commit()
    return _changed(session, user, told)
