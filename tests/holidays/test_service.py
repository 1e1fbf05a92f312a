"""The working-day calendar as data: a year entered from its notice lets a 公示 run into it; until then the
公示 is refused with words that say which year to enter. The file tests/fixtures/calendar-2027-test.csv is a
test notice shaped like the State Council's (元旦 and 春节 with make-up Sundays), not the real 2027 one."""

from datetime import date
from pathlib import Path

import pytest

from huiqi.announcements.calendar import last_working_day, package_calendar
from huiqi.errors import CalendarError, InputError
from huiqi.holidays import service as holidays
from huiqi.users.scope import SYSTEM
from tests.dbtest import notice_days

NOTICE = Path(__file__).parent.parent / "fixtures" / "calendar-2027-test.csv"


def test_the_package_years_count_and_entered_years_extend_them(session) -> None:
    calendar = holidays.calendar_of(session)
    assert calendar.years == package_calendar().years
    assert last_working_day(date(2025, 9, 29), 5, calendar) == date(2025, 10, 11)
    with pytest.raises(CalendarError, match="2040 年的节假日安排尚未录入"):
        last_working_day(date(2040, 1, 8), 5, calendar)
    years = holidays.enter(session, actor=SYSTEM, entries=holidays.read_file(NOTICE), source="测试用通知（非真实）")
    assert years == [2027]
    calendar = holidays.calendar_of(session)
    assert 2027 in calendar.years and calendar.last_day >= date(2027, 12, 31)
    # From Monday 2027-02-01: 2-1…2-5 are five working days; from Thursday 2-4: 2-4, 2-5, then 春节 (2-6 to 2-13),
    # then Sunday 2-14, a make-up working day, and Monday 2-15, Tuesday 2-16.
    assert last_working_day(date(2027, 2, 1), 5, calendar) == date(2027, 2, 5)
    assert last_working_day(date(2027, 2, 4), 5, calendar) == date(2027, 2, 16)


def test_a_year_entered_again_replaces_what_was_entered(session) -> None:
    holidays.enter(session, actor=SYSTEM, entries=holidays.read_file(NOTICE), source="第一次")
    again = holidays.read_lines([["date", "kind", "name"], *map(list, notice_days(2027))])
    holidays.enter(session, actor=SYSTEM, entries=again, source="更正后的通知")
    days, source = holidays.year(session, 2027)
    assert [d.day.isoformat() for d in days] == [d for d, _, _ in notice_days(2027)] and source == "更正后的通知"


def test_every_mistake_of_a_notice_is_named_by_its_line() -> None:
    rows = [["date", "kind", "name"], ["2027-13-01", "holiday", "元旦"], ["2027-02-15", "workday", "春节"],
            ["2027-02-06", "rest", "春节"], ["2027-02-06", "holiday", ""]]
    with pytest.raises(InputError) as refused:
        holidays.read_lines(rows)
    fields = [field for field, _ in refused.value.problems]
    assert fields == ["第 2 行·日期", "第 3 行·类别", "第 4 行·类别", "第 5 行·名称", "第 5 行·日期"], \
        refused.value.problems
    assert refused.value.problems[0] == ("第 2 行·日期", "2027-13-01 不是有效日期")
    with pytest.raises(InputError, match="表头 日期,类别,名称"):
        holidays.read_lines([["day", "type", "name"]])
    with pytest.raises(InputError, match="没有任何日期"):
        holidays.read_lines([["日期", "类别", "名称"]])
    with pytest.raises(InputError) as partial:
        holidays.read_lines([["date", "kind", "name"], ["2027-01-01", "holiday", "元旦"],
                             ["2027-10-01", "holiday", "国庆节、中秋节"], ["2027-02-14", "workday", "春节"]])
    assert partial.value.problems == [("年份", "2027 年的放假安排缺少春节、清明节、劳动节、端午节：国务院办公厅每年的"
                                               "通知都包括元旦、春节、清明节、劳动节、端午节、中秋节、国庆节，请按通知录入"
                                               "全年（一个年度整体替换）")]


def test_a_year_beyond_the_next_is_refused_until_the_years_between_are_entered(session) -> None:
    """A calendar with a gap would say it covers years it does not."""
    last = holidays.calendar_of(session).last_day.year
    skipped = holidays.read_lines([["date", "kind", "name"], *map(list, notice_days(last + 2))])
    with pytest.raises(InputError) as refused:
        holidays.enter(session, actor=SYSTEM, entries=skipped, source="测试用通知（非真实）")
    assert refused.value.problems == [("年份", f"日历尚未录入 {last + 1} 年：请先录入 {last + 1} 年的安排，"
                                               "年份之间不能留空")]
    both = holidays.read_lines([["date", "kind", "name"],
                                *map(list, notice_days(last + 1) + notice_days(last + 2))])
    assert holidays.enter(session, actor=SYSTEM, entries=both, source="测试用通知（非真实）") == [last + 1, last + 2]


