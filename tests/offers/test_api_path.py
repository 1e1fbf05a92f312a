"""Both ways of delivering an offer through the JSON API alone: a list imported, the offers it makes; 申请即享 (the
enterprise accepts and submits; city review, proposal, 公示, approval and payment follow) and 免申即享 (the lead
department confirms; the enterprise confirms its account; 公示, approval and payment follow)."""

from datetime import date

import pytest

from huiqi.announcements.calendar import last_working_day, next_working_day
from tests.dbtest import ALICE_USCC, BOB_USCC, PDF
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


async def test_both_ways_through_the_api(client, session, people, set_today) -> None:
    today = date(2025, 9, 1)
    set_today(today)
    admin, alice, bob, miit, most, money, city = (bearer(session, p) for p in (
        people.admin, people.alice, people.bob, people.miit, people.most, people.finance, people.shenyang))
    opened = await client.post("/api/v1/rounds", headers=admin, json={
        "policy": "ln-2022-35", "title": "2025年度（API）", "opens_on": "2025-09-01", "closes_on": "2025-12-31",
        "measures": [{"measure": 3, "mode": "apply"}, {"measure": 2, "mode": "direct"}]})
    assert opened.status_code == 201, opened.text
    bad = await client.post("/api/v1/lists", headers=miit, json={
        "code": "single_champion", "document": "测试", "published_on": "2025-06-01",
        "rows": [{"uscc": "91210100MA0QC1B25X", "name": "坏代码"}]})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "第 2 行·统一社会信用代码"
    listed = await client.post("/api/v1/lists", headers=miit, json={
        "code": "single_champion", "level": "national", "document": "工信部企业函〔2025〕测试号",
        "published_on": "2025-06-01", "rows": [{"uscc": ALICE_USCC, "name": "示例科技有限公司"}]})
    assert listed.status_code == 201 and listed.json()["offers"] >= 1, listed.text
    gazelles = await client.post("/api/v1/lists", headers=most, json={
        "code": "gazelle", "level": "provincial", "document": "辽科发〔2025〕测试号", "published_on": "2025-06-01",
        "rows": [{"uscc": BOB_USCC, "name": "大连数据有限公司"}]})
    assert gazelles.status_code == 201, gazelles.text

    mine = (await client.get("/api/v1/offers", headers=alice)).json()["items"]
    offer = next(o for o in mine if o["measure"] == 3 and o["state"] == "open")
    draft = await client.post(f"/api/v1/offers/{offer['id']}/accept", headers=alice)
    assert draft.status_code == 201 and draft.json()["amount_requested"] == offer["ceiling"], draft.text
    app = draft.json()["id"]
    await client.post(f"/api/v1/applications/{app}/materials", headers=alice,
                      files={"file": ("申报书.pdf", PDF, "application/pdf")})
    await client.post(f"/api/v1/applications/{app}/declaration", headers=alice)
    await client.post(f"/api/v1/applications/{app}/payee", headers=alice,
                      json={"bank": "中国工商银行沈阳分行", "account": "6222000012345678"})
    assert (await client.post(f"/api/v1/applications/{app}/submit", headers=alice)).json()["state"] == "city_review"
    applied = app
    assert (await client.post(f"/api/v1/reviews/{applied}/pass", headers=city, json={})).json()[
        "state"] == "department_review"
    assert (await client.post(f"/api/v1/reviews/{applied}/propose", headers=miit, json={"amount": offer["ceiling"]})
            ).json()["state"] == "proposed"

    pending = (await client.get("/api/v1/offers/pending", headers=most)).json()["items"]
    direct = next(o for o in pending if o["uscc"] == BOB_USCC)
    refused = await client.post(f"/api/v1/offers/{direct['id']}/accept", headers=bob)
    assert refused.status_code == 409 and "免申即享" in refused.json()["detail"]
    confirmed = await client.post(f"/api/v1/offers/{direct['id']}/confirm", headers=most)
    assert confirmed.status_code == 201 and confirmed.json()["state"] == "department_review", confirmed.text
    app = confirmed.json()["id"]
    assert (await client.post(f"/api/v1/reviews/{app}/propose", headers=most, json={"amount": 900_000})).json()[
        "state"] == "proposed"
    starts = next_working_day(today)
    for unit, record in ((most, app), (miit, applied)):
        announced = await client.post("/api/v1/announcements", headers=unit,
                                      json={"application_ids": [record], "starts_on": starts.isoformat()})
        assert announced.status_code == 201, announced.text
    for measure in (2, 3):
        assert (await client.put(f"/api/v1/budgets/2025/ln-2022-35/{measure}", headers=money,
                                 json={"amount": 5_000_000})).status_code == 200
    paid_on = next_working_day(last_working_day(starts, 5))
    set_today(paid_on)
    assert (await client.post("/api/v1/approvals", headers=money, json={"application_id": app})).status_code == 201
    unpaid = await client.post("/api/v1/disbursements", headers=money,
                               json={"application_id": app, "paid_on": paid_on.isoformat(), "reference": "D-API-1"})
    assert unpaid.status_code == 409 and "收款账户" in unpaid.json()["detail"]
    bad = await client.post(f"/api/v1/offers/payee/{app}", headers=bob,
                            json={"bank": "测试银行", "account": "12ab5678"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "account"
    odd = await client.post(f"/api/v1/offers/payee/{app}", headers=bob, json={"bank": "测试银行", "account": "²" * 8})
    assert odd.status_code == 422 and odd.json()["problems"][0]["field"] == "account"
    payee = await client.post(f"/api/v1/offers/payee/{app}", headers=bob,
                              json={"bank": "中国工商银行大连分行", "account": "6222 0000 1234 5678"})
    assert payee.status_code == 200, payee.text
    paid = await client.post("/api/v1/disbursements", headers=money,
                             json={"application_id": app, "paid_on": paid_on.isoformat(), "reference": "D-API-1"})
    assert paid.status_code == 201, paid.text

    # 申请即享 goes on as any application: its account was confirmed before it was submitted.
    assert (await client.post("/api/v1/approvals", headers=money, json={"application_id": applied})
            ).json()["amount"] == offer["ceiling"]
    paid = await client.post("/api/v1/disbursements", headers=money, json={
        "application_id": applied, "paid_on": paid_on.isoformat(), "reference": "D-API-2"})
    assert paid.status_code == 201, paid.text
    timeline = (await client.get(f"/api/v1/applications/{applied}", headers=alice)).json()
    assert timeline["state"] == "disbursed"
    mine = (await client.get("/api/v1/offers", headers=alice)).json()["items"]
    assert next(o for o in mine if o["id"] == offer["id"])["state"] == "accepted"
    stats = (await client.get("/api/v1/offers/statistics", headers=money)).json()["items"]
    m2 = next(r for r in stats if "措施2" in r["key"])
    assert (m2["confirmed"], m2["paid"], m2["paid_amount"]) == (1, 1, 900_000)
    m3 = next(r for r in stats if "措施3" in r["key"])
    assert (m3["accepted"], m3["paid"], m3["paid_amount"]) == (1, 1, offer["ceiling"])


async def test_the_offers_awaiting_confirmation_export_to_excel(client, browser, session, people, set_today) -> None:
    import io

    import openpyxl

    set_today(date(2025, 9, 1))
    admin, most = bearer(session, people.admin), bearer(session, people.most)
    assert (await client.post("/api/v1/rounds", headers=admin, json={
        "policy": "ln-2022-35", "title": "2025年度（导出）", "opens_on": "2025-09-01", "closes_on": "2025-12-31",
        "measures": [{"measure": 2, "mode": "direct"}]})).status_code == 201
    assert (await client.post("/api/v1/lists", headers=most, json={
        "code": "gazelle", "level": "provincial", "document": "辽科发〔2025〕测试号", "published_on": "2025-06-01",
        "rows": [{"uscc": BOB_USCC, "name": "大连数据有限公司"}]})).status_code == 201
    page = (await browser(people.most).get("/offers/pending")).text
    assert 'href="/offers/pending.xlsx"' in page
    got = await browser(people.most).get("/offers/pending.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    row = dict(zip(rows[1], rows[2], strict=True))
    assert row["统一社会信用代码"] == BOB_USCC and row["政策"] == "辽政办〔2022〕35号"
    assert row["措施"].startswith("措施2 ")
    assert row["可获支持上限（万元）"] == 100 and len(rows) == 3
    assert (await browser(people.alice).get("/offers/pending.xlsx")).status_code == 403
