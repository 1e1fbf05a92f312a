"""The public JSON API: match in the interchange shape, 422 naming the field, policies and measures."""

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.anyio
EXAMPLE = json.loads((Path(__file__).parents[2] / "examples" / "case.json").read_text("utf-8"))


async def test_match_answers_the_interchange_shape(client) -> None:
    response = await client.post("/api/v1/match", json=EXAMPLE)
    assert response.status_code == 200
    answer = response.json()
    rows = {(r["matter"], r["measure"]): r for r in answer["results"]}
    assert rows[("p1", 11)]["excluded_by"] == 5 and rows[("p1", 5)]["ceiling"] == 30_000_000
    assert answer["total_ceiling"] == 31_000_000 and answer["as_of"] == "2025-06-30"


async def test_as_of_query_overrides(client) -> None:
    response = await client.post("/api/v1/match", params={"as_of": "2026-11-24"}, json=EXAMPLE)
    assert response.json()["expired"] is True


@pytest.mark.parametrize("given", ["20261124", "2026-W48-2", "1798761600", "0", "2026-02-30"])
async def test_as_of_query_is_a_date_written_out(client, given) -> None:
    """A number or a compact date is not taken as some day (FastAPI alone reads 1798761600 as 2027-01-01, 0 as
    1970-01-01)."""
    for response in (await client.post("/api/v1/match", params={"as_of": given}, json=EXAMPLE),
                     await client.get("/api/v1/policies", params={"as_of": given})):
        assert response.status_code == 422
        assert "日期" in response.text and "as_of" in response.text


async def test_match_gives_the_corrected_readings_of_issue_11(client) -> None:
    case = {"as_of": "2025-06-30", "applicant": {"kind": "enterprise", "region": "210100", "industry": "7211"},
            "matters": [
                {"id": "g", "type": "honour", "codes": ["global_500"], "group_core": True, "date": "2019-07-01"},
                {"id": "e", "type": "project", "codes": ["establishment"], "institution": "settlement_center",
                 "date": "2024-01-10", "other_support": 5_000_000},
                {"id": "s", "type": "honour", "codes": ["standard_lead"], "date": "2024-01-10"}]}
    answer = (await client.post("/api/v1/match", json=case)).json()
    rows = {(r["matter"], r["measure"]): r for r in answer["results"]}
    assert rows[("e", 1)]["status"] == "eligible"
    assert (rows[("e", 1)]["ceiling"], rows[("e", 1)]["ceiling_before_deduction"]) == (15_000_000, 20_000_000)
    assert rows[("s", 14)]["status"] == "undetermined" and rows[("s", 14)]["missing"] == ["s.level"]
    assert answer["total_ceiling"] == 15_000_000


@pytest.mark.parametrize(("change", "field", "reason"), [
    ({"applicant": {"uscc": "91210100MA0QC1B25X"}}, "applicant.uscc", "校验位错误"),
    ({"matters": [{"id": "h", "type": "honour", "codes": ["little_gaint"]}]}, "matters[0].codes", "未知事项代码"),
    ({"matters": [{"id": "p", "type": "project", "codes": ["key_tech"], "investment": -1}]}, "matters[0].investment",
     "应不小于 0"),
    ({"matters": [{"id": "p", "type": "project", "codes": ["key_tech"], "date": "2024-02-30"}]}, "matters[0].date",
     "不是有效日期"),
])
async def test_bad_input_is_422_naming_the_field(client, change, field, reason) -> None:
    response = await client.post("/api/v1/match", json={**EXAMPLE, **change})
    assert response.status_code == 422
    problems = response.json()["problems"]
    assert any(p["field"] == field and reason in p["reason"] for p in problems), problems


async def test_policies_and_measures(client) -> None:
    listed = (await client.get("/api/v1/policies")).json()
    assert listed["total"] == 1 and listed["items"][0]["number"] == "辽政办〔2022〕35号"
    detail = (await client.get("/api/v1/policies/ln-2022-35", params={"as_of": "2025-06-30"})).json()
    assert [m["number"] for m in detail["measures"]] == list(range(1, 21))
    m11 = (await client.get("/api/v1/policies/ln-2022-35/measures/11", params={"as_of": "2025-06-30"})).json()
    assert {p["name"]: p["value"] for p in m11["parameters"]} == {"cap": "1000万元", "rate": "30%"}
    assert m11["units"][0] == "省数据局"
    assert (await client.get("/api/v1/policies/ln-2022-35/measures/21")).status_code == 404
    assert (await client.get("/api/v1/policies/nope")).json()["detail"] == "没有已发布的政策 nope"


async def test_pagination_is_checked(client) -> None:
    response = await client.get("/api/v1/policies", params={"size": 0})
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "size"


async def test_match_asks_the_next_question_and_says_what_would_change_a_no(client) -> None:
    case = {"as_of": "2025-06-30", "applicant": {"kind": "enterprise", "region": "210100"}, "matters": [
        {"id": "h1", "type": "honour", "codes": ["little_giant"], "level": "national", "date": "2023-07-15"},
        {"id": "h2", "type": "honour", "codes": ["single_champion"], "level": "national", "date": "2023-07-15"},
        {"id": "p1", "type": "project", "codes": ["smart_manufacturing"], "date": "2024-03-01"},
        {"id": "h3", "type": "honour", "codes": ["srdi_sme"], "level": "industry", "date": "2023-07-15"}]}
    answer = (await client.post("/api/v1/match", json=case)).json()
    first, second = answer["questions"][:2]
    assert first["fact"] == "applicant.industry" and first["money"] == 2_000_000
    assert [d["matter"] for d in first["decides"]] == ["h1", "h2"] and second["fact"] == "p1.investment"
    [change] = answer["changes"]
    assert change["matter"] == "h3" and change["fixes"][0]["would"] == "级别为国家级或省级"
    assert change["status_after"] == "undetermined"  # the industry is still missing


async def test_the_schema_documents_the_questions_and_changes(client) -> None:
    schema = (await client.get("/openapi.json")).json()
    answered = schema["paths"]["/api/v1/match"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert answered["$ref"].endswith("/AdvisedAnswer")
    fields = schema["components"]["schemas"]["AdvisedAnswer"]["properties"]
    assert "先问能确定最多待定结果的事实" in fields["questions"]["description"]
    assert {"decides", "waiting", "money", "ask"} <= set(schema["components"]["schemas"]["Question"]["properties"])
