"""A round closed before it opened is cancelled (rounds.cancelled): it reads 已取消 on every day, where it read
未开始 until its opening day and 已于…提前结束受理 after.

Existing rounds closed before their opening day (in Beijing time) are marked cancelled.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 00:30:00
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: str | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _day(value: date | str) -> date:  # SQLite gives text
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _moment(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def upgrade() -> None:
    # Plain ADD COLUMN (no batch table rebuild: applications, offers and round measures point at rounds).
    op.add_column('rounds', sa.Column('cancelled', sa.Boolean(), server_default=sa.false(), nullable=False))
    bind = op.get_bind()
    closed = bind.execute(sa.text('SELECT id, opens_on, closed_at FROM rounds WHERE closed_at IS NOT NULL')).all()
    for round_id, opens_on, closed_at in closed:
        if (_moment(closed_at) + timedelta(hours=8)).date() < _day(opens_on):  # closed_at is UTC; the days Beijing's
            bind.execute(sa.text('UPDATE rounds SET cancelled = :yes WHERE id = :id'), {'yes': True, 'id': round_id})


def downgrade() -> None:
    op.drop_column('rounds', 'cancelled')
