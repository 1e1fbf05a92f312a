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
CHAMPIONS = {"code": "single_champion", "level": "national", "document": "工信部企业函〔2025〕测试号",
             "published_on": "2025-06-01", "rows": [{"uscc": BOB_USCC, "name": "大连数据有限公司"}]}


async def test_each_list_says_what_the_caller_may_do_with_it_as_the_page_s_buttons_do(client, browser, session, people,
                                                                                     set_today) -> None:
    """``may_withdraw`` and ``may_match_again`` over the API are the lists page's 撤回 and 重新匹配 buttons, for each
    persona: 省科技厅 its 瞪羚 list, 省工信厅 its 单项冠军 list, the admin both, the auditor none; a list withdrawn is
    withdrawn by no one; a list whose matching failed may be run again by those who may withdraw it."""
    set_today(date(2025, 6, 30))
    admin = bearer(session, people.admin)
    gazelle = (await client.post("/api/v1/lists", headers=admin, json=GAZELLE)).json()["id"]
    champion = (await client.post("/api/v1/lists", headers=bearer(session, people.miit), json=CHAMPIONS)).json()["id"]
    failed = session.get(RecognitionList, champion)
    failed.matching = "failed"
    session.flush()
    personas = {"admin": people.admin, "miit": people.miit, "most": people.most, "auditor": people.auditor}

    async def both(user) -> tuple[dict[int, tuple[bool, bool]], dict[int, tuple[bool, bool]]]:
        read = (await client.get("/api/v1/lists", headers=bearer(session, user))).json()["items"]
        said = {x["id"]: (x["may_withdraw"], x["may_match_again"]) for x in read}
        page = (await browser(user).get("/admin/lists")).text
        shown = {i: (f'action="/admin/lists/{i}/withdraw"' in page, f'action="/admin/lists/{i}/match"' in page)
                 for i in said}
        return said, shown

    expected = {"admin": {gazelle: (True, False), champion: (True, True)},
                "miit": {gazelle: (False, False), champion: (True, True)},
                "most": {gazelle: (True, False), champion: (False, False)},
                "auditor": {gazelle: (False, False), champion: (False, False)}}
    for name, user in personas.items():
        said, shown = await both(user)
        assert said == shown == expected[name], name
    withdrawn = await client.post(f"/api/v1/lists/{gazelle}/withdraw", headers=bearer(session, people.most),
                                  json={"reason": "名单更正"})
    assert withdrawn.status_code == 200 and withdrawn.json()["may_withdraw"] is False
    for name, user in personas.items():
        said, shown = await both(user)
        assert said[gazelle] == shown[gazelle] == (False, False), name
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]["ListRead"]["properties"]
    assert "可否撤回" in schema["may_withdraw"]["description"]
    assert "可否重新匹配" in schema["may_match_again"]["description"]


async def test_a_failed_matching_is_run_again_over_the_api_by_whoever_may_withdraw_the_list(client, session, people,
                                                                                           set_today) -> None:
    """The run stopped before its row: 省科技厅 may not run 省工信厅's list again (403 naming the lead unit); 省工信厅
    does (202, queued), the row is matched in the background; run again once done, it is a 409 saying so."""
    from huiqi.models import MatterListing

    set_today(date(2025, 6, 30))
    miit = bearer(session, people.miit)
    made = (await client.post("/api/v1/lists", headers=miit, json=CHAMPIONS)).json()
    failed, row = session.get(RecognitionList, made["id"]), session.query(MatterListing).one()
    failed.matching, failed.matched, row.offers, row.outcome, row.why = "failed", 0, None, None, None
    session.flush()
    theirs = await client.post(f"/api/v1/lists/{failed.id}/match", headers=bearer(session, people.most))
    assert theirs.status_code == 403
    assert "措施3的牵头单位（省工业和信息化厅）或管理员重新匹配" in theirs.json()["detail"]
    again = await client.post(f"/api/v1/lists/{failed.id}/match", headers=miit)
    assert again.status_code == 202, again.text
    assert (again.json()["matching"], again.json()["may_match_again"]) == ("queued", False)
    session.expire_all()
    assert (failed.matching, failed.matched) == ("done", 1) and row.offers is not None and row.outcome is not None
    done = await client.post(f"/api/v1/lists/{failed.id}/match", headers=miit)
    assert done.status_code == 409
    assert done.json()["detail"] == f"认定名单 {failed.id} 已匹配完成，无需重新匹配；请刷新后查看"
