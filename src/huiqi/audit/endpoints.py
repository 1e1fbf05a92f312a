"""The audit trail over HTTP, for the auditor and the admin: verify the chain, read the events."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import StringConstraints

from huiqi.audit import service
from huiqi.audit.replay import COVERED
from huiqi.audit.schemas import EventRead, VerificationRead
from huiqi.validation import PlainText
from huiqi.web.deps import Actor, Db
from huiqi.web.pagination import Page, PagingDep

router = APIRouter(prefix="/audit", tags=["审计"])
Entity = Annotated[PlainText | None, Query(max_length=40, description="记录类别，如 application、user、budget")]
EntityId = Annotated[PlainText | None, Query(max_length=64, description="记录编号（与类别一起用）")]


Anchor = Annotated[list[Annotated[PlainText, StringConstraints(max_length=service.ANCHOR_MOST)]] | None,
                   Query(max_length=20, description="库外保存的锚点（序号:哈希，即此前校验所给的 head），可给多个："
                                                    "核对链上该条记录的哈希仍与之相同")]


@router.get("/verify", response_model=VerificationRead,
            summary="校验审计链，并按审计记录核对业务表：完好，或哪里断开、哪里不符",
            description="`problems`：审计链本身的问题（记录被改动或删除，与给出的锚点 `anchor` 不符）；`differences`："
                        f"{'、'.join(COVERED)}与审计记录所载不符之处（逐项指明记录与字段）。两者皆空时 `intact` 为 "
                        "true。`head`：当前链头，请在库外保存；`anchors`：给出的锚点中与链上记录相符的。")
def verify(actor: Actor, session: Db, anchor: Anchor = None) -> VerificationRead:
    return VerificationRead.of(service.check(session, actor=actor, anchors=anchor or []))


@router.get("/events", response_model=Page[EventRead], summary="审计记录（最新在前），可按记录筛选")
def events(actor: Actor, session: Db, paging: PagingDep, entity: Entity = None, entity_id: EntityId = None) -> dict:
    rows, total = service.recent(session, actor=actor, entity=entity, entity_id=entity_id,
                                 offset=(paging.page - 1) * paging.size, limit=paging.size)
    return {"items": rows, "total": total, "page": paging.page, "size": paging.size}
