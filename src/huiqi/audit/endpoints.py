"""The audit trail over HTTP, for the auditor and the admin: verify the chain, read the events."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import StringConstraints

from huiqi.audit import service
from huiqi.audit.replay import COVERED
from huiqi.audit.schemas import EventRead, VerificationRead
from huiqi.validation import Day, PlainText
from huiqi.web.deps import Actor, Db
from huiqi.web.pagination import Page, PagingDep

router = APIRouter(prefix="/audit", tags=["审计"])
Entity = Annotated[PlainText | None, Query(max_length=40, description="记录类别，如 application、user、budget")]
EntityId = Annotated[PlainText | None, Query(max_length=64, description="记录编号（与类别一起用）")]
Person = Annotated[PlainText | None, Query(
    max_length=64, description="操作人：登录名或姓名的一部分（不分大小写，全角字母和数字按半角读）；“系统”或 system "
                               "为系统自动的步骤")]
Since = Annotated[Day | None, Query(description="起始日期（YYYY-MM-DD，北京时间，含当日）：按记录时间筛选")]
Until = Annotated[Day | None, Query(description="截止日期（YYYY-MM-DD，北京时间，含当日）：不得早于起始日期")]


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


@router.get("/events", response_model=Page[EventRead], summary="审计记录（最新在前），可按记录、操作人和记录日期筛选",
            description="与审计链页面的筛选相同：`entity`、`entity_id` 按记录，`who` 按操作人，`since`、`until` 按记录"
                        "时间（北京时间的日期，两端都含）。类别不认识、日期格式不对或截止日期早于起始日期时答 422，"
                        "逐项指明字段。")
def events(actor: Actor, session: Db, paging: PagingDep, entity: Entity = None, entity_id: EntityId = None,
           who: Person = None, since: Since = None, until: Until = None) -> dict:
    rows, total = service.recent(session, actor=actor, entity=entity, entity_id=entity_id, who=who, since=since,
                                 until=until, offset=(paging.page - 1) * paging.size, limit=paging.size)
    return {"items": rows, "total": total, "page": paging.page, "size": paging.size}
