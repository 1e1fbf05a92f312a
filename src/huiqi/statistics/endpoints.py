"""Statistics over HTTP: counts and money grouped by any dimensions, within the caller's scope; and as Excel."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from huiqi.catalogue import service as catalogue
from huiqi.models import User
from huiqi.statistics import service, tables
from huiqi.statistics.schemas import DIMENSIONS, StatRow
from huiqi.web.deps import Actor, Db
from huiqi.web.excel import XLSX, Table, download_built
from huiqi.web.pagination import Page, PagingDep, page_of

router = APIRouter(tags=["统计"])
By = Annotated[str, Query(max_length=100, description=f"分组，逗号分隔：{', '.join(DIMENSIONS)}")]


def dimensions(by: str) -> tuple[str, ...]:
    """``"measure, city"`` -> ``("measure", "city")``; the service names a wrong one."""
    return tuple(part.strip() for part in by.split(",") if part.strip())


@router.get("/statistics", response_model=Page[StatRow], summary="申报、批准与拨付统计（按本人范围）")
def statistics(actor: Actor, session: Db, paging: PagingDep, by: By = "measure") -> dict:
    return page_of(service.summary(session, actor=actor, by=dimensions(by)), paging)


@router.get("/statistics.xlsx", response_model=None, summary="统计表（Excel）",
            responses={200: {"content": {XLSX: {}}, "description": "Excel 工作簿"}})
def statistics_xlsx(request: Request, actor: Actor, session: Db, by: By = "measure") -> Response:
    return download_built(request, session, actor, statistics_table, dimensions(by), filename="申报与兑现统计.xlsx")


def statistics_table(session: Session, actor: User, groups: tuple[str, ...]) -> Table:
    """The statistics by ``groups`` as the workbook lists them (built in a pool process when there is one)."""
    return tables.table(service.summary(session, actor=actor, by=groups), groups, catalogue.published(session))
