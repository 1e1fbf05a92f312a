"""``huiqi serve`` (the whole system over HTTP) and ``huiqi demo logins`` (the demo's accounts)."""

import os
import threading
import time
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlsplit

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from huiqi.cli_support import fail
from huiqi.config import LOOPBACK, Settings, get_settings, served_address
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
    from huiqi.recognition import service as recognition
    from huiqi.simulate.jobs import interrupted

    try:
        get_settings().refuse_dev_secrets()
        upgrade()
        with session_scope() as session:
            stale = interrupted(session)  # before any worker starts: no job of this server is running yet
            lists = recognition.interrupted(session)  # nor a list's matching
            short = connections_short(session, workers)
    except HuiqiError as error:
        fail(error)
    if short:
        typer.echo(short, err=True)
    if stale:
        typer.echo(f"上次运行中断的测算任务 {stale} 个，已标记为失败。", err=True)
    if lists:
        typer.echo(f"上次运行中断的认定名单匹配 {lists} 份，已标记为失败，可在认定名单页重新匹配。", err=True)
    address = f"http://{host}:{port}/"
    if (mismatch := public_url_mismatch(host, port, get_settings(), "HUIQI_PUBLIC_URL" in os.environ)) is not None:
        typer.echo(mismatch, err=True)
    if "HUIQI_PUBLIC_URL" not in os.environ:  # shared links and mails point to this server, not to port 8000
        os.environ["HUIQI_PUBLIC_URL"] = served_address(host, port)  # the workers inherit it
        get_settings.cache_clear()
    typer.echo(f"惠企正在启动：{address}", err=True)
    when_answering(host, port, lambda: typer.echo(f"惠企已启动：{address} （API 文档：{address}docs）", err=True))
    proxies = get_settings().trusted_proxies.strip()
    # X-Forwarded-For is believed only from the proxies the setting names (uvicorn's own default trusts 127.0.0.1).
    uvicorn.run("huiqi.app:create_app", factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False, proxy_headers=bool(proxies),
                forwarded_allow_ips=proxies or None)


def public_url_mismatch(host: str, port: int, settings: Settings, given: bool) -> str | None:
    """What to say, outside production, when the links that other commands write (mails by ``huiqi messages send``)
    would not reach this server: HUIQI_PUBLIC_URL unset while it serves elsewhere than the default's address, or set
    to this machine at another port. An address elsewhere (a proxy's) is the deployment's to know.

    >>> public_url_mismatch("127.0.0.1", 8000, Settings(), False) is None
    True
    >>> print(public_url_mismatch("0.0.0.0", 8100, Settings(public_url="http://127.0.0.1:8000"), True))
    注意：HUIQI_PUBLIC_URL（http://127.0.0.1:8000）与本服务的端口 8100 不一致，邮件和分享链接将打不开；请设为 http://127.0.0.1:8100。
    """
    served = served_address(host, port)
    if settings.environment == "production":
        return None
    if not given:
        if served == Settings.model_fields["public_url"].default:
            return None
        return (f"注意：未设置 HUIQI_PUBLIC_URL。本服务的分享链接指向 {served}，"
                f"但 huiqi messages send 等命令写出的邮件链接仍指向 {Settings.model_fields['public_url'].default}；"
                "请在运行这些命令时也设置 "
                f"HUIQI_PUBLIC_URL={served}（make demo 已按所用端口设置）。")
    url = urlsplit(settings.public_url)
    here = url.hostname in (*LOOPBACK, host.strip("[]"))
    if here and (url.port or {"https": 443}.get(url.scheme, 80)) != port:
        return (f"注意：HUIQI_PUBLIC_URL（{settings.public_url}）与本服务的端口 {port} 不一致，邮件和分享链接将打不开；"
                f"请设为 {served}。")
    return None


PROBE = "/static/css/huiqi.css"  # a file served without the database: the cheapest answer the server gives


