"""Saved reforms as people read them: each change by its parameter's name with its unit (万元, %), a money value
written in yuan below 1万元 questioned (YAML counts a bare number in yuan, the parameter table in 万元), and two
reforms compared in one workbook that says what each ran on."""

import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from huiqi.money import parse_amount, wan
from huiqi.rules.policy import Policy
from huiqi.simulate import reforms
from huiqi.simulate.reform import Reform, value_said
from huiqi.simulate.reform_comparison import Comparison
from huiqi.web.excel import Table, add_sheet, safe_workbook

DOUBTFUL = 10_000  # yuan: a money parameter written in yuan below 1万元 is more likely 万元 written as 元
_IN_YUAN = re.compile(r"^\s*\d+(?:\.\d+)?\s*元\s*$")  # 1500元 (not 万元, 亿元)


@dataclass(frozen=True)
class ChangeSaid:
    """One change of a reform for people: its parameter (措施11 …上限), its new value with its unit, its start; and
    ``doubt`` when a money value in yuan is below 1万元."""

    label: str
    value: str
    since: str
    doubt: str | None = None

    def __str__(self) -> str:
        return f"{self.label}：{self.value}（自 {self.since}）"


def _in_yuan(value: Any) -> bool:
    """Whether a money value was written in yuan: a bare number (YAML's unit) or one followed by 元."""
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str)
                                                                        and bool(_IN_YUAN.match(value)))


def said(changes: list[dict[str, Any]], policies: list[Policy]) -> list[ChangeSaid]:
    """A reform's changes (as saved: policy, parameter, since, value) for people, each by its parameter's name."""
    rows = {(r.policy.id, r.key): r for r in reforms.rows(policies)}
    out = []
    for change in changes:
        policy = change.get("policy") or (policies[0].id if len(policies) == 1 else None)
        row = rows.get((policy, str(change.get("parameter"))))
        parameter = row.parameter if row is not None else None
        kind = parameter.kind if parameter is not None else None
        label = row.label if row is not None else str(change.get("parameter"))
        value = change.get("value")
        doubt = None
        if kind == "money" and _in_yuan(value):
            yuan = parse_amount(value)
            if 0 < yuan < DOUBTFUL:
                doubt = (f"{label}的新值为 {yuan} 元（{wan(yuan)} 万元），不足 1 万元：是否误将万元写作元？"
                         f"改革方案 YAML 中不带单位的数按元计，如指 {yuan} 万元，请写作 {yuan}万元")
        written = value_said(parameter, str(change.get("parameter")), value)
        out.append(ChangeSaid(label, written, str(change.get("since")), doubt))
    return out


def doubts(reform: Reform | None, policies: list[Policy]) -> list[str]:
    """The money values of ``reform`` that look like 万元 written as 元 (a warning, never a refusal)."""
    if reform is None:
        return []
    found = said([c.model_dump(mode="json") for c in reform.changes], policies)
    return [c.doubt for c in found if c.doubt]


def comparison_book(comparison: Comparison, policies: list[Policy]) -> bytes:
    """Two reforms side by side as a workbook: by measure, each reform against its own simulation's baseline (a
    column of each when the two ran on different data or days), and a 说明 sheet of what each changed and ran on."""
    a, b = comparison.a, comparison.b
    title = f"改革方案对比：A {a.name}；B {b.name}"
    if comparison.same_baseline:
        header = ("措施", "基线", "方案A", "方案A−基线", "方案B", "方案B−基线", "方案B−方案A")
        fields = ("baseline", "a", "a_diff", "b", "b_diff", "b_minus_a")
    else:
        title += "（两个方案的测算数据或判断日期不同，各与自己的基线相比）"
        header = ("措施", "方案A的基线", "方案A", "方案A−基线", "方案B的基线", "方案B", "方案B−基线", "方案B−方案A")
        fields = ("baseline", "a", "a_diff", "baseline_b", "b", "b_diff", "b_minus_a")
    # a measure whose text names no amount: its support items and 未定额, as the page shows it
    rows = [(x.label, *(x.shown(f) if x.unspecified else getattr(x, f) for f in fields)) for x in comparison.lines]
    table = Table(title, header, rows, money=set(header[1:]), wide={"措施"}, sheet="改革方案对比")
    buffer = io.BytesIO()
    with safe_workbook(buffer, in_memory=True) as book:
        add_sheet(book, table)
        about = Table("说明", ("项目", "方案A", "方案B"), _about(comparison, policies), wide={"方案A", "方案B"})
        add_sheet(book, about, titled=False)
    return buffer.getvalue()


def _about(comparison: Comparison, policies: list[Policy]) -> list[tuple[str, Any, Any]]:
    """The 说明 sheet's rows: each reform's name, changes, data source and dates, and how the baselines compare."""
    pair = (comparison.a, comparison.b)
    runs = [comparison.runs.get(r.id, {}) for r in pair]
    changes = ["\n".join(str(c) for c in said(r.changes, policies)) for r in pair]
    finished = [_moment(run.get("finished_at")) for run in runs]
    baselines = ("相同：两个方案的测算数据与判断日期相同" if comparison.same_baseline
                 else "不同：两个方案的测算数据或判断日期不同，“方案B−方案A”含数据的差异")
    return [("名称", *(r.name for r in pair)), ("说明", *(r.description or "—" for r in pair)),
            ("修改的参数", *changes),
            ("测算", *(f"#{run['job']}" if run.get("job") else "—" for run in runs)),
            ("数据来源", *(run.get("population") or "—" for run in runs)),
            ("判断日期", *(run.get("as_of") or "—" for run in runs)),
            ("测算完成时间", *finished), ("保存时间", *(_moment(r.created_at) for r in pair)),
            ("基线", baselines, ""),
            ("金额", "计入支出：各项“最高”支持额（上限）之和，按从高不重复每个事项只计一项", "")]


def _moment(moment: datetime | None) -> Any:
    return moment if moment is not None else "—"
