"""Steps are dated by the day they are recorded, in order (a 公示's period may start later); the demo clock."""

from datetime import date, datetime

import pytest

from huiqi import clock
from huiqi.config import Settings, get_settings
from huiqi.errors import ConfigError, Conflict
from huiqi.validation import BEIJING
from huiqi.workflow import repository as steps
from huiqi.workflow.runner import run
from tests.dbtest import apply, step


def test_a_step_cannot_be_dated_before_the_one_it_follows(session, people, tmp_path, set_today) -> None:
    set_today(date(2025, 9, 20))
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 10), store=tmp_path)
    with pytest.raises(Conflict, match="初审通过的日期 2025-09-09 早于上一步（转市级初审，2025-09-10）"):
        step(session, "pass_city", people.shenyang, app.id, on=date(2025, 9, 9))
    step(session, "pass_city", people.shenyang, app.id, on=date(2025, 9, 10))
    assert app.state == "department_review"


def test_a_step_is_dated_by_the_day_it_is_recorded(session, people, tmp_path, set_today) -> None:
    """No door takes a date for a step: the runner dates it with the system's day (so never in the future)."""
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 10), store=tmp_path)
    set_today(date(2025, 9, 20))
    run(session, "pass_city", actor=people.shenyang, application_id=app.id)
    assert steps.last_of(session, app.id).on == date(2025, 9, 20) and app.state == "department_review"
    with pytest.raises(TypeError):
        run(session, "propose", people.miit, app.id, amount=1)


def test_the_pinned_day_is_refused_in_production(monkeypatch) -> None:
    monkeypatch.setenv("HUIQI_ENVIRONMENT", "production")
    monkeypatch.setenv("HUIQI_DEMO_PASSWORD", "a real secret")
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigError, match="生产环境"), clock.pinned(date(2025, 9, 20)):
            pass
    finally:
        get_settings.cache_clear()


def test_the_clock_is_the_calendars_unless_set_and_never_set_in_production(set_today, monkeypatch) -> None:
    monkeypatch.delenv("HUIQI_TODAY", raising=False)
    get_settings.cache_clear()
    assert clock.today() == datetime.now(BEIJING).date()
    set_today(date(2025, 9, 20))
    assert clock.today() == date(2025, 9, 20)
    with pytest.raises(ConfigError, match="HUIQI_TODAY"):
        Settings(environment="production", demo_password="a real secret", today=date(2025, 9, 20)).refuse_dev_secrets()
