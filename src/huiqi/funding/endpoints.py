"""Funding over HTTP (finance): each year's budgets per measure, approvals and payments.

Approval and payment are workflow steps: they go through the step runner like every other step.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.errors import HuiqiError, tell_after
from huiqi.funding import payouts
from huiqi.funding import service as funding
from huiqi.funding.schemas import (
    ApprovalBatch,
    ApprovalCreate,
    BatchItem,
    BatchRead,
    BudgetRead,
    BudgetSet,
    DisbursementCreate,
    DisbursementRead,
    DueRead,
    GrantRead,
    PaymentBatch,
)
from huiqi.models import User
from huiqi.public.service import measure_titles
from huiqi.users.roles import Role
from huiqi.web.deps import Actor, Db, role_first, step_first
from huiqi.web.pagination import Page, PagingDep, page_of
from huiqi.workflow.batch import MAX_PAYMENTS, Outcome, each
from huiqi.workflow.runner import run
from huiqi.workflow.states import Action

router = APIRouter(tags=["预算、批准与拨付"])
Year = Annotated[int, Path(ge=2000, le=2100, description="年度")]


def overview(session: Session, *, actor: User, year: int) -> list[BudgetRead]:
    """The year's budgets with what approvals committed, what was paid, and what is left, each flagged when it runs
    low (``funding.low``), as the budgets page, its workbook and the API all say it."""
    found = funding.budgets(session, actor=actor, year=year)
    paid = funding.disbursed(session, actor=actor, budget_ids=[b.id for b in found])
    waiting = funding.awaiting(session, actor=actor, year=year) if found else {}
    titles = measure_titles(session)
    read = []
    for b in found:
        low = funding.low(b.amount, b.committed, waiting.get((b.policy_id, b.measure), 0))
        read.append(BudgetRead(year=b.year, policy_id=b.policy_id, measure=b.measure,
                               title=titles.get((b.policy_id, b.measure), ""), amount=b.amount, committed=b.committed,
                               disbursed=paid.get(b.id, 0), left=b.amount - b.committed, set_by=b.set_by,
                               low=bool(low), low_reason=low or None))
    return read


@router.get("/budgets", response_model=Page[BudgetRead],
            summary="年度预算：金额、已批准、已拨付、余额（元），余额偏低的标记和原因")
def listed(actor: Actor, session: Db, paging: PagingDep,
           year: Annotated[int | None, Query(ge=2000, le=2100, description="年度，默认今年")] = None) -> dict[str, Any]:
    return page_of(overview(session, actor=actor, year=year or clock.today().year), paging)


@router.put("/budgets/{year}/{policy_id}/{measure}", response_model=BudgetRead, summary="设定年度预算（财政）",
            dependencies=role_first(Role.FINANCE, doing="设定预算"))
def set_budget(year: Year, policy_id: Annotated[str, Path(max_length=40, description="政策编号")],
               measure: Annotated[int, Path(ge=1, le=999, description="措施序号")], body: BudgetSet, actor: Actor,
               session: Db) -> BudgetRead:
    funding.set_budget(session, actor=actor, year=year, policy_id=policy_id, measure=measure, amount=body.amount,
                       seen=body.seen)
    session.commit()
    return next(b for b in overview(session, actor=actor, year=year)
                if b.policy_id == policy_id and b.measure == measure)


@router.post("/approvals", response_model=GrantRead, status_code=201,
             summary="批准（财政，公示期满后；从今天所在年度的预算中支出）", dependencies=step_first(Action.APPROVE))
def approve(body: ApprovalCreate, actor: Actor, session: Db) -> GrantRead:
    done = run(session, Action.APPROVE, actor=actor, application_id=body.application_id, seen=body.seen())
    session.commit()
    return GrantRead.model_validate(done.written)


@router.post("/approvals/batch", response_model=BatchRead,
             summary="批量批准（财政）：逐项办理，每项如同单独批准；未批准的逐项说明原因",
             dependencies=step_first(Action.APPROVE))
def approve_many(body: ApprovalBatch, actor: Actor, session: Db) -> BatchRead:
    seen = {item.application_id: item.seen() for item in body.seen}
    return batch_read(each(session, Action.APPROVE, actor=actor,
                           items={key: {"seen": seen.get(key)} for key in body.application_ids}))


def batch_read(outcomes: list[Outcome]) -> BatchRead:
    items = [BatchItem(application_id=o.application_id, done=o.done, status=o.status, detail=o.detail,
                       amount=o.written.amount if o.done else None) for o in outcomes]
    return BatchRead(done=sum(i.done for i in items), refused=sum(not i.done for i in items),
                     amount=sum(i.amount or 0 for i in items), items=items)


@router.post("/disbursements", response_model=DisbursementRead, status_code=201, summary="登记拨付（财政）",
             dependencies=step_first(Action.DISBURSE))
def disburse(body: DisbursementCreate, actor: Actor, session: Db) -> DisbursementRead:
    try:
        with session.begin_nested():
            done = run(session, Action.DISBURSE, actor=actor, application_id=body.application_id,
                       paid_on=body.paid_on, reference=body.reference, seen=body.seen())
    except HuiqiError as refused:
        tell_after(session, refused)  # the step undone, an enterprise whose account is awaited is told
        raise
    session.commit()
    return DisbursementRead.model_validate(done.written)


@router.post("/disbursements/batch", response_model=BatchRead,
             summary="批量登记拨付（财政）：逐项办理，每项如同单独登记；未登记的逐项说明原因",
             dependencies=step_first(Action.DISBURSE))
def disburse_many(body: PaymentBatch, actor: Actor, session: Db) -> BatchRead:
    items = {i.application_id: {"paid_on": i.paid_on, "reference": i.reference, "seen": i.seen()} for i in body.items}
    return batch_read(each(session, Action.DISBURSE, actor=actor, items=items, most=MAX_PAYMENTS))


@router.get("/disbursements/pending", response_model=Page[DueRead], summary="待拨付清单：已批准、尚未拨付的申报")
def pending(actor: Actor, session: Db, paging: PagingDep) -> dict[str, Any]:
    return page_of([DueRead(application_id=d.application.id, applicant=d.applicant, uscc=d.application.uscc,
                            policy_id=d.application.policy_id, measure=d.application.measure, title=d.title,
                            amount=d.amount, approved_on=d.approved_on, payee_missing=d.payee_missing,
                            payee_bank=d.application.payee_bank or "",
                            payee_account=payouts.payee_account(d.application, actor))
                    for d in payouts.due(session, actor=actor)], paging)


@router.get("/disbursements", response_model=Page[DisbursementRead], summary="拨付记录")
def payments(actor: Actor, session: Db, paging: PagingDep) -> dict[str, Any]:
    found = funding.payments(session, actor=actor, offset=paging.offset, limit=paging.size)
    items = [DisbursementRead.model_validate(d).model_copy(update={"applicant": name, "uscc": a.uscc,
                                                                   "policy_id": a.policy_id, "measure": a.measure})
             for d, a, name in found]
    total, _ = funding.payments_total(session, actor=actor)
    return {"items": items, "total": total, "page": paging.page, "size": paging.size}
