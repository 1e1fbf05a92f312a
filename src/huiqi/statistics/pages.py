"""The statistics page (auditor, admin, finance; others see their own scope): counts and money by measure,
by city and by responsible department as bar charts, a table grouped as asked, and the table as Excel."""

import json
from collections.abc import Sequence
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.labels import Problem
from huiqi.models import User
from huiqi.offers import service as offers
from huiqi.public.filters import Typed, kept_filter, refused_download
from huiqi.ratings import service as ratings
from huiqi.reference.divisions import cities
from huiqi.statistics import repository, service, tables
from huiqi.statistics.endpoints import statistics_table
from huiqi.statistics.schemas import DIMENSIONS, StatRow
from huiqi.users.roles import Role
from huiqi.users.scope import sums_scope
from huiqi.web.deps import Actor, CallerDep, Db
from huiqi.web.door import said_beside
from huiqi.web.excel import Table, download, download_built
from huiqi.web.render import page
from huiqi.workflow.states import STATES, State

router = APIRouter(include_in_schema=False)
OFFER_READERS = (Role.FINANCE, Role.ADMIN, Role.AUDITOR, Role.DEPARTMENT, Role.ANALYST)
# the boxes and the blank sent beside them; a grouping it does not know is said beside 分组 (``_ticked``)
By = Annotated[list[str] | None, Query(max_length=len(DIMENSIONS) + 1, description="分组，可多选")]
FILTER_MOST = 40
Filter = Typed  # kept as typed, and said beside its field when wrong (``_narrowing``)
FILTERED = ("by", *service.FILTER_LABELS)  # said beside their fields by the page, and named by its download


@router.get("/statistics", response_class=HTMLResponse)
@said_beside(*FILTERED)
def statistics_page(request: Request, who: CallerDep, actor: Actor, session: Db, by: By = None, year: Filter = None,
                    policy: Filter = None, city: Filter = None, state: Filter = None) -> HTMLResponse:
    chosen, problems = _ticked(by, DIMENSIONS)
    given, where, wrong = _narrowing(session, {"year": year, "policy": policy, "city": city, "state": state},
                                     public=False)
    return page(request, "statistics/index.html", who, status_code=422 if problems or wrong else 200,
                **_figures(session, actor, chosen, tables.AMOUNTS, where, wrong), problems=[*problems, *wrong],
                dimensions=tables.DIMENSION_LABELS, query=_query(chosen, where),
                filters=_filters(session, given, public=False, city=sums_scope(actor).city),
                offer_rows=offers.statistics(session, actor=actor) if actor.role in OFFER_READERS else None,
                rates=ratings.rates(session, by="department"), levels=ratings.LEVELS)


def _figures(session: Session, actor: User | None, chosen: tuple[str, ...],
             amounts: Sequence[tuple[str, str]], where: dict[str, str | int],
             wrong: Sequence[Problem] = ()) -> dict[str, Any]:
    """What both statistics pages show: the totals, the bar charts by measure, city and department, the rows grouped as
    chosen; all narrowed by ``where``. For the public (``actor`` None) a group is shown only where something was
    approved: a group of one pending or refused application would say where that applicant stands (what only its
    公示 makes public); how many applied is said for the province alone, not once narrowed (a city's or a year's
    count beside its approvals could tell of one applicant's pending application). With a filter ``wrong``, none:
    figures without it would read as narrowed by what was asked (year=abc showed every year's)."""
    if wrong:
        return {"rows": [], "chosen": chosen, "totals": None, "amounts": amounts, "charts": "[]",
                "key_label": partial(tables.key_label, policies=[])}
    everything = service.summary(session, actor=actor, by=("measure",), where=where)
    by_measure = [r for r in everything if _shown(actor, r)]
    by_city = _rows(session, actor, ("city",), where)
    by_department = _rows(session, actor, ("department",), where)
    rows = _rows(session, actor, chosen, where) if chosen else []
    totals: dict[str, int | None] = {name: sum(getattr(r, name) for r in everything)
                                     for name in ("applications", "approved", *(n for n, _ in amounts))}
    if actor is None and where:
        totals["applications"] = None
    policies = catalogue.published(session)
    charts = [tables.chart(by_measure, "measure", "按措施（万元）", policies, amounts),
              tables.chart(by_city, "city", "按城市（万元）", policies, amounts),
              tables.chart(by_department, "department", "按责任单位（万元）", policies, amounts)]
    return {"rows": rows, "chosen": chosen, "totals": totals, "amounts": amounts,
            "key_label": partial(tables.key_label, policies=policies), "charts": json.dumps(charts, ensure_ascii=False)}


