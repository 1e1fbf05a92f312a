"""One way for every page to take a step: in a savepoint, and on a refusal the form again, with the error.

A refused step undoes only itself (the sign-in and the rest of the request stay); the page is shown
again with what was typed, the reason in Chinese and each field by its Chinese label, and the status
the refusal carries (409 for a step another person has just taken). Out of scope stays a 404 page.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from huiqi.errors import HuiqiError, InputError, NotFound
from huiqi.labels import labelled


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
        return cls(error.status_code, error.message)


def form_step(session: Session, act: Callable[[], Any], *, done: str | Callable[[Any], str],
              again: Callable[[Refusal], Response]) -> Response:
    """Take ``act`` in a savepoint: commit and go to ``done`` (303; a function of what ``act`` made, or a
    fixed address), or undo it and answer ``again(refusal)``."""
    try:
        with session.begin_nested():
            made = act()
    except NotFound:
        raise
    except HuiqiError as error:
        return again(Refusal.of(error))
    session.commit()
    return RedirectResponse(done(made) if callable(done) else done, status_code=303)
