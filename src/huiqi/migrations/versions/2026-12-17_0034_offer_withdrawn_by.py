"""What withdrew an offer (offers.withdrawn_by): its enterprise's change of its profile (`profile`) or of the offer's
matter (`matter`), which a later change may undo by making the offer again, or its recognition list withdrawn
(`list`). It was read from the start of the reason's text; the withdrawn offers already there are filled from it.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-17 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0034'
down_revision: str | None = '0033'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The start of each withdrawal's reason, as the code wrote it up to this revision.
PREFIXES = {"profile": "单位信息已修改", "matter": "事项「", "list": "认定名单已撤回："}


def upgrade() -> None:
    op.add_column('offers', sa.Column('withdrawn_by', sa.String(length=20), nullable=True))
    offers = sa.table('offers', sa.column('state', sa.String), sa.column('reason', sa.String),
                      sa.column('withdrawn_by', sa.String))
    for by, prefix in PREFIXES.items():
        withdrawn = (offers.c.state == 'withdrawn') & offers.c.reason.startswith(prefix, autoescape=True)
        op.execute(offers.update().where(withdrawn).values(withdrawn_by=by))


def downgrade() -> None:
    op.drop_column('offers', 'withdrawn_by')
