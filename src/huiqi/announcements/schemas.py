"""The 公示 door's shapes: open a batch, record an objection, the department's batches."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from huiqi.announcements.service import ManagedEntry
from huiqi.review.schemas import SeenIn
from huiqi.validation import Day, PlainText, StrictInput


class AnnouncementCreate(StrictInput):
    application_ids: list[Annotated[int, Field(ge=1, le=2_147_483_647)]] = Field(
        min_length=1, max_length=500, description="列入公示的申报编号（已拟定金额）")
    starts_on: Day = Field(description="公示开始日期（YYYY-MM-DD），可为已在本单位网站发布的日期")
    working_days: int | None = Field(None, ge=1, le=60, description="公示工作日数，默认按系统设置")
    title: PlainText | None = Field(None, min_length=1, max_length=200, description="公示标题，默认按开始日期生成")


class ObjectionCreate(SeenIn):
    """An objection; with the state and the amount proposed the caller last read (optional), one recorded on a
    changed application is refused (409)."""

    application_id: int = Field(ge=1, le=2_147_483_647, description="收到异议的申报编号")
    reasons: PlainText = Field(min_length=1, max_length=2000,
                               description="异议内容及处理意见（公示期内登记，日期为登记之日）")


class AnnouncementRead(BaseModel):
    id: int
    title: str
    department: str | None
    starts_on: date
    ends_on: date
    working_days: int
    created_by: str
    entries: list[ManagedEntry]  # the line the public sees (the name as published), and the name now if changed
