"""Commands of the record: ``huiqi db upgrade``, ``huiqi users add``, ``huiqi demo seed``,
``huiqi audit verify``, ``huiqi import``, ``huiqi stats``, ``huiqi whitelist export``, ``huiqi calendar``.

Each command opens one session and commits once at the end; a business failure exits with
status 2 and says why. Commands act as the operator of the machine ("system").
"""

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from huiqi.cli_support import fail
from huiqi.config import get_settings
from huiqi.console import make_console
from huiqi.errors import HuiqiError, InputError
from huiqi.money import wan
from huiqi.statistics.schemas import DIMENSIONS
from huiqi.users.roles import ROLE_LABELS

db_app = typer.Typer(help="数据库：建立或升级表结构。", no_args_is_help=True)
users_app = typer.Typer(help="用户：添加用户（企业、市级初审、责任单位、财政、管理员、审计、政策分析）。",
                        no_args_is_help=True)


# The database layer (SQLAlchemy, the models) is imported when a command needs it, so the other
# commands of ``huiqi`` (match, simulate) start without it.
def session_scope():  # huiqi.db.session_scope, imported on first use
    from huiqi.db import session_scope as scope

    return scope()


def upgrade() -> None:
    from huiqi.db import upgrade as run

    run()


def _system():  # huiqi.users.scope.SYSTEM
    from huiqi.users.scope import SYSTEM

    return SYSTEM


demo_app = typer.Typer(help="演示数据。", no_args_is_help=True)
audit_app = typer.Typer(help="审计链：检查记录是否在事后被改动或删除。", no_args_is_help=True)
whitelist_app = typer.Typer(help="白名单（依据政策文件中标明 serves: whitelist 的措施）。", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """按迁移脚本建立或升级数据库表结构（HUIQI_DATABASE_URL，默认 var/huiqi.db）。"""
    upgrade()
    typer.echo(f"数据库已是最新结构：{shown_url()}")


def shown_url() -> str:
    from sqlalchemy import make_url

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="登录名（字母、数字、_ . -）。")],
    role: Annotated[str, typer.Option(help="角色：enterprise、city、department、finance、admin、auditor、analyst。")],
    name: Annotated[str, typer.Option("--name", help="显示名称。")] = "",
    uscc: Annotated[str | None, typer.Option(help="企业用户：本单位的统一社会信用代码。")] = None,
    region: Annotated[str | None, typer.Option(help="市级初审：地级市代码（如 210100）或 shenfu。")] = None,
    department: Annotated[str | None, typer.Option(help="责任单位审核：单位名称（如 省工业和信息化厅）。")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取密码（脚本用）。")] = False,
) -> None:
    """添加一个用户；密码以 argon2 哈希保存，不回显。"""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else \
        typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    try:
        with session_scope() as session:
            from huiqi.catalogue import service as catalogue
            from huiqi.departments import service as departments
            from huiqi.users import service as users

            departments.sync(session, policies=catalogue.published(session))
            told: list[str] = []  # the offers the lists naming a new enterprise account's unit now bring it
            user = users.create_user(session, actor=_system(), username=username, display_name=name or username,
                                     role=role, password=password, uscc=uscc, region=region, department=department,
                                     told=told)
            typer.echo("；".join([f"已添加用户 {user.username}（{ROLE_LABELS.get(user.role, user.role)}）", *told]))
    except HuiqiError as error:
        fail(error)


@demo_app.command("seed")
def demo_seed() -> None:
    """在新数据库中生成演示数据：部门、各角色用户、12 家演示企业、各状态的申报、预算、白名单。"""
    settings = get_settings()
    try:
        settings.refuse_dev_secrets()
        upgrade()
        with session_scope() as session:
            from huiqi.demo.service import seed

            cast = seed(session, password=settings.demo_password)
    except HuiqiError as error:
        fail(error)
    typer.echo(f"演示数据已生成（{shown_url()}）：企业 {len(cast.enterprises)} 家、市级初审 {len(cast.cities)} 个、"
               f"责任单位 {len(cast.departments)} 个；用户名 admin、admin2（系统管理员二（演示）：政策版本和白名单"
               "须由拟定人以外的另一位管理员发布）、finance、auditor、analyst、city-210100…、dept-01…、ent-01…，"
               "密码为 HUIQI_DEMO_PASSWORD。所有企业均为虚构的演示数据。")


