"""Finance over HTTP: budgets (amount, committed, paid, left), approval after 公示, disbursement."""

from datetime import date

import pytest

from huiqi import clock
from tests.dbtest import to_announced
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


@pytest.fixture
def announced(session, people, tmp_path):
    return to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                        amount=1_000_000, proposed=800_000, store=tmp_path)


async def test_finance_sets_a_budget(client, session, people) -> None:
    finance = bearer(session, people.finance)
    response = await client.put("/api/v1/budgets/2025/ln-2022-35/3", headers=finance, json={"amount": 5_000_000})
    assert response.status_code == 200, response.text
    assert response.json() | {"set_by": "-"} == {
        "year": 2025, "policy_id": "ln-2022-35", "measure": 3, "title": response.json()["title"],
        "amount": 5_000_000, "committed": 0, "disbursed": 0, "left": 5_000_000, "set_by": "-", "low": False,
        "low_reason": None}
    refused = await client.put("/api/v1/budgets/2025/ln-2022-35/3", headers=bearer(session, people.miit),
                               json={"amount": 1})
    assert refused.status_code == 403 and "设定预算" in refused.json()["detail"]
    stale = await client.put("/api/v1/budgets/2025/ln-2022-35/3", headers=finance, json={"amount": 6, "seen": 0})
    assert stale.status_code == 409 and "改为 500 万元" in stale.json()["detail"]
    seen = await client.put("/api/v1/budgets/2025/ln-2022-35/3", headers=finance, json={"amount": 6, "seen": 5_000_000})
    assert seen.status_code == 200 and seen.json()["amount"] == 6
    no_measure = await client.put("/api/v1/budgets/2025/ln-2022-35/21", headers=finance, json={"amount": 1})
    assert no_measure.status_code == 422 and no_measure.json()["problems"][0]["field"] == "measure"


async def test_approval_waits_for_the_announcement_and_draws_the_budget(client, session, people, announced,
                                                                       set_today) -> None:
    finance = bearer(session, people.finance)
    await client.put("/api/v1/budgets/2025/ln-2022-35/3", headers=finance, json={"amount": 5_000_000})
    set_today(date(2025, 10, 10))
    early = await client.post("/api/v1/approvals", headers=finance, json={"application_id": announced.id})
    assert early.status_code == 409 and "尚未结束" in early.json()["detail"]
    assert "公示期至 2025-10-11，期满后方可批准" in early.json()["detail"]
    dated = await client.post("/api/v1/approvals", headers=finance,
                              json={"application_id": announced.id, "on": "2025-10-13"})
    assert dated.status_code == 422 and dated.json()["problems"][0]["field"] == "on", "a step is dated by its day"
    set_today(date(2025, 10, 13))
    granted = await client.post("/api/v1/approvals", headers=finance, json={"application_id": announced.id})
    assert granted.status_code == 201 and granted.json()["amount"] == 800_000
    budget = (await client.get("/api/v1/budgets", headers=finance, params={"year": 2025})).json()["items"][0]
    assert (budget["committed"], budget["left"], budget["disbursed"]) == (800_000, 4_200_000, 0)
    before = await client.post("/api/v1/disbursements", headers=finance, json={
        "application_id": announced.id, "paid_on": "2025-10-12", "reference": "PAY-1"})
    assert before.status_code == 422, "a mistyped date is the field's, not a conflict"
    assert before.json()["problems"][0]["field"] == "paid_on"
    assert "2025-10-12 早于批准日期 2025-10-13" in before.json()["problems"][0]["reason"]
    later = await client.post("/api/v1/disbursements", headers=finance, json={
        "application_id": announced.id, "paid_on": "2025-10-14", "reference": "PAY-1"})
    assert later.status_code == 422 and "晚于今天（2025-10-13）" in later.json()["problems"][0]["reason"]
    set_today(date(2025, 10, 20))
    paid = await client.post("/api/v1/disbursements", headers=finance, json={
        "application_id": announced.id, "paid_on": "2025-10-20", "reference": "PAY-1"})
    assert paid.status_code == 201 and paid.json()["amount"] == 800_000
    budget = (await client.get("/api/v1/budgets", headers=finance, params={"year": 2025})).json()["items"][0]
    assert budget["disbursed"] == 800_000
    listed = (await client.get("/api/v1/disbursements", headers=bearer(session, people.auditor))).json()
    assert [(d["reference"], d["paid_on"]) for d in listed["items"]] == [("PAY-1", "2025-10-20")]
    own = (await client.get(f"/api/v1/applications/{announced.id}", headers=bearer(session, people.alice))).json()
    assert own["payment"] == {"amount": 800_000, "paid_on": "2025-10-20", "reference": "PAY-1"}


