"""With two policies in force that both have a 措施1 (35号 and the test successor), a job's page, its Excel and HTML
reports name each row's own policy (by its 文号) and measure, and the list of jobs names the groupings in Chinese;
the comparison of two reforms shows its figures as it says: 亿元 from one 亿 up, else 万元 to two decimals."""

import io
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from huiqi.catalogue import service as catalogue
from huiqi.models import SavedReform
from huiqi.users.scope import SYSTEM
from tests.simulate.test_reform_pages import _run
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"
TITLES = {"辽政办〔2022〕35号": "措施1 发展总部经济", "测试〔2024〕1号": "措施1 智能制造配套支持"}


@pytest.fixture
def successor(session, people) -> None:
    """The test successor policy (测试〔2024〕1号) published beside 35号."""
    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second-policy.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=draft.id)


def _table(page: str) -> list[list[str]]:
    """The rows of the job's table (after its charts), as cell texts."""
    body = page[page.index('<div id="charts"'):]
    body = body[body.index("<tbody>"):body.index("</tbody>")]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("<tr")[1:]]


async def test_each_policys_measure_1_keeps_its_own_title(browser, client, people, session, successor,
                                                          monkeypatch) -> None:
    from huiqi.simulate import pages

    monkeypatch.setattr(pages, "SHOWN_ROWS", 10_000)  # every row on the page
    finance = browser(people.finance)
    moved = await finance.post("/simulate", data={"synthetic_applicants": "2000", "seed": "3", "as_of": "2025-06-30",
                                                  "by": ["measure", "region"], "csrf_token": finance.csrf})
    assert moved.status_code == 303, moved.text
    job = int(moved.headers["location"].rsplit("/", 1)[1])
    page = (await finance.get(f"/simulate/{job}")).text
    rows = _table(page)[:-1]
    assert {r[0] for r in rows} == set(TITLES), "each policy by its 文号, not its internal id"
    ones = [(r[0], r[1]) for r in rows if r[1].startswith("措施1 ")]
    assert {p for p, _ in ones} == set(TITLES) and all(TITLES[p] == m for p, m in ones), ones
    shown = page[page.index('<div id="job"'):page.index("<footer")]  # the footer links each policy by its id
    assert "ln-2022-35" not in shown and "test-successor" not in shown
    charts = page[page.index('data-charts="'):]
    assert "辽政办〔2022〕35号 措施1 发展总部经济" in charts and "测试〔2024〕1号 措施1 智能制造配套支持" in charts

    listed = (await finance.get("/simulate")).text
    assert '<td data-label="分组">措施、地区</td>' in listed and "measure、region" not in listed

    headers = bearer(session, people.finance)
    report = await client.get(f"/api/v1/simulations/{job}/report.html", headers=headers)
    text = report.text.split("<script>")[0]
    assert "<dd>措施、地区</dd>" in text and "ln-2022-35" not in text and "test-successor" not in text
    assert "测试〔2024〕1号 措施1 智能制造配套支持" in report.text
    xlsx = await client.get(f"/api/v1/simulations/{job}/report.xlsx", headers=headers)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book["测算结果"]
    header = [c.value for c in sheet[2]]  # under the title naming the run
    *cells, total = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=3)]
    assert total["政策"].value == "合计"
    assert total["计入支出（元）"].value == sum(c["计入支出（元）"].value for c in cells), "the page's 合计"
    assert {c["政策"].value for c in cells} == set(TITLES)
    assert all(TITLES[c["政策"].value] == c["措施"].value for c in cells if c["措施"].value.startswith("措施1 "))
    money = [c["计入支出（万元）"] for c in cells]
    assert all(m.data_type == "n" and isinstance(m.value, int | float) for m in money), "numbers, not text"
    assert sum(m.value for m in money) == pytest.approx(sum(c["计入支出（元）"].value for c in cells) / 10_000)
    assert {r[0].value: r[1].value for r in book["说明"].iter_rows(min_row=3)}["分组"] == "措施、地区"


