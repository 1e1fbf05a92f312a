"""The database keeps the audit trail append-only (migration 0004): UPDATE and DELETE of an event are refused,
and the chain's head only moves forward with an append — on SQLite and on PostgreSQL."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from huiqi.audit import service as audit
from huiqi.funding import service as budgets


def _refused(session, sql: str, **params) -> str:
    with pytest.raises(DBAPIError) as caught, session.begin_nested():
        session.execute(text(sql), params)
    return str(caught.value)


def _budget(session, people, amount: int = 1_000_000) -> None:
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=amount)


@pytest.mark.parametrize("sql", [
    "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2",
    "UPDATE audit_events SET after = NULL",
    "DELETE FROM audit_events WHERE seq = 3",
    "DELETE FROM audit_events",
])
def test_events_cannot_be_changed_or_removed(session, people, sql) -> None:
    before = session.execute(text("SELECT count(*), max(seq) FROM audit_events")).one()
    assert "append-only" in _refused(session, sql)
    assert session.execute(text("SELECT count(*), max(seq) FROM audit_events")).one() == before
    assert audit.verify(session).intact


@pytest.mark.parametrize("sql", [
    "UPDATE audit_head SET seq = seq - 1",
    "UPDATE audit_head SET hash = '0000000000000000000000000000000000000000000000000000000000000000'",
    "UPDATE audit_head SET seq = seq + 1",  # forward, but to no event
    "DELETE FROM audit_head",
])
def test_the_head_moves_only_with_an_append(session, people, sql) -> None:
    assert "audit_head" in _refused(session, sql)
    _budget(session, people)  # appends still move it
    assert audit.verify(session).intact


def test_truncate_is_refused_on_postgresql(session, people) -> None:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (DELETE without WHERE is refused above)")
    assert "append-only" in _refused(session, "TRUNCATE audit_events CASCADE")
    assert "append-only" in _refused(session, "TRUNCATE audit_head")


def test_appends_go_on_as_before(session, people) -> None:
    first = audit.anchor(session)
    for amount in (1_000_000, 2_000_000):
        _budget(session, people, amount)
    assert audit.verify(session, [first]).intact
    assert int(audit.anchor(session).split(":")[0]) == int(first.split(":")[0]) + 2
