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
    raise typer.Exit(INVALID)


def parse_as_of(text: str | None) -> date | None:
    """Read ``--as-of``; a malformed date is an input error naming the option."""
    if text is None:
        return None
    try:
        return iso_date(text)
    except ValueError:
        raise InputError([("--as-of", f"{text!r} 不是有效日期（应为 YYYY-MM-DD）")]) from None
