"""Simulation reports: a Rich table, JSON for programs, and files (CSV, Parquet, Excel, HTML).

Machines get whole yuan; people get 万元 (exact, as text) next to them. The impact analysis
(``impact``: who gains and loses, cost by year, coverage, what 从高不重复 saves) travels in the JSON
as ``impact`` and is drawn by ``briefing`` in the HTML report and on the analyst's page.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape
from rich.table import Table

from huiqi import clock
from huiqi.errors import InputError
from huiqi.labels import grouping
from huiqi.labels import measure_label as cite
from huiqi.money import wan
from huiqi.reference.divisions import cities
from huiqi.rules.batch import OUTSIDE
from huiqi.rules.params import Parameter
from huiqi.rules.policy import Policy
from huiqi.simulate.briefing import MONEY, RAW, SHARES, money_chart, tables, view
from huiqi.simulate.engine import METRICS
from huiqi.simulate.reform import Change, Reform, value_said

if TYPE_CHECKING:
    from huiqi.web.excel import Table

HEADERS = {
    "policy": "政策", "measure": "措施", "region": "地区", "year": "年份", "matters": "涉及事项",
    "eligible": "符合", "undetermined": "待定", "grants": "可支持", "ceiling_sum": "计入支出（元）",
    "unspecified_grants": "未定额",
}
# What the ceilings summed after 从高不重复 are called everywhere (tables, charts, the comparison): what is counted as
# spending; the ceilings of every eligible result before it are "符合条件的上限合计（从高不重复前）" (briefing).
COUNTED = "计入支出"
FORMATS = (".csv", ".parquet", ".xlsx", ".html")
ESTIMATE = 2  # decimals of 万元 people read in a simulation's tables (files keep whole yuan, exactly)


@dataclass
class SimulationReport:
    """Everything a simulation produced, ready to render."""

    population: str
    as_of: date
    by: list[str]
    policies: list[Policy]
    baseline: pl.DataFrame
    seconds: float
    matters: int
    reform: Reform | None = None
    reformed: pl.DataFrame | None = None
    difference: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    impact: dict[str, Any] | None = None  # impact.summarise; None when not computed (and for older jobs)
    # the policies run, by id, document number, title and version, as a finished job recorded them (``used``)
    recorded: list[dict[str, str]] | None = None
    run: str = "财政测算"  # how the workbook's titles name the run: a job's is 财政测算 #12

    def titled(self, title: str, on: date) -> str:
        """A sheet's title naming the run and the day it was made: 财政测算 #12：测算结果（2026-12-07 生成，判断日期
        2025-06-30）, as every export's first row names what it is and when."""
        return f"{self.run}：{title}（{on.isoformat()} 生成，判断日期 {self.as_of.isoformat()}）"

    def group_keys(self) -> list[str]:
        return [c for c in self.baseline.columns if c not in METRICS]

    def used(self) -> list[dict[str, str]]:
        """The policies run, each by id, document number, title and version (the digest of its text): as recorded when
        the report was made (a job's page is drawn later, when other versions may be in force)."""
        if self.recorded is not None:
            return self.recorded
        return [{"id": p.id, "number": p.number, "title": p.title, "version": p.version} for p in self.policies]

    def to_json(self) -> dict[str, Any]:
        """``{"policies": [...], "groups": [...]}``, plus ``reform`` and ``difference`` when a reform was given."""
        data: dict[str, Any] = {"policies": self.used(), "groups": self.baseline.to_dicts()}
        if self.reform is not None:
            data["reform"] = {"name": self.reform.name, "description": self.reform.description,
                              "groups": self.reformed.to_dicts()}
            data["difference"] = self.difference.to_dicts()
        if self.impact is not None:
            data["impact"] = self.impact
        return data

    def label(self, key: str, value: Any, policy: str | None = None) -> str:
        """A group key's value for people: a policy by its document number (文号), a measure by its number and the
        title it has in ``policy`` (its row's policy: each policy has a 措施1 of its own)."""
        if value is None:
            return "未填" if key in ("region", "year") else "—"
        if key == "region":
            return {**cities(), OUTSIDE: "省外"}.get(value, value)
        if key == "policy":
            return next((p.number for p in self.policies if p.id == value), str(value))
        if key == "measure":
            return cite(value, self._title(policy, value))
        return str(value)

    def _title(self, policy: str | None, number: Any) -> str | None:
        """A measure's title in its policy; without the policy, only when one policy has a measure of that number."""
        found = [m.title for p in self.policies if policy is None or p.id == policy for m in p.measures
                 if m.number == number]
        return found[0] if len(found) == 1 else None

    def cell(self, key: str, row: dict[str, Any]) -> str:
        """A row's group key for people (its measure read in the row's policy)."""
        return self.label(key, row[key], row.get("policy"))


