"""Simulation jobs: a fiscal simulation started from the web or the API, run in the background.

A job keeps its inputs (an uploaded population or a synthetic one, the grouping, a reform) in a
folder of its own, its progress in the database (so any server process can report it), and its
report there when done: ``report.json`` for programs and pages, ``report.html`` and ``report.xlsx``
for people. A job cut off by a restart is marked failed at the next start, never left "running".
"""

import json
import logging
import shutil
import time
import zipfile
import zlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Annotated, Any

import polars as pl
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.config import get_settings
from huiqi.db import utcnow
from huiqi.errors import Conflict, HuiqiError, InputError, NotFound
from huiqi.labels import grouping
from huiqi.models import SimulationJob, User
from huiqi.rules.policy import Policy
from huiqi.simulate.engine import GROUPINGS, Runner, Scenario, difference, too_early
from huiqi.simulate.impact import summarise
from huiqi.simulate.population import PopulationError, header_problems, read_population, write_population
from huiqi.simulate.population_files import TABLES
from huiqi.simulate.reform import Reform, apply_reform, parse_reform
from huiqi.simulate.report import SimulationReport, html, write
from huiqi.simulate.synth import MAX_SEED, Applicants, Seed, drawn_for, synthesise
from huiqi.simulate.workbook import MAX_UNPACKED, has_sheets
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import Day

# 省财政厅, 省数据局, the departments and the policy analysts estimate costs
ANALYSTS = (Role.FINANCE, Role.ADMIN, Role.DEPARTMENT, Role.ANALYST)
READERS = (*ANALYSTS, Role.AUDITOR)  # who may read estimates: the auditor reads everything
SEES_ALL = (Role.ADMIN, Role.AUDITOR)  # who reads everyone's, not only their own
MAX_SYNTHETIC = 200_000  # applicants a web request may ask to synthesise (about a million matters)
Sessions = Callable[[], AbstractContextManager[Session]]
SAVED = "population.xlsx"  # an uploaded workbook's name on the server (the uploader's name is kept in the job)
POPULATION = "企业样本数据"
REFORM_LENGTH = 20_000  # a reform's YAML, typed or sent


def may_analyse(actor: User) -> bool:
    """Whether ``actor`` may start simulations and compare reforms (the auditor only reads them): what the pages
    offer, said once."""
    return actor.role in ANALYSTS


class JobCreate(BaseModel):
    """What to simulate: a population (uploaded, or synthetic), how to group, as of when, a reform."""

    by: list[str] = Field(default_factory=lambda: ["measure"], description="分组：measure、region、year")
    as_of: Day | None = Field(None, description="判断日期；默认今天")
    synthetic_applicants: Annotated[Applicants, Field(le=MAX_SYNTHETIC)] | None = Field(
        None, description="不上传时的合成申请人数")
    seed: Seed = Field(1, description=f"合成数据的随机种子（0 至 {MAX_SEED} 的整数）")
    reform: str | None = Field(None, max_length=REFORM_LENGTH, description="改革方案 YAML（可选）")

    @field_validator("by")
    @classmethod
    def _known(cls, by: list[str]) -> list[str]:
        unknown = [b for b in by if b not in GROUPINGS]
        if unknown:
            raise ValueError(f"不能按“{unknown[0]}”分组（可选：{grouping(list(GROUPINGS))}）")
        return by


