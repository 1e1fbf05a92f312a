"""Rounds over HTTP: anyone reads them; admins and lead departments open and close them."""

from typing import Annotated

from fastapi import APIRouter, Query

from huiqi.rounds import editing, opening, overlapping, service
from huiqi.rounds.schemas import ExtendIn, RoundIn, RoundOpened, RoundRead
from huiqi.web.deps import Actor, Db, RecordId
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(prefix="/rounds", tags=["申报批次"])


@router.get("", response_model=Page[RoundRead], summary="申报批次（公开）：开放的措施、截止日期、材料与办事指南")
def listed(session: Db, paging: PagingDep,
           open_only: Annotated[bool, Query(alias="open", description="只列今天受理中的批次")] = False) -> dict:
    found = service.open_now(session) if open_only else service.listed(session)
    return page_of([service.read(session, r) for r in found], paging)


@router.get("/{round_id}", response_model=RoundRead, summary="一个申报批次")
def one(round_id: RecordId, session: Db) -> RoundRead:
    return service.read(session, service.get(session, round_id))


@router.post("", response_model=RoundOpened, status_code=201, summary="开设申报批次（管理员，或牵头责任单位）",
             description="与同一政策其他未结束的批次在重叠的日期受理相同措施时，照常开设，`warnings` 说明重叠之处。")
def open_round(body: RoundIn, actor: Actor, session: Db) -> RoundOpened:
    found = opening.open_round(
        session, actor=actor, policy_id=body.policy, title=body.title, opens_on=body.opens_on,
        closes_on=body.closes_on, correction_days=body.correction_days, announcement_days=body.announcement_days,
        guide=body.guide, contact=body.contact,
        measures=[opening.MeasureIn(m.measure, m.budget, m.expert_score, tuple(x.model_dump() for x in m.materials),
                                    m.mode) for m in body.measures])
    warnings = overlapping.overlap_warnings(session, found)  # read before the commit, under the policy's lock
    session.commit()
    return RoundOpened(**service.read(session, found).model_dump(), warnings=warnings)


@router.post("/{round_id}/close", response_model=RoundRead, summary="提前结束申报批次")
def close(round_id: RecordId, actor: Actor, session: Db) -> RoundRead:
    found = editing.close(session, actor=actor, round_id=round_id)
    session.commit()
    return service.read(session, found)


@router.post("/{round_id}/extend", response_model=RoundOpened,
             summary="延长申报批次的截止日期（管理员，或开设该批次的责任单位）",
             description=("延长后与同一政策其他未结束的批次在重叠的日期受理相同措施时，照常延长，"
                          "`warnings` 说明重叠之处。"))
def extend(round_id: RecordId, body: ExtendIn, actor: Actor, session: Db) -> RoundOpened:
    found = editing.extend(session, actor=actor, round_id=round_id, closes_on=body.closes_on, seen=body.seen,
                           reason=body.reason)
    warnings = overlapping.overlap_warnings(session, found)  # read before the commit, under the policy's lock
    session.commit()
    return RoundOpened(**service.read(session, found).model_dump(), warnings=warnings)
