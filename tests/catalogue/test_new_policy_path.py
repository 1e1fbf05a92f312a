"""A new policy file goes from upload to the gate, to publication by a second admin, to an open round, to an
application, to a grant, through the JSON API alone and with no code change (the test successor policy of
tests/fixtures, not a real document)."""

from datetime import date
from pathlib import Path

import pytest

from huiqi.announcements.calendar import last_working_day, next_working_day
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from tests.dbtest import ALICE_USCC, PASSWORD, PDF
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"


async def test_a_new_policy_from_upload_to_grant_through_the_api(client, session, people, set_today) -> None:
    today = date(2025, 9, 1)
    set_today(today)
    second = users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                               password=PASSWORD)
    admin, admin2, alice, money = (bearer(session, p) for p in (people.admin, second, people.alice, people.finance))

    bad = await client.post("/api/v1/admin/policies", headers=admin, json={"file_name": "x.yaml", "text": "id: x\n"})
    assert bad.status_code == 422 and bad.json()["detail"]
    drafted = await client.post("/api/v1/admin/policies", headers=admin,
                                json={"file_name": "second-policy.yaml", "text": SECOND.read_text("utf-8")})
    assert drafted.status_code == 201 and drafted.json()["state"] == "draft", drafted.text
    version = drafted.json()["version_id"]
    own = await client.post(f"/api/v1/admin/policies/{version}/publish", headers=admin, json={"in_force": 0})
    assert own.status_code == 403 and "另一位管理员" in own.json()["detail"]
    published = await client.post(f"/api/v1/admin/policies/{version}/publish", headers=admin2, json={"in_force": 0})
    assert published.status_code == 200 and published.json()["state"] == "published", published.text
    assert "test-successor" in [p["id"] for p in (await client.get("/api/v1/policies")).json()["items"]]

    opened = await client.post("/api/v1/rounds", headers=admin, json={
        "policy": "test-successor", "title": "2025年度测试批次", "opens_on": "2025-08-01", "closes_on": "2025-09-30",
        "measures": [{"measure": 1, "budget": 5_000_000}]})
    assert opened.status_code == 201, opened.text
    round_id = opened.json()["id"]
    assert [r["id"] for r in (await client.get("/api/v1/rounds?open=true")).json()["items"]] == [round_id]

    saved = await client.put(f"/api/v1/applicants/{ALICE_USCC}/matters/pilot", headers=alice, json={
        "id": "pilot", "type": "project", "codes": ["test_pilot"], "investment": 2_000_000, "date": "2025-03-01"})
    assert saved.status_code == 200, saved.text
    created = await client.post("/api/v1/applications", headers=alice, json={
        "uscc": ALICE_USCC, "matter": "pilot", "round": round_id, "measure": 1, "amount_requested": 500_000})
    assert created.status_code == 201 and created.json()["policy_id"] == "test-successor", created.text
    app = created.json()["id"]
    await client.post(f"/api/v1/applications/{app}/materials", headers=alice,
                      files={"file": ("申报书.pdf", PDF, "application/pdf")})
    await client.post(f"/api/v1/applications/{app}/declaration", headers=alice)
    await client.post(f"/api/v1/applications/{app}/payee", headers=alice,
                      json={"bank": "中国工商银行沈阳分行", "account": "6222000012345678"})
    submitted = await client.post(f"/api/v1/applications/{app}/submit", headers=alice)
    assert submitted.status_code == 200 and submitted.json()["state"] == "department_review", submitted.text

    reviewer = users.create_user(session, actor=SYSTEM, username="test-unit", display_name="测试厅审核人员",
                                 role="department", password=PASSWORD, department="测试厅")
    unit = bearer(session, reviewer)
    assert (await client.post(f"/api/v1/reviews/{app}/propose", headers=unit, json={"amount": 400_000})).json()[
        "state"] == "proposed"
    starts = next_working_day(today)
    announced = await client.post("/api/v1/announcements", headers=unit,
                                  json={"application_ids": [app], "starts_on": starts.isoformat()})
    assert announced.status_code == 201, announced.text
    budget = await client.put("/api/v1/budgets/2025/test-successor/1", headers=money, json={"amount": 5_000_000})
    assert budget.status_code == 200, budget.text
    set_today(next_working_day(last_working_day(starts, 5)))
    approved = await client.post("/api/v1/approvals", headers=money, json={"application_id": app})
    assert approved.status_code == 201 and approved.json()["amount"] == 400_000, approved.text
