"""The command line: ``huiqi match``, ``huiqi policy show``, ``huiqi policy check``, ``huiqi policy export``….

Invalid input exits with status 2 and a message naming the field and the reason.
"""

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from huiqi import clock
from huiqi import record_cli as record
from huiqi.cli_support import INVALID, AsOfOption, PolicyOption, database_trouble, fail, parse_as_of, tell
from huiqi.console import answer_view, make_console, policy_view
from huiqi.errors import HuiqiError, InputError, NotFound, PolicyFileError
from huiqi.labels import measure_label
from huiqi.rules.case import parse_case
from huiqi.rules.loader import load_file, load_many, read_file
from huiqi.rules.match import match as run_match
from huiqi.rules.policy import Policy
from huiqi.rules.questions import advise
from huiqi.simulate import cli as simulation
from huiqi.web import cli as web

app = typer.Typer(help="惠企：把惠企政策变成可运行的软件。", no_args_is_help=True, add_completion=False)
policy_app = typer.Typer(help="查看、检查政策文件。", no_args_is_help=True)
app.add_typer(policy_app, name="policy")

CatalogueOption = Annotated[bool, typer.Option(
    "--catalogue", help="读取数据库（HUIQI_DATABASE_URL）中已发布的政策目录，而不是内置政策文件："
                        "在网页上发布的新版本也在其中；--policy 则按政策编号从中选取。")]


def policies_of(refs: list[str] | None, from_catalogue: bool) -> list[Policy]:
    """The shipped policy files (or the files named); with ``--catalogue``, the policies published in the
    configured database instead, which the web and the API use (``--policy`` then chooses among them by id)."""
    if not from_catalogue:
        return load_many(refs)
    from huiqi.catalogue import service as catalogue

    try:
        with record.session_scope() as session:
            found = catalogue.published(session)
    except Exception as error:
        said = database_trouble(error, record.shown_url())
        if said is None:
            raise
        fail(said)
    if not found:
        raise NotFound(f"政策目录（{record.shown_url()}）中还没有已发布的政策")
    known = [p.id for p in found]
    missing = next((ref for ref in refs or [] if ref not in known), None)
    if missing:
        raise InputError([("--policy", f"政策目录中没有已发布的政策“{missing}”（已发布：{'、'.join(known)}）")])
    return [p for p in found if not refs or p.id in refs]


class Format(StrEnum):
    json = "json"
    table = "table"


