"""The working-day calendar as data.

The package (``chinese_calendar``) knows the years up to its release; the State Council announces each
year's holidays a few weeks before it starts, so an admin enters a year from the notice (a file or the
page), and from then on the 公示 counts its working days. Entered days take precedence over the package's
for their years. Sixty days before the last day covered, admins and departments are told which year to enter.

A deadline that must not stop work (a 差评's rectification, a 退回补正's correction days) is counted past the
calendar's end Monday to Friday (``deadline``), shown with that said (``provisional_note``), and admins are told
to enter the year; once it is entered, correction days are counted afresh wherever shown (they are computed on
display) and open rectifications are counted again from their day (``ratings.service.recount``). A 公示's period
is published to the public and must be exact: it is still refused past the calendar's end.
"""

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements.calendar import NAMES, Calendar, last_working_day, package_calendar
from huiqi.audit import service as audit
from huiqi.db import one_at_a_time
from huiqi.errors import Conflict, InputError
from huiqi.holidays import repository
from huiqi.messages import service as messages
from huiqi.models import CalendarDay, User
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import ascii_digits, control_reason, csv_text, date_reason, iso_date
from huiqi.web.excel import looks_like_formula

KINDS = {"holiday": "holiday", "放假": "holiday", "workday": "workday", "上班": "workday", "调休上班": "workday"}
KIND_LABELS = {"holiday": "放假", "workday": "调休上班"}
WARN_DAYS = 60
HEADER = ("date", "kind", "name")
HEADERS = (list(HEADER), ["日期", "类别", "名称"])  # a notice's lines headed in English or in Chinese
_WIDE_COMMAS = str.maketrans({"，": ","})  # not 、, which joins names (国庆节、中秋节)
# The festivals every year's notice names (国庆节 and 中秋节 may share a break, named together): a year entered
# without one of them is a partial notice, and would replace the whole year.
FESTIVALS = (("元旦", "元旦"), ("春节", "春节"), ("清明节", "清明"), ("劳动节", "劳动"), ("端午节", "端午"),
             ("中秋节", "中秋"), ("国庆节", "国庆"))
# When each festival's days off can fall (month, day), from the notices since 2004 (chinese-calendar's data) with a
# day or two to spare: 春节 and 端午节, 中秋节 follow the lunar calendar. A day outside is a typo (元旦 on 12-08).
SEASONS = {"元旦": ((12, 29), (1, 4)), "春节": ((1, 18), (3, 2)), "清明节": ((4, 2), (4, 8)),
           "劳动节": ((4, 27), (5, 8)), "端午节": ((5, 26), (6, 28)), "中秋节": ((9, 6), (10, 9)),
           "国庆节": ((9, 27), (10, 9))}
PACKAGE = "随系统提供的历年国务院办公厅节假日安排"  # where the package's days come from
MAKE_UP_SPAN = 21  # a make-up working day (调休上班) falls within three weeks of its festival's days off


@dataclass(frozen=True)
class Entry:
    """One day of a notice."""

    day: date
    kind: str  # holiday | workday
    name: str
    line: int = 0  # its line in the notice as entered (0: read from the records)
    source: str = ""  # the notice it was entered from, or the package's (read from the records)


def in_season(day: date, kind: str, festival: str) -> bool:
    """Whether ``day`` can be one of ``festival``'s days off (or, for a make-up working day, near them)."""
    (m1, d1), (m2, d2) = SEASONS[festival]
    spare = MAKE_UP_SPAN if kind == "workday" else 0
    for year in (day.year - 1, day.year, day.year + 1):  # 元旦's season runs over the new year
        start = date(year, m1, d1)
        end = date(year + (m2 < m1), m2, d2)
        if (start - timedelta(spare)) <= day <= (end + timedelta(spare)):
            return True
    return False


def _name_problem(day: date, kind: str, name: str) -> str | None:
    """What is wrong with a day's name: a festival's name (国庆节、中秋节 when they share a break), in its season."""
    if not name or len(name) > 50 or any(ord(c) < 32 for c in name):
        return "请填写节日名称（不超过 50 个字，如 春节）"
    if looks_like_formula(name):
        return f"「{name}」以 = + - @ 开头，像表格公式：请填写节日名称，如 春节"
    parts = [p.strip() for p in name.split("、")]
    unknown = [p for p in parts if p not in SEASONS]
    if unknown:
        return (f"「{'、'.join(unknown)}」不是国务院办公厅通知中的节日：应为 {'、'.join(SEASONS)} 之一"
                "（国庆节与中秋节同休时写 国庆节、中秋节）")
    if not any(in_season(day, kind, p) for p in parts):
        return f"{day} 不在{name}的放假时段内：请核对日期或名称"
    return None


