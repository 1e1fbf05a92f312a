"""The reviewers' and finance's pages: the queue of their scope, the review page, and its decision forms.

A decision form posts to ``/review/{id}/{step}``; the step is looked up in the workflow table and taken
by the step runner, which checks role, scope, state and date. On success the browser is sent back to
the review page (303, with a message); on a refusal the page is shown again with the message and what
was typed.
"""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.admin.awaiting import awaiting
from huiqi.announcements.calendar import next_working_day
from huiqi.announcements.service import ANNOUNCED
from huiqi.applications import service as applications
from huiqi.applications import views
from huiqi.applications.filters import Filters
from huiqi.catalogue import service as catalogue
from huiqi.errors import CalendarError, InputError, NotFound
from huiqi.funding import repository as funding
from huiqi.holidays.service import calendar_of
from huiqi.labels import Problem, industry_label, labelled, measure_label, place_label
from huiqi.materials.serving import attachment
from huiqi.models import Grant, User
from huiqi.money import wan
from huiqi.offers import service as offers
from huiqi.reference.divisions import place_name
from huiqi.review import reading
from huiqi.review.forms import FIGURES, TEXTS, inputs, listed_seen, seen_of, typed
from huiqi.review.schemas import StateQuery
from huiqi.rules.case import known_codes
from huiqi.rules.facts import CHOICES, MONEY_FIELDS, label
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import digits
from huiqi.web.deps import Actor, ApplicationFilters, CallerDep, CheckedFilters, Db, RecordId, SentForm
from huiqi.web.door import said_beside
from huiqi.web.excel import Table, download
from huiqi.web.pagination import PAGE_SIZE, PageNumber, Paging
from huiqi.web.render import page
from huiqi.web.steps import Refusal, flash, form_step
from huiqi.workflow.batch import MAX_BATCH, each
from huiqi.workflow.runner import MAX_REASONS, entitled, run
from huiqi.workflow.states import ACTIONS, STATES, STEPS, Action, State

router = APIRouter(include_in_schema=False)
# The steps a reviewer takes on the desk: every step of the workflow table but the enterprise's and the system's.
# The review desk's steps: a reviewer's, but not 二次确认, which belongs to the offer it confirms (/offers/pending).
DESK = {str(s.action): s.action for s in STEPS
        if set(s.roles) - {Role.ENTERPRISE, Role.SYSTEM} and s.action != Action.CONFIRM}


StateText = Annotated[str | None, Query(max_length=20)]


@router.get("/review", response_class=HTMLResponse)
def queue_page(request: Request, who: CallerDep, actor: Actor, session: Db, asked: CheckedFilters,
               state: StateText = None, number: PageNumber = 1) -> HTMLResponse:
    filters, state, wrong = _asked(asked, state)
    return _queue(request, who, actor, session, filters, state, number, 422 if wrong else 200, wrong=wrong)


def _asked(asked: tuple[Filters, list[tuple[str, str]]], state: str | None) -> tuple[Filters, str | None, list]:
    """The queue's filters and state as asked, and what is wrong with them, each by its label: the queue says so
    beside the filter (a select's blank first option, 待我处理, is no state)."""
    filters, problems = asked
    chosen = (state or "").strip() or None
    if chosen is not None and chosen not in STATES:
        problems, chosen = [*problems, ("状态", "请从列表中选择")], None
    return filters, chosen, [Problem(label, why, label) for label, why in problems]


def _queue(request: Request, who, actor: User, session: Session, filters: Filters, state: str | None, number: int,
           status_code: int = 200, **said: Any) -> HTMLResponse:
    # a wrong filter lists nothing: the page says which, beside it
    found = [] if said.get("wrong") else reading.queue(session, actor=actor, state=state, filters=filters)
    pager = Paging(page=number, size=PAGE_SIZE)

    def link(n: int) -> str:
        return "/review" + filters.query_string(state=state, page=str(n))

    return page(request, "review/queue.html", who, status_code, rows=reading.rows(session, pager.slice(found)),
                state=state, states=STATES, read_only=actor.role in (Role.ADMIN, Role.AUDITOR), filters=filters,
                total=len(found), pager=pager, link=link, batch_max=MAX_BATCH,
                ready=ANNOUNCED["已结束"] if actor.role == Role.FINANCE else None,
                proposing=actor.role == Role.DEPARTMENT, next_day=_first_day(session, clock.today()),
                awaiting=awaiting(session, actor=actor),
                **views.filter_choices(session), **said)


