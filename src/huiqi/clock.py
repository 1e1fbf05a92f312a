"""The day the system works on: Beijing's calendar day, unless a demo, training or test environment sets it.

Decisions are dated (submission, review, 公示, approval, payment) and the 公示 must run its working
days before approval; ``HUIQI_TODAY`` lets a demo or a test move through that time. Production refuses
the setting (config.Settings.refuse_dev_secrets). Moments (``recorded at``) stay real: only the
business day moves.
"""

from datetime import date, datetime

from huiqi.config import get_settings
from huiqi.validation import BEIJING


def today() -> date:
    """Today for the record, in Beijing (a server keeping UTC would otherwise date the small hours of a
    Liaoning morning as yesterday): ``HUIQI_TODAY`` where set (never in production), else the calendar's."""
    return get_settings().today or datetime.now(BEIJING).date()
