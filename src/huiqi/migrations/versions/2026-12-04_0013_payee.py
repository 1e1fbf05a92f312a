"""Where the money goes: the enterprise confirms its bank account (免申即享's only step before payment).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:  # plain ADD COLUMN: the applications table keeps its rows and triggers
    op.add_column('applications', sa.Column('payee_bank', sa.String(length=100), nullable=True))
    op.add_column('applications', sa.Column('payee_account', sa.String(length=40), nullable=True))
    op.add_column('applications', sa.Column('payee_confirmed_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column('applications', 'payee_confirmed_at')
    op.drop_column('applications', 'payee_account')
    op.drop_column('applications', 'payee_bank')
