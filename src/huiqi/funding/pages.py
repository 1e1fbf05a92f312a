"""Finance's budgets page: per year and measure the budget, what approvals committed, what was paid and what
is left, in 万元; a form to set a budget; the payments; Excel downloads."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import ChangedMeanwhile, InputError, tell_after
from huiqi.funding import payouts
from huiqi.funding import service as funding
from huiqi.funding.endpoints import overview
from huiqi.funding.schemas import BudgetRead
from huiqi.labels import Problem, labelled, measure_label
from huiqi.models import Disbursement, User
from huiqi.money import wan, yi
from huiqi.public.service import measure_titles
from huiqi.review.forms import yuan_of_wan
from huiqi.users.names import name_of, people
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import (
    FIGURE_SHOWN,
    FIRST_YEAR,
    LAST_YEAR,
    ascii_digits,
    control_reason,
    digits,
    kept,
    visible,
    whole_in,
)
from huiqi.web.deps import Actor, Caller, CallerDep, Db, SentForm
from huiqi.web.door import said_beside
from huiqi.web.excel import Table, download
from huiqi.web.pagination import PAGE_SIZE, PageNumber, Paging
from huiqi.web.render import page
from huiqi.web.steps import Refusal, form_step, shown_back
from huiqi.web.uploads import read_upload
from huiqi.workflow.batch import MAX_PAYMENTS
from huiqi.workflow.runner import entitled
from huiqi.workflow.states import Action

router = APIRouter(include_in_schema=False)
YearQuery = Annotated[str | None, Query()]  # kept as typed, and said beside the year box when wrong
VIEW_YEAR = "view-year"  # the year box of the page's filter (the budget form has its own, ``year``)
PAYMENTS_PER_PAGE = PAGE_SIZE  # the page shows the payments a page at a time; every one is in the Excel download
PAID_HEADER = ["申报编号", "申报单位", "统一社会信用代码", "政策", "措施", "拨付金额", "拨付日期", "凭证号", "经办人"]


@dataclass(frozen=True)
class Paid:
    """A payment as the treasury's record is matched against it: whose, under which policy and measure."""

    payment: Disbursement
    applicant: str
    uscc: str
    policy: str  # the policy as people cite it (辽政办〔2022〕35号)
    measure: str  # 措施3 培育中小企业


def _paid(session: Session, actor: User, offset: int = 0, limit: int | None = None) -> list[Paid]:
    numbers, titles = catalogue.numbers(session), measure_titles(session)
    return [Paid(d, name, a.uscc, numbers.get(a.policy_id, a.policy_id),
                 measure_label(a.measure, titles.get((a.policy_id, a.measure))))
            for d, a, name in funding.payments(session, actor=actor, offset=offset, limit=limit)]


def _measures(session: Session) -> list[tuple[str, int, str]]:
    """(form value ``policy/number``, number, label) of each monetary measure of the policies in force."""
    return [(f"{p.id}/{m.number}", m.number, f"{p.number} {measure_label(m.number, m.title)}")
            for p in catalogue.published(session) for m in p.measures if m.monetary]


def _labels(session: Session, budgets: list[BudgetRead]) -> dict[tuple[str, int], tuple[str, str]]:
    """Each budget's policy (its document number, always: 措施3 of one policy is not 措施3 of another, whether or not
    the other is budgeted that year) and measure, as people cite them."""
    numbers = catalogue.numbers(session) if budgets else {}
    return {(b.policy_id, b.measure): (numbers.get(b.policy_id, b.policy_id), measure_label(b.measure, b.title))
            for b in budgets}


