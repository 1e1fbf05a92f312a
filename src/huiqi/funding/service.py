"""Budgets set by finance, grants drawn on them at approval, and payments of grants.

The choreography of approval and payment (locks, state, dates, the rules) is the workflow's
(``workflow/steps.py``); this module holds the money's own rules: a budget never below what is
committed and never overspent, one grant per matter, one payment per grant.
"""

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi import clock, db
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.errors import BudgetExceeded, Conflict, InputError
from huiqi.funding import repository
from huiqi.models import Application, Budget, Disbursement, Grant, User
from huiqi.money import MAX_YUAN, wan
from huiqi.rules.policy import Measure, Policy
from huiqi.users.names import person
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.web.excel import looks_like_formula

READERS = (Role.FINANCE, Role.ADMIN, Role.AUDITOR)


def monetary_measure(session: Session, policy_id: str, number: int,
                     policies: list[Policy] | None = None) -> tuple[Policy, Measure]:
    """A policy in force and one of its monetary measures, or an input error naming which is wrong."""
    policy = next((p for p in policies or catalogue.published(session) if p.id == policy_id), None)
    if policy is None:
        raise InputError([("policy", f"没有政策 {policy_id!r}")])
    measure = policy.measure(number)
    if measure is None:
        raise InputError([("measure", f"{policy.number} 没有第 {number} 条措施")])
    if not measure.monetary:
        raise InputError([("measure", f"措施{number}（{measure.title}）是服务类措施，不受理资金申报")])
    return policy, measure


def set_budget(session: Session, *, actor: User, year: int, policy_id: str, measure: int, amount: int,
               policies: list[Policy] | None = None, seen: int | None = None) -> Budget:
    """Set the year's amount for a measure; never below what approvals have already drawn. ``seen`` is the amount the
    person saw set (0 when none was): of two settings at once, the second is refused rather than silently replacing
    the first; None sets whatever is there (the command line)."""
    require_role(actor, Role.FINANCE, doing="设定预算", named=True)
    monetary_measure(session, policy_id, measure, policies)
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_YUAN:
        raise InputError([("amount", "预算应为非负整数（元）")])
    if not 2000 <= year <= 2100:
        raise InputError([("year", "年度应在 2000 至 2100 之间")])
    db.one_at_a_time(session, f"budget:{year}/{policy_id}/{measure}")  # a row not yet written cannot be locked
    budget = repository.budget(session, year, policy_id, measure, lock=True)
    if seen is not None and (budget.amount if budget else 0) != seen:
        now = f"已由{person(session, budget.set_by)}改为 {wan(budget.amount)} 万元" if budget else "已改为未设定"
        raise Conflict(f"{year}年度这项措施的预算刚刚{now}：请核对后再设定")
    before = {"amount": budget.amount, "committed": budget.committed} if budget else None
    if budget is None:
        budget = Budget(year=year, policy_id=policy_id, measure=measure, amount=amount, committed=0,
                        set_by=actor.username)
        repository.add(session, budget)
    elif amount < budget.committed:
        raise InputError([("amount", f"{year} 年度{cited(session, policy_id, measure)}已批准 "
                                     f"{wan(budget.committed)} 万元，预算不能低于此数")])
    else:
        budget.amount, budget.set_by = amount, actor.username
        session.flush()
    audit.record(session, actor=actor.username, action="budget.set", entity="budget",
                 entity_id=f"{year}/{policy_id}/{measure}", before=before,
                 after={"amount": amount, "committed": budget.committed, "id": budget.id})
    return budget


def budgets(session: Session, *, actor: User, year: int) -> list[Budget]:
    """The year's budgets (finance, admin, auditor)."""
    require_role(actor, *READERS, doing="查看预算")
    return repository.budgets_of_year(session, year)


LOW_SHARE = 10  # a budget whose remainder is under this share (%) of the year's amount is flagged (page, workbook, API)


def awaiting(session: Session, *, actor: User, year: int) -> dict[tuple[str, int], int]:
    """What waits to draw on the year's budgets, per policy and measure: the amounts proposed or in 公示, which an
    approval draws from the budget of the year it is made in, so this year's alone (none for another year)."""
    require_role(actor, *READERS, doing="查看预算")
    return repository.awaiting_approval(session) if year == clock.today().year else {}


def low(amount: int, committed: int, waiting: int = 0) -> str:
    """Why a budget runs low, in Chinese and 万元, or '' when it does not: its remainder under ``LOW_SHARE``% of the
    year's amount, or under what waits to draw on it (the amounts proposed or in 公示).

    >>> low(850_000, 800_000)
    '余额 5 万元，不足年度预算的 10%（已使用 94%）'
    >>> low(5_000_000, 800_000, 4_500_000)
    '余额 420 万元，少于已拟定金额和公示中待批准的 450 万元'
    >>> low(5_000_000, 800_000, 4_200_000), low(0, 0)
    ('', '')
    """
    left, said = amount - committed, []
    if left * 100 < amount * LOW_SHARE:
        said.append(f"余额 {wan(left)} 万元，不足年度预算的 {LOW_SHARE}%（已使用 {committed * 100 // amount}%）")
    if left < waiting:
        said.append(f"{'' if said else f'余额 {wan(left)} 万元，'}少于已拟定金额和公示中待批准的 {wan(waiting)} 万元")
    return "；".join(said)


