"""The analyst's simulation in the browser: a reform job's page and its HTML report draw their impact charts,
and nothing is requested from any host but the server (the report, opened from a file, from none at all)."""

from urllib.parse import urlparse

from tests.browser.conftest import shoot, sign_in
from tests.browser.test_accessibility import RUN as AXE

REFORM = """name: 浏览器测试改革
changes:
  - {policy: ln-2022-35, parameter: 11.cap, since: 2025-01-01, value: 1500万元, source: 测试}
  - {policy: ln-2022-35, parameter: 3.cap, since: 2024-01-01, value: 50万元, source: 测试}
  - {policy: ln-2022-35, parameter: window_end, since: 2025-12-01, value: 2026-12-31, source: 测试}
"""  # the demo publishes 35号 and a successor: changes name their policy
CHARTS = 8  # years, largest changes, four groupings, coverage, 从高不重复


def _watch(page) -> tuple[list[str], list[str]]:
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return requested, errors


def _drawn(page, scope: str) -> int:
    """How many charts in ``scope`` hold a drawing (ECharts' SVG with shapes in it)."""
    return page.evaluate("""scope => [...document.querySelectorAll(scope + " .chart")]
        .filter(box => box.querySelector("svg path, svg rect")).length""", scope)


# The narrowest name column (a measure's, a unit's) of the impact tables, in ems of its own type.
NAME_EMS = """() => Math.min(...[...document.querySelectorAll("#impact th.name")]
    .map(th => th.getBoundingClientRect().width / parseFloat(getComputedStyle(th).fontSize)))"""
# The impact tables wider than their box on a phone: each scrolls inside it (the page itself never does).
SCROLLED = """() => [...document.querySelectorAll("#impact .table-scroll")].filter(box => {
    const table = box.querySelector("table");
    return Math.max(box.scrollWidth - box.clientWidth, table.scrollWidth - table.clientWidth) > 0;
  }).length"""


# A job page's tables on a phone: any scrolling sideways inside its box, any cell past the phone's edge.
SIDEWAYS = """() => [...document.querySelectorAll("main table")].filter(t => t.scrollWidth > t.clientWidth + 1).length
  + [...document.querySelectorAll("main table td")]
      .filter(td => td.getBoundingClientRect().right > innerWidth).length"""


def _names_readable(page, url: str, stacked: bool = False) -> None:
    """On a laptop a measure's name is read on a line or two, not a word a line (it was about 5 ems, the numbers'
    headers taking the rest); on a phone (390 px) the report's tables scroll inside their boxes, not the page, and
    the job page's are ``stacked``: a card a row, each figure by its column's name, nothing to scroll sideways to."""
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(url)
    page.wait_for_selector("#impact .chart svg")
    # three of measures (the changes, 从高不重复 before and after the reform), one of units
    assert page.evaluate("document.querySelectorAll('#impact th.name').length") == 4
    assert page.evaluate(NAME_EMS) >= 19
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    page.wait_for_selector("#impact .chart svg")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    if stacked:
        assert page.evaluate(SIDEWAYS) == 0
        assert page.evaluate("document.querySelectorAll('main table.stack td[data-label]').length") > 50
        return
    assert page.evaluate(SCROLLED) >= 3 and page.evaluate(NAME_EMS) >= 10


def test_reform_job_page_and_report_draw_their_charts_locally(page, tmp_path) -> None:
    requested, errors = _watch(page)
    sign_in(page, "finance")
    page.goto("/simulate")
    page.fill("input[name=synthetic_applicants]", "1500")
    page.click("summary:has-text('高级')")  # the reform given as YAML, as on the command line
    page.fill("textarea[name=reform]", REFORM)
    page.click("main form button[type=submit]:has-text('开始测算')")
    page.wait_for_selector("#impact .chart svg", timeout=120_000)
    assert _drawn(page, "#impact") == CHARTS
    impact = page.inner_text("#impact")
    for shown in ("改革影响分析", "核心企业覆盖率（改革后）", "受益变化：按城市（家）", "支出变化最大的十项措施",
                  "亿元"):
        assert shown in impact, shown
    shoot(page, "60-simulate-impact")
    page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    assert page.evaluate(AXE) == []

    job = page.url.rstrip("/").rsplit("/", 1)[1]
    report = page.request.get(f"/api/v1/simulations/{job}/report.html")
    assert report.ok
    saved = tmp_path / "report.html"
    saved.write_bytes(report.body())
    server = urlparse(page.url).netloc
    assert {urlparse(u).netloc for u in requested if not u.startswith(("data:", "blob:"))} == {server}, requested
    assert not errors, errors

    requested.clear()
    page.goto(saved.as_uri())
    page.wait_for_selector("#impact .chart svg")
    assert _drawn(page, "#impact") == CHARTS and _drawn(page, "#charts") >= 1
    assert [u for u in requested if not u.startswith(("file:", "data:", "blob:"))] == []
    assert not errors, errors
    shoot(page, "61-simulate-report")
    _names_readable(page, saved.as_uri())
    _names_readable(page, f"/simulate/{job}", stacked=True)
    _bars_told_apart(page, f"/simulate/{job}")


# The y-axis labels of the impact chart titled ``title`` as drawn (ECharts' SVG text, each line of a label its own).
DRAWN_LABELS = """title => {
    const box = [...document.querySelectorAll("#impact .chart")].find(b => b.textContent.includes(title));
    return [...box.querySelectorAll("svg text")].map(t => t.textContent.trim()).filter(t => t);
  }"""


def _bars_told_apart(page, url: str) -> None:
    """At 390 px the labels of 支出变化最大的措施 were all cut to 辽政办〔2022〕35号 (its policy's number, first): each
    is now its measure (措施N and its title), the number after it, so the bars are told apart on a phone too."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    page.wait_for_selector("#impact .chart svg")
    drawn = page.evaluate(DRAWN_LABELS, "支出变化最大的措施")
    measures = [t for t in drawn if t.startswith("措施")]
    assert len(measures) >= 2 and len(set(measures)) == len(measures), drawn
    assert "辽政办〔2022〕35号" not in drawn and all(len(t) > len("措施11") for t in measures), drawn
    page.locator("#impact .chart", has_text="支出变化最大的措施").screenshot(
        path=str(shoot(page, "61-simulate-changes-390").with_name("61-simulate-changes-390-chart.png")))
