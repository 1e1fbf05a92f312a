"""Rounds as the API reads and takes them (money in whole yuan)."""

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field

from huiqi.money import MAX_YUAN
from huiqi.validation import Day, PlainText, StrictInput, lf


def _as_kept(value: object) -> object:
    r"""A round's text as the service keeps it, trimmed and with LF line breaks: counted against its bound as kept
    (a full title with a space after it is not refused as a character too long).

    >>> _as_kept(" 先申报\r\n再审核\r "), _as_kept(2025)
    ('先申报\n再审核', 2025)
    """
    return lf(value).strip() if isinstance(value, str) else value


RoundText = Annotated[PlainText, BeforeValidator(_as_kept)]


class MaterialSpec(StrictInput):
    name: PlainText = Field(min_length=1, max_length=50, description="材料名称，如 申报书")
    required: bool = Field(True, description="是否必须")
    formats: list[Annotated[PlainText, Field(min_length=1, max_length=10)]] = Field(
        ["pdf", "ofd", "jpg", "png"], min_length=1, max_length=4, description="接受的格式：pdf、ofd、jpg、png")


class RoundMeasureIn(StrictInput):
    measure: int = Field(ge=1, le=999, description="措施序号")
    budget: int | None = Field(None, ge=0, le=MAX_YUAN, description=(
        "本批次计划安排（元）：办事指南公布的计划金额，仅作公布；批准从省财政厅设定的年度预算中支出"))
    expert_score: bool = Field(False, description="是否须经专家或第三方评审打分")
    materials: list[MaterialSpec] = Field([], max_length=20, description="所需材料；不填则为“申报书”（PDF 或 OFD）")
    mode: Literal["apply", "direct"] = Field(
        "apply", description="apply 申请即享（企业接受后申报）；direct 免申即享（责任单位确认）")


class RoundIn(StrictInput):
    policy: str = Field(min_length=1, max_length=40, description="政策编号（政策目录中已发布的）")
    title: RoundText = Field(min_length=1, max_length=100, description="批次名称，如 2026年度申报")
    opens_on: Day = Field(description="开始日期")
    closes_on: Day = Field(description="截止日期（含当日）")
    correction_days: int = Field(10, ge=1, le=60, description="退回补正后重新提交的期限（工作日）")
    announcement_days: int = Field(5, ge=1, le=30, description="公示期（工作日）")
    guide: RoundText = Field("", max_length=5000, description="办事指南：流程、时限")
    contact: RoundText = Field("", max_length=200, description="咨询电话或联系人")
    measures: list[RoundMeasureIn] = Field(min_length=1, max_length=100, description="开放的措施")


class ExtendIn(StrictInput):
    closes_on: Day = Field(description="新的截止日期（含当日），晚于现在的截止日期")
    seen: Day = Field(description="延期前看到的截止日期（两人同时延期时，后到的一方得到 409）")
    reason: PlainText = Field(min_length=1, max_length=200, description="延期原因")


class MeasureMaterials(StrictInput):
    measure: int = Field(ge=1, le=999, description="措施序号")
    materials: list[MaterialSpec] = Field(min_length=1, max_length=20, description="该措施的全部所需材料")


class RoundUpdate(StrictInput):
    """A correction of an open round's texts (a round not yet open too), and of the dates and materials of a round not
    yet open; what is not given stays as it is."""

    title: RoundText | None = Field(None, min_length=1, max_length=100, description="批次名称")
    guide: RoundText | None = Field(None, max_length=5000, description="办事指南：流程、时限")
    contact: RoundText | None = Field(None, max_length=200, description="咨询电话或联系人")
    seen: PlainText | None = Field(None, min_length=1, max_length=64, description=(
        "修改前读到的 fingerprint（批次的 fingerprint 字段）；给出时，信息已被他人修改则 409，不给则不核对"))
    opens_on: Day | None = Field(None, description="开始日期（仅尚未开始受理的批次可改）")
    closes_on: Day | None = Field(None, description="截止日期（仅尚未开始受理的批次可改；受理中的请用延期）")
    materials: list[MeasureMaterials] | None = Field(
        None, max_length=100, description="各措施的所需材料（仅尚未开始受理的批次可改；未给出的措施不变）")
    terms_seen: PlainText | None = Field(None, min_length=1, max_length=64, description=(
        "修改日期或材料前读到的 terms；给出时，期间已被他人修改则 409，不给则不核对"))


class ExtensionRead(BaseModel):
    from_date: date = Field(description="原截止日期")
    to_date: date = Field(description="延至")
    reason: str


class MaterialRead(BaseModel):
    name: str
    required: bool
    formats: list[str]


class RoundMeasureRead(BaseModel):
    measure: int
    title: str
    budget: int | None
    expert_score: bool
    materials: list[MaterialRead]
    mode: str = Field(description="apply 申请即享；direct 免申即享")


class RoundRead(BaseModel):
    id: int
    policy_id: str
    policy_number: str
    policy_expired: bool = Field(description="政策有效期已过：本批次只受理有效期内的事项")
    title: str
    opens_on: date
    closes_on: date
    open: bool = Field(description="今天是否在受理")
    status: str
    correction_days: int
    announcement_days: int
    guide: str
    contact: str
    opened_by: str = Field(description="开设单位：为之开设批次的责任单位（由其审核人员管理本批次），"
                                       "管理员开设的为“管理员”（不给出登录名）")
    fingerprint: str = Field(description=(
        "批次名称、办事指南、咨询电话的指纹：修改（PATCH）时作为 seen 发回，期间被他人修改则得到 409"))
    terms: str = Field("", description=(
        "开始日期、截止日期和各措施所需材料的指纹：尚未开始受理的批次修改它们时作为 terms_seen 发回，"
        "期间被他人修改则得到 409"))
    measures: list[RoundMeasureRead]
    extensions: list[ExtensionRead] = Field([], description="历次延期，先后为序")
    closed_early: bool = Field(False, description=(
        "已提前结束受理（closes_on 为结束之日），或尚未开始即已取消（closes_on 仍为原定截止日期）"))
    closed_before_opening: bool = Field(False, description="尚未开始受理即已取消")
    cancelled_on: date | None = Field(None, description="取消之日（尚未开始受理即取消的批次）")
    upcoming: bool = Field(False, description="尚未开始受理（可以取消）")


class RoundOpened(RoundRead):
    warnings: list[str] = Field([], description=(
        "已开设（或已延长），但须知道的情况：同一政策其他未结束的批次在重叠的日期受理相同措施（同一事项只能在其中一个批次申报）"))
