"""What each step of an application changed, as its timeline says it: the score, the amounts.

Read from the audit trail: a step's own event (``application.<action>``, with the state after) follows, in the same
transaction, the events of what its handler wrote (the amount proposed, set or cleared; the score; the grant; the
payment). So the events between one step's event and the next are the next step's doing.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from huiqi.audit import service as audit
from huiqi.money import wan
from huiqi.workflow.states import Action

STEP_EVENTS = frozenset(f"application.{a.value}" for a in Action)
# The score is the reviewers' own measure: the enterprise's timeline says it was recorded, not what it was.
INTERNAL = frozenset({"application.score"})


def _amount(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    old, new = before.get("amount_proposed"), after.get("amount_proposed")
    if new is None:
        return f"拟定金额 {wan(old)} 万元已撤销" if isinstance(old, int) else None
    return f"拟定金额 {wan(new)} 万元" if old is None else f"拟定金额由 {wan(old)} 万元改为 {wan(new)} 万元"


SAID: dict[str, Callable[[dict[str, Any], dict[str, Any]], str | None]] = {
    "application.score": lambda before, after: f"评审得分 {after.get('expert_score')}",
    "application.amount_proposed": _amount,
    "application.approved_amount": lambda before, after: f"批准金额 {wan(after.get('amount_approved'))} 万元",
    "application.disbursed": lambda before, after: f"拨付金额 {wan(after.get('amount'))} 万元",
}


def details(session: Session, application_id: int, *, internal: bool) -> list[list[str]]:
    """For each step of the application, in order, what it changed; ``internal`` (a reviewer) also reads the score."""
    out: list[list[str]] = []
    pending: list[str] = []
    for event in audit.history(session, entity="application", entity_id=application_id):
        after = event.after or {}
        if event.action in STEP_EVENTS and "state" in after:
            out.append(pending)
            pending = []
        elif event.action in SAID and (internal or event.action not in INTERNAL) and (
                said := SAID[event.action](event.before or {}, after)):
            pending.append(said)
    return out
