"""Take one step: check the role, the scope and the state against the table, record it twice
(in the application's history and in the audit trail)."""

from datetime import date

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.audit import service as audit
from huiqi.errors import Conflict, Forbidden, InputError
from huiqi.models import Application, Transition, User
from huiqi.users.scope import ROLE_LABELS, covers
from huiqi.workflow import repository
from huiqi.workflow.states import ACTIONS, STATES, Step, roles_of, step_for


def check(application: Application, *, action: str, actor: User) -> Step:
    """The step the actor takes; refused when its role, scope or the application's state does not allow it."""
    label = ACTIONS[action]
    if actor.role not in roles_of(action):
        raise Forbidden(f"{ROLE_LABELS.get(actor.role, actor.role)}不能{label}")
    if actor.role != "system" and not covers(actor, application):
        raise Forbidden(f"申报 {application.id} 不在{ROLE_LABELS[actor.role]}的范围内")
    step = step_for(action, application.state, actor.role)
    if step is None:
        raise Conflict(f"申报 {application.id} 处于「{STATES[application.state]}」，"
                       f"{ROLE_LABELS.get(actor.role, actor.role)}不能{label}")
    return step


def dated(session: Session, application: Application, *, action: str, on: date) -> None:
    """Refuse a step dated in the future (a 公示 may be set to start later) or before the step it follows.

    Services that write more than the step call this before their first write."""
    label = ACTIONS[action]
    if on > clock.today() and action != "announce":
        raise Conflict(f"{label}的日期 {on} 晚于今天（{clock.today()}）：不能登记尚未发生的事")
    last = repository.last_of(session, application.id)
    if last is not None and on < last.on:
        raise Conflict(f"{label}的日期 {on} 早于上一步（{ACTIONS[last.action]}，{last.on}）："
                       "各步骤须按时间顺序登记，请核对日期")


def move(session: Session, *, application: Application, action: str, actor: User, on: date,
         reasons: str | None = None) -> Transition:
    """Take step ``action``; reasons are required where the table says so (return, reject, objection)."""
    step = check(application, action=action, actor=actor)
    dated(session, application, action=action, on=on)
    reasons = (reasons or "").strip() or None
    if step.needs_reasons and reasons is None:
        raise InputError([("reasons", f"{step.label}须写明理由")])
    before = application.state
    application.state = step.target
    row = repository.add(session, Transition(application_id=application.id, action=action, from_state=before,
                                             to_state=step.target, actor=actor.username, on=on, reasons=reasons))
    audit.record(session, actor=actor.username, action=f"application.{action}", entity="application",
                 entity_id=application.id, before={"state": before},
                 after={"state": step.target, "on": on, "reasons": reasons})
    return row
