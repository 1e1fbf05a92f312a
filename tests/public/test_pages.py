"""The public pages: Chinese, no CDN, and the calculator (with its CSRF double-submit cookie)."""

import re
from datetime import date

import pytest

from huiqi.web.deps import CSRF_COOKIE
from tests.webtest import marked

pytestmark = pytest.mark.anyio
FORM = {
    "applicant-kind": "enterprise", "applicant-region": "210100", "applicant-industry": "6513",
    "matters-0-codes": ["component_manufacturing", "smart_manufacturing"], "matters-0-build": "expansion",
    "matters-0-sector": "sensor", "matters-0-investment": "8000", "matters-0-date": "2024-03-01",
    "as_of": "2025-06-30",
}


@pytest.mark.parametrize(("path", "text"), [
    ("/", "数字经济"), ("/policy", "发展总部经济"), ("/calculator", "政策计算器"), ("/announcements", "公示"),
    ("/whitelist", "白名单"), ("/login", "登录"),
])
async def test_pages_in_chinese_without_cdn(client, path, text) -> None:
    response = await client.get(path)
    assert response.status_code == 200 and text in response.text
    assert not re.search(r'(src|href)="(https?:)?//', response.text), "every script and style is served from here"
    assert 'lang="zh-CN"' in response.text
    assert not re.search(r'src="https?://', response.text)


async def test_unknown_page_is_a_chinese_404(client) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404 and "没有这个地址" in response.text


