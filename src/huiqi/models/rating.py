from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created


class Rating(Created, Base):
    """好差评: the enterprise's rating of one finished service (an application decided or paid), on the national
    system's five levels. 不满意 or 非常不满意 opens a rectification for the unit that took the decision rated (the city
    for its 市级初审's rejection, finance for its own, else the lead department), due in 15 working days; the
    enterprise may ask for a re-check (申诉复核) of the answer, which an admin concludes."""

    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    policy_id: Mapped[str] = mapped_column(String(40))
    measure: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)  # 5 非常满意 … 1 非常不满意
    comment: Mapped[str | None] = mapped_column(String(500))
    rated_by: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[date | None] = mapped_column(Date)  # the rectification's deadline (差评 only)
    # the business day it was rated, from which a deadline counted past the calendar's end is counted again once the
    # year is entered (None before 0024: those deadlines were all counted with the calendar)
    rated_on: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(String(1000))
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    recheck_reason: Mapped[str | None] = mapped_column(String(500))
    recheck_result: Mapped[str | None] = mapped_column(String(1000))
    rechecked_by: Mapped[str | None] = mapped_column(String(64))
    # the city (region code) whose 市级初审 took the decision rated: its rectification is that city's to answer, not
    # the lead department's (None: the department's, as before 0027)
    city: Mapped[str | None] = mapped_column(String(10), index=True)
    # finance (省财政厅) took the decision rated, declining to approve: its rectification is finance's to answer, not
    # the lead department's (False: the department's or the city's, as before 0032)
    finance: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
