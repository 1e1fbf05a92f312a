"""Each workflow step's own checks and writes, one handler per action of the table (``states.STEPS``).

The runner (``runner.run``) has already locked the applications, checked the role, scope, state and
date when a handler is called; a handler checks what is particular to its step and raises before it
writes anything, then writes. The runner moves the state and records the step afterwards.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from huiqi.announcements import repository as batches
from huiqi.announcements.calendar import last_working_day
from huiqi.applicants import repository as applicants
from huiqi.applicants import standing
from huiqi.applications import payee
from huiqi.applications import repository as application_rows
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.config import get_settings
from huiqi.departments import service as departments
from huiqi.errors import Conflict, InputError
from huiqi.funding import service as funding
from huiqi.holidays.service import calendar_of
from huiqi.messages import subscriptions
from huiqi.models import Announcement, Application, User
from huiqi.money import wan
from huiqi.reference import divisions
from huiqi.rounds import service as rounds
from huiqi.rounds import submission
from huiqi.workflow.judgement import judge, review_refusal
from huiqi.workflow.states import Action, State


@dataclass
class Context:
    """What a handler works with: the locked applications (in id order), who acts, the day, the inputs."""

    session: Session
    actor: User
    today: date
    applications: list[Application]
    params: dict[str, Any]
    then: Action | None = None  # a system step to take right after this one (routing a submission)
    written: Any = None  # what the step made (a grant, a payment, a 公示 batch), for the door to show
    audit_after: dict[str, Any] = field(default_factory=dict)  # more to record with the step's audit event

    @property
    def application(self) -> Application:
        return self.applications[0]


def submit(ctx: Context) -> None:
    """Run the rules as of today, keep their answer and the policy version, and route the application."""
    app, session = ctx.application, ctx.session
    if app.declaration is None:
        raise Conflict(applications.DECLARE_FIRST)
    if not application_rows.materials(session, app.id):
        raise Conflict(applications.MATERIAL_FIRST)
    submission.check_submission(session, app, ctx.today)  # past its correction days, a new declaration mends nothing
    if not applications.declaration_stands(session, app):
        raise Conflict(applications.DECLARE_AGAIN)
    _check_standing(ctx, "提交")
    payee.required(app)  # money is paid only into the account its enterprise confirmed
    city_review = _judge(ctx, eligible_only=False, city_review=True)
    ctx.then = Action.ROUTE_CITY if city_review else Action.ROUTE_DEPARTMENT


def confirm(ctx: Context) -> None:
    """二次确认 (免申即享): the lead department confirms an offer in the enterprise's stead; the rules run as on
    submission (it must be eligible today) and the application goes straight to the department's review, without
    materials or a declaration: its facts are the published list's."""
    found = rounds.of_applications(ctx.session, [ctx.application])
    if not found or not rounds.is_open(found[0], ctx.today):
        raise Conflict("该措施的申报批次已不在受理期内，不能再确认")
    _check_standing(ctx, "确认")
    _judge(ctx, eligible_only=True, city_review=False)


def _judge(ctx: Context, *, eligible_only: bool, city_review: bool) -> bool:
    """Run the rules as of today, keep their answer and the policy version, and say where it goes: the city's
    review first (when the measure's units include 各市政府 and ``city_review`` is allowed), else the lead unit's."""
    app, session = ctx.application, ctx.session
    policy, measure = funding.monetary_measure(session, app.policy_id, app.measure)
    # a matter edited at this moment waits, then sees it frozen; so does a twin's step (the same recognition)
    applicants.lock_recognition(session, app.matter_id)
    judgement = judge(session, app, on=ctx.today)
    why = judgement.refusal(app, amount=app.amount_requested, eligible_only=eligible_only, what="申请金额")
    if why:
        raise Conflict(why)
    city = divisions.city_of(judgement.case["applicant"].get("region"))
    city_review = city_review and departments.city_reviews(measure, ctx.today)
    if city_review and city is None:
        raise Conflict("申报单位所在地不明，无法确定初审的市（请先登记所在地）")
    app.city, app.city_review = city, city_review
    app.department_id = departments.lead_department(session, measure=measure, day=ctx.today).id
    app.policy_version, app.ceiling, app.rule_status = policy.version, judgement.ceiling, judgement.status
    app.match_result, app.case_snapshot = judgement.answer.model_dump(mode="json"), judgement.case
    if app.submitted_on is None:  # a resubmission after a return keeps the first day: 申报年度 counts from it
        app.submitted_on, app.year = ctx.today, ctx.today.year
    audit.record(session, actor=ctx.actor.username, action="application.policy_version", entity="application",
                 entity_id=app.id, after={"policy": policy.id, "version": policy.version,
                                          "ceiling": judgement.ceiling, "status": judgement.status})
    return city_review