async def test_calculator_needs_its_csrf_token_once_a_cookie_is_set(client) -> None:
    page = await client.get("/calculator")
    token = client.cookies.get(CSRF_COOKIE)
    assert token and f'value="{token}"' in page.text
    refused = await client.post("/calculator", data=FORM)
    assert refused.status_code == 403 and "CSRF" in refused.text
    answer = await client.post("/calculator", data={**FORM, "csrf_token": token}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "3000" in answer.text and "从高：由措施5支持" in answer.text and "<html" not in answer.text
    assert ">措施5 做强电子元器件及设备制造业</a>" in answer.text, "measures cited as every list cites them"
    assert 'td data-label="状态"' in answer.text, "the rows stack into cards on a phone"


async def test_the_csrf_token_is_read_from_a_form_whatever_the_case_of_its_type(client) -> None:
    """A content type is case-insensitive (RFC 9110): ``Application/X-WWW-Form-Urlencoded`` is still a form, and its
    token field is read (it was refused as a forgery)."""
    from urllib.parse import urlencode

    await client.get("/calculator")
    body = urlencode({**FORM, "csrf_token": client.cookies.get(CSRF_COOKIE)}, doseq=True)
    answer = await client.post("/calculator", content=body, headers={
        "Content-Type": "Application/X-WWW-Form-Urlencoded", "HX-Request": "true"})
    assert answer.status_code == 200 and "从高：由措施5支持" in answer.text


async def test_the_mistakes_are_listed_in_the_form_s_order(client) -> None:
    await client.get("/calculator")
    bad = {**FORM, "applicant-uscc": "91210100000000000X", "applicant-revenue": "-5",
           "csrf_token": client.cookies.get(CSRF_COOKIE)}
    answer = await client.post("/calculator", data=bad, headers={"HX-Request": "true"})
    summary = answer.text.split('class="errors error-summary"')[1].split("</ul>")[0]
    assert answer.status_code == 422
    assert summary.index("#f-applicant-uscc") < summary.index("#f-applicant-revenue"), summary


async def test_a_row_is_named_as_its_legend_numbers_it_and_rows_stop_at_the_most(client) -> None:
    await client.get("/calculator")
    form = {**FORM, "matters-2-codes": "smart_manufacturing", "matters-2-investment": "-5",
            "csrf_token": client.cookies.get(CSRF_COOKIE)}  # row 1 was taken off the form
    answer = await client.post("/calculator", data=form, headers={"HX-Request": "true"})
    assert answer.status_code == 422 and '<a href="#f-matters-2-investment">事项3·投资额（万元）' in answer.text
    last = await client.get("/calculator/matter", params={"i": 29, "add": "true"}, headers={"HX-Request": "true"})
    assert last.status_code == 200 and 'disabled>最多 30 个事项</button>' in last.text and "i=30" not in last.text


async def test_a_missing_sum_is_asked_for_in_wan_as_typed(client) -> None:
    await client.get("/calculator")
    form = {k: v for k, v in FORM.items() if k != "matters-0-investment"}
    answer = await client.post("/calculator", data={**form, "csrf_token": client.cookies.get(CSRF_COOKIE)},
                               headers={"HX-Request": "true"})
    assert "事项1·投资额（万元）" in answer.text and "投资额（元）" not in answer.text


async def test_calculator_converts_wan_exactly_and_names_bad_fields(client) -> None:
    await client.get("/calculator")
    token = client.cookies.get(CSRF_COOKIE)
    odd = {**FORM, "matters-0-investment": "3333.3333", "csrf_token": token}
    answer = await client.post("/calculator", data=odd, headers={"HX-Request": "true"})
    assert "999.9999" in answer.text, "30% of 33,333,333 元 floored: 9,999,999 元"
    bad = await client.post("/calculator", data={**odd, "matters-0-investment": "1.23456"},
                            headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "事项1·投资额（万元）：金额精确到元" in bad.text, "the form's unit"
    negative = await client.post("/calculator", data={**odd, "applicant-revenue": "-5"}, headers={"HX-Request": "true"})
    assert negative.status_code == 422 and "申报单位·本年营业收入（万元）：金额不能为负数" in negative.text
    assert "（元）" not in negative.text.split("本年营业收入")[1][:5]


async def test_calculator_matter_types_are_checkboxes_in_three_groups(client) -> None:
    text = (await client.get("/calculator")).text
    assert "multiple" not in text, "no multi-select that needs Ctrl-click"
    groups = [text.index(f"<legend>{title}</legend>") for title in ("荣誉认定", "项目", "设立机构")]
    assert groups == sorted(groups)
    box = '<input type="checkbox" id="f-matters-0-codes{}" name="matters-0-codes" value="{}"'
    assert box.format("", "global_500") in text, "the first box is the one an error links to"
    assert groups[0] < text.index(box.format("-little_giant", "little_giant")) < groups[1]
    assert groups[1] < text.index(box.format("-smart_manufacturing", "smart_manufacturing")) < groups[2]
    assert groups[2] < text.index(box.format("-establishment", "establishment"))
    assert groups[2] < text.index(box.format("-spin_off", "spin_off"))


async def test_calculator_matter_fields_say_which_types_need_them(client) -> None:
    response = await client.get("/calculator/matter", params={"i": 2, "matters-2-codes": "digital_benchmark"})
    needed = dict(re.findall(r'<label data-needed-by="([^"]+)">.*?name="matters-2-(\w+)"', response.text, re.S))
    by_field = {field: codes.split() for codes, field in needed.items()}
    assert by_field["sector"] == ["component_manufacturing"] and by_field["domain"] == ["digital_benchmark"]
    assert {"smart_manufacturing", "digital_benchmark", "chain_introduction"} <= set(by_field["investment"])
    assert 'data-needed-by' not in response.text.split('name="matters-2-date"')[0].rsplit("<label", 1)[1]
    assert 'value="digital_benchmark" checked' in response.text


async def test_calculator_offers_the_levels_each_code_allows(client) -> None:
    text = (await client.get("/calculator")).text

    def accepting(level: str) -> list[str]:
        return re.search(rf'<option value="{level}" data-codes="([^"]*)"', text).group(1).split()

    assert "little_giant" not in accepting("international") and "little_giant" not in accepting("industry")
    assert "little_giant" in accepting("national") and "little_giant" in accepting("provincial")
    assert accepting("international") == accepting("industry") == ["standard_lead"]
    assert "gazelle" in accepting("provincial") and "gazelle" not in accepting("national")


async def test_calculator_region_is_a_city_then_its_districts(client) -> None:
    text = (await client.get("/calculator")).text
    city = text[text.index('id="f-applicant-city"'):]
    city = city[:city.index("</select>")]
    assert '<option value="210300">鞍山市</option>' in city and "铁西区" not in city and "辽宁省外" in city
    district = text[text.index('id="f-applicant-region"'):]
    district = district[:district.index("</select>")]
    assert "沈阳市铁西区" in district and "鞍山市铁西区" in district and ">铁西区<" not in district
    assert district.index('<optgroup label="沈阳市">') < district.index("沈阳市铁西区") < district.index(
        '<optgroup label="大连市">'), "without script each district is under its own city"
    only = await client.get("/districts", params={"district_field": "applicant-region",
                                                  "city_field": "applicant-city", "applicant-city": "210300"})
    assert "鞍山市铁西区" in only.text and "沈阳市" not in only.text and "（不细分区县）" in only.text
    assert 'id="f-applicant-region" name="applicant-region"' in only.text
    outside = await client.get("/districts", params={"district_field": "region", "city_field": "city",
                                                     "city": "110101"})
    assert "辽宁省外" in outside.text and "区" not in outside.text.replace("区县", "")


async def test_calculator_reads_the_district_of_the_chosen_city(client) -> None:
    await client.get("/calculator")
    token = client.cookies.get(CSRF_COOKIE)
    form = {**FORM, "applicant-region": "210106", "applicant-city": "210100", "csrf_token": token}
    answer = await client.post("/calculator", data=form)
    assert answer.status_code == 200 and "从高：由措施5支持" in answer.text
    shown = answer.text[answer.text.index('id="f-applicant-region"'):]
    shown = shown[:shown.index("</select>")]
    assert '<option value="210106" selected>沈阳市铁西区</option>' in shown and "鞍山市" not in shown
    city_only = await client.post("/calculator", data={**form, "applicant-region": ""})
    assert city_only.status_code == 200 and "从高：由措施5支持" in city_only.text
    wrong = await client.post("/calculator", data={**form, "applicant-region": "210303"})
    assert wrong.status_code == 422
    said = "鞍山市铁西区不在沈阳市，请在沈阳市的区县中重新选择"
    assert f'<a href="#f-applicant-region">申报单位·注册地：{said}</a>' in wrong.text
    assert '<span class="field-error" id="e-applicant-region">鞍山市铁西区不在沈阳市' in wrong.text


async def test_calculator_asks_the_facts_of_issue_11(client) -> None:
    honour = await client.get("/calculator/matter", params={"i": 0, "matters-0-codes": "global_500"})
    assert 'name="matters-0-group_core"' in honour.text
    place = await client.get("/calculator/matter", params={"i": 1, "matters-1-codes": "establishment"})
    assert 'name="matters-1-institution_confirmed"' in place.text and 'value="other_function"' in place.text
    project = await client.get("/calculator/matter", params={"i": 2, "matters-2-codes": "component_manufacturing"})
    assert '<option value="other">其他信息技术产业及配套产业</option>' in project.text


async def test_calculator_shows_both_ceilings_and_what_has_expired(client) -> None:
    await client.get("/calculator")
    token = client.cookies.get(CSRF_COOKIE)
    topped = {**FORM, "matters-0-other_support": "1000", "csrf_token": token}
    answer = await client.post("/calculator", data=topped, headers={"HX-Request": "true"})
    assert "措施上限 3000，扣除已获其他政策支持 1000" in answer.text and "补足差额" in answer.text
    later = {**FORM, "applicant-size": "small", "as_of": "2026-12-04", "csrf_token": token}
    answer = await client.post("/calculator", data=later, headers={"HX-Request": "true"})
    assert "已失效" in answer.text and "适用的服务措施" not in answer.text


async def test_calculator_asks_the_next_question_first(client) -> None:
    await client.get("/calculator")
    token = client.cookies.get(CSRF_COOKIE)
    form = {"applicant-kind": "enterprise", "applicant-region": "210100", "applicant-industry": "6513",
            "matters-0-codes": "little_giant", "matters-0-date": "2023-07-15",
            "matters-2-codes": "smart_manufacturing", "matters-2-date": "2024-03-01",
            "as_of": "2025-06-30", "csrf_token": token}
    answer = await client.post("/calculator", data=form, headers={"HX-Request": "true"})
    text = answer.text
    assert text.index("先回答这个问题") < text.index("<table")
    assert "事项3（智能制造项目）的投资额是多少（万元）？" in text and "最多涉及 1000 万元" in text  # row 2's legend
    assert 'form="calculator" name="matters-2-investment"' in text  # answered in place, sent with the form
    assert "之后还要问（1 个）" in text and "事项1（专精特新" in text
    answered = await client.post("/calculator", data={**form, "matters-2-investment": ["", "5000"],
                                                      "matters-0-level": "industry"}, headers={"HX-Request": "true"})
    assert "先回答这个问题" not in answered.text
    # The form comes back out of band with the answer in it, so that the next calculation (or share) keeps it.
    assert 'id="calculator"' in answered.text and 'hx-swap-oob="true"' in answered.text
    assert 'name="matters-2-investment" inputmode="decimal" value="5000"' in answered.text
    whole = await client.post("/calculator", data={**form, "matters-2-investment": "5000"})
    assert whole.text.count('id="calculator"') == 1 and "hx-swap-oob" not in whole.text  # the page: one form
    assert "怎样才能符合：若级别为国家级或省级，即可符合" in answered.text and "「国家级和省级" in answered.text


async def test_calculator_answer_prints_as_a_recap_and_shares_without_the_facts(client, set_today) -> None:
    from datetime import date

    from huiqi.config import get_settings

    set_today(date(2025, 6, 30))
    await client.get("/calculator")
    token = client.cookies.get(CSRF_COOKIE)
    form = {**FORM, "applicant-name": "甲秘密科技有限公司", "applicant-uscc": "91210100MA0QC1B25F",
            "matters-0-other_support": "1234", "csrf_token": token}
    answer = await client.post("/calculator", data=form, headers={"HX-Request": "true"})
    recap = answer.text[answer.text.index('class="recap print-only"'):]
    assert "判断日期：2025-06-30" in recap and "辽政办〔2022〕35号" in recap
    assert "「对新建、增资扩产项目建设" in recap and "可获支持合计（最高）" in recap and "data-print" in answer.text
    shared = await client.post("/calculator/share", data=form, headers={"HX-Request": "true", "Host": "evil.example"})
    link = re.search(r'href="(http://127.0.0.1:8000/calculator/shared/([\w-]{22}))"', shared.text)
    assert "evil.example" not in shared.text, "the link is the configured site's, whatever Host the request named"
    assert link and "链接中不含所填的单位信息" in shared.text
    assert not any(fact in link.group(2) for fact in ("210100", "6513", "8000", "1234"))
    page = await client.get(f"/calculator/shared/{link.group(2)}")
    assert page.status_code == 200 and "「对新建、增资扩产项目建设" in page.text and "2025-06-30" in page.text
    assert '<table class="recap-table stack">' in page.text  # cards on a phone, each cell beside its name
    assert page.text.count('<td data-label="依据">') == page.text.count('<td data-label="事项">') > 0
    for fact in ("甲秘密科技", "91210100MA0QC1B25F", "1234"):
        assert fact not in page.text
    without_script = await client.post("/calculator/share", data=form)
    assert without_script.status_code == 303 and without_script.headers["location"].startswith("/calculator/shared/")
    set_today(date(2025, 12, 1))  # 90 days later by the business day: gone
    expired = await client.get(f"/calculator/shared/{link.group(2)}")
    assert expired.status_code == 404 and "已于 2025-09-28 失效" in expired.text
    again = await client.post("/calculator/share", data=form)  # a share on a later day removes the expired ones
    folders = sorted(p.name for p in get_settings().shared_dir.iterdir())
    assert again.status_code == 303 and folders == ["2025-12-01"]


@pytest.mark.parametrize("share_id", ["x" * 22, "../../etc/passwd", "..%2F..%2Fconfig", "a" * 64])
async def test_a_shared_link_that_does_not_exist_is_a_chinese_404(client, share_id) -> None:
    response = await client.get(f"/calculator/shared/{share_id}")
    assert response.status_code == 404 and "没有这个" in response.text  # the traversal does not even reach it


async def test_every_page_footer_names_the_policies_in_force_and_who_runs_the_site(client, monkeypatch) -> None:
    """Who runs the site is shown as the deployment sets it, and not at all (no placeholder) until it is set."""
    from huiqi.config import get_settings

    for path in ("/", "/calculator", "/login"):
        text = (await client.get(path)).text
        below = text[text.index('<footer id="site-footer">'):]
        assert "辽政办〔2022〕35号" in below and "现行政策依据" in below
        assert "主办单位" not in below and "联系方式" not in below and "未设置" not in below
    monkeypatch.setenv("HUIQI_ORGANIZER", "辽宁省数据局")
    monkeypatch.setenv("HUIQI_CONTACT", "024-12345678")
    get_settings.cache_clear()
    try:
        text = (await client.get("/")).text
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert "主办单位：辽宁省数据局　联系方式：024-12345678" in text[text.index('<footer id="site-footer">'):]


async def test_policy_text_has_a_table_of_contents_whose_links_all_land(client) -> None:
    text = (await client.get("/policy")).text
    assert 'aria-label="本页目录"' in text
    targets = re.findall(r'<nav class="card toc".*?</nav>', text, re.S)[0]
    links = re.findall(r'href="#([^"]+)"', targets)
    assert {"ln-2022-35", "ln-2022-35-m1", "ln-2022-35-closing"} <= set(links) and len(links) > 5
    for anchor in links:
        assert f'id="{anchor}"' in text, anchor


async def test_the_question_of_a_level_offers_the_levels_its_type_allows(client) -> None:
    await client.get("/calculator")
    form = {"applicant-kind": "enterprise", "applicant-city": "210100", "applicant-industry": "6513",
            "matters-0-codes": "little_giant", "matters-0-date": "2023-07-15", "as_of": "2025-06-30",
            "csrf_token": client.cookies.get(CSRF_COOKIE)}
    answer = (await client.post("/calculator", data=form, headers={"HX-Request": "true"})).text
    asked = answer[answer.index('form="calculator" name="matters-0-level"'):]
    asked = asked[:asked.index("</select>")]
    assert re.findall(r'<option value="(\w+)">', asked) == ["national", "provincial"]


async def test_another_matter_without_script_is_the_form_again_with_a_row_more(client) -> None:
    await client.get("/calculator")
    form = {**FORM, "add_row": "1", "csrf_token": client.cookies.get(CSRF_COOKIE)}
    again = await client.post("/calculator", data=form)
    assert again.status_code == 200 and 'id="matter-1"' in again.text and "计算结果" not in again.text
    assert 'value="smart_manufacturing" checked' in again.text, "what was typed stays"


async def test_home_counts_every_announcement_and_names_who_issued_the_latest(client, monkeypatch) -> None:
    from datetime import date, timedelta

    from huiqi.announcements import service as announcements
    from huiqi.announcements.service import PublicBatch, PublicEntry

    units = ["省科技厅", "省工业和信息化厅", "省科技厅", "省发展改革委"]
    entry = PublicEntry(1, "示例科技有限公司", "91210100MA0QC1B25F", "ln-2022-35", 3, 1_000_000, "announced")
    batches = [PublicBatch(i, "拟支持项目公示（2025-09-15）", date(2025, 9, 15) - timedelta(days=i),
                           date(2025, 9, 19) - timedelta(days=i), 5, [entry], unit) for i, unit in enumerate(units)]
    # a batch withdrawn (every item sent back on an objection), newest and of the same title: not among the latest
    withdrawn = PublicBatch(9, "拟支持项目公示（2025-09-15）", date(2025, 9, 15), date(2025, 9, 19), 5, [], "省数据局",
                            returned=1)
    monkeypatch.setattr(announcements, "public_listing", lambda session: [withdrawn, *batches])
    page = (await client.get("/")).text
    assert re.search(r"公示批次</span><b>5</b>", page), "every batch is counted, not only the three listed"
    latest = page[page.index("最新公示"):]
    assert latest.count("拟支持项目公示（2025-09-15）") == 3, "the latest three"
    assert '省科技厅 · <span class="date">2025-09-15</span>' in latest
    assert '省工业和信息化厅 · <span class="date">2025-09-14</span>' in latest
    assert "省发展改革委" not in latest and "省数据局" not in latest and "撤回" not in latest


async def test_a_missing_page_keeps_the_signed_in_header(browser, people) -> None:
    page = await browser(people.finance).get("/no-such-page")
    assert page.status_code == 404 and "没有这个地址" in page.text
    assert people.finance.display_name in page.text and "退出" in page.text, "the person is still signed in"


async def test_a_missing_page_renders_even_when_the_caller_cannot_be_found(browser, people, monkeypatch) -> None:
    from huiqi.web import deps

    def broken(request, session):
        raise RuntimeError("database down")

    signed_in = browser(people.finance)
    monkeypatch.setattr(deps, "caller", broken)
    page = await signed_in.get("/no-such-page")
    assert page.status_code == 404 and "没有这个地址" in page.text and "登录" in page.text, "anonymous, not a 500"


async def test_home_takes_a_signed_in_person_to_their_own_work(browser, people) -> None:
    assert '<a href="/login">企业、审核、财政登录</a>' in (await browser(None).get("/")).text
    for who, target in ((people.alice, "/me"), (people.miit, "/review"), (people.analyst, "/simulate")):
        page = (await browser(who).get("/")).text
        assert f'<a href="{target}">进入我的办理</a>' in page and "企业、审核、财政登录" not in page, who.username


async def test_a_page_past_the_last_says_so(browser, session, people, tmp_path) -> None:
    from tests.dbtest import to_announced

    to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3, amount=1_000_000,
                 store=tmp_path)
    past = (await browser(None).get("/announcements", params={"page": 999})).text
    assert "没有第 999 页" in past and "转到最后一页" in past and "目前没有公示" not in past


async def test_announcements_are_found_from_the_form_as_sent(browser, session, people, tmp_path) -> None:
    """The search form sends its 年度 select even when it says （全部）: blank is every year, not a mistake; a year
    typed with full-width digits reads as one; the download narrows as the page does."""
    from tests.dbtest import to_announced

    to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3, amount=1_000_000,
                 store=tmp_path)
    public = browser(None)
    from huiqi.announcements.service import public_listing

    year = str(public_listing(session)[0].starts_on.year)
    found = await public.get("/announcements", params={"q": "示例", "year": ""})
    assert found.status_code == 200 and found.text.count('id="batch-') == 1, found.text
    wide = await public.get("/announcements", params={"year": year.translate(str.maketrans("0123456789",
                                                                                          "０１２３４５６７８９"))})
    assert wide.status_code == 200 and wide.text.count('id="batch-') == 1
    assert (await public.get("/announcements", params={"year": "1999"})).status_code == 422
    book = await public.get("/announcements.xlsx", params={"q": "", "year": ""})
    assert book.status_code == 200
    assert (await public.get("/whitelist", params={"version": ""})).status_code == 200


