"""The public JSON API: match a case, read the policies and their measures, 公示 and the whitelist."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from huiqi import clock
from huiqi.announcements import service as announcements
from huiqi.catalogue import service as catalogue
from huiqi.config import get_settings
from huiqi.errors import InputError, NotFound
from huiqi.public import service
from huiqi.public.schemas import MeasureRead, PolicyDetail, PolicyRead
from huiqi.rules.case import Case
from huiqi.rules.questions import AdvisedAnswer
from huiqi.validation import Day
from huiqi.web.deps import Db
from huiqi.web.offload import offload
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(tags=["政策与匹配"])
AsOf = Annotated[Day | None, Query(description="判断日期（YYYY-MM-DD）；默认取案例中的 as_of，再默认今天")]


@router.post("/match", response_model=AdvisedAnswer,
             summary="一家单位可申请哪些措施、最高多少、为什么、缺什么、先问什么、怎样才能符合")
def match(request: Request, case: Case, session: Db, as_of: AsOf = None) -> AdvisedAnswer | Response:
    """A case in the interchange shape of DOMAIN.md in, the answer out; bad input is a 422 naming the field.

    ``questions`` lists the missing facts in the order to ask them: first the one that decides the most undetermined
    results (then the money they carry); ``changes`` says, for each ineligible result, which values of the matter's
    facts would change it (with the clause), or that none could and why.

    Sync, so that it runs in the thread pool; a case of more than ``match_inline_matters`` matters is computed
    in a match process (``huiqi.web.offload``), so that it does not hold the GIL against every other request.
    A case has at most ``max_match_matters`` matters (populations go to ``huiqi simulate``)."""
    settings = get_settings()
    most = settings.max_match_matters
    if len(case.matters) > most:
        raise InputError([("matters", f"每个案例最多 {most} 个事项（收到 {len(case.matters)} 个）；"
                                      "批量测算请用“财政测算”")])
    day = as_of or case.as_of or clock.today()
    pool = offload(request)
    if pool.pooled and len(case.matters) > settings.match_inline_matters:
        texts = catalogue.published_texts(session)
        return Response(pool.run(service.answer_json, case.model_dump_json(), day, texts),
                        media_type="application/json")
    return service.answer(case, day, service.policies(session))


@router.get("/policies", response_model=Page[PolicyRead], summary="政策列表")
def policies(session: Db, paging: PagingDep, as_of: AsOf = None) -> dict:
    day = as_of or clock.today()
    return page_of([service.read(p, day) for p in service.policies(session)], paging)


@router.get("/policies/{policy_id}", response_model=PolicyDetail, summary="一项政策及其全部措施")
def policy(policy_id: str, session: Db, as_of: AsOf = None) -> PolicyDetail:
    return service.detail(service.policy(session, policy_id), as_of or clock.today())


@router.get("/policies/{policy_id}/measures/{number}", response_model=MeasureRead, summary="一条措施")
def measure(policy_id: str, number: Annotated[int, Path(ge=1, le=999)], session: Db,
            as_of: AsOf = None) -> MeasureRead:
    found = service.policy(session, policy_id).measure(number)
    if found is None:
        raise NotFound(f"政策 {policy_id} 没有第 {number} 条措施")
    return service.measure(found, as_of or clock.today())


@router.get("/announcements", response_model=Page[announcements.PublicBatch], summary="公示（公开）",
            tags=["公示"])
def public_announcements(session: Db, paging: PagingDep) -> dict:
    return page_of(announcements.public_listing(session), paging)
