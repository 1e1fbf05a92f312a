"""The day a round was cancelled (rounds.cancelled_on), apart from its deadline: cancelling used to set the deadline
to the opening day, so a cancelled round read 受理 2026-12-10 至 2026-12-10 and its deadline survived only in the trail.

The rounds already cancelled get the day they were closed (in Beijing time), and their deadline back as the trail
last set it (the round's opening, or its last extension); one without such a record keeps the deadline it has.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-18 00:30:00
"""

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = '0035'
down_revision: str | None = '0034'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def _day(value: date | str) -> date:  # SQLite gives text
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _moment(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _deadline(bind, round_id: int) -> date | None:
    """The deadline the trail last set for the round (its opening, or an extension), or None."""
    rows = bind.execute(sa.text("SELECT after FROM audit_events WHERE entity = 'round' AND entity_id = :id "
                                "AND action IN ('round.open', 'round.extend') ORDER BY seq"),
                        {'id': str(round_id)}).all()
    found = None
    for (after,) in rows:
        said = json.loads(after) if isinstance(after, str) else after
        if isinstance(said, dict) and isinstance(said.get('closes_on'), str):
            found = date.fromisoformat(said['closes_on'])
    return found


def upgrade() -> None:
    # Plain ADD COLUMN (no batch table rebuild: applications, offers and round measures point at rounds).
    op.add_column('rounds', sa.Column('cancelled_on', sa.Date(), nullable=True))
    bind = op.get_bind()
    cancelled = bind.execute(sa.text('SELECT id, opens_on, closes_on, closed_at FROM rounds '
                                     'WHERE cancelled = :yes AND closed_at IS NOT NULL'), {'yes': True}).all()
    for round_id, opens_on, closes_on, closed_at in cancelled:
        day = (_moment(closed_at) + timedelta(hours=8)).date()  # closed_at is UTC; the days Beijing's
        deadline = _deadline(bind, round_id)
        if deadline is None or deadline < _day(opens_on):
            deadline = _day(closes_on)
        bind.execute(sa.text('UPDATE rounds SET cancelled_on = :day, closes_on = :deadline WHERE id = :id'),
                     {'day': day, 'deadline': deadline, 'id': round_id})


def downgrade() -> None:
    op.drop_column('rounds', 'cancelled_on')
