"""Finance's forms say what their page showed, and a step taken from a stale page (another tab, a colleague's
moment) is refused 409, said as a refusal, changing nothing: the batch approval from the queue (each ticked row's
state and amount), a payment from the review page (and the account it showed), the returned 待拨付清单 (each row
approved, at its 批准金额), and their API bodies when they say it (optional there)."""

import re
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from huiqi.applications import payee
from huiqi.funding import payouts
from huiqi.funding import service as budgets
from huiqi.models import Application, Budget, Disbursement, Grant, Transition, User
from huiqi.web.excel import XLSX
from huiqi.workflow.runner import Seen, run
from huiqi.workflow.states import Action, State
from tests.dbtest import (
    TEST_PAYEE,
    little_giant_firm,
    make_people,
    make_records,
    step,
    to_announced,
    while_held,
)
from tests.funding.test_payouts import workbook
from tests.webtest import bearer

APPROVE_ON = date(2025, 10, 13)  # the 公示 from 2025-09-29 ended on 2025-10-11
PAY_ON = date(2025, 10, 20)


def _ended(session: Session, people, store, n: int = 1) -> list[Application]:
    """``n`` applications under measure 3 whose 公示 (80 万元 each) ended on 2025-10-11; a budget for all."""
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                       amount=10_000_000)
    return [to_announced(session, little_giant_firm(session, i), [people.shenyang, people.miit], matter="h1",
                         measure=3, amount=1_000_000, proposed=800_000, store=store) for i in range(n)]


def _approved(session: Session, people, store, n: int = 1) -> list[Application]:
    apps = _ended(session, people, store, n)
    for app in apps:
        step(session, "approve", people.finance, app, on=APPROVE_ON)
    return apps


def _steps(session: Session, app: Application, action: str) -> int:
    return session.scalar(select(func.count(Transition.id)).where(Transition.application_id == app.id,
                                                                  Transition.action == action))


def _committed(session: Session) -> int:
    return session.scalar(select(Budget.committed).where(Budget.year == 2025, Budget.measure == 3))


def _desk_seen(page: str, step_name: str) -> dict[str, str]:
    """The hidden fields of one form of the review page, as the browser sends them."""
    form = re.search(rf'<form method="post" action="/review/\d+/{step_name}".*?</form>', page, re.S)
    assert form, f"no {step_name} form"
    return dict(re.findall(r'<input type="hidden" name="(seen_\w+)" value="([^"]*)">', form.group(0)))


pytestmark = pytest.mark.anyio


async def test_a_second_tab_of_the_queue_cannot_approve_what_the_first_approved(browser, session, people, tmp_path,
                                                                                set_today) -> None:
    app, other = _ended(session, people, tmp_path, 2)
    set_today(APPROVE_ON)
    finance = browser(people.finance)
    first, second = (await finance.get("/review")).text, (await finance.get("/review")).text
    shown = f'<input type="hidden" form="batch" name="seen-{app.id}" value="800000">'
    assert shown in first and shown in second, "each ticked row says the amount it showed"
    done = await finance.post("/review/approvals", data={"application_ids": str(app.id), f"seen-{app.id}": "800000"})
    assert done.status_code == 303 and app.state == State.APPROVED
    stale = await finance.post("/review/approvals", data={
        "application_ids": [str(app.id), str(other.id)], f"seen-{app.id}": "800000", f"seen-{other.id}": "800000"})
    assert stale.status_code == 409, stale.text
    assert f"申报 #{app.id} 已在其他页面或由他人办理（现为「已批准」，批准金额 80 万元），请刷新后查看" in stale.text
    assert "批量批准：已批准 1 项，共 80 万元；1 项未批准" in stale.text, "the other row is approved as if alone"
    assert '<section class="batch-result" role="alert"' in stale.text
    assert _steps(session, app, "approve") == 1 and _committed(session) == 1_600_000, "the stale row changed nothing"
    assert session.scalar(select(func.count(Grant.id)).where(Grant.application_id == app.id)) == 1


async def test_a_row_that_showed_another_amount_is_not_approved(browser, session, people, tmp_path,
                                                                set_today) -> None:
    (app,) = _ended(session, people, tmp_path)
    set_today(APPROVE_ON)
    finance = browser(people.finance)
    refused = await finance.post("/review/approvals", data={"application_ids": str(app.id), f"seen-{app.id}": "80"})
    assert refused.status_code == 409 and "批量批准：已批准 0 项，共 0 万元；1 项未批准" in refused.text
    assert f"申报 #{app.id} 已在其他页面或由他人办理（现为「公示中」，拟定金额 80 万元），请刷新后查看" in refused.text
    assert app.state == State.ANNOUNCED and _committed(session) == 0 and _steps(session, app, "approve") == 0
    assert f'value="{app.id}" aria-label="选择申报 #{app.id}" checked' in refused.text, "still ticked"
    unreadable = await finance.post("/review/approvals", data={"application_ids": str(app.id),
                                                               f"seen-{app.id}": "八十万"})
    assert unreadable.status_code == 422 and app.state == State.ANNOUNCED


