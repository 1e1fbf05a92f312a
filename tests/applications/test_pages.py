"""The applications pages: a new matter applied for today, step by step, with the timeline; refusals
shown in Chinese on the page; other enterprises' applications out of reach; the list and its export."""

import html
import json
import re
from datetime import date

import pytest

from huiqi import clock
from huiqi.applicants import service as applicants
from huiqi.applications import service
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict
from huiqi.messages import service as messages
from huiqi.models import Round
from huiqi.rounds import opening
from tests.dbtest import ALICE_USCC, BOB_USCC, PDF, a_round, apply, step
from tests.materials.samples import png
from tests.webtest import bearer, marked

pytestmark = pytest.mark.anyio


async def _new(client, session, amount: str) -> str:
    """A draft for Alice's 小巨人 recognition under measure 3; its page's address."""
    created = await client.post(
        "/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3", "amount": amount}
    )
    return f"/applications/{_id(created)}"


def _id(response) -> int:
    assert response.status_code == 303, response.text
    return int(re.match(r"^/applications/(\d+)", response.headers["location"]).group(1))


async def test_a_new_matter_is_applied_for_today_through_the_pages(browser, session, people) -> None:
    a_round(session)  # open before the pages are read
    alice = browser(people.alice)
    saved = await alice.post(
        "/me/matters",
        data={
            "key": "lg2025",
            "matters-0-codes": "little_giant",
            "matters-0-level": "national",
            "matters-0-date": "2025-05-20",
        },
    )
    assert saved.status_code == 303
    me = (await alice.get("/me")).text
    assert f"/applications/new?matter=lg2025&amp;round={a_round(session)}&amp;measure=3" in me
    form = (
        await alice.get("/applications/new", params={"matter": "lg2025", "round": a_round(session), "measure": "3"})
    ).text
    assert '<option value="lg2025" selected>' in form
    assert re.search(rf'<option value="{a_round(session)}/3" data-matters=\'[^\']*"lg2025"[^\']*\' selected>', form)
    created = await alice.post(
        "/applications/new", data={"matter": "lg2025", "measure": f"{a_round(session)}/3", "amount": "99.5"}
    )
    number = _id(created)
    url = f"/applications/{number}"
    draft = (await alice.get(url)).text
    assert "草稿" in draft and "99.5 万元" in draft and 'type="file"' in draft and "提交申报" in draft
    assert '✗<span class="sr-only">未上传</span></span> 申报书' in draft and "尚未上传" in draft  # what is missing
    unsaid = await alice.post(f"{url}/materials", files={"file": ("认定文件.pdf", PDF, "application/pdf")})
    assert unsaid.status_code == 422 and "材料类别：请选择这份文件是哪一项材料" in unsaid.text
    uploaded = await alice.post(f"{url}/materials", files={"file": ("认定文件.pdf", PDF, "application/pdf")},
                                data={"kind": "申报书"})
    assert uploaded.status_code == 303
    listed = (await alice.get(url)).text
    assert '✓<span class="sr-only">已上传</span></span> 申报书' in listed  # the mark said, not only shown
    assert '<th><span class="sr-only">操作</span></th>' in listed and "字节" not in listed
    assert re.search(r'<td data-label="大小" class="num">\d+(\.\d)? KB</td>', listed)
    assert (await alice.post(f"{url}/declaration", data={"agree": "yes"})).status_code == 303
    assert (await alice.post(f"{url}/payee", data={"bank": "中国工商银行沈阳分行", "account": "6222000012345678",
                                                   "seen": "-"})).status_code == 303
    ready = (await alice.get(url)).text
    assert '<button type="submit" data-confirm="提交后申报进入审核，不能再修改，也不能撤回' in ready, "final"
    assert (await alice.post(f"{url}/submit")).status_code == 303
    page = (await alice.get(url)).text
    assert "市级初审" in page and "认定文件.pdf" in page and "已于" in page and "100 万元" in page  # the ceiling
    assert f"<b>{clock.today().isoformat()}</b> 提交申报 · 示例科技（企业用户）" in page
    assert "转市级初审 · 系统" in page and 'action="/applications/' + str(number) + '/submit"' not in page
    assert "申报已提交审核，不能再修改或撤回" in page  # why the buttons are gone
    past = (await alice.get("/applications", params={"page": 999})).text
    assert "没有第 999 页" in past and "还没有申报" not in past
    assert f'href="/api/v1/applications/{number}/materials/' in page
    uploader = page.split("认定文件.pdf")[1].split("</tr>")[0]
    assert "示例科技（企业用户）" in uploader and "alice" not in uploader  # who uploaded, by name, not login name


