"""The analyst's saved reforms: the list, and two of them side by side (on the page and as an Excel workbook)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.labels import Problem
from huiqi.models import User
from huiqi.simulate import jobs, reforms
from huiqi.users.scope import require_role
from huiqi.web.deps import Actor, Caller, CallerDep, Db
from huiqi.web.excel import Table, download
from huiqi.web.render import page

router = APIRouter(include_in_schema=False)
HEADER = ("措施", "基线", "方案A", "方案A−基线", "方案B", "方案B−基线", "方案B−方案A")


def _list(request: Request, who: Caller, actor: User, session: Session, *, problems: list, values: dict,
          status_code: int = 200) -> HTMLResponse:
    saved = reforms.listed(session, actor=actor)
    authors = dict(session.execute(select(User.id, User.display_name).where(
        User.id.in_({r.user_id for r in saved}))).all())
    labels = {f"{r.policy.id}|{r.key}": r.label for r in reforms.rows(catalogue.published(session))}
    return page(request, "simulate/reforms.html", who, status_code=status_code, reforms=saved, authors=authors,
                labels=labels, problems=problems, values=values, states=reforms.job_states(session, saved),
                may_compare=jobs.may_analyse(actor))  # the auditor reads them, compares none


@router.get("/simulate/reforms", response_class=HTMLResponse)
def reform_list(request: Request, who: CallerDep, actor: Actor, session: Db, a: str | None = None) -> HTMLResponse:
    """The saved reforms; ``a`` (from a job's page) is chosen as 方案A, anything else in it is ignored."""
    chosen = a if a and a.isascii() and a.isdigit() and len(a) <= 10 else None
    return _list(request, who, actor, session, problems=[], values={"a": chosen} if chosen else {})


@router.get("/simulate/reforms/compare", response_class=HTMLResponse)
def reform_compare(request: Request, who: CallerDep, actor: Actor, session: Db, a: str | None = None,
                   b: str | None = None) -> HTMLResponse:
    require_role(actor, *jobs.ANALYSTS, doing="对比改革方案")
    try:
        a_id, b_id = reforms.pair(a, b)
    except InputError as error:
        return _list(request, who, actor, session, status_code=422, problems=error.problems, values={"a": a, "b": b})
    comparison = reforms.compare(session, actor=actor, a_id=a_id, b_id=b_id, policies=catalogue.published(session))
    return page(request, "simulate/compare.html", who, comparison=comparison, unfinished=unfinished(comparison))


def unfinished(comparison: reforms.Comparison) -> str:
    """Why two reforms cannot be compared yet: a simulation that failed (run it again under the same name) or one
    not finished."""
    waiting = [name for name in comparison.missing if name not in comparison.failed]
    again = "（可在财政测算页面用同一名称重新测算）"
    said = [f"测算失败：{'、'.join(comparison.failed)}{again}"] if comparison.failed else []
    return "；".join(said + ([f"测算尚未完成：{'、'.join(waiting)}"] if waiting else []))


@router.get("/simulate/reforms/compare.xlsx", response_model=None)
def reform_compare_xlsx(actor: Actor, session: Db, a: str | None = None, b: str | None = None) -> Response:
    require_role(actor, *jobs.ANALYSTS, doing="对比改革方案")
    a_id, b_id = reforms.pair(a, b)
    comparison = reforms.compare(session, actor=actor, a_id=a_id, b_id=b_id, policies=catalogue.published(session))
    if comparison.missing:
        raise InputError([Problem("改革方案", unfinished(comparison), "a")])
    title = f"改革方案对比：A {comparison.a.name}；B {comparison.b.name}"
    table = Table(title, HEADER, [(line.label, line.baseline, line.a, line.a_diff, line.b, line.b_diff,
                                   line.b_minus_a) for line in comparison.lines], money=set(HEADER[1:]))
    return download(table, f"改革方案对比-{a_id}-{b_id}.xlsx")
