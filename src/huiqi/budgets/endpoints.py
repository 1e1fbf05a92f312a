"""Budgets and approvals over HTTP (finance): each year's money per measure, committed, paid and left."""

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.approvals import service as approvals
from huiqi.budgets import service as budgets
from huiqi.budgets.schemas import ApprovalCreate, BudgetRead, BudgetSet, GrantRead
from huiqi.models import User
from huiqi.public.service import measure_titles
from huiqi.web.deps import Actor, Db
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(tags=["预算与批准"])
Year = Annotated[int, Path(ge=2000, le=2100, description="年度")]


def overview(session: Session, *, actor: User, year: int) -> list[BudgetRead]:
    """The year's budgets with what approvals committed, what was paid, and what is left."""
    found = budgets.budgets(session, actor=actor, year=year)
    paid = budgets.disbursed(session, actor=actor, budget_ids=[b.id for b in found])
    titles = measure_titles()
    return [BudgetRead(year=b.year, policy_id=b.policy_id, measure=b.measure,
                       title=titles.get((b.policy_id, b.measure), ""), amount=b.amount, committed=b.committed,
                       disbursed=paid.get(b.id, 0), left=b.amount - b.committed, set_by=b.set_by) for b in found]


@router.get("/budgets", response_model=Page[BudgetRead], summary="年度预算：金额、已批准、已拨付、余额（元）")
def listed(actor: Actor, session: Db, paging: PagingDep,
           year: Annotated[int | None, Query(ge=2000, le=2100, description="年度，默认今年")] = None) -> dict:
    return page_of(overview(session, actor=actor, year=year or clock.today().year), paging)


@router.put("/budgets/{year}/{policy_id}/{measure}", response_model=BudgetRead, summary="设定年度预算（财政）")
def set_budget(year: Year, policy_id: Annotated[str, Path(max_length=40, description="政策编号")],
               measure: Annotated[int, Path(ge=1, le=999, description="措施序号")], body: BudgetSet, actor: Actor,
               session: Db) -> BudgetRead:
    budgets.set_budget(session, actor=actor, year=year, policy_id=policy_id, measure=measure, amount=body.amount)
    session.commit()
    return next(b for b in overview(session, actor=actor, year=year)
                if b.policy_id == policy_id and b.measure == measure)


@router.post("/approvals", response_model=GrantRead, status_code=201, summary="批准（财政，公示期满后）")
def approve(body: ApprovalCreate, actor: Actor, session: Db) -> GrantRead:
    grant = approvals.approve(session, actor=actor, application_id=body.application_id, on=body.on)
    session.commit()
    return GrantRead.model_validate(grant)
