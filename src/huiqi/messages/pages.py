"""The message centre: the caller's messages, newest first, each linked to its record; mark read."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from huiqi.messages import service
from huiqi.web.deps import Actor, CallerDep, Db, RecordId
from huiqi.web.render import page
from huiqi.web.steps import form_step

router = APIRouter(include_in_schema=False)


@router.get("/messages", response_class=HTMLResponse)
def centre(request: Request, who: CallerDep, actor: Actor, session: Db) -> Response:
    return page(request, "messages/index.html", who, messages=service.inbox(session, actor=actor))


@router.post("/messages/read", response_model=None)
def read_all(request: Request, who: CallerDep, actor: Actor, session: Db) -> Response:
    return form_step(session, lambda: service.mark_read(session, actor=actor), done="/messages",
                     again=lambda refusal: centre(request, who, actor, session), said="全部消息已标为已读")


@router.post("/messages/{message_id}/read", response_model=None)
def read_one(request: Request, who: CallerDep, actor: Actor, session: Db, message_id: RecordId) -> Response:
    return form_step(session, lambda: service.mark_read(session, actor=actor, message_id=message_id),
                     done="/messages", again=lambda refusal: centre(request, who, actor, session),
                     said="已标为已读")
