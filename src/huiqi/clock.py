"""The day the system works on: Beijing's calendar day, unless a demo, training or test environment sets it.

Decisions are dated by the day they are recorded (submission, review, 公示, approval, payment) and the
公示 must run its working days before approval; ``HUIQI_TODAY`` lets a demo or a test move through that
time, and ``pinned`` lets the demo seed (and tests) record a history day by day. Production refuses
both (config.Settings.refuse_dev_secrets). Moments (``recorded at``) stay real: only the business day moves,
except inside ``stamped`` (the demo seed alone), where what is recorded is stamped on the story's days.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time

from huiqi.config import get_settings
from huiqi.errors import ConfigError
from huiqi.validation import BEIJING

_pinned: ContextVar[date | None] = ContextVar("huiqi_pinned_day", default=None)
_stamped: ContextVar[datetime | None] = ContextVar("huiqi_stamped_since", default=None)
OPENING = time(9)  # a stamped day's records start at 09:00, Beijing time


def today() -> date:
    """Today for the record, in Beijing (a server keeping UTC would otherwise date the small hours of a
    Liaoning morning as yesterday): the pinned day, or ``HUIQI_TODAY`` where set (never in production),
    else the calendar's."""
    return _pinned.get() or get_settings().today or datetime.now(BEIJING).date()


@contextmanager
def pinned(day: date) -> Iterator[date]:
    """Record what happens inside the block as of ``day`` (the demo's history, tests); never in production."""
    if get_settings().environment == "production":
        raise ConfigError("生产环境不能设定系统日期")
    token = _pinned.set(day)
    try:
        yield day
    finally:
        _pinned.reset(token)


def now() -> datetime:
    """Now in UTC, without tzinfo (as the database keeps moments): the machine's moment. Inside ``stamped``, the
    business day (pinned, or ``HUIQI_TODAY``) at 09:00 Beijing plus the time since the block began, so a story
    recorded day by day reads on its days, each day's records in the order they were made."""
    real = datetime.now(UTC).replace(tzinfo=None)
    since = _stamped.get()
    if since is None:
        return real
    opening = datetime.combine(today(), OPENING, BEIJING).astimezone(UTC).replace(tzinfo=None)
    return opening + (real - since)


@contextmanager
def stamped() -> Iterator[None]:
    """Stamp what is recorded inside the block with the business day rather than the machine's moment: the demo
    seed records a 2025 story, whose submissions, messages and policy versions must not read as made after
    "today". Never in production; real use records real moments."""
    if get_settings().environment == "production":
        raise ConfigError("生产环境不能设定系统时间")
    token = _stamped.set(datetime.now(UTC).replace(tzinfo=None))
    try:
        yield
    finally:
        _stamped.reset(token)
