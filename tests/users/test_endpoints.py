"""Users over HTTP: only admins list, create and change accounts; everyone reads their own; no hash ever."""

import pytest

from huiqi.audit import service as audit
from tests.dbtest import ALICE_USCC, PASSWORD
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
NEW = {"username": "anshan", "display_name": "鞍山市审核员", "role": "city", "password": "long enough pw",
       "region": "210300"}


async def test_admin_lists_users_with_bindings_and_no_hashes(client, session, people) -> None:
    response = await client.get("/api/v1/users", headers=bearer(session, people.admin), params={"size": 200})
    assert response.status_code == 200
    body = response.json()
    rows = {u["username"]: u for u in body["items"]}
    assert body["total"] == 11 and rows["alice"]["uscc"] == ALICE_USCC and rows["shenyang"]["region"] == "210100"
    assert rows["miit"]["department"] == "省工业和信息化厅" and rows["admin"]["role"] == "admin"
    assert "password" not in response.text and "argon2" not in response.text


async def test_the_list_is_narrowed_and_paged(client, session, people) -> None:
    admin = bearer(session, people.admin)
    cities = await client.get("/api/v1/users", headers=admin, params={"role": "city", "size": 1, "page": 2})
    assert cities.json()["total"] == 2 and [u["username"] for u in cities.json()["items"]] == ["dalian"]
    found = await client.get("/api/v1/users", headers=admin, params={"q": "科技厅", "status": "enabled"})
    assert [u["username"] for u in found.json()["items"]] == ["most"]
    beyond = await client.get("/api/v1/users", headers=admin, params={"page": 9})
    assert beyond.status_code == 200 and beyond.json()["items"] == [] and beyond.json()["total"] == 11
    wrong = await client.get("/api/v1/users", headers=admin, params={"role": "root"})
    assert wrong.status_code == 422 and "角色：请从列表中选择" in wrong.json()["detail"]
    long = await client.get("/api/v1/users", headers=admin, params={"q": "长" * 51})
    assert long.status_code == 422 and long.json()["problems"][0]["field"] == "q"


async def test_me_is_my_own_account(client, session, people) -> None:
    response = await client.get("/api/v1/users/me", headers=bearer(session, people.alice))
    assert response.json()["username"] == "alice" and response.json()["uscc"] == ALICE_USCC
    assert "argon2" not in response.text and "password" not in response.text
    assert (await client.get("/api/v1/users/me")).status_code == 401


async def test_admin_creates_a_city_reviewer_who_can_then_sign_in(client, session, people) -> None:
    response = await client.post("/api/v1/users", json=NEW, headers=bearer(session, people.admin))
    assert response.status_code == 201, response.text
    assert response.json()["region"] == "210300" and "argon2" not in response.text
    token = await client.post("/api/v1/tokens", json={"username": "anshan", "password": "long enough pw"})
    assert token.status_code == 201
    again = await client.post("/api/v1/users", json=NEW, headers=bearer(session, people.admin))
    assert again.status_code == 409 and "登录名 anshan 已被使用" in again.json()["detail"]


@pytest.mark.parametrize(("change", "field"), [
    ({"region": None}, "region"), ({"role": "enterprise", "uscc": "91210100MA0QC1B25X"}, "uscc"),
    ({"role": "department", "department": "不存在的厅"}, "department"), ({"password": "short"}, "password"),
    ({"colour": "red"}, "colour"), ({"role": "root"}, "role"),
])
async def test_bad_users_are_422_naming_the_field(client, session, people, change, field) -> None:
    response = await client.post("/api/v1/users", json={**NEW, **change}, headers=bearer(session, people.admin))
    assert response.status_code == 422
    assert field in [p["field"] for p in response.json()["problems"]]


async def test_change_role_and_disable(client, session, people) -> None:
    admin = bearer(session, people.admin)
    alice = bearer(session, people.alice)
    moved = await client.patch("/api/v1/users/dalian", json={"role": "department", "department": "省科技厅"},
                               headers=admin)
    assert moved.status_code == 200 and moved.json()["department"] == "省科技厅" and moved.json()["region"] is None
    off = await client.patch("/api/v1/users/alice", json={"active": False}, headers=admin)
    assert off.json()["active"] is False
    assert (await client.get("/api/v1/users/me", headers=alice)).status_code == 401, "a disabled token stops"
    myself = await client.patch("/api/v1/users/admin", json={"active": False}, headers=admin)
    assert myself.status_code == 409
    missing = await client.patch("/api/v1/users/nobody", json={"active": True}, headers=admin)
    assert missing.status_code == 404


async def test_an_account_enabled_again_gets_none_of_its_old_sign_ins_back(client, browser, session, people) -> None:
    admin = bearer(session, people.admin)
    token, signed_in = bearer(session, people.alice), browser(people.alice)
    assert (await signed_in.get("/api/v1/users/me")).status_code == 200
    assert (await client.patch("/api/v1/users/alice", json={"active": False}, headers=admin)).status_code == 200
    assert (await client.patch("/api/v1/users/alice", json={"active": True}, headers=admin)).json()["active"] is True
    assert (await client.get("/api/v1/users/me", headers=token)).status_code == 401, "the old token stays revoked"
    assert (await signed_in.get("/api/v1/users/me")).status_code == 401, "the old cookie stays dead"
    assert (await client.get("/api/v1/users/me", headers=bearer(session, people.alice))).status_code == 200


