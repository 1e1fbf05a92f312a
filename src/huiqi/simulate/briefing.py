"""The impact analysis for people: headline figures, charts and tables in Chinese, money in 万元 or 亿元.

The HTML report and the analyst's page draw the same view (``view``) from the same data (the
``impact`` part of a simulation's JSON, ``impact.summarise``).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from huiqi.money import chart_unit, in_unit, wan_or_yi
from huiqi.reference.divisions import cities
from huiqi.reference.industries import industries
from huiqi.rules.batch import OUTSIDE
from huiqi.rules.facts import CHOICES
from huiqi.simulate.impact import BANDS, DIMENSIONS

ELIGIBLE = "符合条件的上限合计（从高不重复前）"  # every eligible result at its ceiling, before 从高不重复
COUNTED = "计入支出（从高不重复后）"  # what the report's tables and charts sum per measure: 计入支出
UNSPECIFIED = "未定额"  # the money of a measure whose text names no amount (措施12): not 0元
NAMES = {"措施", "单位"}  # key columns holding a name (a measure's, a unit's), read on a line or two, not a word a line
Label = Callable[[str, int], str]  # a measure (policy id, number) as people read it
CHANGES = (("gain", "增加", "#15803d"), ("lose", "减少", "#b91c1c"), ("unchanged", "不变", "#9ca3af"))
SCENARIOS = ("基线", "改革后")  # the scenarios of ``impact.summarise``'s lists, in their order
NOTES = (
    "支出指获得支持事项的“最高”支持额（上限）之和，已按从高不重复每个事项只计一项、并扣除已获我省其他政策的支持；"
    "按事项日期（认定、备案、设立或批准日期）所在年份计，不是拨付年份。",
    "受益变化按每个申请人在基线与改革后获得的支持额合计比较：增加、减少、不变（两者相同且至少一方获得支持）、"
    "均未获支持。获得支持指至少一项支持额高于 0 元或未定额的支持；上限降为 0 元的措施不算获得支持，其事项也不计入"
    "支持项数和“可支持”。",
    "覆盖率：在辽宁省（含沈抚示范区）注册、属于数字经济核心产业的企业（单位类型为企业或未填）中，至少获得一项支持的比例。",
    "从高不重复节省：所有符合条件的支持按上限全额计算的合计，减去按从高不重复计入的支出；分为同一事项符合多项措施只取最高"
    "的部分，与已获我省其他政策支持只补差额的部分。未定额的支持不计金额。",
    "营业收入分组（本年营业收入）：300万元以下、300万至2000万元、2000万至1亿元、1亿至4亿元、4亿元及以上；行业门类按"
    "GB/T 4754-2017 由所属行业小类归并。",
)


def group_label(dimension: str, code: str | None) -> str:
    """A group's value for people: 大型, C 制造业, 沈阳市, 300万至2000万元; 未填 when missing."""
    if code is None:
        return "未填"
    if dimension == "size":
        return CHOICES["size"].get(code, code)
    if dimension == "section":
        row = industries().get(code)
        return f"{code} {row['name']}" if row else code
    if dimension == "city":
        return {**cities(), OUTSIDE: "省外"}.get(code, code)
    return next((label for c, label, _, _ in BANDS if c == code), code)


def share(part: int, whole: int) -> str:
    """A share in percent to one decimal, '—' when there is no whole.

    >>> share(1, 3), share(0, 0), share(5, 5)
    ('33.3%', '—', '100.0%')
    """
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def signed(yuan: int) -> str:
    return ("+" if yuan > 0 else "") + wan_or_yi(yuan)


def _year_label(row: dict[str, Any]) -> str:
    if row["year"] is None:
        return "未填"
    inside = row["in_window"]
    if len(inside) > 1 and inside[1] and not inside[0]:
        return f"{row['year']}（改革延长）"
    return str(row["year"]) + ("" if any(inside) else "（窗口外）")


def kpis(data: dict[str, Any], reformed: bool) -> list[tuple[str, str, str]]:
    """The headline figures (label, value, what it counts): cost, coverage, what no stacking saves, who gains."""
    t, stacking = data["total"], data["stacking"]
    out = [("基线支出合计", wan_or_yi(t["ceiling_sum"]), f"{t['reached']} 个申请人获得支持")]
    if reformed:
        out += [("改革后支出合计", wan_or_yi(t["reform_ceiling_sum"]), f"{t['reform_reached']} 个申请人获得支持"),
                ("改革增减", signed(t["diff_ceiling_sum"]), "改革后减基线")]
    out += policy_parts(data.get("policies", []), t, reformed)
    core = t["core_enterprises"]
    out.append(("核心企业覆盖率（基线）", share(t["core_reached"], core), f"{t['core_reached']} / {core} 家"))
    if reformed:
        out.append(("核心企业覆盖率（改革后）", share(t["reform_core_reached"], core),
                    f"{t['reform_core_reached']} / {core} 家"))
    out.append(("从高不重复节省（基线）", wan_or_yi(stacking[0]["saving"]), "全额叠加与实际计入之差"))
    if reformed:
        out += [("从高不重复节省（改革后）", wan_or_yi(stacking[1]["saving"]), "全额叠加与实际计入之差"),
                ("受益增加 / 减少 / 不变", f"{t['gain']} / {t['lose']} / {t['unchanged']}", "家，按申请人计")]
    return out