def test_only_an_admin_enters_a_year(session, people) -> None:
    from huiqi.errors import Forbidden

    with pytest.raises(Forbidden):
        holidays.enter(session, actor=people.miit, entries=holidays.read_file(NOTICE), source="x")


def test_admins_are_told_sixty_days_before_the_calendar_runs_out(session) -> None:
    last = holidays.calendar_of(session).last_day
    assert holidays.notice(session, date(last.year, 10, 1)) is None
    told = holidays.notice(session, date(last.year, 11, 15))
    assert told is not None and f"{last.year + 1} 年节假日安排" in told


def test_a_2027_announcement_waits_for_the_2027_notice(session, people, tmp_path) -> None:
    from tests.dbtest import apply, step

    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    step(session, "propose", people.miit, app, on=date(2025, 9, 10), amount=800_000)
    if 2027 not in package_calendar().years:  # chinese-calendar 1.11 knows 2004–2026
        with pytest.raises(CalendarError, match="2027 年的节假日安排尚未录入"):
            step(session, "announce", people.miit, app, on=date(2026, 12, 1), starts_on=date(2027, 1, 4))
        assert app.state == "proposed" and app.announcement_id is None
    holidays.enter(session, actor=SYSTEM, entries=holidays.read_file(NOTICE), source="测试用通知（非真实）")
    batch = step(session, "announce", people.miit, app, on=date(2026, 12, 1), starts_on=date(2027, 1, 4)).written
    assert batch.ends_on == date(2027, 1, 8) and app.state == "announced"


def test_the_notice_reads_the_same_from_a_workbook(tmp_path) -> None:
    import csv
    from datetime import datetime

    import openpyxl

    book = openpyxl.Workbook()
    for i, row in enumerate(csv.reader(NOTICE.read_text(encoding="utf-8-sig").splitlines())):
        book.active.append([datetime.fromisoformat(row[0]), *row[1:]] if i else row)  # dates as date cells
    path = tmp_path / "通知.xlsx"
    book.save(path)
    assert holidays.read_file(path) == holidays.read_file(NOTICE)
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(InputError, match=r"坏\.xlsx 不是有效的 Excel 工作簿"):
        holidays.read_file(broken)


def test_a_notice_saved_by_chinese_excel_is_read_and_one_in_no_known_encoding_is_named(tmp_path) -> None:
    path = tmp_path / "通知.csv"
    path.write_bytes(NOTICE.read_text(encoding="utf-8-sig").encode("gb18030"))
    assert holidays.read_file(path) == holidays.read_file(NOTICE)
    path.write_bytes(b"date,kind,name\n2027-01-01,holiday,\xff\xfe\n")
    with pytest.raises(InputError) as caught:
        holidays.read_file(path)
    assert caught.value.problems == [("文件", "文件的编码无法识别：请存为 UTF-8 编码的 CSV（Excel 中选“CSV UTF-8”）")]


def test_two_entries_of_one_year_at_once_leave_one_of_them_whole(own_database) -> None:
    """The later replaces the earlier's year whole, as one after the other would. (On PostgreSQL the later's
    deletion used to miss the earlier's days, and the year held both notices.)"""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from huiqi.models import CalendarDay
    from tests.dbtest import while_held

    first = holidays.read_lines([["date", "kind", "name"], *map(list, notice_days(2027))])
    later = holidays.read_lines([["date", "kind", "name"], *([f"{d[:-2]}{int(d[-2:]) + 1:02d}", k, n]
                                                               for d, k, n in notice_days(2027))])
    said = while_held(own_database, date(2026, 12, 1),
                      lambda session: holidays.enter(session, actor=SYSTEM, entries=first, source="甲"),
                      lambda session: holidays.enter(session, actor=SYSTEM, entries=later, source="乙"))
    assert said == 201, said
    with Session(own_database) as session:
        kept = session.scalars(select(CalendarDay).where(CalendarDay.source.in_(["甲", "乙"]))).all()
        assert sorted(d.day for d in kept) == sorted(e.day for e in later) and {d.source for d in kept} == {"乙"}


