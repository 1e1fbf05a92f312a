"""From the calculator to an application: 立即申报 and 据此去申报 carry the calculated matter into 本单位's 登记新事项
form (the enterprise reviews and saves it), which then leads on to 新建申报 with that matter and measure chosen; a
new application for a measure no registered matter fits says so and links to that form."""

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.dbtest import a_round

pytestmark = pytest.mark.anyio

CALCULATED = {"applicant-kind": "enterprise", "applicant-city": "210100", "applicant-industry": "6513",
              "matters-0-codes": "smart_manufacturing", "matters-0-date": "2025-03-01",
              "matters-0-investment": "3000"}


def _links(text: str) -> list[str]:
    return [html.unescape(found) for found in re.findall(r'href="(/me\?[^"]*)"', text)]


async def test_the_calculator_carries_its_matter_into_登记新事项_then_to_the_application(browser, session,
                                                                                       people) -> None:
    round_id = a_round(session)
    alice = browser(people.alice)
    answer = (await alice.post("/calculator", data=CALCULATED)).text
    links = _links(answer)
    now = next(link for link in links if "measure=11" in link)
    assert urlsplit(now).fragment == "matter-form"
    assert parse_qsl(urlsplit(now).query) == [
        ("matters-0-codes", "smart_manufacturing"), ("matters-0-date", "2025-03-01"),
        ("matters-0-investment", "3000"), ("round", str(round_id)), ("measure", "11")]
    assert any(link.endswith("&apply=1#matter-form") for link in links) and ">据此去申报</a>" in answer
    form = (await alice.get(now)).text
    assert 'id="prefilled"' in form and "以下内容来自政策计算器，尚未保存" in form and "error-summary" not in form
    assert 'value="smart_manufacturing" checked' in form and 'value="3000"' in form and 'value="2025-03-01"' in form
    assert f'<input type="hidden" name="then" value="{round_id}/11">' in form and "保存事项并去申报" in form
    key = re.search(r'id="f-key" name="key" value="([^"]+)"', form).group(1)
    assert key == "m3", "a key no matter has yet"
    saved = await alice.post("/me/matters", data={"key": key, "then": f"{round_id}/11",
                                                   **{k: v for k, v in CALCULATED.items() if k.startswith("matters")}})
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/applications/new?matter=m3&round={round_id}&measure=11"
    new = (await alice.get(saved.headers["location"])).text
    assert '<option value="m3" selected>' in new and f'<option value="{round_id}/11"' in new
    assert "事项 m3 已保存；请填写申请金额，保存申报草稿" in new
    then = await alice.post("/me/matters", data={"key": "m4", "then": "apply", "matters-0-codes": "key_tech"})
    assert then.headers["location"] == "/applications/new?matter=m4"
    assert "请选择批次与措施、填写申请金额，保存申报草稿" in (await alice.get(then.headers["location"])).text


async def test_a_carried_matter_is_checked_as_the_form_checks_it(browser, people) -> None:
    """Bounded and validated before anything is saved: a day after today, a sum that is not one, a field the form
    lacks or an over-long value are said; nothing is stored."""
    alice = browser(people.alice)
    form = (await alice.get("/me", params=[("matters-0-codes", "smart_manufacturing"),
                                           ("matters-0-date", "2999-01-01"), ("matters-0-investment", "3000"),
                                           ("round", "7"), ("measure", "11")])).text
    assert form.count("晚于今天") >= 1 and 'href="#f-matters-0-date"' in form
    odd = (await alice.get("/me", params=[("matters-0-codes", "smart_manufacturing"),
                                          ("matters-0-investment", "x" * 65), ("matters-0-nonsense", "1")])).text
    assert "链接中有本表没有的项目、过长或含有控制字符的内容，未填入" in odd and "x" * 65 not in odd
    nul = await alice.get("/me", params=[("matters-0-codes", "smart_manufacturing"), ("matters-0-investment", "3\x00")])
    assert nul.status_code == 200 and "含有控制字符的内容，未填入" in nul.text, "said on the form, not by the door"
    assert "\x00" not in nul.text
    forged = (await alice.get("/me", params=[("matters-0-codes", "alien"), ("apply", "1")])).text
    assert "事项类别：有 1 个所选类别不在列表中" in forged and 'name="then" value="apply"' in forged
    assert (await alice.get("/me", params=[("round", "1" * 11), ("measure", "3")])).status_code == 422


async def test_a_refused_save_keeps_leading_on_to_the_application(browser, session, people) -> None:
    round_id = a_round(session)
    alice = browser(people.alice)
    refused = await alice.post("/me/matters", data={"key": "m3", "then": f"{round_id}/11",
                                                     "matters-0-codes": "smart_manufacturing",
                                                     "matters-0-investment": "abc"})
    assert refused.status_code == 422 and f'name="then" value="{round_id}/11"' in refused.text
    forged = await alice.post("/me/matters", data={"key": "m4", "then": "/evil", "matters-0-codes": "key_tech"})
    assert forged.status_code == 303 and forged.headers["location"] == "/me#matters"


async def test_a_new_application_without_a_fitting_matter_links_to_登记新事项(browser, session, people) -> None:
    round_id = a_round(session)
    bob = browser(people.bob)  # bob's one matter is a key-technology project: measure 5 does not reach it
    page = (await bob.get("/applications/new", params={"round": round_id, "measure": 5})).text
    notice = page[page.index('id="no-matter"'):]
    assert notice.startswith('id="no-matter">已登记的事项中没有适用于所选措施的')
    assert f'<a href="/me?round={round_id}&amp;measure=5#matter-form">登记新事项</a>' in notice
    fits = (await bob.get("/applications/new", params={"round": round_id, "measure": 13})).text
    assert 'id="no-matter"' not in fits
    form = (await bob.get("/me", params={"round": round_id, "measure": 5})).text
    assert "申报须先登记事项：填写下表，保存后转到新建申报继续办理" in form
    assert f'name="then" value="{round_id}/5"' in form


async def test_a_new_application_whose_fitting_matter_is_taken_links_to_it_and_to_登记新事项(browser, session,
                                                                                            people) -> None:
    """Alice's one matter that measure 3 supports already has a draft: the page offers nothing to pick, so it leads
    to that application and to 登记新事项 (a second recognition is a new matter)."""
    from huiqi.applications import service as applications

    round_id = a_round(session)
    draft = applications.create_draft(session, actor=people.alice, uscc=people.alice.uscc, matter_key="h1",
                                      round_id=round_id, measure=3, amount_requested=1_000_000)
    alice = browser(people.alice)
    page = (await alice.get("/applications/new", params={"round": round_id, "measure": 3})).text
    notice = page[page.index('id="no-matter"'):].split("</p>")[0]
    assert notice.startswith('id="no-matter">已登记的事项中适用于所选措施的都不能新建申报')
    assert f'<a href="/applications/{draft.id}">事项 h1 的申报 #{draft.id}</a>' in notice
    assert f'<a href="/me?round={round_id}&amp;measure=3#matter-form">登记新事项</a>' in notice
    other = (await alice.get("/applications/new", params={"round": round_id, "measure": 5})).text
    assert 'id="no-matter"' not in other, "p1 fits measure 5 and is free"
    assert 'id="no-matter"' not in (await alice.get("/applications/new")).text, "p1 can still be applied for"
