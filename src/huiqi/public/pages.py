"""The public pages: home, the policy, the calculator, 公示 and the whitelist with download."""

import shutil
import tempfile
from pathlib import Path as TempPath
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from starlette.background import BackgroundTask

from huiqi import clock
from huiqi.announcements import service as announcements
from huiqi.catalogue import service as catalogue
from huiqi.departments.contacts import objection_contacts
from huiqi.errors import InputError
from huiqi.public import calculator, service
from huiqi.reference import divisions, industries
from huiqi.rounds import service as rounds
from huiqi.rules.case import read_case
from huiqi.rules.facts import CHOICES, FACTS
from huiqi.rules.match import match
from huiqi.web.deps import CallerDep, Db, SentForm
from huiqi.web.render import is_htmx, page
from huiqi.whitelist import service as whitelist

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, who: CallerDep, session: Db) -> HTMLResponse:
    today = clock.today()
    return page(request, "public/home.html", who, policies=[service.read(p, today) for p in service.policies(session)],
                rounds=[rounds.read(session, r, today) for r in rounds.open_now(session, today)],
                batches=announcements.public_listing(session)[:3], versions=whitelist.published_versions(session))


@router.get("/policy", response_class=HTMLResponse)
def policy(request: Request, who: CallerDep, session: Db) -> HTMLResponse:
    today = clock.today()
    return page(request, "public/policy.html", who,
                policies=[service.detail(p, today) for p in service.policies(session)])


def _calculator(request: Request, who: CallerDep, session: Db, status_code: int = 200, **context) -> HTMLResponse:
    form_context = {
        "codes": catalogue.codes(session), "choices": CHOICES, "facts": FACTS, "cities": divisions.cities(),
        "regions": divisions.divisions(), "classes": {c: r["name"] for c, r in industries.industries().items()
                                                      if r["level"] == "class"},
        "matter_choices": calculator.choices,
    }
    fragment = is_htmx(request) and request.method == "POST"
    name = "public/_calculator_result.html" if fragment else "public/calculator.html"
    return page(request, name, who, status_code=status_code, **form_context, **context)


@router.get("/calculator", response_class=HTMLResponse)
def calculator_form(request: Request, who: CallerDep, session: Db) -> HTMLResponse:
    return _calculator(request, who, session, values={}, rows=[0])


@router.post("/calculator", response_class=HTMLResponse)
def calculator_run(request: Request, who: CallerDep, form: SentForm, session: Db) -> HTMLResponse:
    values = {k: form.getlist(k) for k in form if k != "csrf_token"}
    rows = calculator.matter_rows(form)
    try:
        data = calculator.case_from_form(form, catalogue.codes(session))
        case = read_case(data)
        answer = match(case, service.policies(session), case.as_of or clock.today())
    except InputError as error:
        problems = [(calculator.field_label(f), r) for f, r in error.problems]
        return _calculator(request, who, session, values=values, rows=rows, problems=problems, status_code=422)
    return _calculator(request, who, session, values=values, rows=rows, answer=answer, case=data,
                       open_rounds=rounds.open_by_measure(session))


@router.get("/calculator/matter", response_class=HTMLResponse)
def calculator_matter(request: Request, who: CallerDep, session: Db, i: Annotated[int, Query(ge=0, le=29)] = 0,
                      add: bool = False) -> HTMLResponse:
    """One matter's fieldset, with the fields its chosen codes need (the form sends what it has)."""
    values = {k: request.query_params.getlist(k) for k in request.query_params if k.startswith(f"matters-{i}-")}
    return page(request, "public/_matter.html", who, i=i, values=values, add_next=i + 1 if add else None,
                codes=catalogue.codes(session), choices=CHOICES, facts=FACTS, matter_choices=calculator.choices)


@router.get("/announcements", response_class=HTMLResponse)
def announcements_page(request: Request, who: CallerDep, session: Db) -> HTMLResponse:
    return page(request, "public/announcements.html", who, batches=announcements.public_listing(session),
                titles=service.measure_titles(session), today=clock.today(), contacts=objection_contacts())


@router.get("/whitelist", response_class=HTMLResponse)
def whitelist_page(request: Request, who: CallerDep, session: Db,
                   version: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None) -> HTMLResponse:
    versions = whitelist.published_versions(session)
    number = version or (versions[-1].number if versions else None)
    chosen = whitelist.read(session, version_id=whitelist.version_id(session, number=number)) if number else None
    entries = [e for e in chosen.entries if e.included] if chosen else []
    return page(request, "public/whitelist.html", who, versions=versions, chosen=chosen, entries=entries,
                regions=divisions.divisions(), classes=industries.industries())


@router.get("/whitelist/{number}.xlsx")
def whitelist_download(number: Annotated[int, Path(ge=1, le=2_147_483_647, description="版本号")],
                       session: Db) -> FileResponse:
    folder = TempPath(tempfile.mkdtemp(prefix="huiqi-whitelist-"))
    path = whitelist.export_xlsx(session, version_id=whitelist.version_id(session, number=number),
                                 path=folder / f"whitelist-v{number}.xlsx")
    return FileResponse(path, filename=f"数字经济核心产业企业白名单-第{number}版.xlsx",
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))
