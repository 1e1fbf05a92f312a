"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError

from huiqi.models import Base


@contextmanager
def migrated(kind: str, tmp_path: Path, revision: str) -> Iterator[tuple[Connection, Config]]:
    """A fresh database of ``kind`` (a file, or a schema of its own on PostgreSQL) upgraded to ``revision``, with the
    Alembic configuration that moves it further; dropped afterwards."""
    from alembic import command

    from huiqi.db import alembic_config, make_engine
    from tests.dbtest import drop_schema, postgres_schema

    engine, schema = (make_engine(f"sqlite:///{tmp_path / 'old.db'}"), None) if kind == "sqlite" \
        else postgres_schema()
    try:
        with engine.connect() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            yield connection, config
    finally:
        if schema is None:
            engine.dispose()
        else:
            drop_schema(engine, schema)


USER = ("INSERT INTO users (id, username, display_name, password_hash, role, active, created_at) "
        "VALUES ({id}, '{username}', '某用户', 'x', '{role}', true, '2025-01-01')")


# An index on an expression (lower(username)) is not compared by autogenerate on SQLite, which says so; it is checked
# below by name, and its effect by tests/users (one login name whatever its capitals).
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index uq_users_username_lower")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index "
                            "'uq_users_username_lower'")
def test_models_and_migrations_agree(session) -> None:
    connection = session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, Base.metadata) == []
    indexes = ("SELECT name FROM sqlite_master WHERE type = 'index'" if connection.dialect.name == "sqlite"
               else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
    assert "uq_users_username_lower" in set(connection.execute(text(indexes)).scalars())
    names = inspect(connection).get_table_names()
    assert {"applications", "audit_events", "budgets", "grants", "alembic_version"} <= set(names)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_with_records_upgrades_from_the_first_release(kind, tmp_path) -> None:
    """Upgrading a database that holds users and their sign-ins (rows other tables point at) keeps them: no
    migration may copy and drop a referenced table, which SQLite refuses with foreign keys on."""
    from alembic import command

    with migrated(kind, tmp_path, "0003") as (connection, config):
        connection.execute(text(USER.format(id=1, username="old", role="finance")))
        connection.execute(text("INSERT INTO web_sessions (token_hash, user_id, csrf_token, expires_at, created_at)"
                                " VALUES ('h', 1, 'c', '2025-01-02', '2025-01-01')"))
        command.upgrade(config, "head")
        connection.commit()
        assert connection.execute(text("SELECT username FROM users")).scalars().all() == ["old"]
        assert connection.execute(text("SELECT count(*) FROM web_sessions")).scalar() == 1
        # 0015 widened the role check in place: a policy analyst is admitted, an unknown role still refused.
        connection.execute(text(USER.format(id=2, username="ana", role="analyst")))
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(text(USER.format(id=3, username="king", role="king")))
        command.downgrade(config, "0014")
        assert connection.execute(text("SELECT username FROM users")).scalars().all() == ["old"]
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(text(USER.format(id=2, username="ana", role="analyst")))
        command.upgrade(config, "head")
        connection.execute(text(USER.format(id=2, username="ana", role="analyst")))
        connection.commit()


ROUND = ("INSERT INTO rounds (id, policy_id, title, opens_on, closes_on, correction_days, announcement_days, guide, "
         "contact, opened_by, {unit}created_at) "
         "VALUES ({id}, 'ln-2022-35', '批次{id}', '2026-01-01', '2026-03-31', 10, 5, '', '', '{by}', "
         "{unit_id}'2025-12-01')")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_rounds_take_their_openers_unit_when_it_is_stored(kind, tmp_path) -> None:
    """0019 stores the unit that manages a round: existing rounds take their opener's unit as it is then (none for
    an admin's, or an opener no longer found), in place, the rounds' measures still pointing at them."""
    from alembic import command

    with migrated(kind, tmp_path, "0018") as (connection, config):
        connection.execute(text("INSERT INTO departments (id, name, since, created_at) "
                                "VALUES (7, '省工业和信息化厅', '2022-01-01', '2025-01-01')"))
        connection.execute(text(USER.format(id=1, username="admin", role="admin")))
        connection.execute(text("INSERT INTO users (id, username, display_name, password_hash, role, "
                                "department_id, active, created_at) "
                                "VALUES (2, 'miit', '某用户', 'x', 'department', 7, true, '2025-01-01')"))
        for number, by in ((1, "miit"), (2, "admin"), (3, "gone")):
            connection.execute(text(ROUND.format(id=number, by=by, unit="", unit_id="")))
            connection.execute(text("INSERT INTO round_measures (round_id, measure, expert_score, materials, mode) "
                                    f"VALUES ({number}, 3, false, '[]', 'apply')"))
        command.upgrade(config, "head")
        units = "SELECT id, department_id FROM rounds ORDER BY id"
        assert connection.execute(text(units)).all() == [(1, 7), (2, None), (3, None)]
        with pytest.raises(IntegrityError), connection.begin_nested():  # the reference is a foreign key
            connection.execute(text(ROUND.format(id=4, by="miit", unit="department_id, ", unit_id="99, ")))
        command.downgrade(config, "0018")
        assert "department_id" not in {c["name"] for c in inspect(connection).get_columns("rounds")}
        assert connection.execute(text("SELECT count(*) FROM round_measures")).scalar() == 3
        command.upgrade(config, "head")
        assert connection.execute(text(units)).all() == [(1, 7), (2, None), (3, None)]
        connection.commit()


PAID = ("INSERT INTO disbursements (application_id, amount, paid_on, reference, recorded_by, created_at) "
        "VALUES ({application}, 700000, '2025-10-20', 'GK-1', 'finance', '2025-10-20')")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_one_voucher_one_payment_is_held_by_an_index(kind, tmp_path) -> None:
    """0020 makes a voucher number unique; a database already holding one voucher for two payments is not upgraded,
    and says which voucher; once finance has put it right, it is."""
    from alembic import command

    with migrated(kind, tmp_path, "0019") as (connection, config):

        def unchecked() -> None:  # the payments alone: their applications do not matter here
            if kind == "sqlite":  # outside any transaction, where SQLite reads this pragma
                connection.commit()
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
            else:
                connection.execute(text("SET session_replication_role = replica"))

        unchecked()
        connection.execute(text(PAID.format(application=1)))
        connection.execute(text(PAID.format(application=2)))
        with pytest.raises(RuntimeError, match="GK-1（2 笔）"):
            command.upgrade(config, "0020")
        connection.rollback()
        unchecked()
        connection.execute(text(PAID.format(application=1)))
        command.upgrade(config, "head")
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(text(PAID.format(application=2)))


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_one_login_name_in_any_capitals_is_held_by_an_index(kind, tmp_path, caplog) -> None:
    """0021 makes login names unique whatever their capitals. A database already holding "admin" and "ADMIN" keeps
    both (their history names them; nothing can rename them) and is upgraded without the index, saying which
    names; the service still refuses a new name in other capitals (tests/users)."""
    from alembic import command

    with migrated(kind, tmp_path, "0020") as (connection, config):
        connection.execute(text(USER.format(id=1, username="admin", role="admin")))
        connection.execute(text(USER.format(id=2, username="ADMIN", role="admin")))
        command.upgrade(config, "head")
        assert "ADMIN、admin" in caplog.text
        connection.execute(text(USER.format(id=3, username="Admin", role="finance")))  # no index here
        command.downgrade(config, "0020")  # and none to drop
    (tmp_path / "clean").mkdir()
    with migrated(kind, tmp_path / "clean", "0020") as (connection, config):
        connection.execute(text(USER.format(id=1, username="admin", role="admin")))
        command.upgrade(config, "head")
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(text(USER.format(id=3, username="Admin", role="finance")))
        command.downgrade(config, "0020")
        command.upgrade(config, "head")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_rounds_closed_before_they_opened_are_marked_cancelled(kind, tmp_path) -> None:
    """0022: a round closed before its opening day (in Beijing) is cancelled; one closed on or after it is not."""
    from alembic import command

    with migrated(kind, tmp_path, "0021") as (connection, config):
        for number, closed in ((1, "'2025-12-31 15:59:00'"), (2, "'2025-12-31 16:00:00'"), (3, "NULL")):
            connection.execute(text(ROUND.format(id=number, by="admin", unit="", unit_id="")))  # opens 2026-01-01
            connection.execute(text(f"UPDATE rounds SET closed_at = {closed} WHERE id = {number}"))
        command.upgrade(config, "0022")
        marked = connection.execute(text("SELECT id, cancelled FROM rounds ORDER BY id")).all()
        assert [(i, bool(c)) for i, c in marked] == [(1, True), (2, False), (3, False)]


DEADLINE = ("INSERT INTO audit_events (seq, at, actor, action, entity, entity_id, after, prev_hash, hash) "
            "VALUES ({seq}, '2025-12-01', 'admin', '{action}', 'round', '{round}', "
            "'{{\"closes_on\": \"{closes}\"}}', 'p{seq}', 'h{seq}')")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_cancelled_rounds_get_back_their_deadline_and_the_day_they_were_cancelled(kind, tmp_path) -> None:
    """0035: a cancellation used to set the deadline to the opening day. A cancelled round gets back the deadline
    its trail last set (its opening, or an extension) and the day it was cancelled (in Beijing); one with no such
    record keeps its deadline; a round closed early is left as it is."""
    from alembic import command

    with migrated(kind, tmp_path, "0034") as (connection, config):
        for number in (1, 2, 3):
            connection.execute(text(ROUND.format(id=number, by="admin", unit="", unit_id="")))  # opens 2026-01-01
        connection.execute(text("UPDATE rounds SET closes_on = opens_on, cancelled = :yes, "
                                "closed_at = '2025-12-09 16:30:00' WHERE id IN (1, 2)"), {"yes": True})
        connection.execute(text("UPDATE rounds SET closed_at = '2026-02-01 01:00:00', closes_on = '2026-02-01' "
                                "WHERE id = 3"))
        for seq, action, closes in ((1, "round.open", "2026-03-31"), (2, "round.extend", "2026-04-30")):
            connection.execute(text(DEADLINE.format(seq=seq, action=action, round=1, closes=closes)))
        connection.execute(text(DEADLINE.format(seq=3, action="round.open", round=3, closes="2026-03-31")))
        command.upgrade(config, "0035")
        rows = connection.execute(text("SELECT id, closes_on, cancelled_on FROM rounds ORDER BY id")).all()
        assert [(i, str(c)[:10], d and str(d)[:10]) for i, c, d in rows] == [
            (1, "2026-04-30", "2025-12-10"), (2, "2026-01-01", "2025-12-10"), (3, "2026-02-01", None)]
        command.downgrade(config, "0034")
        assert "cancelled_on" not in {c["name"] for c in inspect(connection).get_columns("rounds")}
        command.upgrade(config, "head")


BATCH = ("INSERT INTO announcements (id, title, starts_on, working_days, ends_on, created_by, created_at) "
         "VALUES ({id}, '拟支持项目公示', '2026-03-02', 5, '2026-03-06', 'miit', '2026-02-27')")
IN_BATCH = ("INSERT INTO applications (id, applicant_id, uscc, matter_id, policy_id, measure, amount_requested, "
            "state, announcement_id, created_by, updated_at, created_at) VALUES ({id}, 1, '91210100000000000X', "
            "{id}, 'ln-2022-35', 3, 1000000, 'announced', {batch}, 'ent', '2026-02-27', '2026-02-27')")
OPENING = ("INSERT INTO audit_events (seq, at, actor, action, entity, entity_id, after, prev_hash, hash) "
           "VALUES ({seq}, '2026-02-27', 'miit', 'announcement.open', 'announcement', '{batch}', "
           "'{{\"applications\": {apps}, \"working_days\": 5}}', 'p{seq}', 'h{seq}')")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_batches_take_the_number_they_were_opened_with_from_their_opening(kind, tmp_path) -> None:
    """0023 stores how many applications a 公示 batch was opened with: as its opening's record listed them (those
    sent back on an objection no longer point at it); a batch with no such record, the applications it holds."""
    from alembic import command

    with migrated(kind, tmp_path, "0022") as (connection, config):
        if kind == "sqlite":  # the applications alone: their applicants and matters do not matter here
            connection.commit()
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        else:
            connection.execute(text("SET session_replication_role = replica"))
        for batch in (1, 2, 3, 4):
            connection.execute(text(BATCH.format(id=batch)))
        for seq, batch, apps in ((1, 1, [11, 12, 13]), (2, 2, [21, 22])):
            connection.execute(text(OPENING.format(seq=seq, batch=batch, apps=apps)))
        for application, batch in ((11, 1), (31, 3), (32, 3)):
            connection.execute(text(IN_BATCH.format(id=application, batch=batch)))
        command.upgrade(config, "0023")
        opened = "SELECT id, opened_with FROM announcements ORDER BY id"
        assert connection.execute(text(opened)).all() == [(1, 3), (2, 2), (3, 2), (4, 0)]
        command.downgrade(config, "0022")
        assert "opened_with" not in {c["name"] for c in inspect(connection).get_columns("announcements")}
        command.upgrade(config, "head")
        assert connection.execute(text(opened)).all() == [(1, 3), (2, 2), (3, 2), (4, 0)]


OFFER = ("INSERT INTO offers (id, applicant_id, uscc, matter_id, round_id, policy_id, measure, ceiling, state, reason, "
         "created_at) VALUES ({id}, 1, '91210100000000000X', {id}, 1, 'ln-2022-35', 3, 1000000, '{state}', {reason}, "
         "'2025-07-01')")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_offer_may_be_declined_and_going_back_reads_it_withdrawn(kind, tmp_path) -> None:
    """0025 admits the state `declined` (放弃) in place, the partial index of open offers kept; going back, a declined
    offer reads 已撤回 with the reason 企业已放弃 (and the enterprise's own after it)."""
    from alembic import command

    with migrated(kind, tmp_path, "0024") as (connection, config):
        if kind == "sqlite":  # the offers alone: their applicants, matters and rounds do not matter here
            connection.commit()
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        else:
            connection.execute(text("SET session_replication_role = replica"))
        connection.execute(text(OFFER.format(id=1, state="open", reason="NULL")))
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(text(OFFER.format(id=2, state="declined", reason="NULL")))
        command.upgrade(config, "0025")
        connection.execute(text(OFFER.format(id=2, state="declined", reason="'暂不需要'")))
        connection.execute(text(OFFER.format(id=3, state="declined", reason="NULL")))
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(text(OFFER.format(id=4, state="gone", reason="NULL")))
        with pytest.raises(IntegrityError), connection.begin_nested():  # one open offer per matter and measure
            connection.execute(text(OFFER.format(id=1, state="open", reason="NULL").replace("(1, 1,", "(5, 1,")))
        command.downgrade(config, "0024")
        rows = connection.execute(text("SELECT id, state, reason FROM offers ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "open", None), (2, "withdrawn", "企业已放弃：暂不需要"),
                                            (3, "withdrawn", "企业已放弃")]
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.execute(text(OFFER.format(id=6, state="declined", reason="NULL")))


WHITELIST = ("INSERT INTO whitelist_versions (id, number, state, as_of, proposed_by, published_on, published_by, "
             "created_at) VALUES ({id}, {id}, '{state}', '{as_of}', 'admin', {published_on}, {published_by}, "
             "'2025-06-01')")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_whitelist_versions_take_their_basis_and_published_ones_keep_their_number(kind, tmp_path) -> None:
    """0027 records on each version the basis the catalogue in force gives for its compile day (the shipped policy's
    measure 19 here), and gives each published version its number as its public edition (a bank may cite it: the
    gap left by the discarded draft 2 stays); a draft takes none. Going back and up again gives the same."""
    from alembic import command

    with migrated(kind, tmp_path, "0026") as (connection, config):
        for vid, state, as_of, day, by in ((1, "published", "2025-06-01", "'2025-06-05'", "'admin2'"),
                                           (2, "discarded", "2025-07-01", "NULL", "NULL"),
                                           (3, "published", "2026-12-05", "'2026-12-05'", "'admin2'"),
                                           (4, "proposed", "2026-12-06", "NULL", "NULL")):
            connection.execute(text(WHITELIST.format(id=vid, state=state, as_of=as_of, published_on=day,
                                                     published_by=by)))
        query = ("SELECT number, edition, basis_policy, basis_number, basis_measure, basis_list, basis_ends "
                 "FROM whitelist_versions ORDER BY number")
        for _ in range(2):
            command.upgrade(config, "head")
            rows = [tuple(str(v) if v is not None and k == 6 else v for k, v in enumerate(row))
                    for row in connection.execute(text(query))]
            basis = ("ln-2022-35", "辽政办〔2022〕35号", 19, "数字经济核心产业企业“白名单”", "2025-12-31")
            assert rows == [(1, 1, *basis), (2, None, *basis), (3, 3, *basis), (4, None, *basis)]
            with pytest.raises(IntegrityError), connection.begin_nested():  # one version per public edition
                connection.execute(text("UPDATE whitelist_versions SET edition = 1 WHERE number = 3"))
            if _ == 0:  # version 3 was compiled after measure 19 expired (before that was refused): it says so
                from sqlalchemy.orm import Session

                from huiqi.models import WhitelistVersion
                from huiqi.whitelist import basis as whitelist_basis

                with Session(connection) as session:
                    late = session.get(WhitelistVersion, 3)
                    assert whitelist_basis.said(session, late, date(2026, 12, 7)) == (
                        "依据辽政办〔2022〕35号措施19编制；该措施已于2025年12月31日到期（本版拟定于该措施到期之后）")
            command.downgrade(config, "0026")
            assert "edition" not in {c["name"] for c in inspect(connection).get_columns("whitelist_versions")}
        connection.commit()


SUBMITTED = ("INSERT INTO applications (id, applicant_id, uscc, matter_id, policy_id, measure, amount_requested, "
             "state, submitted_on, year, created_by, updated_at, created_at) VALUES ({id}, 1, '91210100000000000X', "
             "{id}, 'ln-2022-35', 3, 1000000, 'department_review', '{on}', {year}, 'ent', '2026-12-05', '2025-09-01')")
STEP = ("INSERT INTO transitions (application_id, action, from_state, to_state, actor, \"on\", at) "
        "VALUES ({id}, '{action}', 'x', 'y', 'ent', '{on}', '{on}')")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_resubmitted_application_takes_its_first_submission_day_again(kind, tmp_path) -> None:
    """0028: an application resubmitted after a return (two submit steps) had its 提交日期 and 申报年度 overwritten by
    the resubmission; it takes its first submission's again. One submitted once keeps its own; going back, the last
    submission's day, as the code before wrote it."""
    from alembic import command

    with migrated(kind, tmp_path, "0027") as (connection, config):
        if kind == "sqlite":  # the applications alone: their applicants and matters do not matter here
            connection.commit()
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        else:
            connection.execute(text("SET session_replication_role = replica"))
        connection.execute(text(SUBMITTED.format(id=1, on="2026-12-05", year=2026)))  # resubmitted
        connection.execute(text(SUBMITTED.format(id=2, on="2025-09-02", year=2025)))  # submitted once
        for action, on in (("submit", "2025-09-01"), ("return", "2025-09-10"), ("submit", "2026-12-05")):
            connection.execute(text(STEP.format(id=1, action=action, on=on)))
        connection.execute(text(STEP.format(id=2, action="submit", on="2025-09-02")))
        days = "SELECT id, submitted_on, year FROM applications ORDER BY id"

        def read() -> list[tuple[int, str, int]]:
            return [(i, str(on), year) for i, on, year in connection.execute(text(days)).all()]

        command.upgrade(config, "0028")
        assert read() == [(1, "2025-09-01", 2025), (2, "2025-09-02", 2025)]
        command.downgrade(config, "0027")
        assert read() == [(1, "2026-12-05", 2026), (2, "2025-09-02", 2025)]
        command.upgrade(config, "head")
        assert read() == [(1, "2025-09-01", 2025), (2, "2025-09-02", 2025)]


VERSION = ("INSERT INTO policy_versions (id, policy_id, number, title, digest, text, file_name, state, drafted_by, "
           "published_by, published_at, created_at) VALUES ({id}, 'p{id}', '测试{id}号', '测试', '{digest}', 'x', "
           "'p.yaml', 'superseded', 'a', 'b', {at}, '2026-12-01')")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_versions_publication_takes_its_business_day(kind, tmp_path, set_today) -> None:
    """0030 dates each published version by the Beijing day of its moment, never after the business day of the upgrade
    (a demo's HUIQI_TODAY: the shipped version written at install is dated that day)."""
    from datetime import date

    from alembic import command

    set_today(date(2026, 12, 5))
    with migrated(kind, tmp_path, "0029") as (connection, config):
        for i, at in ((101, "'2026-12-02 17:30:00'"), (102, "'2026-12-07 03:00:00'"), (103, "NULL")):
            connection.execute(text(VERSION.format(id=i, digest=f"{i:064d}", at=at)))
        command.upgrade(config, "0030")
        rows = connection.execute(text("SELECT id, published_on FROM policy_versions WHERE id > 100 ORDER BY id"))
        found = [(i, str(day) if day is not None else None) for i, day in rows]  # SQLite reads a date as its text
        assert found == [(101, str(date(2026, 12, 3))), (102, str(date(2026, 12, 5))), (103, None)]
        command.downgrade(config, "0029")
        assert "published_on" not in {c["name"] for c in inspect(connection).get_columns("policy_versions")}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_objection_contacts_are_seeded_from_the_shipped_file(kind, tmp_path, monkeypatch) -> None:
    """0031 makes the objection contacts records, one row per row of the shipped file as a deployment filled it in (a
    blank cell an empty field); a cell longer than its column stops the upgrade, naming the department and field."""
    from alembic import command

    from huiqi.departments import contacts

    filled = [contacts.Contact("省工业和信息化厅", "024-23456789", "沈阳市和平区", ""),
              contacts.Contact("省科技厅", "", "", "")]
    with migrated(kind, tmp_path, "0030") as (connection, config):
        monkeypatch.setattr(contacts, "seed", lambda: [*filled[:1], contacts.Contact("省科技厅", "0" * 51, "", "")])
        with pytest.raises(RuntimeError, match="省科技厅的异议受理电话超过 50 个字"):
            command.upgrade(config, "0031")
        connection.rollback()
        monkeypatch.setattr(contacts, "seed", lambda: filled)
        command.upgrade(config, "0031")
        rows = connection.execute(text("SELECT department, phone, address, mail FROM objection_contacts ORDER BY id"))
        assert rows.all() == [("省工业和信息化厅", "024-23456789", "沈阳市和平区", None),
                              ("省科技厅", None, None, None)]
        command.downgrade(config, "0030")
        assert "objection_contacts" not in inspect(connection).get_table_names()


RATED = ("INSERT INTO ratings (id, application_id, uscc, policy_id, measure, level, rated_by, created_at) "
         "VALUES ({id}, {id}, '91210100000000000X', 'ln-2022-35', 3, 1, 'ent', '2025-10-20')")
REJECTED = ("INSERT INTO transitions (application_id, action, from_state, to_state, actor, \"on\", at) "
            "VALUES ({id}, 'reject', '{source}', 'rejected', 'x', '2025-10-14', '2025-10-14')")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_ratings_of_finance_s_rejections_are_given_to_finance(kind, tmp_path) -> None:
    """0032: a rating of an application rejected after its 公示 (finance's step) is finance's to rectify; one rejected
    at the department's review (or paid) stays the department's; going back, the column is gone."""
    from alembic import command

    with migrated(kind, tmp_path, "0031") as (connection, config):
        if kind == "sqlite":  # the ratings alone: their applications do not matter here
            connection.commit()
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        else:
            connection.execute(text("SET session_replication_role = replica"))
        for i, source in ((1, "announced"), (2, "department_review"), (3, None)):
            connection.execute(text(RATED.format(id=i)))
            if source:
                connection.execute(text(REJECTED.format(id=i, source=source)))
        command.upgrade(config, "0032")
        rows = connection.execute(text("SELECT id, finance FROM ratings ORDER BY id")).all()
        assert [(i, bool(f)) for i, f in rows] == [(1, True), (2, False), (3, False)]
        command.downgrade(config, "0031")
        assert "finance" not in {c["name"] for c in inspect(connection).get_columns("ratings")}


LISTING = ("INSERT INTO matter_listings (id, matter_id, list_id, was, created_at) "
           "VALUES ({id}, {id}, 1, 'created', '2025-07-01')")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_lists_rows_take_what_they_came_to(kind, tmp_path) -> None:
    """0033 adds to each row of a list its line, the offers it made and why it made none; rows imported before have
    none recorded (null), and going back drops the four columns, the rows kept."""
    from alembic import command

    with migrated(kind, tmp_path, "0032") as (connection, config):
        if kind == "sqlite":  # the rows alone: their matters and lists do not matter here
            connection.commit()
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        else:
            connection.execute(text("SET session_replication_role = replica"))
        connection.execute(text(LISTING.format(id=1)))
        command.upgrade(config, "0033")
        rows = "SELECT id, line, offers, outcome, why FROM matter_listings ORDER BY id"
        assert [tuple(r) for r in connection.execute(text(rows))] == [(1, None, None, None, None)]
        connection.execute(text("UPDATE matter_listings SET line = 2, offers = 0, outcome = 'unregistered', "
                                "why = '该单位尚未在平台注册' WHERE id = 1"))
        assert [tuple(r) for r in connection.execute(text(rows))] == [(1, 2, 0, "unregistered", "该单位尚未在平台注册")]
        command.downgrade(config, "0032")
        columns = {c["name"] for c in inspect(connection).get_columns("matter_listings")}
        assert {"line", "offers", "outcome", "why"}.isdisjoint(columns) and "was" in columns
        assert connection.execute(text("SELECT count(*) FROM matter_listings")).scalar() == 1


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_what_withdrew_an_offer_is_filled_from_its_reason(kind, tmp_path) -> None:
    """0034 adds what withdrew an offer; the withdrawn ones already there take it from their reason's start (a change
    of the profile, of the matter, the list withdrawn), the others none. Going back drops it, the offers and their
    partial index (one open offer per matter and measure) kept."""
    from alembic import command

    with migrated(kind, tmp_path, "0033") as (connection, config):
        if kind == "sqlite":  # the offers alone: their applicants, matters and rounds do not matter here
            connection.commit()
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        else:
            connection.execute(text("SET session_replication_role = replica"))
        for id, state, reason in [(1, "withdrawn", "'单位信息已修改（第 2 版），按修改后的信息不再由措施3支持'"),
                                  (2, "withdrawn", "'事项「h1」已修改，按修改后的信息不再由措施3支持'"),
                                  (3, "withdrawn", "'认定名单已撤回：文号有误'"), (4, "withdrawn", "'企业已放弃'"),
                                  (5, "declined", "'事项「h1」不再需要'"), (6, "open", "NULL")]:
            connection.execute(text(OFFER.format(id=id, state=state, reason=reason)))
        command.upgrade(config, "0034")
        rows = connection.execute(text("SELECT id, withdrawn_by FROM offers ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "profile"), (2, "matter"), (3, "list"), (4, None), (5, None),
                                            (6, None)]
        command.downgrade(config, "0033")
        assert "withdrawn_by" not in {c["name"] for c in inspect(connection).get_columns("offers")}
        assert connection.execute(text("SELECT count(*) FROM offers")).scalar() == 6
        with pytest.raises(IntegrityError), connection.begin_nested():  # one open offer per matter and measure
            connection.execute(text(OFFER.format(id=6, state="open", reason="NULL").replace("(6, 1,", "(7, 1,")))
