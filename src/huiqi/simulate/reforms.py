"""Reforms without YAML: every parameter of the policies in force as a table an analyst edits, the edits written
as the same reform YAML the CLI reads (so both go through one parser and one loader), saved by name with the job
that ran them, and two saved reforms compared measure by measure.
"""

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.audit import service as audit
from huiqi.errors import Conflict, InputError, NotFound, PolicyFileError
from huiqi.labels import Problem
from huiqi.models import AuditEvent, SavedReform, SimulationJob, User
from huiqi.money import MISPLACED_COMMA, UnwrittenAmount, ungrouped, wan
from huiqi.rules.params import Parameter, read_value
from huiqi.rules.policy import Policy
from huiqi.simulate import jobs
from huiqi.simulate.reform import DESCRIPTION_LENGTH, NAME_LENGTH, LateChanges, Reform, apply_reform, end_problem
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import ascii_digits, date_reason, digits, iso_date

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


def written(kind: str, text: str) -> Any:
    """What the analyst typed, as the reform YAML writes it: a bare number is 万元 for money and a percentage for a
    rate, a date is a date; anything else goes to the loader as typed (and is refused there with its reason).

    >>> written("money", "1500"), written("money", "1亿元"), written("rate", "30"), written("int", "3")
    ('1500万元', '1亿元', '30%', 3)
    """
    text = ungrouped(text.strip()) or text.strip()  # a comma out of place (8,5) goes on as typed, to be refused
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
        value = written(row.parameter.kind, edit.value)
        try:
            read_value(row.parameter.kind, value)  # the loader's own reading of a parameter's value
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
        raise InputError([Problem("参数表", _PLACE.sub("", line), "params") for line in error.problems]) from None
    return reform


_PLACE = re.compile(r"^改革方案:(\d+|\?)?:? ", re.S)  # where a mistake is in the YAML typed in: 改革方案:3:
_YAML_ERROR = re.compile(r"^YAML 格式错误(?:（第 (\d+) 列）)?：?(.*)$", re.S)
_PARSERS_OWN = re.compile(r"（[ -~]+）$")  # the YAML parser's English words after the Chinese: not for the analyst
_TWICE = re.compile(r"^(\S+)：键重复$")


def placed(line: str) -> Problem:
    """A mistake in the reform's YAML typed in on the page, as the analyst reads it beside the box: its line (and
    column) in their YAML first, in Chinese.

    >>> placed("改革方案:3: YAML 格式错误（第 1 列）：缩进不一致（did not find expected key）")
    ('改革方案', '第 3 行第 1 列：YAML 格式错误：缩进不一致')
    >>> placed("改革方案:2: name：键重复"), placed("参数 11.cap：没有这个参数")
    (('改革方案', '第 2 行：“name”写了两次（每一项只能写一次）'), ('改革方案', '参数 11.cap：没有这个参数'))
    """
    found = _PLACE.match(line)
    rest = line[found.end():] if found else line
    place = f"第 {found[1]} 行" if found and found[1] and found[1] != "?" else ""
    mistake = _YAML_ERROR.match(rest)
    if mistake:
        place += f"第 {mistake[1]} 列" if mistake[1] and place else ""
        said = _PARSERS_OWN.sub("", mistake[2]).strip()
        rest = "YAML 格式错误" + (f"：{said}" if said else "")
    twice = _TWICE.match(rest)
    if twice:
        rest = f"“{twice[1]}”写了两次（每一项只能写一次）"
    return Problem("改革方案", f"{place}：{rest}" if place else rest, "reform")


def _late(edits: list[Edit], policy: str, parameter: str, since: date, last: date) -> Problem:
    """A change from after the policy's window, beside the 生效日期 it was typed in."""
    row = next(e.row for e in edits if e.row.policy.id == policy and e.row.key == parameter)
    why = (f"{since} 晚于该政策有效期的最后一天 {last}，不影响任何事项；如要测算延期后的效果，"
           "请同时在“有效期截止日”一行填写更晚的新值")
    return Problem(f"{row.label}（生效日期）", why, f"{row.field}_since")


def save(session: Session, *, actor: User, reform: Reform, text: str, job: SimulationJob | None = None) -> SavedReform:
    """Keep a reform under its name (with the job that runs it, set here or once started); a name the analyst already
    used is a Conflict, also when two saves of it meet at the same moment, unless that reform's simulation failed:
    then the reform saved under the name is replaced (a failed run leaves nothing to keep)."""
    require_role(actor, *jobs.ANALYSTS, doing="保存改革方案")
    clash = session.scalar(select(SavedReform).where(SavedReform.user_id == actor.id, SavedReform.name == reform.name)
                           .with_for_update().execution_options(populate_existing=True))  # two re-runs: one
    if clash is not None and job_state(session, clash) == "failed":
        before = {"description": clash.description, "changes": clash.changes}
        clash.description, clash.text = reform.description, text
        clash.changes = [c.model_dump(mode="json") for c in reform.changes]
        clash.job_id = job.id if job is not None else None
        _saved(session, actor, clash, before)
        return clash
    if clash is not None:
        raise Conflict(f"已有名为“{reform.name}”的改革方案，请换一个名称")
    saved = SavedReform(user_id=actor.id, name=reform.name, description=reform.description, text=text,
                        changes=[c.model_dump(mode="json") for c in reform.changes],
                        job_id=job.id if job is not None else None)
    try:
        with session.begin_nested():
            session.add(saved)
    except IntegrityError:  # saved under the same name by another request at this moment
        raise Conflict(f"已有名为“{reform.name}”的改革方案，请换一个名称") from None
    _saved(session, actor, saved, None)
    return saved


