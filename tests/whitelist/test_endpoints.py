"""Whitelist versions over HTTP: drafts never reach the public; propose, exclude with a reason, publish."""

from datetime import date

import pytest

from tests.dbtest import ALICE_USCC, second_admin
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def inside_the_window(set_today) -> None:
    """Compile on a day inside measure 19's window (a version compiled after it is refused: tests below say so)."""
    set_today(date(2025, 12, 1))


async def _draft(client, headers) -> dict:
    response = await client.post("/api/v1/whitelist/versions", json={"note": "第四季度"}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_propose_exclude_publish(client, session, people) -> None:
    admin, reviewer = bearer(session, people.admin), bearer(session, second_admin(session))
    draft = await _draft(client, admin)
    assert (draft["number"], draft["state"], draft["entries"], draft["note"]) == (1, "proposed", 1, "第四季度")
    entries = (await client.get(f"/api/v1/whitelist/versions/{draft['id']}/entries", headers=admin)).json()
    assert [(e["uscc"], e["name"]) for e in entries["items"]] == [(ALICE_USCC, "示例科技有限公司")]
    entry = entries["items"][0]["id"]
    blank = await client.post(f"/api/v1/whitelist/entries/{entry}/exclude", json={"reason": "  "}, headers=admin)
    assert blank.status_code == 422 and blank.json()["problems"][0]["field"] == "reason"
    out = await client.post(f"/api/v1/whitelist/entries/{entry}/exclude", json={"reason": "年报未按时公示"},
                            headers=admin)
    assert out.json()["included"] is False and out.json()["reason"] == "年报未按时公示"
    own = await client.post(f"/api/v1/whitelist/versions/{draft['id']}/publish", headers=admin)
    assert own.status_code == 403 and "由您（系统管理员）拟定" in own.json()["detail"]
    published = await client.post(f"/api/v1/whitelist/versions/{draft['id']}/publish", headers=reviewer)
    assert published.json()["state"] == "published" and published.json()["included"] == 0
    public = (await client.get(f"/api/v1/whitelist/versions/{draft['id']}/entries")).json()
    assert public["items"] == [] and public["total"] == 0, "who was left out, and why, is not public"
    again = await client.post(f"/api/v1/whitelist/versions/{draft['id']}/publish", headers=admin)
    assert again.status_code == 409
    late = await client.post(f"/api/v1/whitelist/entries/{entry}/exclude", json={"reason": "事后"}, headers=admin)
    assert late.status_code == 409


async def test_anonymous_never_sees_drafts(client, session, people) -> None:
    admin, reviewer = bearer(session, people.admin), bearer(session, second_admin(session))
    first = await _draft(client, admin)
    await client.post(f"/api/v1/whitelist/versions/{first['id']}/publish", headers=reviewer)
    second = await _draft(client, admin)
    public = (await client.get("/api/v1/whitelist/versions")).json()
    assert [v["number"] for v in public["items"]] == [1]
    for path in (f"/api/v1/whitelist/versions/{second['id']}", f"/api/v1/whitelist/versions/{second['id']}/entries"):
        hidden = await client.get(path)
        assert hidden.status_code == 404 and ALICE_USCC not in hidden.text
    for who in ("alice", "shenyang", "finance"):
        listed = (await client.get("/api/v1/whitelist/versions", headers=bearer(session, getattr(people, who)))).json()
        assert [v["number"] for v in listed["items"]] == [1]
    drafts = (await client.get("/api/v1/whitelist/versions", headers=admin)).json()
    assert [(v["number"], v["state"]) for v in drafts["items"]] == [(2, "proposed"), (1, "published")]
    shown = await client.get(f"/api/v1/whitelist/versions/{first['id']}/entries")
    assert shown.json()["items"][0]["uscc"] == ALICE_USCC


@pytest.mark.parametrize("who", ["alice", "shenyang", "most", "finance", "auditor"])
async def test_others_cannot_compile(client, session, people, who) -> None:
    draft = await _draft(client, bearer(session, people.admin))
    entry = (await client.get(f"/api/v1/whitelist/versions/{draft['id']}/entries",
                              headers=bearer(session, people.admin))).json()["items"][0]["id"]
    headers = bearer(session, getattr(people, who))
    assert (await client.post("/api/v1/whitelist/versions", headers=headers)).status_code == 403
    refused = await client.post(f"/api/v1/whitelist/entries/{entry}/exclude", json={"reason": "x"}, headers=headers)
    assert refused.status_code == 403 and ALICE_USCC not in refused.text
    assert (await client.post(f"/api/v1/whitelist/versions/{draft['id']}/publish", headers=headers)).status_code == 403


async def test_anonymous_cannot_compile(client, people) -> None:
    assert (await client.post("/api/v1/whitelist/versions")).status_code == 401
    assert (await client.post("/api/v1/whitelist/versions/1/publish")).status_code == 401


async def test_a_second_draft_is_a_409_and_a_draft_is_discarded(client, session, people) -> None:
    admin = bearer(session, people.admin)
    draft = await _draft(client, admin)
    second = await client.post("/api/v1/whitelist/versions", json={"note": "另一份"}, headers=admin)
    assert second.status_code == 409 and "已有白名单拟定稿 #1 待发布" in second.json()["detail"]
    discarded = await client.post(f"/api/v1/whitelist/versions/{draft['id']}/discard", headers=admin)
    assert discarded.status_code == 200 and discarded.json()["state"] == "discarded"
    again = await client.post(f"/api/v1/whitelist/versions/{draft['id']}/publish", headers=admin)
    assert again.status_code == 409 and "已作废" in again.json()["detail"]
    assert (await client.post("/api/v1/whitelist/versions", headers=admin)).status_code == 201


async def test_the_api_names_people_as_the_pages_do_never_by_login(client, session, people) -> None:
    admin, reviewer = bearer(session, people.admin), bearer(session, second_admin(session))
    draft = await _draft(client, admin)
    assert draft["proposed_by"] == "系统管理员" and draft["published_by"] is None
    await client.post(f"/api/v1/whitelist/versions/{draft['id']}/publish", headers=reviewer)
    public = (await client.get("/api/v1/whitelist/versions")).json()["items"][0]
    assert (public["proposed_by"], public["published_by"]) == ("系统管理员", "第二位管理员")
    one = (await client.get(f"/api/v1/whitelist/versions/{draft['id']}")).text
    assert "admin2" not in one and '"admin"' not in one


async def test_a_removal_is_restored_and_each_version_says_its_edition_and_basis(client, session, people,
                                                                                 set_today) -> None:
    admin, reviewer = bearer(session, people.admin), bearer(session, second_admin(session))
    draft = await _draft(client, admin)
    assert (draft["number"], draft["edition"]) == (1, None)
    assert draft["basis"] == {
        "policy": "ln-2022-35", "version": draft["basis"]["version"], "number": "辽政办〔2022〕35号",
        "title": "辽宁省加快发展数字经济核心产业的若干措施", "measure": 19, "measure_title": "加大信贷支持",
        "list_name": "数字经济核心产业企业“白名单”", "ends": "2025-12-31", "in_force": True,
        "said": "依据辽政办〔2022〕35号措施19编制；该措施现行有效，有效期至2025年12月31日"}
    entries = (await client.get(f"/api/v1/whitelist/versions/{draft['id']}/entries", headers=admin)).json()
    entry = entries["items"][0]["id"]
    await client.post(f"/api/v1/whitelist/entries/{entry}/exclude", json={"reason": "年报未按时公示"}, headers=admin)
    back = await client.post(f"/api/v1/whitelist/entries/{entry}/restore", headers=admin)
    assert back.status_code == 200 and (back.json()["included"], back.json()["reason"]) == (True, None)
    again = await client.post(f"/api/v1/whitelist/entries/{entry}/restore", headers=admin)
    assert again.status_code == 409 and "已在列入名单中" in again.json()["detail"]
    refused = await client.post(f"/api/v1/whitelist/entries/{entry}/restore", headers=bearer(session, people.alice))
    assert refused.status_code == 403 and ALICE_USCC not in refused.text
    await client.post(f"/api/v1/whitelist/versions/{draft['id']}/publish", headers=reviewer)
    set_today(date(2026, 12, 5))
    public = (await client.get("/api/v1/whitelist/versions")).json()["items"][0]
    assert (public["edition"], public["basis"]["in_force"]) == (1, False)
    assert public["basis"]["said"] == "依据辽政办〔2022〕35号措施19编制；该措施已于2025年12月31日到期"
    late = await client.post("/api/v1/whitelist/versions", json={"note": "到期之后"}, headers=admin)
    assert late.status_code == 409 and "已于2025年12月31日到期，尚无接替它规定白名单的现行政策" in late.json()["detail"]
