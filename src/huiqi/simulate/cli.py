"""``huiqi simulate`` and ``huiqi population synth``."""

import json
import shutil
import time
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from pydantic import ValidationError
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from huiqi import clock
from huiqi.cli_support import fail, parse_as_of
from huiqi.console import make_console
from huiqi.errors import HuiqiError, InputError, PolicyFileError
from huiqi.labels import field_label
from huiqi.rules.loader import load_folder, load_many
from huiqi.rules.policy import CodeInfo
from huiqi.simulate import dask_runner
from huiqi.simulate.briefing import kpis
from huiqi.simulate.engine import CHUNK_ROWS, Runner, Scenario, difference, too_early
from huiqi.simulate.impact import summarise
from huiqi.simulate.population import read_population, write_population
from huiqi.simulate.reform import apply_reform, read_reform
from huiqi.simulate.reform_problems import in_file
from huiqi.simulate.report import SimulationReport, table, write
from huiqi.simulate.synth import (
    AROUND,
    MAX_APPLICANTS,
    MAX_PER_APPLICANT,
    MAX_SEED,
    Asked,
    Window,
    blocks,
    drawn_for,
    synthesise,
)
from huiqi.validation import problems

population_app = typer.Typer(help="测算用的企业样本数据（申请人表和事项表）。", no_args_is_help=True)


HELP = {
    "population": "企业样本数据：含 applicants 与 matters 的文件夹（CSV 或 Parquet），或含这两个工作表的 .xlsx。",
    "reform": "改革方案 YAML：自某日起改变上限、比例、门槛或有效期。",
    "by": "分组：measure、region、year 中的若干个，逗号分隔；空字符串表示不分组。",
    "out": "另存为 .csv、.parquet、.xlsx 或 .html（含图表的独立报告）。",
    "format": "table：中文表格；json：供其他程序读取。",
    "engine": "polars：本机分块计算；dask：在 Dask 集群上按分区计算。",
    "scheduler": "Dask 调度器地址，如 tcp://10.0.0.5:8786；不给则启动本机集群。",
    "population_format": "csv、parquet 或 xlsx。",
    "impact": "影响分析（逐年支出、受益增减的企业、核心企业覆盖率、从高不重复节省、变化最大的措施）；"
              "--no-impact 只算分组合计，更快、更省内存。",
    "catalogue": "政策目录文件夹（huiqi policy export 导出的已发布政策）：按网页和接口所用的政策版本测算，"
                 "结果与网页上的财政测算一致；不给则用内置政策文件。--policy 则按政策编号从中选取。",
}


SYNTH_BLOCK = 1_000_000  # applicants made at a time by ``population synth`` (memory stays bounded)


class Engine(StrEnum):
    polars = "polars"
    dask = "dask"


class Output(StrEnum):
    table = "table"
    json = "json"


class PopulationFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


def simulate(
    population: Annotated[Path, typer.Argument(help=HELP["population"])],
    reform: Annotated[Path | None, typer.Option(help=HELP["reform"])] = None,
    by: Annotated[str, typer.Option(help=HELP["by"])] = "measure",
    out: Annotated[Path | None, typer.Option(help=HELP["out"])] = None,
    format: Annotated[Output, typer.Option("--format", "-f", help=HELP["format"])] = Output.table,
    engine: Annotated[Engine, typer.Option(help=HELP["engine"])] = Engine.polars,
    scheduler: Annotated[str | None, typer.Option(help=HELP["scheduler"])] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="判断日期 YYYY-MM-DD；默认今天。")] = None,
    policy: Annotated[list[str] | None, typer.Option("--policy", "-p", help="政策编号或文件；可多次给出。")] = None,
    chunk_rows: Annotated[int, typer.Option(help="每块的事项数（内存与速度的权衡）。", min=1000)] = CHUNK_ROWS,
    check: Annotated[bool, typer.Option(help="先校验企业样本数据（默认）；--no-check 跳过已校验过的数据。")] = True,
    impact: Annotated[bool, typer.Option(help=HELP["impact"])] = True,
    catalogue: Annotated[Path | None, typer.Option("--catalogue", help=HELP["catalogue"], metavar="FOLDER")] = None,
) -> None:
    """测算：按措施、地区、年份汇总可支持的事项数和上限合计，可与改革方案对比，并分析改革的影响。"""
    try:
        report = _simulate(population, reform, by, engine, scheduler, parse_as_of(as_of) or clock.today(), policy,
                           chunk_rows, check, show_progress=format == Output.table or out is not None, impact=impact,
                           catalogue=catalogue)
        if out is not None:
            write(report, out)
    except HuiqiError as error:
        fail(error)
    if format == Output.json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return
    console = make_console()
    console.print(table(report))
    if report.impact is not None:
        for label, value, note in kpis(report.impact, report.reform is not None):
            console.print(f"{label}：{value}（{note}）")
    console.print(f"用时 {report.seconds:.2f} 秒" + (f"；已保存到 {out}" if out else ""))