@router.post("/review/approvals", response_model=None)
def approve_many(request: Request, who: CallerDep, actor: Actor, session: Db, sent: SentForm,
                 filters: ApplicationFilters, state: StateQuery = None,
                 number: PageNumber = 1) -> Response:
    """Finance approves the chosen entries of 公示 that have ended, each as if alone, and as the queue showed it (its
    state and amount: one approved, objected to or corrected since is refused, 409). All approved: back to the queue
    as it was filtered and paged (303), saying how many and how much. Any refused: the queue is shown again (409) with
    what became of each, the refused rows still ticked."""
    try:
        entitled(actor, Action.APPROVE)  # who may not approve is refused whatever was ticked
        ids = chosen(sent.getlist("application_ids"))
        seen = listed_seen(sent, ids, State.ANNOUNCED)
        outcomes = each(session, Action.APPROVE, actor=actor, items={key: {"seen": seen.get(key)} for key in ids})
    except InputError as error:
        refusal = Refusal.of(error)
        return _queue(request, who, actor, session, filters, state, number, refusal.status_code, tried="批量批准",
                      message=refusal.message, problems=refusal.problems, ticked=_ticked(sent))
    refused = {str(o.application_id) for o in outcomes if not o.done}
    if refused:
        return _queue(request, who, actor, session, filters, state, number, 409, outcomes=outcomes, ticked=refused)
    response = RedirectResponse("/review" + filters.query_string(state=state, page=str(number)), status_code=303)
    flash(response, f"批量批准：已批准 {len(outcomes)} 项，共 {wan(sum(o.written.amount for o in outcomes))} 万元")
    return response


@router.post("/review/announcements", response_model=None)
@said_beside("title", "starts_on", "working_days")
def announce_many(request: Request, who: CallerDep, actor: Actor, session: Db, sent: SentForm,
                  filters: ApplicationFilters, state: StateQuery = None,
                  number: PageNumber = 1) -> Response:
    """The department opens one 公示 for the ticked applications whose amounts it proposed: all of them, or none
    (a 公示 is one published list); the queue is shown again with the reason when refused."""
    form = {k: v for k, v in sent.items() if isinstance(v, str) and k not in ("csrf_token", "application_ids")
            and not k.startswith("seen-")}

    def act() -> Any:
        entitled(actor, Action.ANNOUNCE)  # who may not open a 公示 is refused whatever the form holds
        ids = chosen(sent.getlist("application_ids"))
        if not ids:
            raise InputError([("application_ids", "请勾选要列入公示的申报（已拟定金额）")])
        return run(session, Action.ANNOUNCE, actor=actor, application_ids=ids,
                   seen=listed_seen(sent, ids, State.PROPOSED), **inputs(Action.ANNOUNCE, form)).written

    def again(refusal: Refusal) -> Response:
        return _queue(request, who, actor, session, filters, state, number, refusal.status_code, tried="列入公示",
                      message=refusal.message, problems=refusal.problems, announcing=typed(form),
                      ticked=_ticked(sent))

    return form_step(session, act, done=lambda batch: f"/announcements/manage#batch-{batch.id}", again=again,
                     said="已列入公示：所选申报在同一批公示中")


def _ticked(sent: Any) -> set[str]:
    """The rows ticked on a refused batch form, ticked again when the queue is shown with the reason."""
    return {v.strip() for v in sent.getlist("application_ids")[:MAX_BATCH + 1] if isinstance(v, str)}


def chosen(values: list[Any]) -> list[int]:
    """The application numbers ticked on a list: each a number, at most ``MAX_BATCH`` of them."""
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if len(texts) > MAX_BATCH:
        raise InputError([("application_ids", f"每批至多选择 {MAX_BATCH} 项")])
    if not all(digits(t) for t in texts):
        raise InputError([("application_ids", "申报编号应为数字")])
    if too_large := next((t for t in texts if len(t) > 10 or int(t) > 2_147_483_647), None):
        shown = too_large if len(too_large) <= 12 else too_large[:12] + "…"
        raise InputError([("application_ids", f"申报编号 {shown} 超出范围：没有这样编号的申报")])
    return [int(t) for t in texts]


@router.get("/review.xlsx")
def queue_export(request: Request, who: CallerDep, actor: Actor, session: Db, asked: CheckedFilters,
                 state: StateText = None) -> Response:
    """The queue as Excel; filters the queue would refuse answer with the queue, saying so beside them."""
    filters, state, wrong = _asked(asked, state)
    if wrong:
        return _queue(request, who, actor, session, filters, state, 1, 422, wrong=wrong)
    found = reading.rows(session, reading.queue(session, actor=actor, state=state, filters=filters))
    numbers = catalogue.numbers(session)
    header = ["编号", "申报单位", "统一社会信用代码", "政策", "措施", "状态", "所在市", "责任单位", "提交日期",
              "申请金额", "上限", "拟定金额", "评审得分", "批准金额", "批准日期"]
    granted = funding.grants_for_applications(session, [r.application.id for r in found])
    table = Table("审核申报清单", header,
                  [[r.application.id, r.applicant, r.application.uscc,
                    numbers.get(r.application.policy_id, r.application.policy_id),
                    measure_label(r.application.measure, r.title),
                    r.status, place_name(r.application.city) or "", r.department,
                    r.application.submitted_on,
                    r.application.amount_requested, r.application.ceiling, r.application.amount_proposed,
                    r.application.expert_score, *_granted(granted.get(r.application.id))] for r in found],
                  money={"申请金额", "上限", "拟定金额", "批准金额"})
    return download(table, f"审核申报清单-{clock.today().isoformat()}.xlsx")


