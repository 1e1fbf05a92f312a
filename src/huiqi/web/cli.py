"""``huiqi serve`` (the whole system over HTTP) and ``huiqi demo logins`` (the demo's accounts)."""

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from huiqi.cli_support import fail
from huiqi.config import get_settings
from huiqi.console import make_console
from huiqi.errors import HuiqiError
from huiqi.users.roles import Role

HELP = {
    "host": "监听地址；默认只在本机（127.0.0.1）。",
    "port": "端口，默认 8000。",
    "workers": "服务进程数；默认 1，生产环境可设为 CPU 核数（SQLite 以 WAL 模式支持多个进程）。每个进程另有"
               " HUIQI_MATCH_PROCESSES 个计算较大匹配案例、生成导出的子进程，"
               "以及 HUIQI_THREADS 个线程和同样多的数据库连接。",
}


def serve(
    host: Annotated[str, typer.Option(help=HELP["host"])] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=HELP["port"], min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help=HELP["workers"], min=1)] = 1,
) -> None:
    """提供网页和 JSON API（/api/v1，文档在 /docs），使用 HUIQI_DATABASE_URL 指定的数据库。"""
    import uvicorn

    from huiqi.db import session_scope, upgrade
    from huiqi.simulate.jobs import interrupted

    try:
        get_settings().refuse_dev_secrets()
        upgrade()
        with session_scope() as session:
            stale = interrupted(session)  # before any worker starts: no job of this server is running yet
            short = connections_short(session, workers)
    except HuiqiError as error:
        fail(error)
    if short:
        typer.echo(short, err=True)
    if stale:
        typer.echo(f"上次运行中断的测算任务 {stale} 个，已标记为失败。", err=True)
    typer.echo(f"惠企已启动：http://{host}:{port}/ （API 文档：http://{host}:{port}/docs）", err=True)
    proxies = get_settings().trusted_proxies.strip()
    # X-Forwarded-For is believed only from the proxies the setting names (uvicorn's own default trusts 127.0.0.1).
    uvicorn.run("huiqi.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False, proxy_headers=bool(proxies),
                forwarded_allow_ips=proxies or None)


def connections_short(session: Session, workers: int) -> str | None:
    """On PostgreSQL, a warning when ``max_connections`` cannot serve every process's pool at once."""
    from sqlalchemy import text

    from huiqi.db import connections_needed

    if session.get_bind().dialect.name != "postgresql":
        return None
    allowed = int(session.execute(text("SHOW max_connections")).scalar_one())
    needed = connections_needed(workers)
    if allowed >= needed:
        return None
    return (f"注意：{workers} 个服务进程最多需要 {needed} 个数据库连接"
            "（每个进程 HUIQI_DB_POOL_SIZE + 10 + HUIQI_MATCH_PROCESSES），"
            f"而 PostgreSQL 的 max_connections 为 {allowed}；"
            "请减少 --workers 或 HUIQI_THREADS，或调高 max_connections。")


def logins() -> None:
    """列出演示数据的登录账号（每个角色一个示例）及其密码。"""
    from sqlalchemy import select

    from huiqi.db import session_scope
    from huiqi.models import User
    from huiqi.users.scope import ROLE_LABELS

    with session_scope() as session:
        people = list(session.scalars(select(User).order_by(User.id)))
    if not people:
        fail("数据库中还没有用户：请先运行 huiqi demo seed")
    table = Table(title=f"演示账号（密码均为 {get_settings().demo_password}）", title_justify="left")
    for column in ("角色", "用户名", "姓名", "可以做什么"):
        table.add_column(column)
    shown: set[str] = set()
    for user in people:
        # Every department is listed (which unit leads a measure decides who reviews it); one of the others.
        if user.role in shown and user.role != Role.DEPARTMENT and user.username not in (
                "city-210100", "city-shenfu", "admin2"):  # admin2 publishes what admin drafts (a second admin)
            continue
        shown.add(user.role)
        table.add_row(ROLE_LABELS.get(user.role, user.role), user.username, user.display_name, DOES[user.role])
    console = make_console()
    console.print(table)
    console.print("其余市级初审账号为 city-<地级市代码>（如大连 city-210200），企业账号为 ent-01 至 ent-12；"
                  "各措施的牵头单位见“政策原文”页面。", markup=False)


DOES = {
    "enterprise": "用政策计算器、维护本单位信息和事项、申报并上传材料、跟踪进度",
    "city": "对本市（或沈抚示范区）的申报进行初审",
    "department": "审核本单位牵头的措施：评分、拟定金额、退回、不予支持、列入公示",
    "finance": "设定年度预算、批准（公示期满后）、拨付；财政测算",
    "admin": "用户与角色、政策版本、白名单",
    "auditor": "查看全部申报、审计链与统计，不能修改",
    "analyst": "财政测算、改革方案与对比、全省统计；不查看单个企业的申报",
}


def register(app: typer.Typer, demo_app: typer.Typer) -> None:
    """Add ``serve`` to the main CLI and ``logins`` to ``huiqi demo``."""
    app.command("serve")(serve)
    demo_app.command("logins")(logins)
