"""Recognition lists over the JSON API: a department imports and withdraws only lists of categories feeding measures
it leads (a 403 naming the lead unit, before the rows are read); an admin any."""

from datetime import date

import pytest

from huiqi.models import RecognitionList
from tests.dbtest import BOB_USCC
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
GAZELLE = {"code": "gazelle", "level": "provincial", "document": "辽科发〔2025〕测试号", "published_on": "2025-06-01",
           "rows": [{"uscc": BOB_USCC, "name": "大连数据有限公司"}]}


async def test_a_department_acts_through_the_api_only_on_its_measures_lists(client, session, people,
                                                                            set_today) -> None:
    set_today(date(2025, 6, 30))
    admin, miit, most = (bearer(session, p) for p in (people.admin, people.miit, people.most))
    refused = await client.post("/api/v1/lists", headers=miit, json={**GAZELLE, "rows": [{"uscc": "1", "name": "x"}]})
    assert refused.status_code == 403, refused.text  # refused before its rows are checked
    assert "由措施2的牵头单位（省科技厅）或管理员导入" in refused.json()["detail"]
    assert session.query(RecognitionList).count() == 0
    made = await client.post("/api/v1/lists", headers=admin, json=GAZELLE)
    assert made.status_code == 201, made.text
    list_id = made.json()["id"]
    theirs = await client.post(f"/api/v1/lists/{list_id}/withdraw", headers=miit, json={"reason": "不是本单位的"})
    assert theirs.status_code == 403 and "省工业和信息化厅不是这些措施的牵头单位" in theirs.json()["detail"]
    session.expire_all()
    assert session.get(RecognitionList, list_id).state == "active"
    done = await client.post(f"/api/v1/lists/{list_id}/withdraw", headers=most, json={"reason": "名单更正"})
    assert done.status_code == 200 and done.json()["state"] == "withdrawn", done.text
