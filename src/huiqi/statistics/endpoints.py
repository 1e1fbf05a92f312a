"""Statistics over HTTP: counts and money grouped by any dimensions, within the caller's scope; and as Excel."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.models import User
from huiqi.statistics import service, tables
from huiqi.statistics.schemas import DIMENSIONS, StatRow
from huiqi.web.deps import Actor, Db
from huiqi.web.excel import XLSX, Table, download_built
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(tags=["统计"])
By = Annotated[str, Query(max_length=100, description=f"分组，逗号分隔：{', '.join(DIMENSIONS)}")]
NARROWED = ("可按申报年度（year）、政策（policy）、城市（city）、状态（state）筛选，各取一个值，"
            "只统计同时符合的已提交申报；筛选只在本人可见的范围内缩小，不会扩大。"
            "取值有误时返回 422 并指明字段。Excel 的标题行写明所用筛选。")
Year = Annotated[int | None, Query(ge=2000, le=2100, description="筛选：申报年度，如 2025")]
PolicyId = Annotated[str | None, Query(max_length=100, description="筛选：政策编号（已发布的政策之一）")]
City = Annotated[str | None, Query(max_length=10, description="筛选：所在市的代码（14 个市及沈抚示范区 shenfu）")]
State = Annotated[str | None, Query(max_length=40, description="筛选：申报的状态，如 approved")]


def dimensions(by: str) -> tuple[str, ...]:
    """``"measure, city"`` -> ``("measure", "city")``; the service names a wrong one."""
    return tuple(part.strip() for part in by.split(",") if part.strip())


@router.get("/statistics", response_model=Page[StatRow], summary="申报、批准与拨付统计（按本人范围）",
            description=NARROWED)
def statistics(actor: Actor, session: Db, paging: PagingDep, by: By = "measure", year: Year = None,
               policy: PolicyId = None, city: City = None, state: State = None) -> dict:
    where = _where(session, year, policy, city, state)
    return page_of(service.summary(session, actor=actor, by=dimensions(by), where=where), paging)


@router.get("/statistics.xlsx", response_model=None, summary="统计表（Excel）", description=NARROWED,
            responses={200: {"content": {XLSX: {}}, "description": "Excel 工作簿"}})
def statistics_xlsx(request: Request, actor: Actor, session: Db, by: By = "measure", year: Year = None,
                    policy: PolicyId = None, city: City = None, state: State = None) -> Response:
    where = _where(session, year, policy, city, state)
    return download_built(request, session, actor, statistics_table, dimensions(by), where,
                          filename=f"申报与兑现统计-{clock.today().isoformat()}.xlsx")


def _where(session: Session, year: int | None, policy: str | None, city: str | None,
           state: str | None) -> dict[str, str | int]:
    given = {"year": None if year is None else str(year), "policy": policy, "city": city, "state": state}
    return service.narrowed(session, given, public=False)


def statistics_table(session: Session, actor: User, groups: tuple[str, ...],
                     where: dict[str, str | int] | None = None) -> Table:
    """The statistics by ``groups``, narrowed by ``where``, as the workbook lists them (built in a pool process when
    there is one); its title says the filters."""
    policies = catalogue.published(session)
    return tables.table(service.summary(session, actor=actor, by=groups, where=where), groups, policies,
                        title=tables.titled("申报与兑现统计", where or {}, policies))