def start(session: Session, *, actor: User, spec: JobCreate, filename: str | None = None,
          content: bytes | None = None) -> SimulationJob:
    """Record a job and put its inputs in place; the caller commits, then runs ``run`` in the background."""
    require_role(actor, *ANALYSTS, doing="进行财政测算")
    if content is None and spec.synthetic_applicants is None:
        raise InputError([("population", "请上传企业样本数据（.xlsx 或含两张表的 .zip），或填写合成申请人数")])
    if content is not None and spec.synthetic_applicants is not None:  # one source, never a silent second
        raise InputError([("synthetic_applicants", "请只选择一种数据来源：已上传企业样本数据时，请清空合成申请人数")])
    policies = catalogue.published(session)
    if spec.as_of is not None and (why := too_early(spec.as_of, policies)):
        raise InputError([("as_of", why)])
    reform = _reform(spec.reform) if spec.reform else None
    drawn = _named(_drawn(policies, reform)) if content is None else None
    job = SimulationJob(user_id=actor.id, state="queued", params={
        **spec.model_dump(mode="json"), "filename": filename, "reform_name": reform.name if reform else None,
        "drawn_for": drawn})
    session.add(job)
    session.flush()
    folder = get_settings().jobs_dir / str(job.id)
    # A folder already there is no job of this database's (an id used again: SQLite reuses a rolled-back row's, a
    # database recreated starts again at 1): its files must not become this job's population.
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    job.folder = str(folder)
    if content is not None:
        try:
            _unpack(folder, filename or "", content)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)  # refused (or failed): nothing is left behind
            raise
    source = filename or f"合成数据（{spec.synthetic_applicants} 个申请人，种子 {spec.seed}）"
    audit.record(session, actor=actor.username, action="simulation.start", entity="simulation_job", entity_id=job.id,
                 after={"source": source, "reform": reform.name if reform else None, "by": spec.by,
                        "as_of": spec.as_of, "drawn_for": drawn})
    return job


_reform = parse_reform


def _unpack(folder: Path, filename: str, content: bytes) -> None:
    """Put an uploaded population in ``folder/population``: an Excel workbook, or a zip of the two tables."""
    target = folder / "population"
    if filename.lower().endswith(".xlsx") or (content[:4] == b"PK\x03\x04" and b"xl/" in content[:2000]):
        target.mkdir()
        (target / SAVED).write_bytes(content)
        try:  # what is cheap to see is refused on the form, not by the job a minute later
            has_sheets(target / SAVED, TABLES)
        except InputError as error:
            raise theirs(error, filename, "population") from None
        _headers_checked(target / SAVED, filename)
        return
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except zipfile.BadZipFile:
        wanted = "应为 Excel 工作簿（.xlsx），或含 applicants 与 matters 表的 .zip"
        raise InputError([("population", f"{filename or '所传文件'} {wanted}")]) from None
    wanted = {f"{t}.{s}" for t in ("applicants", "matters") for s in ("csv", "parquet")}
    members = [m for m in archive.infolist() if Path(m.filename).name in wanted]
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise InputError([("population", f"压缩包解压后超过 {MAX_UNPACKED >> 30} GiB，请检查文件")])
    target.mkdir()
    try:
        for member in members:  # copied as a stream: Python's zipfile stops a part at the size it declares
            with archive.open(member) as source, (target / Path(member.filename).name).open("wb") as copy:
                shutil.copyfileobj(source, copy, 1 << 22)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
        shutil.rmtree(target)
        raise InputError([("population", "压缩包已损坏，无法解压")]) from None
    if not any((target / f"{t}.{s}").exists() for t in ("applicants",) for s in ("csv", "parquet")):
        shutil.rmtree(target)
        raise InputError([("population", "压缩包中没有 applicants.csv 或 applicants.parquet")])
    _headers_checked(target, filename)


log = logging.getLogger(__name__)


def _headers_checked(path: Path, filename: str) -> None:
    """The tables' header rows, read alone: a required column missing or a column not known is refused on the form,
    by its name (the job checks the whole file again). A header that cannot be read so, for whatever reason, is left
    to the job, which reads the file whole and says why."""
    try:
        problems = header_problems(path)
    except Exception:  # never a 500 at upload: the job's reading says what is wrong
        log.warning("header of %s left to the job", filename, exc_info=True)
        return
    if problems:
        raise theirs(InputError(problems), filename, "population")


