"""Top-up across policies (差额补足): a matter may hold one grant per policy, and one live application per policy.

A grant under another policy is deducted from this policy's ceiling at approval (DOMAIN.md, 从高不重复), so a
matter granted 300万 elsewhere may still be topped up to a higher ceiling here. Within one policy it stays one.
No table points at `grants`, so on SQLite its copy (to change a unique constraint) is allowed with foreign keys
on; the applications' rule is an index, dropped and made again.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("state NOT IN ('withdrawn', 'rejected')")


def upgrade() -> None:
    op.drop_index('uq_applications_live_matter', table_name='applications')
    op.create_index('uq_applications_live_matter_policy', 'applications', ['matter_id', 'policy_id'], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_grants_matter_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_grants_matter_id_policy_id'), ['matter_id', 'policy_id'])
        batch_op.create_index(batch_op.f('ix_grants_matter_id'), ['matter_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_matter_id'))
        batch_op.drop_constraint(batch_op.f('uq_grants_matter_id_policy_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_grants_matter_id'), ['matter_id'])
    op.drop_index('uq_applications_live_matter_policy', table_name='applications')
    op.create_index('uq_applications_live_matter', 'applications', ['matter_id'], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)