async def test_a_second_tab_of_the_review_page_cannot_pay_again(browser, session, people, tmp_path,
                                                                set_today) -> None:
    (app,) = _approved(session, people, tmp_path)
    set_today(PAY_ON)
    finance = browser(people.finance)
    first, second = (await finance.get(f"/review/{app.id}")).text, (await finance.get(f"/review/{app.id}")).text
    assert _desk_seen(first, "disburse") == {"seen_state": "approved", "seen_amount": "800000",
                                             "seen_payee": f"{TEST_PAYEE[0]} 尾号 {TEST_PAYEE[1][-4:]}"}
    paid = await finance.post(f"/review/{app.id}/disburse", data={"paid_on": "2025-10-20", "reference": "GK-1",
                                                                  **_desk_seen(first, "disburse")})
    assert paid.status_code == 303 and app.state == State.DISBURSED
    stale = await finance.post(f"/review/{app.id}/disburse", data={"paid_on": "2025-10-20", "reference": "GK-2",
                                                                   **_desk_seen(second, "disburse")})
    assert stale.status_code == 409, stale.text
    assert f"申报 #{app.id} 已在其他页面或由他人办理（现为「已拨付」，批准金额 80 万元），请刷新后查看" in stale.text
    assert '<h2 id="error-summary-title">未能完成</h2>' in stale.text, "a refusal: nothing typed there to correct"
    assert session.scalars(select(Disbursement.reference).where(Disbursement.application_id == app.id)).all() == [
        "GK-1"]


async def test_an_account_changed_after_the_review_page_was_shown_refuses_its_payment(browser, session, people,
                                                                                      tmp_path, set_today) -> None:
    """The enterprise changes its account while finance has the review page open: the payment recorded from that
    page is refused (409), naming the account now on record, so the trail never says money went where the treasury
    did not pay it; the page shown afresh pays."""
    (app,) = _approved(session, people, tmp_path)
    set_today(PAY_ON)
    finance = browser(people.finance)
    shown = (await finance.get(f"/review/{app.id}")).text
    assert f"{TEST_PAYEE[0]} 尾号 2222" in shown and TEST_PAYEE[1] not in shown, "masked on the review page"
    firm = session.scalar(select(User).where(User.uscc == app.uscc))
    payee.confirm(session, actor=firm, application_id=app.id, bank="中国建设银行沈阳分行", account="6217000099990000")
    stale = await finance.post(f"/review/{app.id}/disburse", data={"paid_on": "2025-10-20", "reference": "GK-1",
                                                                   **_desk_seen(shown, "disburse")})
    assert stale.status_code == 409, stale.text
    assert "收款账户在页面打开后已变更（现为 中国建设银行沈阳分行 尾号 0000）" in stale.text
    assert session.scalar(select(func.count(Disbursement.id))) == 0
    again = (await finance.get(f"/review/{app.id}")).text
    paid = await finance.post(f"/review/{app.id}/disburse", data={"paid_on": "2025-10-20", "reference": "GK-1",
                                                                  **_desk_seen(again, "disburse")})
    assert paid.status_code == 303 and app.state == State.DISBURSED


async def test_a_list_row_paid_by_a_colleague_at_its_turn_is_refused_409(browser, session, people, tmp_path,
                                                                         set_today, monkeypatch) -> None:
    """The list checked whole, then a colleague pays one of its rows before its turn: that row is refused under its
    lock as the list showed it (approved), the other paid, and the page answers 409 saying which."""
    first, second = _approved(session, people, tmp_path, 2)
    set_today(PAY_ON)
    checked = payouts._check_rows

    def then_a_colleague_pays(session: Session, sheet: payouts.Sheet) -> set[int]:
        found = checked(session, sheet)
        step(session, "disburse", people.finance, second, on=PAY_ON, paid_on=PAY_ON, reference="GK-20")
        return found

    monkeypatch.setattr(payouts, "_check_rows", then_a_colleague_pays)
    content = workbook([[first.id, "甲", "2025-10-20", "GK-1", 800_000], [second.id, "乙", "2025-10-20", "GK-2",
                                                                          800_000]],
                       header=["申报编号", "申报单位", "拨付日期", "凭证号", "批准金额"])
    answer = await browser(people.finance).post("/disbursements/import",
                                                files={"sheet": ("清单.xlsx", content, XLSX)})
    assert answer.status_code == 409, answer.text
    assert "批量拨付：已拨付 1 项，共 80 万元；1 项未拨付" in answer.text
    assert f"申报 #{second.id} 已在其他页面或由他人办理（现为「已拨付」，批准金额 80 万元）" in answer.text
    assert sorted(session.execute(select(Disbursement.application_id, Disbursement.reference)).all()) == [
        (first.id, "GK-1"), (second.id, "GK-20")], "the colleague's payment stands; the row paid nothing"