def _check_standing(ctx: Context, doing: str) -> None:
    """The applicant conditions of the application guide, as the applicant's record stands today."""
    why = standing.refusal(applicants.current_profile(ctx.session, ctx.application.applicant_id), doing)
    if why:
        raise Conflict(why)


def score(ctx: Context) -> None:
    """Record the expert or third-party evaluation score (0–100)."""
    value = ctx.params.get("score")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise InputError([("score", "评审得分应为 0–100 的整数")])
    app = ctx.application
    before, app.expert_score = app.expert_score, value
    audit.record(ctx.session, actor=ctx.actor.username, action="application.score", entity="application",
                 entity_id=app.id, before={"expert_score": before}, after={"expert_score": value})


def propose(ctx: Context) -> None:
    """Propose the amount to award: at most the ceiling the rules gave on submission, at most what was asked. The
    same checks correct it (``Action.AMEND``) while it is proposed and not yet in a 公示."""
    amount, app = ctx.params.get("amount"), ctx.application
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InputError([("amount", "拟定金额应为大于 0 的金额")])
    if amount > app.amount_requested or (app.ceiling is not None and amount > app.ceiling):
        # a figure out of its range, however large: said beside the box, naming the limit that binds
        raise InputError([("amount", over_limit(amount, app.ceiling, app.amount_requested))])
    opened = rounds.opened_measure(ctx.session, app)
    if opened is not None and opened.expert_score and app.expert_score is None:
        raise Conflict("本批次要求专家或第三方评审：请先录入评审得分，再拟定金额")
    if why := review_refusal(ctx.session, app):
        raise Conflict(f"{why}，不能拟定金额")
    _set_amount(ctx, amount)


def over_limit(amount: int, ceiling: int | None, asked: int) -> str:
    """Why an amount proposed is too high, naming first the limit that binds, the lower of the ceiling and the amount
    asked (named after it), and so the most that may be proposed: one message, not one limit after the other.

    >>> over_limit(1_200_000, 1_000_000, 800_000)
    '拟定金额 120 万元超过申请金额 80 万元（上限 100 万元），最多可拟定 80 万元'
    >>> over_limit(1_200_000, 1_000_000, 1_500_000)
    '拟定金额 120 万元超过上限 100 万元（申请金额 150 万元），最多可拟定 100 万元'
    >>> over_limit(900_000, None, 800_000)
    '拟定金额 90 万元超过申请金额 80 万元，最多可拟定 80 万元'
    >>> over_limit(1_200_000, 1_000_000, 1_000_000)
    '拟定金额 120 万元超过上限 100 万元（申请金额相同），最多可拟定 100 万元'
    """
    if ceiling == asked:
        binding = f"上限 {wan(ceiling)} 万元（申请金额相同）"
    elif ceiling is not None and ceiling < asked:
        binding = f"上限 {wan(ceiling)} 万元（申请金额 {wan(asked)} 万元）"
    else:
        binding = f"申请金额 {wan(asked)} 万元" + (f"（上限 {wan(ceiling)} 万元）" if ceiling is not None else "")
    most = asked if ceiling is None else min(ceiling, asked)
    return f"拟定金额 {wan(amount)} 万元超过{binding}，最多可拟定 {wan(most)} 万元"


def amend(ctx: Context) -> None:
    """Correct the amount proposed, checked as a proposal: the same figure again is no correction (it would write a
    step and a timeline line "由 9 万元改为 9 万元")."""
    amount = ctx.params.get("amount")
    if not isinstance(amount, bool) and amount == ctx.application.amount_proposed:
        raise InputError([("amount", "与现拟定金额相同，无需更正")])
    propose(ctx)


def _set_amount(ctx: Context, amount: int | None) -> None:
    """Set (or clear) the amount proposed, audited with before and after (the timeline reads it there)."""
    app = ctx.application
    before, app.amount_proposed = app.amount_proposed, amount
    audit.record(ctx.session, actor=ctx.actor.username, action="application.amount_proposed", entity="application",
                 entity_id=app.id, before={"amount_proposed": before}, after={"amount_proposed": amount})


