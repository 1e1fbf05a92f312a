"""Where an application's money goes (收款账户): the bank and the account its enterprise confirms.

Every application carries one. The enterprise enters it on its application, from the draft until the grant is paid;
submission requires it, and finance pays into it and nowhere else. A 免申即享 application, confirmed by its lead
department without the enterprise, gets it from the enterprise afterwards (its only step). A payment refused for
want of one tells the enterprise (``remind``)."""

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications import repository
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.db import utcnow
from huiqi.errors import Conflict, Forbidden, InputError
from huiqi.funding import repository as funding
from huiqi.messages import service as messages
from huiqi.models import Application, User
from huiqi.money import FULL_WIDTH, wan
from huiqi.users.roles import Role
from huiqi.validation import digits, unkept
from huiqi.workflow.states import State

# An application finished either way: its account is no longer changed (a paid one keeps the account it was paid to).
CLOSED = (State.DISBURSED, State.REJECTED, State.WITHDRAWN)
MISSING = "企业尚未确认收款账户：须由申报单位在申报页面确认开户银行和银行账号后方可拨付"
TOLD = "已发消息提醒申报单位确认"
NEEDED = "提交前须在“收款账户”一栏确认开户银行和银行账号"  # what a draft's page says before the submission refuses
# The boxes' bounds: the bank's column, and an account's 32 digits with the spaces or hyphens that group them.
BANK_MOST, ACCOUNT_MOST = 100, 40


def confirm(session: Session, *, actor: User, application_id: int, bank: str, account: str,
            seen: str | None = None) -> Application:
    """The enterprise confirms (or changes) where its application's money goes. The application is locked as the
    payment step locks it, so a change waits for a payment under way and then finds it paid. ``seen`` is the last
    four digits of the account the person saw confirmed ("" for none): of two confirmations at once, the second is
    refused (409) rather than silently replacing the first; None does not check."""
    if actor.role != Role.ENTERPRISE:
        raise Forbidden("只有企业用户可以确认本单位的收款账户")
    applications.get(session, actor=actor, application_id=application_id)  # another's: not found
    app = repository.lock(session, application_id)
    bank, account = checked(bank, account)
    if app.state in CLOSED:
        raise Conflict("该申报已办结，不能再修改收款账户")
    now = last_four(app)
    if seen is not None and seen != now:
        raise Conflict(f"收款账户刚刚已确认为 {app.payee_bank}，账号尾号 {now}：请核对后再改" if now
                       else "收款账户刚刚有变动：请刷新页面，核对后再确认")
    before = {"bank": app.payee_bank, "account": f"****{now}"} if now else None
    app.payee_bank, app.payee_account, app.payee_confirmed_at = bank, account, utcnow()
    session.flush()
    # A second confirmation changes the account finance may already have listed: the trail says so, with both.
    audit.record(session, actor=actor.username, action="application.payee_change" if before else "application.payee",
                 entity="application", entity_id=app.id, before=before,
                 after={"bank": bank, "account": f"****{account[-4:]}"})
    return app


def checked(bank: str, account: str) -> tuple[str, str]:
    r"""The bank and the account number as they are kept, or every mistake beside its box: a character no record
    keeps (a NUL) said as such, a box past its bound with how long it is.

    >>> checked(" 中国银行沈阳分行 ", "6222 0000 1234")
    ('中国银行沈阳分行', '622200001234')
    >>> checked("中国\x00银行", "1" * 41)
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: bank：不能含有空字符（NUL）；account：不能超过 40 个字符（现有 41 个）
    """
    problems = []  # by the fields' names: the pages say them by their labels (开户银行, 银行账号), beside the boxes
    if why := unkept(bank, BANK_MOST):
        problems.append(("bank", why))
    elif not bank.strip() or any(ord(c) < 32 for c in bank):  # one line: no tab or line break either
        problems.append(("bank", f"请填写开户银行（一行，不超过 {BANK_MOST} 个字）"))
    if why := unkept(account, ACCOUNT_MOST):
        problems.append(("account", why))
    elif not digits(digits_only := account_digits(account)) or not 8 <= len(digits_only) <= 32:
        problems.append(("account", "应为 8 至 32 位数字（可含空格或连字符 -）"))
    if problems:
        raise InputError(problems)
    return bank.strip(), account_digits(account)


def account_digits(typed: str) -> str:
    """An account number as typed from a bank card or an input method: full-width digits read as digits, the spaces
    and hyphens that group them dropped.

    >>> account_digits(" ６２２２-0212 3456 ")
    '622202123456'
    """
    return "".join(typed.translate(FULL_WIDTH).split()).replace("-", "").replace("－", "")


def shown_to(actor: User) -> bool:
    """Whether ``actor`` reads the application's account (bank, last four digits): the enterprise, the lead
    department (which may check it), finance (which pays into it), the admin and the auditor; not a city's
    pre-review, which does not need it."""
    return actor.role != Role.CITY


def last_four(app: Application) -> str:
    """The last four digits of the account confirmed ('' when none is)."""
    return app.payee_account[-4:] if app.payee_confirmed_at is not None and app.payee_account else ""


def masked(app: Application) -> str:
    """The account confirmed as the pages say it: its bank and last four digits ('' when none is)."""
    return f"{app.payee_bank} 尾号 {last_four(app)}" if last_four(app) else ""


def required(app: Application) -> None:
    """Submission needs the account confirmed: refused beside the payee boxes."""
    if app.payee_confirmed_at is None:
        raise InputError([("bank", "提交前须填写开户银行并确认收款账户"),
                          ("account", "提交前须填写银行账号（8 至 32 位数字）并确认收款账户")])


def payable(app: Application) -> None:
    """A payment needs the account confirmed: refused (409) otherwise, and the enterprise is told once the refused
    step is undone (``HuiqiError.remind``)."""
    if app.payee_confirmed_at is None:
        raise Conflict(f"申报 #{app.id}：{MISSING}（{TOLD}）", remind=reminder([app.id]))


def reminder(application_ids: list[int]) -> Callable[[Any], None]:
    """What a refused payment still writes: the enterprises told (``remind``)."""
    return lambda session: remind(session, application_ids)


def remind(session: Session, application_ids: list[int]) -> int:
    """Tell each application's enterprise that its account is awaited before finance can pay (once a day however
    often a payment is refused); the number of messages made."""
    made, today = 0, clock.today()
    for application_id in sorted(set(application_ids)):
        app = session.get(Application, application_id)
        if app is None or app.payee_confirmed_at is not None or app.state in CLOSED:
            continue
        made += messages.notify(
            session, messages.enterprise_users(session, app.uscc), kind="application.payee",
            subject=f"申报 #{app.id} 待确认收款账户", link=f"/applications/{app.id}#payee",
            body=f"申报 #{app.id}{_amount(session, app)}尚未确认收款账户，财政无法拨付。请在申报页面的“收款账户”一栏"
                 "填写开户银行和银行账号并确认。", dedupe=f"payee-{app.id}-{today.isoformat()}")
    return made


def _amount(session: Session, app: Application) -> str:
    grant = funding.grant_for_application(session, app.id)
    return f"已批准 {wan(grant.amount)} 万元，" if grant is not None else "："