async def test_a_matter_with_a_chinese_name_is_shown_with_its_type_date_and_ceiling(browser, session, people) -> None:
    a_round(session)
    alice = browser(people.alice)
    saved = await alice.post("/me/matters", data={"key": "小巨人认定（2025）", "matters-0-codes": "little_giant",
                                                  "matters-0-level": "national", "matters-0-date": "2025-05-20"})
    assert saved.status_code == 303, "a matter may be named in Chinese"
    form = (await alice.get("/applications/new", params={"matter": "小巨人认定（2025）"})).text
    assert ('<option value="小巨人认定（2025）" selected>小巨人认定（2025） · 专精特新“小巨人”企业（新认定） · '
            "2025-05-20 · 最高 100 万元（措施3）</option>") in form
    assert "m2（" not in form
    created = await alice.post("/applications/new", data={"matter": "小巨人认定（2025）",
                                                          "measure": f"{a_round(session)}/3", "amount": "80"})
    assert created.status_code == 303
    too_long = await alice.post("/me/matters", data={"key": "长" * 65, "matters-0-codes": "little_giant"})
    assert too_long.status_code == 422 and "1 至 64 个字" in too_long.text and 'href="#f-key"' in too_long.text


async def test_each_measure_names_the_matters_whose_types_it_supports(browser, client, session, people) -> None:
    """The form marks each round-measure with the matters it can take (script then offers only those for the matter
    chosen): measure 3 (小巨人) takes h1, measure 13 does not, as the service would refuse it after saving."""
    number = a_round(session)
    alice = browser(people.alice)
    spaced = await client.put(f"/api/v1/applicants/{ALICE_USCC}/matters/小巨人 2025",  # the API takes a space
                              headers=bearer(session, people.alice), json={
                                  "type": "honour", "codes": ["little_giant"], "level": "national",
                                  "date": "2025-05-20"})
    assert spaced.status_code == 200, spaced.text
    form = (await alice.get("/applications/new")).text
    fits = {k: json.loads(html.unescape(v)) for k, v in
            re.findall(r'<option value="(\d+/\d+)" data-matters=\'([^\']*)\'', form)}
    assert "h1" in fits[f"{number}/3"] and "h1" not in fits[f"{number}/13"]
    assert "小巨人 2025" in fits[f"{number}/3"], "a key with a space is one key, not two"
    assert 'data-follows="f-matter"' in form


async def test_an_empty_form_names_every_field_at_once(browser, session, people) -> None:
    refused = await browser(people.alice).post("/applications/new", data={"matter": "", "measure": "", "amount": "-1"})
    assert refused.status_code == 422
    said = [refused.text.index(f'<a href="#f-{field}">{text}') for field, text in (
        ("matter", "事项：请选择事项"), ("measure", "批次与措施：请选择一个开放中的批次和措施"),
        ("amount", "申请金额（万元）：金额应大于 0 万元"))]
    assert said == sorted(said), "in the form's order"


async def test_an_amount_is_a_plain_number_in_wan(browser, session, people) -> None:
    alice = browser(people.alice)
    for typed in ("1e3", "Infinity"):
        refused = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                              "amount": typed})
        assert refused.status_code == 422
        assert f'<a href="#f-amount">申请金额（万元）：「{typed}」不是数字：以万元为单位' in refused.text
    for typed in ("-5", "0"):
        refused = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                              "amount": typed})
        assert refused.status_code == 422 and '<a href="#f-amount">申请金额（万元）：金额应大于 0 万元' in refused.text
        assert "（元，整数）" not in refused.text, "the form is in 万元"
    assert (await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                        "amount": "1,000"})).status_code == 303
    other = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/13",
                                                         "amount": "10"})  # refused by the service, not the page
    assert other.status_code in (409, 422) and "#f-measure" in other.text and ">批次与措施：" in other.text, other.text


