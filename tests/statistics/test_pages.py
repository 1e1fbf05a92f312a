"""The statistics page: totals in 万元, bar charts by measure and by city, the table, Excel."""

import html
import io
import json
import re
from datetime import date
from urllib.parse import quote

import openpyxl
import pytest

from tests.statistics.figures import make_figures

pytestmark = pytest.mark.anyio


@pytest.fixture
def figures(session, people, tmp_path):
    make_figures(session, people, tmp_path)
    return people


async def test_totals_charts_and_table(browser, figures) -> None:
    response = await browser(figures.auditor).get("/statistics")
    assert response.status_code == 200
    text = response.text
    assert "700 万元" in text and "80 万元" in text, "requested 100 + 600 万元; approved and paid 80 万元"
    assert "沈阳市" in text and "大连市" in text and "措施3" in text and "echarts.common.min.js" in text
    charts = json.loads(html.unescape(re.search(r'id="charts" data-charts="([^"]*)"', text).group(1)))
    assert [c["title"] for c in charts] == ["按措施（万元）", "按城市（万元）", "按责任单位（万元）"]
    assert charts[1]["labels"] == ["沈阳市", "大连市"] and charts[1]["series"][0]["data"] == [100, 600]
    assert [c["horizontal"] for c in charts] == [True, False, True], "long names: the chart lies on its side"


async def test_grouping_and_export(browser, figures) -> None:
    client = browser(figures.finance)
    page = await client.get("/statistics", params={"by": ["state"]})
    assert "<th>状态</th>" in page.text and "<th>城市</th>" not in page.text
    response = await client.get("/statistics.xlsx", params={"by": ["measure", "city"]})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("政策", "措施", "城市", "申报件数")
    assert [(r[2], r[5]) for r in rows[2:-1]] == [("沈阳市", 1_000_000), ("大连市", 6_000_000)]
    assert rows[-1][:6] == ("合计", None, None, 2, 1, 7_000_000), "the page's 合计 row"



@pytest.mark.parametrize("by", [["foo"], ["measure", "foo"]])
@pytest.mark.parametrize("url", ["/statistics", "/statistics.xlsx"])
async def test_a_grouping_it_does_not_know_is_refused_by_the_page_and_its_export(browser, figures, url, by) -> None:
    refused = await browser(figures.finance).get(url, params={"by": by})
    assert refused.status_code == 422, f"{url}?by={by}: {refused.status_code}"
    said = "应为 政策、措施、城市、责任单位、申报年度、状态 中的一项或几项"
    assert (f"<li>分组：{said}" if url.endswith(".xlsx") else f'<span class="field-error" id="e-by">{said}</span>') \
        in refused.text, "the page says it beside 分组, its download names it"

async def test_grouping_by_department_with_the_forms_blank_is_not_read_as_a_text_too_long(browser, figures) -> None:
    """``by`` bounds how many values come (the boxes and the blank beside them), not how long each is."""
    client = browser(figures.auditor)
    page = await client.get("/statistics", params=[("by", ""), ("by", "department")])
    assert page.status_code == 200 and "<th>责任单位</th>" in page.text, page.text[-2000:]
    sheet = await client.get("/statistics.xlsx", params=[("by", ""), ("by", "department")])
    assert sheet.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "责任单位"


async def test_a_city_reviewer_sees_only_their_city(browser, figures) -> None:
    text = (await browser(figures.shenyang).get("/statistics")).text
    assert "沈阳市" in text and "大连市" not in text and "600 万元" not in text


async def test_anonymous_goes_to_sign_in(browser) -> None:
    response = await browser(None).get("/statistics")
    assert response.status_code == 303 and "/login" in response.headers["location"]


