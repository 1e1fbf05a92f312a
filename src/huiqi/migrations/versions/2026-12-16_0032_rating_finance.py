"""Whether finance took the decision rated (ratings.finance): a bad rating of finance's rejection (declining to approve
after the 公示) is finance's to answer, as a city's rejection is that city's (0029), not the lead department's.

Existing ratings of an application rejected after its 公示 (the step only finance takes) are given to finance.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-16 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0032'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('ratings', sa.Column('finance', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE ratings SET finance = true "
               "WHERE EXISTS (SELECT 1 FROM transitions t WHERE t.application_id = ratings.application_id "
               "AND t.to_state = 'rejected' AND t.from_state = 'announced')")


def downgrade() -> None:
    op.drop_column('ratings', 'finance')
