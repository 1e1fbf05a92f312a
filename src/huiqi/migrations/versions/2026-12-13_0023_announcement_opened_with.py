"""A 公示 batch stores how many applications it was opened with (announcements.opened_with), which the public
listing compares with those still in it to say how many went back to review on an objection. The listing read the
number from the audit record of the opening; the audit trail is a record, not a data source.

Existing batches take it, once, from that record (its list of applications); a batch with no such record takes the
applications still linked to it.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-13 09:00:00
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _opened(after: Any) -> int | None:
    """The number of applications an opening's record lists (None when it lists none); SQLite gives the JSON as
    text."""
    found = json.loads(after) if isinstance(after, str) else after
    listed = found.get('applications') if isinstance(found, dict) else None
    return len(listed) if isinstance(listed, list) else None


def _recorded(bind: sa.Connection) -> dict[int, int | None]:
    """What each batch's opening recorded, by batch id."""
    openings = bind.execute(sa.text("SELECT entity_id, after FROM audit_events WHERE entity = 'announcement' "
                                    "AND action = 'announcement.open' ORDER BY seq"))
    return {int(key): _opened(after) for key, after in openings if key.isdigit()}


def upgrade() -> None:
    # Plain ADD COLUMN (no batch table rebuild: applications point at announcements).
    op.add_column('announcements', sa.Column('opened_with', sa.Integer(), server_default='0', nullable=False))
    bind = op.get_bind()
    linked = dict(bind.execute(sa.text('SELECT announcement_id, count(*) FROM applications '
                                       'WHERE announcement_id IS NOT NULL GROUP BY announcement_id')).all())
    recorded = _recorded(bind)
    for batch_id in bind.execute(sa.text('SELECT id FROM announcements')).scalars().all():
        count = recorded.get(batch_id)
        bind.execute(sa.text('UPDATE announcements SET opened_with = :n WHERE id = :id'),
                     {'n': linked.get(batch_id, 0) if count is None else count, 'id': batch_id})


def downgrade() -> None:
    op.drop_column('announcements', 'opened_with')
