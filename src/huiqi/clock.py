"""The day the system works on: Beijing's calendar day, unless a demo, training or test environment sets it.

Decisions are dated by the day they are recorded (submission, review, 公示, approval, payment) and the
公示 must run its working days before approval; ``HUIQI_TODAY`` lets a demo or a test move through that
time, and ``pinned`` lets the demo seed (and tests) record a history day by day. Production refuses
both (config.Settings.refuse_dev_secrets). Moments (``recorded at``) stay real: only the business day moves.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from huiqi.config import get_settings
from huiqi.errors import ConfigError
from huiqi.validation import BEIJING

_pinned: ContextVar[date | None] = ContextVar("huiqi_pinned_day", default=None)


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