async def test_a_budget_running_low_is_flagged_as_the_budgets_page_flags_it(client, browser, session, people,
                                                                            announced, set_today) -> None:
    """余额偏低 over the API, with the page's reason: 80 万元 in 公示 beyond the 50 万元 left of this year's budget;
    approved from 85 万元, 5 万元 left, under a tenth; a past year's budget is not flagged for what waits this year."""
    from huiqi.funding import service as budgets

    for year in (2024, 2025):
        budgets.set_budget(session, actor=people.finance, year=year, policy_id=announced.policy_id, measure=3,
                           amount=500_000)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id=announced.policy_id, measure=4,
                       amount=1_000_000)
    set_today(date(2025, 10, 13))
    finance, page = bearer(session, people.finance), browser(people.finance)

    async def flags(year: int) -> dict[int, tuple[bool, str | None]]:
        read = (await client.get("/api/v1/budgets", headers=finance, params={"year": year})).json()["items"]
        return {b["measure"]: (b["low"], b["low_reason"]) for b in read}

    short = "余额 50 万元，少于已拟定金额和公示中待批准的 80 万元"
    assert await flags(2025) == {3: (True, short), 4: (False, None)}
    assert f'<span class="small">{short}</span>' in (await page.get("/budgets", params={"year": 2025})).text
    assert await flags(2024) == {3: (False, None)}
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id=announced.policy_id, measure=3,
                       amount=850_000)
    granted = await client.post("/api/v1/approvals", headers=finance, json={"application_id": announced.id})
    assert granted.status_code == 201, granted.text
    spent = "余额 5 万元，不足年度预算的 10%（已使用 94%）"
    assert await flags(2025) == {3: (True, spent), 4: (False, None)}
    assert f'<span class="small">{spent}</span>' in (await page.get("/budgets", params={"year": 2025})).text
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]["BudgetRead"]["properties"]
    assert "余额不足年度预算的 10%" in schema["low"]["description"] and "原因" in schema["low_reason"]["description"]


async def test_others_cannot_approve_or_read_budgets(client, session, people, announced) -> None:
    miit = bearer(session, people.miit)
    refused = await client.post("/api/v1/approvals", headers=miit, json={"application_id": announced.id})
    assert refused.status_code == 403 and announced.state == "announced"
    assert (await client.get("/api/v1/budgets", headers=miit)).status_code == 403
    assert (await client.get("/api/v1/disbursements", headers=bearer(session, people.alice))).status_code == 403
    assert clock.today().year >= 2025


async def test_finance_approves_many_at_once_each_on_its_own(client, session, people, announced, set_today) -> None:
    finance = bearer(session, people.finance)
    await client.put("/api/v1/budgets/2025/ln-2022-35/3", headers=finance, json={"amount": 5_000_000})
    set_today(date(2025, 10, 13))
    response = await client.post("/api/v1/approvals/batch", headers=finance,
                                 json={"application_ids": [announced.id, 99_999]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["done"], body["refused"], body["amount"]) == (1, 1, 800_000)
    assert [(i["application_id"], i["done"], i["status"], i["amount"]) for i in body["items"]] == [
        (announced.id, True, 201, 800_000), (99_999, False, 404, None)]
    again = await client.post("/api/v1/approvals/batch", headers=finance, json={"application_ids": [announced.id]})
    assert again.json()["items"][0]["status"] == 409 and "已批准" in again.json()["items"][0]["detail"]
    refused = await client.post("/api/v1/approvals/batch", headers=bearer(session, people.miit),
                                json={"application_ids": [announced.id]})
    assert refused.status_code == 403
    too_many = await client.post("/api/v1/approvals/batch", headers=finance,
                                 json={"application_ids": list(range(1, 102))})
    assert too_many.status_code == 422 and too_many.json()["problems"][0]["field"] == "application_ids"


async def test_finance_pays_many_at_once_from_the_list_of_the_unpaid(client, session, people, announced,
                                                                      set_today) -> None:
    finance = bearer(session, people.finance)
    await client.put("/api/v1/budgets/2025/ln-2022-35/3", headers=finance, json={"amount": 5_000_000})
    set_today(date(2025, 10, 13))
    await client.post("/api/v1/approvals", headers=finance, json={"application_id": announced.id})
    set_today(date(2025, 10, 20))
    listed = (await client.get("/api/v1/disbursements/pending", headers=finance)).json()
    assert [(i["application_id"], i["amount"], i["approved_on"], i["payee_missing"]) for i in listed["items"]] == [
        (announced.id, 800_000, "2025-10-13", False)]
    twice = await client.post("/api/v1/disbursements/batch", headers=finance, json={"items": [
        {"application_id": announced.id, "paid_on": "2025-10-20", "reference": "GK-1"},
        {"application_id": announced.id, "paid_on": "2025-10-20", "reference": "GK-2"}]})
    assert twice.status_code == 422 and "出现了两次" in twice.text
    response = await client.post("/api/v1/disbursements/batch", headers=finance, json={"items": [
        {"application_id": announced.id, "paid_on": "2025-10-20", "reference": "GK-1"},
        {"application_id": 99_999, "paid_on": "2025-10-20", "reference": "GK-2"}]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["done"], body["refused"], body["amount"]) == (1, 1, 800_000)
    assert [(i["application_id"], i["status"]) for i in body["items"]] == [(announced.id, 201), (99_999, 404)]
    assert (await client.get("/api/v1/disbursements/pending", headers=finance)).json()["items"] == []
    refused = await client.post("/api/v1/disbursements/batch", headers=bearer(session, people.miit), json={"items": [
        {"application_id": announced.id, "paid_on": "2025-10-20", "reference": "GK-1"}]})
    assert refused.status_code == 403
