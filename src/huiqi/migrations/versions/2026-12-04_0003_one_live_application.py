"""One live application per matter: at most one that is not withdrawn or rejected (从高不重复).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("state NOT IN ('withdrawn', 'rejected')")


def upgrade() -> None:
    op.create_index('uq_applications_live_matter', 'applications', ['matter_id'], unique=True,
                    sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    op.drop_index('uq_applications_live_matter', table_name='applications')
