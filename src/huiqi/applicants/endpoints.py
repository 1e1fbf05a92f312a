"""Applicants over HTTP: profiles (each change a new version), matters, and the rules' answer for them."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from huiqi.applicants import service
from huiqi.applicants.schemas import ApplicantRead, ApplicantSummary, MatterRead, MatterWrite, ProfileRead, ProfileWrite
from huiqi.errors import InputError
from huiqi.models import Matter as MatterRow
from huiqi.reference import divisions
from huiqi.rules.answer import Answer
from huiqi.validation import Day
from huiqi.web.deps import Actor, Db, role_first
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(prefix="/applicants", tags=["申报单位与事项"])
Uscc = Annotated[str, Path(min_length=1, max_length=18, description="统一社会信用代码（18 位）")]
Key = Annotated[str, Path(min_length=1, max_length=64, description="事项编号（本单位内唯一）")]


def _read(session: Db, actor: Actor, uscc: str) -> ApplicantRead:
    applicant, history = service.get_applicant(session, actor=actor, uscc=uscc)
    versions = [ProfileRead.model_validate(p) for p in history]
    return ApplicantRead(uscc=applicant.uscc, demo=applicant.demo, profile=versions[-1] if versions else None,
                         history=versions)


@router.get("", response_model=Page[ApplicantSummary], summary="申报单位列表（限本人范围）")
def applicants(session: Db, actor: Actor, paging: PagingDep,
               q: Annotated[str | None, Query(max_length=50, description="单位名称或统一社会信用代码的一部分")]
               = None) -> dict:
    rows = [ApplicantSummary(uscc=a.uscc, name=p.name, region=p.region, city=divisions.city_of(p.region),
                             version=p.version) for a, p in service.listed(session, actor=actor, word=q)]
    return page_of(rows, paging)


@router.get("/{uscc}", response_model=ApplicantRead, summary="申报单位信息及其历次版本")
def applicant(uscc: Uscc, session: Db, actor: Actor) -> ApplicantRead:
    return _read(session, actor, uscc)


@router.put("/{uscc}", response_model=ApplicantRead, summary="登记单位信息（有变化时记为新版本）",
            dependencies=role_first(*service.WRITERS, doing="登记申报单位信息"))
def record_profile(uscc: Uscc, body: ProfileWrite, session: Db, actor: Actor) -> ApplicantRead:
    service.record_profile(session, actor=actor, uscc=uscc, seen=body.version, **body.model_dump(exclude={"version"}))
    session.commit()
    return _read(session, actor, uscc)


@router.get("/{uscc}/matters", response_model=Page[MatterRead], summary="申报单位的事项")
def matters(uscc: Uscc, session: Db, actor: Actor, paging: PagingDep) -> dict:
    rows = [_matter(m) for m in service.matters_of(session, actor=actor, uscc=uscc)]
    return page_of(rows, paging)


@router.put("/{uscc}/matters/{key}", response_model=MatterRead, summary="登记或修改一个事项（交换格式）",
            dependencies=role_first(*service.WRITERS, doing="登记事项"))
def save_matter(uscc: Uscc, key: Key, body: MatterWrite, session: Db, actor: Actor) -> dict:
    if body.id is not None and body.id != key:
        raise InputError([("id", f"与路径中的事项编号 {key!r} 不一致")])
    data = {**body.model_dump(mode="json", exclude_none=True, exclude={"seen"}), "id": key}
    row = service.save_matter(session, actor=actor, uscc=uscc, matter=data, seen=body.seen)
    session.commit()
    return _matter(row)


def _matter(row: MatterRow) -> dict:
    return {**service.matter_dict(row), "stamp": service.stamp(row)}


@router.delete("/{uscc}/matters/{key}", status_code=204, response_class=Response,
               summary="删除一个事项（尚无申报、免申即享或获批记录时）")
def delete_matter(uscc: Uscc, key: Key, session: Db, actor: Actor) -> Response:
    service.delete_matter(session, actor=actor, uscc=uscc, key=key)
    session.commit()
    return Response(status_code=204)


@router.get("/{uscc}/match", response_model=Answer, summary="按登记的单位信息和事项，可申请哪些措施")
def match(uscc: Uscc, session: Db, actor: Actor,
          as_of: Annotated[Day | None, Query(description="判断日期（YYYY-MM-DD），默认今天")] = None) -> Answer:
    return service.answer_for(session, actor=actor, uscc=uscc, as_of=as_of)
