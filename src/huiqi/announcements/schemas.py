"""The 公示 door's shapes: open a batch, record an objection, the department's batches."""

from datetime import date

from pydantic import BaseModel, Field

from huiqi.announcements.service import PublicEntry
from huiqi.validation import StrictInput


class AnnouncementCreate(StrictInput):
    application_ids: list[int] = Field(min_length=1, max_length=500, description="列入公示的申报编号（已拟定金额）")
    starts_on: date = Field(description="公示开始日期（YYYY-MM-DD），可为已在本单位网站发布的日期", strict=False)
    working_days: int | None = Field(None, ge=1, le=60, description="公示工作日数，默认按系统设置")
    title: str | None = Field(None, min_length=1, max_length=200, description="公示标题，默认按开始日期生成")


class ObjectionCreate(StrictInput):
    application_id: int = Field(ge=1, le=2_147_483_647, description="收到异议的申报编号")
    reasons: str = Field(min_length=1, max_length=2000, description="异议内容及处理意见")
    on: date = Field(description="收到异议的日期（须在公示期内）", strict=False)


class AnnouncementRead(BaseModel):
    id: int
    title: str
    department: str | None
    starts_on: date
    ends_on: date
    working_days: int
    created_by: str
    entries: list[PublicEntry]  # the same line the public sees
