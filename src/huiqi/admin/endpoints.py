"""The policy catalogue over HTTP for the admin (the public policy and measures are at /policies)."""

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import Field

from huiqi.admin import service
from huiqi.admin.schemas import PolicyFileRead
from huiqi.catalogue import MAX_BYTES
from huiqi.catalogue import service as catalogue
from huiqi.users.roles import Role
from huiqi.validation import PlainText, StrictInput
from huiqi.web.deps import Actor, Db, role_first
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(prefix="/admin", tags=["政策目录"])
VersionId = Annotated[int, Path(ge=1, le=2_147_483_647, description="政策版本编号")]


class DraftIn(StrictInput):
    file_name: PlainText = Field(min_length=1, max_length=200, description="文件名，如 ln-2026-1.yaml")
    text: str = Field(min_length=1, max_length=MAX_BYTES,
                      description="政策文件全文（YAML），UTF-8 编码不超过 1 MB（超过则答 422）")


class TextIn(StrictInput):
    text: str = Field(min_length=1, max_length=MAX_BYTES,
                      description="政策文件全文（YAML），UTF-8 编码不超过 1 MB（超过则答 422）")


class PublishIn(StrictInput):
    in_force: int | None = Field(None, ge=0, le=2_147_483_647, description="发布前看到的该政策现行版本编号（没有现行"
                                 "版本时为 0）；给出时，其间现行版本有变则答 409；省略时按当前的现行版本发布")


class WithdrawIn(StrictInput):
    reason: PlainText = Field(min_length=1, max_length=500, description="撤回理由")


@router.get("/policies", response_model=Page[PolicyFileRead], summary="政策目录：各版本的状态、校验、参数与责任单位")
def policies(actor: Actor, session: Db, paging: PagingDep) -> dict:
    return page_of(service.policy_files(session, actor=actor), paging)


@router.post("/policies", response_model=PolicyFileRead, status_code=201,
             summary="起草政策版本：上传政策文件（逐行校验，错误指出行号）",
             dependencies=role_first(Role.ADMIN, doing="起草政策版本"))
def draft(body: DraftIn, actor: Actor, session: Db) -> PolicyFileRead:
    row = catalogue.add(session, actor=actor, text=body.text, file_name=body.file_name)
    session.commit()
    return service.version(row)


@router.put("/policies/{version_id}", response_model=PolicyFileRead, summary="修改政策草稿（已发布的版本不可修改）",
            dependencies=role_first(Role.ADMIN, doing="修改政策草稿"))
def edit(version_id: VersionId, body: TextIn, actor: Actor, session: Db) -> PolicyFileRead:
    row = catalogue.edit(session, actor=actor, version_id=version_id, text=body.text)
    session.commit()
    return service.version(row)


@router.post("/policies/{version_id}/publish", response_model=PolicyFileRead,
             summary="发布政策版本（草稿，或恢复已被取代的版本）：须由起草人以外的管理员发布；先运行文件自带的测试情形",
             dependencies=role_first(Role.ADMIN, doing="发布政策"))
def publish(version_id: VersionId, actor: Actor, session: Db, body: PublishIn | None = None) -> PolicyFileRead:
    row = catalogue.publish(session, actor=actor, version_id=version_id, seen=body.in_force if body else None)
    session.commit()
    return service.version(row)


@router.post("/policies/{version_id}/withdraw", response_model=PolicyFileRead, summary="撤回政策版本（须写明理由）",
             dependencies=role_first(Role.ADMIN, doing="撤回政策"))
def withdraw(version_id: VersionId, body: WithdrawIn, actor: Actor, session: Db) -> PolicyFileRead:
    row = catalogue.withdraw(session, actor=actor, version_id=version_id, reason=body.reason)
    session.commit()
    return service.version(row)
