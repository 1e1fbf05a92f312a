"""The impact analysis as people read it: the hand-made population of ``test_impact`` in Chinese figures."""

import copy
import json

import pytest

from huiqi.simulate.briefing import ELIGIBLE, RAW, group_label, tables, view
from tests.simulate.test_impact import analyse, write


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict:
    return analyse(write(tmp_path_factory.mktemp("briefing") / "pop"))


def test_headline_figures(data: dict) -> None:
    shown = {label: value for label, value, _ in view(data, lambda policy, n: f"{policy} {n}")["kpis"]}
    assert (shown["基线支出合计"], shown["改革后支出合计"], shown["改革增减"]) == ("4500万元", "5250万元", "+750万元")
    assert shown["核心企业覆盖率（基线）"] == "75.0%"
    assert ("核心企业覆盖率（改革后）", "75.0%", "3 / 4 家") in view(data, lambda policy, n: "")["kpis"]
    assert shown["从高不重复节省（基线）"] == "1200万元" and shown["受益增加 / 减少 / 不变"] == "2 / 1 / 1"


def test_charts_in_chinese_with_their_units(data: dict) -> None:
    charts = {c["title"]: c for c in json.loads(view(data, lambda policy, n: f"措施{n}")["charts"])}
    years = charts["逐年支出（按事项日期所在年份）（万元）"]
    assert years["labels"] == ["2022", "2023", "2024", "2025", "2026（改革延长）"]
    assert years["series"][1] == {"name": "改革后", "data": ["0", "3000", "450", "1500", "300"]}
    changed = charts["支出变化最大的措施：改革后减基线（万元）"]
    assert changed["labels"] == ["措施11", "措施3"]
    assert [(s["name"], s["data"]) for s in changed["series"]] == [("增加", ["800", "0"]), ("减少", ["0", "-50"])]
    sizes = charts["受益变化：按企业规模（家）"]
    assert sizes["labels"] == ["大型", "中型", "小型", "微型"] and sizes["unit"] == "家"
    assert [s["data"] for s in sizes["series"]] == [[0, 1, 0, 1], [0, 0, 1, 0], [1, 0, 0, 0]]
    assert charts["核心企业覆盖率：按城市（%）"]["labels"] == ["沈阳市", "大连市"]


def test_tables_and_labels(data: dict) -> None:
    tables = {t["title"]: t for t in view(data, lambda policy, n: f"{policy} {n}")["tables"]}
    people = tables["支持额变化最大的十个申请人"]["rows"]
    assert [r[0] for r in people] == ["单位A", "单位D", "单位B"] and people[2][-1] == "-50"
    assert tables["支持额变化最大的十个申请人"]["headers"][-3:] == ["基线（万元）", "改革后（万元）", "增减（万元）"]
    city = tables["按城市：受益变化与覆盖率"]["rows"]
    assert [r[0] for r in city] == ["沈阳市", "大连市", "鞍山市", "省外", "合计"]
    assert (group_label("section", "I"), group_label("revenue_band", "ge400m"), group_label("size", None)) == (
        "I 信息传输、软件和信息技术服务业", "4亿元及以上", "未填")


