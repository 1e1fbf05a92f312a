"""An index on the audit trail's (entity, entity_id): a record's history, and a round's extensions on every page
that shows a round (the home page among them), are read by it instead of scanning the whole trail.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 23:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_audit_events_entity_entity_id', 'audit_events', ['entity', 'entity_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_events_entity_entity_id', table_name='audit_events')
