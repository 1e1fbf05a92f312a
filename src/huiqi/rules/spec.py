"""The shape of a policy file, as Pydantic models (the loader checks meaning on top of shape)."""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Text = Field(min_length=1)
# The database's columns bound what a policy file may say: the policy's id, document number and title
# (policy_versions, rounds, applications…), a responsible unit's name (departments), a matter code (recognition
# lists). A measure's number is bounded by the simulation's vectorised evaluation, which packs it into 7 bits of a
# key (rules/columns.py): far under the INTEGER its columns hold, and under the 999 every form and body accepts.
MAX_ID, MAX_NUMBER, MAX_TITLE, MAX_UNIT, MAX_CODE, MAX_MEASURE = 40, 100, 200, 100, 40, 127
Unit = Annotated[str, Field(min_length=1, max_length=MAX_UNIT)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ValueSpec(_Strict):
    since: date
    value: Any
    source: str = Text


class ParameterSpec(_Strict):
    label: str = Text
    kind: Literal["money", "rate", "date", "int"]
    values: list[ValueSpec] = Field(min_length=1)


class UnitsSpec(_Strict):
    """The responsible units from a date on (government reorganisation renames them)."""

    since: date
    value: list[Unit] = Field(min_length=1)
    source: str = Text


class ConditionSpec(_Strict):
    name: str = Text
    clause: str = Text
    when: str = Text
    reading: str | None = None


class CeilingSpec(_Strict):
    cap: str | None = None
    rate: str | None = None
    base: str | None = None
    unspecified: bool = False

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


class RuleSpec(_Strict):
    name: str = Text
    clause: str = Text
    reaches: list[str] = []
    conditions: list[ConditionSpec] = []
    ceiling: CeilingSpec | None = None
    kind: Literal["award", "fund"] | None = None
    reading: str | None = None

    @field_validator("ceiling", mode="before")
    @classmethod
    def _unspecified(cls, value: Any) -> Any:
        return {"unspecified": True} if value == "unspecified" else value


class MeasureSpec(_Strict):
    number: int = Field(ge=1, le=MAX_MEASURE)
    chapter: str = Text
    title: str = Text
    clause: str = Text
    kind: Literal["award", "fund", "service"]
    units: list[Unit] = Field(min_length=1)
    units_changes: list[UnitsSpec] = []
    parameters: dict[str, ParameterSpec] = {}
    rules: list[RuleSpec] = []
    services: list[RuleSpec] = []
    local: list[RuleSpec] = []
    stacks_with: list[str] = []  # ids of policies whose support stacks with this measure's (另有规定的除外)
    # What the measure is for beyond money, which the platform runs for it: the whitelist, the growth files.
    serves: list[Literal["whitelist", "growth_files"]] = []


class WindowSpec(_Strict):
    start: date
    end: date
    source: str = Text
    end_changes: list[ValueSpec] = []  # a later decision that moves the end, from a date on


class CodeSpec(_Strict):
    type: Literal["honour", "project"]
    label: str = Text
    fields: list[str] = []
    # where the forms list it: 荣誉认定, 项目 or 设立机构; by default the group of its type
    group: Literal["honour", "project", "establishment"] | None = None
    # the values an enumerated field may take for this code, where fewer than the field's choices (平台类型)
    choices: dict[str, list[str]] = {}


class ExpectSpec(_Strict):
    matter: str = Text
    measure: int = Field(ge=1, le=MAX_MEASURE)
    status: Literal["eligible", "ineligible", "undetermined"]
    ceiling: int | None = Field(default=None, ge=0)  # yuan; compared only when given


class SituationSpec(_Strict):
    """A case in and the results expected out, carried by the policy file and run before it is published."""

    name: str = Text
    as_of: date
    applicant: dict[str, Any] = {}
    matters: list[dict[str, Any]] = Field(min_length=1)
    expect: list[ExpectSpec] = Field(min_length=1)


class PolicySpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=MAX_ID)
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    issuer: str = Text
    number: str = Field(min_length=1, max_length=MAX_NUMBER)
    issued: date
    window: WindowSpec
    preamble: str = Text
    closing: str = ""
    validity: str = Text
    stacking: str = Text
    source: str = Text
    # the id of the policy this one succeeds (接续): the catalogue compares a first version with that policy in force
    succeeds: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=MAX_ID)
    codes: dict[str, CodeSpec] = {}
    parameters: dict[str, ParameterSpec] = {}
    general: list[ConditionSpec] = []
    measures: list[MeasureSpec] = Field(min_length=1)
    situations: list[SituationSpec] = []  # the file's own test situations: the publication gate runs them


class VocabularySpec(_Strict):
    codes: dict[str, CodeSpec]