def test_a_table_reaching_one_yi_is_all_in_yi(data: dict) -> None:
    """One unit per table, named in each money column's header: 亿元 once the table's largest amount reaches 1亿, every
    money cell of it; the tables beside it keep 万元."""
    large = copy.deepcopy(data)
    large["years"][1] |= {"ceiling_sum": 250_000_000, "diff_ceiling_sum": -220_000_000}
    large["stacking"][0]["measures"][1]["eligible_ceiling_sum"] = 123_456_789
    large["groups"]["size"][0]["gain_sum"] = 150_000_000
    found = {t["title"]: t for t in tables(large, True, lambda policy, n: f"措施{n}")}
    years = found["逐年支出（按事项日期所在年份）"]
    assert years["headers"] == ["年份", "基线支出（亿元）", "基线支持项数", "改革后支出（亿元）", "改革后支持项数",
                                "增减（亿元）"]
    assert [row[1] for row in years["rows"]] == ["0", "2.5", "0.05", "0.1", "0"]
    assert [row[5] for row in years["rows"]] == ["0", "-2.2", "-0.005", "+0.05", "+0.03"]
    assert [row[3] for row in years["rows"]] == ["0", "0.3", "0.045", "0.15", "0.03"]
    stacking = found["从高不重复：按措施（基线）"]
    assert stacking["headers"][1:3] == ["符合条件的上限合计（从高不重复前，亿元）", "计入支出（从高不重复后，亿元）"]
    assert [row[1] for row in stacking["rows"]] == ["0.01", "1.2346", "0.26", "1.5046"]
    sizes = found["按企业规模：受益变化与覆盖率"]
    assert [h for h in sizes["headers"] if "元" in h] == ["基线支出（亿元）", "增加额（亿元）", "减少额（亿元）",
                                                         "净增减（亿元）"]
    assert sizes["rows"][0][11] == "1.5" and sizes["rows"][2][12] == "-0.005"
    assert "基线支出（万元）" in found["按城市：受益变化与覆盖率"]["headers"]
    assert all("元" not in cell for t in found.values() for row in t["rows"] for cell in row[t["keys"]:])
    assert ELIGIBLE in tables(large, True, lambda policy, n: "", RAW)[-1]["headers"], "a workbook's headers stay bare"


def test_on_a_phone_a_measures_chart_keeps_most_of_its_width_for_the_bars(data: dict) -> None:
    """At 390 px the names of measures take two lines at most and under a third of the chart; the bars the rest."""
    from pathlib import Path

    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    static = Path(__file__).parents[2] / "src" / "huiqi" / "web" / "static"
    long = "辽政办〔2022〕35号 措施{} 融合基础设施项目资金支持与配套奖励"
    charts = [c for c in json.loads(view(data, lambda policy, n: long.format(n))["charts"]) if c.get("truncate")]
    assert [c["title"][:9] for c in charts] == ["支出变化最大的措施", "从高不重复：符合条"]
    html = ("<html><body style='margin:0'><div id='h' style='width:358px;margin:16px'></div><script>"
            + (static / "vendor/echarts/echarts.common.min.js").read_text("utf-8") + "</script><script>"
            + (static / "charts.js").read_text("utf-8") + "</script><script>huiqiBars(document.getElementById('h'), "
            + json.dumps(charts[:1], ensure_ascii=False) + ")</script></body></html>")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.set_content(html)
        texts = page.eval_on_selector_all("svg text", "els => els.map(e => [e.textContent, "
                                          "e.getBoundingClientRect().left, e.getBoundingClientRect().right])")
        browser.close()
    title = charts[0]["title"]
    lines = [(text, left, right) for text, left, right in texts  # the labels' lines: not the title, legend or axis
             if text not in (title, "增加", "减少") and not text.lstrip("-").replace(".", "").isdigit()]
    assert lines and all(right - 16 < 358 * 0.4 for _, _, right in lines), lines
    assert len(lines) <= 2 * len(charts[0]["labels"]), lines


