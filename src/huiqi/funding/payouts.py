"""Paying many grants at once (批量拨付), as a round trip through a workbook.

Finance downloads the list of grants approved and not yet paid (待拨付清单), with two empty columns, 拨付日期 and
凭证号; the treasury's dates and voucher numbers are filled in; the workbook comes back. It is read whole and every
row checked before anything is written (its date read, not after today nor before its grant's approval; its voucher
read as typed): one bad row refuses the file, each mistake named by its line. Then each filled row is paid as if
alone (``workflow.batch.each``: the payment step, committed or refused on its own: a grant paid meanwhile, an account
not yet confirmed), and rows left blank wait for a later file.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications import service as applications
from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.funding.service import READERS
from huiqi.labels import measure_label
from huiqi.models import Application, Grant, Offer, User
from huiqi.review.reading import rows
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import control_reason, digits
from huiqi.web.excel import Table, sent_rows
from huiqi.workflow.batch import MAX_PAYMENTS, Outcome, each
from huiqi.workflow.runner import entitled
from huiqi.workflow.states import Action, State

MAX_ROWS = 10_000  # rows with something in them read from one sheet (the list of 10,000: about 0.4 MB)
MAX_COLUMNS = 50  # columns read: the list has twelve; people add a few of their own
# The columns the file must have (by their header, wherever they stand); the rest are for people and ignored.
NUMBER, PAID_ON, REFERENCE = "申报编号", "拨付日期", "凭证号"
HEADER = [NUMBER, "申报单位", "统一社会信用代码", "政策", "措施", "批准金额", "批准日期", "备注", "开户银行",
          "银行账号", PAID_ON, REFERENCE]
PAYEE_MISSING = "免申即享：企业尚未确认收款账户，确认后方可拨付"
_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


@dataclass(frozen=True)
class Due:
    """A grant approved and not yet paid."""

    application: Application
    applicant: str
    title: str
    amount: int
    approved_on: date
    payee_missing: bool  # a 免申即享 grant whose enterprise has not yet confirmed its account


def _approved_grants() -> Select[Grant]:
    """The grants whose application is approved and not yet paid."""
    return select(Grant).join(Application, Application.id == Grant.application_id).where(
        Application.state == State.APPROVED)


def _payee_missing() -> Select[int | None]:
    """The approved 免申即享 applications whose enterprise has not yet confirmed its account."""
    return (select(Offer.application_id).join(Application, Application.id == Offer.application_id)
            .where(Offer.state == "confirmed", Application.state == State.APPROVED,
                   Application.payee_confirmed_at.is_(None)))


def due(session: Session, *, actor: User) -> list[Due]:
    """The grants of the actor's scope approved and not yet paid, oldest application first (finance, admin,
    auditor)."""
    require_role(actor, *READERS, doing="查看待拨付清单")
    found = applications.listed(session, actor=actor, state=State.APPROVED)
    grants = {g.application_id: g for g in session.scalars(_approved_grants())}
    waiting = set(session.scalars(_payee_missing()))
    return [Due(r.application, r.applicant, r.title, grants[r.application.id].amount,
                grants[r.application.id].approved_on, r.application.id in waiting)
            for r in rows(session, sorted(found, key=lambda a: a.id)) if r.application.id in grants]


@dataclass(frozen=True)
class Waiting:
    """What the budgets page says of the grants waiting for payment."""

    count: int
    amount: int  # whole yuan
    payee_missing: int  # of them, 免申即享 grants whose enterprise has not yet confirmed its account


def waiting(session: Session, *, actor: User) -> Waiting:
    """How many grants wait for payment, their sum, and how many wait for an account: counted in SQL, since the
    budgets page says it on every view (its readers, finance, admin and auditor, read the whole province)."""
    require_role(actor, *READERS, doing="查看待拨付清单")
    listed = _approved_grants().subquery()
    count, amount = session.execute(select(func.count(listed.c.id), func.sum(listed.c.amount))).one()
    missing = session.scalar(select(func.count()).select_from(_payee_missing().subquery()))
    return Waiting(int(count), int(amount or 0), int(missing or 0))


def payee_account(application: Application, actor: User) -> str:
    """The account a 免申即享 enterprise confirmed: in full for finance, who pays into it; its last four digits for
    the others who read the list ('' when none was confirmed: an applied grant's account is in its materials)."""
    account = application.payee_account or ""
    return account if actor.role == Role.FINANCE or not account else f"****{account[-4:]}"


def due_table(session: Session, actor: User) -> Table:
    """The 待拨付清单 as a workbook's table, its last two columns left for the treasury's dates and vouchers."""
    numbers = catalogue.numbers(session)
    listed: list[Sequence[Any]] = [
        (d.application.id, d.applicant, d.application.uscc,
         numbers.get(d.application.policy_id, d.application.policy_id),
         measure_label(d.application.measure, d.title), d.amount, d.approved_on,
         PAYEE_MISSING if d.payee_missing else "", d.application.payee_bank or "", payee_account(d.application, actor),
         None, None) for d in due(session, actor=actor)]
    return Table("待拨付清单（填写拨付日期和凭证号后上传）", HEADER, listed, money={"批准金额"},
                 typed={PAID_ON, REFERENCE})


@dataclass(frozen=True)
class Sheet:
    """A returned list, read and checked: the payments to record (application → the step's inputs) and how many
    rows were left blank (not paid yet)."""

    payments: dict[int, dict[str, Any]]
    blank: int
    lines: dict[int, int] = field(default_factory=dict)  # application → its line in the file


def pay_sheet(session: Session, *, actor: User, content: bytes, name: str) -> tuple[Sheet, list[Outcome]]:
    """Read the returned list ``content`` (a workbook called ``name``) and pay each filled row as if alone."""
    entitled(actor, Action.DISBURSE)
    sheet = read_sheet(content, name)
    _check_days(session, sheet)
    return sheet, each(session, Action.DISBURSE, actor=actor, items=sheet.payments, most=MAX_PAYMENTS)


def _check_days(session: Session, sheet: Sheet) -> None:
    """A date after today, or before its grant's approval, is a mistake of the file (a typo, most likely): the whole
    list is refused with its lines, as for any other mistake, rather than those rows alone at payment."""
    today = clock.today()
    query = (select(Grant.application_id, Grant.approved_on).join(Application, Application.id == Grant.application_id)
             .where(Application.state == State.APPROVED, Grant.application_id.in_(list(sheet.payments))))
    approved = {key: day for key, day in session.execute(query)}
    problems = []
    for key, given in sorted(sheet.payments.items(), key=lambda item: sheet.lines[item[0]]):
        paid_on, line = given["paid_on"], sheet.lines[key]
        if paid_on > today:
            problems.append(f"第 {line} 行 {PAID_ON}：{paid_on} 晚于今天（{today}），尚未发生的拨付不能登记")
        elif key in approved and paid_on < approved[key]:
            problems.append(f"第 {line} 行 {PAID_ON}：{paid_on} 早于批准日期 {approved[key]}")
    if problems:
        raise InputError([("sheet", p) for p in _first(problems)])


def read_sheet(content: bytes, name: str) -> Sheet:
    """Every filled row of the list's first sheet, each checked; every mistake at once, named by its row."""
    lines = sent_rows(content, name, "sheet", most=MAX_ROWS, columns=MAX_COLUMNS)
    head = next((i for i, (line, cells) in enumerate(lines)
                 if line <= 10 and NUMBER in [_text(c.value) for c in cells]), None)
    if head is None:
        raise _refused(f"{name} 的第一张工作表前 10 行中没有“{NUMBER}”表头：请上传从本页下载的待拨付清单")
    titles = [_text(c.value) for c in lines[head][1]]
    missing = [t for t in (PAID_ON, REFERENCE) if t not in titles]
    if missing:
        raise _refused(f"{name} 缺少“{'”“'.join(missing)}”列：请上传从本页下载的待拨付清单")
    at = {t: titles.index(t) for t in (NUMBER, PAID_ON, REFERENCE)}
    payments: dict[int, dict[str, Any]] = {}
    seen: dict[int, int] = {}
    problems: list[str] = []
    blank = 0
    for number, cells in lines[head + 1:]:
        values = {t: cells[i] if i < len(cells) else None for t, i in at.items()}
        if all(_text(getattr(c, "value", None)) == "" for c in values.values()):
            continue
        said = [f"{t}：{why}" for t, why in ((t, _formula(c)) for t, c in values.items()) if why]
        if said:
            problems.append(f"第 {number} 行 {'；'.join(said)}")
            continue
        key, key_why = _number(getattr(values[NUMBER], "value", None))
        paid_on, day_why = _day(values[PAID_ON])
        reference, reference_why = _reference(values[REFERENCE])
        if key is not None and paid_on is None and reference is None and not day_why and not reference_why:
            blank += 1  # listed, not paid yet
            continue
        said = [f"{t}：{why}" for t, why in ((NUMBER, key_why), (PAID_ON, day_why), (REFERENCE, reference_why)) if why]
        if not said and (paid_on is None) != (reference is None):
            said = [f"{PAID_ON}和{REFERENCE}须同时填写（只填了{PAID_ON if paid_on else REFERENCE}）"]
        if not said and key in seen:
            said = [f"{NUMBER} {key} 与第 {seen[key]} 行重复"]
        if said:
            problems.append(f"第 {number} 行 {'；'.join(said)}")
            continue
        assert key is not None
        seen[key] = number
        payments[key] = {"paid_on": paid_on, "reference": reference}
    if problems:
        raise InputError([("sheet", p) for p in _first(problems)])
    if not payments:
        raise _refused(f"{name} 中没有填写了{PAID_ON}和{REFERENCE}的行")
    if len(payments) > MAX_PAYMENTS:
        raise _refused(f"{name} 填写了 {len(payments)} 行，每次至多登记 {MAX_PAYMENTS} 笔拨付，请分批上传")
    return Sheet(payments, blank, seen)


def _first(problems: list[str], most: int = 50) -> list[str]:
    """The first ``most`` mistakes, and how many more there are."""
    return problems[:most] + ([f"……另有 {len(problems) - most} 行有误"] if len(problems) > most else [])


def _refused(why: str) -> InputError:
    return InputError([("sheet", why)])


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _formula(cell: Any) -> str | None:
    """A cell's formula is refused: a list of payments records what was paid, not what a formula computes."""
    return "不能是公式，请填写数值" if getattr(cell, "data_type", None) == "f" else None


def _number(value: object) -> tuple[int | None, str | None]:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _text(value)
    if not text:
        return None, "未填写"
    if isinstance(value, bool) or not digits(text) or len(text) > 10 or not 1 <= int(text) <= 2_147_483_647:
        return None, f"应为申报编号（数字），收到 {text[:20]!r}"
    return int(text), None


def _day(cell: Any) -> tuple[date | None, str | None]:
    value = getattr(cell, "value", None)
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            return None, "应为日期，不能带时间"
        return value.date(), None
    if isinstance(value, date):
        return value, None
    text = _text(value)
    if not text:
        return None, None
    found = _DAY.fullmatch(text) if isinstance(value, str) else None
    if found is None:
        return None, f"应为日期（如 2026-12-04），收到 {text[:20]!r}"
    try:
        return date(*(int(part) for part in found.groups())), None
    except ValueError:
        return None, f"{text[:20]} 不是有效的日期"


def _reference(cell: Any) -> tuple[str | None, str | None]:
    value = getattr(cell, "value", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 10**15:
        return None, "数字过长，Excel 已把它当作数字而可能改变了末几位：请把这一列设为“文本”后重新填写"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return (None, None) if value is None else (None, "应为凭证号（文字或数字）")
    text = _text(value)
    if not text:
        return None, None
    if len(text) > 64:
        return None, "不能超过 64 个字符"
    why = control_reason(text)
    return (None, why) if why else (text, None)