def viewed_year(text: str | None) -> int:
    r"""The year a budgets page or its Excel is asked for (``?year=``): this year when none is given; a year full-width
    digits typed is read as typed in ASCII; anything else refused, said beside the year box.

    >>> viewed_year(" ２０２５ ")
    2025
    >>> viewed_year("1900")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: 年度：应为 2000 至 2100 的年份（现为“1900”）
    >>> viewed_year("20\x0025")
    Traceback (most recent call last):
    ...
    huiqi.errors.InputError: 年度：不能含有空字符（NUL）
    """
    typed = ascii_digits(text or "")
    if not typed:
        return clock.today().year
    if (why := control_reason(typed)) is not None:
        raise InputError([Problem("年度", why, VIEW_YEAR)])
    year = whole_in(typed, FIRST_YEAR, LAST_YEAR) if len(typed) == 4 else None
    if year is None:
        raise InputError([Problem("年度", f"应为 {FIRST_YEAR} 至 {LAST_YEAR} 的年份（现为“{kept(typed, 8)}”）",
                                  VIEW_YEAR)])
    return year


def _lows(budgets: list[BudgetRead]) -> dict[tuple[str, int], str]:
    """Each budget's low-balance warning ('' when none), as ``overview`` read it for the API too: its remainder under
    10% of the year's amount, or under what waits to draw on it."""
    return {(b.policy_id, b.measure): b.low_reason or "" for b in budgets}


def _page(request: Request, who: Caller, actor: User, session: Session, year: int | None, status_code: int = 200,
          number: int = 1, typed_year: str | None = None, **context: Any) -> HTMLResponse:
    """The budgets page of ``year``; with None (a year asked for that cannot be read, ``typed_year``), the page without
    any year's budgets, the year box saying why."""
    budgets = overview(session, actor=actor, year=year) if year is not None else []
    pager = Paging(page=number, size=PAYMENTS_PER_PAGE)
    payments = _paid(session, actor, pager.offset, pager.size)
    names = people(session, {b.set_by for b in budgets} | {p.payment.recorded_by for p in payments})
    paid = funding.payments_total(session, actor=actor)
    query = f"year={year}&" if year is not None else ""
    return page(request, "budgets/index.html", who, status_code=status_code, year=year, budgets=budgets,
                labels=_labels(session, budgets), lows=_lows(budgets),
                measures=_measures(session), payments=payments,
                waiting=payouts.waiting(session, actor=actor), most=MAX_PAYMENTS, paid=paid, pager=pager,
                link=lambda n: f"/budgets?{query}page={n}#payments", this_year=clock.today().year,
                typed_year=kept(typed_year, FIGURE_SHOWN) if typed_year is not None else str(year),
                person=lambda u: name_of(u, names), values=context.pop("values", {}), **context)


@router.get("/budgets", response_class=HTMLResponse)
@said_beside("year")
def budgets_page(request: Request, who: CallerDep, actor: Actor, session: Db, year: YearQuery = None,
                 number: PageNumber = 1) -> HTMLResponse:
    """The year's budgets, and the payments of every year a page at a time (``?page=``). A year that cannot be read
    (1900, abc, a forged NUL) is said beside the year box, as typed, the rest of the page shown (422)."""
    try:
        shown = viewed_year(year)
    except InputError as wrong:
        return _page(request, who, actor, session, None, status_code=422, number=number, typed_year=year,
                     filter_problems=wrong.problems)
    return _page(request, who, actor, session, shown, number=number)