async def test_the_policy_text_says_each_policy_s_window(browser, set_today) -> None:
    set_today(date(2026, 3, 1))
    text = (await browser(None).get("/policy")).text
    assert "有效期 2022-07-23 至 2025-12-31" in text
    assert "已到期，仍受理有效期内的事项" in text


async def test_an_ineligible_row_shows_no_amount_and_each_mark_is_said_in_words(client) -> None:
    await client.get("/calculator")
    form = {**FORM, "matters-0-sector": "other", "csrf_token": client.cookies.get(CSRF_COOKIE)}
    answer = (await client.post("/calculator", data=form, headers={"HX-Request": "true"})).text
    rows = answer[answer.index("<tbody>"):answer.index("</tbody>")].split("<tr>")[1:]
    ineligible = [row for row in rows if 'class="badge ineligible"' in row]
    eligible = [row for row in rows if 'class="badge eligible"' in row]
    assert ineligible and eligible
    for row in ineligible:
        assert 'data-label="最高（万元）" class="num">—</td>' in row
        assert '<span class="sr-only">不满足：</span>' in row
    assert all('data-label="最高（万元）" class="num">—' not in row for row in eligible)
    assert '<span class="sr-only">满足：</span>' in eligible[0] and 'aria-hidden="true">✓</span>' in eligible[0]
    recap = answer[answer.index('class="recap print-only"'):]
    assert '<td data-label="最高（万元）" class="num">—</td>' in recap
    assert '<th scope="col">从高不重复 · 申报</th>' in answer