def answering(host: str, port: int, timeout: float = 2.0) -> bool:
    """Whether the server at ``host``:``port`` serves its style sheet: a process still starting may hold the port (the
    workers' parent binds it first) and answer nothing yet; another program on the port has none to serve."""
    import http.client

    near = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host.strip("[]"))  # all addresses: here
    connection = http.client.HTTPConnection(near, port, timeout=timeout)
    try:
        connection.request("HEAD", PROBE)
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def when_answering(host: str, port: int, then: Callable[[], object], wait: float = 600.0) -> threading.Thread:
    """Call ``then`` once the server answers (``answering``), from a thread beside it, asking every 0.2 s for at most
    ``wait`` seconds; a server that never answers (its port taken: uvicorn says why) calls nothing."""

    def watch() -> None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if answering(host, port):
                then()
                return
            time.sleep(0.2)

    thread = threading.Thread(target=watch, name="huiqi-started", daemon=True)
    thread.start()
    return thread


def connections_short(session: Session, workers: int) -> str | None:
    """On PostgreSQL, a warning when the connections it allows (``max_connections`` less those it reserves for
    superusers) cannot serve every process's pool at once, saying what to set."""
    from sqlalchemy import text

    if session.get_bind().dialect.name != "postgresql":
        return None
    found = {str(name): int(value) for name, value in session.execute(text(
        "SELECT name, setting FROM pg_settings WHERE name IN "
        "('max_connections', 'superuser_reserved_connections', 'reserved_connections')"))}
    most = found["max_connections"]
    reserved = found.get("superuser_reserved_connections", 0) + found.get("reserved_connections", 0)  # the latter: 16+
    return shortfall(workers, most, reserved)


def shortfall(workers: int, most: int, reserved: int = 0, settings: Settings | None = None) -> str | None:
    """What to set when ``workers`` processes may need more connections than PostgreSQL allows (``most``, of which
    ``reserved`` for superusers); None when they fit. Each process needs its pool, 10 more at a peak and one for each
    match process.

    >>> as_shipped = Settings(threads=40, db_pool_size=None, match_processes=1)
    >>> print(shortfall(2, 100, 3, as_shipped))  # doctest: +NORMALIZE_WHITESPACE
    注意：2 个服务进程最多需要 102 个数据库连接（每个进程：连接池 40 + 高峰时另开 10 + 子进程 1），而 PostgreSQL
    可供使用的只有 97 个（max_connections 100，其中 3 个留给超级用户）。请任选其一：改用 --workers 1；或设置环境变量
    HUIQI_DB_POOL_SIZE=37（每个服务进程的数据库连接池，现为 40，未设置时等于 HUIQI_THREADS）；或把 PostgreSQL 的
    max_connections 调到 105 以上。其他程序占用的连接未计在内。
    >>> shortfall(1, 100, 3, as_shipped) is None
    True
    """
    from huiqi.db import POOL_OVERFLOW, beyond_pool, connections_needed

    settings = settings or get_settings()
    beside = beyond_pool(settings)
    needed, usable = connections_needed(workers, settings), most - reserved
    if usable >= needed:
        return None
    fewer, pool = usable // (settings.pool_size + beside), usable // workers - beside
    ways = [f"改用 --workers {fewer}"] if 1 <= fewer < workers else []
    if pool >= 1:
        unset = "，未设置时等于 HUIQI_THREADS" if settings.db_pool_size is None else ""
        now = f"现为 {settings.pool_size}{unset}"
        ways.append(f"设置环境变量 HUIQI_DB_POOL_SIZE={pool}（每个服务进程的数据库连接池，{now}）")
    ways.append(f"把 PostgreSQL 的 max_connections 调到 {needed + reserved} 以上")
    kept = f"，其中 {reserved} 个留给超级用户" if reserved else ""
    return (f"注意：{workers} 个服务进程最多需要 {needed} 个数据库连接（每个进程：连接池 {settings.pool_size} + "
            f"高峰时另开 {POOL_OVERFLOW} + 子进程 {settings.match_processes}），"
            f"而 PostgreSQL 可供使用的只有 {usable} 个（max_connections {most}{kept}）。"
            f"请任选其一：{'；或'.join(ways)}。其他程序占用的连接未计在内。")


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
