"""The analyst's pages: start a simulation (upload or synthetic, with a reform), watch it, read the result."""

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.simulate import jobs
from huiqi.simulate.endpoints import job_sessions, job_spec, read_upload
from huiqi.simulate.report import SimulationReport, charts, impact_view, people_table
from huiqi.web.deps import Actor, CallerDep, Db, RecordId
from huiqi.web.render import is_htmx, page

router = APIRouter(include_in_schema=False)
EXAMPLE_REFORM = (Path(__file__).resolve().parents[3] / "examples" / "reform.yaml")


def _example_reform() -> str:
    return EXAMPLE_REFORM.read_text("utf-8") if EXAMPLE_REFORM.exists() else ""


@router.get("/simulate", response_class=HTMLResponse)
def simulate_page(request: Request, who: CallerDep, actor: Actor, session: Db) -> HTMLResponse:
    return page(request, "simulate/index.html", who, jobs=jobs.listed(session, actor=actor), problems=[],
                values={"by": "measure,region", "synthetic_applicants": "20000", "seed": "1",
                        "reform": _example_reform()})


@router.post("/simulate", response_model=None)
def simulate_start(request: Request, who: CallerDep, actor: Actor, session: Db, background: BackgroundTasks,
                   sessions: Annotated[jobs.Sessions, Depends(job_sessions)],
                   population: Annotated[UploadFile | None, File()] = None,
                   by: Annotated[str, Form()] = "measure", as_of: Annotated[str | None, Form()] = None,
                   synthetic_applicants: Annotated[str | None, Form()] = None,
                   seed: Annotated[str | None, Form()] = None,
                   reform: Annotated[str | None, Form()] = None) -> HTMLResponse | RedirectResponse:
    values = {"by": by, "as_of": as_of or "", "synthetic_applicants": synthetic_applicants or "",
              "seed": seed or "1", "reform": reform or ""}
    try:
        filename, content = read_upload(population)
        job = jobs.start(session, actor=actor, spec=job_spec(by, as_of, synthetic_applicants, seed, reform),
                         filename=filename, content=content)
    except InputError as error:
        session.rollback()
        return page(request, "simulate/index.html", who, status_code=422, jobs=jobs.listed(session, actor=actor),
                    problems=error.problems, values=values)
    session.commit()
    background.add_task(jobs.run, sessions, job.id)
    return RedirectResponse(f"/simulate/{job.id}", status_code=303)


@router.get("/simulate/{job_id}", response_class=HTMLResponse)
def simulate_job(request: Request, who: CallerDep, actor: Actor, session: Db, job_id: RecordId) -> HTMLResponse:
    job = jobs.get(session, actor=actor, job_id=job_id)
    report = jobs.rebuild(job, catalogue.published(session))
    context = {"job": job}
    if report is not None:
        headers, rows = people_table(report)
        context |= {"report": report, "headers": headers, "rows": rows, "keys": len(report.group_keys()),
                    "charts": json.dumps(charts(report), ensure_ascii=False)} | impact_context(report)
    name = "simulate/_job.html" if is_htmx(request) else "simulate/job.html"
    return page(request, name, who, **context)


def impact_context(report: SimulationReport) -> dict[str, Any]:
    """The impact section of a finished job's page (none for jobs finished before there was one)."""
    return {"impact": impact_view(report)}