def _saved(session: Session, actor: User, saved: SavedReform, before: dict[str, Any] | None) -> None:
    """The saving (or the replacing, after its simulation failed) of a reform, in the audit trail."""
    audit.record(session, actor=actor.username, action="reform.save", entity="saved_reform", entity_id=saved.id,
                 before=before, after={"name": saved.name, "description": saved.description, "changes": saved.changes})


def job_state(session: Session, saved: SavedReform) -> str | None:
    """The state of the simulation a saved reform ran in (queued, running, done, failed), None without one."""
    return session.scalar(select(SimulationJob.state).where(SimulationJob.id == saved.job_id)) if saved.job_id \
        else None


def job_states(session: Session, saved: list[SavedReform]) -> dict[int, str]:
    """Each saved reform's simulation state, by the reform's id (one query for a list)."""
    ids = {r.job_id for r in saved if r.job_id}
    found: dict[int, str] = {job_id: state for job_id, state in session.execute(
        select(SimulationJob.id, SimulationJob.state).where(SimulationJob.id.in_(ids)))}
    return {r.id: found[r.job_id] for r in saved if r.job_id in found}


def may_delete(actor: User, saved: SavedReform) -> bool:
    """Whether ``actor`` may delete ``saved``: its author, or an admin (the auditor only reads)."""
    return actor.role in jobs.ANALYSTS and (saved.user_id == actor.id or actor.role == Role.ADMIN)


def delete(session: Session, *, actor: User, reform_id: int) -> str:
    """Delete a saved reform (its author or an admin), so that trial reforms do not stay forever; its simulation is
    kept. Refused (409) while that simulation is queued or running, and when another page deleted it meanwhile;
    the deletion is in the audit trail. The name deleted is returned, for the message."""
    require_role(actor, *jobs.ANALYSTS, doing="删除改革方案")
    saved = session.scalar(select(SavedReform).where(SavedReform.id == reform_id).with_for_update()
                           .execution_options(populate_existing=True))  # two deletes at once: one, then 409
    if saved is None:
        gone = _deleted(session, reform_id)
        if gone is not None and (gone.get("user_id") == actor.id or actor.role == Role.ADMIN):
            raise Conflict(f"改革方案“{gone.get('name')}”已被删除（可能在其他页面）")
        raise NotFound(f"没有改革方案 {reform_id}")
    if not may_delete(actor, saved):
        raise NotFound(f"没有改革方案 {reform_id}")  # another's reform is not said to exist
    state = job_state(session, saved)
    if state in ("queued", "running"):
        raise Conflict(f"改革方案“{saved.name}”的测算 #{saved.job_id} 尚未完成，不能删除：请在测算完成后再删除")
    before = {"name": saved.name, "description": saved.description, "changes": saved.changes,
              "job_id": saved.job_id, "user_id": saved.user_id}
    session.delete(saved)
    session.flush()
    audit.record(session, actor=actor.username, action="reform.delete", entity="saved_reform", entity_id=reform_id,
                 before=before, after=None)
    return before["name"]


def _deleted(session: Session, reform_id: int) -> dict[str, Any] | None:
    """What a deleted reform was (its audited ``before``), or None if none of that number was deleted."""
    return session.scalar(select(AuditEvent.before).where(
        AuditEvent.action == "reform.delete", AuditEvent.entity == "saved_reform",
        AuditEvent.entity_id == str(reform_id)).order_by(AuditEvent.seq.desc()).limit(1))


def listed(session: Session, *, actor: User) -> list[SavedReform]:
    """The actor's saved reforms, newest first (an admin sees everyone's), as ``jobs.listed`` shows jobs."""
    require_role(actor, *jobs.READERS, doing="查看改革方案")
    query = select(SavedReform).order_by(SavedReform.id.desc())
    if actor.role not in jobs.SEES_ALL:
        query = query.where(SavedReform.user_id == actor.id)
    return list(session.scalars(query))