def policy_parts(policies: list[dict[str, Any]], total: dict[str, Any], reformed: bool) -> list[tuple[str, str, str]]:
    """When several policies were run, each one's part of the spending (label, value, its share): a catalogue may hold
    a policy for demonstration beside the real one, and the headline says how much of the total each makes."""
    if len(policies) < 2:
        return []
    out = []
    for p in policies:
        note = f"占基线支出 {share(p['ceiling_sum'], total['ceiling_sum'])}"
        if reformed:
            note += (f"；改革后 {wan_or_yi(p['reform_ceiling_sum'])}，"
                     f"占 {share(p['reform_ceiling_sum'], total['reform_ceiling_sum'])}")
        out.append((f"其中：{p['number']}", wan_or_yi(p["ceiling_sum"]), note))
    return out


def money_chart(title: str, labels: list[str], series: list[tuple[str, list[int]]],
                 horizontal: bool = False) -> dict[str, Any]:
    unit = chart_unit([v for _, values in series for v in values])
    return {"title": f"{title}（{unit}）", "labels": labels, "unit": unit, "horizontal": horizontal,
            "series": [{"name": name, "data": [in_unit(v, unit) for v in values]} for name, values in series]}


def charts(data: dict[str, Any], reformed: bool, measure: Label) -> list[dict[str, Any]]:
    """The briefing's charts, as data for ``huiqiBars`` (static/charts.js)."""
    years = data["years"]
    series = [("基线", [r["ceiling_sum"] for r in years])]
    if reformed:
        series.append(("改革后", [r["reform_ceiling_sum"] for r in years]))
    out = [money_chart("逐年支出（按事项日期所在年份）", [_year_label(r) for r in years], series)]
    if reformed:
        top, diffs = data["measures"], [r["diff_ceiling_sum"] for r in data["measures"]]
        changes = money_chart("支出变化最大的措施：改革后减基线", [measure(r["policy"], r["measure"]) for r in top],
                               [("增加", [max(d, 0) for d in diffs]), ("减少", [min(d, 0) for d in diffs])],
                               horizontal=True) | {"truncate": True}  # a phone cuts measures' names to one line
        for series, (_, _, color) in zip(changes["series"], CHANGES, strict=False):
            series |= {"stack": "增减", "color": color}
        out.append(changes)
        for key, name in DIMENSIONS.items():
            rows = data["groups"][key]
            out.append({"title": f"受益变化：按{name}（家）", "unit": "家",
                        "labels": [group_label(key, r["group"]) for r in rows],
                        "series": [{"name": label, "stack": "变化", "color": color, "data": [r[field] for r in rows]}
                                   for field, label, color in CHANGES]})
    cities_ = [r for r in data["groups"]["city"] if r["core_enterprises"]]
    coverage = [("基线", "core_reached")] + ([("改革后", "reform_core_reached")] if reformed else [])
    out.append({"title": "核心企业覆盖率：按城市（%）", "unit": "%",
                "labels": [group_label("city", r["group"]) for r in cities_],
                "series": [{"name": name, "data": [share(r[field], r["core_enterprises"]).rstrip("%")
                                                   for r in cities_]} for name, field in coverage]})
    saved = [r for r in data["stacking"][0]["measures"] if not r.get("unspecified")]  # 未定额: no bar to draw
    out.append(money_chart("从高不重复：符合条件的上限合计与计入支出（基线）",
                            [measure(r["policy"], r["measure"]) for r in saved],
                            [(ELIGIBLE, [r["eligible_ceiling_sum"] for r in saved]),
                             (COUNTED, [r["ceiling_sum"] for r in saved])], horizontal=True) | {"truncate": True})
    return out


def _table(title: str, headers: list[str], rows: list[list[str]], keys: int = 1) -> dict[str, Any]:
    """A table of the briefing: its first ``keys`` columns say what a row is; ``names`` are those holding a name (a
    measure's, a unit's), which pages give room to be read on a line or two."""
    names = [i for i, header in enumerate(headers[:keys]) if header in NAMES]
    return {"title": title, "headers": headers, "rows": rows, "keys": keys, "names": names}


