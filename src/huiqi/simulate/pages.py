"""The analyst's pages: start a simulation (upload or synthetic, with a reform edited in the parameter table or
given as YAML), watch it, read the result."""

import json
import shutil
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, InputError
from huiqi.labels import Problem, field_label, labelled
from huiqi.models import User
from huiqi.simulate import jobs, reform_pages, reforms
from huiqi.simulate.endpoints import job_sessions, job_spec
from huiqi.simulate.population import sections
from huiqi.simulate.report import SimulationReport, charts, impact_view, people_table
from huiqi.simulate.synth import MAX_SEED
from huiqi.users.scope import require_role
from huiqi.validation import ascii_digits, date_reason, iso_date
from huiqi.web.deps import Actor, Caller, CallerDep, Db, RecordId
from huiqi.web.pagination import PAGE_SIZE, PageNumber, Paging
from huiqi.web.render import is_htmx, page
from huiqi.web.steps import flash
from huiqi.web.uploads import read_upload

router = APIRouter(include_in_schema=False)
router.routes.extend(reform_pages.router.routes)  # before /simulate/{job_id}, which would take /simulate/reforms


async def form_data(request: Request) -> FormData:
    """The whole form (the parameter table's fields are as many as the policies have parameters)."""
    return await request.form()


Form_ = Annotated[FormData, Depends(form_data)]


VIEW_DAY = "参数表显示哪一天的现行值"
SHOWN_ROWS = 50  # a result's group rows on its page (by measure, region and year: some thousand); all in the Excel
SYNTHETIC = "20000"  # the count the form offers: not "given" when a file is chosen


def _as_of(text: str | None) -> date | None:
    """The day typed (full-width digits read as digits), today when none was; None when it is no date."""
    try:
        return iso_date(ascii_digits(text)) if text and text.strip() else clock.today()
    except ValueError:
        return None


def _index(request: Request, who: Caller, actor: User, session: Session, *, values: dict[str, str],
           problems: list, status_code: int = 200, day: date | None = None, number: int = 1) -> HTMLResponse:
    require_role(actor, *jobs.ANALYSTS, doing="进行财政测算")  # the page is the form that runs one
    policies = catalogue.published(session)
    every, pager = jobs.listed(session, actor=actor), Paging(page=number, size=PAGE_SIZE)
    kept = {k: v for k, v in (("as_of", values.get("as_of")),) if v}
    return page(request, "simulate/index.html", who, status_code=status_code, jobs=pager.slice(every),
                total=len(every), pager=pager, link=lambda n: "/simulate?" + urlencode({**kept, "page": n}) + "#mine",
                problems=problems, values=values, rows=reforms.rows(policies),
                day=day or _as_of(values.get("as_of")) or clock.today(), units=reforms.UNITS, max_seed=MAX_SEED)


@router.get("/simulate", response_class=HTMLResponse)
def simulate_page(request: Request, who: CallerDep, actor: Actor, session: Db,
                  as_of: str | None = None, number: PageNumber = 1) -> HTMLResponse:
    day = _as_of(as_of)
    problems = [] if day is not None else [
        Problem(VIEW_DAY, f"{date_reason(ascii_digits(as_of or ''))}，下表显示今天的现行值", "view_as_of")]
    return _index(request, who, actor, session, problems=problems, day=day, number=number,
                  values={"by": "measure,region", "synthetic_applicants": SYNTHETIC, "seed": "1", "reform": "",
                          "as_of": str(day) if as_of and day else ""})


def _edits(form: FormData, rows: list[reforms.Row]) -> list[reforms.Edit]:
    """The rows the analyst changed (a new value or a start date typed in)."""
    edits = []
    for row in rows:
        value, since = str(form.get(f"{row.field}_value") or ""), str(form.get(f"{row.field}_since") or "")
        if not (value.strip() or since.strip()):
            continue
        if form.get(f"{row.field}_key") != f"{row.policy.id}|{row.key}":
            raise InputError([Problem("参数表", "生效的政策已有变化，请刷新页面后重新填写", "params")])
        edits.append(reforms.Edit(row, value, since))
    return edits


def _reform_text(form: FormData, rows: list[reforms.Row], yaml_text: str) -> tuple[str | None, list[reforms.Edit]]:
    """The reform to run: the table's edits written as reform YAML (with the edits), or the YAML typed in, or none
    (baseline only)."""
    edits = _edits(form, rows)
    name = str(form.get("reform_name") or "")
    if edits or (name.strip() and not yaml_text):
        if yaml_text:
            raise InputError([Problem("改革方案（YAML）", "已在参数表中修改了参数：请清空 YAML，两种方式只用一种",
                                      "reform")])
        return reforms.reform_text(name, str(form.get("reform_description") or ""), edits), edits
    return yaml_text or None, []


