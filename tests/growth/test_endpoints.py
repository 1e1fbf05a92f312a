"""Growth files over HTTP: the cultivated list, one file, a year's figures; outsiders refused."""

from datetime import date

import pytest

from tests.dbtest import ALICE_USCC, BOB_USCC
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


async def test_figures_then_the_file(client, session, people) -> None:
    alice = bearer(session, people.alice)
    saved = await client.put(f"/api/v1/growth/{ALICE_USCC}/figures/2024", headers=alice,
                             json={"revenue": 120_000_000, "profit": -1_000_000, "employees": 230})
    assert saved.status_code == 200 and saved.json()["revenue"] == 120_000_000
    file = (await client.get(f"/api/v1/growth/{ALICE_USCC}", headers=bearer(session, people.shenyang))).json()
    assert file["name"] == "示例科技有限公司" and [(f["year"], f["profit"]) for f in file["figures"]] == [
        (2024, -1_000_000)]
    assert [r["code"] for r in file["recognitions"]] == ["little_giant"]
    listed = (await client.get("/api/v1/growth", headers=bearer(session, people.admin))).json()
    assert listed["items"] == [ALICE_USCC]


async def test_refusals(client, session, people) -> None:
    bob = await client.put(f"/api/v1/growth/{BOB_USCC}/figures/2024", json={"revenue": 1},
                           headers=bearer(session, people.bob))
    assert bob.status_code == 422 and "不在培育之列" in bob.text
    for who in ("bob", "most", "finance"):
        refused = await client.put(f"/api/v1/growth/{ALICE_USCC}/figures/2024", json={"revenue": 1},
                                   headers=bearer(session, getattr(people, who)))
        assert refused.status_code == 403
    outsider = await client.get(f"/api/v1/growth/{ALICE_USCC}", headers=bearer(session, people.mallory))
    assert outsider.status_code == 403 and "示例科技" not in outsider.text
    assert (await client.get("/api/v1/growth", headers=bearer(session, people.mallory))).json()["items"] == []
    assert (await client.get("/api/v1/growth")).status_code == 401


async def test_the_api_takes_the_same_years_and_head_counts_as_the_page(client, session, people, set_today) -> None:
    set_today(date(2026, 12, 5))
    alice = bearer(session, people.alice)
    unfinished = await client.put(f"/api/v1/growth/{ALICE_USCC}/figures/2026", headers=alice, json={"revenue": 1})
    assert unfinished.status_code == 422 and "一年的数据在该年结束后填报" in unfinished.text
    crowded = await client.put(f"/api/v1/growth/{ALICE_USCC}/figures/2025", headers=alice,
                               json={"employees": 10_000_001})
    assert crowded.status_code == 422 and "employees" in crowded.text
    assert (await client.put(f"/api/v1/growth/{ALICE_USCC}/figures/2025", headers=alice,
                             json={"employees": 10_000_000})).status_code == 200