def test_a_notice_s_day_in_the_year_before_is_added_to_that_year_not_a_replacement(session) -> None:
    """Some notices start 元旦 on 12-31 of the year before (the 2023 one did): that day is added to the year before,
    whose other days stay as they were; a day two years off is not the notice's."""
    last = package_calendar().last_day.year  # the package's last year: its days must stay
    eve = date(last, 12, 31)
    before = holidays.calendar_of(session)
    assert eve.weekday() < 5 and before.is_working_day(eve), "the test needs a weekday"
    lines = [["date", "kind", "name"], [eve.isoformat(), "holiday", "元旦"], *map(list, notice_days(last + 1))]
    assert holidays.enter(session, actor=SYSTEM, entries=holidays.read_lines(lines), source="测试用通知（非真实）") \
        == [last, last + 1]
    after = holidays.calendar_of(session)
    assert not after.is_working_day(eve) and last + 1 in after.years
    assert after.holidays - {eve} >= {d for d in before.holidays if d.year == last}, "the year before is kept"
    days, source = holidays.year(session, last)
    assert any(d.day == eve and d.name == "元旦" for d in days) and len(days) > 10 and "跨年" in (source or "")
    with pytest.raises(InputError) as far:
        holidays.read_lines([["date", "kind", "name"], [f"{last - 1}-12-31", "holiday", "元旦"],
                             *map(list, notice_days(last + 1))])
    assert far.value.problems[0][1].startswith(f"{last - 1} 年的日期不属于 {last + 1} 年的通知")


def test_implausible_lines_are_refused_each_named_by_its_line() -> None:
    """A fourth column is not dropped; a name is a festival of the notice (not a formula, not 植树节), and its day falls
    in that festival's season (元旦 on 12-08 is a typo)."""
    header = ["日期", "类别", "名称"]
    with pytest.raises(InputError) as wide:
        holidays.read_lines([header, ["2027-01-01", "放假", "元旦", "补休"], ["2027-01-02", "放假", "元旦", "", ""]])
    assert [f for f, _ in wide.value.problems] == ["第 2 行"] and "多出第 4 列「补休」" in wide.value.problems[0][1]
    rows = [header, ["2026-12-08", "放假", "元旦"], ["2027-03-03", "放假", "=1+1"], ["2027-03-12", "放假", "植树节"],
            ["2027-10-01", "放假", "国庆节、中秋节"], ["2027-02-20", "调休上班", "春节"]]
    with pytest.raises(InputError) as refused:
        holidays.read_lines(rows)
    said = dict(refused.value.problems)
    assert list(said) == ["第 2 行·名称", "第 3 行·名称", "第 4 行·名称"], refused.value.problems
    assert said["第 2 行·名称"] == "2026-12-08 不在元旦的放假时段内：请核对日期或名称"
    assert "像表格公式" in said["第 3 行·名称"] and "「植树节」不是国务院办公厅通知中的节日" in said["第 4 行·名称"]


def test_the_package_s_own_days_are_all_in_season() -> None:
    """The seasons are wide enough for every notice since 2004 (the package's days)."""
    from chinese_calendar.constants import holidays as days_off
    from chinese_calendar.constants import workdays as make_up

    from huiqi.announcements.calendar import NAMES

    for found, kind in ((days_off, "holiday"), (make_up, "workday")):
        for day, name in found.items():
            if NAMES.get(name, name) in holidays.SEASONS:
                assert holidays.in_season(day, kind, NAMES[name]), (day, kind, name)


def test_days_already_past_are_not_changed_by_entering_the_year_again(session) -> None:
    """Re-entering the current year may correct days to come; a day before today keeps its kind, since 公示 and
    deadlines were counted on it: the line that would change it is named, and so is a past day left out."""
    from huiqi import clock

    holidays.enter(session, actor=SYSTEM, entries=holidays.read_file(NOTICE), source="第一次")
    lines = NOTICE.read_text("utf-8").splitlines()
    moved = [line.replace("2027-04-05", "2027-04-06") if line.startswith("2027-04-05") else line for line in lines]
    with clock.pinned(date(2027, 5, 10)):
        with pytest.raises(InputError) as refused:
            holidays.enter(session, actor=SYSTEM, entries=holidays.read_text("\n".join(moved), "lines"), source="改")
        assert [f for f, _ in refused.value.problems] == ["日期清单", "第 15 行"], refused.value.problems
        said = refused.value.problems[0][1]
        assert "2027-04-05 已经过去（今天是 2027-05-10），日历中为放假，录入后将改为正常安排" in said
        later = [line.replace("2027-10-07", "2027-10-08") if line.startswith("2027-10-07") else line for line in lines]
        holidays.enter(session, actor=SYSTEM, entries=holidays.read_text("\n".join(later), "lines"), source="更正")
    assert holidays.year(session, 2027)[1] == "更正", "days to come may be corrected"


