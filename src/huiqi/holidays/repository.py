"""SQL of the calendar's entered days."""

from datetime import date

from sqlalchemy import delete, extract, select
from sqlalchemy.orm import Session

from huiqi.models import CalendarDay


def entered(session: Session) -> list[CalendarDay]:
    return list(session.scalars(select(CalendarDay).order_by(CalendarDay.day)))


def replace_years(session: Session, years: set[int], rows: list[CalendarDay],
                  days: list[CalendarDay] | None = None) -> None:
    """The entered days of ``years`` become ``rows`` (a notice replaces what was entered for its year); ``days``
    replace only the entered days of their own dates (a notice's days in a neighbouring year)."""
    session.execute(delete(CalendarDay).where(extract("year", CalendarDay.day).in_(sorted(years))))
    if days:
        session.execute(delete(CalendarDay).where(CalendarDay.day.in_([d.day for d in days])))
    session.add_all([*rows, *(days or [])])
    session.flush()


def last_entered(session: Session) -> date | None:
    return session.scalar(select(CalendarDay.day).order_by(CalendarDay.day.desc()).limit(1))