def theirs(error: InputError, filename: str | None, field: str = POPULATION) -> InputError:
    """A population's problem as its uploader reads it: under ``field`` (企业样本数据), their file by the name they
    gave it, not the one it is saved under on the server. A population's problems row by row stay listed by table
    (``PopulationError``: they name no file)."""
    if isinstance(error, PopulationError):
        return error
    name = filename or POPULATION
    return InputError([(field if where == "POPULATION" else f"{field}·{where}", why.replace(SAVED, name))
                       for where, why in error.problems])


def _population_path(folder: Path) -> Path:
    workbook = folder / "population" / SAVED
    return workbook if workbook.exists() else folder / "population"


def run(sessions: Sessions, job_id: int) -> None:
    """Run a job to its end, writing progress as it goes; failures are recorded, never raised."""
    with sessions() as session:
        job = session.get(SimulationJob, job_id)
        folder, params = Path(job.folder), dict(job.params)
        job.state = "running"
        policies = catalogue.published(session)  # the policies in force when the job starts
    try:
        report = _simulate(folder, params, lambda done, total: _progress(sessions, job_id, done, total), policies)
        report.run = f"财政测算 #{job_id}"  # as its page and the workbook's title name it
        _write(folder, report)
        _finish(sessions, job_id, "done", None)
    except HuiqiError as error:
        _finish(sessions, job_id, "failed", error.message)
    except Exception as error:  # a job must end in a state people can see, whatever went wrong
        _finish(sessions, job_id, "failed", f"程序出错（{type(error).__name__}），请联系系统管理员")
        raise


def _simulate(folder: Path, params: dict[str, Any], progress: Callable[[int, int], None],
              policies: list[Policy]) -> SimulationReport:
    reform = _reform(params["reform"]) if params.get("reform") else None
    if params.get("synthetic_applicants") and not (folder / "population").exists():  # never beside an upload
        # drawn for the policies simulated: their own codes, in their windows and in the reformed ones
        codes, window = drawn_for(_drawn(policies, reform))
        people, matters = synthesise(params["synthetic_applicants"], params.get("seed", 1), codes, window=window)
        write_population(people, matters, folder / "population", "parquet")
    scenarios = [Scenario("基线", policies)]
    if reform is not None:
        scenarios.append(Scenario(reform.name, apply_reform(policies, reform)))
    as_of = date.fromisoformat(params["as_of"]) if params.get("as_of") else clock.today()
    started = time.perf_counter()
    try:
        population = read_population(_population_path(folder), {c: i for p in policies for c, i in p.codes.items()})
    except InputError as error:
        raise theirs(error, params.get("filename")) from None
    runner = Runner(population, scenarios, as_of, params["by"], chunk_rows=500_000, impact=True)
    outcome = runner.outcome(progress)
    totals = outcome.totals
    matters = population.matters.select(pl.len()).collect().item()
    synthetic = f"合成数据（{params.get('synthetic_applicants')} 个申请人，种子 {params.get('seed')}）"
    source = params.get("filename") or synthetic
    report = SimulationReport(source, as_of, params["by"], policies, totals[0], time.perf_counter() - started, matters)
    if reform is not None:
        report.reform, report.reformed, report.difference = reform, totals[1], difference(totals[0], totals[1])
    if outcome.detail is not None:
        report.impact = summarise(population, outcome.detail, [s.policies for s in scenarios], as_of)
        report.seconds = time.perf_counter() - started
    return report


def _drawn(policies: list[Policy], reform: Reform | None) -> list[Policy]:
    """The policies a synthetic population is drawn for: the baseline's and, with a reform, the reformed ones (a
    window the reform extends gets matters too, or its extension would cost nothing)."""
    return [*policies, *apply_reform(policies, reform)] if reform is not None else policies


def _named(policies: list[Policy]) -> list[dict[str, str]]:
    """Policies by id and version, each once (a job's record of what its population was drawn for)."""
    return [{"id": i, "version": v} for i, v in dict.fromkeys((p.id, p.version) for p in policies)]


