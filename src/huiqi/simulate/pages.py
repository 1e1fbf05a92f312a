"""The analyst's pages: start a simulation (upload or synthetic, with a reform edited in the parameter table or
given as YAML), watch it, read the result."""

import json
import re
import shutil
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import ChangedMeanwhile, Conflict, InputError
from huiqi.labels import Problem, field_label, grouping, labelled
from huiqi.models import User
from huiqi.simulate import jobs, reform_pages, reform_views, reforms, saved_reforms
from huiqi.simulate.endpoints import job_sessions, job_spec
from huiqi.simulate.population import sections
from huiqi.simulate.reform import DESCRIPTION_LENGTH, NAME_LENGTH, Reform
from huiqi.simulate.reform_problems import in_reform
from huiqi.simulate.report import SimulationReport, charts, impact_view, people_table
from huiqi.simulate.synth import MAX_SEED
from huiqi.simulate.template import template
from huiqi.users.scope import require_role
from huiqi.validation import ascii_digits, control_reason, date_reason, iso_date, kept, unkept
from huiqi.web.deps import Actor, Caller, CallerDep, Db, RecordId
from huiqi.web.door import EVERY, said_beside
from huiqi.web.excel import Table, download, download_workbook
from huiqi.web.pagination import PAGE_SIZE, PageNumber, Paging
from huiqi.web.render import is_htmx, page
from huiqi.web.steps import flash, flashed
from huiqi.web.uploads import read_upload

router = APIRouter(include_in_schema=False)
router.routes.extend(reform_pages.router.routes)  # before /simulate/{job_id}, which would take /simulate/reforms


async def form_data(request: Request) -> FormData:
    """The whole form (the parameter table's fields are as many as the policies have parameters)."""
    return await request.form()


Form_ = Annotated[FormData, Depends(form_data)]


VIEW_DAY = "参数表显示哪一天的现行值"
SHOWN_ROWS = 50  # a result's group rows on its page (by measure, region and year: some thousand); all in the Excel
STARTED = "测算已开始"  # the message after starting one (a failed run's page says it failed after)
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
    groups = reforms.grouped(reforms.rows(policies))
    return page(request, "simulate/index.html", who, status_code=status_code, jobs=pager.slice(every),
                total=len(every), pager=pager, link=lambda n: "/simulate?" + urlencode({**kept, "page": n}) + "#mine",
                problems=problems, values=values, groups=groups, held=_held(groups, values, problems),
                policies=policies,
                day=day or _as_of(values.get("as_of")) or clock.today(), max_seed=MAX_SEED,
                earliest=min((p.issued for p in policies), default=None))


def _held(groups: list[reforms.Group], values: dict[str, str], problems: list) -> set[str]:
    """The parameter groups a phone keeps open: those holding a value typed in, or a mistake to correct."""
    wrong = {getattr(p, "field", None) for p in problems}
    return {g.id for g in groups for row in g.rows for part in ("value", "since")
            if values.get(f"{row.field}_{part}") or f"{row.field}_{part}" in wrong}


@router.get("/simulate", response_class=HTMLResponse)
def simulate_page(request: Request, who: CallerDep, actor: Actor, session: Db,
                  as_of: str | None = None, number: PageNumber = 1, again: str | None = None) -> HTMLResponse:
    """The form; ``again`` (a failed run's number, from its page) fills it in as that run was started."""
    day = _as_of(as_of)
    problems = [] if day is not None else [
        Problem(VIEW_DAY, f"{date_reason(ascii_digits(as_of or ''))}，下表显示今天的现行值", "view_as_of")]
    values = {"by": "measure,region", "synthetic_applicants": SYNTHETIC, "seed": "1", "reform": "",
              "as_of": str(day) if as_of and day else ""}
    if again and again.isascii() and again.isdigit() and len(again) <= 10:
        require_role(actor, *jobs.ANALYSTS, doing="进行财政测算")
        values = _again(jobs.get(session, actor=actor, job_id=int(again)), catalogue.published(session))
    return _index(request, who, actor, session, problems=problems, day=day, number=number, values=values)


