"""A reviewer's text forged past its bound or holding a character no record keeps (a reason of 100,000 characters, a
NUL) used to end on a bare 「输入有误」 page, the page and what was typed lost: it is said beside its box on the review
page shown again, the text kept, cut to its bound and without the character; nothing is written. The API still
refuses such text at the door."""

import re

import pytest

from huiqi.workflow.runner import MAX_REASONS
from tests.dbtest import step
from tests.webtest import bearer, marked

pytestmark = pytest.mark.anyio


def _box(page: str, step_name: str) -> str:
    """What the desk form ``step_name``'s reasons box holds."""
    form = page.split(f'id="form-{step_name}"')[1].split("</form>")[0]
    return re.search(r"<textarea[^>]*>(.*?)</textarea>", form, re.S).group(1)


async def test_a_reason_of_100000_characters_is_said_beside_its_box(browser, people, alice_h1) -> None:
    typed = "不符合条件" + "长" * 99_995
    refused = await browser(people.shenyang).post(f"/review/{alice_h1.id}/reject", data={"reasons": typed})
    assert refused.status_code == 422 and "<h1>申报 #" in refused.text, "the review page, not an error page"
    assert marked(refused.text) == [("f-reasons", f"不能超过 {MAX_REASONS} 个字符（现有 100000 个）")]
    assert _box(refused.text, "reject") == typed[:MAX_REASONS], "kept, cut to its bound"
    assert alice_h1.state == "city_review"


async def test_a_nul_is_said_beside_the_box_by_its_form_s_label(browser, people, alice_h1) -> None:
    refused = await browser(people.shenyang).post(f"/review/{alice_h1.id}/return",
                                                  data={"reasons": "请补充\x00审计报告"})
    assert refused.status_code == 422
    assert '<a href="#f-reasons">须补正的内容：不能含有空字符（NUL）</a>' in refused.text
    assert marked(refused.text) == [("f-reasons", "不能含有空字符（NUL）")]
    assert _box(refused.text, "return") == "请补充审计报告" and alice_h1.state == "city_review"


async def test_an_announcement_s_title_on_the_desk_and_on_the_queue(browser, session, people, alice_h1) -> None:
    step(session, "pass_city", people.shenyang, alice_h1)
    step(session, "propose", people.miit, alice_h1, amount=800_000)
    miit = browser(people.miit)
    one = await miit.post(f"/review/{alice_h1.id}/announce",
                          data={"starts_on": "2025-09-29", "title": "九月\x00公示" + "题" * 300})
    assert one.status_code == 422 and marked(one.text)[0] == ("f-title", "不能含有空字符（NUL）")
    assert 'value="九月公示' + "题" * 196 + '"' in one.text, "kept to the title's 200 characters"
    many = await miit.post("/review/announcements", data={"application_ids": str(alice_h1.id),
                                                          "starts_on": "2025-09-29", "title": "九月\x1b公示"})
    assert many.status_code == 422 and "不能含有控制字符（U+001B）" in many.text and 'value="九月公示"' in many.text
    assert alice_h1.state == "proposed"


async def test_the_api_still_refuses_it_at_the_door(client, session, people, alice_h1) -> None:
    answered = await client.post(f"/api/v1/reviews/{alice_h1.id}/reject", headers=bearer(session, people.shenyang),
                                 json={"reasons": "不符合\x00条件"})
    assert answered.status_code == 422 and answered.json()["problems"][0]["field"] == "reasons"
    assert alice_h1.state == "city_review"