def _labelled(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each field by its Chinese label, as every form names it; a mistake inside the reform's YAML is the reform's,
    with its place in the YAML (``reform.changes[0].value``) kept."""
    inside = [p if isinstance(p, Problem) or not p[0].startswith("reform.")
              else Problem(_in_reform(p[0].removeprefix("reform.")), p[1], "reform") for p in problems]
    return labelled(inside)


def _in_reform(place: str) -> str:
    """改革方案 and the place in its YAML (``changes[0].value``); the reform itself (``（整体）``) is the reform.

    >>> _in_reform("changes[0].value"), _in_reform("（整体）")
    ('改革方案（changes[0].value）', '改革方案')
    """
    return field_label("reform") if place.startswith("（") else f"{field_label('reform')}（{place}）"


@router.post("/simulate", response_model=None)
def simulate_start(request: Request, who: CallerDep, actor: Actor, session: Db, background: BackgroundTasks,
                   sessions: Annotated[jobs.Sessions, Depends(job_sessions)], form: Form_,
                   population: Annotated[UploadFile | None, File()] = None,
                   by: Annotated[list[str] | None, Form()] = None, as_of: Annotated[str | None, Form()] = None,
                   synthetic_applicants: Annotated[str | None, Form()] = None,
                   seed: Annotated[str | None, Form()] = None,
                   reform: Annotated[str | None, Form()] = None) -> HTMLResponse | RedirectResponse:
    require_role(actor, *jobs.ANALYSTS, doing="进行财政测算")
    values = {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    by_keys = ",".join(by or [])  # the boxes ticked (按措施、按地区、按年份); none: the totals alone
    values |= {"by": by_keys, "as_of": as_of or "", "synthetic_applicants": synthetic_applicants or "",
               "seed": seed or "1", "reform": reform or ""}
    policies = catalogue.published(session)
    job = None
    try:  # the reform checked first; saved (and audited, which waits on the audit trail) last, after the upload
        text, edits = _reform_text(form, reforms.rows(policies), (reform or "").strip())
        changed = reforms.checked(text, policies, edits) if text else None
        filename, content = read_upload(population, "population")
        if content is not None and ascii_digits(synthetic_applicants or "").strip() == SYNTHETIC:
            synthetic_applicants = None  # the form's own offer, left as it was: the file is the source
        job = jobs.start(session, actor=actor, spec=job_spec(by_keys, as_of, synthetic_applicants, seed, text),
                         filename=filename, content=content)
        saved = reforms.save(session, actor=actor, reform=changed, text=text, job=job) if changed and text else None
    except (InputError, Conflict) as error:
        folder = job.folder if job is not None else None
        session.rollback()
        if folder:  # the job's files, unpacked before its reform's name was found taken: nothing is half-written
            shutil.rmtree(folder, ignore_errors=True)
        problems = (_labelled(error.problems) if isinstance(error, InputError)
                    else [Problem("改革方案名称", error.message, "reform_name")])
        if population is not None and population.filename:  # a browser cannot keep the file chosen: say so
            values["dropped"] = population.filename
        return _index(request, who, actor, session, status_code=error.status_code, problems=problems, values=values)
    session.commit()
    background.add_task(jobs.run, sessions, job.id)
    moved = RedirectResponse(f"/simulate/{job.id}", status_code=303)
    flash(moved, f"测算已开始{f'，改革方案“{saved.name}”已保存' if saved is not None else ''}。完成后本页显示结果。")
    return moved


@router.get("/simulate/{job_id}", response_class=HTMLResponse)
def simulate_job(request: Request, who: CallerDep, actor: Actor, session: Db, job_id: RecordId) -> HTMLResponse:
    job = jobs.get(session, actor=actor, job_id=job_id)
    report = jobs.rebuild(job, catalogue.published(session))
    context: dict[str, Any] = {"job": job, "analyst": jobs.may_analyse(actor)}  # the auditor only reads
    if job.state == "failed" and job.error:
        context["failure"] = sections(job.error.removeprefix("测算失败："))
    if report is not None:
        headers, rows = people_table(report)
        groups = len(rows) - 1  # the last is the total
        context |= {"report": report, "saved": reforms.of_job(session, job.id), "headers": headers,
                    "rows": [*rows[:min(groups, SHOWN_ROWS)], rows[-1]], "groups": groups, "shown": SHOWN_ROWS,
                    "keys": len(report.group_keys()),
                    "charts": json.dumps(charts(report), ensure_ascii=False)} | impact_context(report)
    polled = is_htmx(request)
    return page(request, "simulate/_job.html" if polled else "simulate/job.html", who, polled=polled, **context)


def impact_context(report: SimulationReport) -> dict[str, Any]:
    """The impact section of a finished job's page (none for jobs finished before there was one)."""
    return {"impact": impact_view(report)}
