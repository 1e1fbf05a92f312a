"""Approve (finance confirms the amount after 公示).

Approval re-runs the rules as of the day of approval on the applicant's current record, refuses
anything above the ceiling they give, enforces no stacking (从高不重复) against every grant in the
database for the same matter (same USCC and matter id) across policies and measures, and draws the
amount from the year's budget for the measure in one conditional update.
"""

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements.service import announcement_of
from huiqi.applicants import repository as applicants
from huiqi.applicants import service as applicant_service
from huiqi.applications import service as applications
from huiqi.approvals import repository
from huiqi.audit import service as audit
from huiqi.budgets import repository as budgets
from huiqi.errors import BudgetExceeded, Conflict
from huiqi.models import Application, Budget, Grant, User
from huiqi.money import wan
from huiqi.rules.loader import load_many
from huiqi.rules.match import match
from huiqi.rules.policy import Policy
from huiqi.rules.stacking import blocked_by_other_support, rank_key
from huiqi.workflow import service as workflow


def approve(session: Session, *, actor: User, application_id: int, on: date | None = None,
            policies: list[Policy] | None = None) -> Grant:
    """Approve the proposed amount of an application whose 公示 has ended."""
    on = on or clock.today()
    application = applications.get(session, actor=actor, application_id=application_id)
    workflow.check(application, action="approve", actor=actor)
    workflow.dated(session, application, action="approve", on=on)
    batch = announcement_of(session, application)
    if on <= batch.ends_on:
        raise Conflict(f"公示期至 {batch.ends_on} 止，尚未结束，不能批准")
    policies = policies or load_many()
    policy, _ = applications.policy_and_measure(application.policy_id, application.measure, policies)
    ceiling = _rules_again(session, application, policies, on)
    amount = application.amount_proposed
    if ceiling is not None and amount > ceiling:
        raise Conflict(f"拟定金额 {wan(amount)} 万元超过 {on} 按规则计算的上限 {wan(ceiling)} 万元")
    _no_stacking(session, application, ceiling)
    budget = _draw(session, application, amount, on, actor)
    grant = _grant(session, application, budget.id, amount, ceiling, on, actor)
    _record_version(session, application, policy, actor)
    workflow.move(session, application=application, action="approve", actor=actor, on=on)
    audit.record(session, actor=actor.username, action="application.approved_amount", entity="application",
                 entity_id=application.id, before={"amount_proposed": amount},
                 after={"amount_approved": amount, "ceiling": ceiling, "budget": budget.id})
    return grant


def _rules_again(session: Session, application: Application, policies: list[Policy], on: date) -> int | None:
    """The rules as of ``on``: the result must be eligible now, and not blocked by support received elsewhere."""
    applicant = applicants.by_uscc(session, application.uscc)
    case, _ = applicant_service.case_for(session, applicant=applicant, as_of=on)
    answer = match(case, policies, on)
    key = applications.matter_key(session, application)
    result = applications.result_for(answer, application, key)
    if result is None or result.status != "eligible":
        status = "不在支持范围内" if result is None else {"ineligible": "不符合条件", "undetermined": "条件待定"}[
            result.status]
        missing = f"（缺少：{'、'.join(result.missing)}）" if result is not None and result.missing else ""
        raise Conflict(f"{on} 按政策规则重新判断：{status}{missing}，不能批准")
    other_support = next((m.other_support for m in case.matters if m.id == key), None)
    if blocked_by_other_support(result.ceiling, other_support):
        raise Conflict("该事项已获我省其他政策不低于上限的支持，按从高不重复原则不再支持")
    return result.ceiling


def _no_stacking(session: Session, application: Application, ceiling: int | None) -> None:
    """One grant per matter: refuse when the matter already has one, under any policy or measure."""
    applicants.lock_matter(session, application.matter_id)
    granted = repository.for_matter(session, application.matter_id)
    if granted is None:
        return
    mine, theirs = rank_key(ceiling, application.measure, 0), rank_key(granted.ceiling, granted.measure, 0)
    order = "更高" if theirs < mine else "不高于本项" if theirs > mine else "相同"
    raise Conflict(f"该事项已按 {granted.policy_id} 措施{granted.measure} 获批 {wan(granted.amount)} 万元"
                   f"（上限{order}），按从高不重复原则不再支持")


def _draw(session: Session, application: Application, amount: int, on: date, actor: User) -> Budget:
    budget = budgets.find(session, on.year, application.policy_id, application.measure)
    if budget is None:
        raise BudgetExceeded(f"{on.year} 年度措施{application.measure}尚未设定预算，不能批准")
    before = budget.committed
    if not budgets.draw(session, budget.id, amount):
        session.refresh(budget)
        raise BudgetExceeded(f"{on.year} 年度措施{application.measure}预算余额 {wan(budget.amount - budget.committed)} "
                             f"万元，不足以批准 {wan(amount)} 万元")
    session.refresh(budget)
    audit.record(session, actor=actor.username, action="budget.draw", entity="budget",
                 entity_id=f"{budget.year}/{budget.policy_id}/{budget.measure}",
                 before={"committed": before}, after={"committed": budget.committed, "application": application.id})
    return budget


def _grant(session: Session, application: Application, budget_id: int, amount: int, ceiling: int | None,
           on: date, actor: User) -> Grant:
    grant = Grant(matter_id=application.matter_id, application_id=application.id, budget_id=budget_id,
                  policy_id=application.policy_id, measure=application.measure, amount=amount, ceiling=ceiling,
                  approved_on=on, approved_by=actor.username)
    try:
        with session.begin_nested():
            return repository.add(session, grant)
    except IntegrityError:
        raise Conflict("该事项刚刚已获批准（另一项申报），按从高不重复原则不再支持") from None


def _record_version(session: Session, application: Application, policy: Policy, actor: User) -> None:
    """Approval used the policy as loaded today: record it when it differs from the one at submission."""
    if application.policy_version == policy.version:
        return
    before = application.policy_version
    application.policy_version = policy.version
    audit.record(session, actor=actor.username, action="application.policy_version", entity="application",
                 entity_id=application.id, before={"version": before}, after={"version": policy.version})
