"""Reviews over HTTP: the caller's queue, one application's dossier, and the decisions on it.

Each decision is a workflow step (``workflow.runner.run``), which locks the application and checks role,
scope, state and date; a refusal is a 403, 404 or 409 with a message in Chinese. A role the step is never taken by
is refused before the body is read (``step_first``).
"""

from fastapi import APIRouter

from huiqi.review import reading
from huiqi.review.schemas import DecisionIn, ProposeIn, ReasonsIn, ReviewDetail, ReviewItem, ScoreIn, StateQuery
from huiqi.web.deps import Actor, ApplicationFilters, Db, RecordId, step_first
from huiqi.web.pagination import Page, PagingDep
from huiqi.workflow.runner import run
from huiqi.workflow.states import Action

router = APIRouter(prefix="/reviews", tags=["审核"])

def _item(session, application) -> ReviewItem:
    return ReviewItem.of(reading.rows(session, [application])[0])


@router.get("", response_model=Page[ReviewItem], summary="我的审核队列（本角色待办、本范围内）")
def queue(actor: Actor, session: Db, paging: PagingDep, filters: ApplicationFilters,
          state: StateQuery = None) -> dict:
    found = reading.queue(session, actor=actor, state=state, filters=filters)
    shown = [ReviewItem.of(r) for r in reading.rows(session, paging.slice(found))]
    return {"items": shown, "total": len(found), "page": paging.page, "size": paging.size}


@router.get("/{application_id}", response_model=ReviewDetail, summary="审阅申报：规则轨迹、从高不重复、材料、时间线")
def detail(application_id: RecordId, actor: Actor, session: Db) -> ReviewDetail:
    return ReviewDetail.of_dossier(reading.dossier(session, actor=actor, application_id=application_id))


def _step(session, actor, application_id: int, action: Action, body: DecisionIn | None, **params) -> ReviewItem:
    done = run(session, action, actor=actor, application_id=application_id, seen=body.seen() if body else None,
               **params)
    session.commit()
    return _item(session, done.application)


@router.post("/{application_id}/pass", response_model=ReviewItem, summary="市级初审通过",
             dependencies=step_first(Action.PASS_CITY))
def pass_city(application_id: RecordId, actor: Actor, session: Db, body: DecisionIn | None = None) -> ReviewItem:
    return _step(session, actor, application_id, Action.PASS_CITY, body)


@router.post("/{application_id}/return", response_model=ReviewItem, summary="退回补正（须写明理由）",
             description="免申即享的申报（责任单位依据名单确认，企业无需填报）不退回补正（409）：经核查不予支持的，作出不予支持。",
             dependencies=step_first(Action.RETURN))
def return_for_correction(application_id: RecordId, body: ReasonsIn, actor: Actor, session: Db) -> ReviewItem:
    return _step(session, actor, application_id, Action.RETURN, body, reasons=body.reasons)


@router.post("/{application_id}/reject", response_model=ReviewItem, summary="不予支持（须写明理由）",
             dependencies=step_first(Action.REJECT))
def reject(application_id: RecordId, body: ReasonsIn, actor: Actor, session: Db) -> ReviewItem:
    return _step(session, actor, application_id, Action.REJECT, body, reasons=body.reasons)


@router.post("/{application_id}/score", response_model=ReviewItem, summary="录入评审得分（责任单位）",
             dependencies=step_first(Action.SCORE))
def score(application_id: RecordId, body: ScoreIn, actor: Actor, session: Db) -> ReviewItem:
    return _step(session, actor, application_id, Action.SCORE, body, score=body.score)


@router.post("/{application_id}/propose", response_model=ReviewItem, summary="拟定支持金额（元，责任单位）",
             dependencies=step_first(Action.PROPOSE))
def propose(application_id: RecordId, body: ProposeIn, actor: Actor, session: Db) -> ReviewItem:
    return _step(session, actor, application_id, Action.PROPOSE, body, amount=body.amount)


@router.post("/{application_id}/amend", response_model=ReviewItem, summary="更正拟定金额（元，责任单位，公示前）",
             dependencies=step_first(Action.AMEND))
def amend(application_id: RecordId, body: ProposeIn, actor: Actor, session: Db) -> ReviewItem:
    return _step(session, actor, application_id, Action.AMEND, body, amount=body.amount)