async def test_the_comparison_shows_yi_from_one_yi_and_two_decimals_below(browser, people, session) -> None:
    finance = browser(people.finance)
    await _run(finance, session, "上限1500", **{"11_cap": ("1500", "2025-01-01")})
    await _run(finance, session, "上限2亿", **{"11_cap": ("2亿元", "2025-01-01"), "7_rate": ("50", "2024-01-01")})
    a, b = sorted(session.scalars(select(SavedReform.id)).all())
    page = (await finance.get(f"/simulate/reforms/compare?a={a}&b={b}")).text
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    figures = re.findall(r'class="num">([^<]*)</td>', body)
    assert figures, body
    unfixed = [f for f in figures if f.endswith(" 项") or f.endswith("项，未定额")]  # 措施12: its items, no amount
    assert unfixed and all(re.fullmatch(r"\d+ 项，未定额|[+-]?\d+ 项", f) for f in unfixed), unfixed
    for shown in (f for f in figures if f not in unfixed):
        assert re.fullmatch(r"[+-]?\d+(\.\d{1,2})?(万元|亿元)", shown), shown  # never 451677.8501
        number = float(shown.rstrip("万亿元"))
        assert shown.endswith("亿元") or abs(number) < 10_000, f"{shown}: 1 亿元 and more in 亿元"
    total = re.findall(r"<td[^>]*>(.*?)</td>", body.split("<tr")[-1])
    assert total[0] == "合计" and total[1].endswith("亿元"), total
    assert "计入支出合计：基线" in page and "符合条件的上限合计" in page  # which figure it is, said
    footer = page[page.index('<footer'):]
    assert "按整元计算的精确数见下载的 Excel" in footer and "保留两位小数" in footer and "亿元" in footer
    listed = (await finance.get("/simulate/reforms")).text
    assert "金额均以万元显示" not in listed and "1 亿元以上以亿元显示" in listed


async def test_a_long_result_lists_its_first_rows_and_the_total_pointing_to_the_excel(browser, people, session,
                                                                                      monkeypatch) -> None:
    from huiqi.simulate import pages

    finance = browser(people.finance)
    moved = await finance.post("/simulate", data={"synthetic_applicants": "300", "seed": "3", "as_of": "2025-06-30",
                                                  "by": ["measure", "region"], "csrf_token": finance.csrf})
    job = moved.headers["location"]
    monkeypatch.setattr(pages, "SHOWN_ROWS", 10_000)
    whole = (await finance.get(job)).text
    everything = _table(whole)
    assert len(everything) > 6 and 'id="rows-shown"' not in whole
    monkeypatch.setattr(pages, "SHOWN_ROWS", 5)
    page = (await finance.get(job)).text
    assert _table(page) == [*everything[:5], everything[-1]], "the first five, then the total"
    assert f"共 {len(everything) - 1} 行分组，此处只列前 5 行与合计；完整表格请" in page
    assert "下载的 Excel 按整元给出精确数" in page and "金额以万元显示，按整元计算。" not in page  # rounded, said so
    assert f'<a href="/api/v1/simulations/{job.rsplit("/", 1)[1]}/report.xlsx">下载 Excel</a>' in page
    link = f'/api/v1/simulations/{job.rsplit("/", 1)[1]}/report.json'
    assert f'<a class="button secondary" href="{link}">下载数据（JSON）</a>' in page, "JSON beside Excel and HTML"
    data = await finance.get(link)
    assert data.status_code == 200 and data.json()["groups"] and "html" not in data.json()


async def test_a_jobs_tables_stack_as_cards_on_a_phone_each_figure_by_its_column(browser, people) -> None:
    """At 390 px the table of groups (fifty rows) and the impact tables scrolled sideways, the amounts past the edge;
    each is now a list the phone stacks into cards (``stack``), every cell named by its column's header."""
    finance = browser(people.finance)
    moved = await finance.post("/simulate", data={"synthetic_applicants": "300", "seed": "3", "as_of": "2025-06-30",
                                                  "by": ["measure", "region"], "csrf_token": finance.csrf})
    assert moved.status_code == 303, moved.text
    page = (await finance.get(moved.headers["location"])).text
    tables = re.findall(r"<table([^>]*)>(.*?)</table>", page[page.index('<div id="job"'):], re.S)
    assert len(tables) > 3, "the impact tables and the table of groups"
    for attributes, body in tables:
        assert "stack" in re.search(r'class="([^"]*)"', attributes).group(1), attributes
        headers = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", body, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S):
            labels = re.findall(r'<td data-label="([^"]*)"', row)
            assert labels == headers or 'colspan="' in row, (labels, headers)