@router.post("/budgets", response_model=None)
@said_beside("year", "amount", "seen_year", "seen-*")
def set_budget(request: Request, who: CallerDep, actor: Actor, session: Db, sent: SentForm,
               year: Annotated[str, Form()] = "",
               measure: Annotated[str, Form()] = "", amount: Annotated[str, Form()] = "",
               policy_id: Annotated[str, Form(max_length=40)] = "",
               large: Annotated[str, Form(max_length=1)] = "",
               seen_year: Annotated[str, Form()] = "") -> Response:
    """Set a measure's budget for a year; an amount above ``LARGE_BUDGET`` is asked about first (a sum typed in
    yuan into the 万元 field is ten thousand times too large) and set when the box saying it is right is ticked. A
    year or an amount forged with a control character, or far too long, is said beside its box, shown again as typed
    without the character."""
    values = {"year": kept(year, FIGURE_SHOWN), "measure": measure, "amount": kept(amount, FIGURE_SHOWN)}
    if "/" in measure:  # the form's ``policy/number``
        policy_id, _, measure = measure.partition("/")
    chosen = policy_id or next((v.partition("/")[0] for v, _, _ in _measures(session)), "")
    year = ascii_digits(year)
    shown = int(year) if digits(year) and len(year) == 4 and 2000 <= int(year) <= 2100 else clock.today().year

    def act() -> None:
        require_role(actor, Role.FINANCE, doing="设定预算", named=True)  # refused as a role, whatever the form holds
        if not digits(visible(year, "year")) or len(year) != 4:
            raise InputError([("year", "请填写四位数年份，如 2026")])
        if not digits(measure.strip()):
            raise InputError([("measure", "请选择措施")])
        yuan = yuan_of_wan(amount)
        if yuan > LARGE_BUDGET and large != "1":
            values["ask_large"] = "1"
            raise InputError([("amount", f"{amount_said(yuan)}超过一项措施一年 {yi(LARGE_BUDGET)} 亿元的常见上限："
                                         f"{CHECK_LARGE}")])
        funding.set_budget(session, actor=actor, year=int(year), policy_id=chosen, measure=int(measure),
                           amount=yuan, seen=_seen(sent, year, seen_year, f"{chosen}/{measure.strip()}"))

    def again(refusal: Refusal) -> Response:
        # the box as the form calls it; a refusal of the role is said as one (未能设定预算), nothing to correct
        problems = labelled(refusal.shown, own={"amount": "预算（万元）"})
        return _page(request, who, actor, session, shown, status_code=refusal.status_code, message=refusal.message,
                     problems=problems, values=values)

    return form_step(session, act, done=f"/budgets?year={shown}", again=again,
                     said=_said(session, year, chosen, measure, amount))


def _seen(sent: FormData, year: str, seen_year: str, measure: str) -> int | None:
    """The amount the page showed for the measure (0 when it showed none), when the year set is the one the page
    showed; otherwise nothing was seen and nothing is checked. A year shown that no page wrote (a word, a NUL, past
    any year) is refused, nothing set: the check is not skipped on it."""
    if shown_back("seen_year", seen_year, FIRST_YEAR, LAST_YEAR, "未设定") != (int(year) if digits(year) else None):
        return None
    shown = str(sent.get(f"seen-{measure}") or "0")
    if not digits(shown) or len(shown) > 16:
        raise InputError([("预算（万元）", "页面显示的预算已无法核对：请刷新页面后再设定")])
    return int(shown)


LARGE_BUDGET = 1_000_000_000  # 10亿元 for one measure in one year: above it the page asks before setting
CHECK_LARGE = "请核对是否按万元填写（如 500 万元填 500）；确认无误，请勾选“金额无误”后再次保存"


def amount_said(yuan: int) -> str:
    """A budget as finance typed it, exactly, in 万元; from one hundred million up in 亿元 too, so a sum typed in yuan
    into the 万元 box shows for what it is.

    >>> amount_said(123_456), amount_said(1_000_000_000), amount_said(50_000_000_000)
    ('12.3456 万元', '100000 万元（10 亿元）', '5000000 万元（500 亿元）')
    """
    said = f"{wan(yuan)} 万元"
    return f"{said}（{yi(yuan)} 亿元）" if yuan >= 100_000_000 else said


def _said(session: Session, year: str, policy_id: str, measure: str, amount: str) -> str:
    """What was set, as finance would read it back: 2026年度 辽政办〔2022〕35号 措施3 专精特新 预算已设定为 500 万元."""
    label = next((shown for value, _, shown in _measures(session) if value == f"{policy_id}/{measure.strip()}"), "")
    try:
        figure = f"为 {amount_said(yuan_of_wan(amount))}"
    except InputError:  # the step refuses it and this is never shown
        figure = ""
    return f"{year.strip()}年度 {label} 预算已设定{figure}" if label else f"预算已设定{figure}"