def _missing(entries: list[Entry]) -> list[str]:
    """The festivals a year's holidays do not name (a whole notice names them all)."""
    named = "".join(e.name for e in entries if e.kind == "holiday")
    return [festival for festival, word in FESTIVALS if word not in named]


def _whole_years(rows: list[CalendarDay]) -> set[int]:
    """The years entered from a whole notice: they replace the package's days. Other entered days are a notice's
    days in a neighbouring year (元旦 from 12-31), added to what is known of that year."""
    by_year: dict[int, list[Entry]] = {}
    for r in rows:
        by_year.setdefault(r.day.year, []).append(Entry(r.day, r.kind, r.name))
    return {y for y, entries in by_year.items() if not _missing(entries)}


def calendar_of(session: Session) -> Calendar:
    """The package's years and the entered ones: a whole year entered replaces the package's days of that year; a
    day entered in another year (a notice's 元旦 from 12-31) is added to that year's days."""
    rows = repository.entered(session)
    whole = _whole_years(rows)
    base = package_calendar()
    keep = lambda days: {d for d in days if d.year not in whole}  # noqa: E731
    holidays = {r.day for r in rows if r.kind == "holiday"}
    workdays = {r.day for r in rows if r.kind == "workday"}
    return Calendar(frozenset((keep(base.holidays) - workdays) | holidays),
                    frozenset((keep(base.workdays) - holidays) | workdays),
                    frozenset(base.years | whole))


def notice(session: Session, today: date) -> str | None:
    """What admins and departments are told when the calendar is about to run out, else None."""
    last = calendar_of(session).last_day
    if (last - today).days > WARN_DAYS:
        return None
    return (f"工作日日历只覆盖到 {last.isoformat()}：请在国务院办公厅发布 {last.year + 1} 年节假日安排的通知后，"
            f"由管理员在“节假日日历”页面录入；否则 {last.year + 1} 年的公示无法计算截止日期，"
            "整改和补正期限暂按周一至周五计算。")


def deadline(session: Session, start: date, working_days: int, *, tell: bool = False) -> date:
    """The last of ``working_days`` working days from ``start``, for a deadline that must not stop work: past the
    calendar's end Monday to Friday count (``provisional_note`` says so); ``tell`` (when it is set, not shown)
    asks the admins to enter the year."""
    calendar = calendar_of(session)
    due = last_working_day(start, working_days, calendar.provisional())
    if tell and due > calendar.last_day:
        _ask_admins(session, calendar.last_day.year + 1)
    return due


def provisional_note(session: Session, due: date) -> str | None:
    """What a deadline past the calendar's end says of itself, else None."""
    last = calendar_of(session).last_day
    if due <= last:
        return None
    years = f"{last.year + 1}" if due.year == last.year + 1 else f"{last.year + 1}–{due.year}"
    return f"暂按周一至周五计算：{years} 年节假日安排尚未录入"


def _ask_admins(session: Session, year: int) -> None:
    """Each active admin is told once that a deadline already counts into ``year``, which the calendar lacks."""
    admins = list(session.scalars(select(User).where(User.role == Role.ADMIN, User.active.is_(True))))
    messages.notify(session, admins, kind="calendar.missing", subject=f"请录入 {year} 年节假日安排",
                    body=f"已有整改或补正期限计入 {year} 年，而工作日日历尚未录入 {year} 年的节假日安排，"
                         "这些期限暂按周一至周五计算。请按国务院办公厅的通知在“节假日日历”页面录入，"
                         "录入后期限将按正式安排重新计算；公示期在录入前无法排入该年。",
                    link="/admin/calendar", dedupe=f"calendar-missing-{year}")


