"""The page of 免申即享 awaiting 二次确认: what was typed survives a refusal."""

from datetime import date

import pytest

from huiqi import clock
from huiqi.offers import service as offers
from tests.dbtest import direct_offer

pytestmark = pytest.mark.anyio
ON = date(2025, 7, 1)


async def test_a_reason_too_long_keeps_what_was_typed(browser, session, people) -> None:
    """Over 500 characters used to end on a bare error page, the reason lost."""
    offer = direct_offer(session, people, ON)
    typed = "名单核查：" + "长" * 500
    with clock.pinned(ON):
        refused = await browser(people.miit).post(f"/offers/{offer.id}/set-aside", data={"reason": typed})
    assert refused.status_code == 422
    assert '<a href="#f-reason">理由：请写明不予确认的理由（不超过 500 个字）</a>' in refused.text
    row = refused.text.split('id="f-reason"')[1].split("</tr>")[0]
    assert f'value="{typed[:500]}"' in row and '<span class="field-error" id="e-reason">' in row, "cut to its bound"
    assert offer.state == "open"


async def test_the_admin_sees_the_list_and_the_lead_department_decides(browser, session, people) -> None:
    """The admin used to see 确认 buttons answering 403, and could 不予确认 under a refusal saying 确认免申即享."""
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        seen = (await browser(people.admin).get("/offers/pending")).text
        decides = (await browser(people.miit).get("/offers/pending")).text
        refused = await browser(people.admin).post(f"/offers/{offer.id}/set-aside", data={"reason": "名单核查"})
        other = await browser(people.most).post(f"/offers/{offer.id}/set-aside", data={"reason": "名单核查"})
    assert "示例科技有限公司" in seen and "/confirm" not in seen and "/set-aside" not in seen
    assert "由所属措施的牵头单位确认或不予确认" in seen
    assert f"/offers/{offer.id}/confirm" in decides and f"/offers/{offer.id}/set-aside" in decides
    assert refused.status_code == 403 and "对免申即享作出不予确认" in refused.text
    assert other.status_code == 403 and "省工业和信息化厅牵头确认或不予确认" in other.text
    assert offer.state == "open"


async def test_a_reason_past_the_door_s_old_bound_is_said_beside_the_field(browser, session, people) -> None:
    """5001 characters used to meet the form's own bound (5000, not the real 500): the error page, the reason lost."""
    offer = direct_offer(session, people, ON)
    typed = "长" * 5001
    with clock.pinned(ON):
        refused = await browser(people.miit).post(f"/offers/{offer.id}/set-aside", data={"reason": typed})
    assert refused.status_code == 422 and "5000" not in refused.text
    assert '<a href="#f-reason">理由：请写明不予确认的理由（不超过 500 个字）</a>' in refused.text
    row = refused.text.split('id="f-reason"')[1].split("</tr>")[0]
    assert f'value="{typed[:500]}" aria-invalid="true" aria-describedby="e-reason">' in row and offer.state == "open"


async def test_an_offer_set_aside_in_another_tab_is_a_refusal_not_a_mistake(browser, session, people) -> None:
    """Confirming it was headed 未能完成，请修改以下内容, though nothing typed is there to correct."""
    offer = direct_offer(session, people, ON)
    miit = browser(people.miit)
    with clock.pinned(ON):
        await miit.post(f"/offers/{offer.id}/set-aside", data={"reason": "名单核查未通过"})
        late = await miit.post(f"/offers/{offer.id}/confirm")
    assert late.status_code == 409 and "名单核查未通过" in late.text
    assert '<h2 id="error-summary-title">未能完成</h2>' in late.text and "请修改以下内容" not in late.text


