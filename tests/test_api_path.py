"""The whole path through the JSON API alone, as another government system would drive it with bearer tokens:
apply with a PDF, city pass, proposal, 公示, budget, approval, disbursement; then the public 公示, the
applicant's timeline, the budget drawn and an intact audit trail. The 公示 starts the next working day and
runs five; the test then moves the system's day (``HUIQI_TODAY``) past its end, as a demo would."""

from datetime import date

import pytest

from huiqi.announcements.calendar import last_working_day, next_working_day
from tests.dbtest import ALICE_USCC, PDF, a_round
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


async def test_apply_to_disbursement_through_the_api(client, session, people, set_today) -> None:
    today = date(2025, 9, 1)
    set_today(today)
    alice, city, unit, money = (
        bearer(session, p) for p in (people.alice, people.shenyang, people.miit, people.finance)
    )
    created = await client.post(
        "/api/v1/applications",
        headers=alice,
        json={
            "uscc": ALICE_USCC,
            "matter": "h1",
            "round": a_round(session),
            "measure": 3,
            "amount_requested": 1_000_000,
        },
    )
    assert created.status_code == 201, created.text
    app = created.json()["id"]
    uploaded = await client.post(
        f"/api/v1/applications/{app}/materials", headers=alice, files={"file": ("申报书.pdf", PDF, "application/pdf")}
    )
    assert uploaded.status_code == 201 and uploaded.json()["media_type"] == "pdf", uploaded.text
    assert (await client.post(f"/api/v1/applications/{app}/declaration", headers=alice)).status_code == 200
    assert (await client.post(f"/api/v1/applications/{app}/payee", headers=alice, json={
        "bank": "中国工商银行沈阳分行", "account": "6222000012345678"})).json()["payee_account"] == "****5678"
    submitted = await client.post(f"/api/v1/applications/{app}/submit", headers=alice)
    assert submitted.status_code == 200 and submitted.json()["state"] == "city_review", submitted.text

    queue = (await client.get("/api/v1/reviews", headers=city)).json()
    assert [item["id"] for item in queue["items"]] == [app]
    assert (await client.post(f"/api/v1/reviews/{app}/pass", headers=city, json={})).json()[
        "state"
    ] == "department_review"

    dossier = (await client.get(f"/api/v1/reviews/{app}", headers=unit)).json()
    assert dossier["rule"]["ceiling"] == 1_000_000 and all(c["value"] for c in dossier["rule"]["conditions"])
    assert dossier["payee"] == "中国工商银行沈阳分行 尾号 5678", "the account the money goes to, masked"
    proposed = await client.post(f"/api/v1/reviews/{app}/propose", headers=unit, json={"amount": 800_000})
    assert proposed.json()["state"] == "proposed", proposed.text
    starts = next_working_day(today)
    announced = await client.post(
        "/api/v1/announcements", headers=unit, json={"application_ids": [app], "starts_on": starts.isoformat()}
    )
    assert announced.status_code == 201 and announced.json()["ends_on"] == last_working_day(starts, 5).isoformat()

    year = today.year
    assert (
        await client.put(f"/api/v1/budgets/{year}/ln-2022-35/3", headers=money, json={"amount": 5_000_000})
    ).status_code == 200
    set_today(starts)  # the 公示 is running
    early = await client.post("/api/v1/approvals", headers=money, json={"application_id": app})
    assert early.status_code == 409 and "尚未结束" in early.json()["detail"]
    later = await client.post("/api/v1/approvals", headers=money, json={"application_id": app, "on": "2025-10-31"})
    assert later.status_code == 422 and later.json()["problems"][0]["field"] == "on", "a step takes no date"
    today = next_working_day(last_working_day(starts, 5))
    set_today(today)
    approved = await client.post("/api/v1/approvals", headers=money, json={"application_id": app})
    assert approved.status_code == 201 and approved.json()["amount"] == 800_000, approved.text
    paid = await client.post(
        "/api/v1/disbursements",
        headers=money,
        json={"application_id": app, "paid_on": today.isoformat(), "reference": "API-0001"},
    )
    assert paid.status_code == 201, paid.text

    public = (await client.get("/api/v1/announcements")).text
    assert "示例科技有限公司" in public
    mine = (await client.get(f"/api/v1/applications/{app}", headers=alice)).json()
    assert mine["state"] == "disbursed" and mine["amount_approved"] == 800_000
    assert [s["action"] for s in mine["timeline"]] == [
        "submit",
        "route_city",
        "pass_city",
        "propose",
        "announce",
        "approve",
        "disburse",
    ]
    budget = next(
        b
        for b in (await client.get(f"/api/v1/budgets?year={year}", headers=money)).json()["items"]
        if b["measure"] == 3
    )
    assert (budget["committed"], budget["left"]) == (800_000, 4_200_000)
    verified = (await client.get("/api/v1/audit/verify", headers=bearer(session, people.auditor))).json()
    assert verified["intact"] is True and verified["events"] > 10
