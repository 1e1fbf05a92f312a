"""The database keeps the audit trail append-only (migration 0004): UPDATE and DELETE of an event are refused,
and the chain's head only moves forward with an append — on SQLite and on PostgreSQL."""

import uuid

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from huiqi.audit import service as audit
from huiqi.funding import service as budgets
from tests.dbtest import POSTGRES_URL, migrate, postgres_available


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


def test_a_role_as_the_readme_grants_it_appends_but_cannot_rewrite_or_lift_the_guard() -> None:
    """README, "Deployment notes": migrations as the owner, the server as a role without UPDATE/DELETE on the
    trail. That role appends (the head's update included) and is refused the rest, the trigger's removal too."""
    postgres_available()
    tag = uuid.uuid4().hex[:10]
    owner, app, schema = f"huiqi_owner_{tag}", f"huiqi_app_{tag}", f"huiqi_roles_{tag}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE ROLE {owner} LOGIN; CREATE ROLE {app} LOGIN; "
                                f"CREATE SCHEMA {schema} AUTHORIZATION {owner}"))
    search = {"options": f"-csearch_path={schema}"}
    as_owner = create_engine(make_url(POSTGRES_URL).set(username=owner), connect_args=search)
    as_app = create_engine(make_url(POSTGRES_URL).set(username=app), connect_args=search)
    try:
        migrate(as_owner)
        with as_owner.begin() as connection:
            connection.execute(text(
                f"GRANT USAGE ON SCHEMA {schema} TO {app}; "
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app}; "
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {app}; "
                f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM {app}; "
                f"REVOKE DELETE, TRUNCATE ON audit_head FROM {app}"))
        with Session(as_app) as session, session.begin():
            audit.record(session, actor="system", action="user.create", entity="user", entity_id=1, after={"x": 1})
        with Session(as_app) as session:
            assert audit.verify(session).intact
            for sql, refusal in (("UPDATE audit_events SET actor = 'mallory'", "permission denied"),
                                 ("DELETE FROM audit_events", "permission denied"),
                                 ("ALTER TABLE audit_events DISABLE TRIGGER USER", "must be owner"),
                                 ("DROP TRIGGER audit_events_append_only ON audit_events", "must be owner")):
                assert refusal in _refused(session, sql)
    finally:
        as_owner.dispose()
        as_app.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE; DROP OWNED BY {app}; DROP ROLE {app}; "
                                    f"DROP ROLE {owner}"))
        admin.dispose()
