"""Messages over HTTP: the caller's own, read and marked read."""


from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from huiqi.messages import service
from huiqi.validation import UtcDateTime
from huiqi.web.deps import Actor, Db, RecordId
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(prefix="/messages", tags=["消息"])


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    subject: str
    body: str
    link: str | None
    created_at: UtcDateTime
    read_at: UtcDateTime | None


class Marked(BaseModel):
    marked: int


@router.get("", response_model=Page[MessageRead], summary="我的消息（最新在前）")
def inbox(actor: Actor, session: Db, paging: PagingDep, unread: bool = False) -> dict:
    return page_of([MessageRead.model_validate(m) for m in service.inbox(session, actor=actor, unread_only=unread)],
                   paging)


@router.post("/read", response_model=Marked, summary="全部标为已读")
def read_all(actor: Actor, session: Db) -> Marked:
    marked = service.mark_read(session, actor=actor)
    session.commit()
    return Marked(marked=marked)


@router.post("/{message_id}/read", response_model=Marked, summary="一条消息标为已读")
def read_one(message_id: RecordId, actor: Actor, session: Db) -> Marked:
    marked = service.mark_read(session, actor=actor, message_id=message_id)
    session.commit()
    return Marked(marked=marked)


