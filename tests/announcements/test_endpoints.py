"""公示 over HTTP: a department opens a batch of its proposed awards, records objections, lists its batches."""

from datetime import date

import pytest

from tests.dbtest import apply, step
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


@pytest.fixture
def proposed(session, people, tmp_path):
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "pass_city", people.shenyang, app.id, on=date(2025, 9, 3))
    step(session, "propose", people.miit, app.id, amount=900_000, on=date(2025, 9, 10))
    return app


async def test_the_department_opens_a_batch(client, session, people, proposed, set_today) -> None:
    set_today(date(2025, 9, 10))
    miit = bearer(session, people.miit)
    response = await client.post("/api/v1/announcements", headers=miit, json={
        "application_ids": [proposed.id], "starts_on": "2025-09-29", "title": "2025年第一批拟支持项目公示"})
    assert response.status_code == 201, response.text
    batch = response.json()
    assert batch["ends_on"] == "2025-10-11" and batch["department"] == "省工业和信息化厅"
    assert [(e["applicant"], e["amount_proposed"], e["state"]) for e in batch["entries"]] == [
        ("示例科技有限公司", 900_000, "announced")]
    listed = (await client.get("/api/v1/announcements/manage", headers=miit)).json()
    assert listed["total"] == 1 and listed["items"][0]["title"] == "2025年第一批拟支持项目公示"
    other = (await client.get("/api/v1/announcements/manage", headers=bearer(session, people.most))).json()
    assert other["total"] == 0 and "示例科技" not in str(other)
    public = (await client.get("/api/v1/announcements")).json()
    assert public["items"][0]["entries"][0]["amount_proposed"] == 900_000


async def test_only_the_lead_department_opens_it(client, session, people, proposed) -> None:
    body = {"application_ids": [proposed.id], "starts_on": "2025-09-29"}
    assert (await client.post("/api/v1/announcements", headers=bearer(session, people.most), json=body)
            ).status_code == 404
    refused = await client.post("/api/v1/announcements", headers=bearer(session, people.shenyang), json=body)
    assert refused.status_code == 403 and "发布公示" in refused.json()["detail"]
    assert proposed.state == "proposed"


async def test_an_objection_sends_it_back_to_review(client, session, people, proposed, set_today) -> None:
    miit = bearer(session, people.miit)
    set_today(date(2025, 9, 26))
    await client.post("/api/v1/announcements", headers=miit,
                      json={"application_ids": [proposed.id], "starts_on": "2025-09-29"})
    set_today(date(2025, 10, 20))
    late = await client.post("/api/v1/announcements/objections", headers=miit, json={
        "application_id": proposed.id, "reasons": "证书有效期存疑"})
    assert late.status_code == 409 and "不在公示期内" in late.json()["detail"]
    set_today(date(2025, 10, 9))
    done = await client.post("/api/v1/announcements/objections", headers=miit, json={
        "application_id": proposed.id, "reasons": "证书有效期存疑"})
    assert done.json()["state"] == "department_review"
    timeline = (await client.get(f"/api/v1/reviews/{proposed.id}", headers=miit)).json()["timeline"]
    assert (timeline[-1]["action"], timeline[-1]["reasons"]) == ("object", "证书有效期存疑")


async def test_a_batch_shorter_than_the_round_or_in_the_past_is_refused(client, session, people, proposed,
                                                                       set_today) -> None:
    set_today(date(2025, 9, 10))
    miit = bearer(session, people.miit)
    short = await client.post("/api/v1/announcements", headers=miit, json={
        "application_ids": [proposed.id], "starts_on": "2025-09-29", "working_days": 3})
    assert short.status_code == 422 and "不少于申报批次规定的 5 个工作日" in short.text
    past = await client.post("/api/v1/announcements", headers=miit, json={
        "application_ids": [proposed.id], "starts_on": "2025-08-29"})
    assert past.status_code == 422 and "公示开始日期应在今天（2025-09-10）" in past.text
    assert (await client.get(f"/api/v1/reviews/{proposed.id}", headers=miit)).json()["state"] == "proposed"
    longer = await client.post("/api/v1/announcements", headers=miit, json={
        "application_ids": [proposed.id], "starts_on": "2025-09-10", "working_days": 7})
    assert longer.status_code == 201 and longer.json()["ends_on"] == "2025-09-18"


async def test_an_objection_that_saw_another_state_is_refused(client, session, people, proposed, set_today) -> None:
    miit = bearer(session, people.miit)
    set_today(date(2025, 10, 9))
    stale = await client.post("/api/v1/announcements/objections", headers=miit, json={
        "application_id": proposed.id, "reasons": "证书有效期存疑", "seen_state": "announced"})
    assert stale.status_code == 409 and "已在其他页面或由他人办理（现为「已拟定金额」" in stale.json()["detail"]
    assert proposed.state == "proposed"
