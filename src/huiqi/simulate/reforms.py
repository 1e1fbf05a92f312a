"""Reforms without YAML: every parameter of the policies in force as a table an analyst edits, the edits written
as the same reform YAML the CLI reads (so both go through one parser and one loader), and checked as a job would
check them. Saving them is ``saved_reforms``, comparing two ``reform_compare``.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from huiqi.errors import InputError, PolicyFileError
from huiqi.labels import Problem
from huiqi.money import MISPLACED_COMMA, UnwrittenAmount, ungrouped
from huiqi.rules.params import Parameter
from huiqi.rules.policy import Policy
from huiqi.simulate import jobs
from huiqi.simulate.reform import (
    DESCRIPTION_LENGTH,
    NAME_LENGTH,
    LateChanges,
    Reform,
    apply_reform,
    counted_in_percent,
    end_problem,
    percent_read,
    shown,
    value_read,
)
from huiqi.simulate.reform_problems import PLACE, placed
from huiqi.validation import ascii_digits, date_reason, iso_date

SOURCE = "财政测算页面"  # the source a change made on the page is recorded with
UNITS = {"money": "万元", "rate": "%", "date": "", "int": ""}
NOT_YET = "—（尚未生效）"  # the table's 现行值 on a day before a parameter's first value
_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")


@dataclass(frozen=True)
class Row:
    """One parameter of one policy, as the table shows it on a day."""

    index: int
    policy: Policy
    measure: int | None  # None: a policy-level parameter, or the window's end
    measure_title: str
    key: str  # the reform's ``parameter``: ``11.cap``, ``window_end`` or a policy-level name
    parameter: Parameter

    @property
    def field(self) -> str:
        return f"p{self.index}"

    @property
    def percent(self) -> bool:
        """A whole number counted in percent (措施2's 营业收入同比增长率下限: 15 is 15%), named so in its label."""
        return counted_in_percent(self.parameter, self.key)

    @property
    def unit(self) -> str:
        """The unit the table's 单位 column names, in which a new value is typed."""
        return "%" if self.percent else UNITS[self.parameter.kind]

    @property
    def label(self) -> str:
        where = f"措施{self.measure} " if self.measure is not None else ""
        return f"{self.policy.number} {where}{self.parameter.label}"

    def in_force(self, day: date) -> tuple[str, date, str]:
        """The value in force on ``day`` for people (万元, %, dates), its start and its source; before its first value,
        none is in force: said so, with the day the first one starts."""
        first = self.parameter.values[0]
        if day < first.since:
            return NOT_YET, first.since, first.source
        current = first
        for dated in self.parameter.values:
            if dated.since <= day:
                current = dated
        return shown(self.parameter.kind, current.value), current.since, current.source


def rows(policies: list[Policy]) -> list[Row]:
    """Every parameter of every policy: its window's end, its own parameters, then each measure's."""
    found: list[Row] = []

    def add(policy: Policy, measure: int | None, title: str, key: str, parameter: Parameter) -> None:
        found.append(Row(len(found), policy, measure, title, key, parameter))

    for policy in policies:
        add(policy, None, "有效期", "window_end", policy.window_end)
        for name, parameter in policy.parameters.items():
            add(policy, None, "全文通用", name, parameter)
        for measure in policy.measures:
            for name, parameter in measure.parameters.items():
                add(policy, measure.number, measure.title, f"{measure.number}.{name}", parameter)
    return found


@dataclass(frozen=True)
class Group:
    """The rows of one measure (or a policy's 有效期, its 全文通用 parameters), folded under one heading on a phone."""

    policy: Policy
    title: str  # 措施11 支持融合基础设施建设; 有效期; 全文通用
    rows: list[Row]

    @property
    def id(self) -> str:
        return f"g-{self.rows[0].field}"  # the group's anchor: its first row's, unique on the page


def grouped(found: list[Row]) -> list[Group]:
    """The rows in their order, a group a measure of a policy (and one for its window, one for its own parameters)."""
    groups: list[Group] = []
    for row in found:
        title = f"措施{row.measure} {row.measure_title}" if row.measure is not None else row.measure_title
        if groups and groups[-1].policy is row.policy and groups[-1].title == title:
            groups[-1].rows.append(row)
        else:
            groups.append(Group(row.policy, title, [row]))
    return groups


def written(kind: str, text: str, percent: bool = False) -> Any:
    """What the analyst typed, as the reform YAML writes it: a bare number is 万元 for money and a percentage for a
    rate, a date is a date; a whole number counted in percent (``percent``) may be typed with its % as a rate is;
    anything else goes to the loader as typed (and is refused there with its reason).

    >>> written("money", "1500"), written("money", "1亿元"), written("rate", "30"), written("int", "3")
    ('1500万元', '1亿元', '30%', 3)
    >>> written("int", "20%", percent=True), written("int", "20 ％", percent=True), written("int", "20%")
    (20, 20, '20%')
    """
    text = ungrouped(text.strip()) or text.strip()  # a comma out of place (8,5) goes on as typed, to be refused
    if percent and isinstance(taken := percent_read(text), int):  # as a reform's YAML reads it
        return taken
    if kind == "money" and _NUMBER.match(text):
        return f"{text}万元"
    if kind == "rate" and _NUMBER.match(text):
        return f"{text}%"
    if kind == "date":
        try:
            return iso_date(text)
        except ValueError:
            return text
    if kind == "int" and re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


@dataclass
class Edit:
    row: Row
    value: str
    since: str


def reform_text(name: str, description: str, edits: list[Edit]) -> str:
    """The edits as reform YAML (what ``--reform FILE`` would hold), checked as a reform file is: the same parser, the
    same loader. Mistakes name the field by its Chinese label; nothing is written."""
    problems: list[tuple[str, str]] = []
    name, description = name.strip(), description.strip()
    if not name:
        problems.append(Problem("改革方案名称", "请填写名称", "reform_name"))
    elif len(name) > NAME_LENGTH:
        problems.append(Problem("改革方案名称", f"最多 {NAME_LENGTH} 个字", "reform_name"))
    if len(description) > DESCRIPTION_LENGTH:
        problems.append(Problem("改革方案说明", f"最多 {DESCRIPTION_LENGTH} 个字", "reform_description"))
    changes = []
    for edit in edits:
        row, field = edit.row, edit.row.field
        edit = Edit(row, ascii_digits(edit.value), ascii_digits(edit.since))  # typed with a Chinese input method
        if not edit.value.strip():
            problems.append(Problem(f"{row.label}（新值）", "填写了生效日期，请同时填写新值", f"{field}_value"))
            continue
        if ungrouped(edit.value) is None:
            problems.append(Problem(f"{row.label}（新值）", MISPLACED_COMMA, f"{field}_value"))
            continue
        value = written(row.parameter.kind, edit.value, row.percent)
        try:
            value_read(row.parameter, row.key, value)  # as a reform's YAML is read: the loader's own reading
        except UnwrittenAmount:  # the table asks for 万元, not yuan
            why = f"“{edit.value.strip()}”应为以万元计的数（如 1500），或带单位的数（如 1.5亿元）"
            problems.append(Problem(f"{row.label}（新值）", why, f"{field}_value"))
        except ValueError as exc:
            problems.append(Problem(f"{row.label}（新值）", str(exc), f"{field}_value"))
        since = _since(edit.since, row, problems)
        why = end_problem(row.policy.window_start.values[0].value, since, value) \
            if row.key == "window_end" and since is not None else None
        if why:
            problems.append(Problem(f"{row.label}（新值）", why, f"{field}_value"))
        changes.append({"parameter": row.key, "since": since, "value": value, "source": SOURCE,
                        "policy": row.policy.id})
    if not edits and name:
        problems.append(Problem("参数表", "没有修改任何参数：请在表中填写新值和生效日期", "params"))
    if problems:
        raise InputError(problems)
    data: dict[str, Any] = {"name": name}
    if description:
        data["description"] = description
    data["changes"] = changes
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _since(text: str, row: Row, problems: list[tuple[str, str]]) -> date | None:
    label, field = f"{row.label}（生效日期）", f"{row.field}_since"
    try:
        since = iso_date(text)
    except ValueError:
        problems.append(Problem(label, date_reason(text) if text.strip() else "请填写生效日期（YYYY-MM-DD）", field))
        return None
    if since < row.policy.issued:
        problems.append(Problem(label, f"不能早于政策发布日期 {row.policy.issued}", field))
    return since


def checked(text: str, policies: list[Policy], edits: list[Edit] | None = None) -> Reform:
    """A reform's YAML read by the parser the jobs use, and applied to the policies as the loader checks a policy file:
    what a job would refuse at its start is refused here, before anything is saved. A reform written from the
    parameter table (``edits``) has its mistakes said beside the rows they were typed in, in the table's words."""
    try:
        reform = jobs.parse_reform(text)
        apply_reform(policies, reform)
    except LateChanges as error:
        if not edits:
            raise InputError([placed(line) for line in error.problems]) from None
        raise InputError([_late(edits, *late) for late in error.late]) from None
    except PolicyFileError as error:
        if not edits:
            raise InputError([placed(line) for line in error.problems]) from None
        # the YAML the table wrote is not the analyst's: its lines mean nothing to them
        raise InputError([Problem("参数表", PLACE.sub("", line), "params") for line in error.problems]) from None
    return reform


def _late(edits: list[Edit], policy: str, parameter: str, since: date, last: date) -> Problem:
    """A change from after the policy's window, beside the 生效日期 it was typed in."""
    row = next(e.row for e in edits if e.row.policy.id == policy and e.row.key == parameter)
    why = (f"{since} 晚于该政策有效期的最后一天 {last}，不影响任何事项；如要测算延期后的效果，"
           "请同时在“有效期截止日”一行填写更晚的新值")
    return Problem(f"{row.label}（生效日期）", why, f"{row.field}_since")