def _granted(grant: Grant | None) -> tuple[int | None, date | None]:
    """A row's 批准金额 and 批准日期 (empty until approved): what finance matches the payments against."""
    return (grant.amount, grant.approved_on) if grant else (None, None)


def fact_value(key: str, value: object) -> str:
    """A fact as people read it: 是/否, the Chinese name of a choice, lists joined."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "codes" and isinstance(value, list):
        names = known_codes()
        return "、".join(names[c].label if c in names else str(c) for c in value)
    if isinstance(value, list):
        return "、".join(fact_value(key, v) for v in value)
    if key == "region" and isinstance(value, str):
        return place_label(value)
    if key == "industry" and isinstance(value, str):
        return industry_label(value)
    if isinstance(value, int) and key in MONEY_FIELDS:
        return f"{value:,}（{wan(value)} 万元）"
    return CHOICES.get(key, {}).get(value, str(value)) if isinstance(value, str) else str(value)


def _first_day(session: Session, today: date) -> date:
    """The day a 公示 opened today would start by default: the next working day (today, when the calendar does not
    reach it yet: the form then says which year to enter)."""
    try:
        return next_working_day(today, calendar_of(session))
    except CalendarError:
        return today


def _review(request: Request, who, actor: User, session: Session, application_id: int, status_code: int = 200,
            **context) -> HTMLResponse:
    today = clock.today()
    found = reading.dossier(session, actor=actor, application_id=application_id, today=today)
    basis = offers.basis(session, application_id)  # a 免申即享 application: confirmed from a list, not applied for
    defaults = {"starts_on": _first_day(session, today).isoformat(), "paid_on": today.isoformat()}
    values = defaults | context.pop("values", {})
    return page(request, "review/detail.html", who, status_code=status_code, d=found, values=values,
                actions={s.action for s in found.steps}, fact_label=label, fact_value=fact_value, today=today,
                timeline=found.timeline,
                progress=views.progress_of(session, found.application, direct=basis is not None), basis=basis,
                policy_number=_policy_number(session, found.application.policy_id),
                policy_name=lambda policy_id: _policy_number(session, policy_id), max_reasons=MAX_REASONS, **context)


def _policy_number(session: Session, policy_id: str) -> str:
    """A policy as people cite it, by its document number (its id when no version of it is published)."""
    return catalogue.numbers(session).get(policy_id, policy_id)


@router.get("/review/{application_id}", response_class=HTMLResponse)
def review_page(request: Request, who: CallerDep, actor: Actor, session: Db,
                application_id: RecordId) -> HTMLResponse:
    return _review(request, who, actor, session, application_id)


@router.get("/review/{application_id}/materials/{material_id}")
def material(actor: Actor, session: Db, application_id: RecordId, material_id: RecordId) -> Response:
    require_role(actor, *reading.REVIEWERS, doing="审阅申报")
    chosen, content = applications.material(session, actor=actor, application_id=application_id,
                                            material_id=material_id)
    return attachment(chosen, content)


@router.post("/review/{application_id}/verify-matter", response_model=None)
def verify_matter(request: Request, who: CallerDep, actor: Actor, session: Db, application_id: RecordId) -> Response:
    """The reviewer has checked the declared matter against its evidence: it is recorded as verified (who, when)."""
    def again(refusal: Refusal) -> Response:
        return _review(request, who, actor, session, application_id, status_code=refusal.status_code,
                       message=refusal.message, problems=refusal.problems)

    return form_step(session, lambda: applications.verify_matter(session, actor=actor, application_id=application_id),
                     done=f"/review/{application_id}#facts", again=again, said="已标记为已核实，并记录核实人和日期")


@router.post("/review/{application_id}/{step}", response_model=None)
@said_beside(*TEXTS, *FIGURES)
def decide(request: Request, who: CallerDep, actor: Actor, session: Db, application_id: RecordId,
           step: Annotated[str, PathParam(max_length=20)], sent: SentForm) -> Response:
    """Take a step of the workflow table from the review desk: the table names it, the runner takes it."""
    reading.dossier(session, actor=actor, application_id=application_id)  # out of scope: 404, nothing shown
    action = DESK.get(step)
    if action is None:
        raise NotFound("没有这种审核操作")
    form = {k: v for k, v in sent.items() if isinstance(v, str) and k != "csrf_token"}

    def act() -> None:
        entitled(actor, action)  # who may not take the step is told so before the form is read
        run(session, action, actor=actor, application_id=application_id, application_ids=[application_id],
            seen=seen_of(form), **inputs(action, form))

    def again(refusal: Refusal) -> Response:
        named = REASONS.get(step)  # the reasons box is called as the form calls it
        problems = labelled(refusal.problems, own={"reasons": named} if named else None)
        return _review(request, who, actor, session, application_id, status_code=refusal.status_code,
                       message=refusal.message, problems=problems, failed=step, values=typed(form))

    return form_step(session, act, done=f"/review/{application_id}", again=again, said=f"已办理：{ACTIONS[action]}")


REASONS = {"object": "异议内容", "return": "须补正的内容"}  # the label of each desk form's reasons box