COUNTS = ("matters", "eligible", "undetermined", "grants", "unspecified_grants")


def people_table(report: SimulationReport) -> tuple[list[str], list[list[str]]]:
    """Headers and rows for people (Chinese, 万元), with a total row; the terminal and HTML show the same."""
    keys = report.group_keys()
    reformed = report.reform is not None
    headers = [HEADERS[k] for k in keys] + [HEADERS[m] for m in COUNTS]
    headers += ([f"基线{COUNTED}（万元）", f"改革后{COUNTED}（万元）", "差额（万元）"] if reformed
                else [f"{COUNTED}（万元）"])
    rows = _rows(report)
    body = []
    for row in rows:
        cells = [report.cell(k, row) for k in keys] + [str(row[m]) for m in COUNTS]
        cells.append(wan(row["ceiling_sum"], ESTIMATE))
        if reformed:
            cells += [wan(row["reform_ceiling_sum"], ESTIMATE), _signed(row["diff_ceiling_sum"])]
        body.append(cells)
    body.append((["合计"] + [""] * (len(keys) - 1) if keys else []) + _totals(rows, reformed))
    return headers, body


def table(report: SimulationReport) -> Table:
    """The totals as a Rich table in Chinese, money in 万元."""
    title = f"财政测算：{report.population}（{report.matters} 个事项，判断日期 {report.as_of}）"
    out = Table(title=title, title_justify="left")
    headers, rows = people_table(report)
    keys = len(report.group_keys())
    for i, header in enumerate(headers):
        out.add_column(header, overflow="fold", justify="left" if i < keys else "right")
    for i, row in enumerate(rows):
        out.add_row(*row, style="bold" if i == len(rows) - 1 else None)
    return out


def _rows(report: SimulationReport) -> list[dict]:
    if report.reform is None:
        return report.baseline.to_dicts()
    keys = report.group_keys()
    reform = report.reformed.rename({m: f"reform_{m}" for m in METRICS})
    diff = report.difference.rename({m: f"diff_{m}" for m in METRICS})
    joined = report.baseline.join(reform, on=keys, how="full", coalesce=True, nulls_equal=True) if keys else \
        pl.concat([report.baseline, reform], how="horizontal")
    joined = joined.join(diff, on=keys, how="left", nulls_equal=True) if keys else \
        pl.concat([joined, diff], how="horizontal")
    filled = joined.with_columns(pl.col(c).fill_null(0) for c in joined.columns if c not in keys)
    return filled.sort(keys, nulls_last=True).to_dicts() if keys else filled.to_dicts()


def _totals(rows: list[dict], reformed: bool) -> list[str]:
    def total(name: str) -> int:
        return sum(r[name] or 0 for r in rows)

    cells = [str(total(m)) for m in ("matters", "eligible", "undetermined", "grants", "unspecified_grants")]
    cells.append(wan(total("ceiling_sum"), ESTIMATE))
    if reformed:
        cells += [wan(total("reform_ceiling_sum"), ESTIMATE), _signed(total("diff_ceiling_sum"))]
    return cells


def _signed(yuan: int) -> str:
    return ("+" if yuan > 0 else "") + wan(yuan, ESTIMATE)


def flat(report: SimulationReport) -> pl.DataFrame:
    """One table for files: keys, the baseline metrics, and reform_/diff_ metrics when reformed."""
    if report.reform is None:
        return report.baseline
    return pl.DataFrame(_rows(report))


