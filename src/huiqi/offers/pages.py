"""An enterprise accepts an offer from its page (申请即享): the draft opens, ready for materials; or declines it, or
states support already received for its matter elsewhere (差额补足). The lead department confirms 免申即享."""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements import service as announcements
from huiqi.applicants import repository as applicants
from huiqi.catalogue import service as catalogue
from huiqi.labels import matter_label, measure_label
from huiqi.models import Application, User
from huiqi.money import MAX_YUAN
from huiqi.offers import replies, service
from huiqi.public.service import measure_titles
from huiqi.rounds import service as rounds
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import FIGURE_SHOWN, kept
from huiqi.web.deps import Actor, CallerDep, Db, RecordId
from huiqi.web.door import said_beside
from huiqi.web.excel import Table, download, download_workbook, workbook
from huiqi.web.render import page
from huiqi.web.steps import Refusal, form_step, shown_back

router = APIRouter(include_in_schema=False)


def _rows(session: Session, actor: User) -> list[dict]:
    """The offers awaiting the actor's confirmation, each with its unit's name and its recognition."""
    codes, rows = catalogue.codes(session), []
    for o in service.pending(session, actor=actor):
        matter = next((m for m in applicants.matters(session, o.applicant_id) if m.id == o.matter_id), None)
        profile = applicants.current_profile(session, o.applicant_id)
        label = codes[matter.codes[0]].label if matter and matter.codes and matter.codes[0] in codes else ""
        rows.append({"offer": o, "name": profile.name if profile else o.uscc, "matter": label,
                     "on": matter.date if matter else None,  # the recognition as its confirmation names it
                     "described": matter_label(matter.codes, matter.facts.get("level"), matter.date) if matter
                     else "事项"})
    return rows


def _pending(request: Request, who: CallerDep, session: Db, actor, status_code: int = 200, **context) -> Response:
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, doing="查看待确认的免申即享")  # auditors: the API and Excel
    rows = _rows(session, actor)
    return page(request, "offers/pending.html", who, status_code=status_code, rows=rows,
                decides=actor.role == Role.DEPARTMENT,  # an admin sees the list, the lead department decides
                titles=measure_titles(session), problems=context.pop("problems", []), **context)


def _direct(session: Session) -> tuple[list, list, set[int]]:
    """What the public 免申即享 page shows: the measures delivered without an application in open rounds (each with
    its round), the 公示 batches that list applications confirmed that way, and those applications."""
    shown = [rounds.read(session, r) for r in rounds.open_now(session)]
    measures = [(r, m) for r in shown for m in r.measures if m.mode == "direct"]
    confirmed = set(service.confirmed_applications(session))
    batches = [b for b in announcements.public_listing(session)
               if any(e.application_id in confirmed for e in b.entries)]
    return measures, batches, confirmed


@router.get("/direct", response_class=HTMLResponse)
def direct_page(request: Request, who: CallerDep, session: Db) -> Response:
    """The public 免申即享 page: the measures delivered without an application in open rounds, and the 公示 batches
    that list applications confirmed that way."""
    measures, batches, confirmed = _direct(session)
    return page(request, "offers/direct.html", who, measures=measures, batches=batches, confirmed=confirmed,
                today=clock.today())  # each line's status, as the 公示 page says it (a rejected one 不予支持)


@router.get("/direct.xlsx")
def direct_download(session: Db) -> Response:
    """The public 免申即享 page as Excel (public, no sign-in): its measures on one sheet, the lines of its 公示 (only
    the applications confirmed without one, as the page lists them) on another."""
    measures, batches, confirmed = _direct(session)
    titles, numbers, today = measure_titles(session), catalogue.numbers(session), clock.today()

    def measure(policy_id: str, number: int) -> str:
        return measure_label(number, titles.get((policy_id, number)))

    offered = Table("正在以免申即享兑现的措施", ["政策", "措施", "申报批次", "截止日期", "本批次计划安排"],
                    [[r.policy_number, measure(r.policy_id, m.measure), r.title, r.closes_on, m.budget]
                     for r, m in measures], money={"本批次计划安排"}, wide={"措施", "申报批次"}, sheet="免申即享的措施")
    header = ["公示标题", "发布单位", "开始日期", "截止日期", "单位", "统一社会信用代码", "政策", "措施", "拟支持金额",
              "状态"]
    lines = [[b.title, b.department, b.starts_on, b.ends_on, e.applicant, e.uscc,
              numbers.get(e.policy_id, e.policy_id), measure(e.policy_id, e.measure), e.amount_proposed,
              b.status_of(e, today)]
             for b in batches for e in b.entries if e.application_id in confirmed]
    listed = Table("免申即享的公示", header, lines, money={"拟支持金额"}, wide={"公示标题", "单位"})
    return download_workbook(workbook(offered, listed), f"免申即享-{clock.today().isoformat()}.xlsx")


@router.get("/offers/pending.xlsx")
def pending_download(actor: Actor, session: Db) -> Response:
    """The offers awaiting confirmation, to check against the published list (departments, admins, auditors)."""
    titles, numbers = measure_titles(session), catalogue.numbers(session)
    rows = [[r["offer"].id, r["name"], r["offer"].uscc, r["matter"], r["on"],
             numbers.get(r["offer"].policy_id, r["offer"].policy_id),
             measure_label(r["offer"].measure, titles.get((r["offer"].policy_id, r["offer"].measure))),
             r["offer"].ceiling] for r in _rows(session, actor)]
    table = Table("待确认的免申即享", ["编号", "单位", "统一社会信用代码", "认定", "认定日期", "政策", "措施",
                                  "可获支持上限"], rows, money={"可获支持上限"})
    return download(table, f"免申即享待确认-{clock.today().isoformat()}.xlsx")