@router.get("/budgets.xlsx")
def budgets_export(actor: Actor, session: Db, year: YearQuery = None) -> Response:
    """The year's budgets as a workbook; a year that cannot be read refused by its Chinese name."""
    shown = viewed_year(year)
    found = overview(session, actor=actor, year=shown)
    names = people(session, {b.set_by for b in found if b.set_by})
    labels = _labels(session, found)
    lows = _lows(found)
    rows: list[Sequence[Any]] = [(b.year, " ".join(filter(None, labels[(b.policy_id, b.measure)])), b.amount,
                                  b.committed, b.disbursed, b.left, lows[(b.policy_id, b.measure)] or None,
                                  name_of(b.set_by, names)) for b in found]
    table = Table(f"{shown}年度预算", ["年度", "措施", "预算", "已批准", "已拨付", "余额", "余额提示", "设定人"], rows,
                  money={"预算", "已批准", "已拨付", "余额"})
    return download(table, f"预算执行-{shown}.xlsx")


@router.get("/disbursements.xlsx")
def disbursements_export(actor: Actor, session: Db) -> Response:
    paid = _paid(session, actor)
    names = people(session, {p.payment.recorded_by for p in paid})
    rows: list[Sequence[Any]] = [(p.payment.application_id, p.applicant, p.uscc, p.policy, p.measure, p.payment.amount,
                                  p.payment.paid_on, p.payment.reference, name_of(p.payment.recorded_by, names))
                                 for p in paid]
    table = Table("拨付记录", PAID_HEADER, rows, money={"拨付金额"})
    return download(table, f"拨付记录-{clock.today().isoformat()}.xlsx")


@router.get("/disbursements/pending.xlsx")
def pending_export(actor: Actor, session: Db) -> Response:
    """The grants approved and not yet paid, with empty 拨付日期 and 凭证号 columns to fill in and upload."""
    return download(payouts.due_table(session, actor), f"待拨付清单-{clock.today().isoformat()}.xlsx")


@router.post("/disbursements/import", response_class=HTMLResponse)
def pay_many(request: Request, who: CallerDep, actor: Actor, session: Db,
             sheet: Annotated[UploadFile | None, File()] = None) -> HTMLResponse:
    """Finance uploads the 待拨付清单 with the treasury's dates and vouchers: every row is checked first, then each
    filled row is paid as if alone, as the list showed it (approved, at its 批准金额); the page shows what became of
    each, 409 when any was refused (paid meanwhile by a colleague, its account changed)."""
    entitled(actor, Action.DISBURSE)
    year = clock.today().year
    try:
        name, content = read_upload(sheet, "sheet")
        if name is None or content is None:
            raise InputError([("sheet", "请选择填好拨付日期和凭证号的待拨付清单（.xlsx）")])
        found, outcomes = payouts.pay_sheet(session, actor=actor, content=content, name=name)
    except (InputError, ChangedMeanwhile) as error:
        tell_after(session, error)  # nothing was written: the enterprises whose account is awaited are told
        refusal = Refusal.of(error)
        return _page(request, who, actor, session, year, status_code=refusal.status_code,
                     pay_message=refusal.message, pay_problems=refusal.problems)
    note = "".join([f"清单中有 {found.recorded} 行此前已按同一凭证号登记拨付，未重复登记。" if found.recorded else "",
                    f"清单中另有 {found.blank} 行未填写拨付日期和凭证号，仍待拨付。" if found.blank else ""])
    return _page(request, who, actor, session, year, status_code=409 if any(not o.done for o in outcomes) else 200,
                 outcomes=outcomes, note=note)
