"""The growth files' pages: the cultivated enterprises in each scope (measure 3's lead unit sees them all, and
reads each file), one file with its figures in 万元, growth and R&D intensity, a year recorded from the form
(a loss as a negative profit), bad input named, the list as Excel."""

import io
from datetime import date

import openpyxl
import pytest

from huiqi.growth import service as growth
from tests.dbtest import ALICE_USCC, BOB_USCC
from tests.webtest import marked

pytestmark = pytest.mark.anyio
TOO_LONG = "金额过长：以万元为单位，只写数字和小数点，如 100 或 12.3456（不超过 40 个字符）"
NOT_A_FIGURE = "「1e5」不是数字：以万元为单位，只写数字和小数点，如 100 或 12.3456"


async def test_the_enterprise_records_its_years_and_reads_its_file(browser, session, people) -> None:
    alice = browser(people.alice)
    assert f'href="/growth/{ALICE_USCC}"' in (await alice.get("/me")).text  # under cultivation: 小巨人
    went = await alice.get("/growth")
    assert went.status_code == 303 and went.headers["location"] == f"/growth/{ALICE_USCC}"
    bad = await alice.post(f"/growth/{ALICE_USCC}/figures", data={"year": "二〇二四", "revenue": "1亿"})
    assert bad.status_code == 422 and '<a href="#f-year">年度：请填写四位数年份，如 2025</a>' in bad.text
    assert 'value="1亿"' in bad.text  # what was typed stays
    bad = await alice.post(f"/growth/{ALICE_USCC}/figures", data={"year": "2024", "revenue": "1亿"})
    assert bad.status_code == 422 and '<a href="#f-revenue">营业收入：' in bad.text
    for year, revenue, rnd, profit in (("２０２３", "10000", "800", "600"), ("2024", "12,000", "1200", "−50.5")):
        saved = await alice.post(f"/growth/{ALICE_USCC}/figures", data={  # full-width digits read as typed
            "year": year, "revenue": revenue, "rnd_spending": rnd, "profit": profit, "employees": "２３０"})
        assert saved.status_code == 303
    page = (await alice.get(f"/growth/{ALICE_USCC}")).text
    assert "2024 年度的经营数据已保存" in page and "最近一年营业收入较上年增长 20.0%" in page
    row = page[page.index('<td data-label="年度">2024</td>'):]
    assert '<td data-label="营业收入（万元）" class="num">12000</td>' in row[:300]
    assert '<td data-label="研发投入占收入" class="num">10.0%</td>' in row and "-50.5" in row[:900]
    figures = growth.growth_file(session, actor=people.alice, uscc=ALICE_USCC).figures
    assert [(f.year, f.revenue, f.profit) for f in figures] == [(2023, 100_000_000, 6_000_000),
                                                                (2024, 120_000_000, -505_000)]
    got = await alice.get(f"/growth/{ALICE_USCC}/figures.xlsx")
    assert got.status_code == 200 and f'href="/growth/{ALICE_USCC}/figures.xlsx"' in page
    lines = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    assert lines[1][:4] == ("年度", "营业收入（元）", "营业收入（万元）", "较上年")
    assert [(r[0], r[1], r[3], r[-3], r[-1]) for r in lines[2:]] == [
        (2023, 100_000_000, "", 6_000_000, 230), (2024, 120_000_000, "20.0%", -505_000, 230)]
    assert (await browser(people.bob).get(f"/growth/{ALICE_USCC}/figures.xlsx")).status_code in (403, 404)


async def test_each_scope_and_the_keeper(browser, session, people) -> None:
    growth.record_figures(session, actor=people.alice, uscc=ALICE_USCC, year=2024, revenue=120_000_000)
    keeper = browser(people.miit)  # measure 3's lead unit, with no application of Alice's to review
    listed = (await keeper.get("/growth")).text
    assert f'href="/growth/{ALICE_USCC}"' in listed and "省工业和信息化厅（措施3的牵头单位）可查看全部" in listed
    file = await keeper.get(f"/growth/{ALICE_USCC}")
    assert file.status_code == 200 and 'action="/growth/' in file.text  # the keeper keeps it
    assert (await browser(people.most).get(f"/growth/{ALICE_USCC}")).status_code == 403
    assert (await browser(people.bob).get(f"/growth/{ALICE_USCC}")).status_code == 403
    assert "您的范围内没有培育中的企业" in (await browser(people.dalian).get("/growth")).text
    city = (await browser(people.shenyang).get(f"/growth/{ALICE_USCC}")).text
    assert "12000" in city and 'action="/growth/' not in city  # a city reads, does not write
    bob = browser(people.bob)
    own = (await bob.get(f"/growth/{BOB_USCC}")).text
    assert "不在培育之列，无需填报" in own and 'action="/growth/' not in own
    refused = await bob.post(f"/growth/{BOB_USCC}/figures", data={"year": "2024", "revenue": "1"})
    assert refused.status_code == 422 and "不在培育之列" in refused.text
    sheet = (await browser(people.admin).get("/growth.xlsx")).content
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True))
    header = rows[1]
    assert rows[2][0] == ALICE_USCC and rows[2][header.index("营业收入（元）")] == 120_000_000
    assert rows[2][header.index("培育认定")] == "专精特新“小巨人”企业（新认定）（2024-07-15）"


