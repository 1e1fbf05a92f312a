"""The reviewers' and finance's pages: the queue of their scope, the review page, and its decision forms.

A decision form posts to ``/review/{id}/{step}``; the step's service checks role, scope and state. On
success the browser is sent back to the review page (303); on a refusal the page is shown again with
the message and what was typed.
"""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements import service as announcements
from huiqi.announcements.calendar import next_working_day
from huiqi.applications import service as applications
from huiqi.approvals import service as approvals
from huiqi.disbursements import service as disbursements
from huiqi.errors import HuiqiError, InputError, NotFound
from huiqi.materials.storage import MEDIA_TYPES
from huiqi.models import User
from huiqi.money import wan
from huiqi.review import reading
from huiqi.review import service as review
from huiqi.review.forms import day_of, yuan_of_wan
from huiqi.review.schemas import StateName
from huiqi.rules.facts import CHOICES, MONEY_FIELDS, label
from huiqi.rules.loader import vocabulary
from huiqi.users.scope import require_role
from huiqi.web.deps import Actor, CallerDep, Db, RecordId
from huiqi.web.excel import Table, download
from huiqi.web.render import page
from huiqi.workflow.states import STATES

router = APIRouter(include_in_schema=False)
@router.get("/review", response_class=HTMLResponse)
def queue_page(request: Request, who: CallerDep, actor: Actor, session: Db,
               state: Annotated[StateName | None, Query()] = None) -> HTMLResponse:
    found = reading.rows(session, reading.queue(session, actor=actor, state=state))
    return page(request, "review/queue.html", who, rows=found, state=state, states=STATES,
                read_only=actor.role in ("admin", "auditor"))


@router.get("/review.xlsx")
def queue_export(actor: Actor, session: Db, state: Annotated[StateName | None, Query()] = None) -> Response:
    found = reading.rows(session, reading.queue(session, actor=actor, state=state))
    header = ["编号", "申报单位", "统一社会信用代码", "措施", "状态", "所在市", "责任单位", "提交日期", "申请金额",
              "上限", "拟定金额", "评审得分"]
    table = Table("审核申报清单", header,
                  [[r.application.id, r.applicant, r.application.uscc, f"{r.application.measure}. {r.title}",
                    STATES.get(r.application.state), r.application.city, r.department, r.application.submitted_on,
                    r.application.amount_requested, r.application.ceiling, r.application.amount_proposed,
                    r.application.expert_score] for r in found],
                  money={"申请金额", "上限", "拟定金额"})
    return download(table, f"审核申报清单-{clock.today().isoformat()}.xlsx")


def fact_value(key: str, value: object) -> str:
    """A fact as people read it: 是/否, the Chinese name of a choice, lists joined."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "codes" and isinstance(value, list):
        names = vocabulary()
        return "、".join(names[c].label if c in names else str(c) for c in value)
    if isinstance(value, list):
        return "、".join(fact_value(key, v) for v in value)
    if isinstance(value, int) and key in MONEY_FIELDS:
        return f"{value:,}（{wan(value)} 万元）"
    return CHOICES.get(key, {}).get(value, str(value)) if isinstance(value, str) else str(value)


def _review(request: Request, who, actor: User, session: Session, application_id: int, status_code: int = 200,
            **context) -> HTMLResponse:
    today = clock.today()
    found = reading.dossier(session, actor=actor, application_id=application_id, today=today)
    defaults = {"starts_on": next_working_day(today).isoformat(), "on": today.isoformat(),
                "paid_on": today.isoformat()}
    values = defaults | context.pop("values", {})
    return page(request, "review/detail.html", who, status_code=status_code, d=found, values=values,
                actions={s.action for s in found.steps}, fact_label=label, fact_value=fact_value, **context)


@router.get("/review/{application_id}", response_class=HTMLResponse)
def review_page(request: Request, who: CallerDep, actor: Actor, session: Db,
                application_id: RecordId) -> HTMLResponse:
    return _review(request, who, actor, session, application_id)


@router.get("/review/{application_id}/materials/{material_id}")
def material(actor: Actor, session: Db, application_id: RecordId, material_id: RecordId) -> Response:
    require_role(actor, *reading.REVIEWERS, doing="审阅申报")
    chosen, content = applications.material(session, actor=actor, application_id=application_id,
                                            material_id=material_id)
    return Response(content, media_type=MEDIA_TYPES.get(chosen.media_type, "application/octet-stream"), headers={
        "Content-Disposition": f"inline; filename=\"material-{chosen.id}.{chosen.media_type}\""})


def _decide(session: Session, actor: User, application_id: int, step: str, form: dict[str, str]) -> None:
    """Take ``step`` through its service; the form's fields are read here, the rules there."""
    on = day_of(form.get("on"), "on", clock.today())
    if step == "pass_city":
        review.pass_city(session, actor=actor, application_id=application_id, on=on)
    elif step in ("return", "reject"):
        decide = review.return_for_correction if step == "return" else review.reject
        decide(session, actor=actor, application_id=application_id, reasons=form.get("reasons", ""), on=on)
    elif step == "score":
        text = form.get("score", "").strip()
        if not text.isdigit():
            raise InputError([("score", "评审得分应为 0–100 的整数")])
        review.record_score(session, actor=actor, application_id=application_id, score=int(text))
    elif step == "propose":
        review.propose(session, actor=actor, application_id=application_id, amount=yuan_of_wan(form.get("amount")),
                       on=on)
    elif step == "announce":
        days = form.get("working_days", "").strip()
        announcements.open_batch(session, actor=actor, application_ids=[application_id],
                                 starts_on=day_of(form.get("starts_on"), "starts_on"),
                                 working_days=int(days) if days.isdigit() and 0 < int(days) <= 60 else None,
                                 title=form.get("title", "").strip()[:200] or None)
    elif step == "object":
        announcements.object_to(session, actor=actor, application_id=application_id,
                                reasons=form.get("reasons", ""), on=on)
    elif step == "approve":
        approvals.approve(session, actor=actor, application_id=application_id, on=on)
    elif step == "disburse":
        disbursements.disburse(session, actor=actor, application_id=application_id,
                               paid_on=day_of(form.get("paid_on"), "paid_on"), reference=form.get("reference", ""))
    else:
        raise NotFound("没有这种审核操作")


STEPS = ("pass_city", "return", "reject", "score", "propose", "announce", "object", "approve", "disburse")


@router.post("/review/{application_id}/{step}", response_model=None)
async def decide(request: Request, who: CallerDep, actor: Actor, session: Db, application_id: RecordId,
                 step: str) -> HTMLResponse | RedirectResponse:
    reading.dossier(session, actor=actor, application_id=application_id)  # out of scope: 404, nothing shown
    if step not in STEPS:
        raise NotFound("没有这种审核操作")
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str) and k != "csrf_token"}
    try:
        with session.begin_nested():  # a refusal undoes only this step
            _decide(session, actor, application_id, step, form)
    except HuiqiError as error:
        problems = error.problems if isinstance(error, InputError) else []
        return _review(request, who, actor, session, application_id, status_code=error.status_code,
                       message=error.message, problems=problems, failed=step, values=form)
    session.commit()
    return RedirectResponse(f"/review/{application_id}", status_code=303)
