"""The city that took the decision rated (ratings.city): a bad rating of a 市级初审 rejection is that city's to
answer, not the lead department's.

Existing ratings of an application rejected at the city's review are given to that city.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-15 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0029'
down_revision: str | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('ratings', sa.Column('city', sa.String(length=10), nullable=True))
    op.create_index(op.f('ix_ratings_city'), 'ratings', ['city'], unique=False)
    op.execute("UPDATE ratings SET city = (SELECT a.city FROM applications a WHERE a.id = ratings.application_id) "
               "WHERE EXISTS (SELECT 1 FROM transitions t WHERE t.application_id = ratings.application_id "
               "AND t.to_state = 'rejected' AND t.from_state = 'city_review')")


def downgrade() -> None:
    op.drop_index(op.f('ix_ratings_city'), table_name='ratings')
    op.drop_column('ratings', 'city')
