"""Alembic's environment: the URL comes from the caller or from huiqi's settings, never from alembic.ini.

A caller may hand over an open connection (``config.attributes["connection"]``), as the tests do to
build each database's schema with the migrations themselves.
"""

from alembic import context

from huiqi.config import get_settings
from huiqi.db import make_engine
from huiqi.models import Base

config = context.config
target_metadata = Base.metadata


def run(connection) -> None:
    # render_as_batch: SQLite alters tables by copying them; PostgreSQL alters in place.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    url = config.attributes.get("url") or get_settings().database_url
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("huiqi's migrations run online only: `huiqi db upgrade`")
run_online()