async def test_the_answer_is_read_once_from_its_heading_not_again_as_a_live_region(client) -> None:
    page = (await client.get("/calculator")).text
    assert '<div id="result">' in page and "aria-live" not in page[page.index('<div id="result"'):][:40]
    form = {**FORM, "csrf_token": client.cookies.get(CSRF_COOKIE)}
    answer = (await client.post("/calculator", data=form)).text
    assert '<div id="result">' in answer and '<h2 class="no-print" tabindex="-1" data-focus>计算结果</h2>' in answer


@pytest.mark.parametrize(("field", "value", "said"), [
    ("matters-0-date", "9999-12-31", "日期 9999-12-31 晚于判断日期（2025-06-30）"),
    ("matters-0-date", "2099-01-01", "日期 2099-01-01 晚于判断日期（2025-06-30）"),
    ("as_of", "1900-01-01", "1900-01-01 早于政策印发日期（2022-07-"),
])
async def test_an_impossible_day_is_said_beside_its_field(client, field, value, said) -> None:
    await client.get("/calculator")
    form = {**FORM, field: value, "csrf_token": client.cookies.get(CSRF_COOKIE)}
    answer = await client.post("/calculator", data=form, headers={"HX-Request": "true"})
    assert answer.status_code == 422 and said in answer.text
    assert f'<span class="field-error" id="e-{field}">' in answer.text and f'value="{value}"' in answer.text


