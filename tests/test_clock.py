"""The clock's moments: the machine's, except inside ``clock.stamped`` (the demo seed), where they fall on the
business day, in the order they are taken; never stamped in production."""

from datetime import UTC, date, datetime, timedelta

import pytest

from huiqi import clock
from huiqi.config import get_settings
from huiqi.db import utcnow
from huiqi.errors import ConfigError
from huiqi.validation import BEIJING


def test_a_moment_is_the_machine_s_outside_a_stamped_block() -> None:
    with clock.pinned(date(2025, 9, 1)):
        moment = utcnow()  # a pinned day alone moves the business day, not the moments (real use, tests)
    assert abs(moment - datetime.now(UTC).replace(tzinfo=None)) < timedelta(seconds=5)


def test_a_stamped_moment_falls_on_the_business_day_in_order() -> None:
    with clock.stamped():
        with clock.pinned(date(2025, 9, 1)):
            first, second = utcnow(), utcnow()
        with clock.pinned(date(2025, 10, 15)):
            later = clock.now()
    assert first.replace(tzinfo=UTC).astimezone(BEIJING).date() == date(2025, 9, 1)
    assert first.replace(tzinfo=UTC).astimezone(BEIJING).hour == 9 and first <= second
    assert later.replace(tzinfo=UTC).astimezone(BEIJING).date() == date(2025, 10, 15)
    assert abs(utcnow() - datetime.now(UTC).replace(tzinfo=None)) < timedelta(seconds=5), "the block is left"


def test_stamping_is_refused_in_production(monkeypatch) -> None:
    monkeypatch.setenv("HUIQI_ENVIRONMENT", "production")
    monkeypatch.setenv("HUIQI_DEMO_PASSWORD", "a real secret")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="生产环境"), clock.stamped():
            pass
    finally:
        get_settings.cache_clear()