@dataclass(frozen=True)
class Yuan:
    """A money cell of a page's table, written once its column's unit is known (``in_units``); ``signed`` shows a
    gain with its plus sign."""

    yuan: int
    signed: bool = False


def _signed_yuan(yuan: int) -> Yuan:
    return Yuan(yuan, signed=True)


@dataclass(frozen=True)
class Cells:
    """How a table's figures are written: for the page, money in one unit per column (``units``: 万元 or 亿元, named in
    the header) and counts as text; for a workbook, whole yuan and numbers (``RAW``: the sheet adds the 万元 beside
    each money column, ``MONEY`` names them)."""

    money: Callable[[int], Any] = Yuan
    change: Callable[[int], Any] = _signed_yuan
    count: Callable[[int], Any] = str
    units: bool = True
    coverage: Callable[[int, int], Any] = share  # a workbook's is a number from 0 to 1 (none without a whole)


def _fraction(part: int, whole: int) -> float | None:
    """A share from 0 to 1 for a workbook's percent cell; None (blank) when there is no whole.

    >>> _fraction(7, 8), _fraction(0, 0)
    (0.875, None)
    """
    return part / whole if whole else None


RAW = Cells(int, int, int, units=False, coverage=_fraction)
SHARES = ("覆盖率（基线）", "覆盖率（改革后）")  # a workbook writes them as numbers with a percent format
# The money columns of the tables (a workbook writes each in yuan, with its 万元 beside it).
MONEY = {"基线支出", "改革后支出", "增减", "基线", "改革后", ELIGIBLE, COUNTED, "节省", "增加额", "减少额", "净增减"}
PLACES = {"万元": 2, "亿元": 4}  # 亿元 to 1万元: a group of 30万元 beside a total of 5亿元 still shows (0.003)


def in_units(table: dict[str, Any]) -> dict[str, Any]:
    """The table with its money in one unit, named in each money column's header: 亿元 when the table's largest amount
    reaches one hundred million, else 万元 (a column, or a row, mixing the two reads as if 5 were more than 300)."""
    headers, rows = list(table["headers"]), [list(row) for row in table["rows"]]
    unit = chart_unit([cell.yuan for row in rows for c, cell in enumerate(row)
                       if headers[c] in MONEY and isinstance(cell, Yuan)])
    for c, header in enumerate(headers):
        if header not in MONEY:
            continue
        headers[c] = f"{header[:-1]}，{unit}）" if header.endswith("）") else f"{header}（{unit}）"
        for row in rows:
            cell = row[c]
            if isinstance(cell, Yuan):  # else words (未定额)
                row[c] = ("+" if cell.signed and cell.yuan > 0 else "") + in_unit(cell.yuan, unit, PLACES[unit])
    return {**table, "headers": headers, "rows": rows}


def tables(data: dict[str, Any], reformed: bool, measure: Label, cells: Cells = Cells()) -> list[dict[str, Any]]:
    """The briefing's tables: years, the largest changes, the groups, and what no stacking saved."""
    money, change, count = cells.money, cells.change, cells.count
    out = [_year_table(data["years"], reformed, cells)]
    if reformed:
        headers = ["措施", "基线支出", "改革后支出", "增减", "基线支持项数", "改革后支持项数"]
        out.append(_table("支出变化最大的十项措施", headers, [
            [measure(r["policy"], r["measure"]), money(r["ceiling_sum"]), money(r["reform_ceiling_sum"]),
             change(r["diff_ceiling_sum"]), count(r["grants"]), count(r["reform_grants"])] for r in data["measures"]]))
        headers = ["单位", "统一社会信用代码", "城市", "规模", "基线", "改革后", "增减"]
        out.append(_table("支持额变化最大的十个申请人", headers, [
            [r["name"] or "—", r["uscc"] or "—", group_label("city", r["city"]), group_label("size", r["size"]),
             money(r["ceiling_sum"]), money(r["reform_ceiling_sum"]), change(r["diff_ceiling_sum"])]
            for r in data["enterprises"]], keys=4))
    for key, name in DIMENSIONS.items():
        out.append(_group_table(key, name, [*data["groups"][key], {**data["total"], "group": "合计"}], reformed,
                                cells))
    for i, scenario in enumerate(SCENARIOS[:len(data["stacking"])]):
        out.append(_stacking_table(data["stacking"][i]["measures"], measure, cells, scenario))
    return [in_units(t) for t in out] if cells.units else out