def write(report: SimulationReport, path: Path) -> Path:
    """Write the report; the suffix chooses the format (.csv, .parquet, .xlsx, .html)."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InputError([("--out", f"不支持的格式 {suffix or '（无后缀）'}（可选：{', '.join(FORMATS)}）")])
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    {".csv": lambda: flat(report).write_csv(partial), ".parquet": lambda: flat(report).write_parquet(partial),
     ".xlsx": lambda: _excel(report, partial), ".html": lambda: partial.write_text(html(report), "utf-8")}[suffix]()
    partial.replace(path)  # written whole, then moved into place: nothing half-written
    return path


# The workbook's money columns: whole yuan, each with its 万元 twin (``web.excel.Table.money``).
MONEY_COLUMNS = {"ceiling_sum": COUNTED, "reform_ceiling_sum": f"改革后{COUNTED}", "diff_ceiling_sum": "差额"}


def _column_name(column: str) -> str:
    """A column of ``flat`` as people read it in the workbook (money without its unit: the sheet adds 元 and 万元)."""
    if column in MONEY_COLUMNS:
        return MONEY_COLUMNS[column]
    if column.startswith("reform_"):
        return f"改革后{HEADERS[column.removeprefix('reform_')]}"
    if column.startswith("diff_"):
        return f"{HEADERS[column.removeprefix('diff_')]}差额"
    return HEADERS.get(column, column)


def result_table(report: SimulationReport, on: date | None = None) -> "Table":
    """The results for a workbook: keys for people (文号, 措施 with its own policy's title), money in whole yuan with
    a numeric 万元 column beside it (never text: a column people sum); titled with the run and ``on``, the day it is
    made (today by the clock)."""
    from huiqi.web.excel import Table

    frame = flat(report)
    keys = report.group_keys()
    metrics = [c for c in frame.columns if c not in keys]
    rows: list[list[Any]] = [[row[k] if k == "year" and isinstance(row[k], int) else report.cell(k, row)
                              for k in keys] + [row[m] for m in metrics] for row in frame.to_dicts()]
    if keys:  # the total the page shows under its table
        rows.append(["合计"] + [""] * (len(keys) - 1) + [frame[m].fill_null(0).sum() for m in metrics])
    return Table(report.titled("测算结果", on or clock.today()),
                 [HEADERS[k] for k in keys] + [_column_name(m) for m in metrics], rows,
                 money={MONEY_COLUMNS[m] for m in metrics if m in MONEY_COLUMNS}, sheet="测算结果")


def _excel(report: SimulationReport, path: Path) -> None:
    """Every text cell written as text, quoted when a spreadsheet could take it for a formula (a reform may be named
    ``=1+1``, an uploaded file ``=HYPERLINK(…)``)."""
    from huiqi.web.excel import Table, add_sheet, safe_workbook

    on = clock.today()
    with safe_workbook(path) as book:
        add_sheet(book, result_table(report, on))
        add_sheet(book, Table(report.titled("说明", on), ("项目", "内容"), _about(report), sheet="说明"))
        for table in impact_tables(report):
            add_sheet(book, Table(report.titled(table.title, on), table.header, table.rows, money=table.money,
                                  shares=table.shares, sheet=table.title))


def impact_tables(report: SimulationReport) -> list["Table"]:
    """The impact analysis' tables as the page shows them, for a workbook: Chinese headers, money in whole yuan with
    its 万元 beside it, counts as numbers (none for a report without the analysis)."""
    from huiqi.web.excel import Table

    if report.impact is None:
        return []
    found = tables(report.impact, "measures" in report.impact, measure_label(report.policies), RAW)
    return [Table(t["title"], t["headers"], t["rows"], money={h for h in t["headers"] if h in MONEY},
                  shares={h for h in t["headers"] if h in SHARES}) for t in found]


def _about(report: SimulationReport) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        ("企业样本数据", report.population), ("事项数", report.matters), ("判断日期", str(report.as_of)),
        ("政策", "；".join(f"{p.number} {p.title}（版本 {p.version}）" for p in report.policies)),
        ("分组", grouping(report.by)), ("用时（秒）", f"{report.seconds:.2f}")]
    if report.reform is not None:
        rows.append(("改革方案", report.reform.name + (f"：{report.reform.description}" if report.reform.description
                                                    else "")))
        rows += [(f"改革：{parameter_label(report.policies, c.policy, c.parameter)}",
                  f"自 {c.since} 起为 {_value(report.policies, c)}（{c.source}）") for c in report.reform.changes]
    return rows + [("说明", n) for n in report.notes]


def _value(policies: list[Policy], change: Change) -> str:
    """A change's new value as the saved reforms say it: money in 万元, a percentage with its %."""
    return value_said(_parameter_of(policies, change.policy, change.parameter)[1], change.parameter, change.value)


def parameter_label(policies: list[Policy], policy_id: str | None, key: str) -> str:
    """A reform's parameter as the parameter table and the saved reforms name it (辽政办〔2022〕35号 措施1 总部及功能性
    机构资金支持上限), by its key (``1.cap``, ``window_end``) when the policy has no such parameter."""
    policy, found, where = _parameter_of(policies, policy_id, key)
    return f"{policy.number} {where}{found.label}" if policy is not None and found is not None else key


def _parameter_of(policies: list[Policy], policy_id: str | None,
                  key: str) -> tuple[Policy | None, Parameter | None, str]:
    """The policy a change names, its parameter ``key`` (None when it has no such one) and the measure it is of."""
    policy = next((p for p in policies if p.id == policy_id), None) if policy_id else \
        (policies[0] if len(policies) == 1 else None)
    if policy is None:
        return None, None, ""
    number, _, name = key.partition(".")
    if key == "window_end":
        return policy, policy.window_end, ""
    if name and number.isdigit() and (measure := policy.measure(int(number))) is not None:
        return policy, measure.parameters.get(name), f"措施{number} "
    return policy, policy.parameters.get(key), ""


def html(report: SimulationReport) -> str:
    """A self-contained HTML report: the table and ECharts charts, the library inlined (no CDN)."""
    env = Environment(loader=PackageLoader("huiqi.web", "templates"), autoescape=select_autoescape())
    echarts = resources.files("huiqi.web").joinpath("static", "vendor", "echarts", "echarts.common.min.js")
    drawing = resources.files("huiqi.web").joinpath("static", "charts.js")
    headers, rows = people_table(report)
    return env.get_template("reports/simulation.html").render(
        about=_about(report), columns=headers, rows=rows, keys=len(report.group_keys()),
        charts=json.dumps(_charts(report), ensure_ascii=False), impact=impact_view(report),
        echarts=echarts.read_text("utf-8"), drawing=drawing.read_text("utf-8"), reformed=report.reform is not None,
    )


def impact_view(report: SimulationReport) -> dict[str, Any] | None:
    """The impact section as people read it (``briefing.view``), or None when the report has none."""
    if report.impact is None:
        return None
    return view(report.impact, measure_label(report.policies), measure_label(report.policies, first=True))


def measure_label(policies: list[Policy], first: bool = False) -> Callable[[str, int], str]:
    """A measure as people read it: its number and title, after the policy's document number when several are loaded;
    ``first``, the measure first and the document number after it (a chart's label, which a phone cuts to its first
    two lines: cut after 辽政办〔2022〕35号, every bar read the same)."""
    titles = {(p.id, m.number): m.title for p in policies for m in p.measures}
    numbers = {p.id: p.number for p in policies}

    def label(policy: str, number: int) -> str:
        text = cite(number, titles.get((policy, number)))
        if len(policies) < 2:
            return text
        return f"{text} · {numbers.get(policy, policy)}" if first else f"{numbers.get(policy, policy)} {text}"

    return label


def _charts(report: SimulationReport) -> list[dict[str, Any]]:
    """One chart per grouping key: what is counted as spending per value (万元, or 亿元 when it reaches one), baseline
    against reform; a measure is one bar per policy (each policy has a 措施1 of its own)."""
    charts = []
    for key in [k for k in report.group_keys() if k in ("measure", "region", "year")]:
        on = ["policy", key] if key == "measure" and "policy" in report.baseline.columns else [key]

        def by_key(frame: pl.DataFrame, key: str = key, on: list[str] = on) -> dict:
            totals = frame.group_by(on).agg(pl.col("ceiling_sum").sum())
            if key == "measure":
                order = {p.id: p.order for p in report.policies}
                rows = sorted(totals.iter_rows(named=True), key=lambda r: (
                    order.get(r.get("policy") or "", len(order)), str(r.get("policy")),
                    r["measure"] is None, r["measure"] or 0))
                label = measure_label(report.policies)
                return {label(r["policy"], r["measure"]) if r.get("policy") is not None and r["measure"] is not None
                        else report.cell(key, r): r["ceiling_sum"] for r in rows}
            totals = totals.sort(key, nulls_last=True)
            return {report.label(key, r[key]): r["ceiling_sum"] for r in totals.iter_rows(named=True)}

        series = [{"name": "基线", "values": by_key(report.baseline)}]
        if report.reform is not None:
            series.append({"name": "改革后", "values": by_key(report.reformed)})
        labels = list(dict.fromkeys([x for s in series for x in s["values"]]))
        charts.append(money_chart(f"按{HEADERS[key]}：{COUNTED}", labels,
                                  [(s["name"], [s["values"].get(x, 0) for x in labels]) for s in series],
                                  horizontal=key == "measure"))  # a measure's name is long: the bars lie on their side
    return charts


def charts(report: SimulationReport) -> list[dict[str, Any]]:
    """The report's charts as data for ECharts (the HTML report and the analyst page draw the same)."""
    return _charts(report)