async def test_a_matter_already_applied_for_cannot_be_chosen_again(browser, session, people) -> None:
    """The form shows the matter with its live application and does not let it be chosen; a second draft sent
    anyway is refused, saying why."""
    alice = browser(people.alice)
    first = _id(await alice.post("/applications/new",
                                 data={"matter": "h1", "measure": f"{a_round(session)}/3", "amount": "100"}))
    form = (await alice.get("/applications/new", params={"matter": "h1"})).text
    option = re.search(r'<option value="h1"[^>]*>[^<]*</option>', form).group(0)
    assert " disabled>" in option and " selected" not in option
    assert option.endswith(f" · 已有在办申报 #{first}（草稿）</option>")
    again = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                        "amount": "50"})
    assert again.status_code == 409
    assert f"事项 h1 已有在办申报 #{first}（草稿）：一个事项只能有一项在办申报" in again.text


async def test_refusals_are_shown_on_the_page_in_chinese(browser, session, people) -> None:
    alice = browser(people.alice)
    url = await _new(alice, session, "200")
    early = await alice.post(f"{url}/submit")
    assert early.status_code == 409 and "提交前须作出承诺" in early.text and "草稿" in early.text
    for staff in (people.auditor, people.admin):  # who may not upload hears that first, not what is wrong with a file
        empty = await browser(staff).post(f"{url}/materials", files={"file": ("a.pdf", b"", "application/pdf")})
        assert empty.status_code == 403, (staff.username, empty.status_code)
    both = await alice.post(f"{url}/materials", files={"file": ("a.pdf", b"", "application/pdf")})
    assert both.status_code == 422 and "材料文件" in both.text and "请选择这份文件是哪一项材料" in both.text
    bad = await alice.post(f"{url}/materials", files={"file": ("a.pdf", b"MZ not a pdf", "application/pdf")},
                           data={"kind": "申报书"})
    assert bad.status_code == 422 and "材料文件" in bad.text and "不是 PDF、OFD、JPG 或 PNG" in bad.text
    assert (await alice.post(f"{url}/declaration")).status_code == 422
    await alice.post(f"{url}/declaration", data={"agree": "yes"})
    png_as = await alice.post(f"{url}/materials", files={"file": ("a.png", png(), "image/png")},
                              data={"kind": "申报书"})
    assert png_as.status_code == 422 and "“申报书”只接受 PDF、OFD 格式" in png_as.text
    await alice.post(f"{url}/materials", files={"file": ("a.png", png(), "image/png")}, data={"kind": "证明材料"})
    missing = await alice.post(f"{url}/submit")
    assert missing.status_code == 409 and "提交前须上传：申报书" in missing.text  # the PNG went in as 证明材料
    await alice.post(f"{url}/materials", files={"file": ("申报书.pdf", PDF, "application/pdf")},
                     data={"kind": "申报书"})
    unpaid = await alice.post(f"{url}/submit")
    assert unpaid.status_code == 422 and marked(unpaid.text) == [
        ("f-bank", "提交前须填写开户银行并确认收款账户"),
        ("f-account", "提交前须填写银行账号（8 至 32 位数字）并确认收款账户")], "beside the payee boxes"
    assert '<a href="#f-bank">确认收款账户</a>' in unpaid.text, "beside the submit button, before and after the click"
    typo = await alice.post(f"{url}/payee", data={"bank": "中国工商银行沈阳分行", "account": "6222-00ab", "seen": "-"})
    assert typo.status_code == 422 and marked(typo.text) == [("f-account", "应为 8 至 32 位数字（可含空格或连字符 -）")]
    assert 'value="中国工商银行沈阳分行"' in typo.text and 'value="6222-00ab"' in typo.text, "what was typed is kept"
    confirmed = await alice.post(f"{url}/payee", data={"bank": "中国工商银行沈阳分行",
                                                       "account": "６２２２ 0000 1234 5678", "seen": "-"})
    assert confirmed.status_code == 303 and confirmed.headers["location"].endswith("#payee")
    shown = (await alice.get(url)).text
    assert "已确认：中国工商银行沈阳分行，账号尾号 5678" in shown and "6222000012345678" not in shown
    assert "确认收款账户</a>" not in shown and ">变更收款账户</button>" in shown
    stale = await alice.post(f"{url}/payee", data={"bank": "中国银行", "account": "60138200", "seen": "-"})
    assert stale.status_code == 409 and "收款账户刚刚已确认为 中国工商银行沈阳分行，账号尾号 5678" in stale.text
    over = await alice.post(f"{url}/submit")
    assert over.status_code == 409 and "超过上限 100 万元" in over.text
    amount = await alice.post(f"{url}/amount", data={"amount": "1.23456"})
    assert amount.status_code == 422 and "最多四位小数" in amount.text and 'value="1.23456"' in amount.text
    zero = await alice.post(f"{url}/amount", data={"amount": "0"})
    assert zero.status_code == 422 and "金额应大于 0 万元" in zero.text and "（元，整数）" not in zero.text
    assert (await alice.post(f"{url}/amount", data={"amount": "100"})).status_code == 303
    assert (await alice.post(f"{url}/submit")).status_code == 303