def _simulate(population: Path, reform_path: Path | None, by: str, engine: Engine, scheduler: str | None,
              as_of: date, refs: list[str] | None, chunk_rows: int, check: bool,
              show_progress: bool, impact: bool = True, catalogue: Path | None = None) -> SimulationReport:
    policies = load_folder(catalogue, refs) if catalogue is not None else load_many(refs)
    if why := too_early(as_of, policies):  # refused in the page's words, before any population is read
        raise InputError([(f"--as-of（{field_label('as_of')}）", why)])
    codes = {code: info for p in policies for code, info in p.codes.items()}
    groups = [b.strip() for b in by.split(",") if b.strip()]
    scenarios = [Scenario("基线", policies)]
    reform = None
    if reform_path is not None:
        try:  # its mistakes said as the page says them, after the file's name
            reform = read_reform(reform_path)
            scenarios.append(Scenario(reform.name, apply_reform(policies, reform)))
        except (InputError, PolicyFileError) as error:
            raise in_file(error, reform_path) from None
    started = time.perf_counter()
    pop = read_population(population, codes, check=check)
    runner = Runner(pop, scenarios, as_of, groups, chunk_rows, impact)
    with _progress(show_progress) as bar:
        task = bar.add_task("测算中", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        if engine == Engine.dask:
            outcome = dask_runner.run((pop, scenarios, as_of, groups, chunk_rows, impact), scheduler,
                                      progress=advance)
        else:
            outcome = runner.outcome(advance)
    totals = outcome.totals
    matters = int(totals[0]["matters"].sum()) if totals[0].height else 0
    report = SimulationReport(str(population), as_of, groups, policies, totals[0], time.perf_counter() - started,
                              pop.matters.select(pl.len()).collect().item())
    report.notes.append(f"按措施计的事项-措施组合 {matters} 个")
    if reform is not None:
        report.reform, report.reformed, report.difference = reform, totals[1], difference(totals[0], totals[1])
    if outcome.detail is not None:
        report.impact = summarise(pop, outcome.detail, [s.policies for s in scenarios], as_of)
        report.seconds = time.perf_counter() - started
    return report


def _progress(show: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} 块"),
                    TimeElapsedColumn(), console=make_console(stderr=True), disable=not show, transient=True)


# ``population synth``'s options, by the page's field each answers to (``synth.Asked``).
SYNTH_OPTIONS = {"synthetic_applicants": "--applicants", "seed": "--seed", "per_applicant": "--per-applicant"}


def _asked(applicants: str, seed: str, per_applicant: str) -> Asked:
    """The numbers as the page reads its fields: what it (and the API) would refuse is refused in the same words,
    the option named with the page's label."""
    try:
        return Asked.model_validate({"synthetic_applicants": applicants, "seed": seed, "per_applicant": per_applicant})
    except ValidationError as exc:
        fail(InputError([(f"{SYNTH_OPTIONS[str(loc[0])]}（{field_label(str(loc[0]))}）", why)
                         for loc, why in problems(exc)]))


