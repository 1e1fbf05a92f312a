"""A report over two policies that both have a 措施1: each row, bar and cell names its own policy's measure and keeps
its own figures; the policy by its document number; the groupings in Chinese; 万元 in a workbook as numbers."""

import json
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl

from huiqi import clock
from huiqi.rules.loader import load_many
from huiqi.simulate.engine import difference
from huiqi.simulate.reform import Reform
from huiqi.simulate.report import SimulationReport, charts, html, people_table, write
from huiqi.web.excel import looks_like_formula

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"
POLICIES = load_many(["ln-2022-35", str(SECOND)])
OURS, THEIRS, FIVE = "措施1 发展总部经济", "措施1 智能制造配套支持", "措施5 做强电子元器件及设备制造业"


def _report() -> SimulationReport:
    groups = pl.DataFrame({
        "policy": ["ln-2022-35", "ln-2022-35", "test-successor"], "measure": [1, 5, 1],
        "region": ["210100", "210100", "210200"], "matters": [3, 2, 4], "eligible": [3, 2, 4],
        "undetermined": [0, 0, 0], "grants": [3, 2, 4], "ceiling_sum": [727_985_415, 30_000_000, 80_000_000],
        "unspecified_grants": [0, 0, 0]}, schema_overrides={"measure": pl.Int32})
    return SimulationReport("合成数据", date(2025, 6, 30), ["measure", "region"], POLICIES, groups, 1.5, 9)


def test_the_fixture_has_two_measures_1() -> None:
    assert [(p.number, p.measures[0].number, p.measures[0].title) for p in POLICIES] == [
        ("辽政办〔2022〕35号", 1, "发展总部经济"), ("测试〔2024〕1号", 1, "智能制造配套支持")]


def test_each_row_names_its_own_policy_and_measure() -> None:
    headers, rows = people_table(_report())
    assert headers[:3] == ["政策", "措施", "地区"] and "计入支出（万元）" in headers
    assert [r[:2] for r in rows[:-1]] == [["辽政办〔2022〕35号", OURS], ["辽政办〔2022〕35号", FIVE],
                                          ["测试〔2024〕1号", THEIRS]], "the 文号, not the internal id"


def test_the_measure_chart_keeps_each_policys_measure_1_apart() -> None:
    chart = next(c for c in charts(_report()) if c["title"].startswith("按措施"))
    assert chart["title"] == "按措施：计入支出（亿元）" and chart["horizontal"], "long names: bars on their side"
    bars = dict(zip(chart["labels"], chart["series"][0]["data"], strict=True))
    assert bars == {f"辽政办〔2022〕35号 {OURS}": "7.27985415", f"辽政办〔2022〕35号 {FIVE}": "0.3",
                    f"测试〔2024〕1号 {THEIRS}": "0.8"}, "one bar per policy's 措施1, not their sum"


def test_the_html_report(tmp_path: Path) -> None:
    text = html(_report())
    assert "ln-2022-35" not in text.split("<script>")[0] and "test-successor" not in text.split("<script>")[0]
    assert f"<td class=\"key\">{THEIRS}</td>" in text and f"<td class=\"key\">{OURS}</td>" in text
    assert "<dt>分组</dt><dd>措施、地区</dd>" in text
    drawn = json.loads(text.split('data-charts="')[-1].split('"')[0].replace("&#34;", '"'))
    assert f"测试〔2024〕1号 {THEIRS}" in drawn[0]["labels"]


def test_the_workbook_holds_numbers_and_chinese_labels(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(_report(), tmp_path / "report.xlsx"))
    sheet = book["测算结果"]
    today = clock.today().isoformat()
    assert sheet["A1"].value == f"财政测算：测算结果（{today} 生成，判断日期 2025-06-30）", "the run and the day"
    assert book["说明"]["A1"].value == f"财政测算：说明（{today} 生成，判断日期 2025-06-30）"
    header = [c.value for c in sheet[2]]
    *rows, total = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=3)]
    assert (total["政策"], total["涉及事项"], total["计入支出（元）"]) == ("合计", 9, 837_985_415), "the page's 合计"
    assert [(r["政策"], r["措施"]) for r in rows] == [("辽政办〔2022〕35号", OURS),
                                                    ("辽政办〔2022〕35号", FIVE),
                                                    ("测试〔2024〕1号", THEIRS)]
    wan = header.index("计入支出（万元）") + 1
    cell = sheet.cell(row=3, column=wan)
    assert cell.data_type == "n" and cell.value == 72798.5415 and "0.0000" in cell.number_format
    assert all(isinstance(r["计入支出（元）"], int) for r in rows)
    about = {row[0].value: row[1].value for row in book["说明"].iter_rows(min_row=3)}
    assert about["分组"] == "措施、地区"
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for row in sheet.iter_rows() for c in row)


def test_text_that_looks_like_a_formula_is_quoted_in_both_sheets(tmp_path: Path) -> None:
    report = _report()
    report.population = '=HYPERLINK("http://x","点击")'
    report.reform = Reform(name="=1+1", description="@SUM(A1)", changes=[
        {"parameter": "1.cap", "since": "2025-01-01", "value": "3000万元", "source": "-1+2", "policy": POLICIES[0].id}])
    report.reformed, report.difference = report.baseline, difference(report.baseline, report.baseline)
    book = openpyxl.load_workbook(write(report, tmp_path / "report.xlsx"))
    hostile = [c for sheet in book for row in sheet.iter_rows() for c in row
               if isinstance(c.value, str) and looks_like_formula(c.value)]
    assert {c.value for c in hostile} >= {report.population, "=1+1：@SUM(A1)"}
    about = {row[0].value: row[1].value for row in book["说明"].iter_rows(min_row=3)}
    cap = about["改革：辽政办〔2022〕35号 措施1 总部及功能性机构资金支持上限"]
    assert cap.startswith("自 2025-01-01 起为 3000万元"), cap
    assert not any(k.startswith("改革：1.") for k in about), "the parameter by its Chinese label, not its key"
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile), [c.coordinate for c in hostile]
