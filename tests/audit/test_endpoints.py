"""The audit trail over HTTP: the auditor and the admin verify the chain and read events; nobody else."""

import pytest
from sqlalchemy import text

from huiqi.funding import service as budgets
from huiqi.users import service as users
from tests.dbtest import unguard
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


async def test_verify_intact_then_broken(client, session, people) -> None:
    headers = bearer(session, people.auditor)
    intact = (await client.get("/api/v1/audit/verify", headers=headers)).json()
    assert intact["intact"] is True and intact["events"] >= 10 and intact["problems"] == intact["differences"] == []
    unguard(session)
    session.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    broken = (await client.get("/api/v1/audit/verify", headers=headers)).json()
    assert broken["intact"] is False and any("第 2 条审计记录的内容与其哈希不符" in p for p in broken["problems"])


async def test_verify_names_a_business_row_that_differs_from_the_events(client, session, people) -> None:
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=1_000_000)
    session.execute(text("UPDATE budgets SET amount = 2000000"))
    found = (await client.get("/api/v1/audit/verify", headers=bearer(session, people.auditor))).json()
    assert found["intact"] is False and found["problems"] == []
    assert found["differences"] == ["2025年度 辽政办〔2022〕35号 措施3 的预算：预算金额为 200 万元，"
                                    "审计事件记载为 100 万元"]


async def test_events_newest_first_and_filtered(client, session, people) -> None:
    users.change_role(session, actor=people.admin, username="dalian", role="finance")
    headers = bearer(session, people.admin)
    latest = (await client.get("/api/v1/audit/events", params={"size": 3}, headers=headers)).json()
    seqs = [e["seq"] for e in latest["items"]]
    assert seqs == sorted(seqs, reverse=True) and latest["total"] > 10 and len(seqs) == 3
    assert latest["items"][0]["at"].endswith(("Z", "+00:00"))
    one = (await client.get("/api/v1/audit/events", headers=headers,
                            params={"entity": "user", "entity_id": str(people.dalian.id)})).json()
    assert [(e["actor"], e["action"]) for e in one["items"]] == [("admin", "user.role"), ("system", "user.create")]
    assert one["items"][0]["before"]["region"] == "210200" and one["items"][0]["after"]["role"] == "finance"
    users_only = (await client.get("/api/v1/audit/events", params={"entity": "user", "size": 200},
                                   headers=headers)).json()
    assert {e["entity"] for e in users_only["items"]} == {"user"} and users_only["total"] == 12


@pytest.mark.parametrize("who", ["alice", "shenyang", "miit", "finance"])
async def test_others_are_refused_with_nothing_leaked(client, session, people, who) -> None:
    headers = bearer(session, getattr(people, who))
    for path in ("/api/v1/audit/verify", "/api/v1/audit/events"):
        response = await client.get(path, headers=headers)
        assert response.status_code == 403 and "user.create" not in response.text and "events" not in response.json()
    assert (await client.get("/api/v1/audit/verify")).status_code == 401


async def test_events_are_filtered_by_person_and_day_as_the_page_filters_them(client, session, people) -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from huiqi.models import AuditEvent

    users.change_role(session, actor=people.admin, username="dalian", role="finance")
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=1_000_000)
    headers = bearer(session, people.auditor)
    day = (session.scalars(select(AuditEvent).where(AuditEvent.action == "budget.set")).one().at
           + timedelta(hours=8)).date()

    async def actions(**params) -> list[str]:
        got = await client.get("/api/v1/audit/events", params={"size": 200, **params}, headers=headers)
        assert got.status_code == 200, got.text
        return [e["action"] for e in got.json()["items"]]

    assert await actions(who="ｆｉｎａｎｃｅ") == await actions(who="finance") == ["budget.set"]
    assert await actions(who="管理员") == ["user.role"]  # part of a display name
    assert await actions(who="finance", since=str(day), until=str(day)) == ["budget.set"]
    assert await actions(who="finance", until=str(day - timedelta(days=1))) == []
    backwards = await client.get("/api/v1/audit/events", headers=headers,
                                 params={"since": str(day), "until": str(day - timedelta(days=1))})
    assert backwards.status_code == 422
    assert backwards.json()["problems"] == [{"field": "until",
                                             "reason": f"截止日期 {day - timedelta(days=1)} 早于起始日期 {day}"}]
    shapeless = await client.get("/api/v1/audit/events", params={"since": "2026-13-01"}, headers=headers)
    assert shapeless.status_code == 422 and "since" in shapeless.text
    too_long = await client.get("/api/v1/audit/events", params={"who": "x" * 65}, headers=headers)
    assert too_long.status_code == 422


