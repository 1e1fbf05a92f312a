from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created, Yuan


class Round(Created, Base):
    """A round (申报批次): measures of one published policy open for applications between two dates."""

    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint("closes_on >= opens_on", name="dates"),
        CheckConstraint("correction_days BETWEEN 1 AND 60", name="correction_days"),
        CheckConstraint("announcement_days BETWEEN 1 AND 30", name="announcement_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(100))  # 2026年度申报
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)  # the deadline, inclusive
    correction_days: Mapped[int] = mapped_column(Integer, default=10)  # working days to answer a return
    announcement_days: Mapped[int] = mapped_column(Integer, default=5)  # the 公示's working days
    guide: Mapped[str] = mapped_column(Text, default="")  # 办事指南: process and time limits
    contact: Mapped[str] = mapped_column(String(200), default="")  # whom to call with questions
    opened_by: Mapped[str] = mapped_column(String(64))
    # The unit whose reviewers manage the round (close, extend): the opener's when a department opened it, kept
    # when the opener later moves; None when an admin (or the system) opened it.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    closed_by: Mapped[str | None] = mapped_column(String(64))  # closed before its deadline
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Closed before it opened (取消): it never took an application, whatever day it is read on.
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The business day it was cancelled on; its dates stay those it was opened (or last rescheduled) with.
    cancelled_on: Mapped[date | None] = mapped_column(Date)


class RoundMeasure(Base):
    """One measure opened in a round: its materials, budget and whether an expert score is required."""

    __tablename__ = "round_measures"
    __table_args__ = (CheckConstraint("budget IS NULL OR budget >= 0", name="budget"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    measure: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget: Mapped[int | None] = mapped_column(Yuan)  # the year's budget announced in the guide, in yuan
    expert_score: Mapped[bool] = mapped_column(Boolean, default=False)
    # apply: 申请即享 (the enterprise accepts an offer and applies); direct: 免申即享 (the department confirms).
    mode: Mapped[str] = mapped_column(String(10), default="apply", server_default="apply")
    # [{"name": "申报书", "required": true, "formats": ["pdf", "ofd"]}, …]
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