def back_to_review(ctx: Context) -> None:
    """A return or an objection leaves the proposed/公示 path: the amount proposed no longer stands (the next review
    proposes afresh; the audit trail keeps it). A rejection keeps it: what was refused, as the 公示 published it."""
    if ctx.application.amount_proposed is not None:
        _set_amount(ctx, None)


def announce(ctx: Context) -> None:
    """Open a 公示 batch: from ``starts_on`` (its period, not the step's date) for N working days: as given, else
    the longest its applications' rounds set, else the system's default."""
    starts_on = ctx.params.get("starts_on")
    if not isinstance(starts_on, date):
        raise InputError([("starts_on", "请填写公示开始日期")])
    if not ctx.today <= starts_on <= ctx.today + timedelta(days=366):
        raise InputError([("starts_on", f"公示开始日期应在今天（{ctx.today}）至一年之内"
                                        f"{'，不能补登过去的公示' if starts_on < ctx.today else ''}")])
    set_by_rounds = [r.announcement_days for r in rounds.of_applications(ctx.session, ctx.applications)]
    least = max(set_by_rounds, default=get_settings().announcement_working_days)
    given = ctx.params.get("working_days")
    days = least if given is None else given  # 0 is no default: it is refused with the range
    if isinstance(days, bool) or not isinstance(days, int) or not least <= days <= 60:
        raise InputError([("working_days", f"应为 {least}–60 的整数（不少于申报批次规定的 {least} 个工作日）")])
    for app in ctx.applications:
        if why := review_refusal(ctx.session, app):
            whose = f"申报 #{app.id}：" if len(ctx.applications) > 1 else ""
            raise Conflict(f"{whose}{why}，不能列入公示")
    title = (ctx.params.get("title") or "").strip() or f"拟支持项目公示（{starts_on.isoformat()}）"
    batch = Announcement(title=title[:200], department_id=ctx.actor.department_id, starts_on=starts_on,
                         working_days=days, ends_on=last_working_day(starts_on, days, calendar_of(ctx.session)),
                         created_by=ctx.actor.username, opened_with=len(ctx.applications))
    batches.add(ctx.session, batch)
    for app in ctx.applications:
        app.announcement_id = batch.id
    ctx.written = batch
    ctx.audit_after = {"announcement": batch.id, "starts_on": starts_on, "ends_on": batch.ends_on}
    audit.record(ctx.session, actor=ctx.actor.username, action="announcement.open", entity="announcement",
                 entity_id=batch.id, after={"applications": [a.id for a in ctx.applications], "starts_on": starts_on,
                                            "working_days": days, "ends_on": batch.ends_on, "title": batch.title})
    subscriptions.tell(ctx.session, topic="announcements", subject=f"新的公示：{title[:100]}",
                       body=f"{title}，{starts_on} 至 {batch.ends_on}，共 {len(ctx.applications)} 项。",
                       link=f"/announcements#batch-{batch.id}",
                       values={f"{a.policy_id}/{a.measure}" for a in ctx.applications}, also=("measure",))


def listed_in(session: Session, application: Application) -> Announcement:
    """The 公示 the application is listed in, which its step needs: none is a 409."""
    batch = batches.of_application(session, application)
    if batch is None:
        raise Conflict(f"申报 #{application.id} 没有公示记录")
    return batch


def object_to(ctx: Context) -> None:
    """An objection received while the 公示 runs sends the application back to the department's review."""
    batch = listed_in(ctx.session, ctx.application)
    if not batch.starts_on <= ctx.today <= batch.ends_on:
        raise Conflict(f"公示期为 {batch.starts_on} 至 {batch.ends_on}，今天（{ctx.today}）不在公示期内，"
                       "只能在公示期内登记异议")
    ctx.application.announcement_id = None
    back_to_review(ctx)


def after_announcement(ends_on: date) -> str:
    """Why finance neither approves nor rejects an application in 公示 before it ends (an objection meanwhile sends
    it back to review): the page and the refusal say it alike.

    >>> after_announcement(date(2026, 12, 14))
    '公示期至 2026-12-14，期满后方可批准或不予支持'
    """
    return f"公示期至 {ends_on}，期满后方可批准或不予支持"


