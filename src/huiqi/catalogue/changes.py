"""What a new version changes in the file itself, beside what it changes for applicants (``diff``): each parameter
whose values or dates differ (before → after, with the dates they hold from, and the change of its latest value),
each clause added, removed or reworded, and each condition's explanation (解读) too; against the version it
replaces, or the policy in force it succeeds (``succeeds``), or nothing, for a new policy."""

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from huiqi.labels import measure_label
from huiqi.money import signed_wan, wan
from huiqi.rules.keys import POLICY
from huiqi.rules.params import Parameter
from huiqi.rules.policy import Measure, Policy

# The policy's own texts compared, by their labels in a policy file's keys.
TEXTS = ("preamble", "validity", "stacking", "closing")
ADDED, REMOVED, CHANGED = "新增", "删去", "改动"
GENERAL = POLICY.keys["general"].label  # 通用条件: the conditions every monetary rule adds


@dataclass(frozen=True)
class ParameterChange:
    """A parameter whose dated values differ: ``where`` the measure (措施3 培育中小企业) or 政策 for the policy's own;
    ``before`` and ``after`` each value as read, with the day it holds from (empty: none, a parameter added or
    removed); ``change`` the signed change of its latest value (+50 万元), '' where none can be said."""

    where: str
    label: str
    before: list[tuple[date, str]]
    after: list[tuple[date, str]]
    change: str


@dataclass(frozen=True)
class ClauseChange:
    """A clause added, removed or reworded (``what``): a measure's (its label) or one of the policy's own texts;
    ``part`` says which text: the clause itself, or a condition's (or an entry's) explanation, 解读：条件名."""

    where: str
    what: str
    before: str
    after: str
    part: str = "条款原文"


@dataclass
class FileChanges:
    """The file against the version it would replace (``new_policy``: there is none), or against the policy in force
    it succeeds (``succeeds``: that policy as people cite it, 文号《标题》; ``unfound``: the id it names, none of the
    policies in force)."""

    new_policy: bool
    succeeds: str = ""
    unfound: str = ""
    parameters: list[ParameterChange] = field(default_factory=list)
    clauses: list[ClauseChange] = field(default_factory=list)

    @property
    def none(self) -> bool:
        return not self.parameters and not self.clauses


def shown(kind: str, value: Any) -> str:
    """A parameter's value as people read it.

    >>> shown("money", 1_500_000), shown("rate", Fraction(3, 10)), shown("date", date(2025, 12, 31)), shown("int", 3)
    ('150 万元', '30%', '2025-12-31', '3')
    """
    if kind == "money" and isinstance(value, int):
        return f"{wan(value)} 万元"
    if kind == "rate" and isinstance(value, Fraction):
        return f"{float(value * 100):g}%"
    return value.isoformat() if isinstance(value, date) else str(value)


def change(kind: str, before: Any, after: Any) -> str:
    """The signed change from ``before`` to ``after`` as people read it ('' when none can be said).

    >>> change("money", 1_000_000, 1_500_000), change("money", 800_000, 600_000), change("money", 1, 1)
    ('+50 万元', '−20 万元', '不变')
    >>> change("rate", Fraction(3, 10), Fraction(1, 4)), change("date", date(2025, 12, 31), date(2026, 12, 31))
    ('−5 个百分点', '推迟 365 天')
    >>> change("int", 3, 5), change("money", None, 5)
    ('+2', '')
    """
    if before is None or after is None or type(before) is not type(after):
        return ""
    if before == after:
        return "不变"
    if kind == "money":
        return f"{signed_wan(after - before)} 万元"
    if kind == "rate":
        points = float((after - before) * 100)
        return f"{'+' if points > 0 else '−'}{abs(points):g} 个百分点"
    if isinstance(before, date):
        days = (after - before).days
        return f"推迟 {days} 天" if days > 0 else f"提前 {-days} 天"
    return f"{'+' if after > before else '−'}{abs(after - before)}" if isinstance(before, int) else ""


def _values(param: Parameter | None) -> list[tuple[date, str]]:
    return [(v.since, shown(param.kind, v.value)) for v in param.values] if param is not None else []