async def test_each_public_page_has_one_h1_and_an_error_page_is_titled_by_its_kind(client) -> None:
    await client.get("/calculator")
    form = {**FORM, "csrf_token": client.cookies.get(CSRF_COOKIE)}
    shared = await client.post("/calculator/share", data=form)
    link = re.search(r"/calculator/shared/[\w-]{22}", shared.headers["location"])
    assert link
    for path in ("/", "/policy", "/calculator", "/announcements", "/whitelist", "/rounds", link.group()):
        text = (await client.get(path)).text
        assert text.count("<h1") == 1, path
    policy = (await client.get("/policy")).text
    assert policy.index("<h1>政策原文</h1>") < policy.index("本页目录")
    missing = (await client.get("/no-such-page")).text
    assert "<title>没有找到 · " in missing and "<h1>没有找到</h1>" in missing
    wrong = (await client.get("/calculator/shared/" + "x" * 65)).text  # (a public list's filters are said beside)
    assert "<title>输入有误 · " in wrong and "<h1>输入有误</h1>" in wrong


SCOPED = ["public/announcements.html", "public/_calculator_result.html", "public/whitelist.html", "public/_recap.html",
          "rounds/index.html", "applicants/me.html", "applicants/_profile.html", "_batch.html",
          "whitelist/version.html", "admin/policies.html", "announcements/manage.html"]


@pytest.mark.parametrize("name", SCOPED)
def test_every_header_cell_of_the_public_and_enterprise_tables_says_what_it_heads(name) -> None:
    from huiqi.web.render import templates

    source, _, _ = templates.env.loader.get_source(templates.env, name)
    cells = re.findall(r"<th\b[^>]*>", source)
    assert cells and all('scope="col"' in cell or 'scope="row"' in cell for cell in cells), name


async def test_an_announcement_says_where_to_call_when_its_department_has_no_number(browser, session, people,
                                                                                    tmp_path, monkeypatch) -> None:
    """The seeded objection contacts name departments only: the page said 省工业和信息化厅（未登记联系电话）, a gap of
    ours; it says to object to the department, and whom to call: the 咨询电话 its round published, else the platform's
    own contact."""
    import io

    import openpyxl

    from huiqi.config import get_settings
    from huiqi.models import Round
    from tests.dbtest import to_announced

    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    page = (await browser(None).get("/announcements")).text
    assert "异议受理：请向省工业和信息化厅提出</p>" in page and "咨询电话" not in page
    monkeypatch.setenv("HUIQI_CONTACT", "惠企平台 024-87654321")  # the platform's own, when nothing nearer
    get_settings.cache_clear()
    try:
        page = (await browser(None).get("/announcements")).text
        assert "异议受理：请向省工业和信息化厅提出；本平台联系方式：惠企平台 024-87654321</p>" in page
        session.get(Round, app.round_id).contact = "024-12345678"
        session.flush()
        page = (await browser(None).get("/announcements")).text
        sheet = await browser(None).get("/announcements.xlsx")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert "异议受理：请向省工业和信息化厅提出；咨询电话：024-12345678</p>" in page
    assert "未登记" not in page and "共 1 批。" in page
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[2][rows[1].index("异议受理")] == "请向省工业和信息化厅提出；咨询电话：024-12345678"


async def test_the_announcements_sheet_says_its_filter_in_its_title(browser, session, people, tmp_path) -> None:
    import io

    import openpyxl

    from tests.dbtest import to_announced

    to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3, amount=800_000,
                 store=tmp_path)
    public = browser(None)
    every = openpyxl.load_workbook(io.BytesIO((await public.get("/announcements.xlsx")).content)).active
    assert every["A1"].value == "公示（全部）"
    year = every["D3"].value.year
    found = await public.get("/announcements.xlsx", params={"q": "示例", "year": str(year)})
    sheet = openpyxl.load_workbook(io.BytesIO(found.content)).active
    assert sheet["A1"].value == f"公示（年度：{year}；单位名称或信用代码含：示例）"
    assert sheet["P3"].value == 80 and sheet["P3"].number_format == "#,##0"
    assert sheet.column_dimensions["B"].width > 13, "the title is not cut"


