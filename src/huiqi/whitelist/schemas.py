"""Whitelist versions and entries as the API gives them, and what it takes."""

from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from huiqi.models import WhitelistVersion
from huiqi.users.names import name_of
from huiqi.validation import PlainText


class VersionRead(BaseModel):
    """A version: proposed (a draft, seen only by those who compile or check it), published on a day, or discarded
    (a draft set aside, kept)."""

    id: int
    number: int
    state: str
    as_of: date
    proposed_by: str = Field(description="拟定人：显示名称（及所在单位），不是登录名")
    published_on: date | None
    published_by: str | None = Field(description="发布人：显示名称（及所在单位）")
    note: str | None
    entries: int = Field(description="拟定的企业数")
    included: int = Field(description="列入（未被移出）的企业数")

    @classmethod
    def of(cls, version: WhitelistVersion, names: Mapping[str, str]) -> "VersionRead":
        """``names``: login name → the person as pages name them (``users.names.people``)."""
        return cls(id=version.id, number=version.number, state=version.state, as_of=version.as_of,
                   proposed_by=name_of(version.proposed_by, names), published_on=version.published_on,
                   published_by=name_of(version.published_by, names) if version.published_by else None,
                   note=version.note, entries=len(version.entries),
                   included=sum(e.included for e in version.entries))


class EntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version_id: int
    uscc: str
    name: str
    region: str
    industry: str
    included: bool
    reason: str | None


class VersionPropose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: PlainText | None = Field(None, max_length=500, description="说明，如“2026年第一季度”")


class EntryExclude(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: PlainText = Field(min_length=1, max_length=500, description="移出白名单的理由，如“年报未按时公示”")
