"""Render answers and policies for people: Chinese, money in 万元."""

from datetime import date

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from huiqi.labels import policy_cited, stacking_text
from huiqi.money import wan
from huiqi.rules.answer import STATUS_LABELS, Answer, Opportunity, Result
from huiqi.rules.loader import vocabulary
from huiqi.rules.policy import Measure, Policy
from huiqi.rules.questions import AdvisedAnswer, missing_label

MARKS = {True: ("✓", "green"), False: ("✗", "red"), None: ("？", "yellow")}
STATUS_STYLES = {"eligible": "green", "ineligible": "red", "undetermined": "yellow"}
KIND_LABELS = {"award": "奖励", "fund": "资金支持", "service": "服务"}


def _status(status: str) -> Text:
    return Text(STATUS_LABELS[status], style=STATUS_STYLES[status])


def _ceiling(result: Result) -> str:
    """The ceiling; with the measure's own and the deduction when support received elsewhere was deducted."""
    before = result.ceiling_before_deduction
    if before is None or before == result.ceiling:
        return wan(result.ceiling)
    return f"{wan(result.ceiling)}（{wan(before)} − 已获其他政策 {wan(result.other_support or 0)}）"


def _stacking(result: Result, numbers: dict[str, str]) -> str:
    if result.excluded_by is not None:
        return stacking_text(result.excluded_by, result.excluded_by_policy, result.policy, numbers)
    return "保留" if result.status == "eligible" else ""


def answer_view(answer: Answer) -> Group:
    """The whole answer as Rich renderables."""
    parts: list = [_header(answer), _results(answer), _grants(answer)]
    parts += [_trace(r) for r in answer.results]
    if isinstance(answer, AdvisedAnswer):
        parts += _advice(answer)
    if answer.services:
        parts.append(_opportunities("适用的服务措施", answer.services))
    if answer.local:
        parts.append(_opportunities("各地区鼓励事项（非省级资金）", answer.local))
    expired = answer.expired_services + answer.expired_local
    if expired:
        parts.append(_opportunities("已失效（政策有效期已过，不再适用）", expired))
    return Group(*parts)


def _advice(answer: AdvisedAnswer) -> list:
    """The questions in the order to ask them, and what would change each ineligible result."""
    parts: list = []
    if answer.questions:
        table = Table(title="先问这些问题（先问能确定最多待定结果的）", title_justify="left")
        for name in ("顺序", "问题", "可确定的结果", "最多涉及（万元）"):
            table.add_column(name, justify="right" if name.startswith(("顺序", "最多")) else "left", overflow="fold")
        for n, q in enumerate(answer.questions, start=1):
            table.add_row(str(n), q.ask, "、".join(f"{r.matter}·措施{r.measure}" for r in q.decides) or "—",
                          wan(q.money) if q.money is not None else "—")
        parts.append(table)
    for change in answer.changes:
        lines = Text(change.summary, style="yellow" if change.possible else "dim")
        for fix in change.fixes + change.blocked:
            lines.append(f"\n    {fix.condition}「{fix.clause}」", style="dim")
        title = f"{change.matter} · 措施{change.measure}：怎样才能符合" if change.possible else \
            f"{change.matter} · 措施{change.measure}：无法改变"
        parts.append(Panel(lines, title=title, title_align="left"))
    return parts


def _header(answer: Answer) -> Text:
    text = Text(answer.policy + "\n", style="bold")
    text.append(f"判断日期：{answer.as_of}　")
    for info in answer.policies:
        if info.expired:
            text.append(f"{info.number} 已于 {info.window_end} 到期，仍对有效期内的事项作答。", style="yellow")
        else:
            text.append(f"{info.number} 有效期 {info.window_start} 至 {info.window_end}。")
    return text


def _results(answer: Answer) -> Table:
    table = Table(title="各事项适用的措施", title_justify="left")
    for name in ("事项", "措施", "规则", "状态", "上限（万元）", "从高不重复", "缺少的信息"):
        table.add_column(name, justify="right" if name.startswith("上限") else "left", overflow="fold")
    numbers = {p.id: p.number for p in answer.policies}
    for r in answer.results:
        cited = policy_cited(r.policy, numbers)
        table.add_row(
            r.matter, f"{cited} {r.measure} {r.title}".strip(), r.rule, _status(r.status), _ceiling(r),
            _stacking(r, numbers), "、".join(missing_label(m) for m in r.missing),
        )
    if not answer.results:
        table.add_row("—", "没有事项适用资金类措施", "", "", "", "", "")
    return table


