"""One way for every page to take a step: in a savepoint, and on a refusal the form again, with the error.

A refused step undoes only itself (the sign-in and the rest of the request stay); the page is shown
again with what was typed, the reason in Chinese and each field by its Chinese label, and the status
the refusal carries (409 for a step another person has just taken). Out of scope stays a 404 page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from huiqi.errors import (
    ChangedMeanwhile,
    HuiqiError,
    InputError,
    NotFound,
    PolicyFileError,
    SituationsFailed,
    tell_after,
)
from huiqi.labels import Problem, Refused, field_label, labelled
from huiqi.validation import whole_in


@dataclass(frozen=True)
class Refusal:
    """Why a page's step was refused, ready for its template."""

    status_code: int
    message: str
    problems: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, error: HuiqiError) -> "Refusal":
        if isinstance(error, InputError):
            return cls(error.status_code, "请按提示修改后再提交", labelled(error.problems))
        if isinstance(error, ChangedMeanwhile):
            return cls(error.status_code, "提交的内容在填写后已有变化，请刷新后再办理", labelled(error.problems))
        if isinstance(error, PolicyFileError):  # each mistake at its line, as ``huiqi policy check`` prints it
            return cls(error.status_code, "政策文件未通过校验", [("", p) for p in error.problems])
        if isinstance(error, SituationsFailed):
            return cls(error.status_code, "政策文件自带的测试情形未通过", [("", p) for p in error.problems])
        return cls(error.status_code, error.message)

    @property
    def shown(self) -> list[tuple[str, str]]:
        """What a form's summary lists: the problems, or else the message, said as a refusal (of permission, or of a
        step another person or tab has just taken or set aside): nothing typed is there to correct."""
        return self.problems or [Refused("", self.message)]


def form_step(session: Session, act: Callable[[], Any], *, done: str | Callable[[Any], str],
              again: Callable[[Refusal], Response], said: str | Callable[[Any], str]) -> Response:
    """Take ``act`` in a savepoint: commit and go to ``done`` (303; a function of what ``act`` made, or a
    fixed address), where ``said`` (the same) is shown once; or undo it, keep what the refusal still tells
    (``tell_after``) and answer ``again(refusal)``."""
    try:
        with session.begin_nested():
            made = act()
    except NotFound:
        raise
    except HuiqiError as error:
        tell_after(session, error)
        return again(Refusal.of(error))
    session.commit()
    response = RedirectResponse(done(made) if callable(done) else done, status_code=303)
    flash(response, said(made) if callable(said) else said)
    return response


def shown_back(name: str, value: str | None, low: int, high: int, undone: str, *, required: bool = False) -> int | None:
    r"""What a page's hidden field ``name`` carries back of what it showed (a ceiling, a version in force, a year), as a
    whole number from ``low`` to ``high``; None when it carries nothing (nothing was shown, nothing is checked) unless
    it is ``required``. One no page wrote (a word, a NUL, a number past any) is refused, naming it and what was
    ``undone``: the step is not taken on a figure that cannot be checked.

    >>> shown_back("in_force", "７", 0, 9, "未发布"), shown_back("in_force", "", 0, 9, "未发布")
    (7, None)
    >>> shown_back("in_force", "7\x00", 0, 9, "未发布")
    Traceback (most recent call last):
    huiqi.errors.InputError: 页面显示的现行版本（请刷新页面后再试）：无法核对，未发布
    """
    if not value and not required:
        return None
    number = whole_in(value, low, high)
    if number is None:
        raise InputError([Problem(field_label(name), f"无法核对，{undone}")])
    return number


FLASH_COOKIE = "huiqi_flash"
FLASH_MOST = 200


NOT_DONE = "!"  # marks a flash that reports no success (moved away from a form's address, refused): no ✓


def partly(message: str) -> str:
    """A form step's ``said`` for a step taken that leaves something to do (a draft saved whose own test situations
    fail): shown without the ✓ of a success."""
    return NOT_DONE + message


def flash(response: Response, message: str, done: bool = True) -> None:
    """Say ``message`` on the next page shown (once): the message after every action (a cookie: at most
    ``FLASH_MOST`` characters, the rest cut to an ellipsis); ``done`` False when it reports no success."""
    if len(message) > FLASH_MOST:
        message = message[:FLASH_MOST - 1] + "…"
    marked = message if done else NOT_DONE + message
    response.set_cookie(FLASH_COOKIE, quote(marked), max_age=120, httponly=True, samesite="lax", path="/")


def flashed(request: Request) -> str | None:
    """The message waiting for the next whole page, if any (the page forgets it: ``forget``)."""
    message = request.cookies.get(FLASH_COOKIE)
    return unquote(message) if message and request.headers.get("HX-Request") != "true" else None


def forget(response: Response) -> None:
    response.delete_cookie(FLASH_COOKIE, path="/")