def _parameter(where: str, old: Parameter | None, new: Parameter | None) -> ParameterChange | None:
    """The change of one parameter, or None where its values and dates are the same."""
    before, after = _values(old), _values(new)
    if before == after and (old is None or new is None or old.label == new.label):
        return None
    kind = (new or old).kind  # type: ignore[union-attr]  (one of them is there)
    latest = change(kind, old.values[-1].value, new.values[-1].value) if old and new and old.kind == new.kind else ""
    return ParameterChange(where, (new or old).label, before, after, latest)  # type: ignore[union-attr]


def _parameters(where: str, old: dict[str, Parameter], new: dict[str, Parameter]) -> list[ParameterChange]:
    names = list(new) + [name for name in old if name not in new]
    found = (_parameter(where, old.get(name), new.get(name)) for name in names)
    return [c for c in found if c is not None]


def _measure(old: Measure | None, new: Measure | None,
             general: frozenset[str] = frozenset()) -> tuple[list[ParameterChange], list[ClauseChange]]:
    shown_as = measure_label((new or old).number, (new or old).title)  # type: ignore[union-attr]
    params = _parameters(shown_as, old.parameters if old else {}, new.parameters if new else {})
    if old is None or new is None:
        what = ADDED if old is None else REMOVED
        return params, [ClauseChange(shown_as, what, old.clause if old else "", new.clause if new else "")]
    clauses = [ClauseChange(shown_as, CHANGED, old.clause, new.clause)] if (old.clause, old.title) != (
        new.clause, new.title) else []
    return params, clauses + _explained(shown_as, _readings(old, general), _readings(new, general))


def _readings(measure: Measure, general: frozenset[str]) -> dict[str, str]:
    """Each explanation (解读) a measure's entries and their conditions give, by what it explains: an entry by its
    name, a condition by its own (a condition shared by several entries, as an anchor repeats it, is one; one of the
    policy's ``general`` conditions, repeated in an entry, is said once, under 通用条件)."""
    found: dict[str, str] = {}
    for entry in (*measure.rules, *measure.services, *measure.local):
        if entry.reading:
            found.setdefault(entry.name, entry.reading)
        for c in entry.conditions:
            if c.reading and c.name not in general:
                found.setdefault(c.name, c.reading)
    return found


def _explained(where: str, old: dict[str, str], new: dict[str, str]) -> list[ClauseChange]:
    """The explanations added, removed or reworded, in the new file's order, then those removed."""
    found = []
    for name in [*new, *(n for n in old if n not in new)]:
        before, after = old.get(name, ""), new.get(name, "")
        if before != after:
            what = ADDED if not before else REMOVED if not after else CHANGED
            found.append(ClauseChange(where, what, before, after, f"解读：{name}"))
    return found


def of(old: Policy | None, new: Policy) -> FileChanges:
    """What ``new`` changes in the file of ``old`` (the version it replaces; None: a new policy, all of it new)."""
    found = FileChanges(new_policy=old is None)
    own = {"window_start": new.window_start, "window_end": new.window_end, **new.parameters}
    was = {"window_start": old.window_start, "window_end": old.window_end, **old.parameters} if old else {}
    found.parameters += _parameters("政策", was, own)
    for key in TEXTS:
        before, after = (getattr(old, key) if old else ""), getattr(new, key)
        if before != after and (before or after):
            what = ADDED if not before else REMOVED if not after else CHANGED
            found.clauses.append(ClauseChange(POLICY.keys[key].label, what, before, after))
    if old is not None:
        found.clauses += _explained(GENERAL, {c.name: c.reading for c in old.general if c.reading},
                                    {c.name: c.reading for c in new.general if c.reading})
    numbers = [m.number for m in new.measures] + [m.number for m in (old.measures if old else ()) if
                                                   new.measure(m.number) is None]
    general = frozenset(c.name for c in (*new.general, *(old.general if old else ())))
    for number in numbers:
        params, clauses = _measure(old.measure(number) if old else None, new.measure(number), general)
        found.parameters += params
        found.clauses += clauses
    return found
