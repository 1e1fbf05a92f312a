"""Engines and sessions: SQLite by default, PostgreSQL when ``HUIQI_DATABASE_URL`` names one.

Services take a session and never commit; the command (or request) that calls them commits
once, at its boundary, with ``session_scope``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from huiqi import clock
from huiqi.config import Settings, get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"  # shipped in the package: a wheel can upgrade


def utcnow() -> datetime:
    """Now in UTC, without tzinfo (stored the same way on SQLite and PostgreSQL): the clock's moment, which is the
    machine's except where the demo seed stamps its story (``clock.stamped``)."""
    return clock.now()


WRITE = "huiqi_write"  # an execution option: this transaction will write (SQLite takes the lock up front)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL, a busy timeout and real savepoints."""
    parsed = make_url(url)
    # Each thread of the request pool holds one connection at a time: a pool smaller than the threads makes
    # requests wait for a connection (and fail after pool_timeout) while the server looks idle.
    pool = {"pool_size": get_settings().pool_size, "max_overflow": POOL_OVERFLOW, "pool_timeout": 30}
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **pool)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # FastAPI runs sync handlers in a thread pool: a pooled connection may serve another thread.
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                           **(pool if parsed.database and parsed.database != ":memory:" else {}))
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def is_unique_violation(error: IntegrityError) -> bool:
    """A duplicate key (PostgreSQL's SQLSTATE 23505, SQLite's "UNIQUE constraint failed"): two writes of the same
    key at once, the later one lost."""
    return getattr(error.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(error.orig)


def writer(bind: Engine) -> Engine:
    """The same engine, for a unit of work that writes.

    SQLite has one writer at a time: a transaction that reads first and writes later fails at once
    ("database is locked") when another process wrote in between, whatever the busy timeout. So a
    writing request begins ``BEGIN IMMEDIATE``: it waits (up to the busy timeout) for the write lock
    before it reads, and then nothing can change under it. PostgreSQL needs no such thing: the step
    runner locks the rows it changes (``SELECT … FOR UPDATE``) and readers never wait.
    """
    return bind.execution_options(**{WRITE: True})


def one_at_a_time(session: Session, key: str) -> None:
    """Hold the units of work that name ``key`` to one at a time until the transaction ends, for a check that reads
    no row it could lock (counts, a row not yet written): on PostgreSQL an advisory lock on the key; on SQLite a
    writing request already holds the file."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def _sqlite_connect(dbapi_connection, _record) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Readers never wait for the writer, and the writer never waits for readers (several server processes).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(conn) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


POOL_OVERFLOW = 10


def beyond_pool(settings: Settings) -> int:
    """The connections a server process may open beyond its pool: the overflow at a peak, and one for each of its
    match processes (they build exports)."""
    return POOL_OVERFLOW + settings.match_processes


def connections_needed(workers: int, settings: Settings | None = None) -> int:
    """The most connections ``workers`` server processes may open: each its pool and what lies beyond it."""
    settings = settings or get_settings()
    return workers * (settings.pool_size + beyond_pool(settings))


@cache
def engine() -> Engine:
    """The engine for the configured database, made once per process."""
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope(bind: Engine | None = None) -> Iterator[Session]:
    """A session that commits when the block ends without error, and rolls back otherwise (a command's
    unit of work: it may write, so on SQLite it takes the write lock up front)."""
    factory = sessionmaker(bind=writer(bind or engine()), expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


def alembic_config(url: str | None = None):
    """The Alembic configuration: the package's migrations (the project's alembic.ini is for developers'
    own ``alembic`` commands; an installed huiqi needs no file outside the package)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        config.attributes["url"] = url
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision`` with the migrations."""
    from alembic import command

    command.upgrade(alembic_config(url or get_settings().database_url), revision)