async def test_a_measure_names_its_policy_where_two_are_in_force(browser, session, figures) -> None:
    from pathlib import Path

    from huiqi.catalogue import service as catalogue
    from huiqi.users.scope import SYSTEM

    client = browser(figures.auditor)
    alone = (await client.get("/statistics", params={"by": ["measure"]})).text
    assert '<div class="small muted">辽政办〔2022〕35号</div>' not in alone  # one policy: its number is understood
    second = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"
    version = catalogue.add(session, actor=figures.admin, text=second.read_text("utf-8"), file_name="second.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=version.id)
    table = (await client.get("/statistics", params={"by": ["measure"]})).text
    cell = table[table.index('<td data-label="措施">'):]
    expected = '<td data-label="措施">措施3 培育中小企业<div class="small muted">辽政办〔2022〕35号</div>'
    assert cell.startswith(expected), cell[:200]


async def test_the_public_reads_the_provinces_decided_and_paid_sums(browser, figures) -> None:
    """兑现统计 (数据公开): anyone, signed in or not, reads the province's counts, approvals and payments by measure
    and city; what was asked for and proposed, and where an application stands, stay with the desks: bob's one
    application in 大连 is pending, so no group says so (applications less approvals would)."""
    response = await browser(None).get("/figures")
    assert response.status_code == 200
    text = re.sub(r"<select.*?</select>", "", response.text, flags=re.S)  # the figures, not the 城市 filter's choices
    assert re.search(r"申报件数<b>2</b>", text) and "80 万元" in text and "沈阳市" in text
    assert "大连市" not in text and "申报件数</th>" not in text
    assert "申请金额" not in text and "拟支持金额" not in text and "700 万元" not in text
    charts = json.loads(html.unescape(re.search(r'id="charts" data-charts="([^"]*)"', text).group(1)))
    assert [s["name"] for s in charts[0]["series"]] == ["批准金额", "已拨付金额"]
    assert 'href="/figures"' in text, "in the public navigation"
    by_year = (await browser(None).get("/figures", params={"by": ["year"]})).text
    assert "<th>申报年度</th>" in by_year and "<th>城市</th>" not in by_year
    refused = await browser(None).get("/figures", params={"by": ["state"]})
    assert refused.status_code == 422
    said = "应为 政策、措施、城市、责任单位、申报年度 中的一项或几项"
    assert f'<span class="field-error" id="e-by">{said}' in refused.text
    signed_in = (await browser(figures.shenyang).get("/figures")).text
    assert re.search(r"申报件数<b>2</b>", signed_in), "the province's figures, whoever reads them"
    assert 'href="/figures.xlsx?by=year"' in by_year
    sheet = openpyxl.load_workbook(io.BytesIO((await browser(None).get("/figures.xlsx", params={"by": ["city"]})
                                               ).content)).active
    listed = [[c.value for c in row] for row in sheet.iter_rows()]
    assert listed[0][0] == "兑现统计" and listed[1] == ["城市", "批准件数", "批准金额（元）", "批准金额（万元）",
                                                   "已拨付金额（元）", "已拨付金额（万元）"], listed[:2]
    assert listed[2:] == [["沈阳市", 1, 800_000, 80, 800_000, 80],
                          ["合计", 1, 800_000, 80, 800_000, 80]], "the page's groups: not 大连 (none approved)"
    by_year_sheet = openpyxl.load_workbook(io.BytesIO((await browser(None).get("/figures.xlsx", params={"by": ["year"]})
                                                       ).content)).active
    year, approved, yuan, wan = (by_year_sheet.cell(row=3, column=c) for c in (1, 2, 3, 4))
    assert by_year_sheet.cell(row=2, column=1).value == "申报年度" and (year.value, year.data_type) == (2025, "n")
    assert (approved.value, yuan.value, wan.value) == (1, 800_000, 80) and {approved.data_type, yuan.data_type,
                                                                            wan.data_type} == {"n"}
    wrong = await browser(None).get("/figures.xlsx", params={"by": ["state"]})
    assert wrong.status_code == 422 and "分组" in wrong.text


async def test_the_public_reads_the_sums_by_responsible_department_as_by_measure_and_city(browser, figures) -> None:
    """责任单位: a chart beside those by measure and by city, a grouping of the table and its Excel; as by city, only
    where something was approved (省科技厅's one pending application is not said)."""
    public = browser(None)
    text = (await public.get("/figures")).text
    charts = json.loads(html.unescape(re.search(r'id="charts" data-charts="([^"]*)"', text).group(1)))
    by_unit = next(c for c in charts if c["title"] == "按责任单位（万元）")
    assert by_unit["labels"] == ["省工业和信息化厅"] and by_unit["series"][0]["data"] == [80]
    assert '<input type="checkbox" name="by" value="department"' in text
    table = (await public.get("/figures", params={"by": ["department"]})).text
    assert "<th>责任单位</th>" in table and '<td data-label="责任单位">省工业和信息化厅</td>' in table
    assert "省科技厅" not in re.sub(r"<select.*?</select>", "", table, flags=re.S)
    sheet = openpyxl.load_workbook(io.BytesIO((await public.get("/figures.xlsx", params={"by": ["department"]})
                                               ).content)).active
    assert [[c.value for c in row][:2] for row in sheet.iter_rows()][1:] == [
        ["责任单位", "批准件数"], ["省工业和信息化厅", 1], ["合计", 1]]


async def test_where_the_count_of_applications_is_not_shown_the_page_says_why(browser, figures) -> None:
    """Narrowed, the public page leaves out how many applied (beside the approvals it could tell of one applicant's
    pending application): it says so in its place instead of a silent gap; unnarrowed, the count is shown."""
    public = browser(None)
    whole = (await public.get("/figures")).text
    assert re.search(r"申报件数<b>2</b>", whole) and 'id="no-applications"' not in whole
    narrowed = (await public.get("/figures", params={"city": "210100"})).text
    assert "申报件数<b>" not in narrowed
    said = re.search(r'<p class="kpi muted small" id="no-applications">([^<]+)</p>', narrowed)
    assert said and said.group(1).startswith("筛选后不公布申报件数"), narrowed[:3000]


async def test_no_grouping_ticked_is_said_not_read_as_the_default(browser) -> None:
    """The form sends a blank beside its boxes: with none ticked the page says so instead of showing measure and city
    as if they had been asked for; a link without ``by`` still shows them."""
    public = browser(None)
    none = await public.get("/figures", params={"by": ""})
    assert none.status_code == 422 and "请至少选择一个分组" in none.text
    page = await public.get("/figures", params=[("by", ""), ("by", "year")])
    assert page.status_code == 200 and "<th>申报年度</th>" in page.text and "<th>城市</th>" not in page.text
    assert 'type="hidden" name="by" value=""' in (await public.get("/figures")).text


async def test_the_table_ends_with_its_total(browser, figures) -> None:
    """The 明细 table's 合计 row: the counts and the money of its rows summed, the money in 万元 as the rows show it."""
    text = (await browser(figures.auditor).get("/statistics", params={"by": "city"})).text
    total = text.split("<tfoot>")[1].split("</tfoot>")[0]
    cells = re.findall(r'<td data-label="([^"]+)" class="num">([^<]*)</td>', total)
    assert '<th scope="row" colspan="1">合计</th>' in total and ("申请金额（万元）", "700") in cells, cells
    assert ("申报件数", "2") in cells and ("批准金额（万元）", "80") in cells
    public = (await browser(None).get("/figures", params={"by": "city"})).text.split("<tfoot>")[1]
    assert '<td data-label="批准件数" class="num">1</td>' in public.split("</tfoot>")[0]


async def test_no_grouping_ticked_is_said_beside_the_field_and_the_form_stays(browser, figures) -> None:
    for url, client in (("/statistics", browser(figures.auditor)), ("/figures", browser(None))):
        none = await client.get(url, params={"by": ""})
        assert none.status_code == 422 and '<span class="field-error" id="e-by">请至少选择一个分组</span>' in none.text
        assert '<legend>分组</legend>' in none.text and "<tfoot>" not in none.text and " checked" not in none.text
        assert '申报件数<b>' in none.text or '批准件数<b>' in none.text  # the page's figures stay


def _charts(text: str) -> list[dict]:
    return json.loads(html.unescape(re.search(r'id="charts" data-charts="([^"]*)"', text).group(1)))


def _sheet(response) -> list[list]:
    return [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows()]


async def test_filters_narrow_the_totals_the_charts_the_table_and_the_excel(browser, figures) -> None:
    """年度、政策、城市、状态: the page's every figure is of what they leave; the form keeps them, the Excel link
    carries them and the workbook's title says them."""
    client = browser(figures.auditor)
    text = (await client.get("/statistics", params={"by": "city", "city": "210200", "year": "2025",
                                                    "policy": "ln-2022-35"})).text
    assert re.search(r"申报件数<b>1</b>", text) and "600 万元" in text and "700 万元" not in text
    assert _charts(text)[1]["labels"] == ["大连市"] and _charts(text)[0]["labels"] == ["措施13 强化关键技术攻关"]
    assert '<td data-label="城市">大连市</td>' in text and '<td data-label="城市">沈阳市</td>' not in text
    assert '<option value="210200" selected>大连市</option>' in text and 'name="year" value="2025"' in text
    assert 'href="/statistics.xlsx?by=city&amp;year=2025&amp;policy=ln-2022-35&amp;city=210200"' in text
    sheet = _sheet(await client.get("/statistics.xlsx", params={"by": "city", "city": "210200", "year": "2025"}))
    assert sheet[0][0] == "申报与兑现统计（申报年度：2025；城市：大连市）"
    assert [r[0] for r in sheet[2:]] == ["大连市", "合计"]
    other_year = (await client.get("/statistics", params={"year": "2024"})).text
    assert re.search(r"申报件数<b>0</b>", other_year)
    wide = (await client.get("/statistics", params={"by": "city", "city": "210200", "year": "２０２５"})).text
    assert re.search(r"申报件数<b>1</b>", wide) and "600 万元" in wide, "a full-width year reads as typed in ASCII"
    approved = (await client.get("/statistics", params={"by": "city", "state": "disbursed"})).text
    assert '<option value="disbursed" selected>' in approved and re.search(r"申报件数<b>1</b>", approved)
    assert '<option value="draft"' not in approved, "a draft is never counted: no state to narrow to"
    assert '<td data-label="城市">沈阳市</td>' in approved and '<td data-label="城市">大连市</td>' not in approved


@pytest.mark.parametrize(("field", "value", "said"), [
    ("year", "二〇二五", "应为 2000 至 2100 的年份"), ("year", "1999", "应为 2000 至 2100 的年份"),
    ("policy", "ln-1999-1", "应为已发布的政策之一"), ("city", "110000", "应为辽宁省的市（含沈抚示范区）之一"),
    ("state", "lost", "不是申报的状态之一")])
async def test_a_wrong_filter_is_said_beside_its_field_and_the_form_keeps_it(browser, figures, field, value,
                                                                             said) -> None:
    client = browser(figures.auditor)
    page = await client.get("/statistics", params={field: value, "by": "city"})
    assert page.status_code == 422 and f'<span class="field-error" id="e-{field}">{said}</span>' in page.text
    assert f'value="{value}"' in page.text and '<legend>筛选</legend>' in page.text
    sheet = await client.get("/statistics.xlsx", params={field: value})
    label = {"year": "申报年度", "policy": "政策", "city": "城市", "state": "状态"}[field]
    assert sheet.status_code == 422 and f"{label}：{said}" in sheet.text
    shown = page.text[page.text.index("<main"):]
    assert 'id="unfiltered"' in shown and "未显示统计数字" in shown
    assert "<tbody>" not in shown.split('id="ratings"')[0], "no table of figures the filter did not narrow"
    assert "kpi" not in shown.split('id="ratings"')[0] and 'data-charts="[]"' not in shown
    assert ".xlsx?" not in shown, "no Excel of the figures either"


async def test_a_filter_too_long_for_any_choice_is_refused_by_its_chinese_name(browser, figures) -> None:
    refused = await browser(figures.auditor).get("/statistics", params={"city": "2" * 41})
    assert refused.status_code == 422 and '<span class="field-error" id="e-city">不能超过 40 个字符' in refused.text


async def test_a_filter_never_widens_the_scope(browser, figures) -> None:
    """沈阳's reviewer asking for 大连 reads nothing of it, on the page or in the Excel; the form offers 沈阳 alone."""
    client = browser(figures.shenyang)
    text = (await client.get("/statistics", params={"city": "210200", "by": "city"})).text
    assert re.search(r"申报件数<b>0</b>", text) and "600 万元" not in text and "大连市" not in text
    assert '<option value="210100">沈阳市</option>' in text and "鞍山市" not in text
    sheet = _sheet(await client.get("/statistics.xlsx", params={"city": "210200", "by": "city"}))
    assert sheet[2:] == []


async def test_the_public_narrows_by_year_policy_and_city_never_by_state(browser, figures) -> None:
    """The public's filters are its groupings' (no 状态); narrowed, its 申报件数 is not said (a city's count beside
    its approvals could tell of one applicant's pending application)."""
    public = browser(None)
    text = (await public.get("/figures", params={"city": "210200"})).text
    assert 'name="state"' not in text and 'name="city"' in text and "申报件数<b>" not in text
    assert _charts(text)[1]["labels"] == [] and re.search(r"批准件数<b>0</b>", text)
    shenyang = (await public.get("/figures", params={"city": "210100", "by": "year"})).text
    assert "80 万元" in shenyang and 'href="/figures.xlsx?by=year&amp;city=210100"' in shenyang
    sheet = _sheet(await public.get("/figures.xlsx", params={"by": "year", "city": "210100"}))
    assert sheet[0][0] == "兑现统计（城市：沈阳市）" and sheet[2][:2] == [2025, 1] and sheet[3][:2] == ["合计", 1]
    wrong = await public.get("/figures", params={"year": "x"})
    assert wrong.status_code == 422 and '<span class="field-error" id="e-year">' in wrong.text


async def test_the_excel_ends_with_the_pages_total(browser, figures) -> None:
    """/statistics.xlsx ends with the 合计 row the page's table has: the same counts and money, in yuan and 万元."""
    client = browser(figures.auditor)
    page = (await client.get("/statistics", params={"by": "city"})).text
    total = page.split("<tfoot>")[1].split("</tfoot>")[0]
    shown = dict(re.findall(r'<td data-label="([^"]+)" class="num">([^<]*)</td>', total))
    sheet = _sheet(await client.get("/statistics.xlsx", params={"by": "city"}))
    last = dict(zip(sheet[1], sheet[-1], strict=True))
    assert last["城市"] == "合计" and sum(r[1] for r in sheet[2:-1]) == last["申报件数"]
    assert str(last["申报件数"]) == shown["申报件数"] and str(last["批准件数"]) == shown["批准件数"]
    assert last["申请金额（元）"] == 7_000_000 and f"{last['申请金额（万元）']:g}" == shown["申请金额（万元）"] == "700"
    none = _sheet(await client.get("/statistics.xlsx", params={"by": "city", "year": "2024"}))
    assert none[2:] == [], "nothing to sum: no 合计 row"


async def test_a_wrong_filter_shows_no_figures_on_either_page(browser, figures) -> None:
    """year=abc was said beside its field while the totals, charts and table below showed every year's; now none is
    shown, and the page says why; a right filter beside it changes nothing of that."""
    for url, client in (("/statistics", browser(figures.auditor)), ("/figures", browser(None))):
        page = await client.get(url, params={"year": "abc", "city": "210100", "by": "city"})
        assert page.status_code == 422 and '<span class="field-error" id="e-year">' in page.text
        body = page.text[page.text.index("<main"):].split('id="ratings"')[0]
        assert "筛选条件有误，未显示统计数字" in body and "合计" not in body and "万元</b>" not in body, url
        assert '<option value="210100" selected>' in body and 'value="abc"' in body, "the form keeps both"
    right = (await browser(figures.auditor).get("/statistics", params={"year": "2025", "by": "city"})).text
    assert "未显示统计数字" not in right and "<tfoot>" in right


async def test_an_application_in_public_notice_is_counted_as_its_notice_stands_on_the_business_day(
        browser, session, people, tmp_path, set_today) -> None:
    """A 公示 ended a year ago was counted 公示中 while the public page calls it 公示期满，待批准: one reading."""
    from datetime import date

    from tests.dbtest import to_announced

    to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3, amount=1_000_000,
                 store=tmp_path)  # 公示 2025-09-29 to 2025-10-11
    client = browser(people.finance)
    for today, said in ((date(2025, 9, 26), "公示未开始"), (date(2025, 10, 11), "公示中"),
                        (date(2026, 10, 9), "公示期满，待批准")):
        set_today(today)
        page = (await client.get("/statistics", params={"by": ["state"]})).text
        cells = re.findall(r'<td data-label="状态">([^<]*)</td>', page) or re.findall(r"<td>([^<]*)</td>", page)
        assert said in page and [c for c in cells if "公示" in c] == [said], (today, cells)
    narrowed = (await client.get("/statistics", params={"by": ["state"], "state": "announced_ended"})).text
    assert '<option value="announced_ended" selected>公示期满，待批准</option>' in narrowed
    assert (await client.get("/statistics", params={"by": ["state"], "state": "announced"})).status_code == 200