async def test_a_new_application_form_keeps_what_was_typed(browser, session, people) -> None:
    alice = browser(people.alice)
    response = await alice.post(
        "/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3", "amount": "1e"}
    )
    assert response.status_code == 422 and "不是数字" in response.text and 'value="1e"' in response.text
    response = await alice.post(
        "/applications/new", data={"matter": "nope", "measure": f"{a_round(session)}/3", "amount": "1"}
    )
    assert response.status_code == 404 and "没有编号为 nope 的事项" in response.text
    response = await alice.post(
        "/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/19", "amount": "1"}
    )
    assert response.status_code == 422 and "没有开放措施19" in response.text


async def test_withdraw_from_the_page(browser, session, people) -> None:
    alice = browser(people.alice)
    url = await _new(alice, session, "1")
    assert (await alice.post(f"{url}/withdraw")).status_code == 303
    page = (await alice.get(url)).text
    assert "已撤回" in page and "撤回 · 示例科技（企业用户）" in page and "上传" not in page


async def test_another_enterprises_application_is_out_of_reach(browser, people, session, tmp_path) -> None:
    bobs = apply(
        session,
        people.bob,
        matter="p1",
        measure=13,
        amount=1_000_000,
        on=date(2025, 9, 1),
        store=tmp_path / "materials",
    )
    alice = browser(people.alice)
    for response in (
        await alice.get(f"/applications/{bobs.id}"),
        await alice.post(f"/applications/{bobs.id}/withdraw"),
        await alice.post(f"/applications/{bobs.id}/amount", data={"amount": "1"}),
    ):
        assert response.status_code == 404 and "大连数据" not in response.text and BOB_USCC not in response.text
    listing = (await alice.get("/applications")).text
    assert "大连数据" not in listing and "还没有申报" in listing


async def test_the_list_shows_states_and_amounts_and_links_the_export(browser, people, session, tmp_path) -> None:
    store = tmp_path / "materials"
    mine = apply(session, people.alice, matter="h1", measure=3, amount=500_000, on=date(2025, 9, 1), store=store)
    apply(session, people.bob, matter="p1", measure=13, amount=1_000_000, on=date(2025, 9, 1), store=store)
    text = (await browser(people.alice).get("/applications")).text
    assert f'href="/applications/{mine.id}"' in text and "市级初审" in text and ">50<" in text
    assert "导出 Excel" in text and "/api/v1/applications/export.xlsx" in text and "大连数据" not in text
    admin = (await browser(people.admin).get("/applications", params={"state": "department_review"})).text
    assert "大连数据有限公司" in admin and "示例科技有限公司" not in admin


async def test_the_page_names_the_matter_city_and_routing_in_words_and_hides_the_version_hash(
        browser, session, people, tmp_path) -> None:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    mine = (await browser(people.alice).get(f"/applications/{app.id}")).text
    assert "事项 专精特新“小巨人”企业（新认定，国家级，2024-07-15）" in mine and "事项 h1" not in mine
    assert "· 沈阳市" in mine and "转市级初审 · 系统（自动）" in mine
    assert app.policy_version and app.policy_version not in mine  # the hash is for admins and auditors
    from huiqi.catalogue import repository as versions

    held = versions.by_version(session, app.policy_version)
    assert held is not None and held.published_on is not None and held.digest.startswith(app.policy_version)
    said = f"提交时按本系统政策规则第 {held.id} 版（{held.published_on:%Y-%m-%d} 上线）的判断"  # the business day
    assert said in mine  # the enterprise reads the version's number and date instead
    audited = (await browser(people.auditor).get(f"/applications/{app.id}")).text
    assert app.policy_version in audited


