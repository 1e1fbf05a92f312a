"""What each row of a recognition list came to (matter_listings.line, offers, outcome, why): the offers it made, or
why it made none, row by row, for the importing officer (a long list's background matching records the same).

Rows imported before this revision have none recorded (null): their lists say nothing of them.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-16 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0033'
down_revision: str | None = '0032'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('matter_listings') as batch:
        batch.add_column(sa.Column('line', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('offers', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('outcome', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('why', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('matter_listings') as batch:
        batch.drop_column('why')
        batch.drop_column('outcome')
        batch.drop_column('offers')
        batch.drop_column('line')
