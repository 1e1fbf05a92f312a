"""Policy versions for the admin: each file checked, dated parameters with sources, units over time;
a broken file is named with its problems, as ``huiqi policy check`` does."""

import pytest

from huiqi.admin import service
from huiqi.rules import loader
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


async def test_the_page_shows_the_policy_its_parameters_and_units(browser, people) -> None:
    response = await browser(people.admin).get("/admin/policies")
    assert response.status_code == 200
    text = response.text
    assert "ln-2022-35.yaml" in text and "✓ 通过" in text and "辽政办〔2022〕35号" in text
    assert "2025-12-31" in text and "2000万元" in text and "措施1：给予最高2000万元资金支持" in text
    assert "省数据局、省发展改革委、省工业和信息化厅、省财政厅" in text and "辽财行规〔2024〕12号" in text
    assert service.policy_files(actor=people.admin)[0].version in text


async def test_a_broken_file_is_named_with_its_problems(browser, people, tmp_path, monkeypatch) -> None:
    broken = tmp_path / "zz-broken.yaml"
    broken.write_text("id: zz-broken\ntitel: 拼错的字段\n", encoding="utf-8")
    paths = {**loader.shipped_paths(), "zz-broken": broken}
    monkeypatch.setattr(loader, "shipped_paths", lambda: paths)
    monkeypatch.setattr(service, "shipped_paths", lambda: paths)
    text = (await browser(people.admin).get("/admin/policies")).text
    assert "✓ 通过" in text and "zz-broken.yaml 未能加载" in text and "titel" in text


async def test_the_api_gives_the_same(client, session, people) -> None:
    response = await client.get("/api/v1/admin/policies", headers=bearer(session, people.admin))
    item = response.json()["items"][0]
    assert (item["id"], item["ok"], item["measures"], item["window_end"]) == ("ln-2022-35", True, 20, "2025-12-31")
    m11 = [u for u in item["units"] if u["measure"] == 11]
    assert [u["since"] for u in m11] == ["2022-07-23", "2024-12-20"] and m11[1]["units"][0] == "省数据局"
    cap = next(p for p in item["parameters"] if p["measure"] == 1 and p["name"] == "cap")
    assert cap["values"][0]["raw"] == 20_000_000


@pytest.mark.parametrize("who", ["alice", "shenyang", "miit", "finance", "auditor"])
async def test_others_are_refused(client, browser, session, people, who) -> None:
    page = await browser(getattr(people, who)).get("/admin/policies")
    assert page.status_code == 403 and "2000万元" not in page.text
    api = await client.get("/api/v1/admin/policies", headers=bearer(session, getattr(people, who)))
    assert api.status_code == 403 and "items" not in api.json()