def _preview(page: str) -> str:
    shown = page[page.index('id="preview"'):]
    return shown[:shown.index("</div>")]


def _blocked(page: str) -> str:
    """What the top of the page says would refuse a submission now ('' when nothing would)."""
    if 'id="blocked"' not in page:
        return ""
    shown = page[page.index('id="blocked"'):]
    return shown[:shown.index("</div>")]


async def test_a_draft_previews_the_rules_and_warns_of_a_higher_measure(browser, session, people) -> None:
    """Alice's p1 is a component project (measure 5, 3000万元) and smart manufacturing (measure 11, 1000万元): a draft
    under 11 is told before submission that 从高不重复 keeps 5, and that one policy supports a matter once."""
    alice = browser(people.alice)
    with clock.pinned(date(2025, 9, 1)):
        created = await alice.post("/applications/new",
                                   data={"matter": "p1", "measure": f"{a_round(session)}/11", "amount": "1000"})
        page = (await alice.get(f"/applications/{_id(created)}")).text
        preview = _preview(page)
    assert "按今天（2025-09-01）的规则预判" in preview and "上限 1000 万元" in preview
    assert "该事项在本政策中应由措施5支持（上限 3000 万元）。同一政策下一个事项只支持一次" in preview, preview
    assert "<li>提交前须上传：申报书" in _blocked(page), "the round's required material"
    assert 'disabled aria-disabled="true" aria-describedby="submit-why">提交申报' in page, "unavailable, and why"
    assert "超过上限" not in _blocked(page)
    assert "如要申报措施5，请撤回本申报后重新申报" in preview


async def test_a_draft_says_what_submission_would_refuse(browser, session, people) -> None:
    alice = browser(people.alice)
    with clock.pinned(date(2025, 9, 1)):
        url = await _new(alice, session, "200")
        page = (await alice.get(url)).text
        assert "<li>申请金额 200 万元超过上限 100 万元" in _blocked(page), _blocked(page)
        assert "如有疑问，请咨询责任单位：省工业和信息化厅。" in _blocked(page), "the measure's lead unit"
        session.get(Round, a_round(session)).contact = "省数据局 024-12345678"
        session.flush()
        asked = _blocked((await alice.get(url)).text)
        assert "如有疑问，请咨询责任单位：省工业和信息化厅；申报批次咨询：省数据局 024-12345678。" in asked, asked
        assert "应由措施" not in _preview(page) and "截止" not in _blocked(page)
        assert (await alice.post(f"{url}/amount", data={"amount": "100"})).status_code == 303
        assert "超过上限" not in _blocked((await alice.get(url)).text)
    with clock.pinned(date(2031, 1, 6)):
        blocked = _blocked((await alice.get(url)).text)
    assert "<li>申报批次「" in blocked and "已于 2030-12-31 截止，不能再提交" in blocked, blocked
    assert "也可以撤回本申报" in blocked


async def test_a_draft_whose_stored_facts_the_rules_cannot_read_still_opens(browser, session, people) -> None:
    """A fact stored before the reference data changed (here a region code that is no longer one) makes the rules
    refuse the case: the draft's page still opens and says why, instead of failing."""
    from huiqi.applicants import repository

    alice = browser(people.alice)
    with clock.pinned(date(2025, 9, 1)):
        url = await _new(alice, session, "100")
        repository.current_profile(session, repository.by_uscc(session, people.alice.uscc).id).region = "219999"
        session.flush()
        page = await alice.get(url)
    assert page.status_code == 200
    shown = page.text[page.text.index('id="preview"'):]
    assert shown.startswith('id="preview">本单位登记的信息无法按现行规则判断，提交将不被受理：'), shown[:300]


