"""免申即享: a round measure delivered without an application (the department confirms the offers).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('round_measures', sa.Column('mode', sa.String(length=10), server_default='apply', nullable=False))


def downgrade() -> None:
    op.drop_column('round_measures', 'mode')