async def test_the_api_checks_what_was_seen_when_said(client, session, people, tmp_path, set_today) -> None:
    app, other, third = _ended(session, people, tmp_path, 3)
    finance = bearer(session, people.finance)
    set_today(APPROVE_ON)
    wrong = await client.post("/api/v1/approvals", headers=finance, json={
        "application_id": app.id, "seen_state": "announced", "seen_amount": 700_000})
    assert wrong.status_code == 409
    assert "已在其他页面或由他人办理（现为「公示中」，拟定金额 80 万元）" in wrong.json()["detail"]
    assert app.state == State.ANNOUNCED and _committed(session) == 0
    done = await client.post("/api/v1/approvals", headers=finance, json={
        "application_id": app.id, "seen_state": "announced", "seen_amount": 800_000})
    assert done.status_code == 201, done.text
    batch = await client.post("/api/v1/approvals/batch", headers=finance, json={
        "application_ids": [other.id, third.id], "seen": [{"application_id": other.id, "seen_state": "proposed"}]})
    assert batch.status_code == 200, batch.text
    assert [(i["application_id"], i["status"]) for i in batch.json()["items"]] == [(other.id, 409), (third.id, 201)]
    assert "已在其他页面或由他人办理（现为「公示中」" in batch.json()["items"][0]["detail"]
    assert other.state == State.ANNOUNCED
    stray = await client.post("/api/v1/approvals/batch", headers=finance, json={
        "application_ids": [other.id], "seen": [{"application_id": app.id, "seen_state": "announced"}]})
    assert stray.status_code == 422 and f"申报 #{app.id} 不在 application_ids 中" in stray.text
    set_today(PAY_ON)
    stale = await client.post("/api/v1/disbursements", headers=finance, json={
        "application_id": app.id, "paid_on": "2025-10-20", "reference": "GK-1", "seen_state": "announced"})
    assert stale.status_code == 409 and "已在其他页面或由他人办理（现为「已批准」" in stale.json()["detail"]
    assert session.scalar(select(func.count(Disbursement.id))) == 0
    paid = await client.post("/api/v1/disbursements/batch", headers=finance, json={"items": [
        {"application_id": app.id, "paid_on": "2025-10-20", "reference": "GK-1", "seen_state": "approved",
         "seen_amount": 800_000},
        {"application_id": third.id, "paid_on": "2025-10-20", "reference": "GK-3", "seen_amount": 1}]})
    assert [(i["application_id"], i["status"]) for i in paid.json()["items"]] == [(app.id, 201), (third.id, 409)]
    unsaid = await client.post("/api/v1/disbursements", headers=finance, json={
        "application_id": third.id, "paid_on": "2025-10-20", "reference": "GK-3"})
    assert unsaid.status_code == 201, "what was seen is optional"


@pytest.mark.parametrize("action", [Action.APPROVE, Action.DISBURSE])
def test_a_step_waiting_behind_a_colleague_s_is_refused_as_its_page_was_stale(own_database: Engine, tmp_path,
                                                                             action: Action) -> None:
    """A colleague approves (or pays) and holds the row; the same step from a page showing it as it was waits for
    the lock, then finds it moved on and is refused, naming where it stands: one grant, one payment."""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        (app,) = (_approved if action == Action.DISBURSE else _ended)(session, people, tmp_path)
        number = app.id
    paying = action == Action.DISBURSE
    day, was = (PAY_ON, State.APPROVED) if paying else (APPROVE_ON, State.ANNOUNCED)

    def taken(reference: str) -> dict:
        return {"paid_on": PAY_ON, "reference": reference} if paying else {}

    said = while_held(own_database, day,
                      lambda s: run(s, action, actor=people.finance, application_id=number, **taken("GK-1")),
                      lambda s: run(s, action, actor=people.finance, application_id=number, **taken("GK-2"),
                                    seen=Seen(state=was, amount=800_000, amount_said=True)))
    now = "已拨付" if paying else "已批准"
    assert said == f"申报 #{number} 已在其他页面或由他人办理（现为「{now}」，批准金额 80 万元），请刷新后查看"
    with Session(own_database) as session:
        assert session.scalar(select(func.count(Grant.id)).where(Grant.application_id == number)) == 1
        assert session.scalars(select(Disbursement.reference)).all() == (["GK-1"] if paying else [])
        assert session.scalar(select(Budget.committed).where(Budget.measure == 3)) == 800_000
