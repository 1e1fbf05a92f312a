"""公示 in working days: official holidays skipped, make-up days counted, coverage stated, objections in time."""

from datetime import date

import pytest

from huiqi.announcements.calendar import is_working_day, last_working_day
from huiqi.errors import CalendarError, Conflict
from tests.dbtest import step, to_announced


def test_holidays_and_make_up_days() -> None:
    assert last_working_day(date(2025, 9, 29), 5) == date(2025, 10, 11)  # 10-11 is a make-up Saturday
    # Spring Festival 2025: Sunday 1-26 is a make-up day, 1-28 to 2-4 are holidays.
    assert last_working_day(date(2025, 1, 24), 4) == date(2025, 2, 5)
    assert last_working_day(date(2025, 6, 2), 1) == date(2025, 6, 3)  # 6-2 is the Dragon Boat holiday
    assert not is_working_day(date(2025, 10, 8)) and is_working_day(date(2025, 9, 28))


def test_beyond_the_calendar_is_said_plainly() -> None:
    with pytest.raises(CalendarError, match="超出法定节假日日历的覆盖范围"):
        last_working_day(date(2026, 12, 28), 5)
    with pytest.raises(CalendarError, match="2004–2026"):
        is_working_day(date(2003, 6, 2))


def test_objection_only_during_the_announcement(session, people, tmp_path) -> None:
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    with pytest.raises(Conflict, match="不在公示期内"):
        step(session, "object", people.miit, app.id, reasons="迟到的异议", on=date(2025, 10, 13))
    step(session, "object", people.miit, app.id, reasons="认定文件存疑", on=date(2025, 10, 9))
    assert app.state == "department_review" and app.announcement_id is None
