"""The review API: the queue of one's scope, the dossier (trace, stacking, materials, timeline), decisions."""

from datetime import date

import pytest

from huiqi import clock
from tests.dbtest import ALICE_USCC, BOB_USCC, apply, step
from tests.review.conftest import ON
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


async def test_the_city_queue_holds_its_own_city_only(client, session, people, alice_h1, tmp_path) -> None:
    bob = apply(session, people.bob, matter="p1", measure=13, amount=5_000_000, on=ON, store=tmp_path)
    mine = (await client.get("/api/v1/reviews", headers=bearer(session, people.shenyang))).json()
    assert [i["id"] for i in mine["items"]] == [alice_h1.id] and mine["total"] == 1
    assert mine["items"][0]["applicant"] == "示例科技有限公司" and mine["items"][0]["state"] == "city_review"
    theirs = await client.get("/api/v1/reviews", headers=bearer(session, people.dalian))
    assert alice_h1.uscc not in theirs.text and "示例科技" not in theirs.text
    assert bob.state == "department_review"  # measure 13 goes straight to the department


async def test_the_dossier_shows_trace_and_materials(client, session, people, alice_h1) -> None:
    body = (await client.get(f"/api/v1/reviews/{alice_h1.id}", headers=bearer(session, people.shenyang))).json()
    assert body["applicant_facts"]["name"] == "示例科技有限公司" and body["matter"]["codes"] == ["little_giant"]
    assert body["rule"]["status"] == "eligible" and body["rule"]["ceiling"] == 1_000_000
    assert any("小巨人" in c["clause"] for c in body["rule"]["conditions"]), body["rule"]["conditions"]
    assert [m["filename"] for m in body["materials"]] == ["申报书.pdf"]
    assert [t["action"] for t in body["timeline"]] == ["submit", "route_city"]
    assert body["actions"] == ["pass_city", "return", "reject"]


async def test_another_city_sees_nothing(client, session, people, alice_h1) -> None:
    response = await client.get(f"/api/v1/reviews/{alice_h1.id}", headers=bearer(session, people.dalian))
    assert response.status_code == 404
    assert ALICE_USCC not in response.text and "示例科技" not in response.text
    refused = await client.post(f"/api/v1/reviews/{alice_h1.id}/pass", headers=bearer(session, people.dalian))
    assert refused.status_code == 404 and alice_h1.state == "city_review"


async def test_an_enterprise_has_no_queue(client, session, people) -> None:
    response = await client.get("/api/v1/reviews", headers=bearer(session, people.alice))
    assert response.status_code == 403 and "无权" in response.json()["detail"]


async def test_decisions_move_the_state_and_write_the_timeline(client, session, people, alice_h1,
                                                              set_today) -> None:
    city, miit = bearer(session, people.shenyang), bearer(session, people.miit)
    url = f"/api/v1/reviews/{alice_h1.id}"
    dated = await client.post(f"{url}/pass", headers=city, json={"on": "2025-09-03"})
    assert dated.status_code == 422 and alice_h1.state == "city_review", "a step is dated by the day it is recorded"
    set_today(date(2025, 9, 3))
    assert (await client.post(f"{url}/pass", headers=city)).json()["state"] == "department_review"
    assert (await client.post(f"{url}/score", headers=miit, json={"score": 91})).json()["expert_score"] == 91
    too_much = await client.post(f"{url}/propose", headers=miit, json={"amount": 1_000_001})
    assert too_much.status_code == 422 and "超过上限 100 万元" in too_much.json()["problems"][0]["reason"]
    proposed = (await client.post(f"{url}/propose", headers=miit, json={"amount": 800_000})).json()
    assert proposed["state"] == "proposed" and proposed["amount_proposed"] == 800_000
    timeline = (await client.get(url, headers=miit)).json()["timeline"]
    assert [(t["action"], t["actor"], t["on"]) for t in timeline][-3:] == [
        ("pass_city", "shenyang", "2025-09-03"), ("score", "miit", clock.today().isoformat()),
        ("propose", "miit", clock.today().isoformat())]
    assert [t["details"] for t in timeline][-2:] == [["评审得分 91"], ["拟定金额 80 万元"]]


async def test_a_score_said_seen_is_checked_and_one_not_said_is_not(client, session, people, alice_h1) -> None:
    step(session, "pass_city", people.shenyang, alice_h1, on=ON)
    miit, url = bearer(session, people.miit), f"/api/v1/reviews/{alice_h1.id}/score"
    assert (await client.post(url, headers=miit, json={"score": 80, "seen_score": None})).status_code == 200
    stale = await client.post(url, headers=miit, json={"score": 30, "seen_score": None})
    assert stale.status_code == 409 and "评审得分 80" in stale.json()["detail"] and alice_h1.expert_score == 80
    assert (await client.post(url, headers=miit, json={"score": 30})).json()["expert_score"] == 30