@pytest.mark.parametrize(("path", "who"), [("/statistics", "auditor"), ("/figures", None)])
@pytest.mark.parametrize(("params", "field", "said"), [
    ({"by": "foo"}, "by", "应为 "), ({"by": "city\x00"}, "by", "应为 "),
    ({"year": "20\x0025"}, "year", "不能含有空字符（NUL）"),
    ({"city": "2101\x01"}, "city", "不能含有控制字符（U+0001）"),
])
async def test_a_grouping_or_filter_forged_is_said_beside_its_field_and_its_download_names_it(
        browser, figures, path, who, params, field, said) -> None:
    """A grouping the page does not know, a NUL in a filter: said beside 分组 or the filter, the form kept, not the
    generic error page; the download, no workbook but the short page naming it with the way back."""
    client = browser(getattr(figures, who) if who else None)
    got = await client.get(path, params=params)
    assert got.status_code == 422 and "<h1>输入有误</h1>" not in got.text, got.text[:500]
    assert f'<span class="field-error" id="e-{field}">{said}' in got.text
    assert ('id="unfiltered"' in got.text) == (field != "by"), "figures a filter did not narrow are not shown"
    sheet = await client.get(f"{path}.xlsx", params=params)
    assert sheet.status_code == 422 and "<h1>未能下载</h1>" in sheet.text and f"：{said}" in sheet.text
    assert f'<a class="button" href="{path}?' in sheet.text