def _write(folder: Path, report: SimulationReport) -> None:
    write(report, folder / "report.xlsx")
    write(report, folder / "report.html")
    summary = {**report.to_json(), "population": report.population, "matters": report.matters,
               "as_of": str(report.as_of), "by": report.by, "seconds": round(report.seconds, 3),
               "reform_name": report.reform.name if report.reform else None, "html": html(report)}
    partial = folder / ".report.json.partial"
    partial.write_text(json.dumps(summary, ensure_ascii=False), "utf-8")
    partial.replace(folder / "report.json")


def _progress(sessions: Sessions, job_id: int, done: int, total: int) -> None:
    with sessions() as session:
        session.execute(update(SimulationJob).where(SimulationJob.id == job_id).values(done=done, total=total))


def _finish(sessions: Sessions, job_id: int, state: str, error: str | None) -> None:
    with sessions() as session:
        session.execute(update(SimulationJob).where(SimulationJob.id == job_id)
                        .values(state=state, error=error, finished_at=utcnow()))


def get(session: Session, *, actor: User, job_id: int) -> SimulationJob:
    """A job its starter (or an admin) may see."""
    job = session.get(SimulationJob, job_id)
    if job is None or (job.user_id != actor.id and actor.role not in SEES_ALL):
        raise NotFound(f"没有测算任务 {job_id}")
    return job


def listed(session: Session, *, actor: User) -> list[SimulationJob]:
    """The actor's jobs, newest first (an admin sees everyone's)."""
    require_role(actor, *READERS, doing="查看财政测算")
    query = select(SimulationJob).order_by(SimulationJob.id.desc())
    if actor.role not in SEES_ALL:
        query = query.where(SimulationJob.user_id == actor.id)
    return list(session.scalars(query))


def report(job: SimulationJob, kind: str) -> Path:
    """A finished job's report file: json, html or xlsx; a failed job has none, and says why (409)."""
    if job.state == "failed":
        reason = (job.error or "").removeprefix("测算失败：") or "原因未记录"
        raise Conflict(f"测算失败，没有报告：{reason}")
    if job.state != "done":
        raise NotFound("测算尚未完成，还没有报告")
    path = Path(job.folder) / f"report.{kind}"
    if kind not in ("json", "html", "xlsx") or not path.exists():
        raise NotFound(f"没有 {kind} 格式的报告")
    return path


def summary(job: SimulationJob) -> dict[str, Any] | None:
    """The report of a finished job as data (groups, reform, difference), or None."""
    if job.state != "done":
        return None
    return json.loads(report(job, "json").read_text("utf-8"))


def interrupted(session: Session) -> int:
    """Mark jobs cut off by a restart as failed; how many there were."""
    result = session.execute(update(SimulationJob).where(SimulationJob.state.in_(("queued", "running")))
                             .values(state="failed", error="服务重启，测算中断，请重新开始", finished_at=utcnow()))
    return result.rowcount or 0


def rebuild(job: SimulationJob, policies: list[Policy]) -> SimulationReport | None:
    """A finished job's report, rebuilt from its JSON (for pages that draw tables and charts)."""
    data = summary(job)
    if data is None:
        return None
    reform = _reform(job.params["reform"]) if job.params.get("reform") else None
    rebuilt = SimulationReport(data["population"], date.fromisoformat(data["as_of"]), data["by"], policies,
                               _frame(data["groups"]), data["seconds"], data["matters"])
    if reform is not None:
        rebuilt.reform = reform
        rebuilt.reformed, rebuilt.difference = _frame(data["reform"]["groups"]), _frame(data["difference"])
    rebuilt.impact = data.get("impact")  # jobs finished before the impact analysis have none
    rebuilt.recorded = data.get("policies", [])  # nor had jobs finished before the policies were recorded
    return rebuilt


def _frame(groups: list[dict[str, Any]]) -> pl.DataFrame:
    from huiqi.simulate.engine import METRICS

    if groups:
        return pl.DataFrame(groups)
    return pl.DataFrame(schema=dict.fromkeys(METRICS, pl.Int64))
