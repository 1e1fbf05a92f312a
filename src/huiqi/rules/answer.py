"""The answer to a match, in the interchange shape of DOMAIN.md (the same for CLI, HTTP and files)."""

from datetime import date
from typing import Literal

from pydantic import BaseModel

Status = Literal["eligible", "ineligible", "undetermined"]
STATUS_LABELS = {"eligible": "符合", "ineligible": "不符合", "undetermined": "待定"}


class ConditionTrace(BaseModel):
    """One condition and what it came to for this matter."""

    text: str
    value: bool | None
    clause: str
    reading: str | None = None
    missing: list[str] = []
    facts: list[str] = []  # the facts the condition reads (their sources are shown beside them)


class Result(BaseModel):
    """One (matter, monetary measure) pair that the matter's codes reach.

    ``ceiling`` is what may be granted here: the measure's ceiling less ``other_support`` received for
    the matter under another provincial policy (从高不重复, 差额补足); ``ceiling_before_deduction`` is the
    measure's own, on which no stacking ranks. The two are equal when nothing was received."""

    matter: str
    measure: int
    status: Status
    ceiling: int | None
    ceiling_before_deduction: int | None = None
    other_support: int | None = None
    excluded_by: int | Literal["other_support"] | None = None
    missing: list[str] = []
    conditions: list[ConditionTrace] = []
    policy: str
    excluded_by_policy: str | None = None
    title: str
    rule: str
    kind: str


class Grant(BaseModel):
    """The one result per matter that no stacking keeps."""

    matter: str
    measure: int
    ceiling: int | None
    policy: str
    ceiling_before_deduction: int | None = None
    other_support: int | None = None


class Opportunity(BaseModel):
    """A service measure, or a city's encouragement, that applies (or may, once facts are given)."""

    measure: int
    policy: str
    title: str
    name: str
    clause: str
    status: Status
    units: list[str]
    matters: list[str] = []
    missing: list[str] = []
    expired: bool = False  # the policy's window had closed by as_of: no longer in force


class PolicyInfo(BaseModel):
    id: str
    number: str
    title: str
    version: str
    window_start: date
    window_end: date
    in_force: bool
    expired: bool


class Answer(BaseModel):
    """What one enterprise may claim, up to how much, why, and what is missing."""

    policy: str
    as_of: date
    expired: bool
    results: list[Result]
    grants: list[Grant]
    total_ceiling: int
    services: list[Opportunity]
    local: list[Opportunity]
    # Services and city encouragements of a policy whose window has closed: what is no longer in force.
    expired_services: list[Opportunity] = []
    expired_local: list[Opportunity] = []
    policies: list[PolicyInfo]
