"""Steps are dated in order, never in the future (a 公示 may be set to start later); the demo clock."""

from datetime import date, datetime

import pytest

from huiqi import clock
from huiqi.config import Settings, get_settings
from huiqi.errors import ConfigError, Conflict
from huiqi.review import service as review
from huiqi.validation import BEIJING
from tests.dbtest import apply


def test_a_step_cannot_be_dated_before_the_one_it_follows(session, people, tmp_path, set_today) -> None:
    set_today(date(2025, 9, 20))
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 10), store=tmp_path)
    with pytest.raises(Conflict, match="初审通过的日期 2025-09-09 早于上一步（转市级初审，2025-09-10）"):
        review.pass_city(session, actor=people.shenyang, application_id=app.id, on=date(2025, 9, 9))
    review.pass_city(session, actor=people.shenyang, application_id=app.id, on=date(2025, 9, 10))
    assert app.state == "department_review"


def test_a_decision_cannot_be_dated_in_the_future(session, people, tmp_path, set_today) -> None:
    set_today(date(2025, 9, 20))
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 10), store=tmp_path)
    with pytest.raises(Conflict, match="晚于今天（2025-09-20）"):
        review.pass_city(session, actor=people.shenyang, application_id=app.id, on=date(2025, 9, 21))
    assert app.state == "city_review"


def test_the_clock_is_the_calendars_unless_set_and_never_set_in_production(set_today, monkeypatch) -> None:
    monkeypatch.delenv("HUIQI_TODAY", raising=False)
    get_settings.cache_clear()
    assert clock.today() == datetime.now(BEIJING).date()
    set_today(date(2025, 9, 20))
    assert clock.today() == date(2025, 9, 20)
    with pytest.raises(ConfigError, match="HUIQI_TODAY"):
        Settings(environment="production", demo_password="a real secret", today=date(2025, 9, 20)).refuse_dev_secrets()
