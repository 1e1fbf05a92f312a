"""The analyst's saved reforms: the list, one of them (its YAML, and deleting it), and two of them side by side (on
the page and as an Excel workbook)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.labels import Problem
from huiqi.models import SavedReform, User
from huiqi.simulate import jobs, reform_views, saved_reforms
from huiqi.simulate.reform import NAME_LENGTH
from huiqi.simulate.reform_comparison import Comparison, compare, pair
from huiqi.users.scope import require_role
from huiqi.validation import kept
from huiqi.web.deps import Actor, Caller, CallerDep, Db, RecordId
from huiqi.web.door import said_beside
from huiqi.web.excel import Table, download, download_workbook
from huiqi.web.render import page
from huiqi.web.steps import Refusal, form_step

router = APIRouter(include_in_schema=False)


def _authors(session: Session, saved: list[SavedReform]) -> dict[int, str]:
    return dict(session.execute(select(User.id, User.display_name).where(
        User.id.in_({r.user_id for r in saved}))).all())


def _list(request: Request, who: Caller, actor: User, session: Session, *, problems: list, values: dict,
          status_code: int = 200) -> HTMLResponse:
    saved = saved_reforms.listed(session, actor=actor)
    policies = catalogue.published(session)
    return page(request, "simulate/reforms.html", who, status_code=status_code, reforms=saved,
                authors=_authors(session, saved), said={r.id: reform_views.said(r.changes, policies) for r in saved},
                problems=problems, values=values, states=saved_reforms.job_states(session, saved),
                may_compare=jobs.may_analyse(actor))  # the auditor reads them, compares none


@router.get("/simulate/reforms", response_class=HTMLResponse)
def reform_list(request: Request, who: CallerDep, actor: Actor, session: Db, a: str | None = None) -> HTMLResponse:
    """The saved reforms; ``a`` (from a job's page) is chosen as 方案A, anything else in it is ignored."""
    chosen = a if a and a.isascii() and a.isdigit() and len(a) <= 10 else None
    return _list(request, who, actor, session, problems=[], values={"a": chosen} if chosen else {})


@router.get("/simulate/reforms.xlsx", response_model=None)
def reform_list_xlsx(actor: Actor, session: Db) -> Response:
    """The saved reforms as the list shows them (the actor's own; an admin's, everyone's), one row per reform."""
    saved = saved_reforms.listed(session, actor=actor)  # refuses whom the page refuses
    policies, authors = catalogue.published(session), _authors(session, saved)
    states = saved_reforms.job_states(session, saved)
    rows = [[r.name, r.description or None, "\n".join(_change(c) for c in reform_views.said(r.changes, policies)),
             r.job_id, STATES.get(states.get(r.id, "")) if r.job_id else None, authors.get(r.user_id), r.created_at]
            for r in saved]
    header = ["名称", "说明", "修改的参数", "测算编号", "测算状态", "保存人", "保存时间"]
    table = Table("已保存的改革方案", header, rows, wide={"名称", "说明", "修改的参数"}, sheet="改革方案")
    return download(table, f"改革方案-{clock.today().isoformat()}.xlsx")


# A simulation's state, as the list's badge says it (simulate/_state.html).
STATES = {"queued": "排队中", "running": "计算中", "done": "已完成", "failed": "测算失败"}


def _change(change: reform_views.ChangeSaid) -> str:
    """One change as the list says it, with its doubt when a money value looks like 万元 written as 元."""
    return f"{change}（不足 1 万元，是否误将万元写作元？）" if change.doubt else str(change)


@router.get("/simulate/reforms/compare", response_class=HTMLResponse)
def reform_compare(request: Request, who: CallerDep, actor: Actor, session: Db, a: str | None = None,
                   b: str | None = None) -> HTMLResponse:
    require_role(actor, *jobs.ANALYSTS, doing="对比改革方案")
    try:
        a_id, b_id = pair(a, b)
    except InputError as error:
        return _list(request, who, actor, session, status_code=422, problems=error.problems, values={"a": a, "b": b})
    comparison = compare(session, actor=actor, a_id=a_id, b_id=b_id, policies=catalogue.published(session))
    return page(request, "simulate/compare.html", who, comparison=comparison, unfinished=unfinished(comparison))


def unfinished(comparison: Comparison) -> str:
    """Why two reforms cannot be compared yet: a simulation that failed (run it again under the same name) or one
    not finished."""
    waiting = [name for name in comparison.missing if name not in comparison.failed]
    again = "（可在财政测算页面用同一名称重新测算）"
    said = [f"测算失败：{'、'.join(comparison.failed)}{again}"] if comparison.failed else []
    return "；".join(said + ([f"测算尚未完成：{'、'.join(waiting)}"] if waiting else []))


@router.get("/simulate/reforms/compare.xlsx", response_model=None)
def reform_compare_xlsx(actor: Actor, session: Db, a: str | None = None, b: str | None = None) -> Response:
    require_role(actor, *jobs.ANALYSTS, doing="对比改革方案")
    a_id, b_id = pair(a, b)
    policies = catalogue.published(session)
    comparison = compare(session, actor=actor, a_id=a_id, b_id=b_id, policies=policies)
    if comparison.missing:
        raise InputError([Problem("改革方案", unfinished(comparison), "a")])
    return download_workbook(reform_views.comparison_book(comparison, policies), f"改革方案对比-{a_id}-{b_id}.xlsx")


def _one(request: Request, who: Caller, actor: User, session: Session, saved: SavedReform, *,
         problems: list | None = None, status_code: int = 200, failed: str = "未能删除",
         typed: str | None = None) -> HTMLResponse:
    """One saved reform's page; after a refusal, its ``problems`` under the title ``failed`` and the name ``typed``
    in the box as it was typed."""
    policies = catalogue.published(session)
    changes = reform_views.said(saved.changes, policies)
    return page(request, "simulate/reform.html", who, status_code=status_code, reform=saved, changes=changes,
                author=_authors(session, [saved]).get(saved.user_id, "—"),
                state=saved_reforms.job_state(session, saved), name_length=NAME_LENGTH,
                may_change=saved_reforms.may_change(actor, saved), problems=problems or [], failed=failed,
                typed=saved.name if typed is None else typed)


@router.get("/simulate/reforms/{reform_id}", response_class=HTMLResponse)
def reform_page(request: Request, who: CallerDep, actor: Actor, session: Db, reform_id: RecordId) -> HTMLResponse:
    """One saved reform: its changes with their units, its YAML (read only, as a --reform file holds it), its
    simulation, and (for its author or an admin) deleting it."""
    return _one(request, who, actor, session, saved_reforms.get(session, actor=actor, reform_id=reform_id))


@router.post("/simulate/reforms/{reform_id}/delete", response_model=None)
def reform_delete(request: Request, who: CallerDep, actor: Actor, session: Db, reform_id: RecordId,
                  confirm: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Delete a saved reform once its author (or an admin) has ticked 确认删除 (asked again by the browser)."""
    require_role(actor, *jobs.ANALYSTS, doing="删除改革方案")  # the auditor reads reforms, deletes none
    saved = saved_reforms.get(session, actor=actor, reform_id=reform_id) if confirm != "yes" else None
    if saved is not None:  # not confirmed: nothing is deleted, and the page says how
        return _one(request, who, actor, session, saved, status_code=422,
                    problems=[Problem("确认删除", "请勾选“确认删除”后再删除（删除后不能恢复）", "confirm")])

    def again(refusal: Refusal) -> Response:
        found = session.get(SavedReform, reform_id)
        if found is None:  # deleted meanwhile (another page): the list, saying so
            return _list(request, who, actor, session, problems=refusal.shown, values={},
                         status_code=refusal.status_code)
        return _one(request, who, actor, session, found, problems=refusal.shown, status_code=refusal.status_code)

    return form_step(session, lambda: saved_reforms.delete(session, actor=actor, reform_id=reform_id),
                     done="/simulate/reforms", again=again, said=lambda name: f"改革方案“{name}”已删除")


@router.post("/simulate/reforms/{reform_id}/rename", response_model=None)
@said_beside("reform_name")
def reform_rename(request: Request, who: CallerDep, actor: Actor, session: Db, reform_id: RecordId,
                  reform_name: Annotated[str, Form()] = "",
                  seen: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Rename a saved reform (its author or an admin); ``seen`` is the name the page showed: renamed meanwhile by
    another page, the page is shown again with the name now saved (409) and the one typed kept in the box. The box
    has no bound here nor at the door: the service says one too long, or with a NUL, beside it, the text kept."""
    require_role(actor, *jobs.ANALYSTS, doing="修改改革方案名称")  # the auditor reads reforms, renames none

    def again(refusal: Refusal) -> Response:
        found = session.get(SavedReform, reform_id)
        if found is None:  # deleted meanwhile (another page): the list, saying so
            return _list(request, who, actor, session, problems=refusal.shown, values={},
                         status_code=refusal.status_code)
        return _one(request, who, actor, session, found, problems=refusal.shown, status_code=refusal.status_code,
                    failed="未能修改名称", typed=kept(reform_name, NAME_LENGTH))

    def said(names: tuple[str, str]) -> str:
        old, new = names
        return f"改革方案“{old}”已改名为“{new}”" if old != new else f"改革方案名称未改变（仍为“{new}”）"

    return form_step(session, lambda: saved_reforms.rename(session, actor=actor, reform_id=reform_id,
                                                           name=reform_name, seen=seen or None),
                     done=f"/simulate/reforms/{reform_id}", again=again, said=said)
