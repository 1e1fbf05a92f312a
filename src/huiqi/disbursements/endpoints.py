"""Disbursement over HTTP (finance): record a payment of an approved award; list the payments."""

from fastapi import APIRouter

from huiqi.budgets.schemas import DisbursementCreate, DisbursementRead
from huiqi.disbursements import service as disbursements
from huiqi.web.deps import Actor, Db
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(prefix="/disbursements", tags=["拨付"])


@router.post("", response_model=DisbursementRead, status_code=201, summary="登记拨付（财政）")
def disburse(body: DisbursementCreate, actor: Actor, session: Db) -> DisbursementRead:
    paid = disbursements.disburse(session, actor=actor, application_id=body.application_id, paid_on=body.paid_on,
                                  reference=body.reference)
    session.commit()
    return DisbursementRead.model_validate(paid)


@router.get("", response_model=Page[DisbursementRead], summary="拨付记录")
def listed(actor: Actor, session: Db, paging: PagingDep) -> dict:
    return page_of([DisbursementRead.model_validate(d) for d in disbursements.listed(session, actor=actor)], paging)