async def test_return_and_reject_need_reasons(client, session, people, alice_h1) -> None:
    city = bearer(session, people.shenyang)
    url = f"/api/v1/reviews/{alice_h1.id}"
    blank = await client.post(f"{url}/return", headers=city, json={"reasons": ""})
    assert blank.status_code == 422 and blank.json()["problems"][0]["field"] == "reasons"
    back = await client.post(f"{url}/return", headers=city, json={"reasons": "请补充项目验收报告"})
    assert back.json()["state"] == "returned"
    again = await client.post(f"{url}/reject", headers=city, json={"reasons": "不予支持"})
    assert again.status_code == 409 and "退回补正" in again.json()["detail"]
    timeline = (await client.get(url, headers=bearer(session, people.admin))).json()["timeline"]
    assert timeline[-1]["reasons"] == "请补充项目验收报告"


async def test_a_city_cannot_propose(client, session, people, alice_h1) -> None:
    response = await client.post(f"/api/v1/reviews/{alice_h1.id}/propose", headers=bearer(session, people.shenyang),
                                 json={"amount": 500_000})
    assert response.status_code == 403 and "责任单位" in response.json()["detail"]


async def test_stacking_warning_names_the_other_application(client, session, people, tmp_path) -> None:
    from huiqi.users import service as users
    from huiqi.users.scope import SYSTEM

    data = users.create_user(session, actor=SYSTEM, username="data", display_name="省数据局审核员", role="department",
                             password="long enough", department="省数据局")
    under_11 = apply(session, people.alice, matter="p1", measure=11, amount=10_000_000, on=ON, store=tmp_path)
    step(session, "reject", data, under_11, on=ON, reasons="按从高原则改报措施5")  # one live application per matter
    under_5 = apply(session, people.alice, matter="p1", measure=5, amount=30_000_000, on=ON, store=tmp_path)
    body = (await client.get(f"/api/v1/reviews/{under_5.id}", headers=bearer(session, data))).json()
    assert [o["application_id"] for o in body["others"]] == [under_11.id]
    assert any(f"另有申报 #{under_11.id}" in w and "措施11" in w for w in body["stacking"]), body["stacking"]
    assert {a["measure"] for a in body["alternatives"]} == {11}
    assert BOB_USCC not in str(body)
    lower = (await client.get(f"/api/v1/reviews/{under_11.id}", headers=bearer(session, data))).json()
    assert "按从高不重复原则，该事项在本政策中应由措施5支持（上限 3000 万元）。同一政策下一个事项只支持一次：" \
           "按本措施获批后，不能再按措施5获得支持。" in lower["stacking"], lower["stacking"]


async def test_another_department_sees_nothing(client, session, people, alice_h1) -> None:
    review_url = f"/api/v1/reviews/{alice_h1.id}"
    await client.post(f"{review_url}/pass", headers=bearer(session, people.shenyang))
    most = bearer(session, people.most)
    response = await client.get(review_url, headers=most)
    assert response.status_code == 404 and ALICE_USCC not in response.text and "示例科技" not in response.text
    assert (await client.post(f"{review_url}/score", headers=most, json={"score": 10})).status_code == 404
    queue = (await client.get("/api/v1/reviews", headers=most)).json()
    assert queue["total"] == 0 and alice_h1.expert_score is None


async def test_the_api_says_an_amount_of_zero_in_chinese(client, session, people, alice_h1) -> None:
    proposed = await client.post(f"/api/v1/reviews/{alice_h1.id}/propose", json={"amount": -1},
                                 headers=bearer(session, people.miit))
    assert proposed.status_code == 422 and proposed.json()["problems"] == [{"field": "amount", "reason": "应大于 0"}]
    asked = await client.post("/api/v1/applications", json={"uscc": alice_h1.uscc, "matter": "h1", "round": 1,
                                                            "measure": 3, "amount_requested": 0},
                              headers=bearer(session, people.alice))
    assert asked.status_code == 422 and {"field": "amount_requested", "reason": "应大于 0"} in asked.json()["problems"]


@pytest.mark.parametrize("amount", [1_000_001, 10**15 + 1, 10**30, int("9" * 400)])
async def test_the_api_names_the_ceiling_for_any_amount_above_it(client, session, people, alice_h1, amount) -> None:
    """As the review page says it, however large the amount: past MAX_YUAN it was pydantic's 应不大于 instead. Still a
    422, nothing proposed; the same for a correction (amend)."""
    step(session, "pass_city", people.shenyang, alice_h1, on=ON)
    miit = bearer(session, people.miit)
    got = await client.post(f"/api/v1/reviews/{alice_h1.id}/propose", headers=miit, json={"amount": amount})
    assert got.status_code == 422, got.text[:300]
    [problem] = got.json()["problems"]
    assert problem["field"] == "amount" and problem["reason"].startswith("拟定金额 ")
    assert problem["reason"].endswith("万元超过上限 100 万元（申请金额相同），最多可拟定 100 万元"), problem
    assert alice_h1.state == "department_review" and alice_h1.amount_proposed is None
    step(session, "propose", people.miit, alice_h1, on=ON, amount=800_000)
    amended = await client.post(f"/api/v1/reviews/{alice_h1.id}/amend", headers=miit, json={"amount": amount})
    assert amended.status_code == 422 and "最多可拟定 100 万元" in amended.json()["problems"][0]["reason"]
    assert alice_h1.amount_proposed == 800_000