async def test_the_events_filters_are_documented(client) -> None:
    schema = (await client.get("/openapi.json")).json()
    operation = next(item["get"] for path, item in schema["paths"].items() if path.endswith("/audit/events"))
    said = {p["name"]: p.get("description", "") for p in operation["parameters"]}
    assert {"entity", "entity_id", "who", "since", "until"} <= said.keys()
    assert "操作人" in said["who"] and "起始日期" in said["since"] and "截止日期" in said["until"]


async def test_an_unknown_kind_of_record_is_refused(client, session, people) -> None:
    auditor = bearer(session, people.auditor)
    refused = await client.get("/api/v1/audit/events", params={"entity": "zzz"}, headers=auditor)
    assert refused.status_code == 422
    assert refused.json()["problems"] == [{"field": "entity", "reason": "不认识的记录类别“zzz”，请从列表中选择"}]


async def test_verify_gives_the_head_and_checks_anchors(client, session, people) -> None:
    from huiqi.audit import service as audit
    from tests.audit.test_service import _rewrite_from

    headers = bearer(session, people.auditor)
    kept = audit.anchor(session)
    seq = int(kept.split(":")[0])
    held = (await client.get("/api/v1/audit/verify", params={"anchor": kept}, headers=headers)).json()
    assert (held["intact"], held["head"], held["anchors"]) == (True, kept, [kept])
    past = f"{seq + 5}:{'0' * 64}"
    two = (await client.get("/api/v1/audit/verify", params={"anchor": [kept, past]}, headers=headers)).json()
    assert two["anchors"] == [kept] and two["intact"] is False, "an anchor not held is among the problems"
    assert two["problems"] == [
        f"锚点指向第 {seq + 5} 条审计记录，而审计链只有 {seq} 条：可能抄录有误，或末尾的记录被删除"]
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=4, amount=1)
    _rewrite_from(session, 4)
    caught = (await client.get("/api/v1/audit/verify", params={"anchor": kept}, headers=headers)).json()
    assert caught["intact"] is False and caught["anchors"] == []
    assert [p.split("；")[0] for p in caught["problems"]] == [
        f"锚点与第 {seq} 条审计记录不符：可能抄录有误，或此前的记录被改写（连同哈希）"]


async def test_an_anchor_that_is_none_is_refused_naming_it(client, session, people) -> None:
    headers = bearer(session, people.auditor)
    refused = await client.get("/api/v1/audit/verify", params={"anchor": "7:abc"}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["problems"] == [{"field": "anchor", "reason": "“7:abc”不是审计锚点：应为“序号:哈希”"
                                           "（哈希为 64 位十六进制数字），即此前保存在系统之外的审计链头；尚未"
                                           "保存过的，请系统管理员从审计链页面抄录当前链头，保存到审计底稿中，"
                                           "日后用它核对"}]
    assert "huiqi" not in refused.text, "no command line told to a caller of the API"
    many = await client.get("/api/v1/audit/verify", params={"anchor": [f"{i}:{'0' * 64}" for i in range(21)]},
                            headers=headers)
    assert many.status_code == 422 and "anchor" in many.text
    nobody = await client.get("/api/v1/audit/verify", params={"anchor": "7:abc"}, headers=bearer(session, people.alice))
    assert nobody.status_code == 403, "who may verify first: the anchor's shape tells an outsider nothing"
