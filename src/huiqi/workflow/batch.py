"""One step taken on many applications, each on its own (finance approving the entries of 公示 that have ended).

A batch is not one transaction. Each application goes through the step runner exactly as when it is taken alone
(locked, checked, written, told) and is committed before the next, in id order; one that is refused (its 公示 not
over, the budget short, someone else just approved it) is undone alone and named with its reason, and the rest go
on. So a batch ends as that many single steps would, a race with another person ends for each application as a
race on one does (one outcome, a 409 for the other), and no lock is held from one application to the next.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.db import is_unique_violation
from huiqi.errors import HuiqiError, InputError, tell_after
from huiqi.models import User
from huiqi.workflow.runner import entitled, run
from huiqi.workflow.states import ACTIONS, Action

MAX_BATCH = 100  # each approval re-runs the rules; a hundred keeps one request within seconds
MAX_PAYMENTS = 500  # a payment re-runs no rules: five hundred keep one request within seconds
COLLIDED = "同一记录刚被他人（或另一次提交）修改，请刷新页面查看最新状态后再试"


@dataclass(frozen=True)
class Outcome:
    """What became of one application of the batch: done (with what the step wrote), or refused and why."""

    application_id: int
    status: int  # the HTTP status a single step would have answered: 201 done, 409, 404, 422…
    detail: str
    written: Any = None

    @property
    def done(self) -> bool:
        return self.status < 300


def each(session: Session, action: Action, *, actor: User, items: Mapping[int, Mapping[str, Any]],
         most: int = MAX_BATCH) -> list[Outcome]:
    """Take ``action`` on every application of ``items`` (its number → the step's inputs for it) in id order, each
    committed or undone on its own; at most ``most`` of them."""
    entitled(actor, action)
    if not items or len(items) > most:
        raise InputError([("application_ids", f"批量{ACTIONS[action]}须选择 1 至 {most} 项申报")])
    outcomes = []
    for application_id in sorted(items):
        try:
            with session.begin_nested():
                done = run(session, action, actor=actor, application_id=application_id, **items[application_id])
            session.commit()
        except HuiqiError as refused:
            session.commit()  # ends the transaction: its locks go, and nothing else of the request is undone
            tell_after(session, refused)  # an enterprise whose account is awaited is told
            outcomes.append(Outcome(application_id, refused.status_code, refused.message))
        except IntegrityError as collided:  # another's step wrote the same key first (one grant per matter, policy)
            session.commit()  # ends the transaction: its locks go, and nothing else of the request is undone
            if not is_unique_violation(collided):
                raise
            outcomes.append(Outcome(application_id, 409, COLLIDED))
        else:
            outcomes.append(Outcome(application_id, 201, f"已{ACTIONS[action]}", done.written))
    return outcomes