@audit_app.command("verify")
def audit_verify(anchor: Annotated[list[str] | None, typer.Option(
        "--anchor", help="由 huiqi audit anchor 给出、库外保存的锚点，可多次给出。")] = None) -> None:
    """逐条核对审计链，并按审计事件重演、核对业务表（申报及其流转记录、批准、拨付、预算、用户、政策版本、白名单、公示、
    单位信息）：报告任何在事后被改动或删除的记录、任何与审计事件不符的业务数据（有问题时退出码为 2）。"""
    from huiqi.audit.replay import COVERED
    from huiqi.audit.service import verify

    try:
        with session_scope() as session:
            result = verify(session, anchor or [])
    except InputError as error:  # an anchor mistyped: where the command line finds one
        fail(InputError([(f"--{field}", f"{why}（命令行下可用 huiqi audit anchor 给出当前锚点）")
                         for field, why in error.problems]))
    except HuiqiError as error:
        fail(error)
    if result.intact:
        typer.echo(f"审计链完整：共 {result.events} 条记录，未发现改动或删除；以下记录均与审计事件相符："
                   f"{'；'.join(COVERED)}。" + "".join(f"\n锚点 {a} 与链上记录相符。" for a in result.anchors))
        return
    console = make_console(stderr=True)
    if result.problems:
        console.print(f"[bold red]审计链有问题（共 {result.events} 条记录）：[/]")
        for problem in result.problems:
            console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
    if result.unheld:
        console.print(f"[bold red]锚点不符（{len(result.unheld)} 个）：[/]")
        for said in result.unheld:
            console.print(f"  {said}", markup=False, highlight=False, soft_wrap=True)
    if result.differences:
        console.print(f"[bold red]业务数据与审计事件不符（{len(result.differences)} 处）：[/]")
        for difference in result.differences:
            console.print(f"  {difference}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@audit_app.command("anchor")
def audit_anchor() -> None:
    """给出审计链当前的锚点（序号:哈希）：请保存在数据库之外（审计底稿、公告），日后用 verify --anchor 核对。"""
    from huiqi.audit.service import anchor

    with session_scope() as session:
        typer.echo(anchor(session))


def import_command(
    path: Annotated[Path, typer.Argument(
        help="总体数据：含 applicants、matters 两张表的 CSV/Parquet 文件夹或 Excel 工作簿。")],
) -> None:
    """导入申报单位和事项（总体数据格式）；单位信息有变化时记为新版本。"""
    from huiqi.applicants.importer import import_population

    try:
        with session_scope() as session:
            report = import_population(session, actor=_system(), path=path)
    except HuiqiError as error:
        fail(error)
    typer.echo(f"已导入：申报单位 {report.applicants} 家（信息有变化 {report.profiles_changed} 家），"
               f"事项 {report.matters} 项。")


def stats_command(
    by: Annotated[list[str] | None, typer.Option("--by", help=f"分组（可多次给出）：{', '.join(DIMENSIONS)}。")] = None,
) -> None:
    """统计申报、批准和金额（万元），按措施、城市、责任单位、申报年度、状态分组。"""
    from huiqi.statistics.service import summary

    try:
        with session_scope() as session:
            rows = summary(session, actor=_system(), by=tuple(by or ["measure"]))
    except HuiqiError as error:
        fail(error)
    make_console().print(_stats_table(by or ["measure"], rows))


def _stats_table(by: list[str], rows) -> Table:
    from huiqi.statistics.tables import DIMENSION_LABELS as labels  # as the pages and their Excel name them
    from huiqi.statistics.tables import key_label
    table = Table(title="申报与兑现统计（金额：万元）", title_justify="left")
    for name in [labels[b] for b in by] + ["申报数", "申请金额", "批准数", "批准金额", "已拨付"]:
        table.add_column(name, justify="left" if name in labels.values() else "right")
    for row in rows:  # a city or a state as the pages say it (沈阳市, 公示期满，待批准); a measure or year as it is
        keys = ["—" if row.group[name] is None else key_label(name, row.group[name]) if name in ("city", "state")
                else str(row.group[name]) for name in by]
        table.add_row(*keys, str(row.applications), wan(row.requested), str(row.approved), wan(row.approved_amount),
                      wan(row.disbursed_amount))
    return table


@whitelist_app.command("export")
def whitelist_export(
    version: Annotated[int, typer.Argument(help="白名单版次（已发布的第 N 版）。")],
    output: Annotated[Path, typer.Argument(help="输出的 Excel 文件（.xlsx）。")],
) -> None:
    """把已发布的白名单版本导出为 Excel。"""
    from huiqi.whitelist import service as whitelist

    try:
        with session_scope() as session:
            found = whitelist.published_edition(session, edition=version)
            whitelist.export_xlsx(session, version_id=found.id, path=output)
    except HuiqiError as error:
        fail(error)
    typer.echo(f"已导出白名单第 {version} 版：{output}")


calendar_app = typer.Typer(help="节假日日历：公示期按工作日计算所依据的法定节假日与调休安排。", no_args_is_help=True)


@calendar_app.command("import")
def calendar_import(
    path: Annotated[Path, typer.Argument(help="CSV 或 Excel 文件：表头 date,kind,name；kind 为 holiday 或 workday。")],
    source: Annotated[str, typer.Option(help="通知的文号或标题，如 国办发明电〔2026〕7号。")],
) -> None:
    """录入国务院办公厅通知中一年（或几年）的放假日和调休上班日；同一年份再次录入则整体替换（原安排记入审计日志）。"""
    from huiqi.holidays import service as holidays

    try:
        with session_scope() as session:
            entries = holidays.read_file(path)
            had = {y for y, _, _ in holidays.entered_years(session)} | holidays.calendar_of(session).years
            years = holidays.enter(session, actor=_system(), entries=entries, source=source)
            last = holidays.calendar_of(session).last_day
    except (HuiqiError, OSError) as error:
        fail(error if isinstance(error, HuiqiError) else f"读不了文件 {path}：{error}")
    replaced = [str(y) for y in years if y in had]
    typer.echo(f"已录入 {'、'.join(str(y) for y in years)} 年的节假日安排；日历现覆盖至 {last.isoformat()}。"
               + (f"{'、'.join(replaced)} 年原有的安排已被替换，原安排已记入审计日志。" if replaced else ""))


@calendar_app.command("show")
def calendar_show(year: Annotated[int, typer.Argument(help="年份，如 2027。", min=2000, max=2100)]) -> None:
    """列出一年的放假日和调休上班日及其来源。"""
    from huiqi.holidays import service as holidays

    with session_scope() as session:
        days, source = holidays.year(session, year)
        last = holidays.calendar_of(session).last_day
    if not days:
        fail(f"{year} 年的节假日安排尚未录入（日历覆盖至 {last.isoformat()}）：用 huiqi calendar import 录入")
    table = Table(title=f"{year} 年节假日安排（来源：{source}）")
    for column in ("日期", "类别", "名称"):
        table.add_column(column)
    for day in days:
        table.add_row(day.day.isoformat(), holidays.KIND_LABELS[day.kind], day.name)
    make_console().print(table)


def acting(session, username: str):
    """The active user a command acts as (``--by``): publication and rounds are recorded under a person."""
    from huiqi.errors import InputError
    from huiqi.users import repository as users

    found = users.by_username(session, username)
    if found is None or not found.active:
        raise InputError([("--by", f"没有启用的用户 {username}")])
    return found


round_app = typer.Typer(help="申报批次：开放哪些措施、何时截止、需要哪些材料。", no_args_is_help=True)


@round_app.command("list")
def round_list() -> None:
    """列出全部申报批次及其状态。"""
    from huiqi import clock
    from huiqi.rounds import service as rounds

    table = Table(title="申报批次")
    for column in ("编号", "批次", "政策", "受理期", "状态", "措施"):
        table.add_column(column)
    with session_scope() as session:
        for found in rounds.listed(session):
            shown = rounds.read(session, found, clock.today())
            table.add_row(str(shown.id), shown.title, shown.policy_number, f"{shown.opens_on} 至 {shown.closes_on}",
                          shown.status, "、".join(str(m.measure) for m in shown.measures))
    make_console().print(table)


@round_app.command("open")
def round_open(
    policy: Annotated[str, typer.Argument(help="政策编号（huiqi policy list）。")],
    title: Annotated[str, typer.Option(help="批次名称，如 2026年度申报。")],
    opens: Annotated[str, typer.Option(help="开始日期 YYYY-MM-DD。")],
    closes: Annotated[str, typer.Option(help="截止日期 YYYY-MM-DD（含当日）。")],
    measure: Annotated[list[int], typer.Option(help="开放的措施序号；可多次给出。")],
    by: Annotated[str, typer.Option("--by", help="以哪位管理员或牵头单位审核人员的身份（用户名）。")],
    correction_days: Annotated[int, typer.Option(help="退回补正后重新提交的期限（工作日）。", min=1, max=60)] = 10,
    announcement_days: Annotated[int, typer.Option(help="公示期（工作日）。", min=1, max=30)] = 5,
    contact: Annotated[str, typer.Option(help="咨询电话或联系人。")] = "",
    guide: Annotated[str, typer.Option(help="办事指南：流程、时限。")] = "",
) -> None:
    """开设申报批次：所列措施在开始日期至截止日期之间受理申报。"""
    from huiqi.rounds import opening, overlapping
    from huiqi.validation import form_date

    try:
        opens_on, closes_on = form_date(opens, "--opens"), form_date(closes, "--closes")
        with session_scope() as session:
            actor = acting(session, by)
            found = opening.open_round(session, actor=actor, policy_id=policy, title=title, opens_on=opens_on,
                                       closes_on=closes_on, measures=[opening.MeasureIn(m) for m in measure],
                                       correction_days=correction_days, announcement_days=announcement_days,
                                       guide=guide, contact=contact)
            round_id, warnings = found.id, overlapping.overlap_warnings(session, found)
    except HuiqiError as error:
        fail(error)
    typer.echo(f"已开设申报批次 {round_id}「{title}」：{opens} 至 {closes} 受理措施 {'、'.join(map(str, measure))}。")
    for warning in warnings:
        typer.echo(f"请注意：{warning}。")


@round_app.command("close")
def round_close(
    round_id: Annotated[int, typer.Argument(help="批次编号（huiqi round list）。", min=1)],
    by: Annotated[str, typer.Option("--by", help="以哪位管理员的身份（用户名）。")],
) -> None:
    """提前结束一个申报批次的受理。"""
    from huiqi.rounds import editing

    try:
        with session_scope() as session:
            actor = acting(session, by)
            found = editing.close(session, actor=actor, round_id=round_id)
            title, cancelled = found.title, found.cancelled
    except HuiqiError as error:
        fail(error)
    typer.echo(f"申报批次 {round_id}「{title}」" + ("尚未开始受理，已取消。" if cancelled else "已结束受理。"))


@round_app.command("extend")
def round_extend(
    round_id: Annotated[int, typer.Argument(help="批次编号（huiqi round list）。", min=1)],
    to: Annotated[str, typer.Option("--to", help="新的截止日期 YYYY-MM-DD（晚于现在的截止日期）。")],
    reason: Annotated[str, typer.Option(help="延期原因（将告知企业和订阅者）。")],
    by: Annotated[str, typer.Option("--by", help="以哪位管理员或开设该批次的审核人员的身份（用户名）。")],
) -> None:
    """延长一个申报批次的截止日期（在受理期内）。"""
    from huiqi.rounds import editing, overlapping, repository
    from huiqi.validation import form_date

    try:
        closes_on = form_date(to, "--to")
        with session_scope() as session:
            actor = acting(session, by)
            current = repository.get(session, round_id)
            seen = current.closes_on if current is not None else closes_on
            found = editing.extend(session, actor=actor, round_id=round_id, closes_on=closes_on, seen=seen,
                                   reason=reason)
            title, warnings = found.title, overlapping.overlap_warnings(session, found)
    except HuiqiError as error:
        fail(error)
    typer.echo(f"申报批次 {round_id}「{title}」的截止日期已由 {seen} 延至 {closes_on}。")
    for warning in warnings:
        typer.echo(f"请注意：{warning}。")


lists_app = typer.Typer(help="认定名单：导入有关部门公布的名单，作为公布的事实记入事项，并产生政策直达。",
                        no_args_is_help=True)


SHOWN = 50  # rows that made no offer the command lists with their reasons (the page's download has them all)


@lists_app.command("import")
def lists_import(
    path: Annotated[Path, typer.Argument(help="CSV（UTF-8）或 Excel 文件：表头 uscc,name，可另有 level,date。")],
    code: Annotated[str, typer.Option(help="认定类别代码，如 little_giant。")],
    document: Annotated[str, typer.Option(help="发布文号，如 工信部企业函〔2023〕xx号。")],
    date: Annotated[str, typer.Option("--date", help="名单发布日期 YYYY-MM-DD（各行认定日期的默认值）。")],
    by: Annotated[str, typer.Option("--by", help="以哪位管理员或责任单位审核人员的身份（用户名）。")],
    level: Annotated[str | None, typer.Option(help="级别：national、provincial…（各行可另填）。")] = None,
) -> None:
    """导入一份认定名单：逐行校验，有错则一行也不写入并逐行指出；导入后重新匹配并产生政策直达。"""
    from huiqi.catalogue import service as catalogue
    from huiqi.recognition import leads, outcomes
    from huiqi.recognition import service as lists
    from huiqi.validation import form_date

    try:
        published_on = form_date(date, "--date")
        with session_scope() as session:
            actor = acting(session, by)
            if code in catalogue.codes(session):  # a category the user may not import: refused before the file
                leads.require(session, actor, code, doing="导入")
            rows = lists.check(session, lists.read_file(path), code=code, level=level, published_on=published_on)
            done = lists.import_list(session, actor=actor, rows=rows, code=code, level=level, document=document,
                                     published_on=published_on, inline=True)  # the command waits for it
            list_id, said = done.list.id, done.said.replace("逐行原因见认定名单页", "逐行原因如下")
            unoffered = [f"  第 {x.line} 行 {name or ''}（{uscc}）：{x.why}"
                         for x, uscc, name in outcomes.rows(session, list_id, limit=SHOWN, unoffered=True)]
            more = done.tally.not_offered - len(unoffered) if done.tally else 0
    except HuiqiError as error:
        fail(error)
    typer.echo(f"已导入名单 {list_id}：{said}。")
    for line in unoffered:
        typer.echo(line)
    if more > 0:
        typer.echo(f"  另有 {more} 行未列出：见认定名单页 /admin/lists 的逐行结果下载。")


messages_app = typer.Typer(help="消息：发送排队中的邮件，生成每日待办提醒。", no_args_is_help=True)


@messages_app.command("send")
def messages_send() -> None:
    """发送排队中的邮件（需设置 HUIQI_SMTP_HOST）；失败的稍后重试，消息不会丢失。"""
    from huiqi.messages import service as messages

    if not get_settings().smtp_host:
        fail(HuiqiError("没有设置 HUIQI_SMTP_HOST：消息只在站内消息中心，不发送邮件"))
    with session_scope() as session:
        sent, failed = messages.send_pending(session)
    typer.echo(f"已发送 {sent} 封邮件" + (f"；{failed} 封未能发送，稍后重试" if failed else "。"))


@messages_app.command("digest")
def messages_digest() -> None:
    """给有待办事项的审核人员和财政人员各发一条今日提醒（每人每天一条）。"""
    from huiqi import clock
    from huiqi.messages import service as messages

    with session_scope() as session:
        made = messages.digest(session, clock.today())
    typer.echo(f"已生成 {made} 条今日待办提醒。")


def register(app: typer.Typer) -> None:
    """Add the record's commands to the ``huiqi`` command."""
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(demo_app, name="demo")
    app.add_typer(audit_app, name="audit")
    app.add_typer(whitelist_app, name="whitelist")
    app.add_typer(calendar_app, name="calendar")
    app.add_typer(round_app, name="round")
    app.add_typer(lists_app, name="lists")
    app.add_typer(messages_app, name="messages")
    app.command("import")(import_command)
    app.command("stats")(stats_command)