async def test_every_mistake_of_the_figures_form_is_said_at_once(browser, session, people) -> None:
    bad = await browser(people.alice).post(f"/growth/{ALICE_USCC}/figures", data={
        "year": "2099", "revenue": "1亿", "rnd_spending": "-5", "profit": "abc", "employees": "二十"})
    assert bad.status_code == 422
    for field in ("year", "revenue", "rnd_spending", "profit", "employees"):
        assert f'<a href="#f-{field}">' in bad.text, field


async def test_the_form_says_which_years_and_how_many_people_it_takes(browser, people, set_today) -> None:
    """Beside the fields: the years that have ended, the head count's bound (the API's); the current year and a
    head count past the bound are refused there, what was typed kept."""
    set_today(date(2026, 12, 5))
    alice = browser(people.alice)
    page = (await alice.get(f"/growth/{ALICE_USCC}")).text
    hint = "已结束的年度（2000–2025）；2026 年度的数据在该年结束后填报"
    assert f'<span class="small muted" id="year-hint">{hint}</span>' in page
    assert '<span class="small muted" id="employees-hint">0 至 10,000,000 人</span>' in page
    assert 'aria-describedby="employees-hint"' in page and 'maxlength="8"' in page
    bad = await alice.post(f"/growth/{ALICE_USCC}/figures", data={"year": "2026", "revenue": "100",
                                                                  "employees": "999999999"})
    assert bad.status_code == 422
    said = "应在 2000 至 2025 之间：一年的数据在该年结束后填报（2026 年度的数据 2027 年 1 月 1 日起可填）"
    assert f'<a href="#f-year">年度：{said}</a>' in bad.text
    assert '<a href="#f-employees">从业人数：应为 0 至 10,000,000 之间的整数</a>' in bad.text
    assert 'value="999999999"' in bad.text
    assert (await alice.post(f"/growth/{ALICE_USCC}/figures", data={"year": "2025", "employees": "10000000"})
            ).status_code == 303


@pytest.mark.parametrize(("field", "typed", "said", "shown"), [
    ("year", "20\x0024", "不能含有空字符（NUL）", "2024"),
    ("revenue", "10\x0000", "不能含有空字符（NUL）", "1000"),
    ("profit", "-5\x1b0", "不能含有控制字符（U+001B）", "-50"),
    ("employees", "2\x0030", "不能含有空字符（NUL）", "230"),
    ("year", "2" * 500, "请填写四位数年份，如 2025", "2" * 100),
    ("revenue", "1" * 500, TOO_LONG, "1" * 100),
    ("rnd_spending", str(10**30), "金额过大：不能超过 1000万亿元", str(10**30)),
    ("employees", "9" * 5000, growth.EMPLOYEES_SAID, "9" * 100),
    ("employees", "-5", growth.EMPLOYEES_SAID, "-5"),
    ("revenue", "1e5", NOT_A_FIGURE, "1e5"),
])
async def test_a_forged_box_is_said_beside_it_and_kept(browser, session, people, field, typed, said, shown) -> None:
    """A NUL, or a value past the box's 30 characters, used to end on the bare error page, the form lost."""
    data = {"year": "2024", "revenue": "1000", "rnd_spending": "100", "profit": "50", "employees": "230", field: typed}
    refused = await browser(people.alice).post(f"/growth/{ALICE_USCC}/figures", data=data)
    assert refused.status_code == 422 and "<h1>输入有误</h1>" not in refused.text and "\x00" not in refused.text
    assert marked(refused.text) == [(f"f-{field}", said)]
    assert f'id="f-{field}" name="{field}"' in refused.text and f'value="{shown}"' in refused.text
    assert growth.growth_file(session, actor=people.alice, uscc=ALICE_USCC).figures == [], "nothing saved"


async def test_figures_from_a_role_that_keeps_no_file_are_refused_in_sight(browser, session, people) -> None:
    """The auditor, finance, a city and a department that does not lead measure 3, posting a year's figures (whole or
    empty): refused for who they are (403), said on the file's page (the form, and its error summary, are not there
    for them), naming who keeps the file; nothing recorded."""
    for who, role in ((people.auditor, "审计人员"), (people.finance, "财政人员"), (people.shenyang, "市级初审人员")):
        for sent in ({"year": "2024", "revenue": "1"}, {}):
            refused = await browser(who).post(f"/growth/{ALICE_USCC}/figures", data=sent)
            assert refused.status_code == 403, (role, sent, refused.status_code)
            said = refused.text[refused.text.index('role="alert"'):][:600]
            assert f"{role}无权维护成长档案（由企业本身、措施3的牵头单位省工业和信息化厅或管理员维护）" in said, role
    assert growth.growth_file(session, actor=people.alice, uscc=ALICE_USCC).figures == []
