"""The business day a policy version was published (policy_versions.published_on), as the whitelist keeps its own:
the catalogue said the real clock's day (published_at) where the rest of the record says the business day.

A version published before this revision takes the Beijing day of its moment, but never a day after the business day
of the upgrade: where a demo or training environment sets the business day (HUIQI_TODAY), a version written at the
moment of install (the shipped file, by migration 0007) is dated that day; in production the two are the same day.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-15 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0030'
down_revision: str | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from huiqi import clock
    from huiqi.validation import beijing

    op.add_column('policy_versions', sa.Column('published_on', sa.Date(), nullable=True))
    versions = sa.table('policy_versions', sa.column('id', sa.Integer()), sa.column('published_at', sa.DateTime()),
                        sa.column('published_on', sa.Date()))
    connection = op.get_bind()
    today = clock.today()
    published = connection.execute(sa.select(versions.c.id, versions.c.published_at)
                                   .where(versions.c.published_at.is_not(None))).all()
    for version_id, moment in published:
        connection.execute(versions.update().where(versions.c.id == version_id)
                           .values(published_on=min(beijing(moment).date(), today)))


def downgrade() -> None:
    with op.batch_alter_table('policy_versions') as batch:
        batch.drop_column('published_on')
