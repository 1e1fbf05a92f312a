"""Applications in their round: a draft only while the round is open, for a measure it takes applications for;
a submission within its dates (a returned one within its correction days, counted on the holiday calendar) and
with every material the round requires."""

from datetime import date, timedelta

from sqlalchemy.orm import Session

from huiqi.announcements.calendar import is_working_day
from huiqi.applications import repository as application_rows
from huiqi.audit.sentences import chinese_date
from huiqi.errors import Conflict, InputError, NotFound
from huiqi.holidays.service import calendar_of, deadline, provisional_note
from huiqi.models import Application, Round, RoundMeasure
from huiqi.rounds import repository
from huiqi.rounds.service import is_open


def for_draft(session: Session, round_id: int, number: int, day: date) -> tuple[Round, RoundMeasure]:
    """The round and its measure for a new draft: the round must be open and the measure in it."""
    found = repository.get(session, round_id)
    if found is None:
        raise InputError([("round", f"没有申报批次 {round_id}")])
    opened = repository.measure(session, round_id, number)
    if opened is None:
        raise InputError([("measure", f"申报批次「{found.title}」没有开放措施{number}")])
    if opened.mode == "direct":
        raise InputError([("measure", f"措施{number}在申报批次「{found.title}」中免申即享：无需申报，"
                                      "责任单位按公布的认定名单直接推送，请在“本单位”的政策直达中查看")])
    if not is_open(found, day):
        raise Conflict(f"申报批次「{found.title}」的申报时间为 {found.opens_on} 至 {found.closes_on}，"
                       f"今天（{day}）不能新建申报")
    return found, opened



def check_submission(session: Session, app: Application, day: date) -> None:
    """Refuse a submission outside its round's time (a returned one: within the correction days of its return),
    or without every required material of the round."""
    if (why := out_of_time(session, app, day) or materials_wanting(session, app)) is not None:
        raise Conflict(why)


def out_of_time(session: Session, app: Application, day: date) -> str | None:
    """Why ``app`` cannot be submitted on ``day`` for its round's time (a returned one: its correction days), or
    None; whom to ask the page says once: the round's contact, or the unit."""
    found = _round_of(session, app)
    if found is None:
        return None  # an application from before rounds: judged as it was
    returned = repository.last_returned(session, app.id) if app.state == "returned" else None
    if returned is not None:
        return _late(session, found, returned, day)
    if not is_open(found, day):
        return (f"申报批次「{found.title}」自 {found.opens_on} 起受理" if day < found.opens_on
                else f"申报批次「{found.title}」已于 {found.closes_on} 截止，不能再提交")
    return None


def materials_wanting(session: Session, app: Application) -> str | None:
    """The round's required materials ``app`` has none attached as, said as a submission refuses it, or None."""
    missing = missing_materials(session, app)
    if not missing:
        return None
    found = _round_of(session, app)
    return f"提交前须上传：{'、'.join(missing)}（申报批次「{found.title if found else ''}」要求的材料）"


def missing_materials(session: Session, app: Application) -> list[str]:
    """The names of the round's required materials ``app`` has none attached as."""
    found = _round_of(session, app)
    opened = repository.measure(session, found.id, app.measure) if found is not None else None
    attached = {m.kind for m in application_rows.materials(session, app.id)}
    return [m["name"] for m in (opened.materials if opened else []) if m["required"] and m["name"] not in attached]


def _round_of(session: Session, app: Application) -> Round | None:
    """The application's round (None for one from before rounds)."""
    if app.round_id is None:
        return None
    found = repository.get(session, app.round_id)
    if found is None:  # kept for the type checker: the foreign key holds it
        raise NotFound(f"没有申报批次 {app.round_id}")
    return found


def correction_overdue(session: Session, app: Application, day: date) -> str | None:
    """Why a returned application can no longer be resubmitted on ``day`` (its correction days, and its round, have
    passed), or None: no change of amount or material could mend that."""
    found = _returned_in(session, app)
    return _late(session, *found, day) if found is not None else None


def correction_due(session: Session, app: Application) -> tuple[str, str] | None:
    """By when a returned application is to be resubmitted, as people write the day, and how it is counted
    (2026年12月18日, 退回之日起 10 个工作日): the round's closing day when later, which the submission accepts too;
    None when it is not returned (or comes from before rounds)."""
    if (back := _returned_in(session, app)) is None:
        return None
    found, returned = back
    until = _until(session, found, returned)
    note = provisional_note(session, until)
    counted = f"退回之日起 {found.correction_days} 个工作日" + (f"，{note}" if note else "")
    if found.closes_on > until:
        return chinese_date(found.closes_on), f"本批次截止日；{counted}至 {chinese_date(until)}"
    return chinese_date(until), counted


def _returned_in(session: Session, app: Application) -> tuple[Round, date] | None:
    """A returned application's round and the day it was last returned (None if not returned or from before rounds)."""
    found = repository.get(session, app.round_id) if app.round_id is not None and app.state == "returned" else None
    returned = repository.last_returned(session, app.id) if found is not None else None
    return (found, returned) if found is not None and returned is not None else None


def _until(session: Session, found: Round, returned: date, *, tell: bool = False) -> date:
    """The last of the round's correction days after a return on ``returned``: past the holiday calendar's end
    Monday to Friday count (a return is never refused for a year not yet entered)."""
    return deadline(session, _after(returned, session), found.correction_days, tell=tell)


def correction_counted(session: Session, app: Application, returned: date) -> None:
    """An application returned on ``returned``: when its correction days run past the holiday calendar, the
    admins are told to enter the year (the days count Monday to Friday until then)."""
    found = repository.get(session, app.round_id) if app.round_id is not None else None
    if found is not None:
        _until(session, found, returned, tell=True)


# Past the holiday calendar's end the correction days count Monday to Friday: holidays not yet entered can only
# move the deadline later, by at most the longest stretch off (春节 or 国庆: eight days off with the weekends next to
# them, ten calendar days at most). Within that margin nobody is late by a guess; past it, surely late.
UNKNOWN_HOLIDAYS = timedelta(days=10)


def _late(session: Session, found: Round, returned: date, day: date) -> str | None:
    until = _until(session, found, returned)
    guessed = provisional_note(session, until) is not None
    if day > max(until + UNKNOWN_HOLIDAYS if guessed else until, found.closes_on):
        return (f"退回补正的申报须在退回后 {found.correction_days} 个工作日内（截至 {chinese_date(until)}，含当日"
                f"{f'；节假日尚未录入，已另宽限 {UNKNOWN_HOLIDAYS.days} 天' if guessed else ''}）重新提交，已逾期")
    return None


def _after(returned: date, session: Session) -> date:
    """The first working day after the return: the correction days count from it (past the calendar's end, the
    first of Monday to Friday)."""
    calendar = calendar_of(session).provisional()
    day = returned
    while True:
        day = date.fromordinal(day.toordinal() + 1)
        if is_working_day(day, calendar):
            return day

