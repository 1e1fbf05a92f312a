"""Statistics over HTTP: counts and money in yuan by any dimension, within the caller's scope; Excel."""

import io

import openpyxl
import pytest

from tests.statistics.figures import make_figures
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


@pytest.fixture
def figures(session, people, tmp_path):
    make_figures(session, people, tmp_path)
    return people


async def test_by_measure_and_city(client, session, figures) -> None:
    response = await client.get(
        "/api/v1/statistics", params={"by": "measure, city"}, headers=bearer(session, figures.auditor)
    )
    rows = [
        (
            r["group"],
            r["applications"],
            r["requested"],
            r["proposed_amount"],
            r["approved"],
            r["approved_amount"],
            r["disbursed_amount"],
        )
        for r in response.json()["items"]
    ]
    assert rows == [
        ({"policy": "ln-2022-35", "measure": 3, "city": "210100"}, 1, 1_000_000, 800_000, 1, 800_000, 800_000),
        ({"policy": "ln-2022-35", "measure": 13, "city": "210200"}, 1, 6_000_000, 0, 0, 0, 0),
    ]


async def test_scope_limits_what_is_counted(client, session, figures) -> None:
    mine = await client.get("/api/v1/statistics", params={"by": "city"}, headers=bearer(session, figures.dalian))
    assert [(r["group"], r["requested"]) for r in mine.json()["items"]] == [({"city": "210200"}, 6_000_000)]
    alice = await client.get("/api/v1/statistics", headers=bearer(session, figures.alice))
    assert [r["group"]["measure"] for r in alice.json()["items"]] == [3] and "6000000" not in alice.text


async def test_bad_dimension_is_422(client, session, figures) -> None:
    response = await client.get("/api/v1/statistics", params={"by": "colour"}, headers=bearer(session, figures.finance))
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "by"
    assert (await client.get("/api/v1/statistics")).status_code == 401


async def test_excel_has_a_row_per_group_with_wan_twins(client, session, figures) -> None:
    response = await client.get(
        "/api/v1/statistics.xlsx", params={"by": "measure"}, headers=bearer(session, figures.finance)
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "申报与兑现统计"
    assert rows[1][:7] == (
        "政策",
        "措施",
        "申报件数",
        "批准件数",
        "申请金额（元）",
        "申请金额（万元）",
        "拟支持金额（元）",
    )
    assert (
        rows[2][0] == "辽政办〔2022〕35号"
        and rows[2][1].startswith("措施3")
        and rows[2][2:6] == (1, 1, 1_000_000, 100)
    )
    assert rows[2][-2:] == (800_000, 80) and rows[3][1].startswith("措施13") and len(rows) == 5
    assert rows[4][:6] == ("合计", None, 2, 1, 7_000_000, 700)


async def test_filters_by_year_policy_city_and_state(client, session, figures) -> None:
    headers = bearer(session, figures.auditor)
    response = await client.get("/api/v1/statistics", params={"by": "city", "city": "210200", "year": 2025,
                                                              "policy": "ln-2022-35"}, headers=headers)
    assert [r["group"] for r in response.json()["items"]] == [{"city": "210200"}]
    wrong = await client.get("/api/v1/statistics", params={"state": "lost"}, headers=headers)
    assert wrong.status_code == 422 and "状态" in wrong.text
    mine = await client.get("/api/v1/statistics", params={"city": "210200"}, headers=bearer(session, figures.shenyang))
    assert mine.json()["items"] == [], "a filter narrows the caller's scope, never widens it"
