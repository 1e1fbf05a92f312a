"""An enterprise may decline an offer (放弃): the offers' state check admits `declined`.

As in 0015: SQLite cannot alter a CHECK constraint, and copying `offers` would have to rebuild its partial index
(one open offer per matter) by hand, so on SQLite the table's stored definition is rewritten in place (``PRAGMA
writable_schema``; widening the check invalidates no row) and the schema version bumped so every connection reads it
again. Going back, a declined offer reads 已撤回 with the reason 企业已放弃, which the older check admits.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-14 00:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "'open', 'accepted', 'confirmed', 'set_aside', 'withdrawn'"
AFTER = f"{BEFORE}, 'declined'"


def _state_check(old: str, new: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f('ck_offers_state'), 'offers', type_='check')
        op.create_check_constraint(op.f('ck_offers_state'), 'offers', f"state IN ({new})")
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'offers'").scalar_one()
    if f"state IN ({old})" not in sql:
        raise RuntimeError(f"offers 表的状态约束与预期不符，未修改：{sql}")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'offers'",
                         (sql.replace(f"state IN ({old})", f"state IN ({new})"),))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    _state_check(BEFORE, AFTER)


def downgrade() -> None:
    op.execute("UPDATE offers SET state = 'withdrawn', reason = substr('企业已放弃' || "
               "CASE WHEN reason IS NULL OR reason = '' THEN '' ELSE '：' || reason END, 1, 500) "
               "WHERE state = 'declined'")
    _state_check(AFTER, BEFORE)
