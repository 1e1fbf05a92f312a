"""Rounds over HTTP: anyone reads them; admins and lead departments open, close, extend and correct them, and add
a measure to one."""

from typing import Annotated

from fastapi import APIRouter, Query

from huiqi.rounds import editing, opening, overlapping, service
from huiqi.rounds.schemas import ExtendIn, RoundIn, RoundMeasureIn, RoundOpened, RoundRead, RoundUpdate
from huiqi.users.roles import Role
from huiqi.web.deps import Actor, Db, RecordId, role_first
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(prefix="/rounds", tags=["申报批次"])


def _officer(doing: str) -> list:
    """Only an admin or a department opens and changes rounds: refused before the body is read, not corrected (an
    enterprise's mistaken body is a 403, not a 422 naming the fields)."""
    return role_first(Role.ADMIN, Role.DEPARTMENT, doing=f"{doing}申报批次")


@router.get("", response_model=Page[RoundRead], summary="申报批次（公开）：开放的措施、截止日期、材料与办事指南")
def listed(session: Db, paging: PagingDep,
           open_only: Annotated[bool, Query(alias="open", description="只列今天受理中的批次")] = False) -> dict:
    found = service.open_now(session) if open_only else service.listed(session)
    return page_of([service.read(session, r) for r in found], paging)


@router.get("/{round_id}", response_model=RoundRead, summary="一个申报批次")
def one(round_id: RecordId, session: Db) -> RoundRead:
    return service.read(session, service.get(session, round_id))


@router.post("", response_model=RoundOpened, status_code=201, dependencies=_officer("开设"),
             summary="开设申报批次（管理员，或牵头责任单位）",
             description="与同一政策其他未结束的批次在重叠的日期受理相同措施时，照常开设，`warnings` 说明重叠之处。")
def open_round(body: RoundIn, actor: Actor, session: Db) -> RoundOpened:
    found = opening.open_round(
        session, actor=actor, policy_id=body.policy, title=body.title, opens_on=body.opens_on,
        closes_on=body.closes_on, correction_days=body.correction_days, announcement_days=body.announcement_days,
        guide=body.guide, contact=body.contact,
        measures=[_measure(m) for m in body.measures])
    warnings = overlapping.overlap_warnings(session, found)  # read before the commit, under the policy's lock
    session.commit()
    return RoundOpened(**service.read(session, found).model_dump(), warnings=warnings)


def _measure(given: RoundMeasureIn) -> opening.MeasureIn:
    return opening.MeasureIn(given.measure, given.budget, given.expert_score,
                             tuple(x.model_dump() for x in given.materials), given.mode)


@router.post("/{round_id}/close", response_model=RoundRead, summary="提前结束申报批次")
def close(round_id: RecordId, actor: Actor, session: Db) -> RoundRead:
    found = editing.close(session, actor=actor, round_id=round_id)
    session.commit()
    return service.read(session, found)


@router.post("/{round_id}/extend", response_model=RoundOpened, dependencies=_officer("延长"),
             summary="延长申报批次的截止日期（管理员，或开设该批次的责任单位）",
             description=("延长后与同一政策其他未结束的批次在重叠的日期受理相同措施时，照常延长，"
                          "`warnings` 说明重叠之处。"))
def extend(round_id: RecordId, body: ExtendIn, actor: Actor, session: Db) -> RoundOpened:
    found = editing.extend(session, actor=actor, round_id=round_id, closes_on=body.closes_on, seen=body.seen,
                           reason=body.reason)
    warnings = overlapping.overlap_warnings(session, found)  # read before the commit, under the policy's lock
    session.commit()
    return RoundOpened(**service.read(session, found).model_dump(), warnings=warnings)


@router.patch("/{round_id}", response_model=RoundRead, dependencies=_officer("修改"),
              summary="修改申报批次的批次名称、办事指南、咨询电话，及尚未开始受理的批次的日期和材料"
                      "（管理员，或开设该批次的责任单位）",
              description=("只改给出的字段，已截止或已取消的批次不能修改。给出 `seen`（读到的 `fingerprint`）时，"
                           "期间已被他人修改则得到 409；返回的 `fingerprint` 供下次修改发回。开始日期、截止日期和"
                           "所需材料只能在开始受理前修改（按开设时的要求核对，不再通知订阅者），`terms_seen` 同理。"))
def correct(round_id: RecordId, body: RoundUpdate, actor: Actor, session: Db) -> RoundRead:
    found = editing.correct(session, actor=actor, round_id=round_id, seen=body.seen, title=body.title,
                            guide=body.guide, contact=body.contact)
    if body.opens_on is not None or body.closes_on is not None or body.materials is not None:
        found, _ = editing.reschedule(
            session, actor=actor, round_id=round_id, seen=body.terms_seen, opens_on=body.opens_on or found.opens_on,
            closes_on=body.closes_on or found.closes_on,
            materials={m.measure: tuple(x.model_dump() for x in m.materials) for m in body.materials or []})
    session.commit()
    return service.read(session, found)


@router.post("/{round_id}/measures", response_model=RoundOpened, status_code=201,
             dependencies=_officer("修改"),
             summary="在未结束的申报批次中增加一条措施（管理员；责任单位只能增加本单位牵头的措施）",
             description=("已开放的措施不能删除或修改。增加后与同一政策其他未结束的批次在重叠的日期受理相同措施时，"
                          "照常增加，`warnings` 说明所增加措施的重叠之处。"))
def add_measure(round_id: RecordId, body: RoundMeasureIn, actor: Actor, session: Db) -> RoundOpened:
    found = editing.add_measure(session, actor=actor, round_id=round_id, measure=_measure(body))
    # read before the commit, under the policy's lock: the overlaps of the measure added, not those the round had
    warnings = overlapping.overlap_warnings(session, found, body.measure)
    session.commit()
    return RoundOpened(**service.read(session, found).model_dump(), warnings=warnings)
