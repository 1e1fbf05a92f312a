"""Reforms: a small YAML file that changes parameters (caps, rates, thresholds, the window end) from a date.

```yaml
name: 措施11上限提高到1500万元
description: 自2025年1月1日起
changes:
  - {parameter: 11.cap, since: 2025-01-01, value: 1500万元, source: 测算方案}
  - {parameter: window_end, since: 2025-12-01, value: 2026-12-31, source: 测算方案}
```

A parameter is ``<measure>.<name>`` or a policy-level name (``window_end``); ``policy`` names the
policy when several are loaded. The change is applied to the policy's data and the policy is
loaded again, so a reform is checked exactly like a policy file.
"""

import copy
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from huiqi.errors import InputError, PolicyFileError
from huiqi.money import parse_amount, wan
from huiqi.rules.loader import load_text, read_file, read_yaml
from huiqi.rules.params import Parameter, read_rate, read_value
from huiqi.rules.policy import Policy
from huiqi.validation import field_path, iso_date, problems

NAME_LENGTH = 60  # a reform's name and description (also the columns of ``saved_reforms``)
DESCRIPTION_LENGTH = 500
_WHOLE_PERCENT = re.compile(r"\s*(-?\d+)\s*[%％]\s*")


def counted_in_percent(parameter: Parameter, key: str) -> bool:
    """A whole number counted in percent (措施2's 营业收入同比增长率下限: 15 is 15%), named so in its label or key."""
    return parameter.kind == "int" and ("（%）" in parameter.label or key.endswith("_percent"))


def percent_read(value: Any) -> Any:
    """A new value of a whole number counted in percent, as the page's table and a reform's YAML both take it: ``20%``
    (or ``20 ％``) is 20; anything else is left as it was, for the loader to take or refuse.

    >>> percent_read("20%"), percent_read(" 20 ％"), percent_read(20), percent_read("20.5%"), percent_read("20")
    (20, 20, 20, '20.5%', '20')
    """
    match = _WHOLE_PERCENT.fullmatch(value) if isinstance(value, str) else None
    return int(match.group(1)) if match else value


class Change(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parameter: str = Field(min_length=1)
    since: date
    value: Any
    source: str = Field(min_length=1)
    policy: str | None = None


class Reform(BaseModel):
    """A named set of dated parameter changes; read from YAML, it knows where each change was written (``at``), so a
    mistake found when it is applied is said at the line of the analyst's own file, not of the policy's."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=NAME_LENGTH)
    description: str = Field("", max_length=DESCRIPTION_LENGTH)
    changes: list[Change] = Field(min_length=1)
    _source: str = PrivateAttr("改革方案")
    _lines: dict[tuple[Any, ...], int] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:  # where a reform was written is no part of what it says
        return isinstance(other, Reform) and self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]

    def written(self, source: str, lines: dict[tuple[Any, ...], int]) -> "Reform":
        """The reform, knowing it was read from ``source`` (a file's name, or 改革方案 for a form's box) and the
        line of each of its nodes."""
        self._source, self._lines = source, lines
        return self

    def at(self, index: int | None = None) -> str:
        """Where change ``index`` (or the reform) was written, for a message: ``reform.yaml:4: ``; the source alone
        without a line; nothing for a reform built in code."""
        line = self._lines.get(("changes", index)) if index is not None else None
        if line:
            return f"{self._source}:{line}: "
        return f"{self._source}: " if self._lines else ""


def located(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    """The line of a field's place in the YAML (or of the nearest place around it that has one)."""
    for end in range(len(loc), -1, -1):
        if tuple(loc[:end]) in lines:
            return lines[tuple(loc[:end])]
    return None


def parse_reform(text: str, source: str = "改革方案") -> Reform:
    """A reform's YAML read from ``source`` (a file's name, or 改革方案 for a form's box; the page's table writes the
    same YAML): a YAML mistake is a PolicyFileError at ``source`` and its line, a field's an InputError naming the
    field (``reform.changes[0].since``) and its line in that YAML (第 3 行：…)."""
    data, lines = read_yaml(text, source)
    try:
        return Reform.model_validate(data).written(source, lines)
    except ValidationError as exc:
        raise InputError([(f"reform.{field_path(loc)}", _at_line(lines, tuple(loc), why))
                          for loc, why in problems(exc)]) from None


def _at_line(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...], why: str) -> str:
    line = located(lines, loc) if loc else None
    return f"第 {line} 行：{why}" if line else why