async def test_the_page_shows_where_the_application_stands(browser, session, people, tmp_path) -> None:
    from datetime import date

    from tests.dbtest import apply

    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1),
                store=tmp_path)  # measure 3 has a city pre-review: it waits for 沈阳
    page = (await browser(people.alice).get(f"/applications/{app.id}")).text
    stages = page[page.index('<ol class="progress"'):page.index("</ol>", page.index('<ol class="progress"'))]
    assert '<li class="done">填报<span class="sr-only">（已完成）</span></li>' in stages
    assert '<li class="current" aria-current="step">市级初审</li>' in stages
    assert '<li class="todo">拨付</li>' in stages


async def test_a_rejected_application_says_why_at_the_top(browser, session, people, tmp_path) -> None:
    """不予支持 is said with its reasons and who decided, where 退回补正 is said, not only at the foot of the
    timeline under the rules' green ticks."""
    from tests.dbtest import step

    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1),
                store=tmp_path)
    before = (await browser(people.alice).get(f"/applications/{app.id}")).text
    assert 'id="rejected"' not in before
    step(session, "reject", people.shenyang, app, on=date(2025, 9, 3), reasons="认定文件与事项不符")
    page = (await browser(people.alice).get(f"/applications/{app.id}")).text
    banner = page[page.index('id="rejected"'):page.index("</div>", page.index('id="rejected"'))]
    assert "不予支持" in banner and "认定文件与事项不符" in banner and "2025-09-03" in banner
    assert page.index('id="rejected"') < page.index('class="kpis"')


async def test_the_matter_list_names_a_measure_still_to_be_decided(browser, session, people) -> None:
    a_round(session)
    applicants.save_matter(session, actor=people.bob, uscc=BOB_USCC, matter={
        "id": "p2", "type": "project", "codes": ["key_tech"], "date": "2025-04-01"})
    form = (await browser(people.bob).get("/applications/new")).text
    option = re.search(r'<option value="p2"[^>]*>([^<]*)</option>', form).group(1)
    assert "暂无可获支持的措施" not in option
    assert "待定，最高 1000 万元（措施13），需补充：" in option, option


async def test_a_return_past_its_correction_days_offers_no_edits(browser, session, people, tmp_path) -> None:
    policy = catalogue.published(session)[0]
    with clock.pinned(date(2025, 7, 1)):
        found = opening.open_round(session, actor=people.admin, policy_id=policy.id, title="2025年度申报",
                                   opens_on=date(2025, 7, 1), closes_on=date(2025, 8, 18), correction_days=5,
                                   measures=[opening.MeasureIn(3)])
        draft = service.create_draft(session, actor=people.alice, uscc=people.alice.uscc, matter_key="h1",
                                     round_id=found.id, measure=3, amount_requested=1_000_000)
    service.add_material(session, actor=people.alice, application_id=draft.id, filename="申报书.pdf", content=PDF,
                         store=tmp_path)
    service.declare(session, actor=people.alice, application_id=draft.id)
    step(session, "submit", people.alice, draft, on=date(2025, 8, 18))
    step(session, "return", people.shenyang, draft, on=date(2025, 8, 20), reasons="缺少认定文件")
    alice = browser(people.alice)
    with clock.pinned(date(2025, 8, 27)):  # the last of the five working days: still mendable
        within = (await alice.get(f"/applications/{draft.id}")).text
    assert "保存金额" in within and ">上传</button>" in within and 'id="overdue"' not in within
    assert '<span id="due">请于 2025年8月27日（含当日）前补正并重新提交（退回之日起 5 个工作日）。</span>' in within
    told = messages.inbox(session, actor=people.alice)[0].body
    assert told.endswith("缺少认定文件。请于 2025年8月27日（含当日）前在申报页面修改后重新提交"
                         "（退回之日起 5 个工作日）。")
    with clock.pinned(date(2025, 8, 28)):
        late = (await alice.get(f"/applications/{draft.id}")).text
    assert "保存金额" not in late and ">上传</button>" not in late and ">撤下</button>" not in late
    assert "补正期限已过" in late and "撤回" in late and 'id="due"' not in late
    said = "退回补正的申报须在退回后 5 个工作日内（截至 2025年8月27日，含当日）重新提交，已逾期，不能再"
    attached = service.materials(session, actor=people.alice, application_id=draft.id)[0]
    with clock.pinned(date(2025, 8, 28)):  # nor does the service take a change the page no longer offers
        for doing, change in (
                ("修改", lambda: service.change_amount(session, actor=people.alice, application_id=draft.id,
                                                      amount_requested=900_000)),
                ("上传材料", lambda: service.add_material(session, actor=people.alice, application_id=draft.id,
                                                        filename="认定文件.pdf", content=PDF + b"%2", store=tmp_path)),
                ("撤下材料", lambda: service.remove_material(session, actor=people.alice, application_id=draft.id,
                                                           material_id=attached.id))):
            with pytest.raises(Conflict, match=f"{said}{doing}；可以撤回本申报"):
                change()
        posted = await alice.post(f"/applications/{draft.id}/amount", data={"amount": "90"})
    assert posted.status_code == 409 and f"{said}修改" in posted.text
    assert draft.amount_requested == 1_000_000 and attached.removed_at is None


