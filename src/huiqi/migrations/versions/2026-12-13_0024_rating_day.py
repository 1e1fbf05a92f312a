"""The business day a rating was made (ratings.rated_on): a rectification's deadline counted past the holiday
calendar's end (Monday to Friday, provisionally) is counted again from it once the year is entered.

Existing ratings keep none: their deadlines were all counted with the calendar, so none needs counting again.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-13 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('ratings', sa.Column('rated_on', sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column('ratings', 'rated_on')
