"""The queue's filters as a browser sends them: a blank state is none, and a wrong filter is said beside it, on the
queue itself (its Excel export too), not on an error page."""

import pytest

from tests.webtest import bearer

pytestmark = pytest.mark.anyio


async def test_the_blank_first_state_is_none(browser, people, alice_h1) -> None:
    """筛选 sends the select's 待我处理 (value "") with the keyword: it used to be a 422 naming every state."""
    city = browser(people.shenyang)
    for url in ("/review?state=&q=示例", "/review?state=+&q=&measure=&round="):
        got = await city.get(url)
        assert got.status_code == 200 and f"/review/{alice_h1.id}" in got.text and "输入有误" not in got.text, url
    exported = await city.get("/review.xlsx?state=&q=示例")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/vnd.openxml")


async def test_the_api_reads_a_blank_state_as_none(app, client, session, people, alice_h1) -> None:
    got = await client.get("/api/v1/reviews?state=", headers=bearer(session, people.shenyang))
    assert got.status_code == 200 and [i["id"] for i in got.json()["items"]] == [alice_h1.id]


async def test_a_wrong_filter_is_said_beside_it_on_the_queue(browser, people, alice_h1) -> None:
    """/review.xlsx?city=abc used to open the generic 输入有误 page; the audit export already answered so."""
    miit = browser(people.miit)
    for url in ("/review?city=abc&q=示例", "/review.xlsx?city=abc&q=示例"):
        got = await miit.get(url)
        assert got.status_code == 422 and got.headers["content-type"].startswith("text/html"), url
        assert "筛选条件有误" in got.text and '<a href="#f-所在市">所在市：请从列表中选择</a>' in got.text
        assert '<select id="f-所在市" name="city" aria-invalid="true" aria-describedby="e-所在市">' in got.text
        assert '<span class="field-error" id="e-所在市">请从列表中选择</span>' in got.text
        assert 'value="示例"' in got.text, "the right filters are kept"
        assert f"/review/{alice_h1.id}" not in got.text, "nothing listed under a filter not understood"
    wrong_state = await miit.get("/review?state=nonsense")
    assert wrong_state.status_code == 422 and '<span class="field-error" id="e-状态">请从列表中选择</span>' in \
        wrong_state.text


async def test_a_number_out_of_range_is_said_so(browser, people, alice_h1) -> None:
    """99999999999 is a number: it used to be refused as 申报编号应为数字."""
    got = await browser(people.finance).post("/review/approvals", data={"application_ids": ["99999999999"]})
    assert got.status_code == 422 and "申报编号 99999999999 超出范围" in got.text and "应为数字" not in got.text
    letters = await browser(people.finance).post("/review/approvals", data={"application_ids": ["十四"]})
    assert letters.status_code == 422 and "申报编号应为数字" in letters.text


async def test_a_batch_is_refused_to_who_may_not_take_it_before_the_ticks_are_read(browser, people,
                                                                                   alice_h1) -> None:
    """As the auditor, no selection used to give 422 (请勾选…) and a bad number 422, under 未能批量批准 for a 公示."""
    auditor = browser(people.auditor)
    for sent in ({}, {"application_ids": ["十四"]}, {"application_ids": [str(alice_h1.id)]}):
        announced = await auditor.post("/review/announcements", data={"starts_on": "2025-09-15", **sent})
        assert announced.status_code == 403 and "请勾选" not in announced.text and "应为数字" not in announced.text
        assert "未能列入公示" in announced.text and "未能批量批准" not in announced.text
        approved = await auditor.post("/review/approvals", data=sent)
        assert approved.status_code == 403 and "请勾选" not in approved.text and "应为数字" not in approved.text
    none = await browser(people.miit).post("/review/announcements", data={"starts_on": "2025-09-15"})
    assert none.status_code == 422 and "请勾选要列入公示的申报" in none.text and "未能列入公示" in none.text
    letters = await browser(people.finance).post("/review/approvals", data={"application_ids": ["十四"]})
    assert letters.status_code == 422 and "未能批量批准" in letters.text and "未能列入公示" not in letters.text