async def test_the_year_chosen_stays_chosen_even_when_it_has_no_announcement(client) -> None:
    page = (await client.get("/announcements", params={"year": "2024"})).text
    assert '<option value="2024" selected>2024</option>' in page


async def test_each_apply_link_of_the_calculator_names_its_matter_and_measure(browser, session, set_today) -> None:
    from tests.dbtest import a_round

    set_today(date(2025, 6, 30))
    a_round(session)
    answer = (await browser(None).post("/calculator", data=FORM)).text
    names = re.findall(r'>立即申报<span class="sr-only">：([^<]+)</span></a>', answer)
    assert names and len(set(names)) == len(names) and all(n.startswith("事项1 · 措施") for n in names), names


async def test_a_matter_row_s_refused_fields_are_marked_and_only_they(client) -> None:
    """A row numbered at run time (matters-2-…): its refused fields carry aria-invalid and point at the reason said
    beside them; the other rows' fields, with the same facts, are not marked."""
    await client.get("/calculator")
    form = {**FORM, "matters-2-codes": "smart_manufacturing", "matters-2-date": "2024-02-30",
            "matters-2-investment": "-5", "matters-2-other_support": "1e3",
            "csrf_token": client.cookies.get(CSRF_COOKIE)}
    refused = await client.post("/calculator", data=form)
    assert refused.status_code == 422
    assert [field for field, _ in marked(refused.text)] == ["f-matters-2-date", "f-matters-2-investment",
                                                            "f-matters-2-other_support"]
    support = re.search(r'<input id="f-matters-2-other_support"[^>]*>', refused.text).group(0)
    assert 'aria-describedby="other-support-hint-matters-2- e-matters-2-other_support"' in support, "hint kept"
    fine = re.search(r'<input id="f-matters-0-other_support"[^>]*>', refused.text).group(0)
    assert 'aria-describedby="other-support-hint-matters-0-"' in fine and "aria-invalid" not in fine
    untyped = await client.post("/calculator", data={**form, "matters-2-codes": "no_such_type",
                                                     "matters-2-date": "", "matters-2-investment": "",
                                                     "matters-2-other_support": ""})
    boxes = marked(untyped.text)
    assert untyped.status_code == 422 and boxes[0][0] == "f-matters-2-codes" and {f for f, _ in boxes} == {
        "f-matters-2-codes", ""}, "every box of the row's types, the first by the id the summary links to"


async def test_the_region_selects_are_marked_when_the_district_is_refused(client) -> None:
    await client.get("/calculator")
    form = {**FORM, "applicant-city": "210100", "applicant-region": "210303",
            "csrf_token": client.cookies.get(CSRF_COOKIE)}
    wrong = await client.post("/calculator", data=form)
    assert wrong.status_code == 422
    assert marked(wrong.text) == [("f-applicant-region", "鞍山市铁西区不在沈阳市，请在沈阳市的区县中重新选择")]
    fine = await client.post("/calculator", data={**form, "applicant-region": "210106"})
    assert fine.status_code == 200 and marked(fine.text) == []


@pytest.mark.parametrize(("field", "value", "label"), [
    ("applicant-name", "测试\u0008公司", "申报单位·单位名称"),
    ("applicant-uscc", "9121\u00080100", "申报单位·统一社会信用代码"),
    ("matters-0-date", "2024-03\u0008-01", "事项1·"), ("matters-0-investment", "80\u000800", "事项1·投资额（万元）"),
])
async def test_a_control_character_pasted_in_is_said_beside_its_field_with_the_form_kept(client, field, value,
                                                                                       label) -> None:
    """Not an error page naming ``applicant-name``: the form again, the reason beside the field named in Chinese,
    the text kept without the character."""
    await client.get("/calculator")
    for path in ("/calculator", "/calculator/share"):
        answer = await client.post(path, data={**FORM, "applicant-name": "甲公司", field: value,
                                               "csrf_token": client.cookies.get(CSRF_COOKIE)})
        assert answer.status_code == 422, answer.text[:300]
        assert f'<a href="#f-{field}">{label}' in answer.text and "不能含有控制字符（U+0008）" in answer.text
        assert "applicant-name：" not in answer.text and value.replace("\u0008", "") in answer.text
        assert "\u0008" not in answer.text and 'name="matters-0-sector"' in answer.text


async def test_each_announced_line_says_what_is_supported_alike_on_the_page_the_sheet_and_the_api(
        browser, client, session, people, tmp_path) -> None:
    """Beside the enterprise and the amount, the matter: the recognition with its level and date, or the project's
    kinds, build and sector with its date; never its sums (the investment), as the page, the sheet and the API."""
    import io

    import openpyxl

    from huiqi.users import service as users
    from huiqi.users.scope import SYSTEM
    from tests.dbtest import to_announced

    to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3, amount=1_000_000,
                 store=tmp_path)
    data = users.create_user(session, actor=SYSTEM, username="data", display_name="省数据局审核员", role="department",
                             password="correct horse battery", department="省数据局")  # lead of measure 5 now
    to_announced(session, people.alice, [people.shenyang, data], matter="p1", measure=5, amount=3_000_000,
                 store=tmp_path)
    honour = "专精特新“小巨人”企业（新认定，国家级，2024-07-15）"
    project = "电子元器件及设备项目、智能制造项目（增资扩产，传感类，2024-03-01）"
    page = (await browser(None).get("/announcements")).text
    assert f'<td data-label="支持事项">{honour}</td>' in page and f'<td data-label="支持事项">{project}</td>' in page
    assert '<th scope="col">支持事项</th>' in page and "8,000" not in page and "80000000" not in page
    rows = list(openpyxl.load_workbook(io.BytesIO((await browser(None).get("/announcements.xlsx")).content))
                .active.iter_rows(values_only=True))
    said = {(r[rows[1].index("措施")], r[rows[1].index("支持事项")]) for r in rows[2:]}
    assert said == {("措施3 培育中小企业", honour), ("措施5 做强电子元器件及设备制造业", project)}, said
    listed = (await client.get("/api/v1/announcements")).json()["items"]
    entries = [e for b in listed for e in b["entries"]]
    assert {e["matter"] for e in entries} == {honour, project}
    assert set(entries[0]) == {"application_id", "applicant", "uscc", "policy_id", "measure", "amount_proposed",
                               "state", "matter"}, "nothing private: no account, contact, materials or sums"


