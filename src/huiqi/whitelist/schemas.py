"""Whitelist versions and entries as the API gives them, and what it takes."""

from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from huiqi.models import WhitelistVersion
from huiqi.users.names import name_of
from huiqi.validation import PlainText

# A version's states as its pages name them (the desk, the version's page, the audit trail).
STATE_LABELS = {"proposed": "拟定稿", "published": "已发布", "discarded": "已作废"}


class BasisRead(BaseModel):
    """What a version was compiled under, as recorded when it was proposed, and whether that is in force today."""

    policy: str = Field(description="政策文件的标识")
    version: str | None = Field(description="政策文本的版本（摘要前缀）")
    number: str | None = Field(description="文号，如“辽政办〔2022〕35号”")
    title: str | None = Field(description="政策标题")
    measure: int | None = Field(description="措施序号")
    measure_title: str | None
    list_name: str | None = Field(description="名单名称，如“数字经济核心产业企业“白名单””")
    ends: date | None = Field(description="政策有效期的最后一天（拟定之日所载）")
    in_force: bool = Field(description="今天是否仍在有效期内（政策撤回或到期为否）")
    said: str = Field(description="如“依据辽政办〔2022〕35号措施19编制；该措施已于2025年12月31日到期”")


class VersionRead(BaseModel):
    """A version: proposed (a draft, seen only by those who compile or check it), published on a day, or discarded
    (a draft set aside, kept)."""

    id: int
    number: int = Field(description="拟定编号（拟定稿 #N；审计记录按此编号）")
    edition: int | None = Field(description="公开版次（第 N 版）：发布时依次编号，作废的草稿不占版次")
    state: str
    as_of: date
    proposed_by: str = Field(description="拟定人：显示名称（及所在单位），不是登录名")
    published_on: date | None
    published_by: str | None = Field(description="发布人：显示名称（及所在单位）")
    note: str | None
    entries: int = Field(description="拟定的企业数")
    included: int = Field(description="列入（未被移出）的企业数")
    basis: BasisRead | None = Field(description="编制依据（拟定时记录）；未记录时为空")

    @classmethod
    def of(cls, version: WhitelistVersion, names: Mapping[str, str], basis: BasisRead | None) -> "VersionRead":
        """``names``: login name → the person as pages name them (``users.names.people``)."""
        return cls(id=version.id, number=version.number, edition=version.edition, state=version.state,
                   as_of=version.as_of, basis=basis,
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
