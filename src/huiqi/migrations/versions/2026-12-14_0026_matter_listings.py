"""Which recognition lists name a matter (matter_listings): a list naming a recognition the applicant already has
(the same code and date) confirms that matter instead of making a twin of it, and a matter counts while any of its
lists is in force.

Every matter a list made so far is recorded as that list's (was = created). Twins made before this revision (one
list after another naming the same recognition) stay as they are: approval refuses the second grant.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-14 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('matter_listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('was', sa.String(length=20), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['recognition_lists.id'],
                            name=op.f('fk_matter_listings_list_id_recognition_lists')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_listings_matter_id_matters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_listings')),
    sa.UniqueConstraint('matter_id', 'list_id', name=op.f('uq_matter_listings_matter_id_list_id'))
    )
    op.create_index(op.f('ix_matter_listings_list_id'), 'matter_listings', ['list_id'], unique=False)
    op.create_index(op.f('ix_matter_listings_matter_id'), 'matter_listings', ['matter_id'], unique=False)
    op.execute("INSERT INTO matter_listings (matter_id, list_id, was, created_at) "
               "SELECT id, list_id, 'created', created_at FROM matters WHERE list_id IS NOT NULL")


def downgrade() -> None:
    op.drop_index(op.f('ix_matter_listings_matter_id'), table_name='matter_listings')
    op.drop_index(op.f('ix_matter_listings_list_id'), table_name='matter_listings')
    op.drop_table('matter_listings')
