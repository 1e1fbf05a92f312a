"""An applicant's profile as the services take it: the interchange fields plus good standing."""

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from huiqi.rules.case import Matter
from huiqi.validation import Day, PlainText, UtcDateTime

MATCH_FIELDS = ("uscc", "name", "kind", "region", "industry", "digital_core_confirmed", "size", "above_scale",
                "established", "revenue", "revenue_prior")
STANDING_FIELDS = ("independent_legal_entity", "sound_accounts", "bad_credit", "major_accident")
PROFILE_FIELDS = MATCH_FIELDS[1:] + STANDING_FIELDS


class Standing(BaseModel):
    """The applicant conditions of the fund's 2025 application guide; None is not yet known."""

    model_config = ConfigDict(extra="forbid", strict=True)

    independent_legal_entity: bool | None = None
    sound_accounts: bool | None = None
    bad_credit: bool | None = None
    major_accident: bool | None = None


class ProfileWrite(BaseModel):
    """A new version of the applicant's profile: every field, as it now stands (an omitted field is unknown)."""

    model_config = ConfigDict(extra="forbid")

    name: PlainText | None = Field(None, max_length=200, description="单位名称")
    kind: PlainText | None = Field(None, max_length=20,
                                   description="单位类型：enterprise、university、institute、association、park、city")
    region: PlainText | None = Field(None, max_length=10, description="注册地（GB/T 2260 行政区划代码，或 shenfu）")
    industry: PlainText | None = Field(None, max_length=4, description="所属行业（GB/T 4754-2017 四位小类代码）")
    digital_core_confirmed: bool | None = Field(None, description="经确认属于数字经济核心产业")
    size: PlainText | None = Field(None, max_length=10, description="企业规模：large、medium、small、micro")
    above_scale: bool | None = Field(None, description="规模以上企业")
    established: Day | None = Field(None, description="成立日期 YYYY-MM-DD")
    revenue: int | None = Field(None, description="本年营业收入（元）")
    revenue_prior: int | None = Field(None, description="上年营业收入（元）")
    independent_legal_entity: bool | None = Field(None, description="独立法人")
    sound_accounts: bool | None = Field(None, description="财务管理制度健全")
    bad_credit: bool | None = Field(None, description="有不良信用记录")
    major_accident: bool | None = Field(None, description="近三年发生重大安全、环保、质量事故")
    version: int | None = Field(None, ge=0, description="修改所依据的版本（尚无单位信息时为 0）；给出时，其间已有"
                                                        "更新的版本则不保存（409），免得覆盖他人的修改")


class ProfileRead(BaseModel):
    """One version of an applicant's profile."""

    model_config = ConfigDict(from_attributes=True)

    version: int
    recorded_at: UtcDateTime
    recorded_by: str
    name: str | None
    kind: str | None
    region: str | None
    industry: str | None
    digital_core_confirmed: bool | None
    size: str | None
    above_scale: bool | None
    established: date | None
    revenue: int | None
    revenue_prior: int | None
    independent_legal_entity: bool | None
    sound_accounts: bool | None
    bad_credit: bool | None
    major_accident: bool | None


class ApplicantSummary(BaseModel):
    """An applicant in a list: who, where, which profile version is current."""

    uscc: str
    name: str | None
    region: str | None
    city: str | None
    version: int


class ApplicantRead(BaseModel):
    """An applicant with its current profile and every earlier version."""

    uscc: str
    demo: bool
    profile: ProfileRead | None
    history: list[ProfileRead]


class MatterRead(Matter):
    """A matter in the interchange shape, with when it was last changed."""

    stamp: str = Field(description="最近一次修改的时间戳；修改时作为 seen 送回，可发现其间他人的修改")


class MatterWrite(Matter):
    """A matter in the interchange shape of DOMAIN.md; its id is the key in the path."""

    id: str | None = Field(None, description="事项编号；可省略，以路径中的编号为准")  # type: ignore[assignment]
    seen: str | None = Field(None, max_length=40, description="修改所依据的 stamp（读取事项时所得）；给出时，"
                             "其间他人已修改或删除该事项则不保存（409）")
