"""Working days by the official PRC holiday calendar (``chinese_calendar``): public holidays are not
working days, make-up days (调休上班日) on a weekend are. The package covers the years it has data
for (2004–2026 in version 1.11); a date outside them is an error that says so, never a guess."""

from datetime import date, timedelta

import chinese_calendar

from huiqi.errors import CalendarError


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day.

    >>> is_working_day(date(2025, 10, 1)), is_working_day(date(2025, 10, 11)), is_working_day(date(2025, 10, 13))
    (False, True, True)
    """
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise CalendarError(f"{day.isoformat()} 超出法定节假日日历的覆盖范围（chinese_calendar {_coverage()}），"
                            "无法判断是否工作日；请升级 chinese-calendar 后再试") from None


def _coverage() -> str:
    years = sorted(chinese_calendar.holidays) if hasattr(chinese_calendar, "holidays") else []
    return f"{years[0].year}–{years[-1].year}年" if years else "覆盖年份以外"


def last_working_day(start: date, working_days: int) -> date:
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
        if is_working_day(day):
            counted += 1
            if counted == working_days:
                return day
        day += timedelta(days=1)


def next_working_day(after: date) -> date:
    """The first working day after ``after`` (the default start of a 公示); beyond the holiday calendar,
    the next day (the department enters the day itself).

    >>> next_working_day(date(2025, 9, 30))
    datetime.date(2025, 10, 9)
    """
    day = after + timedelta(days=1)
    try:
        while not is_working_day(day):
            day += timedelta(days=1)
    except CalendarError:
        pass
    return day
