"""Offers over HTTP: an enterprise reads its offers and accepts one (申请即享)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from huiqi.applications import views
from huiqi.applications.schemas import ApplicationDetail
from huiqi.offers import service
from huiqi.validation import PlainText, StrictInput
from huiqi.web.deps import Actor, Db, RecordId
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(prefix="/offers", tags=["政策直达"])


class OfferRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    uscc: str
    round_id: int
    policy_id: str
    measure: int
    ceiling: int | None = Field(description="可获支持上限（元）")
    state: str = Field(description="open 待接受；accepted 已接受；withdrawn 已撤回")
    reason: str | None
    application_id: int | None


@router.get("", response_model=Page[OfferRead], summary="本单位的政策直达")
def mine(actor: Actor, session: Db, paging: PagingDep) -> dict:
    return page_of([OfferRead.model_validate(o) for o in service.mine(session, actor=actor)], paging)


class SetAsideIn(StrictInput):
    reason: PlainText = Field(min_length=1, max_length=500, description="不予确认的理由")


class OfferStatsRead(BaseModel):
    key: str = Field(description="分组：措施、城市或责任单位")
    made: int
    accepted: int = Field(description="企业已接受（申请即享）")
    confirmed: int = Field(description="责任单位已确认（免申即享）")
    set_aside: int
    withdrawn: int
    paid: int
    paid_amount: int = Field(description="已拨付金额（元）")
    mean_days: int | None = Field(description="从认定日期到拨付的平均天数")


@router.get("/statistics", response_model=Page[OfferStatsRead], summary="政策直达统计：产生、接受、确认、拨付与用时")
def statistics(actor: Actor, session: Db, paging: PagingDep,
               by: Annotated[Literal["measure", "city", "department"], Query(description="分组")] = "measure") -> dict:
    rows = service.statistics(session, actor=actor, by=by)
    return page_of([OfferStatsRead(key=r.key, made=r.made, accepted=r.accepted, confirmed=r.confirmed,
                                   set_aside=r.set_aside, withdrawn=r.withdrawn, paid=r.paid,
                                   paid_amount=r.paid_amount, mean_days=r.mean_days) for r in rows], paging)


@router.get("/pending", response_model=Page[OfferRead], summary="待本单位二次确认的免申即享事项")
def pending(actor: Actor, session: Db, paging: PagingDep) -> dict:
    return page_of([OfferRead.model_validate(o) for o in service.pending(session, actor=actor)], paging)


@router.post("/{offer_id}/confirm", response_model=ApplicationDetail, status_code=201,
             summary="二次确认（免申即享）：生成申报并转入责任单位审核")
def confirm(offer_id: RecordId, actor: Actor, session: Db) -> ApplicationDetail:
    app = service.confirm(session, actor=actor, offer_id=offer_id)
    session.commit()
    return views.detail(session, app, actor)


@router.post("/{offer_id}/set-aside", response_model=OfferRead, summary="不予确认（免申即享），写明理由")
def set_aside(offer_id: RecordId, body: SetAsideIn, actor: Actor, session: Db) -> OfferRead:
    offer = service.set_aside(session, actor=actor, offer_id=offer_id, reason=body.reason)
    session.commit()
    return OfferRead.model_validate(offer)


class PayeeIn(StrictInput):
    bank: PlainText = Field(min_length=1, max_length=100, description="开户银行")
    account: PlainText = Field(min_length=8, max_length=40, description="银行账号（8 至 32 位数字）")
    seen: str | None = Field(None, pattern=r"^[0-9]{0,4}$", description="确认前看到的已确认账号末四位（尚未确认为空"
                             "字符串）：两处同时确认时，后到的一方得到 409，而不是悄悄覆盖前者；不填则不核对")


@router.post("/payee/{application_id}", response_model=ApplicationDetail,
             summary="确认收款账户（免申即享的申报，企业在拨付前确认）")
def confirm_payee(application_id: RecordId, body: PayeeIn, actor: Actor, session: Db) -> ApplicationDetail:
    app = service.confirm_payee(session, actor=actor, application_id=application_id, bank=body.bank,
                                account=body.account, seen=body.seen)
    session.commit()
    return views.detail(session, app, actor)


@router.post("/{offer_id}/accept", response_model=ApplicationDetail, status_code=201,
             summary="接受政策直达（申请即享）：生成申报草稿，金额为上限")
def accept(offer_id: RecordId, actor: Actor, session: Db) -> ApplicationDetail:
    draft = service.accept(session, actor=actor, offer_id=offer_id)
    session.commit()
    return views.detail(session, draft, actor)