@pytest.mark.parametrize(("path", "field", "label"), [
    ("/announcements", "q", "查找单位"), ("/whitelist", "q", "查找企业"), ("/whitelist", "city", "所在市"),
    ("/figures", "year", "申报年度"), ("/figures", "policy", "政策"), ("/figures", "city", "城市"),
])
@pytest.mark.parametrize(("value", "said", "shown"), [
    ("示例\x00科技", "不能含有空字符（NUL）", "示例科技"),
    ("示例\x01", "不能含有控制字符（U+0001）", "示例"),
    ("长" * 60, "不能超过", "长" * 10),
])
async def test_a_public_filter_that_cannot_be_kept_is_said_beside_it_with_the_page_kept(
        browser, session, path, field, label, value, said, shown) -> None:
    """A control character or an over-long value in a public list's filter: the page again, the reason beside the
    filter in Chinese and the text kept as far as it can be, not the generic error page."""
    from tests.whitelist.test_pages import _published

    _published(session, [("沈阳云算有限公司", "210102", "MA0C0001")])
    got = await browser(None).get(path, params={field: value})
    assert got.status_code == 422 and "<h1>输入有误</h1>" not in got.text, got.text[:500]
    assert f'<span class="field-error" id="e-{field}">{said}' in got.text
    assert f'id="f-{field}"' in got.text and 'aria-invalid="true"' in got.text
    if field == "q" or (path == "/figures" and field == "year"):
        assert f'value="{shown}' in got.text


@pytest.mark.parametrize(("path", "field"), [("/announcements", "year"), ("/whitelist", "version")])
@pytest.mark.parametrize(("value", "said"), [
    ("abc", "之间的整数"), ("\x00", "不能含有空字符（NUL）"), ("-1", "之间的整数"), (str(10**30), "之间的整数"),
    ("2025\x01", "不能含有控制字符（U+0001）"),
])
async def test_a_public_number_filter_that_is_none_is_said_beside_it(browser, session, path, field, value,
                                                                     said) -> None:
    """公示's 年度 and the whitelist's version given a word, a NUL, a sign or a number past any: said beside the
    control, nothing listed, not the generic error page."""
    from tests.whitelist.test_pages import _published

    _published(session, [("沈阳云算有限公司", "210102", "MA0C0001")])
    got = await browser(None).get(path, params={field: value})
    assert got.status_code == 422 and "<h1>输入有误</h1>" not in got.text, got.text[:500]
    beside = got.text.split(f'<span class="field-error" id="e-{field}">')[1].split("</span>")[0]
    assert said in beside and (said != "之间的整数" or beside.startswith("应为 ")), beside
    assert f'id="f-{field}"' in got.text and f'aria-invalid="true" aria-describedby="e-{field}"' in got.text
    assert 'id="unfiltered"' in got.text
    assert "沈阳云算有限公司" not in got.text, "nothing listed: an unnarrowed list would read as found"


async def test_the_announcements_pager_falls_back_to_the_first_page_with_a_note(browser, session, people,
                                                                              tmp_path) -> None:
    from tests.dbtest import to_announced

    to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3, amount=1_000_000,
                 store=tmp_path)
    for bad in ("abc", "\x00", "-1", "0", str(10**30)):
        got = await browser(None).get("/announcements", params={"page": bad})
        assert got.status_code == 200 and got.text.count('id="batch-') == 1, bad
        assert '<p class="notice" role="status" id="paged">页码应为 1 至 1000000 之间的整数，已显示第 1 页。' \
            in got.text, bad
    assert 'id="paged"' not in (await browser(None).get("/announcements", params={"page": "1"})).text


ANNOUNCEMENTS_Q = "/announcements?q=%E7%A4%BA%E4%BE%8B"  # 示例
FIGURES = "/figures?by=measure&amp;by=city&amp;"  # the default groupings, as the page takes them


@pytest.mark.parametrize(("path", "params", "said", "back"), [
    ("/announcements.xlsx", {"q": "示例\x00"}, "查找单位：不能含有空字符（NUL）", ANNOUNCEMENTS_Q + '"'),
    ("/announcements.xlsx", {"q": "长" * 2001}, "查找单位：不能超过 50 个字符（现有 2001 个）", "/announcements?q="),
    ("/announcements.xlsx", {"year": "abc", "q": "示例"}, "年度：应为 2000 至 2100 之间的整数", ANNOUNCEMENTS_Q + '"'),
    ("/announcements.xlsx", {"year": str(10**30)}, "年度：应为 2000 至 2100 之间的整数", '/announcements"'),
    ("/figures.xlsx", {"year": "x", "city": "210100"}, "申报年度：", FIGURES + "year=x&amp;city=210100"),
    ("/figures.xlsx", {"policy": "ln\x01"}, "政策：不能含有控制字符（U+0001）", FIGURES + "policy=ln"),
    ("/figures.xlsx", {"city": "9" * 41}, "城市：不能超过 40 个字符", "/figures?by="),
])
async def test_a_public_download_given_a_bad_filter_says_so_and_leads_back_to_the_list(browser, session, path, params,
                                                                                      said, back) -> None:
    """No workbook for a filter that cannot be kept: a short page (422) naming the filter and why, and a link back to
    the list with what could be kept, where the filter is said beside its box."""
    got = await browser(None).get(path, params=params)
    assert got.status_code == 422 and got.headers["content-type"].startswith("text/html"), got.text[:300]
    assert "<h1>未能下载</h1>" in got.text and f"<li>{said}" in got.text, got.text[:2000]
    assert f'<a class="button" href="{back}' in got.text, got.text.split("<main")[1][:1500]