def read_reform(path: str | Path) -> Reform:
    """Read a reform file (``parse_reform``, its mistakes at the file's name); a missing or unreadable one is a
    PolicyFileError said in Chinese."""
    path = Path(path)
    return parse_reform(read_file(path, "改革方案"), str(path))


def apply_reform(policies: list[Policy], reform: Reform) -> list[Policy]:
    """The policies with the reform's changes applied (the originals are left as they were)."""
    targets = {p.id: p for p in policies}
    changed: dict[str, list[tuple[int, Change]]] = {}
    for i, change in enumerate(reform.changes):
        policy_id = change.policy or (policies[0].id if len(policies) == 1 else None)
        if policy_id not in targets:
            why = (f"加载了多项政策时须写明政策编号（可用：{', '.join(targets)}）" if policy_id is None
                   else f"没有加载政策“{policy_id}”")
            raise PolicyFileError([f"{reform.at(i) or '改革方案 '}changes[{i}].policy：{why}"])
        change = _percent_taken(targets[policy_id], change)
        _value_checked(targets[policy_id], change, reform.at(i))
        changed.setdefault(policy_id, []).append((i, change))
    result = []
    for policy in policies:
        if policy.id not in changed:
            result.append(policy)
            continue
        text = policy.text or Path(policy.path).read_text("utf-8")
        edit = _editor(changed[policy.id], reform)
        name = f"{policy.path}（改革：{reform.name}）"
        try:
            reloaded = load_text(text, name, path=policy.path, changes=edit)
        except PolicyFileError as error:  # the policy's own file and lines mean nothing to the reform's writer
            raise PolicyFileError([_reworded(line, name, policy, reform) for line in error.problems]) from None
        _reachable(reloaded, changed[policy.id], reform)
        result.append(replace(reloaded, order=policy.order, version=f"{policy.version}+{reform.name}"))
    return result


def _parameter(policy: Policy, key: str) -> Parameter | None:
    """The parameter a change names (``11.cap``, ``window_end``, a policy-level name), if the policy has it."""
    if key == "window_end":
        return policy.window_end
    number, _, name = key.partition(".")
    if not name:
        return policy.parameters.get(key)
    measure = policy.measure(int(number)) if number.isascii() and number.isdigit() else None
    return measure.parameters.get(name) if measure is not None else None


def value_read(parameter: Parameter, key: str, value: Any) -> Any:
    """A change's new value read as its parameter's kind, as the page's table and a reform's YAML both read it (a whole
    number counted in percent may carry its %: ``20%`` is 20); a ValueError says why it cannot be, a % written for a
    count said as such."""
    percent = isinstance(value, str) and value.strip().endswith(("%", "％"))
    if counted_in_percent(parameter, key):
        value = percent_read(value)
        if isinstance(value, str) and percent:
            raise ValueError(f"“{value}”应为整数百分数，如 20%")
    elif parameter.kind == "int" and percent:
        raise ValueError(f"“{value}”不是整数：此参数是个数，不按百分数计，请写整数")
    return read_value(parameter.kind, _day(value) if parameter.kind == "date" else value)


