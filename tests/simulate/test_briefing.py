"""The impact analysis as people read it: the hand-made population of ``test_impact`` in Chinese figures."""

import json

import pytest

from huiqi.simulate.briefing import group_label, view
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
    assert [r[0] for r in people] == ["单位A", "单位D", "单位B"] and people[2][-1] == "-50万元"
    city = tables["按城市：受益变化与覆盖率"]["rows"]
    assert [r[0] for r in city] == ["沈阳市", "大连市", "鞍山市", "省外", "合计"]
    assert (group_label("section", "I"), group_label("revenue_band", "ge400m"), group_label("size", None)) == (
        "I 信息传输、软件和信息技术服务业", "4亿元及以上", "未填")