def _again(job: Any, policies: list) -> dict[str, str]:
    """The form as ``job`` was started: its data source (a file cannot be chosen again by the page: named, to be
    chosen anew), grouping, day and reform, in the parameter table when every change is one of its rows (under the
    same name: a failed run's reform may be run again so), else as YAML."""
    params = job.params
    values = {"by": ",".join(params.get("by") or []), "as_of": params.get("as_of") or "",
              "synthetic_applicants": str(params.get("synthetic_applicants") or ""),
              "seed": str(params.get("seed") or 1), "reform": params.get("reform") or ""}
    if params.get("filename"):  # named beside the file box, which the link from the failed run's page goes to
        values |= {"dropped": params["filename"], "again": str(job.id)}
    if not values["reform"]:
        return values
    try:
        reform = jobs.parse_reform(values["reform"])
    except InputError:
        return values
    rows = {(r.policy.id, r.key): r for r in reforms.rows(policies)}
    only = policies[0].id if len(policies) == 1 else None
    found = [rows.get((c.policy or only or "", c.parameter)) for c in reform.changes]
    if None in found or len({r.field for r in found if r}) < len(found):
        return values  # a change the table has no row for, or two of one row: the YAML as it was
    values |= {"reform": "", "reform_name": reform.name, "reform_description": reform.description or ""}
    for row, change in zip(found, reform.changes, strict=True):
        if row is not None:
            values |= {f"{row.field}_value": _typed_back(change.value), f"{row.field}_since": str(change.since)}
    return values


def _typed_back(value: Any) -> str:
    """A change's value as the table takes it: 1500万元 and 30% as written (the table reads units), a date as ISO."""
    return value.isoformat() if isinstance(value, date) else str(value)


class StaleTable(ChangedMeanwhile):
    """The parameter table was filled in from a version of a policy no longer in force (a tab opened before a new
    version was published): 409, the form shown again with the 现行值 now in force; ``moved`` when its rows are no
    longer the same parameters (what was typed in them is not kept)."""

    def __init__(self, problems: list[tuple[str, str]], moved: bool = False):
        super().__init__(problems)
        self.moved = moved


def _edits(form: FormData, rows: list[reforms.Row], day: date) -> list[reforms.Edit]:
    """The rows the analyst changed (a new value or a start date typed in), from the versions of the policies they
    saw (``seen``: policy id|version, one per policy the table showed); a row of a policy published anew since is
    refused with its value now in force."""
    seen = dict(str(v).partition("|")[::2] for v in form.getlist("seen"))
    edits, stale = [], []
    for row in rows:
        value, since = str(form.get(f"{row.field}_value") or ""), str(form.get(f"{row.field}_since") or "")
        if not (value.strip() or since.strip()):
            continue
        if form.get(f"{row.field}_key") != f"{row.policy.id}|{row.key}":
            raise StaleTable([Problem("参数表", "生效的政策已有变化，参数表的各行已不同：下表为现行的参数，请重新填写",
                                      "params")], moved=True)
        if seen.get(row.policy.id, row.policy.version) != row.policy.version:
            stale.append(row)
        edits.append(reforms.Edit(row, value, since))
    if stale:
        numbers = "、".join(dict.fromkeys(row.policy.number for row in stale))
        now = "；".join(f"{row.label}现为 {row.in_force(day)[0]}{row.unit}" for row in stale)
        raise StaleTable([Problem("参数表", f"{numbers}在本页打开后已发布新版本，下表已按新版本显示现行值（{now}）："
                                            "请核对所填新值后再开始测算", "params")])
    return edits


def _reform_text(form: FormData, rows: list[reforms.Row], yaml_text: str,
                 day: date) -> tuple[str | None, list[reforms.Edit]]:
    """The reform to run: the table's edits written as reform YAML (with the edits), or the YAML typed in, or none
    (baseline only)."""
    edits = _edits(form, rows, day)
    name = str(form.get("reform_name") or "")
    if edits or (name.strip() and not yaml_text):
        if yaml_text:
            raise InputError([Problem("改革方案（YAML）", "已在参数表中修改了参数：请清空 YAML，两种方式只用一种",
                                      "reform")])
        return reforms.reform_text(name, str(form.get("reform_description") or ""), edits), edits
    return yaml_text or None, []


