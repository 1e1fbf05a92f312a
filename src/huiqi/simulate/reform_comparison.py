"""Two saved reforms compared measure by measure: the support ceilings in each one's baseline and under each."""

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from huiqi.errors import InputError
from huiqi.labels import Problem
from huiqi.models import SavedReform, SimulationJob, User
from huiqi.rules.policy import Policy
from huiqi.simulate import jobs
from huiqi.simulate.impact import unspecified
from huiqi.simulate.saved_reforms import get
from huiqi.validation import digits


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


@dataclass
class Line:
    """One line of a comparison: a measure (or the total), in whole yuan."""

    label: str
    baseline: int
    a: int
    b: int
    baseline_b: int
    # a measure whose text names no amount (措施12): its money is 未定额, and what it supports is counted (支持项数)
    unspecified: bool = False
    grants: dict[str, int] = dataclasses.field(default_factory=dict)  # by column: baseline, a, b, baseline_b

    @property
    def a_diff(self) -> int:
        return self.a - self.baseline

    @property
    def b_diff(self) -> int:
        return self.b - self.baseline_b

    @property
    def b_minus_a(self) -> int:
        return self.b - self.a

    @property
    def changed(self) -> bool:
        """Whether the line differs anywhere: in money, or for a measure without an amount in its support items."""
        if self.unspecified:
            g = self.grants
            return len({g.get("a", 0) - g.get("baseline", 0), g.get("b", 0) - g.get("baseline_b", 0),
                        g.get("b", 0) - g.get("a", 0), 0}) > 1
        return bool(self.a_diff or self.b_diff or self.b_minus_a)

    def shown(self, column: str) -> str | None:
        """A measure without an amount's cell as people read it: its support items and 未定额 (a difference: that of
        the items); None for a line with amounts (the page writes its money)."""
        if not self.unspecified:
            return None
        differences = {"a_diff": ("a", "baseline"), "b_diff": ("b", "baseline_b"), "b_minus_a": ("b", "a")}
        if column in differences:
            after, before = differences[column]
            change = self.grants.get(after, 0) - self.grants.get(before, 0)
            return f"{'+' if change > 0 else ''}{change} 项"
        return f"{self.grants.get(column, 0)} 项，未定额"


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
    counts = {"baseline": _by_measure(results[a.id]["groups"], "grants"),
              "a": _by_measure(results[a.id]["reform"]["groups"], "grants"),
              "b": _by_measure(results[b.id]["reform"]["groups"], "grants"),
              "baseline_b": _by_measure(results[b.id]["groups"], "grants")}
    unfixed = unspecified(policies)
    only = policies[0].id if len(policies) == 1 else None  # a run of one policy groups without it
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
        grants = {column: found.get(key, 0) for column, found in counts.items()}
        lines.append(Line(label, base_a.get(key, 0), reform_a.get(key, 0), reform_b.get(key, 0), base_b.get(key, 0),
                          (policy or only, measure) in unfixed, grants))
    if len(lines) > 1:
        lines.append(Line("合计", *(sum(getattr(line, f) for line in lines)
                                  for f in ("baseline", "a", "b", "baseline_b"))))
    return Comparison(a, b, lines, base_a == base_b, [], [], runs)


def _title(titles: dict[tuple[str, int], str], policy: str | None, measure: int) -> str:
    if policy is not None:
        return titles.get((policy, measure), "")
    return next((t for (_, n), t in titles.items() if n == measure), "")


def _by_measure(groups: list[dict[str, Any]], metric: str = "ceiling_sum") -> dict[tuple[str | None, int | None], int]:
    """Ceilings (or another metric) summed per (policy, measure) over the other groupings (region, year); one total
    without measures."""
    totals: dict[tuple[str | None, int | None], int] = {}
    for group in groups:
        key = (group.get("policy"), group.get("measure"))
        totals[key] = totals.get(key, 0) + int(group.get(metric) or 0)
    return totals
