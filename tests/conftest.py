"""Shared fixtures: the shipped policies, and a helper to match a case given as a dict."""

from datetime import date
from typing import Any

import pytest

from huiqi import clock
from huiqi.rules.answer import Answer
from huiqi.rules.case import read_case
from huiqi.rules.loader import load_many
from huiqi.rules.match import match
from huiqi.rules.policy import Policy


@pytest.fixture(scope="session")
def policies() -> list[Policy]:
    return load_many()


@pytest.fixture
def set_today(monkeypatch):
    """``set_today(day)``: the system's business day (``HUIQI_TODAY``) for the rest of the test."""
    from huiqi.config import get_settings

    def set_to(day: date) -> None:
        monkeypatch.setenv("HUIQI_TODAY", day.isoformat())
        get_settings.cache_clear()

    yield set_to
    monkeypatch.delenv("HUIQI_TODAY", raising=False)
    get_settings.cache_clear()


def answer_for(data: dict[str, Any], policies: list[Policy], as_of: date | None = None) -> Answer:
    """Validate and match a case given as a plain dict."""
    case = read_case(data)
    return match(case, policies, as_of or case.as_of or clock.today())


from tests.dbtest import _cheap_argon2, database, own_database, people, pg, session  # noqa: E402, F401  (the record's fixtures)
from tests.webtest import anyio_backend, app, browser, client  # noqa: E402, F401  (the doors' fixtures)
