from datetime import date

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created


class CalendarDay(Created, Base):
    """A day the State Council's holiday notice names: a public holiday, or a weekend made a working day."""

    __tablename__ = "calendar_days"
    __table_args__ = (CheckConstraint("kind IN ('holiday', 'workday')", name="kind"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # holiday | workday (调休上班)
    name: Mapped[str] = mapped_column(String(50))  # 春节, 国庆节…
    source: Mapped[str] = mapped_column(String(200))  # the notice, e.g. 国办发明电〔2026〕x号
    entered_by: Mapped[str] = mapped_column(String(64))
