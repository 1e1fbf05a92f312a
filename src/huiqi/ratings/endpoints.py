"""好差评 over HTTP."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from huiqi.models import Rating
from huiqi.ratings import service
from huiqi.users.roles import Role
from huiqi.validation import PlainText, StrictInput
from huiqi.web.deps import Actor, Db, RecordId, role_first
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(tags=["好差评"])


class RatingIn(StrictInput):
    level: int = Field(ge=1, le=5, description="5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意")
    comment: PlainText | None = Field(None, max_length=500, description="意见（可选）")


class TextIn(StrictInput):
    text: PlainText = Field(min_length=1, max_length=1000, description="答复、复核理由或复核结论")


class RatingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    application_id: int
    policy_id: str = Field(description="政策编号（标识）")
    measure: int
    level: int
    comment: str | None
    due_on: date | None = Field(description="差评的整改期限")
    due_note: str | None = Field(None, description="整改期限超出节假日日历时的计算说明（暂按周一至周五计算）")
    unit: str = Field("", description="答复整改的单位（市级初审作出不予支持决定的，为该市；"
                                      "公示后省财政厅不予批准的，为省财政厅）")
    answer: str | None
    recheck_reason: str | None
    recheck_result: str | None


def _read(session: Session, found: Rating) -> RatingRead:
    return RatingRead.model_validate(found).model_copy(update={"due_note": service.due_note(session, found),
                                                             "unit": service.unit_name(session, found)})


class RatesRead(BaseModel):
    key: str = Field(description="责任单位名称；按措施时为措施（两项以上政策同时有效时冠以政策文号）")
    policy_id: str | None = Field(None, description="按措施时：措施所属政策")
    measure: int | None = Field(None, description="按措施时：措施序号")
    counts: dict[int, int] = Field(description="各等级的评价数（5 非常满意 … 1 非常不满意）")
    satisfied: float | None = Field(description="好评率（满意与非常满意的占比）")
    rectifications: int
    overdue: int


@router.post("/applications/{application_id}/rating", response_model=RatingRead, status_code=201,
             summary="评价一件办结的申报（好差评）", dependencies=role_first(Role.ENTERPRISE, doing="评价服务"))
def rate(application_id: RecordId, body: RatingIn, actor: Actor, session: Db) -> RatingRead:
    found = service.rate(session, actor=actor, application_id=application_id, level=body.level, comment=body.comment)
    session.commit()
    return _read(session, found)


@router.get("/ratings/rates", response_model=Page[RatesRead], summary="好评率（公开）：按责任单位或措施")
def rates(session: Db, paging: PagingDep,
          by: Annotated[Literal["department", "measure"], Query(description="分组")] = "department") -> dict:
    return page_of([RatesRead(key=r.key, policy_id=r.policy_id, measure=r.measure, counts=r.counts,
                              satisfied=r.satisfied, rectifications=r.rectifications, overdue=r.overdue)
                    for r in service.rates(session, by=by)], paging)


@router.get("/ratings/rectifications", response_model=Page[RatingRead],
            summary="差评整改（责任单位、作出不予支持决定的市或省财政厅、管理员、审计）")
def rectifications(actor: Actor, session: Db, paging: PagingDep) -> dict:
    return page_of([_read(session, r) for r in service.rectifications(session, actor=actor)], paging)


@router.post("/ratings/{rating_id}/answer", response_model=RatingRead,
             summary="答复整改情况（责任单位；市级初审不予支持的由该市、省财政厅不予批准的由财政答复）",
             dependencies=role_first(Role.DEPARTMENT, Role.CITY, Role.FINANCE, doing="答复整改"))
def answer(rating_id: RecordId, body: TextIn, actor: Actor, session: Db) -> RatingRead:
    found = service.answer(session, actor=actor, rating_id=rating_id, text=body.text)
    session.commit()
    return _read(session, found)


@router.post("/ratings/{rating_id}/recheck", response_model=RatingRead, summary="申请复核（企业）",
             dependencies=role_first(Role.ENTERPRISE, doing="申请复核"))
def recheck(rating_id: RecordId, body: TextIn, actor: Actor, session: Db) -> RatingRead:
    found = service.ask_recheck(session, actor=actor, rating_id=rating_id, reason=body.text)
    session.commit()
    return _read(session, found)


@router.post("/ratings/{rating_id}/conclude", response_model=RatingRead, summary="作出复核结论（管理员）",
             dependencies=role_first(Role.ADMIN, doing="作出复核结论"))
def conclude(rating_id: RecordId, body: TextIn, actor: Actor, session: Db) -> RatingRead:
    found = service.conclude(session, actor=actor, rating_id=rating_id, result=body.text)
    session.commit()
    return _read(session, found)