def _shown(actor: User | None, row: StatRow) -> bool:
    """Whether a group is shown: to the public (``actor`` None) only where something was approved."""
    return actor is not None or row.approved > 0


def _rows(session: Session, actor: User | None, by: tuple[str, ...], where: dict[str, str | int]) -> list[StatRow]:
    """The groups by ``by``, narrowed by ``where``, that ``actor`` is shown (``_shown``)."""
    return [r for r in service.summary(session, actor=actor, by=by, where=where) if _shown(actor, r)]


def _query(chosen: tuple[str, ...], where: dict[str, str | int]) -> str:
    """The groupings and filters as a link's query (the Excel's: the same table)."""
    return urlencode([*(("by", d) for d in chosen), *where.items()])


def _states() -> dict[str, str]:
    """The states offered as a filter, in the workflow's order, one in 公示 by where its 公示 stands on the business
    day (as every page reads it); a draft is never counted."""
    states: dict[str, str] = {}
    for key, label in STATES.items():
        if key == State.ANNOUNCED:
            states[repository.ANNOUNCED_UPCOMING] = repository.STANDING_LABELS[repository.ANNOUNCED_UPCOMING]
            states[key] = label
            states[repository.ANNOUNCED_ENDED] = repository.STANDING_LABELS[repository.ANNOUNCED_ENDED]
        elif key != State.DRAFT:
            states[key] = label
    return states


def _filters(session: Session, given: dict[str, str | None], *, public: bool,
             city: str | None = None) -> list[dict[str, Any]]:
    """The filter fields a page offers, each with its label, its choices (none for the year, typed) and the value
    given as it came (kept, right or wrong); ``city``, an actor's whose scope is one city, offers that city alone."""
    choices: dict[str, dict[str, str] | None] = {
        "year": None, "policy": {p.id: f"{p.number} {p.title}" for p in catalogue.published(session)},
        "city": {code: name for code, name in cities().items() if city in (None, code)},
        "state": _states()}
    return [{"name": name, "label": service.FILTER_LABELS[name], "choices": choices[name],
             "value": (given.get(name) or "").strip()}
            for name in (service.PUBLIC_FILTERS if public else service.FILTER_LABELS)]


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
    """A page's groupings (``_groups``); with no box ticked, or one it does not know (an address typed or cut), none,
    and that said beside the 分组 field: the page keeps its form rather than giving way to an error page."""
    if by is not None and not any(by):
        return (), [Problem("分组", "请至少选择一个分组", "by")]
    try:
        return _groups(by, allowed), []
    except InputError as wrong:
        return (), [Problem("分组", why, "by") for _, why in wrong.problems]


@router.get("/figures", response_class=HTMLResponse)
@said_beside("by", *service.PUBLIC_FILTERS)
def public_figures(request: Request, who: CallerDep, session: Db, by: By = None, year: Typed = None,
                   policy: Typed = None, city: Typed = None) -> HTMLResponse:
    """兑现统计 for everyone, signed in or not: the province's submitted applications, approvals and payments by
    measure, city and department, and grouped as asked by policy, measure, city, department and year
    (``service.PUBLIC_DIMENSIONS``); narrowed to a year, a policy, a city (not a state: ``service.PUBLIC_FILTERS``)."""
    chosen, problems = _ticked(by, service.PUBLIC_DIMENSIONS)
    given, where, wrong = _narrowing(session, {"year": year, "policy": policy, "city": city}, public=True)
    figures = _figures(session, None, chosen, tables.PUBLIC_AMOUNTS, where, wrong)
    return page(request, "statistics/public.html", who, status_code=422 if problems or wrong else 200, **figures,
                problems=[*problems, *wrong], query=_query(chosen, where),
                filters=_filters(session, given, public=True),
                dimensions={d: tables.DIMENSION_LABELS[d] for d in service.PUBLIC_DIMENSIONS})