@pytest.mark.parametrize("who", ["alice", "shenyang", "miit", "finance", "auditor", "analyst"])
async def test_only_admins_manage_users(client, session, people, who) -> None:
    headers = bearer(session, getattr(people, who))
    listed = await client.get("/api/v1/users", headers=headers)
    if who == "auditor":  # reads everything, changes nothing
        assert listed.status_code == 200 and listed.json()["total"] == 11
    else:
        assert listed.status_code == 403 and "alice" not in listed.text and "items" not in listed.json()
    created = await client.post("/api/v1/users", json=NEW, headers=headers)
    changed = await client.patch("/api/v1/users/bob", json={"role": "admin"}, headers=headers)
    assert created.status_code == changed.status_code == 403
    assert (await client.get("/api/v1/users", headers=bearer(session, people.admin))).json()["total"] == 11


async def test_anonymous_is_asked_to_sign_in(client, people) -> None:
    assert (await client.get("/api/v1/users")).status_code == 401
    assert (await client.post("/api/v1/users", json=NEW)).status_code == 401


async def test_a_user_changes_their_own_password(client, session, people) -> None:
    headers = bearer(session, people.bob)
    wrong = await client.post("/api/v1/users/me/password", headers=headers,
                              json={"current_password": "not it at all", "new_password": "a brand new secret"})
    assert wrong.status_code == 422 and wrong.json()["problems"][0]["field"] == "current_password"
    common = await client.post("/api/v1/users/me/password", headers=headers,
                               json={"current_password": PASSWORD, "new_password": "password123"})
    assert common.status_code == 422 and "太常见" in common.json()["problems"][0]["reason"]
    done = await client.post("/api/v1/users/me/password", headers=headers,
                             json={"current_password": PASSWORD, "new_password": "a brand new secret"})
    assert done.status_code == 200, done.text
    assert (await client.get("/api/v1/users/me", headers=headers)).status_code == 401, "its tokens ended with it"
    signed = await client.post("/api/v1/tokens", json={"username": "bob", "password": "a brand new secret"})
    assert signed.status_code == 201


async def test_an_admin_resets_and_the_user_must_change_it(client, session, people) -> None:
    refused = await client.post("/api/v1/users/bob/password", headers=bearer(session, people.miit),
                                json={"new_password": "temporary 2026 pw"})
    assert refused.status_code == 403
    reset = await client.post("/api/v1/users/bob/password", headers=bearer(session, people.admin),
                              json={"new_password": "temporary 2026 pw"})
    assert reset.status_code == 200 and reset.json()["reset_pending"] is True
    token = (await client.post("/api/v1/tokens", json={"username": "bob", "password": "temporary 2026 pw"})).json()
    headers = {"Authorization": f"Bearer {token['token']}"}
    blocked = await client.get("/api/v1/applications", headers=headers)
    assert blocked.status_code == 403 and "请先修改密码" in blocked.json()["detail"]
    assert (await client.get("/api/v1/users/me", headers=headers)).json()["reset_pending"] is True
    changed = await client.post("/api/v1/users/me/password", headers=headers,
                                json={"current_password": "temporary 2026 pw", "new_password": "bob's own 2026 pw"})
    assert changed.status_code == 200 and changed.json()["reset_pending"] is False
    events = [e.action for e in audit.history(session, entity="user", entity_id=people.bob.id)]
    assert events[-2:] == ["user.password_reset", "user.password"]
    assert "hash" not in str(audit.history(session, entity="user", entity_id=people.bob.id)[-1].after)


async def test_disabling_the_other_of_two_admins_needs_confirm(client, session, people) -> None:
    from tests.dbtest import second_admin

    second_admin(session)
    admin = bearer(session, people.admin)
    asked = await client.patch("/api/v1/users/admin2", json={"active": False}, headers=admin)
    assert asked.status_code == 409 and "只剩您本人一位启用的管理员" in asked.json()["detail"]
    done = await client.patch("/api/v1/users/admin2", json={"active": False, "confirm": True}, headers=admin)
    assert done.status_code == 200 and done.json()["active"] is False
    myself = await client.patch("/api/v1/users/admin", json={"active": False, "confirm": True}, headers=admin)
    assert myself.status_code == 409 and "您是最后一位启用的管理员" in myself.json()["detail"]


async def test_an_enterprise_account_made_or_bound_says_how_many_offers_the_lists_brought_it(client, session,
                                                                                             people) -> None:
    """The lists named the unit before it had an account, and its record is complete (a data fix): the account made
    for it brings the offer, and the answer says so (``offers_made``); an account of a unit no list names, none."""
    from sqlalchemy import select

    from huiqi import clock
    from huiqi.models import Applicant, ApplicantProfile
    from tests.dbtest import a_round, uscc_for
    from tests.recognition.test_registered import NEW, ON, PROFILE, _import

    a_round(session)
    _import(session, people)
    applicant = session.scalars(select(Applicant).where(Applicant.uscc == NEW)).one()
    session.add(ApplicantProfile(applicant_id=applicant.id, version=2, recorded_by="admin", **PROFILE))
    session.flush()
    admin = bearer(session, people.admin)
    firm = {"display_name": "新认定企业", "role": "enterprise", "password": "long enough pw"}
    with clock.pinned(ON):
        other = await client.post("/api/v1/users", headers=admin,
                                  json={**firm, "username": "other", "uscc": uscc_for("210100", "MA0PTH01")})
        bound = await client.patch("/api/v1/users/other", headers=admin, json={"uscc": NEW})
        again = await client.post("/api/v1/users", headers=admin, json={**firm, "username": "newfirm", "uscc": NEW})
    assert other.status_code == 201 and other.json()["offers_made"] == 0, other.text
    assert bound.status_code == 200 and bound.json()["offers_made"] == 1 and bound.json()["uscc"] == NEW, bound.text
    assert again.status_code == 201 and again.json()["offers_made"] == 0, again.text  # its offer is made already
