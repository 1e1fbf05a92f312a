"""The audit trail over HTTP, for the auditor and the admin: verify the chain, read the events."""

from typing import Annotated

from fastapi import APIRouter, Query

from huiqi.audit import service
from huiqi.audit.schemas import EventRead, VerificationRead
from huiqi.validation import PlainText
from huiqi.web.deps import Actor, Db
from huiqi.web.pagination import Page, PagingDep

router = APIRouter(prefix="/audit", tags=["审计"])
Entity = Annotated[PlainText | None, Query(max_length=40, description="记录类别，如 application、user、budget")]
EntityId = Annotated[PlainText | None, Query(max_length=64, description="记录编号（与类别一起用）")]


@router.get("/verify", response_model=VerificationRead,
            summary="校验审计链，并按审计记录核对业务表：完好，或哪里断开、哪里不符",
            description="`problems`：审计链本身的问题（记录被改动或删除）；`differences`：申报、批准、拨付、预算"
                        "与审计记录所载不符之处（逐项指明记录与字段）。两者皆空时 `intact` 为 true。")
def verify(actor: Actor, session: Db) -> VerificationRead:
    return VerificationRead.of(service.check(session, actor=actor))


@router.get("/events", response_model=Page[EventRead], summary="审计记录（最新在前），可按记录筛选")
def events(actor: Actor, session: Db, paging: PagingDep, entity: Entity = None, entity_id: EntityId = None) -> dict:
    rows, total = service.recent(session, actor=actor, entity=entity, entity_id=entity_id,
                                 offset=(paging.page - 1) * paging.size, limit=paging.size)
    return {"items": rows, "total": total, "page": paging.page, "size": paging.size}