def test_the_reform_s_stacking_by_measure_beside_the_baseline_s(data: dict) -> None:
    """Under the reform measure 11 is eligible for a1 at 1500万 (2025), c1 at 1000万 (excluded by 5's 3000万), c2 at
    600万 (less 200万 received elsewhere) and d1 at 300万 (2026, in the extended window): 3400万 before, 2200万
    after."""
    shown = view(data, lambda policy, n: f"措施{n}")
    found = {t["title"]: t for t in shown["tables"]}
    baseline, reform = found["从高不重复：按措施（基线）"], found["从高不重复：按措施（改革后）"]
    assert baseline["headers"] == reform["headers"]
    assert next(r for r in baseline["rows"] if r[0] == "措施11") == ["措施11", "2600", "1400", "1200", "1", "0"]
    assert next(r for r in reform["rows"] if r[0] == "措施11") == ["措施11", "3400", "2200", "1200", "1", "0"]
    assert next(r for r in reform["rows"] if r[0] == "措施3") == ["措施3", "50", "50", "0", "0", "0"]
    assert shown["saving"].startswith("基线下从高不重复共节省 1200万元")
    assert "改革后从高不重复共节省 1200万元" in shown["saving"]
    baseline_only = {k: v for k, v in data.items() if k not in ("measures", "enterprises")}
    alone = view(baseline_only | {"stacking": data["stacking"][:1]}, lambda policy, n: "")
    assert "改革后" not in alone["saving"] and [t["title"] for t in alone["tables"]][-1] == "从高不重复：按措施（基线）"


def test_each_policy_s_part_of_the_spending_in_the_headline(data: dict) -> None:
    """One policy: no parts; two (a demonstration policy beside the real one): each one's amount and share."""
    assert not [label for label, _, _ in view(data, lambda policy, n: "")["kpis"] if label.startswith("其中")]
    two = copy.deepcopy(data)
    two["policies"] = [two["policies"][0] | {"ceiling_sum": 3600 * 10_000, "reform_ceiling_sum": 4000 * 10_000},
                       {"policy": "demo", "number": "演示〔2024〕1号（虚构）", "title": "演示", "version": "abc",
                        "ceiling_sum": 900 * 10_000, "reform_ceiling_sum": 1250 * 10_000}]
    parts = [k for k in view(two, lambda policy, n: "")["kpis"] if k[0].startswith("其中")]
    assert parts == [("其中：辽政办〔2022〕35号", "3600万元", "占基线支出 80.0%；改革后 4000万元，占 76.2%"),
                     ("其中：演示〔2024〕1号（虚构）", "900万元", "占基线支出 20.0%；改革后 1250万元，占 23.8%")]


def test_the_stacking_table_lists_a_measure_without_an_amount_and_sums_to_the_sentence(data: dict) -> None:
    """A measure naming no amount (措施12) whose results were no longer supported: listed with 未定额 for its money, and
    the 合计 row's counts are the sentence's (on the page and in a workbook)."""
    with12 = copy.deepcopy(data)
    baseline = with12["stacking"][0]
    baseline["measures"].append({"policy": "ln", "measure": 12, "eligible_ceiling_sum": 0, "kept_ceiling_sum": 0,
                                 "ceiling_sum": 0, "excluded": 0, "blocked": 56, "saving": 0, "unspecified": True})
    baseline["blocked"] += 56
    shown = view(with12, lambda policy, n: f"措施{n}")
    table = next(t for t in shown["tables"] if t["title"] == "从高不重复：按措施（基线）")
    assert table["rows"][-2] == ["措施12", "未定额", "未定额", "未定额", "0", "56"]
    total = table["rows"][-1]
    assert total[0] == "合计" and total[4:] == [str(baseline["excluded"]), str(baseline["blocked"])]
    assert sum(int(row[5]) for row in table["rows"][:-1]) == int(total[5])
    assert f"（其中 {baseline['blocked']} 项不再支持）" in shown["saving"]
    assert total[1:4] == ["5700", "4500", "1200"]
    raw = next(t for t in tables(with12, True, lambda policy, n: f"措施{n}", RAW)
               if t["title"] == "从高不重复：按措施（基线）")
    assert raw["rows"][-2][1] == "未定额" and raw["rows"][-1] == ["合计", 5700 * 10_000, 4500 * 10_000,
                                                                  1200 * 10_000, 1, 56]
    charted = next(c for c in json.loads(shown["charts"]) if c["title"].startswith("从高不重复"))
    assert "措施12" not in charted["labels"]
