"""A policy analyst (政策分析人员): the users' role check admits `analyst`.

SQLite cannot alter a CHECK constraint, and copying `users` to a new table is refused with foreign keys on
(every session, token and event points at it). Widening the check admits more and invalidates no row, so on
SQLite the table's stored definition is rewritten in place (``PRAGMA writable_schema``, SQLite's documented
way for a change that leaves the stored rows as they are) and the schema version bumped so every connection
reads it again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 17:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "'enterprise', 'city', 'department', 'finance', 'admin', 'auditor'"
AFTER = f"{BEFORE}, 'analyst'"


def _role_check(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f('ck_users_role'), 'users', type_='check')
        op.create_check_constraint(op.f('ck_users_role'), 'users', f"role IN ({new})")
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'").scalar_one()
    if f"role IN ({old})" not in sql:
        raise RuntimeError(f"users 表的角色约束与预期不符，未修改：{sql}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'users'",
                         (sql.replace(f"role IN ({old})", f"role IN ({new})"),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    _role_check(BEFORE, AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM users WHERE role = 'analyst'")
    _role_check(AFTER, BEFORE)