def check(entries: list[tuple[int, dict[str, str]]], field: str = "文件") -> list[Entry]:
    """Read and check the lines of a notice (line number, fields); every mistake is named by its line, and a notice
    without any by ``field`` (the file, or the page's list)."""
    problems, found, seen = [], [], set()
    for line, fields in entries:
        where = f"第 {line} 行"
        try:
            day = iso_date(ascii_digits(fields.get("date") or ""))
        except ValueError:
            problems.append((f"{where}·日期", date_reason(fields.get("date") or "")))
            continue
        kind = KINDS.get((fields.get("kind") or "").strip())
        name = (fields.get("name") or "").strip()
        if kind is None:
            problems.append((f"{where}·类别", "应为 放假 或 调休上班（也可写 holiday、workday）"))
        elif kind == "workday" and day.weekday() < 5:
            problems.append((f"{where}·类别", f"{day} 是工作日本身，调休上班日应在周六或周日"))
        named = _name_problem(day, kind or "holiday", name)
        if named:
            problems.append((f"{where}·名称", named))
        if day in seen:
            problems.append((f"{where}·日期", f"{day} 重复出现"))
        seen.add(day)
        if kind is not None:
            found.append(Entry(day, kind, name, line))
    if found and not problems:  # the lines first, then the year
        year = main_year(found)
        for other in sorted({e.day.year for e in found} - {year}):
            if abs(other - year) != 1:
                problems.append(("年份", f"{other} 年的日期不属于 {year} 年的通知：一份通知只含本年度，"
                                        "和与相邻年份跨年的放假日"))
        missing = _missing([e for e in found if e.day.year == year])
        if missing:
            problems.append(("年份", f"{year} 年的放假安排缺少{'、'.join(missing)}：国务院办公厅每年的通知都包括"
                                    f"{'、'.join(f for f, _ in FESTIVALS)}，请按通知录入全年（一个年度整体替换）"))
    if problems or not found:
        raise InputError(problems or [(field, "没有任何日期")])
    return found


def main_year(entries: list[Entry]) -> int:
    """The year a notice is for: the one most of its days fall in (元旦 may begin on the 31st of the year before)."""
    counts: dict[int, int] = {}
    for e in entries:
        counts[e.day.year] = counts.get(e.day.year, 0) + 1
    return max(counts, key=lambda y: (counts[y], y))


def read_file(path: Path) -> list[Entry]:
    """A notice as CSV or Excel with the columns date, kind, name (one day a line)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from huiqi.web.excel import sent_table

        table = sent_table(path.read_bytes(), path.name, "文件", most=1000, columns=10)  # a year: 30-odd days
        rows = [[str(c) if c is not None else "" for c in row] for row in table]
        rows = [[c[:10] if i == 0 else c for i, c in enumerate(row)] for row in rows]  # a date cell reads as datetime
    else:
        try:
            rows = list(csv.reader(io.StringIO(csv_text(path.read_bytes(), "文件"))))
        except csv.Error as exc:
            raise InputError([("文件", f"读不了这个文件：{exc}")]) from None
    return read_lines(rows)


def read_lines(rows: list[list[str]], field: str = "文件") -> list[Entry]:
    """Lines of a notice, the first being the header ``日期,类别,名称`` (or ``date,kind,name``)."""
    if not rows or not any(c.strip() for c in rows[0]):
        raise InputError([(field, "没有任何日期：第一行为表头 日期,类别,名称，其后每行一天")])
    if [c.strip().lower() for c in rows[0][:3]] not in HEADERS:
        raise InputError([(field, "第一行应为表头 日期,类别,名称（也可写 date,kind,name）")])
    extra = [(f"第 {n} 行", f"多出第 {len(cells)} 列「{cells[-1].strip()}」：每行只有 日期,类别,名称 三列（名称中的多个"
                            "节日用顿号分隔，如 国庆节、中秋节）")
             for n, cells in enumerate(map(_trimmed, rows), start=1) if len(cells) > len(HEADER)]
    if extra:
        raise InputError(extra[:50])
    return check([(n, dict(zip(HEADER, row, strict=False))) for n, row in enumerate(rows[1:], start=2)
                  if any(c.strip() for c in row)], field)


def _trimmed(row: list[str]) -> list[str]:
    """A line without its empty cells at the end (a spreadsheet's, or a trailing comma)."""
    while row and not row[-1].strip():
        row = row[:-1]
    return row


def read_text(text: str, field: str) -> list[Entry]:
    """A notice typed or pasted as lines, as a Chinese input method types them: full-width commas and digits too."""
    try:
        rows = list(csv.reader(io.StringIO(ascii_digits(text.translate(_WIDE_COMMAS)))))
    except csv.Error as exc:
        raise InputError([(field, f"读不了这些行：{exc}")]) from None
    return read_lines(rows, field)


SOURCE_MOST = 200  # the column's width: a notice's document number or title


def stamp_of(rows: list[CalendarDay]) -> str:
    """The entered days of one year in short: what a page saw of the year, sent back with an entry."""
    # when each day was entered, not by whom: the calendar is public, and a login name is not
    joined = "\n".join(f"{r.day}|{r.kind}|{r.name}|{r.source}|{r.created_at}"
                       for r in sorted(rows, key=lambda r: r.day))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:12]