def read_source(path: str) -> str:
    """Read a case from a file, or stdin for ``-``."""
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise InputError([("CASE", f"无法读取 {path}：{exc.strerror}")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([("CASE", f"无法读取 {'标准输入' if path == '-' else path}：文件应为 UTF-8 编码")]) from None


@app.command()
def match(
    case: Annotated[str, typer.Argument(help="案例 JSON 文件（DOMAIN.md 的交换格式）；- 表示从标准输入读取。")],
    format: Annotated[Format, typer.Option("--format", "-f", help="json：交换格式；table：中文表格。")] = Format.table,
    as_of: AsOfOption = None,
    policy: PolicyOption = None,
    from_catalogue: CatalogueOption = False,
) -> None:
    """一家单位可申请哪些措施、最高多少、为什么、还缺什么信息（先问哪个）、不符合的怎样才能符合。"""
    try:
        policies = policies_of(policy, from_catalogue)
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
    from_catalogue: CatalogueOption = False,
) -> None:
    """列出措施：条文、责任单位、当前参数及其来源。"""
    try:
        policies = policies_of(policy, from_catalogue)
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
    """检查政策文件：任何错误都指出文件、行号、措施和字段；存疑之处（如金额与条文不符）提示核对，不算错误。"""
    from huiqi.catalogue.gate import situations_failing

    problems: list[str] = []
    console = make_console()
    for path in files:
        try:
            policy = load_file(path)
        except PolicyFileError as error:
            problems += error.problems
            continue
        rules = sum(len(m.rules) + len(m.services) + len(m.local) for m in policy.measures)
        failing = situations_failing(policy) if policy.situations else []
        problems += [f"{path}: {why}" for why in failing]
        about = f"{path}：{policy.number}，{len(policy.measures)} 条措施，{rules} 条规则，版本 {policy.version}"
        if failing:  # one verdict: a file whose own test situations fail is not passed (no ✓)
            console.print(f"[red]✗[/] {about}；格式校验通过，但 {len(failing)} 处测试情形未通过（改正后才能发布）",
                          soft_wrap=True)
        else:
            said = (f"{len(policy.situations)} 个测试情形全部通过" if policy.situations
                    else "没有自带测试情形（发布前须补上）")
            console.print(f"[green]✓[/] {about}；{said}", soft_wrap=True)
        for why in policy.warnings:
            console.print(f"  [yellow]请核对[/] {escape(why)}", soft_wrap=True)
    if problems:
        fail(PolicyFileError(problems))


ByOption = Annotated[str, typer.Option("--by", help="以哪位管理员的身份（用户名）：起草与发布须是两个人。")]


@policy_app.command("add")
def policy_add(
    path: Annotated[Path, typer.Argument(help="政策 YAML 文件。")],
    by: ByOption,
) -> None:
    """把政策文件作为草稿加入政策目录（先逐行校验）。"""
    from huiqi.catalogue import service as catalogue

    try:
        text = read_file(path)
    except PolicyFileError as error:
        fail(error)
    try:
        with record.session_scope() as session:
            row = catalogue.add(session, actor=record.acting(session, by), text=text, file_name=path.name)
            number, version_id = row.number, row.id
            _, failing = catalogue.situations_of(session, row)
            doubtful = catalogue.warnings_of(session, row)
    except HuiqiError as error:
        fail(error)
    for why in doubtful:  # said, never refused: the officer may mean it
        typer.echo(f"请核对：{why}", err=True)
    if failing:  # saved as a draft all the same, as on the page: the gate refuses it at publication
        said = "\n  ".join(failing)
        typer.echo(f"已起草：版本 {version_id}（{number}），但自带的测试情形未通过 {len(failing)} 处，"
                   f"改正后才能发布：\n  {said}", err=True)
        return
    typer.echo(f"已起草：版本 {version_id}（{number}），待另一位管理员发布：huiqi policy publish {version_id} --by …")


@policy_app.command("list")
def policy_list() -> None:
    """政策目录：每项政策的每个版本及其状态。"""
    from rich.table import Table

    from huiqi.catalogue import service as catalogue
    from huiqi.users.names import name_of, people
    from huiqi.users.scope import SYSTEM

    today = clock.today()
    table = Table(title="政策目录")
    for column in ("版本", "政策", "文号", "状态", "摘要", "起草", "发布"):
        table.add_column(column)
    with record.session_scope() as session:
        in_force = {p.id: p for p in catalogue.published(session)}
        rows = catalogue.versions(session, actor=SYSTEM)
        known = people(session, {r.drafted_by for r in rows} | {r.published_by for r in rows if r.published_by})
        for row in rows:
            table.add_row(str(row.id), row.policy_id, row.number,
                          catalogue.status(row, in_force.get(row.policy_id), today), row.digest[:12],
                          name_of(row.drafted_by, known), name_of(row.published_by, known))
    make_console().print(table)


@policy_app.command("diff")
def policy_diff(
    old: Annotated[int, typer.Argument(help="现行版本编号（huiqi policy list）。", min=1)],
    new: Annotated[int, typer.Argument(help="新版本编号。", min=1)],
    population: Annotated[Path | None, typer.Option(help="另以一个测算样本（CSV、Parquet 或 Excel）比较。")] = None,
) -> None:
    """比较两个版本：对数据库中全部申报单位（及给出的测算样本），各措施谁新变为符合、谁不再符合、上限合计的变化。"""
    from rich.table import Table

    from huiqi.catalogue import service as catalogue
    from huiqi.money import signed_wan, wan
    from huiqi.users.scope import SYSTEM

    try:
        with record.session_scope() as session:
            found = catalogue.diff_of(session, actor=SYSTEM, version_id=new, against=old, population=population)
    except HuiqiError as error:
        fail(error)
    console = make_console()
    if found.file is not None and not found.file.none:  # what the file changes, as the page says it
        file = Table(title=f"版本 {new} 的文件改动")
        for column in ("措施", "参数或条款", "现行版本", "新版本", "变化"):
            file.add_column(column)
        for p in found.file.parameters:
            file.add_row(p.where, p.label, "；".join(f"{v}（自 {d}）" for d, v in p.before) or "—",
                         "；".join(f"{v}（自 {d}）" for d, v in p.after) or "（删去）", p.change)
        for c in found.file.clauses:
            file.add_row(c.where, c.part, "", "", c.what)
        console.print(file)
    table = Table(title=f"版本 {old} → 版本 {new}：{found.applicants} 家申报单位，按 {found.as_of} 的规则")
    for column in ("措施", "新变为符合", "不再符合", "变为待定", "上限变化", "不变", "上限合计（万元）",
                   "变化（万元）"):
        table.add_column(column)
    for m in found.measures:
        table.add_row(measure_label(m.measure, m.title), str(m.became_eligible), str(m.no_longer_eligible),
                      str(m.became_undetermined), str(m.recapped), str(m.unchanged),
                      f"{wan(m.granted_before)} → {wan(m.granted_after)}",
                      signed_wan(m.cost_change))
    console.print(table)
    if found.population is not None:
        people = Table(title=f"测算样本 {found.population.path}")
        for column in ("政策", "措施", "获支持事项（现行 → 新）", "上限合计（万元，现行 → 新）"):
            people.add_column(column)
        for policy, number, g0, g1, c0, c1 in found.population.rows:
            people.add_row(policy, str(number), f"{g0} → {g1}", f"{wan(c0)} → {wan(c1)}")
        console.print(people)


@policy_app.command("export")
def policy_export(
    folder: Annotated[Path, typer.Argument(help="导出到这个文件夹（新的或空的）。")],
) -> None:
    """把政策目录中已发布的政策（网页和接口所用的版本）导出为政策文件：
    huiqi simulate --catalogue 文件夹 即按这些政策测算，与网页上的财政测算一致。"""
    from huiqi.catalogue import service as catalogue

    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        fail(InputError([("FOLDER", f"{folder} 已存在且不是空文件夹：请导出到新的或空的文件夹"
                                    "（以免与其他政策文件混在一起）")]))
    with record.session_scope() as session:
        found = catalogue.published_files(session)
    if not found:
        fail(NotFound(f"政策目录（{record.shown_url()}）中还没有已发布的政策"))
    folder.mkdir(parents=True, exist_ok=True)
    for _, policy, text in found:
        (folder / f"{policy.id}.yaml").write_bytes(text.encode("utf-8"))  # the stored text as it is: the same version
    listed = "；".join(f"{p.id}.yaml（{p.number}，版本 {vid}）" for vid, p, _ in found)
    typer.echo(f"已导出 {len(found)} 项已发布的政策到 {folder}：{listed}。"
               f"按这些政策测算：huiqi simulate 样本 --catalogue {folder}")


@policy_app.command("publish")
def policy_publish(
    version_id: Annotated[int, typer.Argument(help="政策版本编号（huiqi policy list）。", min=1)],
    by: ByOption,
) -> None:
    """发布一个草稿：须由起草人以外的管理员发布；先运行文件自带的测试情形。"""
    from huiqi.catalogue import service as catalogue

    try:
        with record.session_scope() as session:
            row = catalogue.publish(session, actor=record.acting(session, by), version_id=version_id)
            number = row.number
    except HuiqiError as error:
        fail(error)
    typer.echo(f"已发布：版本 {version_id}（{number}），即日起用于匹配与申报。")


@policy_app.command("withdraw")
def policy_withdraw(
    version_id: Annotated[int, typer.Argument(help="政策版本编号。", min=1)],
    by: ByOption,
    reason: Annotated[str, typer.Option(help="撤回理由。")],
) -> None:
    """撤回一个草稿或已发布的版本（写明理由）。"""
    from huiqi.catalogue import service as catalogue

    try:
        with record.session_scope() as session:
            catalogue.withdraw(session, actor=record.acting(session, by), version_id=version_id, reason=reason)
    except HuiqiError as error:
        fail(error)
    typer.echo(f"已撤回：版本 {version_id}。")


simulation.register(app)
record.register(app)
web.register(app, record.demo_app)


def main() -> None:
    """Entry point of the ``huiqi`` command. A database without its tables, or out of reach, is said in one
    sentence with exit status 2, whichever command met it, rather than with a traceback."""
    try:
        app()
    except Exception as error:
        said = database_trouble(error, record.shown_url())
        if said is None:
            raise
        tell(said)
        sys.exit(INVALID)