async def test_the_policy_text_gives_each_dated_value_with_its_days(client, session, people) -> None:
    """The walk-through: 现行参数 showed only today's cap, while a matter dated earlier is judged by an earlier one."""
    from tests.dbtest import publish_whitelist_successor

    publish_whitelist_successor(session, people)
    session.commit()
    page = (await client.get("/policy")).text
    dated = re.findall(r"<b>各时段取值</b>（按事项日期适用）：(.*?)</p>", page)
    assert dated == ["上限 2000万元（2024-01-01 至 2024-12-31）、2500万元（2025-01-01 起）；"
                     "比例 40%（2024-01-01 至 2025-06-30）、35%（2025-07-01 起）"], dated
    api = (await client.get("/api/v1/policies/test-successor")).json()
    cap = next(x for x in api["measures"][0]["parameters"] if x["name"] == "cap")
    assert [(v["raw"], v["since"], v["until"]) for v in cap["values"]] == [
        (20_000_000, "2024-01-01", "2024-12-31"), (25_000_000, "2025-01-01", None)]


@pytest.mark.parametrize(("params", "said"), [
    ({"city": "999999"}, "请从列表中选择"), ({"city": "shenyang"}, "请从列表中选择"),
    ({"version": "7"}, "没有已发布的第 7 版"),
])
async def test_a_whitelist_city_or_version_there_is_not_is_said_beside_its_control(browser, session, params,
                                                                                   said) -> None:
    """A 所在市 the select does not offer, a version not published: said beside the control, nothing listed, the
    newest version's page kept; it was the generic error page (所在市) or a 404 (the version)."""
    from tests.whitelist.test_pages import _published

    _published(session, [("沈阳云算有限公司", "210102", "MA0C0001")])
    got = await browser(None).get("/whitelist", params=params)
    [field] = params
    assert got.status_code == 422 and "<h1>输入有误</h1>" not in got.text, got.text[:500]
    assert f'<span class="field-error" id="e-{field}">{said}</span>' in got.text
    assert f'aria-invalid="true" aria-describedby="e-{field}"' in got.text and 'id="unfiltered"' in got.text
    assert "沈阳云算有限公司" not in got.text and "第 1 版 · 2026-01-06 发布" in got.text


@pytest.mark.parametrize(("number", "status", "said"), [
    ("7", 404, "白名单版本：没有已发布的第 7 版"), ("abc", 422, "白名单版本：应为 1 至 "),
    ("9" * 30, 422, "白名单版本：应为 1 至 "), ("1%00", 422, "白名单版本：不能含有空字符（NUL）"),
])
async def test_a_whitelist_download_of_a_version_there_is_not_says_which(browser, session, number, status,
                                                                         said) -> None:
    """No workbook: the short page of a refused download, saying which version is not there, the way back to the list;
    it was the generic error page."""
    from tests.whitelist.test_pages import _published

    _published(session, [("沈阳云算有限公司", "210102", "MA0C0001")])
    got = await browser(None).get(f"/whitelist/{number}.xlsx")
    assert got.status_code == status and got.headers["content-type"].startswith("text/html"), got.text[:300]
    assert "<h1>未能下载</h1>" in got.text and f"<li>{said}" in got.text, got.text.split("<main")[1][:800]
    assert '<a class="button" href="/whitelist">返回白名单' in got.text
    assert (await browser(None).get("/whitelist/1.xlsx")).headers["content-type"].startswith("application/vnd")


@pytest.mark.parametrize(("i", "said"), [
    ("", None), ("abc", "事项序号应为 0 至 29 之间的整数"), ("30", "事项序号应为 0 至 29 之间的整数"),
    (str(10**30), "事项序号应为 0 至 29 之间的整数"), ("-1", "事项序号应为 0 至 29 之间的整数"),
    ("1\x00", "事项序号不能含有空字符（NUL）"),
])
async def test_a_matter_row_that_cannot_be_is_not_added_and_says_why(client, i, said) -> None:
    """再添一个事项 asked for a row that cannot be (a forged or broken address): no row, a short note where it would
    go (htmx swaps a 422 in), not the generic error page; a blank one is the first row."""
    got = await client.get("/calculator/matter", params={"i": i, "add": "true"}, headers={"HX-Request": "true"})
    if said is None:
        assert got.status_code == 200 and 'id="matter-0"' in got.text and "i=1&add=true" in got.text
        return
    assert got.status_code == 422 and "<h1" not in got.text and "fieldset" not in got.text
    assert f'<p class="errors" role="alert" id="matter-refused">未能添加事项：{said}，请刷新页面后再添加。</p>' \
        in got.text


async def test_a_matter_row_keeps_what_a_link_carries_without_what_no_case_keeps(client) -> None:
    """The row's values from its address, a NUL taken out (the door no longer refuses what it does not declare), and
    the row added anyway; an odd ``add`` is no next button."""
    got = await client.get("/calculator/matter", params={"i": "2", "matters-2-investment": "3\x00000",
                                                         "add": "maybe"})
    assert got.status_code == 200 and 'name="matters-2-investment" inputmode="decimal" value="3000"' in got.text
    assert "\x00" not in got.text and 'id="add-matter"' not in got.text


@pytest.mark.parametrize(("params", "said"), [
    ({"district_field": "region"}, "地级市"), ({"district_field": "re\x00gion", "city_field": "city"}, "区县"),
    ({"district_field": "region", "city_field": "<b>"}, "地级市"),
    ({"district_field": "r" * 41, "city_field": "c"}, "区县"),
])
async def test_a_district_select_asked_with_a_name_no_form_has_says_so(client, params, said) -> None:
    """The city select's htmx request cut or forged: a note where the district select would go, nothing of the name
    written into the page; it was the generic error page."""
    got = await client.get("/districts", params={**params, "city": "210100"}, headers={"HX-Request": "true"})
    assert got.status_code == 422 and "<select" not in got.text and "<h1" not in got.text
    said = f"未能列出区县：{said}选择框的名称有误，请刷新页面后再选择。"
    assert f'<p class="errors" role="alert" id="districts-refused">{said}' in got.text
    kept = await client.get("/districts", params={"district_field": "region", "city_field": "city", "city": "\x00"})
    assert kept.status_code == 200 and 'name="region"' in kept.text, "the city's value is only looked up"