def _by_year(session: Session) -> dict[int, list[CalendarDay]]:
    by_year: dict[int, list[CalendarDay]] = {}
    for r in repository.entered(session):
        by_year.setdefault(r.day.year, []).append(r)
    return by_year


def seen_of(session: Session) -> str:
    """The entered calendar as a page shows it, year by year (``2027:1a2b3c4d5e6f;…``): the form carries it, so that
    an entry made meanwhile by someone else for the same year refuses this one (409) rather than being replaced.
    Never blank, so that a form showing no entered year is still checked."""
    return ";".join(["calendar", *(f"{y}:{stamp_of(rows)}" for y, rows in sorted(_by_year(session).items()))])


def entered_years(session: Session) -> list[tuple[int, str, str]]:
    """The years entered from a notice, each with the notice it came from and who entered it (as people read them):
    entering one of them again replaces it."""
    from huiqi.users.names import namer

    name = namer(session)
    latest = [max(rows, key=lambda r: r.created_at) for _, rows in sorted(_by_year(session).items())]
    return [(r.day.year, r.source, name(r.entered_by)) for r in latest]


def _read_seen(seen: str) -> dict[int, str]:
    """``seen_of``'s text read back; a part that is not ``year:stamp`` is left out (its year then reads unentered)."""
    found = {}
    for part in seen.split(";"):
        year, _, stamp = part.partition(":")
        if year.strip().isascii() and year.strip().isdigit() and len(year.strip()) == 4:
            found[int(year)] = stamp.strip()
    return found


def _as_seen(session: Session, years: set[int], seen: str) -> None:
    """Each year the entry touches is still as the page showed it; else a 409 saying who entered what meanwhile."""
    from huiqi.users.names import person

    shown, now = _read_seen(seen), _by_year(session)
    for y in sorted(years):
        rows = now.get(y, [])
        if shown.get(y, "") == (stamp_of(rows) if rows else ""):
            continue
        if not rows:
            raise Conflict(f"{y} 年的节假日安排在您打开页面后已被他人更改：本次录入未保存，请刷新页面核对后再录入")
        last = max(rows, key=lambda r: r.created_at)
        holidays = sorted(r.day for r in rows if r.kind == "holiday")
        workdays = sum(r.kind == "workday" for r in rows)
        by = person(session, last.entered_by)
        raise Conflict(f"{y} 年的节假日安排在您打开页面后已由{by}录入（来源：{last.source}；"
                       f"放假 {len(holidays)} 天、调休上班 {workdays} 天，放假日从 {holidays[0] if holidays else '—'} "
                       f"到 {holidays[-1] if holidays else '—'}），本次录入未保存。请核对该年现在的安排；"
                       "如确需以本通知替换，请核对后再次录入（原安排将记入审计日志）")


def _named(calendar: Calendar, y: int, only: set[date] | None = None) -> dict[str, list[date]]:
    """The holidays and make-up working days of year ``y`` in ``calendar`` (only the days ``only``, when given)."""
    keep = lambda d: d.year == y and (only is None or d in only)  # noqa: E731
    return {"holiday_days": sorted(filter(keep, calendar.holidays)),
            "workday_days": sorted(filter(keep, calendar.workdays))}


def _replaced(session: Session, calendar: Calendar, entries: list[Entry], whole: set[int]) -> dict | None:
    """What the entry replaces, year by year, as the audit trail keeps it (before): the notice each year came from
    and its named days (a whole year's all, a neighbouring year's only the days entered); None when nothing."""
    entered = _by_year(session)
    replaced = []
    for y in sorted({e.day.year for e in entries}):
        days = _named(calendar, y, None if y in whole else {e.day for e in entries if e.day.year == y})
        if not any(days.values()):
            continue
        sources = sorted({r.source for r in entered.get(y, [])}) or ([PACKAGE] if y in package_calendar().years else [])
        replaced.append({"year": y, "source": "；".join(sources), **days})
    return {"years": replaced} if replaced else None