async def test_the_public_downloads_the_direct_page_as_it_shows(browser, client, session, people, tmp_path) -> None:
    """/direct.xlsx (public): the page's measures on one sheet, the lines of its 公示 on another: only applications
    confirmed without one (Bob's usual application, in a 公示 of its own, is on neither); a name written as a
    formula stays text."""
    import html
    import re

    from tests.dbtest import ALICE_USCC, step, to_announced
    from tests.webtest import bearer, quoted, refusal, sheet_rows

    link = '=HYPERLINK("http://x/","点击")'
    alice = bearer(session, people.alice)
    current = (await client.get(f"/api/v1/applicants/{ALICE_USCC}", headers=alice)).json()["profile"]
    profile = {k: v for k, v in current.items() if k not in ("version", "recorded_at", "recorded_by")}
    assert (await client.put(f"/api/v1/applicants/{ALICE_USCC}", headers=alice,
                             json=profile | {"name": link})).status_code == 200
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    step(session, "propose", people.miit, app, on=date(2025, 7, 2), amount=800_000)
    step(session, "announce", people.miit, app, on=date(2025, 7, 2), starts_on=date(2025, 7, 3))
    to_announced(session, people.bob, [people.most], matter="p1", measure=13, amount=10_000_000, store=tmp_path)
    public = browser(None)
    with clock.pinned(date(2025, 9, 30)):
        page = (await public.get("/direct")).text
        got = await public.get("/direct.xlsx")
        assert refusal(await browser(people.alice).get("/direct.xlsx"))[0] == 200, "anyone, signed in or not"
    assert 'href="/direct.xlsx"' in page and "导出 Excel" in page
    measures, lines = sheet_rows(got, 0), sheet_rows(got, 1)
    items = re.findall(r"<li>([^<]*)</li>", page[page.index("正在以免申即享兑现的措施"):page.index("免申即享的公示")])
    assert len(measures) == len(items) == 1 and measures[0]["申报批次"] in html.unescape(items[0])
    assert measures[0]["措施"] == "措施3 培育中小企业" and measures[0]["截止日期"].date() == date(2025, 12, 31)
    shown = [tuple(html.unescape(c) for c in row) for row in re.findall(
        r'<td data-label="单位">([^<]*)</td><td data-label="统一社会信用代码">([^<]*)</td>', page)]
    assert [(r["单位"], r["统一社会信用代码"]) for r in lines] == shown == [(link, ALICE_USCC)]
    assert lines[0]["拟支持金额（元）"] == 800_000 and lines[0]["拟支持金额（万元）"] == 80
    assert quoted(got, link), "formula-like text stays text"


async def test_each_confirmation_names_what_it_confirms(browser, session, people) -> None:
    """The dialog named only the company (确认 示例科技有限公司 的免申即享？), the same for its two offers: each now
    names the recognition, its date, the measure and the ceiling, and so does each button to a screen reader."""
    import html
    import re

    direct_offer(session, people, ON)
    with clock.pinned(ON):
        page = (await browser(people.miit).get("/offers/pending")).text
    asked = [html.unescape(a) for a in re.findall(r'data-confirm="(确认 示例科技有限公司[^"]*)"', page)]
    assert len(asked) == 2 and len(set(asked)) == 2, asked
    assert "确认 示例科技有限公司 的免申即享：制造业单项冠军企业（新认定，国家级，2025-06-01） · 措施3 培育中小企业，" \
           "可获支持上限 100万元？确认后转入审核。" in asked
    assert any("小巨人”企业（新认定，国家级，2024-07-15） · 措施3 培育中小企业" in a for a in asked), asked
    labels = [html.unescape(a) for a in re.findall(r'aria-label="((?:确认|不予确认) 示例科技有限公司[^"]*)"', page)]
    assert len(labels) == 4 and len(set(labels)) == 4, labels


async def test_the_public_page_says_where_each_line_stands(browser, session, people) -> None:
    """/direct kept showing 拟支持 100 for a line finance had since rejected, with no status: each line now says where
    it stands, as /announcements does (a rejected one 不予支持), on the page and in its Excel."""
    from tests.dbtest import step
    from tests.webtest import sheet_rows

    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    step(session, "propose", people.miit, app, on=date(2025, 7, 2), amount=1_000_000)
    step(session, "announce", people.miit, app, on=date(2025, 7, 2), starts_on=date(2025, 7, 3))
    public = browser(None)
    with clock.pinned(date(2025, 7, 4)):
        running = (await public.get("/direct")).text
    step(session, "reject", people.finance, app, on=date(2025, 7, 15), reasons="复核：该企业已迁出辽宁")
    with clock.pinned(date(2025, 7, 15)):
        rejected = (await public.get("/direct")).text
        sheet = sheet_rows(await public.get("/direct.xlsx"), 1)
        listing = (await public.get("/announcements")).text

    def row(text: str) -> str:
        return text.split('<td data-label="单位">示例科技有限公司</td>')[1].split("</tr>")[0]

    assert '<td data-label="状态"><span class="badge state">公示中</span></td>' in row(running)
    assert '<td data-label="状态"><span class="badge state">不予支持</span></td>' in row(rejected)
    assert [(r["单位"], r["状态"]) for r in sheet] == [("示例科技有限公司", "不予支持")]
    assert '<td data-label="状态"><span class="badge state">不予支持</span></td>' in listing, "the 公示 page agrees"


async def test_a_nul_in_a_reason_is_said_beside_it(browser, session, people) -> None:
    """The door answered a NUL with its own page, the row and the reason lost."""
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        refused = await browser(people.miit).post(f"/offers/{offer.id}/set-aside", data={"reason": "名单\x00核查"})
    assert refused.status_code == 422 and '<a href="#f-reason">理由：不能含有空字符（NUL）</a>' in refused.text
    row = refused.text.split('id="f-reason"')[1].split("</tr>")[0]
    assert 'value="名单核查" aria-invalid="true"' in row and offer.state == "open"
