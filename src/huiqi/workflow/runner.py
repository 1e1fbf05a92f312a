"""The step runner: every change of an application's state goes through ``run``.

In one fixed order, so that two steps can never deadlock and never both win:
1. lock the applications' rows, in id order (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the
   request's transaction took the write lock up front, see ``db.writer``), and read them afresh;
2. check what the reviewer saw, when the form says it (``Seen``: a stale tab is refused with 409 even where the
   table would allow its step from the new state), then the role, the scope and the state against the workflow
   table: a step that lost a race finds the state the winner left and is refused with 409, naming that state;
3. check the date (a step is dated by the day it is recorded, never before the step it follows);
4. the step's own checks and writes (``steps.HANDLERS``), then further locks only in the order
   matter → budget → grant → audit head;
5. move the state, write the transition and the audit event.
Anything refused raises before the first write, so nothing is half-written.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.audit import service as audit
from huiqi.errors import Conflict, Forbidden, InputError, NotFound
from huiqi.messages import service as messages
from huiqi.models import Application, Transition, User
from huiqi.money import wan
from huiqi.rounds import submission
from huiqi.users.roles import ROLE_LABELS, Role
from huiqi.users.scope import SYSTEM, covers
from huiqi.workflow import repository
from huiqi.workflow.states import ACTIONS, DOING, STATES, Action, State, Step, roles_of, standing, step_for
from huiqi.workflow.steps import HANDLERS, MANY, Context

MAX_REASONS = 2000


@dataclass(frozen=True)
class Seen:
    """What the reviewer's page showed when the decision was taken: the state and, when ``amount_said``, the amount
    proposed, when ``score_said``, the expert score (None: none). A page's state alone misses a corrected amount or
    a recorded score, which leave the state as it was."""

    state: str | None = None
    amount: int | None = None
    amount_said: bool = False
    score: int | None = None
    score_said: bool = False


def run(session: Session, action: Action | str, *, actor: User, application_id: int | None = None,
        application_ids: Sequence[int] = (), seen: Seen | Mapping[int, Seen] | None = None, **params: Any) -> Context:
    """Take step ``action`` on one application (or, for a 公示, several) as ``actor``, dated today; refused when
    ``seen`` (for a 公示, by application) is said and the application is no longer as it was seen."""
    action = Action(action)
    ids = sorted(set(application_ids if action in MANY else [application_id] if application_id else []))
    entitled(actor, action)
    if not ids:
        raise InputError([("application_ids", f"{ACTIONS[action]}至少包含一项申报")])
    today = clock.today()
    found = lock(session, ids, actor)
    for app in found:
        unchanged(app, seen.get(app.id) if isinstance(seen, Mapping) else seen)
    direct = repository.direct(session, ids)
    steps = [check(app, action, actor, direct=app.id in direct) for app in found]
    reasons = _reasons(params.pop("reasons", None), steps[0])
    for app in found:
        dated(session, app, action, today)
    ctx = Context(session=session, actor=actor, today=today, applications=found, params=params)
    HANDLERS[action](ctx)
    for app, step in zip(found, steps, strict=True):
        move(session, app, step, actor=actor, on=today, reasons=reasons, more=ctx.audit_after)
    if ctx.then is not None:
        for app in found:
            move(session, app, check(app, ctx.then, SYSTEM), actor=SYSTEM, on=today)
    due = {a.id: submission.correction_due(session, a) for a in found} if action == Action.RETURN else None
    messages.after_step(session, action, found, reasons, due)  # the enterprise is told, in the same transaction
    messages.arrived(session, actor, found, ctx.written if action == Action.ANNOUNCE else None)  # and reviewers
    return ctx


def entitled(actor: User, action: Action) -> None:
    """Refuse (403) a role the workflow table never lets take ``action``, naming the roles that do."""
    if actor.role not in roles_of(action):
        who = "、".join(ROLE_LABELS[r] for r in sorted(roles_of(action)))
        raise Forbidden(f"{ROLE_LABELS.get(actor.role, actor.role)}无权{DOING[action]}（由{who}办理）")


def lock(session: Session, ids: list[int], actor: User) -> list[Application]:
    """The applications, locked until the transaction ends and read afresh; out of scope is not found."""
    query = (select(Application).where(Application.id.in_(ids)).order_by(Application.id).with_for_update()
             .execution_options(populate_existing=True))
    found = {app.id: app for app in session.scalars(query)}
    for i in ids:
        if i not in found or (actor.role != Role.SYSTEM and not covers(actor, found[i])):
            raise NotFound(f"没有编号为 {i} 的申报（或不在您的范围内）")
    return [found[i] for i in ids]


def unchanged(application: Application, seen: Seen | None) -> None:
    """Refuse (409) a decision taken on a page shown before the application last changed, saying what it is now."""
    if seen is None:
        return
    moved = seen.state is not None and seen.state != application.state
    amended = seen.amount_said and seen.amount != application.amount_proposed
    if moved or amended or (seen.score_said and seen.score != application.expert_score):
        raise Conflict(f"申报 #{application.id} 已在其他页面或由他人办理（现为{_now(application)}），请刷新后查看")


def _now(application: Application) -> str:
    """Where the application stands, as a stale tab is told: its state, and the amount and score it has (once
    approved, the amount proposed is the amount approved: it is said so)."""
    amount, score = application.amount_proposed, application.expert_score
    named = "批准金额" if application.state in (State.APPROVED, State.DISBURSED) else "拟定金额"
    return (f"「{STATES.get(application.state, application.state)}」"
            + (f"，{named} {wan(amount)} 万元" if amount is not None else "")
            + (f"，评审得分 {score}" if score is not None else ""))


def check(application: Application, action: Action, actor: User, *, direct: bool = False) -> Step:
    """The table's step for this actor from the application's current state (a 免申即享 one when ``direct``), or a
    409 naming that state, or saying that a 免申即享 application never takes the step."""
    step = step_for(action, application.state, actor.role, direct=direct)
    if step is None and direct and step_for(action, application.state, actor.role) is not None:
        raise Conflict(f"申报 #{application.id} 为免申即享（由责任单位依据公布的认定名单确认，企业无需填报、上传材料"
                       f"或作出承诺），不能{DOING[action]}" + DIRECT_INSTEAD.get(action, ""))
    if step is None:
        # A reviewer is told whose stage it is; an enterprise only where its application stands (its own role
        # named would read as if enterprises could never submit).
        who = "" if actor.role == Role.ENTERPRISE else ROLE_LABELS.get(actor.role, actor.role)
        raise Conflict(f"申报 #{application.id} {standing(application.state)}，{who}此时不能{DOING[action]}"
                       "（可能刚被他人处理，请刷新后查看）")
    return step


# What a 免申即享 application takes instead of a step it never takes.
DIRECT_INSTEAD = {Action.RETURN: "；经核查不予支持的，请写明理由作出「不予支持」"}


def dated(session: Session, application: Application, action: Action, on: date) -> None:
    """Refuse a step dated before the step it follows (the business day was set back in a demo)."""
    last = repository.last_of(session, application.id)
    if last is not None and on < last.on:
        raise Conflict(f"{ACTIONS[action]}的日期 {on} 早于上一步（{ACTIONS[last.action]}，{last.on}）："
                       "各步骤须按时间顺序登记，请核对系统日期")


def _reasons(text: Any, step: Step) -> str | None:
    reasons = (text or "").strip() if isinstance(text, str) else None
    if step.needs_reasons and not reasons:
        raise InputError([("reasons", f"{step.label}须写明理由")])
    if reasons and (len(reasons) > MAX_REASONS or "\x00" in reasons):
        raise InputError([("reasons", f"理由不超过 {MAX_REASONS} 个字符，且不能含空字符")])
    return reasons or None


def move(session: Session, application: Application, step: Step, *, actor: User, on: date,
         reasons: str | None = None, more: dict[str, Any] | None = None) -> None:
    """Move to the step's target and record it twice: in the application's history and in the audit trail.

    A step that leaves the state as it is (the expert score, a corrected amount) is recorded too: the timeline
    shows every step taken."""
    before = application.state
    application.state = step.target
    repository.add(session, Transition(application_id=application.id, action=step.action, from_state=before,
                                       to_state=step.target, actor=actor.username, on=on, reasons=reasons))
    audit.record(session, actor=actor.username, action=f"application.{step.action}", entity="application",
                 entity_id=application.id, before={"state": before},
                 after={"state": step.target, "on": on, "reasons": reasons, **(more or {})})
