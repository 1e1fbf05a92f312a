"""The statistics page (auditor, admin, finance; others see their own scope): counts and money by measure
and by city as bar charts, a table grouped as asked, and the table as Excel."""

import json
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.offers import service as offers
from huiqi.ratings import service as ratings
from huiqi.statistics import service, tables
from huiqi.statistics.endpoints import statistics_table
from huiqi.statistics.schemas import DIMENSIONS
from huiqi.users.roles import Role
from huiqi.web.deps import Actor, CallerDep, Db
from huiqi.web.excel import download_built
from huiqi.web.render import page

router = APIRouter(include_in_schema=False)
OFFER_READERS = (Role.FINANCE, Role.ADMIN, Role.AUDITOR, Role.DEPARTMENT, Role.ANALYST)
By = Annotated[list[str] | None, Query(max_length=len(DIMENSIONS))]


@router.get("/statistics", response_class=HTMLResponse)
def statistics_page(request: Request, who: CallerDep, actor: Actor, session: Db, by: By = None) -> HTMLResponse:
    chosen = tuple(d for d in DIMENSIONS if d in (by or ["measure", "city"]))
    if not chosen:
        raise InputError([("分组", "请至少选择一个分组")])
    by_measure = service.summary(session, actor=actor, by=("measure",))
    by_city = service.summary(session, actor=actor, by=("city",))
    rows = service.summary(session, actor=actor, by=chosen)
    totals = {name: sum(getattr(r, name) for r in by_measure)
              for name in ("applications", "approved", *(n for n, _ in tables.AMOUNTS))}
    policies = catalogue.published(session)
    charts = [tables.chart(by_measure, "measure", "按措施（万元）", policies),
              tables.chart(by_city, "city", "按城市（万元）", policies)]
    return page(request, "statistics/index.html", who, rows=rows, chosen=chosen, totals=totals,
                dimensions=tables.DIMENSION_LABELS, amounts=tables.AMOUNTS,
                key_label=partial(tables.key_label, policies=policies),
                charts=json.dumps(charts, ensure_ascii=False), query="&".join(f"by={d}" for d in chosen),
                offer_rows=offers.statistics(session, actor=actor) if actor.role in OFFER_READERS else None,
                rates=ratings.rates(session, by="department"), levels=ratings.LEVELS)


@router.get("/figures", response_class=HTMLResponse)
def public_figures(request: Request, who: CallerDep, session: Db, by: By = None) -> HTMLResponse:
    """兑现统计 for everyone, signed in or not: the province's submitted applications, approvals and payments by
    measure and city, and grouped as asked by policy, measure, city and year (``service.PUBLIC_DIMENSIONS``)."""
    chosen = tuple(d for d in service.PUBLIC_DIMENSIONS if d in (by or ["measure", "city"]))
    if by and len(chosen) < len(set(by)):
        raise InputError([("分组", f"应为 {'、'.join(tables.DIMENSION_LABELS[d] for d in service.PUBLIC_DIMENSIONS)}"
                                 " 中的一项或几项")])
    if not chosen:
        raise InputError([("分组", "请至少选择一个分组")])
    # A group is shown only where something was approved: a group of one pending or refused application would say
    # where that applicant stands (what only its 公示 makes public). How many applied is said for the province alone.
    everything = service.summary(session, actor=None, by=("measure",))
    by_measure = [r for r in everything if r.approved]
    by_city = [r for r in service.summary(session, actor=None, by=("city",)) if r.approved]
    rows = [r for r in service.summary(session, actor=None, by=chosen) if r.approved]
    totals = {name: sum(getattr(r, name) for r in everything)
              for name in ("applications", "approved", *(n for n, _ in tables.PUBLIC_AMOUNTS))}
    policies = catalogue.published(session)
    charts = [tables.chart(by_measure, "measure", "按措施（万元）", policies, tables.PUBLIC_AMOUNTS),
              tables.chart(by_city, "city", "按城市（万元）", policies, tables.PUBLIC_AMOUNTS)]
    dimensions = {d: tables.DIMENSION_LABELS[d] for d in service.PUBLIC_DIMENSIONS}
    return page(request, "statistics/public.html", who, rows=rows, chosen=chosen, totals=totals,
                dimensions=dimensions, amounts=tables.PUBLIC_AMOUNTS,
                key_label=partial(tables.key_label, policies=policies),
                charts=json.dumps(charts, ensure_ascii=False))


@router.get("/statistics.xlsx")
def statistics_xlsx(request: Request, actor: Actor, session: Db, by: By = None) -> Response:
    chosen = tuple(d for d in DIMENSIONS if d in (by or ["measure", "city"])) or ("measure",)
    return download_built(request, session, actor, statistics_table, chosen, filename="申报与兑现统计.xlsx")

