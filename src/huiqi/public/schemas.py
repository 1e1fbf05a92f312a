"""What the public API answers about policies and measures."""

from datetime import date

from pydantic import BaseModel, Field


class DatedRead(BaseModel):
    """One of a parameter's values over time: a matter is judged by the value in force on its own date."""

    value: str  # as written for people
    raw: int | str
    since: date
    until: date | None  # the day before the next value's; None for the last
    source: str


class ParameterRead(BaseModel):
    name: str
    label: str
    kind: str
    value: str  # as written for people: 1000万元, 30%, 2025-12-31
    raw: int | str  # yuan for money, the fraction for rates, ISO for dates
    since: date
    source: str
    values: list[DatedRead] = []  # every dated value, earliest first (the one above among them)


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
