"""Simulation jobs over HTTP: start one (upload or synthetic), poll it, fetch its report; the saved reforms, and two
of them side by side."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.db import session_scope
from huiqi.errors import InputError
from huiqi.labels import Problem
from huiqi.models import SavedReform, SimulationJob
from huiqi.rules.policy import Policy
from huiqi.simulate import jobs, reforms, saved_reforms
from huiqi.simulate.reform import NAME_LENGTH
from huiqi.simulate.reform_comparison import compare, pair
from huiqi.simulate.reform_problems import in_reform
from huiqi.users.scope import require_role
from huiqi.validation import StrictInput, UtcDateTime, ascii_digits, field_path, problems
from huiqi.web.deps import Actor, Db, RecordId, role_first
from huiqi.web.pagination import Page, PagingDep, page_of
from huiqi.web.uploads import read_upload

router = APIRouter(prefix="/simulations", tags=["财政测算"])
saved = APIRouter(prefix="/reforms", tags=["财政测算"])
MEDIA = {"html": "text/html; charset=utf-8", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def job_sessions() -> jobs.Sessions:
    """How a background job opens its sessions (tests hand it theirs)."""
    return session_scope


class JobRead(BaseModel):
    id: int
    state: str
    done: int
    total: int | None
    error: str | None
    params: dict[str, Any]
    created_at: UtcDateTime
    finished_at: UtcDateTime | None
    result: dict[str, Any] | None = None

    @classmethod
    def of(cls, job: SimulationJob, with_result: bool = False) -> "JobRead":
        result = jobs.summary(job) if with_result else None
        if result is not None:
            result = {k: v for k, v in result.items() if k != "html"}
        params = {k: v for k, v in job.params.items() if k != "reform"}
        return cls(id=job.id, state=job.state, done=job.done, total=job.total, error=job.error, params=params,
                   created_at=job.created_at, finished_at=job.finished_at, result=result)


def job_spec(by: str, as_of: str | None, synthetic_applicants: str | None, seed: str | None,
             reform: str | None) -> jobs.JobCreate:
    """A job spec from form fields (full-width digits, typed with a Chinese input method, read as digits); mistakes name
    the field."""
    as_of, synthetic_applicants, seed = (ascii_digits(text or "") for text in (as_of, synthetic_applicants, seed))
    data = {"by": [b.strip() for b in by.split(",") if b.strip()], "as_of": as_of or None,
            "synthetic_applicants": synthetic_applicants or None, "seed": seed or 1, "reform": reform or None}
    try:
        return jobs.JobCreate.model_validate(data)
    except ValidationError as exc:
        raise InputError([(field_path(loc), why) for loc, why in problems(exc)]) from None


def reform_checked(text: str, policies: list[Policy]) -> None:
    """A reform's YAML checked as the page checks it (``reforms.checked``), each mistake said as the page and ``huiqi
    simulate --reform`` say it, in Chinese, at its line in the YAML sent: ``reform`` 第 3 行第 1 列：YAML 格式错误：…;
    a field of it by its path, ``reform.changes[0].since`` 第 3 行，第 1 项修改的生效日期（since）：…"""
    try:
        reforms.checked(text, policies)
    except InputError as error:
        raise InputError([("reform", p[1]) if isinstance(p, Problem)
                          else (p[0], in_reform(p[0].removeprefix("reform."), p[1])) for p in error.problems]) from None


@router.post("", response_model=JobRead, status_code=202, summary="开始一次测算（上传企业样本数据或使用合成数据）",
             dependencies=role_first(*jobs.ANALYSTS, doing="进行财政测算"))
def start(
    actor: Actor, session: Db, background: BackgroundTasks, sessions: Annotated[jobs.Sessions, Depends(job_sessions)],
    population: Annotated[UploadFile | None, File(description="Excel 工作簿，或含两张表的 zip")] = None,
    by: Annotated[str, Form(description="分组，逗号分隔：measure、region、year")] = "measure",
    as_of: Annotated[str | None, Form(description="判断日期 YYYY-MM-DD")] = None,
    synthetic_applicants: Annotated[str | None, Form(description="不上传时，合成申请人数")] = None,
    seed: Annotated[str | None, Form(description="合成数据的随机种子")] = None,
    reform: Annotated[str | None, Form(description="改革方案 YAML")] = None,
) -> JobRead:
    filename, content = read_upload(population, "population")
    spec = job_spec(by, as_of, synthetic_applicants, seed, reform)
    if spec.reform:
        reform_checked(spec.reform, catalogue.published(session))
    job = jobs.start(session, actor=actor, spec=spec, filename=filename, content=content)
    session.commit()
    background.add_task(jobs.run, sessions, job.id)
    return JobRead.of(job)


@router.get("", response_model=Page[JobRead], summary="我的测算任务")
def listed(actor: Actor, session: Db, paging: PagingDep) -> dict:
    return page_of([JobRead.of(j) for j in jobs.listed(session, actor=actor)], paging)


@router.get("/{job_id}", response_model=JobRead, summary="测算任务的进度与结果")
def one(job_id: RecordId, actor: Actor, session: Db) -> JobRead:
    return JobRead.of(jobs.get(session, actor=actor, job_id=job_id), with_result=True)


@router.get("/{job_id}/report.{kind}", response_model=None, summary="下载测算报告（html、xlsx、json）")
def download(job_id: RecordId, kind: str, actor: Actor, session: Db) -> FileResponse | JSONResponse:
    job = jobs.get(session, actor=actor, job_id=job_id)
    path = jobs.report(job, kind)
    if kind == "json":
        return JSONResponse({k: v for k, v in json.loads(path.read_text("utf-8")).items() if k != "html"})
    stamp = clock.today().isoformat()
    return FileResponse(path, media_type=MEDIA[kind], filename=f"财政测算-{job.id}-{stamp}.{kind}")


class ReformRead(BaseModel):
    id: int
    name: str
    description: str
    changes: list[dict[str, Any]]  # policy, parameter, label, value, since: as the page lists them
    job_id: int | None  # the simulation that ran it
    created_at: UtcDateTime

    @classmethod
    def of(cls, reform: SavedReform) -> "ReformRead":
        return cls(id=reform.id, name=reform.name, description=reform.description, changes=reform.changes,
                   job_id=reform.job_id, created_at=reform.created_at)


class ReformDetail(ReformRead):
    text: str  # the reform as YAML, the same as a --reform file for ``huiqi simulate``


class LineRead(BaseModel):
    """One measure (or the total, 合计) of a comparison, in whole yuan."""

    label: str
    baseline: int
    a: int
    b: int
    baseline_b: int  # the baseline of B's simulation (the same as ``baseline`` when ``same_baseline``)
    a_diff: int
    b_diff: int
    b_minus_a: int
    unspecified: bool = False  # a measure whose text names no amount (措施12): its amounts are 0, ``grants`` count
    grants: dict[str, int] = {}  # support items by column: baseline, a, b, baseline_b


class ComparisonRead(BaseModel):
    a: ReformRead
    b: ReformRead
    same_baseline: bool
    missing: list[str]  # the reforms whose simulation has not finished: ``lines`` is empty until none is missing
    failed: list[str]  # those of ``missing`` whose simulation failed: run again under the same name
    lines: list[LineRead]


@saved.get("", response_model=Page[ReformRead], summary="我的改革方案（已保存的）")
def reform_list(actor: Actor, session: Db, paging: PagingDep) -> dict:
    return page_of([ReformRead.of(r) for r in saved_reforms.listed(session, actor=actor)], paging)


@saved.get("/compare", response_model=ComparisonRead, summary="两个已保存改革方案按措施对比支出上限（元）")
def reform_compare(actor: Actor, session: Db, a: str | None = None, b: str | None = None) -> ComparisonRead:
    require_role(actor, *jobs.ANALYSTS, doing="对比改革方案")  # before the parameters: refused, not corrected
    a_id, b_id = pair(a, b)
    found = compare(session, actor=actor, a_id=a_id, b_id=b_id, policies=catalogue.published(session))
    lines = [LineRead(label=line.label, baseline=line.baseline, a=line.a, b=line.b, baseline_b=line.baseline_b,
                      a_diff=line.a_diff, b_diff=line.b_diff, b_minus_a=line.b_minus_a, unspecified=line.unspecified,
                      grants=line.grants) for line in found.lines]
    return ComparisonRead(a=ReformRead.of(found.a), b=ReformRead.of(found.b), same_baseline=found.same_baseline,
                          missing=found.missing, failed=found.failed, lines=lines)


@saved.get("/{reform_id}", response_model=ReformDetail, summary="一个已保存的改革方案（含 YAML）")
def reform_one(reform_id: RecordId, actor: Actor, session: Db) -> ReformDetail:
    reform = saved_reforms.get(session, actor=actor, reform_id=reform_id)
    return ReformDetail(**ReformRead.of(reform).model_dump(), text=reform.text)


class ReformRename(StrictInput):
    name: str = Field(max_length=1000, description=f"新名称：去掉首尾空白后 1 至 {NAME_LENGTH} 个字，不能换行，"
                                                   "不能与保存人的其他改革方案同名（同名则 409）")
    seen: str | None = Field(None, max_length=1000, description=(
        "改名前读到的名称；给出时，期间已被他人改名（或删除）则 409，不给则不核对"))


@saved.patch("/{reform_id}", response_model=ReformDetail,
             dependencies=role_first(*jobs.ANALYSTS, doing="修改改革方案名称"),
             summary="修改一个已保存的改革方案的名称（保存人或管理员）",
             description="YAML 中的名称随之修改；其测算不受影响（测算中的也照常进行）。改名记入审计。")
def reform_rename(reform_id: RecordId, body: ReformRename, actor: Actor, session: Db) -> ReformDetail:
    saved_reforms.rename(session, actor=actor, reform_id=reform_id, name=body.name, seen=body.seen)
    session.commit()
    reform = saved_reforms.get(session, actor=actor, reform_id=reform_id)
    return ReformDetail(**ReformRead.of(reform).model_dump(), text=reform.text)


@saved.delete("/{reform_id}", status_code=204, response_class=Response,
              summary="删除一个已保存的改革方案（保存人或管理员；其测算尚未完成时不能删除）")
def reform_delete(reform_id: RecordId, actor: Actor, session: Db) -> Response:
    saved_reforms.delete(session, actor=actor, reform_id=reform_id)
    session.commit()
    return Response(status_code=204)


router.routes.extend(saved.routes)  # one router per room (app.py): /api/v1/reforms beside /api/v1/simulations