async def test_the_statistics_workbook_is_named_for_the_business_day(browser, figures) -> None:
    """As 公示-2026-12-07.xlsx is: a download kept beside yesterday's is told apart by its name."""
    from huiqi import clock

    day = clock.today().isoformat()
    for path in ("/statistics.xlsx", "/api/v1/statistics.xlsx"):
        got = await browser(figures.finance).get(path)
        assert got.status_code == 200 and quote(f"申报与兑现统计-{day}.xlsx") in got.headers["content-disposition"]


async def test_the_ratings_and_the_offers_on_the_page_have_their_excel_too(browser, session, people) -> None:
    """Only the main table had 导出 Excel: 好差评（按责任单位） leads to the rates' workbook, 政策直达（按措施） to its
    own, the page's rows and columns, money in yuan with its 万元 beside."""
    from huiqi import clock
    from huiqi.offers import service as offers
    from tests.dbtest import direct_offer

    direct_offer(session, people, date(2025, 7, 1))
    page = (await browser(people.analyst).get("/statistics")).text
    ratings, offered = page.split('id="ratings"')[1].split('id="offers"')
    assert '<a class="button secondary" href="/ratings.xlsx">导出 Excel</a>' in ratings
    assert '<a class="button secondary" href="/statistics/offers.xlsx">导出 Excel</a>' in offered
    got = await browser(people.analyst).get("/statistics/offers.xlsx")
    assert got.status_code == 200
    assert quote(f"政策直达统计-{clock.today().isoformat()}.xlsx") in got.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    assert book.sheetnames == ["政策直达（按措施）"]
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "政策直达（按措施，全部记录）"
    assert rows[1] == ("措施", "产生", "企业接受", "责任单位确认", "不予确认", "撤回", "企业放弃", "已拨付",
                       "拨付金额（元）", "拨付金额（万元）", "认定至拨付（平均天数）")
    assert [r[:2] for r in rows[2:]] == [(r.key, r.made) for r in offers.statistics(session, actor=people.analyst)]
    assert len(rows) > 2 and all(f">{r.key}</td>" in offered for r in offers.statistics(session, actor=people.finance))
    assert (await browser(people.shenyang).get("/statistics/offers.xlsx")).status_code == 403
    rates = await browser(people.analyst).get("/ratings.xlsx")
    assert quote(f"好差评-{clock.today().isoformat()}.xlsx") in rates.headers["content-disposition"]