def _labelled(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each field by its Chinese label, as every form names it; a mistake inside the reform's YAML is the reform's,
    said beside its box with its line and its place in the analyst's words: 第 3 行，第 1 项修改的生效日期（since）."""
    inside = [p if isinstance(p, Problem) or not p[0].startswith("reform.")
              else Problem(field_label("reform"), in_reform(p[0].removeprefix("reform."), p[1]), "reform")
              for p in problems]
    return labelled(inside)


# Each box's bound, to which its text is kept when the form is shown again; the reform's is checked before its YAML is
# read (as the job's spec words it), the name's and the description's by the reform's own checks, every other box (a
# number, a date, a parameter's new value) is a short one.
BOUNDS = {"reform": jobs.REFORM_LENGTH, "reform_name": NAME_LENGTH, "reform_description": DESCRIPTION_LENGTH}
SHORT = 100


def _unkept(form: FormData, rows: list[reforms.Row]) -> None:
    """Refuse a box holding a character no record keeps (a NUL), or longer than its bound, beside the box: the door
    leaves this form's boxes to it (the parameter table's are named as the policies in force have parameters)."""
    labels = {f"{row.field}_{part}": f"{row.label}（{said}）" for row in rows
              for part, said in (("value", "新值"), ("since", "生效日期"))}
    found = []
    for name, value in form.multi_items():
        if not isinstance(value, str) or name == "csrf_token":
            continue
        why = control_reason(value)
        if why is None and name == "reform" and len(value) > jobs.REFORM_LENGTH:
            why = f"不能超过 {jobs.REFORM_LENGTH} 个字"
        elif why is None and name not in BOUNDS:
            why = unkept(value, SHORT)
        if why:
            found.append(Problem(labels.get(name) or field_label(name), why, name))
    if found:
        raise InputError(found)


@router.post("/simulate", response_model=None)
@said_beside(EVERY)
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
    # what was typed, as the form shows it again: without a character no record keeps, cut to the box's bound
    values = {k: kept(v, BOUNDS.get(k, SHORT)) for k, v in values.items()}
    policies = catalogue.published(session)
    job, edits, changed = None, [], None
    try:  # the reform checked first; saved (and audited, which waits on the audit trail) last, after the upload
        _unkept(form, reforms.rows(policies))
        text, edits = _reform_text(form, reforms.rows(policies), (reform or "").strip(),
                                   _as_of(as_of) or clock.today())
        changed = reforms.checked(text, policies, edits) if text else None
        filename, content = read_upload(population, "population")
        if content is not None and ascii_digits(synthetic_applicants or "").strip() == SYNTHETIC:
            synthetic_applicants = None  # the form's own offer, left as it was: the file is the source
        job = jobs.start(session, actor=actor, spec=job_spec(by_keys, as_of, synthetic_applicants, seed, text),
                         filename=filename, content=content)
        saved = (saved_reforms.save(session, actor=actor, reform=changed, text=text, job=job)
                 if changed and text else None)
    except (InputError, Conflict) as error:
        folder = job.folder if job is not None else None
        session.rollback()
        if folder:  # the job's files, unpacked before its reform's name was found taken: nothing is half-written
            shutil.rmtree(folder, ignore_errors=True)
        problems = _refused(error, edits, changed)
        if isinstance(error, StaleTable) and error.moved:  # typed into rows that are now other parameters
            values = {k: v for k, v in values.items() if not re.fullmatch(r"p\d+_(value|since)", k)}
        if population is not None and population.filename:  # a browser cannot keep the file chosen: say so
            values["dropped"] = population.filename
        return _index(request, who, actor, session, status_code=error.status_code, problems=problems, values=values)
    session.commit()
    background.add_task(jobs.run, sessions, job.id)
    moved = RedirectResponse(f"/simulate/{job.id}", status_code=303)
    flash(moved, f"{STARTED}{f'，改革方案“{saved.name}”已保存' if saved is not None else ''}。完成后本页显示结果。")
    return moved


def _refused(error: InputError | Conflict, edits: list[reforms.Edit], changed: Reform | None) -> list:
    """Why a simulation was not started, each beside its field: a name taken is the 方案名称 box's when the table
    wrote the reform, the YAML box's when the name was typed in the YAML."""
    if isinstance(error, InputError):
        return _labelled(error.problems)
    if isinstance(error, ChangedMeanwhile):
        return labelled(error.problems)
    if edits or changed is None:
        return [Problem("改革方案名称", error.message, "reform_name")]
    return [Problem(field_label("reform"), f"YAML 中的名称（name: {changed.name}）已用于您保存的另一个改革方案："
                                            "请在 YAML 中换一个名称", "reform")]


@router.get("/simulate/parameters.xlsx", response_model=None)
def parameters_xlsx(actor: Actor, session: Db, as_of: str | None = None) -> Response:
    """The parameter table as the page shows it on ``as_of`` (today when none, or none readable): one row a
    parameter, its value in force with its unit, start and source."""
    require_role(actor, *jobs.ANALYSTS, doing="进行财政测算")
    day = _as_of(as_of) or clock.today()
    rows = []
    for row in reforms.rows(catalogue.published(session)):
        value, since, source = row.in_force(day)
        measure = f"{row.measure} {row.measure_title}" if row.measure is not None else row.measure_title
        rows.append([row.policy.number, measure, row.parameter.label, row.key, value, row.unit or None, since, source])
    header = ["政策", "措施", "参数", "参数键", "现行值", "单位", "起始日期", "来源"]
    table = Table(f"财政测算参数表（{day.isoformat()} 的现行值）", header, rows, wide={"措施", "参数", "来源"},
                  sheet="参数表")
    return download(table, f"测算参数表-{day.isoformat()}.xlsx")


@router.get("/simulate/runs.xlsx", response_model=None)
def runs_xlsx(actor: Actor, session: Db) -> Response:
    """我的测算 as the page lists them (every page of it), one row a run."""
    require_role(actor, *jobs.ANALYSTS, doing="进行财政测算")
    rows = [[j.id, j.params.get("filename") or f"合成 {j.params.get('synthetic_applicants')} 个申请人",
             grouping(j.params.get("by") or []), j.params.get("reform_name") or None,
             j.params.get("as_of") or None, reform_pages.STATES.get(j.state, j.state), j.error or None, j.created_at,
             j.finished_at] for j in jobs.listed(session, actor=actor)]
    header = ["编号", "数据", "分组", "改革方案", "判断日期", "状态", "失败原因", "开始时间", "完成时间"]
    table = Table("我的测算", header, rows, wide={"数据", "失败原因"})
    return download(table, f"我的测算-{clock.today().isoformat()}.xlsx")


@router.get("/simulate/template.xlsx", response_model=None)
def population_template(actor: Actor, session: Db) -> Response:
    """The population template: the two sheets a simulation reads, an example row in each, the columns' notes (units:
    money in 元) and the matter codes of the policies in force."""
    require_role(actor, *jobs.ANALYSTS, doing="进行财政测算")
    codes = {c: i for p in catalogue.published(session) for c, i in p.codes.items()}
    return download_workbook(template(codes), "企业样本数据模板.xlsx")


@router.get("/simulate/{job_id}", response_class=HTMLResponse)
def simulate_job(request: Request, who: CallerDep, actor: Actor, session: Db, job_id: RecordId) -> HTMLResponse:
    job = jobs.get(session, actor=actor, job_id=job_id)
    report = jobs.rebuild(job, catalogue.published(session))
    context: dict[str, Any] = {"job": job, "analyst": jobs.may_analyse(actor),  # the auditor only reads
                               "doubts": _doubts(job.params.get("reform"), catalogue.published(session))}
    if job.state == "failed" and job.error:
        context["failure"] = sections(job.error.removeprefix("测算失败："))
        said = flashed(request) or ""
        if said.startswith(STARTED):  # said as it went: started (its reform saved), then failed
            context |= {"flash": f"{said.split('。', 1)[0]}；随后测算失败，原因见下，可“修改后重新测算”。",
                        "flash_done": False}
    if report is not None:
        headers, rows = people_table(report)
        groups = len(rows) - 1  # the last is the total
        context |= {"report": report, "saved": saved_reforms.of_job(session, job.id), "headers": headers,
                    "rows": [*rows[:min(groups, SHOWN_ROWS)], rows[-1]], "groups": groups, "shown": SHOWN_ROWS,
                    "keys": len(report.group_keys()),
                    "charts": json.dumps(charts(report), ensure_ascii=False)} | impact_context(report)
    polled = is_htmx(request)
    return page(request, "simulate/_job.html" if polled else "simulate/job.html", who, polled=polled, **context)


def _doubts(text: str | None, policies: list) -> list[str]:
    """The money values of a job's reform that look like 万元 written as 元 (warned of on its page, never refused)."""
    try:
        return reform_views.doubts(jobs.parse_reform(text), policies) if text else []
    except InputError:  # checked when the job started: a reform that no longer reads is the job's to report
        return []


def impact_context(report: SimulationReport) -> dict[str, Any]:
    """The impact section of a finished job's page (none for jobs finished before there was one)."""
    return {"impact": impact_view(report)}
