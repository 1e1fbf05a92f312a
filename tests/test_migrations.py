"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from huiqi.models import Base


def test_models_and_migrations_agree(session) -> None:
    connection = session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, Base.metadata) == []
    names = inspect(connection).get_table_names()
    assert {"applications", "audit_events", "budgets", "grants", "alembic_version"} <= set(names)
