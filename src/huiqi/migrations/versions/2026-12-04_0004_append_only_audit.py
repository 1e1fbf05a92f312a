"""The audit trail is append-only: the database refuses UPDATE and DELETE of `audit_events`.

Triggers on both databases. `audit_events`: every UPDATE, DELETE (and on PostgreSQL TRUNCATE) is refused.
`audit_head`, the chain's last link, changes only as an append moves it: one step forward, to the event
just written, whose `prev_hash` is the head's old hash; it is never deleted.

A trigger binds whoever writes through the application (a bug, an injected statement, a hand-typed
UPDATE). The tables' owner can still drop or disable it, so in production the application connects as a
role that does not own the tables and holds no UPDATE or DELETE on `audit_events` (README, "Deployment
notes"); the chain and its anchors report whatever happens beyond that.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 10:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSED = "审计记录只能追加，不能修改或删除（audit_events is append-only）"
HEAD = "审计链头只能随新记录前移（audit_head moves only with an append）"
ADVANCES = ("NEW.id = OLD.id AND NEW.seq = OLD.seq + 1 AND EXISTS (SELECT 1 FROM audit_events e "
            "WHERE e.seq = NEW.seq AND e.hash = NEW.hash AND e.prev_hash = OLD.hash)")

POSTGRESQL = [
    f"""CREATE FUNCTION huiqi_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSED}: %', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$""",
    f"""CREATE FUNCTION huiqi_audit_head_advances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND {ADVANCES} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{HEAD}: %', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$""",
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION huiqi_audit_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION huiqi_audit_append_only()",
    "CREATE TRIGGER audit_head_advances BEFORE UPDATE OR DELETE ON audit_head "
    "FOR EACH ROW EXECUTE FUNCTION huiqi_audit_head_advances()",
    "CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head "
    "FOR EACH STATEMENT EXECUTE FUNCTION huiqi_audit_append_only()",
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER audit_head_no_truncate ON audit_head",
    "DROP TRIGGER audit_head_advances ON audit_head",
    "DROP TRIGGER audit_events_no_truncate ON audit_events",
    "DROP TRIGGER audit_events_append_only ON audit_events",
    "DROP FUNCTION huiqi_audit_head_advances()",
    "DROP FUNCTION huiqi_audit_append_only()",
]
SQLITE = [
    f"CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE'); END",
    f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE'); END",
    f"CREATE TRIGGER audit_head_advances BEFORE UPDATE ON audit_head WHEN NOT ({ADVANCES}) "
    f"BEGIN SELECT RAISE(ABORT, '{HEAD}: UPDATE'); END",
    f"CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
    f"BEGIN SELECT RAISE(ABORT, '{HEAD}: DELETE'); END",
]
SQLITE_DOWN = [f"DROP TRIGGER {name}" for name in
               ("audit_head_no_delete", "audit_head_advances", "audit_events_no_delete", "audit_events_no_update")]


def _statements(postgresql: list[str], sqlite: list[str]) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql
    if dialect == "sqlite":
        return sqlite
    raise NotImplementedError(f"append-only audit triggers for {dialect}")


def upgrade() -> None:
    for statement in _statements(POSTGRESQL, SQLITE):
        op.execute(statement)


def downgrade() -> None:
    for statement in _statements(POSTGRESQL_DOWN, SQLITE_DOWN):
        op.execute(statement)
