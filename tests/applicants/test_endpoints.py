"""Applicants over the API: profile versions, matters in the interchange shape, the answer, and scope."""

import pytest

from tests.dbtest import ALICE_USCC, BOB_USCC
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
PROFILE = {"name": "示例科技有限公司", "kind": "enterprise", "region": "210102", "industry": "6513", "size": "large",
           "established": "2016-05-01"}


async def test_an_enterprise_reads_its_profile_and_records_a_new_version(browser, people) -> None:
    alice = browser(people.alice)
    read = (await alice.get(f"/api/v1/applicants/{ALICE_USCC}")).json()
    assert read["profile"]["name"] == "示例科技有限公司" and read["profile"]["size"] == "medium"
    response = await alice.send("PUT", f"/api/v1/applicants/{ALICE_USCC}", json=PROFILE)
    assert response.status_code == 200
    assert [(p["version"], p["size"]) for p in response.json()["history"]] == [(1, "medium"), (2, "large")]
    assert response.json()["profile"]["recorded_by"] == "alice"


async def test_bad_profile_input_names_the_field(browser, people) -> None:
    response = await browser(people.alice).send("PUT", f"/api/v1/applicants/{ALICE_USCC}",
                                                 json={**PROFILE, "region": "219999", "revenue": -1})
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["problems"]} == {"applicant.region", "applicant.revenue"}


async def test_an_enterprise_neither_sees_nor_touches_another(browser, people) -> None:
    alice = browser(people.alice)
    for response in (await alice.get(f"/api/v1/applicants/{BOB_USCC}"),
                     await alice.get(f"/api/v1/applicants/{BOB_USCC}/matters"),
                     await alice.get(f"/api/v1/applicants/{BOB_USCC}/match"),
                     await alice.send("PUT", f"/api/v1/applicants/{BOB_USCC}", json=PROFILE),
                     await alice.send("PUT", f"/api/v1/applicants/{BOB_USCC}/matters/x",
                                      json={"type": "project", "codes": ["key_tech"]})):
        assert response.status_code == 403, response.text
        assert "大连数据" not in response.text
    listed = (await alice.get("/api/v1/applicants")).json()
    assert [a["uscc"] for a in listed["items"]] == [ALICE_USCC] and listed["total"] == 1


async def test_lists_follow_the_scope(client, session, people) -> None:
    admin = (await client.get("/api/v1/applicants", headers=bearer(session, people.admin))).json()
    assert {a["name"] for a in admin["items"]} == {"示例科技有限公司", "大连数据有限公司"}
    dalian = (await client.get("/api/v1/applicants", headers=bearer(session, people.dalian))).json()
    assert [(a["name"], a["city"]) for a in dalian["items"]] == [("大连数据有限公司", "210200")]
    found = (await client.get("/api/v1/applicants", params={"q": "示例"}, headers=bearer(session, people.admin))).json()
    assert [a["name"] for a in found["items"]] == ["示例科技有限公司"]
    assert (await client.get("/api/v1/applicants")).status_code == 401


async def test_matters_are_saved_and_listed_in_the_interchange_shape(browser, people) -> None:
    alice = browser(people.alice)
    matter = {"type": "project", "codes": ["key_tech"], "listed": True, "date": "2025-03-01"}
    saved = await alice.send("PUT", f"/api/v1/applicants/{ALICE_USCC}/matters/kt1", json=matter)
    assert saved.status_code == 200 and saved.json()["id"] == "kt1" and saved.json()["listed"] is True
    listed = (await alice.get(f"/api/v1/applicants/{ALICE_USCC}/matters")).json()
    assert [m["id"] for m in listed["items"]] == ["h1", "p1", "kt1"]
    assert listed["items"][0] == {**listed["items"][0], "codes": ["little_giant"], "level": "national",
                                  "date": "2024-07-15"}


async def test_a_bad_matter_is_422_naming_the_field(browser, people) -> None:
    alice = browser(people.alice)
    response = await alice.send("PUT", f"/api/v1/applicants/{ALICE_USCC}/matters/x",
                                json={"type": "project", "codes": ["little_gaint"]})
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "codes"
    response = await alice.send("PUT", f"/api/v1/applicants/{ALICE_USCC}/matters/x",
                                json={"id": "y", "type": "project", "codes": ["key_tech"]})
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "id"


async def test_match_answers_for_the_stored_record(browser, people) -> None:
    alice = browser(people.alice)
    answer = (await alice.get(f"/api/v1/applicants/{ALICE_USCC}/match", params={"as_of": "2025-06-30"})).json()
    rows = {(r["matter"], r["measure"]): r for r in answer["results"]}
    assert rows[("h1", 3)]["status"] == "eligible" and rows[("h1", 3)]["ceiling"] == 1_000_000
    assert answer["as_of"] == "2025-06-30" and answer["expired"] is False
    later = (await alice.get(f"/api/v1/applicants/{ALICE_USCC}/match")).json()
    assert later["expired"] is True
