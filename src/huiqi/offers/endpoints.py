"""Offers over HTTP: an enterprise reads its offers and accepts one (申请即享)."""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from huiqi.applications import views
from huiqi.applications.schemas import ApplicationDetail
from huiqi.offers import service
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


@router.post("/{offer_id}/accept", response_model=ApplicationDetail, status_code=201,
             summary="接受政策直达（申请即享）：生成申报草稿，金额为上限")
def accept(offer_id: RecordId, actor: Actor, session: Db) -> ApplicationDetail:
    draft = service.accept(session, actor=actor, offer_id=offer_id)
    session.commit()
    return views.detail(session, draft, actor)
