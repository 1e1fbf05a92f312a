"""The working-day calendar as data: holidays and make-up working days entered from the State Council's notices.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('entered_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('holiday', 'workday')", name=op.f('ck_calendar_days_kind')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_days'))
    )


def downgrade() -> None:
    op.drop_table('calendar_days')
