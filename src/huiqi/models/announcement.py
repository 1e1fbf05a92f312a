from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created


class Announcement(Created, Base):
    """A 公示 batch: proposed awards shown to the public for a number of working days."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    working_days: Mapped[int] = mapped_column(Integer)
    ends_on: Mapped[date] = mapped_column(Date)  # the last working day of the 公示
    created_by: Mapped[str] = mapped_column(String(64))
    # How many applications it was opened with: those no longer in it went back to review on an objection. The
    # server default is only for the batches there before the column (0023 fills them in); the opening sets it.
    opened_with: Mapped[int] = mapped_column(Integer, server_default="0")