def disbursed(session: Session, *, actor: User, budget_ids: list[int]) -> dict[int, int]:
    """How much of each budget has been paid out (finance, admin, auditor)."""
    require_role(actor, *READERS, doing="查看预算")
    return repository.disbursed(session, budget_ids) if budget_ids else {}


def payments(session: Session, *, actor: User, offset: int = 0,
             limit: int | None = None) -> list[tuple[Disbursement, Application, str]]:
    """Every payment recorded (or a page of them), newest first, with its application and applicant's name
    (finance, admin, auditor)."""
    require_role(actor, *READERS, doing="查看拨付记录")
    return repository.payments(session, offset, limit)


def payments_total(session: Session, *, actor: User) -> tuple[int, int]:
    """How many payments were recorded and their sum in whole yuan (finance, admin, auditor)."""
    require_role(actor, *READERS, doing="查看拨付记录")
    return repository.payments_total(session)


def cited(session: Session, policy_id: str, measure: int) -> str:
    """A measure as a fund officer cites it, with its policy (辽政办〔2022〕35号措施14): two policies in force may
    both have a 措施1."""
    return f"{catalogue.numbers(session).get(policy_id, policy_id)}措施{measure}"


def draw(session: Session, *, application: Application, amount: int, year: int, actor: User) -> Budget:
    """Commit ``amount`` on the year's budget of the application's measure, or refuse when it does not fit."""
    budget = repository.budget(session, year, application.policy_id, application.measure)
    measure = cited(session, application.policy_id, application.measure)
    if budget is None:
        raise BudgetExceeded(f"{year} 年度{measure}尚未设定预算，不能批准")
    if not repository.draw(session, budget.id, amount):
        raise BudgetExceeded(f"{year} 年度{measure}预算余额 {wan(budget.amount - budget.committed)} "
                             f"万元，不足以批准 {wan(amount)} 万元")
    before = budget.committed - amount  # read after the draw: another approval may have drawn on it meanwhile
    audit.record(session, actor=actor.username, action="budget.draw", entity="budget",
                 entity_id=f"{budget.year}/{budget.policy_id}/{budget.measure}",
                 before={"committed": before}, after={"committed": budget.committed, "application": application.id})
    return budget


def grant(session: Session, *, application: Application, budget: Budget, ceiling: int | None, on: date,
          actor: User) -> Grant:
    """Record the award: one per matter and policy, held by the database when two approvals race."""
    row = Grant(matter_id=application.matter_id, application_id=application.id, budget_id=budget.id,
                policy_id=application.policy_id, measure=application.measure, amount=application.amount_proposed,
                ceiling=ceiling, approved_on=on, approved_by=actor.username)
    try:
        with session.begin_nested():
            repository.add(session, row)
    except IntegrityError:
        raise Conflict("该事项刚刚已按本政策获批准（另一项申报），按从高不重复原则不再支持") from None
    audit.record(session, actor=actor.username, action="application.approved_amount", entity="application",
                 entity_id=application.id, before={"amount_proposed": row.amount},
                 after={"amount_approved": row.amount, "ceiling": ceiling, "budget": budget.id})
    return row


def pay(session: Session, *, application: Application, paid_on: date, reference: str, today: date,
        actor: User) -> Disbursement:
    """Record the payment of the approved amount: paid on or after the approval, not after today."""
    found = repository.grant_for_application(session, application.id)
    if found is None:
        raise Conflict(f"申报 #{application.id} 没有批准记录")
    reference = reference.strip()
    if not reference or len(reference) > 64 or "\x00" in reference:
        raise InputError([("reference", "请填写凭证号（不超过 64 个字符）")])
    if looks_like_formula(reference):  # a voucher number never starts with = + - @: a spreadsheet would compute it
        raise InputError([("reference", "不能以 = + - @ 开头（表格软件会当作公式），请直接填写凭证号")])
    if paid_on > today:  # a date mistyped, said beside its box (nobody acted meanwhile)
        raise InputError([("paid_on", f"{paid_on} 晚于今天（{today}），尚未发生的拨付不能登记")])
    if paid_on < found.approved_on:
        raise InputError([("paid_on", f"{paid_on} 早于批准日期 {found.approved_on}，拨付须在批准之后")])
    db.one_at_a_time(session, f"voucher:{reference}")  # two payments of one voucher at once: the second sees the first
    used = repository.payment_with_reference(session, reference)
    if used is not None and used.application_id != application.id:
        raise Conflict(f"凭证号 {reference} 已用于申报 #{used.application_id} 的拨付：一张凭证只登记一笔拨付")
    row = Disbursement(application_id=application.id, amount=found.amount, paid_on=paid_on, reference=reference,
                       recorded_by=actor.username)
    repository.add(session, row)
    paid = {"amount": row.amount, "paid_on": paid_on, "reference": row.reference}
    if application.payee_account:  # the account the enterprise had confirmed when it was paid
        paid["payee"] = f"{application.payee_bank} 尾号 {application.payee_account[-4:]}"
    audit.record(session, actor=actor.username, action="application.disbursed", entity="application",
                 entity_id=application.id, after=paid)
    return row