async def test_the_page_says_when_the_announcement_runs_and_ticks_it_once_it_ended(browser, session, people,
                                                                                  tmp_path) -> None:
    """The page used to say only 列入公示 on the day it was listed, and kept 公示 current after it ended."""
    from tests.dbtest import to_announced

    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)  # 2025-09-29 for 5 working days: to 10-11 (a make-up day)
    period = "列入公示：公示期 2025-09-29 至 2025-10-11（5 个工作日）"
    for who, path in ((people.alice, f"/applications/{app.id}"), (people.miit, f"/review/{app.id}")):
        with clock.pinned(date(2025, 10, 10)):
            running = (await browser(who).get(path)).text
        with clock.pinned(date(2025, 10, 13)):
            ended = (await browser(who).get(path)).text
        assert period in running and period in ended, path
        assert '<li class="current" aria-current="step">公示</li>' in running, path
        assert '<li class="done">公示<span class="sr-only">（已完成）</span></li>' in ended, path
        assert '<li class="current" aria-current="step">批准</li>' in ended, path


async def test_a_list_confirmed_application_reads_as_confirmed_not_applied_for(browser, session, people) -> None:
    """免申即享: the enterprise applied for nothing; its page names the list the amount was set from."""
    from huiqi.offers import service as offers
    from tests.dbtest import direct_offer

    offer = direct_offer(session, people, date(2025, 7, 1))
    with clock.pinned(date(2025, 7, 2)):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
        for who, path in ((people.alice, f"/applications/{app.id}"), (people.miit, f"/review/{app.id}")):
            page = (await browser(who).get(path)).text
            assert "来源：免申即享（依据工信部企业函〔2025〕测试号，2025-06-01 公布的认定名单，由责任单位确认）" in page
            # nothing reads as approved before approval: the amount is what it may get, the ceiling the confirmation's
            assert "可获支持金额" in page and "核定金额" not in page and "申请金额</span>" not in page, path
            assert "上限（确认时" in page and "上限（提交时" not in page, path
    mine = (await browser(people.alice).get(f"/applications/{app.id}")).text
    assert "确认日期" in mine and "提交日期" not in mine
    assert "上限（确认时按规则计算）" in mine and "确认时按本系统政策规则" in mine


async def test_the_analyst_is_told_the_list_is_not_theirs_not_shown_an_empty_one(browser, session, people,
                                                                                 tmp_path) -> None:
    """Applications exist, yet the analyst's list said 还没有申报 with its filters and 导出 Excel: refused as the
    applicants' directory refuses it, pointing to the sums; the export (whatever its filters) alike."""
    apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    analyst = browser(people.analyst)
    for path in ("/applications", "/applications?state=nonsense", "/api/v1/applications/export.xlsx",
                 "/api/v1/applications/export.xlsx?city=abc"):
        refused = await analyst.get(path)
        assert refused.status_code == 403, (path, refused.status_code)
        said = refused.text if path.startswith("/applications") else refused.json()["detail"]
        assert "政策分析人员只看汇总，不查看具体单位和申报：请从“统计”或“财政测算”进入" in said, path
        assert "还没有申报" not in said and "导出 Excel" not in said
    assert "示例科技有限公司" in (await browser(people.finance).get("/applications")).text, "there is one to list"