def _narrowing(session: Session, typed: dict[str, str | None],
               public: bool) -> tuple[dict[str, str], dict[str, str | int], list[Problem]]:
    """A statistics page's filters as kept (``kept_filter``), those that narrow it, and why any cannot (a control
    character, a length, a year, policy, city or state unknown), by the field."""
    unkept: list[Problem] = []
    given = {name: kept_filter(unkept, name, service.FILTER_LABELS[name], value, FILTER_MOST)
             for name, value in typed.items()}
    where, wrong = service.narrowing(session, {k: v for k, v in given.items()
                                               if k not in {p.field for p in unkept}}, public=public)
    return given, where, [*unkept, *wrong]


def _refused(request: Request, who: CallerDep, chosen: tuple[str, ...], given: dict[str, str],
             wrong: list[Problem], listed: str, name: str) -> Response:
    """A statistics download asked with groupings or filters it cannot read: no workbook, but the page saying why,
    leading back to the list ``listed`` with what could be kept, where each is said beside its field."""
    kept = [*(("by", d) for d in chosen), *((k, v) for k, v in given.items() if v)]  # said again on the page
    return refused_download(request, who, wrong, f"{listed}?{urlencode(kept)}", name)


@router.get("/figures.xlsx")
@said_beside("by", *service.PUBLIC_FILTERS)
def public_figures_xlsx(request: Request, who: CallerDep, session: Db, by: By = None, year: Typed = None,
                        policy: Typed = None, city: Typed = None) -> Response:
    """兑现统计's table as Excel, for everyone: the same groups, filters, counts and sums as the page; a grouping or a
    filter that cannot be kept or is unknown, no workbook but a page saying why, leading back (``refused_download``)."""
    chosen, unticked = _ticked(by, service.PUBLIC_DIMENSIONS)  # the table alone: no totals nor charts to compute
    given, where, wrong = _narrowing(session, {"year": year, "policy": policy, "city": city}, public=True)
    if unticked or wrong:
        return _refused(request, who, chosen, given, [*unticked, *wrong], "/figures", "兑现统计")
    policies = catalogue.published(session)
    table = tables.table(_rows(session, None, chosen, where), chosen, policies, tables.PUBLIC_AMOUNTS,
                         title=tables.titled("兑现统计", where, policies), counts=(("approved", "批准件数"),))
    return download(table, f"兑现统计-{clock.today().isoformat()}.xlsx")


@router.get("/statistics.xlsx")
@said_beside(*FILTERED)
def statistics_xlsx(request: Request, who: CallerDep, actor: Actor, session: Db, by: By = None, year: Filter = None,
                    policy: Filter = None, city: Filter = None, state: Filter = None) -> Response:
    """The statistics table as Excel; a grouping it does not know or a filter it cannot read is refused, not dropped:
    no workbook but a page saying why, leading back to the statistics page (``refused_download``)."""
    chosen, unticked = _ticked(by, DIMENSIONS)
    given, where, wrong = _narrowing(session, {"year": year, "policy": policy, "city": city, "state": state},
                                     public=False)
    if unticked or wrong:
        return _refused(request, who, chosen, given, [*unticked, *wrong], "/statistics", "统计")
    return download_built(request, session, actor, statistics_table, chosen, where,
                          filename=f"申报与兑现统计-{clock.today().isoformat()}.xlsx")


OFFER_HEADER = ["措施", "产生", "企业接受", "责任单位确认", "不予确认", "撤回", "企业放弃", "已拨付", "拨付金额",
                "认定至拨付（平均天数）"]


@router.get("/statistics/offers.xlsx")
def offers_xlsx(actor: Actor, session: Db) -> Response:
    """The statistics page's 政策直达（按措施） as Excel: every offer, as the page lists them (the page's filters narrow
    the applications above it, not these)."""
    rows: list[Sequence[Any]] = [[r.key, r.made, r.accepted, r.confirmed, r.set_aside, r.withdrawn, r.declined, r.paid,
                                  r.paid_amount, r.mean_days] for r in offers.statistics(session, actor=actor)]
    table = Table("政策直达（按措施，全部记录）", OFFER_HEADER, rows, money={"拨付金额"}, wide={"措施"},
                  sheet="政策直达（按措施）")
    return download(table, f"政策直达统计-{clock.today().isoformat()}.xlsx")