def _notice(shift: int = 0) -> list[holidays.Entry]:
    """The test notice of 2027, each day moved ``shift`` days later (a second, different notice of the year)."""
    return holidays.read_lines([["date", "kind", "name"], *([f"{d[:-2]}{int(d[-2:]) + shift:02d}", k, n]
                                                           for d, k, n in notice_days(2027))])


def test_an_entry_from_a_page_shown_before_another_admin_s_is_refused_and_a_knowing_one_recorded(session,
                                                                                                 people) -> None:
    """Two admins entered 2027 from pages opened before either saved: both were told 已录入, the second silently
    replaced the first, and the trail kept no before. The second is now a 409 saying who entered what; entered again
    from the calendar as it now is, it replaces it, and the trail keeps the days it replaced."""
    from huiqi.audit import service as audit
    from huiqi.errors import Conflict
    from tests.dbtest import second_admin

    admin2 = second_admin(session)
    shown = holidays.seen_of(session)  # both pages show no 2027
    holidays.enter(session, actor=people.admin, entries=_notice(), source="甲通知", seen=shown)
    with pytest.raises(Conflict) as refused:
        holidays.enter(session, actor=admin2, entries=_notice(1), source="乙通知", seen=shown)
    said = refused.value.message
    assert "2027 年的节假日安排在您打开页面后已由系统管理员录入（来源：甲通知；放假 7 天、调休上班 0 天" in said, said
    assert "本次录入未保存" in said
    assert [d.day.isoformat() for d in holidays.year(session, 2027)[0]] == [d for d, _, _ in notice_days(2027)]
    holidays.enter(session, actor=admin2, entries=_notice(1), source="乙通知", seen=holidays.seen_of(session))
    days, source = holidays.year(session, 2027)
    assert source == "乙通知" and days[0].day == date(2027, 1, 2)
    entered = [e for e in audit.history(session, entity="calendar", entity_id="2027") if e.action == "calendar.enter"]
    assert [e.actor for e in entered] == ["admin", "admin2"] and entered[0].before is None, "nothing was replaced"
    assert entered[1].before == {"years": [{"year": 2027, "source": "甲通知", "workday_days": [],
                                            "holiday_days": [d for d, _, _ in notice_days(2027)]}]}
    assert entered[1].after["holiday_days"][0] == "2027-01-02" and entered[1].after["source"] == "乙通知"


def test_a_page_shown_before_another_year_was_entered_still_enters_its_own(session, people) -> None:
    """Only the years the entry touches are checked: a page shown before 2027 was entered enters 2028 (which needs
    2027) without a 409, and replacing a year never entered records no before."""
    from huiqi.audit import service as audit

    holidays.enter(session, actor=people.admin, entries=_notice(), source="甲通知", seen=holidays.seen_of(session))
    shown = holidays.seen_of(session)
    with_2027 = holidays.read_lines([["date", "kind", "name"], *map(list, notice_days(2028))])
    holidays.enter(session, actor=people.admin, entries=with_2027, source="2028通知", seen="calendar")
    assert 2028 in holidays.calendar_of(session).years and shown != holidays.seen_of(session)
    [event] = [e for e in audit.history(session, entity="calendar", entity_id="2028")]
    assert event.before is None


def test_two_admins_entering_a_year_from_the_same_page_at_once_end_in_one_and_a_409(own_database) -> None:
    """Both pages showed the calendar without 2027: the later waits for the earlier, sees 2027 entered since, and is
    refused; the year holds the earlier's notice whole."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from huiqi.models import CalendarDay, User
    from tests.dbtest import at_once, make_people, second_admin

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        admins = [make_people(session).admin.id, second_admin(session).id]
        shown = holidays.seen_of(session)

    def entering(who: int, shift: int):
        return lambda session: holidays.enter(session, actor=session.get(User, who), entries=_notice(shift),
                                              source=f"通知{shift}", seen=shown)

    outcomes = at_once(own_database, [entering(who, shift) for shift, who in enumerate(admins)])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(own_database) as session:
        kept = session.scalars(select(CalendarDay)).all()
        winner = outcomes.index("done")
        assert {d.source for d in kept} == {f"通知{winner}"} and len(kept) == len(notice_days(2027))
