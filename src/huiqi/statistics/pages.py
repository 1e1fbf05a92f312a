"""The statistics page (auditor, admin, finance; others see their own scope): counts and money by measure
and by city as bar charts, a table grouped as asked, and the table as Excel."""

import json
from collections.abc import Sequence
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.labels import Problem
from huiqi.models import User
from huiqi.offers import service as offers
from huiqi.ratings import service as ratings
from huiqi.statistics import service, tables
from huiqi.statistics.endpoints import statistics_table
from huiqi.statistics.schemas import DIMENSIONS, StatRow
from huiqi.users.roles import Role
from huiqi.web.deps import Actor, CallerDep, Db
from huiqi.web.excel import download, download_built
from huiqi.web.render import page

router = APIRouter(include_in_schema=False)
OFFER_READERS = (Role.FINANCE, Role.ADMIN, Role.AUDITOR, Role.DEPARTMENT, Role.ANALYST)
By = Annotated[list[str] | None, Query(max_length=len(DIMENSIONS) + 1)]  # the boxes and the blank sent beside them


@router.get("/statistics", response_class=HTMLResponse)
def statistics_page(request: Request, who: CallerDep, actor: Actor, session: Db, by: By = None) -> HTMLResponse:
    chosen, problems = _ticked(by, DIMENSIONS)
    return page(request, "statistics/index.html", who, status_code=422 if problems else 200,
                **_figures(session, actor, chosen, tables.AMOUNTS), problems=problems,
                dimensions=tables.DIMENSION_LABELS, query=_query(chosen),
                offer_rows=offers.statistics(session, actor=actor) if actor.role in OFFER_READERS else None,
                rates=ratings.rates(session, by="department"), levels=ratings.LEVELS)


def _figures(session: Session, actor: User | None, chosen: tuple[str, ...],
             amounts: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """What both statistics pages show: the totals, the bar charts by measure and by city, the rows grouped as
    chosen. For the public (``actor`` None) a group is shown only where something was approved: a group of one
    pending or refused application would say where that applicant stands (what only its 公示 makes public); how
    many applied is said for the province alone."""
    everything = service.summary(session, actor=actor, by=("measure",))
    by_measure = [r for r in everything if _shown(actor, r)]
    by_city = _rows(session, actor, ("city",))
    rows = _rows(session, actor, chosen) if chosen else []
    totals = {name: sum(getattr(r, name) for r in everything)
              for name in ("applications", "approved", *(n for n, _ in amounts))}
    policies = catalogue.published(session)
    charts = [tables.chart(by_measure, "measure", "按措施（万元）", policies, amounts),
              tables.chart(by_city, "city", "按城市（万元）", policies, amounts)]
    return {"rows": rows, "chosen": chosen, "totals": totals, "amounts": amounts,
            "key_label": partial(tables.key_label, policies=policies), "charts": json.dumps(charts, ensure_ascii=False)}


def _shown(actor: User | None, row: StatRow) -> bool:
    """Whether a group is shown: to the public (``actor`` None) only where something was approved."""
    return actor is not None or row.approved > 0


def _rows(session: Session, actor: User | None, by: tuple[str, ...]) -> list[StatRow]:
    """The groups by ``by`` that ``actor`` is shown (``_shown``)."""
    return [r for r in service.summary(session, actor=actor, by=by) if _shown(actor, r)]


def _query(chosen: tuple[str, ...]) -> str:
    return "&".join(f"by={d}" for d in chosen)


def _groups(by: list[str] | None, allowed: Sequence[str]) -> tuple[str, ...]:
    """The groupings asked for (by measure and city when none was), among ``allowed``; any other is refused, the
    page and its Excel alike."""
    given = [b for b in by or [] if b]  # the form sends a blank beside its boxes: none ticked is none, not the default
    if by is not None and not given:
        raise InputError([("分组", "请至少选择一个分组")])
    chosen = tuple(d for d in allowed if d in (given or ["measure", "city"]))
    if given and len(chosen) < len(set(given)):
        raise InputError([("分组", f"应为 {'、'.join(tables.DIMENSION_LABELS[d] for d in allowed)} 中的一项或几项")])
    if not chosen:
        raise InputError([("分组", "请至少选择一个分组")])
    return chosen


def _ticked(by: list[str] | None, allowed: Sequence[str]) -> tuple[tuple[str, ...], list[Problem]]:
    """A page's groupings (``_groups``); with no box ticked, none, and that said beside the 分组 field: the page keeps
    its form rather than giving way to an error page."""
    if by is not None and not any(by):
        return (), [Problem("分组", "请至少选择一个分组", "by")]
    return _groups(by, allowed), []


def _public_groups(by: list[str] | None) -> tuple[str, ...]:
    """The groupings the public asked for, among ``service.PUBLIC_DIMENSIONS``."""
    return _groups(by, service.PUBLIC_DIMENSIONS)


@router.get("/figures", response_class=HTMLResponse)
def public_figures(request: Request, who: CallerDep, session: Db, by: By = None) -> HTMLResponse:
    """兑现统计 for everyone, signed in or not: the province's submitted applications, approvals and payments by
    measure and city, and grouped as asked by policy, measure, city and year (``service.PUBLIC_DIMENSIONS``)."""
    chosen, problems = _ticked(by, service.PUBLIC_DIMENSIONS)
    figures = _figures(session, None, chosen, tables.PUBLIC_AMOUNTS)
    return page(request, "statistics/public.html", who, status_code=422 if problems else 200, **figures,
                problems=problems, query=_query(chosen),
                dimensions={d: tables.DIMENSION_LABELS[d] for d in service.PUBLIC_DIMENSIONS})


@router.get("/figures.xlsx")
def public_figures_xlsx(session: Db, by: By = None) -> Response:
    """兑现统计's table as Excel, for everyone: the same groups, counts and sums as the page."""
    chosen = _public_groups(by)  # the table alone: no totals nor charts to compute
    table = tables.table(_rows(session, None, chosen), chosen, catalogue.published(session), tables.PUBLIC_AMOUNTS,
                         title="兑现统计", counts=(("approved", "批准件数"),))
    return download(table, f"兑现统计-{clock.today().isoformat()}.xlsx")


@router.get("/statistics.xlsx")
def statistics_xlsx(request: Request, actor: Actor, session: Db, by: By = None) -> Response:
    chosen = _groups(by, DIMENSIONS)  # as the page: a grouping it does not know is refused, not dropped
    return download_built(request, session, actor, statistics_table, chosen, filename="申报与兑现统计.xlsx")