def pair(a: str | None, b: str | None) -> tuple[int, int]:
    """The two saved reforms to compare, as the page and the API name them (``a``, ``b``); mistakes name the field."""
    found = []
    ids = []
    for field, label, text in (("a", "方案A", a), ("b", "方案B", b)):
        if not text or not digits(text.strip()) or not 1 <= int(text) <= 2_147_483_647:
            found.append(Problem(label, "请选择一个已保存的改革方案", field))
        else:
            ids.append(int(text))
    if not found and ids[0] == ids[1]:
        found.append(Problem("方案B", "请选择与方案A不同的方案", "b"))
    if found:
        raise InputError(found)
    return ids[0], ids[1]


def of_job(session: Session, job_id: int) -> SavedReform | None:
    """The reform saved with a simulation job (whoever may see the job may see which reform it ran)."""
    return session.scalar(select(SavedReform).where(SavedReform.job_id == job_id))


def get(session: Session, *, actor: User, reform_id: int) -> SavedReform:
    """A saved reform its author (or an admin) may see."""
    require_role(actor, *jobs.READERS, doing="查看改革方案")
    saved = session.get(SavedReform, reform_id)
    if saved is None or (saved.user_id != actor.id and actor.role not in jobs.SEES_ALL):
        raise NotFound(f"没有改革方案 {reform_id}")
    return saved


@dataclass
class Line:
    """One line of a comparison: a measure (or the total), in whole yuan."""

    label: str
    baseline: int
    a: int
    b: int
    baseline_b: int

    @property
    def a_diff(self) -> int:
        return self.a - self.baseline

    @property
    def b_diff(self) -> int:
        return self.b - self.baseline_b

    @property
    def b_minus_a(self) -> int:
        return self.b - self.a


@dataclass
class Comparison:
    a: SavedReform
    b: SavedReform
    lines: list[Line]
    same_baseline: bool
    missing: list[str]  # the reforms whose job has not finished (or failed): nothing to compare yet
    failed: list[str]  # those of ``missing`` whose job failed: run them again
    # by reform id: its simulation's number, data source, 判断日期 and when it finished
    runs: dict[int, dict[str, Any]] = dataclasses.field(default_factory=dict)


def compare(session: Session, *, actor: User, a_id: int, b_id: int, policies: list[Policy]) -> Comparison:
    """Two saved reforms side by side: the support ceilings per measure in the baseline and under each reform."""
    a, b = get(session, actor=actor, reform_id=a_id), get(session, actor=actor, reform_id=b_id)
    results, runs = {}, {}
    missing, failed = [], []
    for saved in (a, b):
        job = session.get(SimulationJob, saved.job_id) if saved.job_id else None
        data = jobs.summary(job) if job is not None else None
        if data is None or "reform" not in data:
            missing.append(saved.name)
            if job is not None and job.state == "failed":
                failed.append(saved.name)
        results[saved.id] = data
        if data is not None and job is not None:
            runs[saved.id] = {"job": job.id, "population": data.get("population"), "as_of": data.get("as_of"),
                              "finished_at": job.finished_at}
    if missing:
        return Comparison(a, b, [], True, missing, failed, runs)
    base_a, reform_a = _by_measure(results[a.id]["groups"]), _by_measure(results[a.id]["reform"]["groups"])
    base_b, reform_b = _by_measure(results[b.id]["groups"]), _by_measure(results[b.id]["reform"]["groups"])
    titles = {(p.id, m.number): m.title for p in policies for m in p.measures}
    numbers = {p.id: p.number for p in policies}
    order = {p.id: p.order for p in policies}
    keys = sorted(set(base_a) | set(reform_a) | set(base_b) | set(reform_b),
                  key=lambda k: (order.get(k[0] or "", len(order)), str(k[0]), k[1] or 0))
    lines = []
    for key in keys:
        policy, measure = key
        label = "全部" if measure is None else f"措施{measure} {_title(titles, policy, measure)}"
        if policy is not None:
            label = f"{numbers.get(policy, policy)} {label}"
        lines.append(Line(label, base_a.get(key, 0), reform_a.get(key, 0), reform_b.get(key, 0), base_b.get(key, 0)))
    if len(lines) > 1:
        lines.append(Line("合计", *(sum(getattr(line, f) for line in lines)
                                  for f in ("baseline", "a", "b", "baseline_b"))))
    return Comparison(a, b, lines, base_a == base_b, [], [], runs)


def _title(titles: dict[tuple[str, int], str], policy: str | None, measure: int) -> str:
    if policy is not None:
        return titles.get((policy, measure), "")
    return next((t for (_, n), t in titles.items() if n == measure), "")


def _by_measure(groups: list[dict[str, Any]]) -> dict[tuple[str | None, int | None], int]:
    """Ceilings summed per (policy, measure) over the other groupings (region, year); one total without measures."""
    totals: dict[tuple[str | None, int | None], int] = {}
    for group in groups:
        key = (group.get("policy"), group.get("measure"))
        totals[key] = totals.get(key, 0) + int(group["ceiling_sum"])
    return totals