@population_app.command("synth")
def synth(
    # Read as text and checked by ``_asked``, as the page's fields are (Typer would refuse a non-number in English).
    applicants: Annotated[str, typer.Option(help=f"申请人数量（1 至 {MAX_APPLICANTS}）。", metavar="INTEGER")],
    out: Annotated[Path, typer.Option(help="输出文件夹（CSV 或 Parquet），或 .xlsx 文件。")],
    seed: Annotated[str, typer.Option(help=f"随机种子（0 至 {MAX_SEED}）：同一种子得到同一份数据。",
                                      metavar="INTEGER")] = "1",
    per_applicant: Annotated[str, typer.Option(help=f"平均每个申请人的事项数（0 至 {MAX_PER_APPLICANT}）。",
                                               metavar="FLOAT")] = "5.0",
    format: Annotated[
        PopulationFormat, typer.Option("--format", help=HELP["population_format"])
    ] = PopulationFormat.parquet,
    policy: Annotated[str | None, typer.Option(
        "--policy", "-p", help="按这项政策生成（政策编号或文件）：事项代码含它新增的代码，事项日期在它的有效期内；"
                               f"不给则用内置的代码词汇，事项日期在 {AROUND.start} 至 {AROUND.end} 之间。")] = None,
) -> None:
    """生成合成企业样本数据（仅供演示和基准测试，不是真实数据）。"""

    asked = _asked(applicants, seed, per_applicant)
    try:
        codes, window = drawn_for(load_many([policy]) if policy else [])
    except HuiqiError as error:
        fail(error)
    _synth(asked.synthetic_applicants, asked.seed, asked.per_applicant, out, format, codes, window)


def _synth(applicants: int, seed: int, per_applicant: float, out: Path, format: PopulationFormat,
           codes: dict[str, CodeInfo], window: Window) -> None:
    if format == PopulationFormat.xlsx and out.suffix.lower() != ".xlsx":
        fail(InputError([("--out", "Excel 格式的输出应以 .xlsx 结尾")]))
    if format == PopulationFormat.xlsx and applicants * per_applicant > 1_000_000:
        fail(InputError([("--applicants", "Excel 工作表最多约一百万行：请改用 csv 或 parquet")]))
    parts = blocks(applicants, seed, SYNTH_BLOCK)
    if len(parts) == 1 or format == PopulationFormat.xlsx:
        people, matters = synthesise(applicants, seed, codes, per_applicant, window=window)
        write_population(people, matters, out, format.value)
        typer.echo(f"已生成 {people.height} 个申请人、{matters.height} 个事项：{out}（合成数据，非真实）")
        return
    counts = _synth_blocks(parts, per_applicant, out, format.value, codes, window)
    typer.echo(f"已生成 {counts[0]} 个申请人、{counts[1]} 个事项：{out}（合成数据，非真实）")


def _synth_blocks(parts: list[tuple[int, int, int]], per_applicant: float, out: Path, fmt: str,
                  codes: dict[str, CodeInfo], window: Window) -> tuple[int, int]:
    """A large population made block by block (bounded memory), each written, then joined into one file per table."""
    staging = out / ".blocks"
    counts = [0, 0]
    for i, (first, n, seed) in enumerate(parts):
        people, matters = synthesise(n, seed, codes, per_applicant, first, window)
        write_population(people, matters, staging / str(i), fmt)
        counts[0] += people.height
        counts[1] += matters.height
    for name in ("applicants", "matters"):
        files = [str(staging / str(i) / f"{name}.{fmt}") for i in range(len(parts))]
        if fmt == "parquet":
            pl.scan_parquet(files).sink_parquet(out / f"{name}.parquet", row_group_size=1_000_000)
        else:
            pl.scan_csv(files, infer_schema=False).sink_csv(out / f"{name}.csv")
    shutil.rmtree(staging)
    return counts[0], counts[1]


def register(app: typer.Typer) -> None:
    """Add the simulation commands to the main CLI."""
    app.command("simulate")(simulate)
    app.add_typer(population_app, name="population")


def alone() -> None:
    """``huiqi simulate`` as its own program (``huiqi.entry``): the same command, without the others."""
    app = typer.Typer(add_completion=False)
    app.callback()(lambda: None)  # a group, so the command keeps its name: huiqi simulate …
    app.command("simulate")(simulate)
    app(prog_name="huiqi")
