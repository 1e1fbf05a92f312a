"""An application resubmitted after a return for correction keeps the day it was first submitted (提交日期) and the
year counted from it (申报年度); the resubmission's day is read from its steps. Applications resubmitted before this
revision had both overwritten: they take them again from their first submission step. Going back, they take the
last submission's day, as that code wrote it.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-15 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPLICATIONS = sa.table("applications", sa.column("id", sa.Integer), sa.column("submitted_on", sa.Date),
                        sa.column("year", sa.Integer))
TRANSITIONS = sa.table("transitions", sa.column("application_id", sa.Integer), sa.column("action", sa.String),
                       sa.column("on", sa.Date))


def _set(pick: sa.FunctionElement) -> None:
    """Each application submitted more than once (its submit or 免申即享 confirm steps) takes the day ``pick`` reads
    from those steps, and its year."""
    on = TRANSITIONS.c.on
    found = sa.select(TRANSITIONS.c.application_id, sa.type_coerce(pick, sa.Date)).where(
        TRANSITIONS.c.action.in_(("submit", "confirm"))).group_by(TRANSITIONS.c.application_id).having(
        sa.func.count(on) > 1)
    bind = op.get_bind()
    for application_id, day in bind.execute(found).all():
        bind.execute(APPLICATIONS.update().where(APPLICATIONS.c.id == application_id)
                     .values(submitted_on=day, year=day.year))


def upgrade() -> None:
    _set(sa.func.min(TRANSITIONS.c.on))


def downgrade() -> None:
    _set(sa.func.max(TRANSITIONS.c.on))