def enter(session: Session, *, actor: User, entries: list[Entry], source: str, seen: str | None = None) -> list[int]:
    """Enter the days of a notice; the years it covers replace what was entered for them (the trail keeps what they
    held: before). ``seen`` (``seen_of`` when the page was shown; None: not checked) refuses an entry for a year
    someone else entered since (409). The years entered."""
    require_role(actor, Role.ADMIN, doing="录入节假日安排")
    source = source.strip()
    if not source:
        raise InputError([("source", "请填写通知的文号或标题（不超过 200 个字），如 国办发明电〔2026〕7号")])
    if len(source) > SOURCE_MOST:
        raise InputError([("source", f"不能超过 {SOURCE_MOST} 个字（现为 {len(source)} 个字），请删减后再录入")])
    if any(ord(c) < 32 for c in source):  # a NUL said as such; a line break too, in a box of one line
        raise InputError([("source", control_reason(source) or "不能含控制字符（如换行）")])
    one_at_a_time(session, "calendar")  # two entries at once: the later waits, then sees the earlier's years
    years = {e.day.year for e in entries}
    if seen is not None:
        _as_seen(session, years, seen)
    whole = {y for y in years if not _missing([e for e in entries if e.day.year == y])} | {main_year(entries)}
    before = calendar_of(session)
    covered = before.years | whole
    gap = next((y for y in range(min(covered), max(covered)) if y not in covered), None)
    if gap is not None:
        raise InputError([("年份", f"日历尚未录入 {gap} 年：请先录入 {gap} 年的安排，年份之间不能留空")])
    changed = _past_changes(before, entries, whole, clock.today())
    if changed:
        raise InputError(changed[:50])
    replaced = _replaced(session, before, entries, whole)
    rows = [CalendarDay(day=e.day, kind=e.kind, name=e.name, source=source, entered_by=actor.username)
            for e in entries]
    # a year the notice covers whole is replaced whole; its days in a neighbouring year are added to it, day by day
    repository.replace_years(session, whole, [r for r in rows if r.day.year in whole],
                             days=[r for r in rows if r.day.year not in whole])
    from huiqi.ratings.service import recount  # ratings count their deadlines with this calendar

    recounted = recount(session, before.last_day)
    audit.record(session, actor=actor.username, action="calendar.enter", entity="calendar",
                 entity_id=",".join(str(y) for y in sorted(years)), before=replaced,
                 after={"source": source, "holidays": sum(e.kind == "holiday" for e in entries),
                        "workdays": sum(e.kind == "workday" for e in entries), "recounted_ratings": recounted,
                        "holiday_days": sorted(e.day for e in entries if e.kind == "holiday"),
                        "workday_days": sorted(e.day for e in entries if e.kind == "workday")})
    return sorted(years)


def _kind(calendar: Calendar, day: date) -> str | None:
    return "holiday" if day in calendar.holidays else "workday" if day in calendar.workdays else None


def _past_changes(calendar: Calendar, entries: list[Entry], whole: set[int], today: date) -> list[tuple[str, str]]:
    """The days before today whose kind the entry would change: 公示 and deadlines already counted on them (running
    or finished) would no longer add up. A whole year replaces all its days; other entries only their own."""
    given = {e.day: e for e in entries}
    days = {e.day for e in entries if e.day < today}
    for y in whole & calendar.years:  # a year replaced whole: a past day it leaves out becomes an ordinary day
        days |= {d for d in calendar.holidays | calendar.workdays if d.year == y and d < today}
    problems = []
    for day in sorted(days):
        before, entry = _kind(calendar, day), given.get(day)
        after = entry.kind if entry else None
        if before == after or day.year not in calendar.years:
            continue
        where = f"第 {entry.line} 行" if entry and entry.line else "日期清单"
        was = KIND_LABELS.get(before or "", "正常安排")
        problems.append((where, f"{day} 已经过去（今天是 {today}），日历中为{was}，录入后将改为"
                                f"{KIND_LABELS.get(after or '', '正常安排')}：已过去的日子不能更改，"
                                "按它们计算的公示期和截止日期已经生效；请保留这一天原来的安排"))
    return problems


def year(session: Session, number: int) -> tuple[list[Entry], str | None]:
    """The named days of a year (holidays and make-up working days), each with where it comes from, and where the
    year's days come from; empty when the year is not covered."""
    entered = repository.entered(session)
    rows = [r for r in entered if r.day.year == number]
    if rows and number in _whole_years(entered):
        return [Entry(r.day, r.kind, r.name, source=r.source) for r in rows], rows[0].source
    base = package_calendar()
    if number not in base.years:
        return [], None
    from chinese_calendar.constants import holidays, workdays

    # a neighbouring notice's days, over the package's
    added = {r.day: Entry(r.day, r.kind, r.name, source=r.source) for r in rows}
    days = [Entry(d, "holiday", NAMES.get(n, n), source=PACKAGE) for d, n in holidays.items()
            if d.year == number and d not in added]
    days += [Entry(d, "workday", NAMES.get(n, n), source=PACKAGE) for d, n in workdays.items()
             if d.year == number and d not in added]
    source = PACKAGE + ("及录入的跨年放假日" if added else "")
    return sorted([*days, *added.values()], key=lambda e: e.day), source
