"""好差评 pages: the enterprise rates a finished application and asks for a re-check; departments answer their
rectifications and admins conclude re-checks; everyone sees the aggregated rates."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.models import Rating
from huiqi.public.service import measure_titles
from huiqi.ratings import service
from huiqi.users.names import namer
from huiqi.users.roles import Role
from huiqi.validation import FIGURE_SHOWN, control_reason, digits, kept
from huiqi.web.deps import Actor, CallerDep, Db, RecordId, role_first
from huiqi.web.door import said_beside
from huiqi.web.excel import Table, download
from huiqi.web.render import page
from huiqi.web.steps import Refusal, form_step

router = APIRouter(include_in_schema=False)


def _back(request: Request, who: CallerDep, session: Db, actor, application_id: int, typed: dict[str, str]):
    """The application's page again with the refusal, and what was typed kept in its form."""
    from huiqi.applications.pages import _detail

    def again(refusal: Refusal) -> Response:
        return _detail(request, who, session, actor, application_id, status_code=refusal.status_code,
                       problems=refusal.shown, typed=typed)
    return again


@router.post("/applications/{application_id}/rating", response_model=None,
             dependencies=role_first(Role.ENTERPRISE, doing="评价服务"))
@said_beside("comment", "level")
def rate(request: Request, who: CallerDep, actor: Actor, session: Db, application_id: RecordId,
         level: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "") -> Response:
    # no bound here nor at the door: a comment too long, or a box with a NUL (a level forged too), is said beside it
    def act():
        if not digits(level) or len(level) > 1:
            raise InputError([("评价", control_reason(level) or "请选择一个评价等级")])
        return service.rate(session, actor=actor, application_id=application_id, level=int(level), comment=comment)

    return form_step(session, act, done=f"/applications/{application_id}#rating",
                     again=_back(request, who, session, actor, application_id,
                                 {"level": kept(level, FIGURE_SHOWN), "comment": kept(comment, service.COMMENT_MOST)}),
                     said="感谢您的评价")


@router.post("/ratings/{rating_id}/recheck", response_model=None,
             dependencies=role_first(Role.ENTERPRISE, doing="申请复核"))
@said_beside("reason")
def recheck(request: Request, who: CallerDep, actor: Actor, session: Db, rating_id: RecordId,
            reason: Annotated[str, Form()] = "") -> Response:
    rated = session.get(Rating, rating_id)
    application_id = rated.application_id if rated is not None and rated.uscc == actor.uscc else 0
    return form_step(session, lambda: service.ask_recheck(session, actor=actor, rating_id=rating_id, reason=reason),
                     done=f"/applications/{application_id}#rating",
                     again=_back(request, who, session, actor, application_id,
                                 {"reason": kept(reason, service.COMMENT_MOST)}),
                     said="已申请复核，管理员将作出结论")


def _rectifications(request: Request, who: CallerDep, session: Db, actor, status_code: int = 200,
                    **context) -> Response:
    rows = service.rectifications(session, actor=actor)
    notes = {r.id: service.due_note(session, r) for r in rows if r.answered_at is None}  # how a deadline was counted
    return page(request, "ratings/rectifications.html", who, status_code=status_code, levels=service.LEVELS,
                rows=rows, notes=notes,
                units={r.id: service.unit_name(session, r) for r in rows},
                titles=measure_titles(session), person=namer(session),
                problems=context.pop("problems", []), **context)


@router.get("/ratings/rectifications", response_class=HTMLResponse)
def rectifications(request: Request, who: CallerDep, actor: Actor, session: Db) -> Response:
    return _rectifications(request, who, session, actor)


@router.get("/ratings/rectifications.xlsx")
def rectifications_xlsx(actor: Actor, session: Db) -> Response:
    titles, numbers = measure_titles(session), catalogue.numbers(session)
    rows = [[r.id, r.application_id, r.uscc, numbers.get(r.policy_id, r.policy_id),
             f"措施{r.measure} {titles.get((r.policy_id, r.measure), '')}".strip(),
             service.LEVELS[r.level], r.comment or "", r.due_on, r.answer or "", r.recheck_reason or "",
             r.recheck_result or "", service.unit_name(session, r)]
            for r in service.rectifications(session, actor=actor)]
    return download(Table("差评整改", ["编号", "申报", "统一社会信用代码", "政策", "措施", "评价", "意见", "整改期限",
                                    "答复", "复核申请", "复核结论", "答复单位"], rows), "差评整改.xlsx")


# An answer's or a conclusion's own bound: past it, or with a character no record keeps, the service says so beside
# the box, the text kept to it (the door leaves the box to it: ``said_beside``).
ANSWER_MOST = 1000


@router.post("/ratings/{rating_id}/answer", response_model=None)
@said_beside("text")
def answer(request: Request, who: CallerDep, actor: Actor, session: Db, rating_id: RecordId,
           text: Annotated[str, Form()] = "") -> Response:
    def again(refusal: Refusal) -> Response:
        return _rectifications(request, who, session, actor, status_code=refusal.status_code,
                               problems=refusal.shown, failed=rating_id, typed=kept(text, ANSWER_MOST))

    return form_step(session, lambda: service.answer(session, actor=actor, rating_id=rating_id, text=text),
                     done="/ratings/rectifications", again=again, said="整改情况已答复，企业可以看到")


@router.post("/ratings/{rating_id}/conclude", response_model=None)
@said_beside("result")
def conclude(request: Request, who: CallerDep, actor: Actor, session: Db, rating_id: RecordId,
             result: Annotated[str, Form()] = "") -> Response:
    def again(refusal: Refusal) -> Response:
        return _rectifications(request, who, session, actor, status_code=refusal.status_code,
                               problems=refusal.shown, failed=rating_id, typed=kept(result, ANSWER_MOST))

    return form_step(session, lambda: service.conclude(session, actor=actor, rating_id=rating_id, result=result),
                     done="/ratings/rectifications", again=again, said="复核结论已记录")


@router.get("/ratings.xlsx")
def public_rates_xlsx(session: Db) -> Response:
    """The public rates as a workbook: by department, then by measure (a row per group)."""
    rows = [[grouping, r.key, *(r.counts.get(level, 0) for level in service.LEVELS), r.total,
             r.satisfied, r.rectifications, r.overdue]
            for grouping, by in (("责任单位", "department"), ("措施", "measure"))
            for r in service.rates(session, by=by)]
    header = ["分组", "责任单位或措施", *service.LEVELS.values(), "合计", "好评率", "差评整改", "逾期未答复"]
    return download(Table("好差评", header, rows, shares={"好评率"}), f"好差评-{clock.today().isoformat()}.xlsx")


@router.get("/ratings", response_class=HTMLResponse)
def public_rates(request: Request, who: CallerDep, session: Db) -> Response:
    return page(request, "ratings/public.html", who, levels=service.LEVELS,
                by_department=service.rates(session, by="department"), by_measure=service.rates(session, by="measure"))
