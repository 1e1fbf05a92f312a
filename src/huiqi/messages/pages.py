"""The message centre: the caller's messages, newest first, each linked to its record; mark read."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.errors import InputError
from huiqi.labels import Problem
from huiqi.messages import service, subscriptions
from huiqi.models import Subscription, User
from huiqi.validation import control_reason, kept
from huiqi.web.deps import Actor, CallerDep, Db, RecordId, SentForm
from huiqi.web.door import said_beside
from huiqi.web.excel import Table, download
from huiqi.web.render import page
from huiqi.web.steps import Refusal, form_step

router = APIRouter(include_in_schema=False)


@router.get("/messages", response_class=HTMLResponse)
def centre_page(request: Request, who: CallerDep, actor: Actor, session: Db) -> Response:
    return centre(request, who, actor, session)


def centre(request: Request, who: CallerDep, actor: User, session: Session, status_code: int = 200,
           problems: list | None = None, values: dict[str, str] | None = None) -> Response:
    """The message centre, again after a refused subscription with its ``problems`` and what was chosen (``values``):
    a helper, not the route, so that nothing of it is read from the address (``?status_code=`` set the answer's)."""
    enterprise = actor.role == "enterprise"
    measures = subscriptions.measure_names(session) if enterprise else {}
    return page(request, "messages/index.html", who, status_code=status_code,
                messages=service.inbox(session, actor=actor), subscriptions=subscriptions.mine(session, actor=actor),
                topics=subscriptions.TOPICS, measures=list(measures.items()),
                # what the caller's role may subscribe to: a measure, a place or an industry is an enterprise's
                offered={t: label for t, label in subscriptions.TOPICS.items()
                         if t in subscriptions.PUBLIC or (enterprise and (t != "measure" or measures))},
                unsubscribe_of=subscriptions.unsubscribe_of,
                regions=subscriptions.region_choices() if enterprise else {},
                industries=subscriptions.industry_choices() if enterprise else {},
                described=subscriptions.described, problems=problems or [], values=values or {})


@router.get("/messages.xlsx")
def centre_download(actor: Actor, session: Db) -> Response:
    """The caller's own messages as the centre lists them (newest first), to keep; downloading reads none."""
    rows = [["已读" if m.read_at else "未读", m.subject, m.created_at, m.body]
            for m in service.inbox(session, actor=actor)]
    table = Table(f"消息（{actor.display_name}）", ["状态", "标题", "时间", "内容"], rows, wide={"标题", "内容"},
                  sheet="消息")
    return download(table, f"消息-{clock.today().isoformat()}.xlsx")


# Each topic that takes a value, the form's field for it, and what the field is called on the form.
CHOSEN_IN = {"measure": ("measure", "措施"), "region": ("region", "地区"), "industry": ("industry", "行业")}


@router.post("/subscriptions", response_model=None)
def subscribe(request: Request, who: CallerDep, actor: Actor, session: Db,
              topic: Annotated[str, Form(max_length=20)] = "",
              measure: Annotated[str, Form(max_length=60)] = "",
              region: Annotated[str, Form(max_length=10)] = "",
              industry: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Subscribe to a topic; a measure, a city or an industry is chosen from its list (blank: the unit's own place or
    industry)."""
    sent = {"measure": measure, "region": region, "industry": industry}

    def act() -> None:
        field, label = CHOSEN_IN.get(topic, ("", ""))
        try:
            subscriptions.subscribe(session, actor=actor, topic=topic, value=(sent[field].strip() or None)
                                    if field else None)
        except InputError as error:  # the value is the choice of the topic's own list
            raise InputError([Problem(label, why, field) if f == "value" and field else (f, why)
                              for f, why in error.problems]) from None

    def again(refusal: Refusal) -> Response:
        return centre(request, who, actor, session, status_code=refusal.status_code,
                      problems=refusal.problems or [("", refusal.message)], values={"topic": topic, **sent})

    return form_step(session, act, done="/messages#subscriptions", again=again, said="已订阅，有新消息会在这里告诉您")


@router.get("/subscriptions", response_model=None)
def subscriptions_page(actor: Actor) -> Response:
    """The subscription form's address opened or reloaded (after a refusal): the form, where it is."""
    return RedirectResponse("/messages#subscriptions", status_code=303)


@router.post("/subscriptions/{subscription_id}/end", response_model=None)
def end(request: Request, who: CallerDep, actor: Actor, session: Db, subscription_id: RecordId) -> Response:
    return form_step(session, lambda: subscriptions.end(session, actor=actor, subscription_id=subscription_id),
                     done="/messages#subscriptions", again=lambda refusal: centre(request, who, actor, session),
                     said=lambda ended: "已取消订阅" if ended else "该订阅已取消")


@router.get("/subscribe", response_class=HTMLResponse)
def subscribe_page(request: Request, who: CallerDep) -> Response:
    topics = {t: subscriptions.TOPICS[t] for t in subscriptions.PUBLIC}
    return page(request, "messages/subscribe.html", who, topics=topics, problems=[], values={})


@router.post("/subscribe", response_model=None)
@said_beside("email")
def subscribe_email(request: Request, who: CallerDep, session: Db, sent: SentForm) -> Response:
    typed = str(sent.get("email") or "")
    email = kept(typed, 254)  # shown again without what cannot be kept (said beside the box)
    chosen = [str(t) for t in sent.getlist("topic")][:3]

    topics = {t: subscriptions.TOPICS[t] for t in subscriptions.PUBLIC}
    asked: list[str] = []

    def act() -> None:
        problems = subscriptions.email_problems(email, chosen)  # every mistake at once, each beside its field
        if (why := control_reason(typed)) is not None:
            problems = [("email", why), *(p for p in problems if p[0] != "email")]
        if problems:
            raise InputError(problems)
        try:
            subscriptions.subscribe_email(session, email=email, topics=chosen)
        except subscriptions.AlreadyAsked as already:  # sent again: no mistake, the mail is sent or on its way
            asked.append(already.message)

    def again(refusal: Refusal) -> Response:
        return page(request, "messages/subscribe.html", who, status_code=refusal.status_code, topics=topics,
                    problems=refusal.problems or [("", refusal.message)], values={"email": email, "topics": chosen})

    done = form_step(session, act, done="/subscribe", again=again,
                     said="确认邮件已安排发送：收到后请打开邮件中的链接完成订阅")
    if asked:  # said as information, the form as it was sent
        return page(request, "messages/subscribe.html", who, topics=topics, problems=[], told=asked[0],
                    values={"email": email, "topics": chosen})
    return done


# A mailed link's token, whatever was pasted: a broken one is said as such (链接无效或已失效), not as a field's length.
Token = Annotated[str, PathParam(max_length=200)]


@router.get("/subscriptions/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, who: CallerDep, session: Db, token: Token) -> Response:
    """The link the confirmation mail carries: a page with one button, so that a mail scanner or a link preview
    opening the link confirms nothing; one confirmed already says so."""
    found = subscriptions.by_link(session, token)
    if all(row.confirmed_at is not None for row in found):
        return _confirmed(request, who, found)
    return page(request, "messages/confirm.html", who, token=token,
                topics=[subscriptions.TOPICS[row.topic] for row in found], email=found[0].email)


@router.post("/subscriptions/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, who: CallerDep, session: Db, token: Token) -> Response:
    """Confirm the subscriptions the link names (the form carries its CSRF token); confirmed twice, they stand; ended
    or mistyped, the link is said broken."""
    found = subscriptions.confirm(session, token)
    session.commit()
    return _confirmed(request, who, found)


def _confirmed(request: Request, who: CallerDep, found: list[Subscription]) -> Response:
    """Confirmed: what, and a link to end each."""
    topics = [(row.token, subscriptions.TOPICS[row.topic]) for row in found]
    return page(request, "messages/subscribed.html", who, said=f"订阅已确认：{'、'.join(t for _, t in topics)}",
                ends=topics)


@router.get("/subscriptions/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_page(request: Request, who: CallerDep, session: Db, token: Token) -> Response:
    """The link every mail carries: a page with one button, so that a mail scanner opening the link ends nothing."""
    found = subscriptions.by_token(session, token)
    return page(request, "messages/unsubscribe.html", who, token=token, topic=subscriptions.TOPICS[found.topic],
                email=found.email)


@router.post("/subscriptions/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe(request: Request, who: CallerDep, session: Db, token: Token) -> Response:
    """End the subscription the link names (the form carries its CSRF token, as every form does); ended already,
    the link is said broken."""
    subscriptions.unsubscribe(session, token)
    session.commit()
    return page(request, "messages/subscribed.html", who, said="已取消订阅，今后不再发送", ends=[])


@router.post("/messages/read", response_model=None)
def read_all(request: Request, who: CallerDep, actor: Actor, session: Db) -> Response:
    return form_step(session, lambda: service.mark_read(session, actor=actor), done="/messages",
                     again=lambda refusal: centre(request, who, actor, session), said="全部消息已标为已读")


@router.get("/messages/{message_id}/open", response_model=None)
def open_one(actor: Actor, session: Db, message_id: RecordId) -> Response:
    """Follow a message's link: opening it is reading it (one's own message only; its link is a page of this site)."""
    link = service.open_message(session, actor=actor, message_id=message_id)
    session.commit()
    return RedirectResponse(link, status_code=303)


@router.post("/messages/{message_id}/read", response_model=None)
def read_one(request: Request, who: CallerDep, actor: Actor, session: Db, message_id: RecordId) -> Response:
    return form_step(session, lambda: service.mark_read(session, actor=actor, message_id=message_id),
                     done="/messages", again=lambda refusal: centre(request, who, actor, session),
                     said="已标为已读")
