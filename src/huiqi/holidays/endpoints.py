"""The working-day calendar over HTTP: a year's holidays and make-up working days; an admin enters a year."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from huiqi.errors import InputError
from huiqi.holidays import service
from huiqi.users.roles import Role
from huiqi.validation import Day, PlainText, StrictInput
from huiqi.web.deps import Actor, Db, role_first

router = APIRouter(prefix="/calendar", tags=["节假日日历"])
Year = Annotated[int, Path(ge=2000, le=2100, description="年份")]


class DayRead(BaseModel):
    day: date
    kind: Literal["holiday", "workday"] = Field(description="holiday 放假；workday 调休上班（周末上班）")
    name: str


class YearRead(BaseModel):
    year: int
    covered: bool = Field(description="这一年是否已有节假日安排（没有则不能计算该年的公示期）")
    source: str | None
    days: list[DayRead]
    covered_until: date = Field(description="日历覆盖到的最后一天")
    seen: str = Field(description="已录入日历的逐年指纹：录入（PUT）时作为 seen 发回，其间该年已被他人录入则得到 409")


class DayIn(StrictInput):
    day: Day = Field(description="日期")
    kind: Literal["holiday", "workday"]
    name: PlainText = Field(min_length=1, max_length=50, description="节日名称，如 春节")


class YearIn(StrictInput):
    source: PlainText = Field(min_length=1, max_length=200, description="通知的文号或标题，如 国办发明电〔2026〕7号")
    days: list[DayIn] = Field(min_length=1, max_length=400, description="该年全部放假日和调休上班日")
    seen: PlainText | None = Field(None, min_length=1, max_length=2000, description=(
        "录入前读到的 seen；给出时，其间所涉年份已被他人录入则 409（说明现在的安排），不给则不核对"))


def _read(session, number: int) -> YearRead:
    days, source = service.year(session, number)
    return YearRead(year=number, covered=bool(days), source=source, covered_until=service.calendar_of(session).last_day,
                    days=[DayRead(day=d.day, kind=d.kind, name=d.name) for d in days],  # type: ignore[arg-type]
                    seen=service.seen_of(session))


@router.get("/{year}", response_model=YearRead, summary="一年的法定节假日与调休上班日")
def read_year(year: Year, session: Db) -> YearRead:
    return _read(session, year)


@router.put("/{year}", response_model=YearRead, summary="录入一年的节假日安排（管理员，按国务院办公厅通知）",
            dependencies=role_first(Role.ADMIN, doing="录入节假日安排"))
def enter_year(year: Year, body: YearIn, actor: Actor, session: Db) -> YearRead:
    wrong = [d.day for d in body.days if d.day.year != year]
    if wrong:
        raise InputError([("days", f"{wrong[0]} 不在 {year} 年")])
    entries = service.check([(n, {"date": d.day.isoformat(), "kind": d.kind, "name": d.name})
                             for n, d in enumerate(body.days, start=1)])
    service.enter(session, actor=actor, entries=entries, source=body.source, seen=body.seen)
    session.commit()
    return _read(session, year)