@router.get("/offers/pending", response_class=HTMLResponse)
def pending_page(request: Request, who: CallerDep, actor: Actor, session: Db) -> Response:
    return _pending(request, who, session, actor)


@router.post("/offers/{offer_id}/confirm", response_model=None)
@said_beside("seen_ceiling")
def confirm(request: Request, who: CallerDep, actor: Actor, session: Db, offer_id: RecordId,
            seen_ceiling: Annotated[str | None, Form()] = None) -> Response:
    # seen_ceiling: the ceiling the row showed (元), so that one its enterprise changed meanwhile is not confirmed;
    # one no page wrote (a word, a NUL, past any figure) is refused on the page, nothing confirmed
    def again(refusal: Refusal) -> Response:
        return _pending(request, who, session, actor, status_code=refusal.status_code,
                        problems=refusal.shown)

    def act() -> Application:
        seen = shown_back("seen_ceiling", seen_ceiling, 0, MAX_YUAN, "未确认")
        return service.confirm(session, actor=actor, offer_id=offer_id, seen_ceiling=seen)

    return form_step(session, act,
                     done="/offers/pending", again=again, said="已确认，已转入责任单位审核（拟定金额后列入公示）")


@router.post("/offers/{offer_id}/set-aside", response_model=None)
@said_beside("reason")
def set_aside(request: Request, who: CallerDep, actor: Actor, session: Db, offer_id: RecordId,
              reason: Annotated[str, Form()] = "") -> Response:
    # No bound of the form's own, nor the door's (the body's limit holds it): a reason too long, or with a character
    # no record keeps, is the service's to refuse, beside the field, and the row keeps it, cut to its bound; a bound
    # here would answer with the error page and the reason lost.
    def again(refusal: Refusal) -> Response:
        return _pending(request, who, session, actor, status_code=refusal.status_code,
                        problems=refusal.shown, failed=offer_id, reason=kept(reason, service.SET_ASIDE_MOST))

    return form_step(session, lambda: service.set_aside(session, actor=actor, offer_id=offer_id, reason=reason),
                     done="/offers/pending", again=again, said="已不予确认，理由已告知企业")


@router.post("/offers/{offer_id}/accept", response_model=None)
def accept(request: Request, who: CallerDep, actor: Actor, session: Db, offer_id: RecordId) -> Response:
    def again(refusal: Refusal) -> Response:
        return page(request, "error.html", who, status_code=refusal.status_code, status=refusal.status_code,
                    message=refusal.message)

    return form_step(session, lambda: service.accept(session, actor=actor, offer_id=offer_id),
                     done=lambda draft: f"/applications/{draft.id}", again=again,
                     said="已生成申报草稿（金额为可获支持上限）；请上传批次要求的材料、作出承诺后提交")


def _again_on_me(request: Request, who: CallerDep, session: Db, actor: User, offer_id: int,
                 **typed: str) -> Callable[[Refusal], Response]:
    """The enterprise's page again, the offer's form as it was sent (``what`` names it) and the refusal beside it."""
    def again(refusal: Refusal) -> Response:
        from huiqi.applicants.pages import _me  # 本单位 lists the offers; it reads this room, so imported here

        return _me(request, who, session, actor, status_code=refusal.status_code, offer_problems=refusal.shown,
                   offer_failed=offer_id, offer_typed=typed)
    return again


@router.post("/offers/{offer_id}/decline", response_model=None)
@said_beside("reason")
def decline(request: Request, who: CallerDep, actor: Actor, session: Db, offer_id: RecordId,
            reason: Annotated[str, Form()] = "") -> Response:
    # No bound of the form's own, nor the door's (the body's limit holds it): the service refuses a reason too long,
    # or with a NUL, beside the field, counting a line break (CRLF, as a form sends it) as one character; kept.
    return form_step(session, lambda: replies.decline(session, actor=actor, offer_id=offer_id, reason=reason),
                     done="/me#offers", again=_again_on_me(request, who, session, actor, offer_id, what="decline",
                                                           reason=kept(reason, replies.REASON_MOST)),
                     said=lambda done: done.said)


@router.post("/offers/{offer_id}/other-support", response_model=None)
@said_beside("other_support")
def other_support(request: Request, who: CallerDep, actor: Actor, session: Db, offer_id: RecordId,
                  other_support: Annotated[str, Form()] = "",
                  seen: Annotated[str | None, Form(max_length=14, pattern=r"^(-|[0-9]{1,13})$")] = None) -> Response:
    def act() -> replies.Recomputed:
        return replies.record_other_support(session, actor=actor, offer_id=offer_id,
                                            amount=replies.typed_wan(other_support),
                                            seen=None if seen is None else seen.strip("-"))

    return form_step(session, act, done="/me#offers",
                     again=_again_on_me(request, who, session, actor, offer_id, what="other_support",
                                        other_support=kept(other_support, FIGURE_SHOWN)),
                     said=lambda done: done.said)
