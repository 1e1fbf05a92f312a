"""The policy catalogue over the JSON API keeps what it answers: each request in a session of its own, each change
read back afterwards in another (the shared test session would hide a handler that never commits)."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from huiqi.app import create_app
from huiqi.models import AuditEvent, PolicyVersion
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from huiqi.web.deps import db
from tests.dbtest import PASSWORD
from tests.webtest import bearer

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"

pytestmark = pytest.mark.anyio


def stored(engine: Engine, version_id: int) -> tuple[str, list[str]]:
    """The version's state and its audit trail's actions, as a new session reads them."""
    with Session(engine) as session:
        state = session.scalars(select(PolicyVersion.state).where(PolicyVersion.id == version_id)).one()
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "policy_version",
                                                                  AuditEvent.entity_id == str(version_id))
                                  .order_by(AuditEvent.seq)).all()
    return state, list(actions)


async def test_a_draft_published_and_withdrawn_through_the_api_is_stored(own_database) -> None:
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        admin, admin2 = (users.create_user(session, actor=SYSTEM, username=name, display_name=name, role="admin",
                                           password=PASSWORD) for name in ("admin", "admin2"))
        first, second = bearer(session, admin), bearer(session, admin2)
    app = create_app()

    def own_session() -> Iterator[Session]:
        with Session(own_database, expire_on_commit=False) as session:
            yield session

    app.dependency_overrides[db] = own_session
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        drafted = await client.post("/api/v1/admin/policies", headers=first,
                                    json={"file_name": "second-policy.yaml", "text": SECOND.read_text("utf-8")})
        assert drafted.status_code == 201, drafted.text
        version = drafted.json()["version_id"]
        assert stored(own_database, version) == ("draft", ["policy.draft"])

        edited = await client.put(f"/api/v1/admin/policies/{version}", headers=first,
                                  json={"text": SECOND.read_text("utf-8") + "\n# 校对后\n"})
        assert edited.status_code == 200, edited.text
        assert stored(own_database, version) == ("draft", ["policy.draft", "policy.edit"])

        published = await client.post(f"/api/v1/admin/policies/{version}/publish", headers=second)  # no body
        assert published.status_code == 200, published.text
        again = {"file_name": "second-policy.yaml", "text": SECOND.read_text("utf-8") + "\n# 再校对\n"}
        later = (await client.post("/api/v1/admin/policies", headers=first, json=again)).json()["version_id"]
        stale = await client.post(f"/api/v1/admin/policies/{later}/publish", headers=second, json={"in_force": 0})
        assert stale.status_code == 409 and "现行版本已变" in stale.text, "in_force, when given, is checked"
        assert stored(own_database, version) == ("published", ["policy.draft", "policy.edit", "policy.publish"])
        listed = await client.get("/api/v1/admin/policies", headers=first)
        assert {"version_id": version, "state": "published"}.items() <= next(
            item for item in listed.json()["items"] if item["version_id"] == version).items()

        withdrawn = await client.post(f"/api/v1/admin/policies/{version}/withdraw", headers=second,
                                      json={"reason": "测试撤回"})
        assert withdrawn.status_code == 200, withdrawn.text
        assert stored(own_database, version) == (
            "withdrawn", ["policy.draft", "policy.edit", "policy.publish", "policy.withdraw"])


async def test_a_day_the_calendar_lacks_is_a_422_naming_the_field(client, session, people) -> None:
    text = SECOND.read_text("utf-8").replace("  end: 2026-12-31", "  end: 2028-02-30", 1)
    response = await client.post("/api/v1/admin/policies", headers=bearer(session, people.admin),
                                 json={"file_name": "second-policy.yaml", "text": text})
    assert response.status_code == 422, response.text
    assert "second-policy.yaml:11: 有效期截止日：2028-02-30 不是有效日期" in response.text


async def test_withdrawing_a_policy_with_an_open_round_is_a_409_and_changes_nothing(client, session, people) -> None:
    from huiqi.catalogue import repository
    from tests.dbtest import a_round

    round_id = a_round(session)
    [(version, _, _)] = repository.in_force(session)
    response = await client.post(f"/api/v1/admin/policies/{version}/withdraw", headers=bearer(session, people.admin),
                                 json={"reason": "测试撤回"})
    assert response.status_code == 409, response.text
    assert f"（批次 {round_id}）：请先在申报批次页关闭" in response.json()["detail"]
    assert [vid for vid, _, _ in repository.in_force(session)] == [version]


async def test_a_policy_file_s_mistakes_are_problems_one_by_one(client, session, people) -> None:
    """They used to come back as one newline-joined ``detail`` with an empty ``problems`` list."""
    text = SECOND.read_text("utf-8").replace("  end: 2026-12-31", "  end: 2028-02-30", 1)
    response = await client.post("/api/v1/admin/policies", headers=bearer(session, people.admin),
                                 json={"file_name": "second-policy.yaml", "text": text})
    assert response.status_code == 422
    assert {"field": "second-policy.yaml:11", "reason": "有效期截止日：2028-02-30 不是有效日期"} in \
        response.json()["problems"]