def shown(kind: str, value: Any) -> str:
    """A parameter's value as the table shows it (the unit is in its own column).

    >>> from fractions import Fraction
    >>> shown("money", 15_000_000), shown("rate", Fraction(1, 8)), shown("date", date(2026, 12, 31)), shown("int", 3)
    ('1500', '12.5', '2026-12-31', '3')
    """
    if kind == "money":
        return wan(value)
    if kind == "rate":
        text = format(Decimal(value.numerator) / Decimal(value.denominator) * 100, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def value_said(parameter: Parameter | None, key: str, value: Any) -> str:
    """A changed value with its unit, however it was written, as the parameter table says it: money in 万元, a rate or a
    whole number counted in percent as a percentage; as written when its parameter is not known or it cannot be read.

    >>> from huiqi.rules.params import DatedValue
    >>> def p(kind, label="x"): return Parameter("x", label, kind, (DatedValue(date(2022, 7, 23), 1, "t"),))
    >>> value_said(p("money"), "1.cap", 1500), value_said(p("money"), "1.cap", "1500万元")
    ('0.15万元', '1500万元')
    >>> value_said(p("money"), "1.cap", "1.5亿元"), value_said(p("rate"), "7.rate", "40%")
    ('15000万元', '40%')
    >>> value_said(p("date"), "window_end", "2026-12-31"), value_said(None, "x", 3)
    ('2026-12-31', '3')
    >>> value_said(p("int"), "2.growth_percent", 20), value_said(p("int"), "2.growth_percent", "20%")
    ('20%', '20%')
    >>> value_said(p("int", "项目数下限"), "3.projects", 20)
    '20'
    """
    try:
        if parameter is not None and counted_in_percent(parameter, key):
            return f"{value_read(parameter, key, value)}%"
        if parameter is not None and parameter.kind == "money":
            return f"{wan(parse_amount(value))}万元"
        if parameter is not None and parameter.kind == "rate":
            return f"{shown('rate', read_rate(value))}%"
    except (ValueError, TypeError):
        pass
    return str(value)


def _percent_taken(policy: Policy, change: Change) -> Change:
    """The change with a whole number counted in percent read as the page reads it (``value: 20%`` is 20)."""
    parameter = _parameter(policy, change.parameter)
    if parameter is None or not counted_in_percent(parameter, change.parameter):
        return change
    return change.model_copy(update={"value": percent_read(change.value)})


def _value_checked(policy: Policy, change: Change, at: str) -> None:
    """A change's value read as its parameter's kind before the policy is loaded again with it: a mistake is said
    of the change, where it was written, by the parameter's name (措施11「…上限」的新值：金额不能为负数), not at a
    line of the policy's file."""
    parameter = _parameter(policy, change.parameter)
    if parameter is None:
        return  # no such parameter: said when the change is applied, with those there are
    try:
        value_read(parameter, change.parameter, change.value)
    except ValueError as exc:
        raise PolicyFileError([f"{at}{_named(policy, change.parameter)}的新值：{exc}"]) from None


def _reworded(line: str, name: str, policy: Policy, reform: Reform) -> str:
    """A mistake the loader found in the policy as the reform changed it, said without the policy file's path and
    line: 改革方案: 应用于辽政办〔2022〕35号后：…"""
    if not line.startswith(f"{name}:"):
        return line
    rest = line[len(name) + 1:].partition(": ")[2] or line[len(name) + 1:]
    return f"{reform.at() or '改革方案: '}应用于{policy.number}后：{rest}"


class LateChanges(PolicyFileError):
    """Changes from after the last day a policy's window reaches: ``late`` holds (policy id, parameter, since, last
    day) for each, so a page can mark the row it was typed in."""

    def __init__(self, problems: list[str], late: list[tuple[str, str, date, date]]):
        super().__init__(problems)
        self.late = late


def _reachable(policy: Policy, changes: list[tuple[int, Change]], reform: Reform) -> None:
    """A change from after the last day the policy's window ever reaches (with the reform's own extension) would
    change nothing: refused, so an analyst does not read an unchanged result as the reform's effect."""
    last = _last_day(policy)
    late = [(i, change) for i, change in changes if change.parameter != "window_end" and change.since > last]
    if late:
        raise LateChanges([f"{reform.at(i)}{_named(policy, change.parameter)}：生效日期 {change.since} 晚于政策有效期的"
                           f"最后一天 {last}，不影响任何事项；如要测算延期后的效果，请同时延长有效期截止日"
                           f"（window_end）" for i, change in late],
                          [(policy.id, change.parameter, change.since, last) for _, change in late])


def _named(policy: Policy, parameter: str) -> str:
    """A parameter as the reform page shows it, its key after it for the YAML file's writer: 措施11「智能制造项目支持
    上限」（11.cap）."""
    if parameter == "window_end":
        return "有效期截止日（window_end）"
    found = _parameter(policy, parameter)
    if found is None:
        return f"参数 {parameter}"
    number, _, key = parameter.partition(".")
    return f"措施{number}「{found.label}」（{parameter}）" if key else f"「{found.label}」（{parameter}）"


def _last_day(policy: Policy) -> date:
    """The last day any matter can be within the policy's window: an end decided on ``since`` holds for matters from
    then until the next decision, so each decision reaches up to its end or to the day before the next, if earlier.

    >>> from types import SimpleNamespace as At
    >>> ends = [At(since=date(2022, 1, 1), value=date(2026, 12, 31)),
    ...         At(since=date(2025, 1, 1), value=date(2025, 6, 30))]
    >>> _last_day(At(window_end=At(values=ends)))  # shortened before its end: the end of 2026 is never reached
    datetime.date(2025, 6, 30)
    """
    values = list(policy.window_end.values)
    reach = []
    for i, dated in enumerate(values):  # the first decision holds for every day before it too
        following = values[i + 1].since - timedelta(days=1) if i + 1 < len(values) else None
        day = min(dated.value, following) if following is not None else dated.value
        if i == 0 or day >= dated.since:  # a decision that ends the window before it was made reaches nothing
            reach.append(day)
    return max(reach)


def end_problem(start: date, since: date, end: Any) -> str | None:
    """Why a new 有效期截止日 ``end`` decided on ``since`` cannot be: before the window starts (as the loader refuses a
    policy file's end), or before the day it takes effect (it would end the policy before it begins). A value that is
    no date is left to the loader.

    >>> end_problem(date(2022, 7, 23), date(2025, 12, 1), date(2021, 1, 1))
    '有效期截止日 2021-01-01 早于政策有效期起始日 2022-07-23'
    >>> end_problem(date(2022, 7, 23), date(2025, 12, 1), "2025-06-30")
    '有效期截止日 2025-06-30 早于其生效日期 2025-12-01'
    >>> end_problem(date(2022, 7, 23), date(2025, 12, 1), date(2025, 12, 1)) is None
    True
    """
    if isinstance(end, str):
        try:
            end = iso_date(end)
        except ValueError:
            return None
    if not isinstance(end, date):
        return None
    if end < start:
        return f"有效期截止日 {end} 早于政策有效期起始日 {start}"
    if end < since:
        return f"有效期截止日 {end} 早于其生效日期 {since}"
    return None


def _editor(changes: list[tuple[int, Change]], reform: Reform):
    def edit(data: dict) -> dict:
        data = copy.deepcopy(data)
        for i, change in changes:
            try:
                _apply(data, change, reform.name)
            except PolicyFileError as error:  # said where the change was written
                raise PolicyFileError([f"{reform.at(i)}{line}" for line in error.problems]) from None
        return data

    return edit


def _apply(data: dict, change: Change, name: str) -> None:
    issued = data.get("issued")
    if isinstance(issued, date) and change.since < issued:
        why = f"生效日期 {change.since} 早于政策发布日期 {issued}"
        raise PolicyFileError([f"参数 {change.parameter}：{why}"])
    dated = {"since": change.since, "value": _day(change.value), "source": f"{change.source}（改革：{name}）"}
    if change.parameter == "window_end":
        start = data.get("window", {}).get("start")
        why = end_problem(start, change.since, change.value) if isinstance(start, date) else None
        if why:
            raise PolicyFileError([f"参数 window_end：{why}"])
        _insert(data["window"].setdefault("end_changes", []), dated)
        return
    number, _, param = change.parameter.partition(".")
    if not param:
        params = data.setdefault("parameters", {})
    else:
        measure = next((m for m in data["measures"] if str(m.get("number")) == number), None)
        if measure is None:
            raise PolicyFileError([f"参数 {change.parameter}：没有第 {number} 条措施"])
        params = measure.get("parameters", {})
    key = param or number
    if key not in params:
        available = ", ".join(params) or "无"
        raise PolicyFileError([f"参数 {change.parameter}：没有这个参数（可用：{available}）"])
    _insert(params[key]["values"], dated)


def _day(value: Any) -> Any:
    """A date written as text (a reform built in code, or read from JSON) as the date it is; anything else as it was.

    >>> _day("2026-12-31"), _day("2026-02-30"), _day(5)
    (datetime.date(2026, 12, 31), '2026-02-30', 5)
    """
    if isinstance(value, str):
        try:
            return iso_date(value)
        except ValueError:
            return value
    return value


def _insert(values: list[dict], dated: dict) -> None:
    kept = [v for v in values if v["since"] != dated["since"]]
    values[:] = sorted([*kept, dated], key=lambda v: v["since"])
