"""Working days by the official PRC holiday calendar: public holidays are not working days, make-up days
(调休上班日) on a weekend are.

The calendar is data (``holidays/``): the years the ``chinese_calendar`` package knows (2004–2026 in
version 1.11), and the years an admin has entered from the State Council's notice. A date in a year
that neither covers is an error that says which year to enter, never a silent guess: only a deadline that
must not stop work (a rectification, a correction) counts past the end with ``provisional()``, Monday to
Friday, and says so where it is shown.
"""

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache

import chinese_calendar.constants as package

from huiqi.errors import CalendarError

NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
         "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
         "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"}


@dataclass(frozen=True)
class Calendar:
    """Holidays and make-up working days, and the years they are known for."""

    holidays: frozenset[date]
    workdays: frozenset[date]  # weekend days that are working days (调休上班)
    years: frozenset[int]
    weekdays_beyond: bool = False  # past the last year covered, Monday–Friday count (a provisional deadline)

    @property
    def last_day(self) -> date:
        return date(max(self.years), 12, 31)

    def coverage(self) -> str:
        return f"{min(self.years)}–{max(self.years)}年"

    def provisional(self) -> "Calendar":
        """This calendar, counting Monday to Friday past its last day instead of refusing."""
        return replace(self, weekdays_beyond=True)

    def is_working_day(self, day: date) -> bool:
        if day.year not in self.years and self.weekdays_beyond and day > self.last_day:
            return day.weekday() < 5
        if day.year not in self.years:
            raise CalendarError(f"{day.isoformat()} 超出法定节假日日历的覆盖范围（已有 {self.coverage()}）："
                                f"{day.year} 年的节假日安排尚未录入，请管理员按国务院办公厅的通知录入"
                                f"（“节假日日历”页面，或 huiqi calendar import）后再试")
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5


@cache
def package_calendar() -> Calendar:
    """The years the ``chinese_calendar`` package knows."""
    return Calendar(frozenset(package.holidays), frozenset(package.workdays),
                    frozenset(d.year for d in package.holidays))


def is_working_day(day: date, calendar: Calendar | None = None) -> bool:
    """Whether ``day`` is a working day (by the package's calendar unless another is given).

    >>> is_working_day(date(2025, 10, 1)), is_working_day(date(2025, 10, 11)), is_working_day(date(2025, 10, 13))
    (False, True, True)
    """
    return (calendar or package_calendar()).is_working_day(day)


def last_working_day(start: date, working_days: int, calendar: Calendar | None = None) -> date:
    """The last day of a period of ``working_days`` working days that starts on ``start``
    (``start`` counts when it is a working day).

    Five working days from Monday 2025-09-29: 9-29, 9-30, then the National Day holiday (10-1 to
    10-8), then 10-9, 10-10 and Saturday 10-11, a make-up working day.

    >>> last_working_day(date(2025, 9, 29), 5)
    datetime.date(2025, 10, 11)
    """
    if working_days < 1:
        raise CalendarError("公示期至少一个工作日")
    day, counted = start, 0
    while True:
        if is_working_day(day, calendar):
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)


def next_working_day(after: date, calendar: Calendar | None = None) -> date:
    """The first working day after ``after`` (the default start of a 公示); beyond the holiday calendar,
    the next day (the department enters the day itself).

    >>> next_working_day(date(2025, 9, 30))
    datetime.date(2025, 10, 9)
    """
    day = after + timedelta(days=1)
    try:
        while not is_working_day(day, calendar):
            day += timedelta(days=1)
    except CalendarError:
        pass
    return day