def _year_table(years: list[dict[str, Any]], reformed: bool, cells: Cells) -> dict[str, Any]:
    headers = ["年份", "基线支出", "基线支持项数"] + (["改革后支出", "改革后支持项数", "增减"] if reformed else [])
    rows = []
    for r in years:
        label = _year_label(r)
        # a workbook's year is a number, what the page adds to it (窗口外, 改革延长) in a column of its own
        row = [label if cells.units or r["year"] is None else r["year"], cells.money(r["ceiling_sum"]),
               cells.count(r["grants"])]
        if reformed:
            row += [cells.money(r["reform_ceiling_sum"]), cells.count(r["reform_grants"]),
                    cells.change(r["diff_ceiling_sum"])]
        if not cells.units:
            row.append(label.removeprefix(str(r["year"])).strip("（）") if r["year"] is not None else "")
        rows.append(row)
    return _table("逐年支出（按事项日期所在年份）", headers + ([] if cells.units else ["备注"]), rows)


def _group_table(key: str, name: str, rows: list[dict[str, Any]], reformed: bool, cells: Cells) -> dict[str, Any]:
    headers = [name, "申请人", "基线获支持", "基线支出", "核心企业", "覆盖率（基线）"]
    if reformed:
        headers += ["覆盖率（改革后）", "增加（家）", "减少（家）", "不变（家）", "均未获支持（家）",
                    "增加额", "减少额", "净增减"]
    body = []
    for r in rows:
        label = r["group"] if r["group"] == "合计" else group_label(key, r["group"])
        count = cells.count
        row = [label, count(r["applicants"]), count(r["reached"]), cells.money(r["ceiling_sum"]),
               count(r["core_enterprises"]), cells.coverage(r["core_reached"], r["core_enterprises"])]
        if reformed:
            row += [cells.coverage(r["reform_core_reached"], r["core_enterprises"]), count(r["gain"]), count(r["lose"]),
                    count(r["unchanged"]), count(r["not_reached"]), cells.money(r["gain_sum"] or 0),
                    cells.money(r["loss_sum"] or 0), cells.change(r["diff_ceiling_sum"])]
        body.append(row)
    title = f"按{name}：受益变化与覆盖率" if reformed else f"按{name}：获得支持与覆盖率"
    return _table(title, headers, body)


def _stacking_table(rows: list[dict[str, Any]], measure: Label, cells: Cells, scenario: str = "基线") -> dict[str, Any]:
    """Every measure with an eligible, excluded or no longer supported result (a measure whose text names no amount:
    its money 未定额), and their 合计, whose counts are those of the sentence above the table."""
    headers = ["措施", ELIGIBLE, COUNTED, "节省", "被同一事项更高措施排除（项）",
               "因已获其他政策支持不再支持（项）"]
    sums = ("eligible_ceiling_sum", "ceiling_sum", "saving", "excluded", "blocked")
    total = {"policy": None, "measure": None, **{k: sum(r[k] for r in rows) for k in sums}}
    body = []
    for r in [*rows, total]:
        def money(key: str, r: dict[str, Any] = r) -> Any:
            return UNSPECIFIED if r.get("unspecified") else cells.money(r[key])

        name = "合计" if r is total else measure(r["policy"], r["measure"])
        body.append([name, money("eligible_ceiling_sum"), money("ceiling_sum"), money("saving"),
                     cells.count(r["excluded"]), cells.count(r["blocked"])])
    return _table(f"从高不重复：按措施（{scenario}）", headers, body)


def view(data: dict[str, Any], measure: Label, charted: Label | None = None) -> dict[str, Any]:
    """Everything the impact section shows: headline figures, charts (JSON for ``data-charts``), tables, notes; a
    chart's measures by ``charted`` (the measure before its policy's number, which a phone may cut off)."""
    reformed = "measures" in data
    saving = "".join(_saving(stacking, scenario) for scenario, stacking in zip(SCENARIOS, data["stacking"],
                                                                                strict=False))
    return {"reformed": reformed, "kpis": kpis(data, reformed), "saving": saving,
            "charts": json.dumps(charts(data, reformed, charted or measure), ensure_ascii=False),
            "tables": tables(data, reformed, measure), "notes": NOTES}


def _saving(stacking: dict[str, Any], scenario: str) -> str:
    """What 从高不重复 saved in a scenario, in a sentence."""
    where = "基线下" if scenario == SCENARIOS[0] else scenario
    return (f"{where}从高不重复共节省 {wan_or_yi(stacking['saving'])}：同一事项符合多项措施只取最高，"
            f"少计 {wan_or_yi(stacking['by_other_measures'])}（{stacking['excluded']} 项）；"
            f"已获我省其他政策支持只补差额，少计 {wan_or_yi(stacking['by_other_support'])}"
            f"（其中 {stacking['blocked']} 项不再支持）。")
