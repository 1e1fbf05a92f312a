"""A loaded policy: its measures, rules and conditions, with expressions already checked."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from huiqi.rules.expr import Node
from huiqi.rules.facts import CHOICES
from huiqi.rules.params import Parameter


@dataclass(frozen=True)
class CodeInfo:
    """A matter code: its type, Chinese label, the fields its rules read, and the group the forms list it in
    (``GROUPS``: 荣誉认定, 项目, 设立机构)."""

    code: str
    type: str
    label: str
    fields: tuple[str, ...]
    group: str = "honour"
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (field, the values allowed with this code)

    def problem(self, field: str, value: str | None) -> str | None:
        """Why ``value`` of ``field`` does not go with this code, or None."""
        allowed = dict(self.choices).get(field)
        if value is None or allowed is None or value in allowed:
            return None
        labels = CHOICES.get(field, {})
        shown = "、".join(labels.get(v, v) for v in allowed)
        return f"{labels.get(value, value)}（{value}）不属于{self.label}，应为 {shown} 之一"


# The groups of matter codes in the forms, in order, with their Chinese names.
GROUPS = {"honour": "荣誉认定", "project": "项目", "establishment": "设立机构"}


@dataclass(frozen=True)
class Condition:
    name: str
    clause: str
    when: str
    node: Node
    reading: str | None = None


@dataclass(frozen=True)
class Ceiling:
    """The ceiling of a rule: a cap, ``rate × base`` floored, both (the smaller), or unspecified."""

    cap: Parameter | None = None
    rate: Parameter | None = None
    base: str | None = None

    @property
    def unspecified(self) -> bool:
        return self.cap is None and self.rate is None


@dataclass(frozen=True)
class Rule:
    """One thing a measure supports: the codes it reaches, its conditions, and its ceiling."""

    name: str
    clause: str
    reaches: tuple[str, ...]
    conditions: tuple[Condition, ...]
    ceiling: Ceiling | None
    kind: str
    reading: str | None = None


@dataclass(frozen=True)
class DatedUnits:
    since: date
    units: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Measure:
    number: int
    chapter: str
    title: str
    clause: str
    kind: str  # award | fund | service
    units: tuple[DatedUnits, ...]
    parameters: dict[str, Parameter]
    rules: tuple[Rule, ...]
    services: tuple[Rule, ...]
    local: tuple[Rule, ...]
    stacks_with: tuple[str, ...] = ()  # policies whose support stacks with this measure's (另有规定的除外)
    serves: tuple[str, ...] = ()  # what the platform runs for it beyond money: whitelist, growth_files

    @property
    def monetary(self) -> bool:
        return self.kind != "service"

    def units_at(self, day: date) -> tuple[str, ...]:
        """The responsible units on ``day``, lead first."""
        current = self.units[0].units
        for dated in self.units:
            if dated.since <= day:
                current = dated.units
        return current


@dataclass(frozen=True)
class Policy:
    id: str
    title: str
    issuer: str
    number: str
    issued: date
    window_start: Parameter
    window_end: Parameter
    window_source: str
    preamble: str
    closing: str
    validity: str
    stacking: str
    source: str
    general: tuple[Condition, ...]
    codes: dict[str, CodeInfo]
    measures: tuple[Measure, ...]
    parameters: dict[str, Parameter]
    version: str
    path: str
    order: int = field(default=0, compare=False)
    situations: tuple[Any, ...] = field(default=(), compare=False)  # SituationSpec: the publication gate's
    text: str = field(default="", compare=False, repr=False)  # the file it was loaded from (a reform edits it)
    succeeds: str | None = None  # the id of the policy it succeeds (接续), which a first version is compared with
    warnings: tuple[str, ...] = field(default=(), compare=False)  # what loading it found doubtful, not wrong

    def measure(self, number: int) -> Measure | None:
        """The measure numbered ``number``, or None."""
        return next((m for m in self.measures if m.number == number), None)

    def window_end_at(self, day: date) -> date:
        """The last day of the validity window as in force on ``day``."""
        return cast(date, self.window_end.at(day, day))

    def expired(self, as_of: date) -> bool:
        """Whether the window has closed by ``as_of``."""
        return as_of > self.window_end_at(as_of)
