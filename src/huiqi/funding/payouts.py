"""Paying many grants at once (批量拨付), as a round trip through a workbook.

Finance downloads the list of grants approved and not yet paid (待拨付清单), with two empty columns, 拨付日期 and
凭证号; the treasury's dates and voucher numbers are filled in; the workbook comes back. It is read whole and every
row checked before anything is written (its date read, not after today nor before its grant's approval; its voucher
read as typed; its application approved and not yet paid, its account confirmed by the enterprise, its 批准金额 and
its account, when the row carries them, the application's own; its voucher used by no other payment, nor by another
row): one bad row refuses the file, every mistake of every row said at once, each named by its line. A row already
recorded (its grant paid on its date with its voucher: the same file sent again after a correction) is passed over
and counted, as is one recorded between the check and its turn (the same file sent twice at once). Then each filled
row is paid as if alone (``workflow.batch.each``: the payment step, committed or refused on its own, for what changed
between the check and the row's turn: a grant paid meanwhile by a colleague, an account changed meanwhile by the
enterprise — the step checks under its lock that the application is still approved at the row's amount, as the list
showed it, and the row's account), and rows left blank wait for a later file.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications import payee
from huiqi.applications import service as applications
from huiqi.applications.payee import reminder
from huiqi.catalogue import service as catalogue
from huiqi.errors import ChangedMeanwhile, InputError
from huiqi.funding.service import READERS
from huiqi.labels import measure_label
from huiqi.models import Application, Disbursement, Grant, User
from huiqi.money import MISPLACED_COMMA, ungrouped, wan
from huiqi.review.reading import rows
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import control_reason, digits, written_day
from huiqi.web.excel import Table, looks_like_formula, sent_rows
from huiqi.workflow.batch import MAX_PAYMENTS, Outcome, each
from huiqi.workflow.runner import Seen, entitled
from huiqi.workflow.states import STATES, Action, State

MAX_ROWS = 10_000  # rows with something in them read from one sheet (the list of 10,000: about 0.4 MB)
MAX_COLUMNS = 50  # columns read: the list has twelve; people add a few of their own
# The columns the file must have (by their header, wherever they stand); the rest are for people and ignored.
NUMBER, PAID_ON, REFERENCE = "申报编号", "拨付日期", "凭证号"
HEADER = [NUMBER, "申报单位", "统一社会信用代码", "政策", "措施", "批准金额", "批准日期", "备注", "开户银行",
          "银行账号", PAID_ON, REFERENCE]
AMOUNT, BANK, ACCOUNT = "批准金额", "开户银行", "银行账号"
PAYEE_MISSING = payee.MISSING
PAYEE_CHANGED = "收款账户在下载清单后已变更，请重新下载待拨付清单"


@dataclass(frozen=True)
class Due:
    """A grant approved and not yet paid."""

    application: Application
    applicant: str
    title: str
    amount: int
    approved_on: date
    payee_missing: bool  # a grant whose enterprise has not yet confirmed its account: not paid until it does


def _approved_grants() -> Select[Grant]:
    """The grants whose application is approved and not yet paid."""
    return select(Grant).join(Application, Application.id == Grant.application_id).where(
        Application.state == State.APPROVED)


def _payee_missing() -> Select[int]:
    """The approved applications whose enterprise has not yet confirmed its account."""
    return select(Application.id).where(Application.state == State.APPROVED, Application.payee_confirmed_at.is_(None))


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
    payee_missing: int  # of them, grants whose enterprise has not yet confirmed its account


def waiting(session: Session, *, actor: User) -> Waiting:
    """How many grants wait for payment, their sum, and how many wait for an account: counted in SQL, since the
    budgets page says it on every view (its readers, finance, admin and auditor, read the whole province)."""
    require_role(actor, *READERS, doing="查看待拨付清单")
    listed = _approved_grants().subquery()
    count, amount = session.execute(select(func.count(listed.c.id), func.sum(listed.c.amount))).one()
    missing = session.scalar(select(func.count()).select_from(_payee_missing().subquery()))
    return Waiting(int(count), int(amount or 0), int(missing or 0))


def payee_account(application: Application, actor: User) -> str:
    """The account the enterprise confirmed: in full for finance, who pays into it; its last four digits for the
    others who read the list ('' when none is confirmed yet)."""
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


@dataclass
class Row:
    """A filled row of a returned list, as read: what it says (None where a cell could not be read) and what is wrong
    with it, each mistake said once."""

    line: int
    key: int | None
    paid_on: date | None
    reference: str | None
    amount: int | None = None  # the 批准金额 (yuan) it carries, if any
    payee: tuple[str, str] | None = None  # the account it carries (bank, number), if the list has those columns
    said: list[str] = field(default_factory=list)
    overtaken: int = 0  # of what is said, what was right when the list was made and the record has moved on since


@dataclass(frozen=True)
class Sheet:
    """A returned list, read and checked: the payments to record (application → the step's inputs) and how many
    rows were left blank (not paid yet)."""

    payments: dict[int, dict[str, Any]]
    blank: int
    lines: dict[int, int] = field(default_factory=dict)  # application → its line in the file
    amounts: dict[int, int] = field(default_factory=dict)  # application → the 批准金额 (yuan) its row carries
    recorded: int = 0  # rows already paid as they say (the file sent again): passed over
    rows: list[Row] = field(default_factory=list)  # every filled row as read, with its mistakes


def pay_sheet(session: Session, *, actor: User, content: bytes, name: str) -> tuple[Sheet, list[Outcome]]:
    """Read the returned list ``content`` (a workbook called ``name``), check every row for every mistake at once,
    and pay each filled row as if alone."""
    entitled(actor, Action.DISBURSE)
    sheet = _read(content, name)
    recorded = _check_rows(session, sheet)
    sheet = replace(sheet, payments={k: v for k, v in sheet.payments.items() if k not in recorded},
                    recorded=len(recorded))
    if not sheet.payments:
        return sheet, []
    outcomes = each(session, Action.DISBURSE, actor=actor, items={key: {**given, "seen": _seen(sheet, key)}
                                                                   for key, given in sheet.payments.items()},
                    most=MAX_PAYMENTS)
    meanwhile = _recorded(session, sheet, [o.application_id for o in outcomes if not o.done])
    return replace(sheet, recorded=sheet.recorded + len(meanwhile)), [
        o for o in outcomes if o.application_id not in meanwhile]


def _seen(sheet: Sheet, key: int) -> Seen:
    """What the list showed of a row's application, checked again under its lock at the row's turn: approved, and
    its 批准金额 when the row carries it. One paid (or otherwise moved on) since the check is refused (409), saying
    where it stands now."""
    return Seen(state=State.APPROVED, amount=sheet.amounts.get(key), amount_said=key in sheet.amounts)


def _recorded(session: Session, sheet: Sheet, keys: list[int]) -> set[int]:
    """Of ``keys``, the rows refused at their turn because the same payment had been recorded meanwhile (the same
    list sent twice at once, from two tabs or by two people): paid on the row's date with the row's voucher, they
    are counted as recorded, not reported as refused."""
    if not keys:
        return set()
    paid = session.execute(select(Disbursement.application_id, Disbursement.paid_on, Disbursement.reference)
                           .where(Disbursement.application_id.in_(keys))).all()
    return {key for key, on, reference in paid
            if (on, reference) == (sheet.payments[key]["paid_on"], sheet.payments[key]["reference"])}


def _check_rows(session: Session, sheet: Sheet) -> set[int]:
    """Every row against the records, before anything is written, beside what reading it found: its application
    approved and not yet paid (a number mistyped, a grant paid before), its 批准金额 and account the application's
    own (an account the enterprise changed after the list was downloaded), an account confirmed at all, its voucher
    used by no other payment, its date not after today nor before the approval (a typo, most likely). Any mistake
    refuses the whole list, every mistake of every row said at once by its line; the enterprises whose account is
    awaited are told. Gives the rows already recorded: their grant paid on the row's date with the row's voucher."""
    today, filled = clock.today(), sheet.rows
    keys = sorted({r.key for r in filled if r.key is not None})
    found = {a.id: a for a in session.scalars(select(Application).where(Application.id.in_(keys)))}
    grants = {g.application_id: g for g in session.scalars(select(Grant).where(Grant.application_id.in_(keys)))}
    references = {r.reference for r in filled if r.reference is not None}
    used = {ref: key for ref, key in session.execute(
        select(Disbursement.reference, Disbursement.application_id).where(Disbursement.reference.in_(references)))}
    paid = {d.application_id: d for d in session.scalars(select(Disbursement).where(
        Disbursement.application_id.in_(keys)))}
    recorded: set[int] = set()
    awaited: list[int] = []
    for row in filled:
        key = row.key
        if key is not None:
            app = found.get(key)
            if app is None:
                row.said.append(f"{NUMBER}：没有编号为 {key} 的申报")
            elif _against(row, app, grants.get(key), paid.get(key), awaited):
                recorded.add(key)
        if row.paid_on is not None and row.paid_on > today:
            row.said.append(f"{PAID_ON}：{row.paid_on} 晚于今天（{today}），尚未发生的拨付不能登记")
        other = used.get(row.reference) if row.reference is not None else None
        if other is not None and other != key:
            row.said.append(f"{REFERENCE} {row.reference} 已用于申报 #{other} 的拨付")
    _refuse(filled, reminder(awaited) if awaited else None)
    return recorded


def _against(row: Row, app: Application, grant: Grant | None, before: Disbursement | None,
             awaited: list[int]) -> bool:
    """A row against its application, its grant and its payment, if any: what is wrong said on the row (an
    application whose account is awaited added to ``awaited``); whether the row is already recorded (paid on its
    date with its voucher: the file sent again)."""
    key = app.id
    if before is not None and before.reference == row.reference:
        if row.paid_on is not None and before.paid_on != row.paid_on:
            row.said.append(f"{PAID_ON}：申报 #{key} 已凭{REFERENCE} {before.reference} 于 {before.paid_on} 登记拨付，"
                            f"清单中为 {row.paid_on}")
        return row.paid_on == before.paid_on
    if before is not None:
        row.overtaken += 1
        listed = f"，清单中为 {row.reference}" if row.reference is not None else ""
        row.said.append(f"申报 #{key} 已凭{REFERENCE} {before.reference} 于 {before.paid_on} 拨付{listed}")
        return False
    if app.state != State.APPROVED or grant is None:
        row.overtaken += 1
        row.said.append(f"申报 #{key} 当前处于「{STATES.get(app.state, app.state)}」，只有已批准的申报可以拨付")
        return False
    if row.amount is not None and row.amount != grant.amount:
        row.said.append(f"{AMOUNT}：清单中为 {wan(row.amount)} 万元，与申报 #{key} 的批准金额 "
                        f"{wan(grant.amount)} 万元不符")
    current = (app.payee_bank or "", app.payee_account or "")
    if app.payee_confirmed_at is None:
        awaited.append(key)
        row.said.append(f"申报 #{key}：{PAYEE_MISSING}（{payee.TOLD}）")
    elif row.payee is not None and row.payee != current:
        row.overtaken += 1
        row.said.append(f"收款账户：清单中为 {_account(*row.payee)}，申报 #{key} 当前为 {_account(*current)}；"
                        f"{PAYEE_CHANGED}")
    if row.paid_on is not None and row.paid_on < grant.approved_on:
        row.said.append(f"{PAID_ON}：{row.paid_on} 早于批准日期 {grant.approved_on}")
    return False


def _refuse(filled: list[Row], remind: Callable[[Any], None] | None = None) -> None:
    """Refuse the list when any row has a mistake, every one said by its line: a 409 when every mistake is a record
    that moved on since the list was made (a colleague's payment meanwhile), else a 422; ``remind`` tells whoever
    must act (the enterprises whose account is awaited)."""
    wrong = [r for r in filled if r.said]
    if not wrong:
        return
    problems = [("sheet", p) for p in _first([f"第 {r.line} 行 {'；'.join(r.said)}" for r in wrong])]
    refused = ChangedMeanwhile(problems) if all(r.overtaken == len(r.said) for r in wrong) else InputError(problems)
    refused.remind = remind
    raise refused


def _account(bank: str, account: str) -> str:
    """An account as the refusal names it to finance, the only one who imports a list (and who reads the accounts in
    full on it): its bank and its whole number, so that two accounts differing before their last four digits read
    apart (none: no account confirmed). What a row carries is cut to the bounds of an account.

    >>> _account("中国银行", "6222000012345678"), _account("", ""), _account("中国银行", "")
    ('中国银行 账号 6222000012345678', '无收款账户', '中国银行（未填银行账号）')
    """
    if not bank and not account:
        return "无收款账户"
    bank, account = _cut(bank, payee.BANK_MOST), _cut(account, payee.ACCOUNT_MOST)
    return f"{bank or '（未填开户银行）'} 账号 {account}" if account else f"{bank}（未填银行账号）"


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[:most] + "…"


def read_sheet(content: bytes, name: str) -> Sheet:
    """Every filled row of the list's first sheet, each checked as written; every mistake at once, named by its
    row."""
    sheet = _read(content, name)
    _refuse(sheet.rows)
    return sheet


def _read(content: bytes, name: str) -> Sheet:
    """Every filled row of the list's first sheet as read, each with what is wrong in it as written (a date, a
    formula, a row repeated), for the records to be checked beside it; the payments its rows make once nothing is
    wrong. A file that is not the list, or holds no payment or too many, is refused whole."""
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
    # Read when the file has them (the downloaded list does): checked against the application before paying.
    extra = {t: titles.index(t) for t in (f"{AMOUNT}（元）", AMOUNT, f"{AMOUNT}（万元）", BANK, ACCOUNT) if t in titles}
    filled: list[Row] = []
    blank = 0
    for number, cells in lines[head + 1:]:
        values = {t: cells[i] if i < len(cells) else None for t, i in at.items()}
        if all(_text(getattr(c, "value", None)) == "" for c in values.values()):
            continue
        row = _row(number, values, {t: cells[i] if i < len(cells) else None for t, i in extra.items()})
        if row is None:
            blank += 1  # listed, not paid yet
        else:
            filled.append(row)
    if not filled:
        raise _refused(f"{name} 中没有填写了{PAID_ON}和{REFERENCE}的行")
    if len(filled) > MAX_PAYMENTS:
        raise _refused(f"{name} 填写了 {len(filled)} 行，每次至多登记 {MAX_PAYMENTS} 笔拨付，请分批上传")
    _repeated(filled)
    return _payments(filled, blank)


def _row(number: int, values: dict[str, Any], others: dict[str, Any]) -> Row | None:
    """One row as read, with every mistake in how it is written; None for a row listed and not paid yet (its
    number alone)."""
    formulas = {t: why for t, c in values.items() if (why := _formula(c))}  # said, and the row's others read too
    key, key_why = (None, None) if NUMBER in formulas else _number(getattr(values[NUMBER], "value", None))
    paid_on, day_why = (None, None) if PAID_ON in formulas else _day(values[PAID_ON])
    reference, reference_why = (None, None) if REFERENCE in formulas else _reference(values[REFERENCE])
    if not formulas and key is not None and paid_on is None and reference is None and not day_why \
            and not reference_why:
        return None
    whys = {NUMBER: key_why, PAID_ON: day_why, REFERENCE: reference_why} | formulas
    said = [f"{t}：{whys[t]}" for t in (NUMBER, PAID_ON, REFERENCE) if whys[t]]
    dated, vouched = paid_on is not None or bool(whys[PAID_ON]), reference is not None or bool(whys[REFERENCE])
    if dated != vouched:
        said.append(f"{PAID_ON}和{REFERENCE}须同时填写（只填了{PAID_ON if dated else REFERENCE}）")
    amount, amount_why = _amount(others)
    payee, payee_why = _payee(others)
    said += [f"{t}：{why}" for t, why in ((AMOUNT, amount_why), (ACCOUNT, payee_why)) if why]
    return Row(number, key, paid_on, reference, amount, payee, said)


def _repeated(filled: list[Row]) -> None:
    """A number or a voucher met again is said on the later row, naming the first."""
    numbers: dict[int, int] = {}
    vouchers: dict[str, int] = {}
    for row in filled:
        if row.key is not None and row.key in numbers:
            row.said.append(f"{NUMBER} {row.key} 与第 {numbers[row.key]} 行重复")
        if row.reference is not None and row.reference in vouchers:
            row.said.append(f"{REFERENCE} {row.reference} 与第 {vouchers[row.reference]} 行重复："
                            "一张凭证只登记一笔拨付")
        if row.key is not None:
            numbers.setdefault(row.key, row.line)
        if row.reference is not None:
            vouchers.setdefault(row.reference, row.line)


def _payments(filled: list[Row], blank: int) -> Sheet:
    """The payments the rows make (those read whole, each number once), with the rows themselves."""
    payments: dict[int, dict[str, Any]] = {}
    lines: dict[int, int] = {}
    amounts: dict[int, int] = {}
    for row in filled:
        if row.said or row.key is None or row.paid_on is None or row.reference is None:
            continue
        lines[row.key] = row.line
        payments[row.key] = {"paid_on": row.paid_on, "reference": row.reference}
        if row.payee is not None:
            payments[row.key]["payee"] = row.payee  # the payment step checks it again, under its lock
        if row.amount is not None:
            amounts[row.key] = row.amount
    return Sheet(payments, blank, lines, amounts, rows=filled)


def _amount(cells: dict[str, Any]) -> tuple[int | None, str | None]:
    """The 批准金额 a row carries, in whole yuan (its 元 column, else its 万元 one), None when it carries none."""
    for title, scale in ((f"{AMOUNT}（元）", 1), (AMOUNT, 1), (f"{AMOUNT}（万元）", 10_000)):
        if title not in cells:
            continue
        if _formula(cells[title]):
            return None, "不能是公式，请填写数值"
        value = getattr(cells[title], "value", None)
        if isinstance(value, str):
            if len(value) > 30:
                return None, "应为金额（过长）"
            if (value := ungrouped(value.strip())) is None:
                return None, f"应为金额：{MISPLACED_COMMA}"
            value = value or None
        if value is None:
            continue  # blank: the next column, if any, says it
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None, "应为金额"
        if len(str(value)) > 30:
            return None, "应为金额（过长）"
        try:  # exactly as written (a cell's number as Excel shows it), never through binary fractions
            amount = Decimal(value if isinstance(value, (int, str)) else repr(value)) * scale
        except ArithmeticError:  # not a number, or one past what a decimal holds (1e1000000)
            return None, f"应为金额，收到 {str(value)[:20]!r}"
        if amount.is_finite() and amount < 0:
            return None, "金额不能为负数"
        if not amount.is_finite() or amount != amount.to_integral_value() or amount > 10**13:
            return None, f"{str(value)[:20]} 不是整元金额"
        return int(amount), None
    return None, None


def _payee(cells: dict[str, Any]) -> tuple[tuple[str, str] | None, str | None]:
    """The account a row carries (its bank and number, as listed; both blank when it lists none: the list was made
    before the enterprise confirmed one), None when the file has no account columns."""
    if BANK not in cells and ACCOUNT not in cells:
        return None, None
    values = [getattr(cells.get(t), "value", None) for t in (BANK, ACCOUNT)]
    if any(_formula(cells.get(t)) for t in (BANK, ACCOUNT)):
        return None, "不能是公式"
    if isinstance(values[1], float) and values[1].is_integer():
        values[1] = int(values[1])
    return (_text(values[0]), _text(values[1]).replace(" ", "")), None


def _first(problems: list[str], most: int = 50) -> list[str]:
    """The first ``most`` mistakes, and how many more there are."""
    return problems[:most] + ([f"……另有 {len(problems) - most} 行有误"] if len(problems) > most else [])


def _refused(why: str) -> InputError:
    return InputError([("sheet", why)])


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _formula(cell: Any) -> str | None:
    """A cell's formula (or a text one, as ``=1+1``) is refused; -1 is not one here but a negative amount, said so."""
    return "不能是公式，请直接填写日期、凭证号或金额" if looks_like_formula(cell, ("=",)) else None


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
    try:
        day = written_day(text) if isinstance(value, str) else None
    except ValueError:
        return None, f"{text[:20]} 不是有效的日期"
    return (day, None) if day is not None else (None, f"应为日期（如 2026-12-04），收到 {text[:20]!r}")


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