def _announcement_over(ctx: Context) -> None:
    """Refuse (409) finance's decision on an application whose 公示 has not yet ended."""
    batch = listed_in(ctx.session, ctx.application)
    if ctx.today <= batch.ends_on:
        raise Conflict(f"{after_announcement(batch.ends_on)}（公示尚未结束）")


def reject(ctx: Context) -> None:
    """不予支持, with reasons (the runner checks them): finance's, of an application in 公示, only once it has ended."""
    if ctx.application.state == State.ANNOUNCED:
        _announcement_over(ctx)


def approve(ctx: Context) -> None:
    """After the 公示: the rules again as of today, no stacking, the budget of today's year, the grant."""
    app, session = ctx.application, ctx.session
    _announcement_over(ctx)
    policy, _ = funding.monetary_measure(session, app.policy_id, app.measure)
    applicants.lock_recognition(session, app.matter_id)  # a twin's approval at this moment waits, then is weighed
    judgement = judge(session, app, on=ctx.today)
    amount = app.amount_proposed or 0
    why = judgement.refusal(app, amount=amount, eligible_only=True, what="拟定金额")
    if why:
        raise Conflict(f"{why}，不能批准")
    _check_standing(ctx, "批准")
    budget = funding.draw(session, application=app, amount=amount, year=ctx.today.year, actor=ctx.actor)
    ctx.written = funding.grant(session, application=app, budget=budget, ceiling=judgement.ceiling, on=ctx.today,
                                actor=ctx.actor)
    if app.policy_version != policy.version:  # approval used the policy as loaded today: say so
        audit.record(session, actor=ctx.actor.username, action="application.policy_version", entity="application",
                     entity_id=app.id, before={"version": app.policy_version}, after={"version": policy.version})
        app.policy_version = policy.version


def disburse(ctx: Context) -> None:
    """Record the payment of the approved amount (the voucher's date and number) into the account its enterprise
    confirmed: none confirmed is refused, and the enterprise told; one changed since the page or the list the
    payment was made from showed it is refused too (409)."""
    paid_on = ctx.params.get("paid_on") or ctx.today
    if not isinstance(paid_on, date):
        raise InputError([("paid_on", "应为日期（YYYY-MM-DD）")])
    app = ctx.application
    payee.payable(app)
    listed = ctx.params.get("payee")  # the account on the list the treasury paid from (批量拨付), if it says one
    if listed is not None and tuple(listed) != (app.payee_bank or "", app.payee_account or ""):
        raise Conflict("收款账户在下载清单后已变更，与清单所列不符：请重新下载待拨付清单")
    shown = ctx.params.get("payee_seen")  # the account the review page showed (its bank and last four digits)
    if shown is not None and shown != payee.masked(app):
        raise Conflict(f"收款账户在页面打开后已变更（现为 {payee.masked(app)}）：请刷新页面，核对后再登记拨付")
    ctx.written = funding.pay(ctx.session, application=app, paid_on=paid_on,
                              reference=str(ctx.params.get("reference") or ""), today=ctx.today, actor=ctx.actor)


def send_back(ctx: Context) -> None:
    """退回补正: never refused for the holiday calendar; when the correction days run past its end (they count
    Monday to Friday there), the admins are told to enter the year. The amount proposed no longer stands."""
    back_to_review(ctx)
    submission.correction_counted(ctx.session, ctx.application, ctx.today)


def nothing_more(ctx: Context) -> None:
    """Steps whose checks are all the table's (role, scope, state, date, reasons)."""


HANDLERS: dict[Action, Callable[[Context], None]] = {
    Action.SUBMIT: submit, Action.CONFIRM: confirm, Action.ROUTE_CITY: nothing_more,
    Action.ROUTE_DEPARTMENT: nothing_more, Action.PASS_CITY: nothing_more, Action.RETURN: send_back,
    Action.REJECT: reject, Action.SCORE: score, Action.PROPOSE: propose, Action.AMEND: amend,
    Action.ANNOUNCE: announce, Action.OBJECT: object_to, Action.APPROVE: approve,
    Action.DISBURSE: disburse, Action.WITHDRAW: nothing_more,
}
# Steps that take several applications at once (a 公示 batch); every other step takes one.
MANY = frozenset({Action.ANNOUNCE})