def _grants(answer: Answer) -> Table:
    table = Table(title="可获支持（从高不重复后）", title_justify="left")
    table.add_column("事项")
    table.add_column("措施")
    table.add_column("上限（万元）", justify="right")
    titles = {(r.policy, r.measure): r.title for r in answer.results}
    for g in answer.grants:
        amount = wan(g.ceiling) if g.ceiling is not None else "未定额（由实施细则确定）"
        table.add_row(g.matter, f"{g.measure} {titles[(g.policy, g.measure)]}", amount)
    table.add_row("合计", "", wan(answer.total_ceiling), style="bold")
    return table


def _trace(result: Result) -> Panel:
    lines = Text()
    for c in result.conditions:
        mark, style = MARKS[c.value]
        lines.append(f"{mark} ", style=style)
        lines.append(c.text)
        lines.append(f"　「{c.clause}」", style="dim")
        if c.reading:
            lines.append(f"\n    解读：{c.reading}", style="dim italic")
        if c.missing:
            lines.append(f"\n    缺少：{'、'.join(missing_label(m) for m in c.missing)}", style="yellow")
        lines.append("\n")
    title = f"{result.matter} · 措施{result.measure} {result.title}：{STATUS_LABELS[result.status]}"
    return Panel(lines, title=title, title_align="left", border_style=STATUS_STYLES[result.status])


def _opportunities(title: str, items: list[Opportunity]) -> Table:
    table = Table(title=title, title_justify="left")
    for name in ("措施", "内容", "状态", "责任单位（牵头在前）", "缺少的信息"):
        table.add_column(name, overflow="fold")
    for o in items:
        status = Text("已失效", style="dim") if o.expired else _status(o.status)
        table.add_row(f"{o.measure} {o.title}", o.name, status, "、".join(o.units),
                      "、".join(missing_label(m) for m in o.missing))
    return table


def policy_view(policy: Policy, as_of: date, only: int | None = None) -> Group:
    """Measures with clause text, units and the parameters in force on ``as_of``."""
    head = Text(f"{policy.title}（{policy.number}）\n", style="bold")
    head.append(f"{policy.issuer}，{policy.issued} 发布；有效期 {policy.window_start.at(as_of, as_of)} 至 "
                f"{policy.window_end_at(as_of)}；版本 {policy.version}\n")
    head.append(f"从高不重复：{policy.stacking}", style="dim")
    measures = [m for m in policy.measures if only is None or m.number == only]
    names = {code: info.label for code, info in {**vocabulary(), **policy.codes}.items()}
    return Group(head, *[_measure_panel(m, as_of, names) for m in measures])


def _measure_panel(measure: Measure, as_of: date, names: dict[str, str]) -> Panel:
    """One measure: its clause, units, each parameter by its Chinese label, and each rule with the matters
    it reaches by their names (the codes stay in the policy file)."""
    body = Text(measure.clause + "\n\n")
    body.append("责任单位：", style="bold")
    body.append("、".join(measure.units_at(as_of)) + "\n")
    for param in measure.parameters.values():
        value = param.at(as_of, as_of)
        shown = f"{wan(value)}万元" if param.kind == "money" else (
            f"{value.numerator * 100 / value.denominator:g}%" if param.kind == "rate" else str(value))
        source = next(v.source for v in reversed(param.values) if v.since <= as_of) \
            if any(v.since <= as_of for v in param.values) else param.values[0].source
        body.append(f"{param.label}：{shown}　来源：{source}\n", style="cyan")
    for rule in (*measure.rules, *measure.services, *measure.local):
        body.append(f"· {rule.name}", style="bold")
        body.append(f"　适用：{'、'.join(names.get(c, c) for c in rule.reaches) or '申报单位'}\n", style="dim")
    title = f"{measure.chapter} · 措施{measure.number} {measure.title}（{KIND_LABELS[measure.kind]}）"
    return Panel(body, title=title, title_align="left")


def make_console(stderr: bool = False) -> Console:
    """A console wide enough for Chinese tables when output is not a terminal."""
    console = Console(stderr=stderr)
    if not console.is_terminal:
        console = Console(stderr=stderr, width=160)
    return console
