"""What the public API answers about policies and measures."""

from datetime import date

from pydantic import BaseModel, Field


class ParameterRead(BaseModel):
    name: str
    label: str
    kind: str
    value: str  # as written for people: 1000万元, 30%, 2025-12-31
    raw: int | str  # yuan for money, the fraction for rates, ISO for dates
    since: date
    source: str


class MeasureRead(BaseModel):
    number: int
    chapter: str
    title: str
    kind: str
    clause: str
    units: list[str]
    parameters: list[ParameterRead]
    rules: list[str]
    services: list[str]
    local: list[str]


class PolicyRead(BaseModel):
    id: str
    number: str
    title: str
    issuer: str
    issued: date
    window_start: date
    window_end: date
    expired: bool
    version: str
    stacking: str
    succeeds: str | None = Field(None, description="本政策接续（取代）的政策的编号（id），文件中 succeeds 所写")


class PolicyDetail(PolicyRead):
    preamble: str
    closing: str
    validity: str
    measures: list[MeasureRead]
