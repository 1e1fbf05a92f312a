"""Helpers shared by the command-line modules: clear errors with exit status 2, common options."""

from datetime import date
from typing import Annotated, NoReturn

import typer

from huiqi.console import make_console
from huiqi.errors import HuiqiError, InputError, PolicyFileError
from huiqi.validation import iso_date

INVALID = 2


PolicyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--policy", "-p", help="政策：内置政策编号（文件名）或政策文件路径；可多次给出。默认全部内置政策。"
    ),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="判断日期 YYYY-MM-DD；默认取案例中的 as_of，再默认今天。")
]


def fail(error: HuiqiError | str) -> NoReturn:
    """Print a clear error to stderr and exit with status 2."""
    tell(error)
    raise typer.Exit(INVALID)


def tell(error: HuiqiError | str) -> None:
    """Print a clear error to stderr: an input's mistakes field by field, a policy file's line by line."""
    console = make_console(stderr=True)
    if isinstance(error, InputError):
        console.print("[bold red]输入有误：[/]")
        for field, why in error.problems:
            console.print(f"  {field}：{why}", markup=False, highlight=False, soft_wrap=True)
    elif isinstance(error, PolicyFileError):
        console.print("[bold red]政策文件有误：[/]")
        for line in error.problems:
            console.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    else:
        message = error.message if isinstance(error, HuiqiError) else error
        console.print(f"[bold red]错误：[/]{message}", highlight=False, soft_wrap=True)


def database_trouble(error: BaseException, url: str) -> str | None:
    """What to tell the operator when a command's database has no tables yet (or older ones) or cannot be
    reached; None for any other error, which stays a programming error with its traceback."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    if not isinstance(error, OperationalError | ProgrammingError):
        return None
    cause = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error.orig).__name__
    if getattr(error.orig, "sqlstate", None) in UNDEFINED or cause.startswith(("no such table", "no such column")):
        return (f"数据库 {url} 还没有建立表结构，或结构不是最新（{cause}）："
                "请先运行 huiqi db upgrade（演示数据：huiqi demo seed）。")
    if isinstance(error, OperationalError):
        return f"无法使用数据库 {url}：{cause}。请检查 HUIQI_DATABASE_URL 和数据库服务。"
    return None


UNDEFINED = ("42P01", "42703")  # PostgreSQL: undefined table, undefined column


def parse_as_of(text: str | None) -> date | None:
    """Read ``--as-of``; a malformed date is an input error naming the option."""
    if text is None:
        return None
    try:
        return iso_date(text)
    except ValueError:
        raise InputError([("--as-of", f"{text!r} 不是有效日期（应为 YYYY-MM-DD）")]) from None
