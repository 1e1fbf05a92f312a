"""The command line: ``huiqi match``, ``huiqi policy show``, ``huiqi policy check``.

Invalid input exits with status 2 and a message naming the field and the reason.
"""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from huiqi import clock
from huiqi import record_cli as record
from huiqi.cli_support import AsOfOption, PolicyOption, fail, parse_as_of
from huiqi.console import answer_view, make_console, policy_view
from huiqi.errors import HuiqiError, InputError, PolicyFileError
from huiqi.rules.case import parse_case
from huiqi.rules.loader import load_file, load_many
from huiqi.rules.match import match as run_match
from huiqi.rules.questions import advise
from huiqi.simulate import cli as simulation
from huiqi.web import cli as web

app = typer.Typer(help="惠企：把惠企政策变成可运行的软件。", no_args_is_help=True, add_completion=False)
policy_app = typer.Typer(help="查看、检查政策文件。", no_args_is_help=True)
app.add_typer(policy_app, name="policy")

class Format(StrEnum):
    json = "json"
    table = "table"


def read_source(path: str) -> str:
    """Read a case from a file, or stdin for ``-``."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([("CASE", f"无法读取 {path}：{exc.strerror if isinstance(exc, OSError) else exc}")]) from None


@app.command()
def match(
    case: Annotated[str, typer.Argument(help="案例 JSON 文件（DOMAIN.md 的交换格式）；- 表示从标准输入读取。")],
    format: Annotated[Format, typer.Option("--format", "-f", help="json：交换格式；table：中文表格。")] = Format.table,
    as_of: AsOfOption = None,
    policy: PolicyOption = None,
) -> None:
    """一家单位可申请哪些措施、最高多少、为什么、还缺什么信息（先问哪个）、不符合的怎样才能符合。"""
    try:
        policies = load_many(policy)
        codes = {code: info for p in policies for code, info in p.codes.items()}
        parsed = parse_case(read_source(case), codes)
        answer = advise(run_match(parsed, policies, parse_as_of(as_of) or parsed.as_of or clock.today()), parsed,
                        policies)
    except HuiqiError as error:
        fail(error)
    if format == Format.json:
        typer.echo(answer.model_dump_json(indent=2))
    else:
        make_console().print(answer_view(answer))


@policy_app.command("show")
def policy_show(
    measure: Annotated[int | None, typer.Argument(help="措施编号；不给则列出全部。")] = None,
    as_of: AsOfOption = None,
    policy: PolicyOption = None,
) -> None:
    """列出措施：条文、责任单位、当前参数及其来源。"""
    try:
        policies = load_many(policy)
        day = parse_as_of(as_of) or clock.today()
    except HuiqiError as error:
        fail(error)
    found = [p for p in policies if measure is None or p.measure(measure)]
    if not found:
        fail(InputError([("MEASURE", f"没有第 {measure} 条措施")]))
    console = make_console()
    for p in found:
        console.print(policy_view(p, day, measure))


@policy_app.command("check")
def policy_check(
    files: Annotated[list[Path], typer.Argument(help="要检查的政策 YAML 文件。")],
) -> None:
    """检查政策文件：任何错误都指出文件、行号、措施和字段。"""
    problems: list[str] = []
    console = make_console()
    for path in files:
        try:
            policy = load_file(path)
        except PolicyFileError as error:
            problems += error.problems
            continue
        rules = sum(len(m.rules) + len(m.services) + len(m.local) for m in policy.measures)
        console.print(f"[green]✓[/] {path}：{policy.number}，{len(policy.measures)} 条措施，"
                      f"{rules} 条规则，版本 {policy.version}")
    if problems:
        fail(PolicyFileError(problems))


simulation.register(app)
record.register(app)
web.register(app, record.demo_app)


def main() -> None:
    """Entry point of the ``huiqi`` command."""
    app()

