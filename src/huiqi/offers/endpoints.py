"""Offers over HTTP: an enterprise reads its offers, accepts one (申请即享) or declines it (放弃), and states support
already received for its matter under another provincial policy (差额补足)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from huiqi.applications import payee, views
from huiqi.applications.schemas import ApplicationDetail, PayeeIn
from huiqi.offers import replies, service
from huiqi.users.roles import Role
from huiqi.validation import PlainText, StrictInput
from huiqi.web.deps import Actor, Db, RecordId, role_first
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
    state: str = Field(description="open 待接受；accepted 已接受；confirmed 已由责任单位确认；set_aside 不予确认；"
                                   "withdrawn 已撤回；declined 已放弃")
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
    declined: int = Field(description="企业已放弃")
    paid: int
    paid_amount: int = Field(description="已拨付金额（元）")
    mean_days: int | None = Field(description="从认定日期到拨付的平均天数")


@router.get("/statistics", response_model=Page[OfferStatsRead], summary="政策直达统计：产生、接受、确认、拨付与用时")
def statistics(actor: Actor, session: Db, paging: PagingDep,
               by: Annotated[Literal["measure", "city", "department"], Query(description="分组")] = "measure") -> dict:
    rows = service.statistics(session, actor=actor, by=by)
    return page_of([OfferStatsRead(key=r.key, made=r.made, accepted=r.accepted, confirmed=r.confirmed,
                                   set_aside=r.set_aside, withdrawn=r.withdrawn, declined=r.declined, paid=r.paid,
                                   paid_amount=r.paid_amount, mean_days=r.mean_days) for r in rows], paging)


@router.get("/pending", response_model=Page[OfferRead], summary="待本单位二次确认的免申即享事项")
def pending(actor: Actor, session: Db, paging: PagingDep) -> dict:
    return page_of([OfferRead.model_validate(o) for o in service.pending(session, actor=actor)], paging)


class ConfirmIn(StrictInput):
    seen_ceiling: int | None = Field(None, ge=0, le=replies.MOST, description="确认前看到的可获支持上限（元）：企业"
                                     "其间登记已获其他省级政策支持而改变了上限的，得到 409，而不是按未看到的金额确认；"
                                     "不填则不核对")


@router.post("/{offer_id}/confirm", response_model=ApplicationDetail, status_code=201,
             summary="二次确认（免申即享）：生成申报并转入责任单位审核；请求体可省略",
             dependencies=role_first(Role.DEPARTMENT, doing="确认免申即享"))
def confirm(offer_id: RecordId, actor: Actor, session: Db, body: ConfirmIn | None = None) -> ApplicationDetail:
    app = service.confirm(session, actor=actor, offer_id=offer_id, seen_ceiling=body.seen_ceiling if body else None)
    session.commit()
    return views.detail(session, app, actor)


@router.post("/{offer_id}/set-aside", response_model=OfferRead, summary="不予确认（免申即享），写明理由",
             dependencies=role_first(Role.DEPARTMENT, doing="对免申即享作出不予确认"))
def set_aside(offer_id: RecordId, body: SetAsideIn, actor: Actor, session: Db) -> OfferRead:
    offer = service.set_aside(session, actor=actor, offer_id=offer_id, reason=body.reason)
    session.commit()
    return OfferRead.model_validate(offer)


@router.post("/payee/{application_id}", response_model=ApplicationDetail,
             summary="确认收款账户（免申即享的申报，企业在拨付前确认；与 POST /api/v1/applications/{id}/payee 相同）",
             dependencies=role_first(Role.ENTERPRISE, doing="确认收款账户"))
def confirm_payee(application_id: RecordId, body: PayeeIn, actor: Actor, session: Db) -> ApplicationDetail:
    app = payee.confirm(session, actor=actor, application_id=application_id, bank=body.bank, account=body.account,
                        seen=body.seen)
    session.commit()
    return views.detail(session, app, actor)


@router.post("/{offer_id}/accept", response_model=ApplicationDetail, status_code=201,
             summary="接受政策直达（申请即享）：生成申报草稿，金额为上限")
def accept(offer_id: RecordId, actor: Actor, session: Db) -> ApplicationDetail:
    draft = service.accept(session, actor=actor, offer_id=offer_id)
    session.commit()
    return views.detail(session, draft, actor)


class DeclineIn(StrictInput):
    reason: PlainText = Field("", max_length=1000, description="放弃的理由（可不填；不超过 500 个字，换行算一个字）")


@router.post("/{offer_id}/decline", response_model=OfferRead,
             summary="放弃政策直达（企业）：可写明理由，告知牵头责任单位；请求体可省略",
             dependencies=role_first(Role.ENTERPRISE, doing="放弃政策直达"))
def decline(offer_id: RecordId, actor: Actor, session: Db, body: DeclineIn | None = None) -> OfferRead:
    offer = replies.decline(session, actor=actor, offer_id=offer_id, reason=body.reason if body else "").offer
    session.commit()
    return OfferRead.model_validate(offer)


class OtherSupportIn(StrictInput):
    other_support: int = Field(ge=0, le=replies.MOST, description="该事项已获我省其他政策支持的金额（元，整数；"
                               "0 表示未获支持；不超过 10 亿元）")
    seen: str | None = Field(None, pattern=r"^[0-9]{0,13}$", description="填写前看到的已登记金额（元；尚未登记为空"
                             "字符串）：两处同时登记时，后到的一方得到 409，而不是悄悄覆盖前者；不填则不核对")


class OtherSupportRead(BaseModel):
    offer: OfferRead
    ceiling_before_deduction: int = Field(description="措施上限（元，扣除前）")
    other_support: int = Field(description="已获其他省级政策支持（元）")
    granted_elsewhere: int = Field(description="该事项在本系统中按其他政策已获批的金额（元），一并扣除")
    ceiling: int = Field(description="扣除后的可获支持上限（元）；0 表示按从高不重复原则本政策不再支持，不能接受")
    said: str


@router.post("/{offer_id}/other-support", response_model=OtherSupportRead,
             summary="登记已获其他省级政策支持（从高不重复）：可获支持上限按规则重算为上限减去已获金额（差额补足）",
             dependencies=role_first(Role.ENTERPRISE, doing="登记已获其他省级政策支持"))
def other_support(offer_id: RecordId, body: OtherSupportIn, actor: Actor, session: Db) -> OtherSupportRead:
    done = replies.record_other_support(session, actor=actor, offer_id=offer_id, amount=body.other_support,
                                        seen=body.seen)
    session.commit()
    return OtherSupportRead(offer=OfferRead.model_validate(done.offer), ceiling_before_deduction=done.before,
                            other_support=done.other_support, granted_elsewhere=done.granted,
                            ceiling=done.offer.ceiling or 0, said=done.said)
