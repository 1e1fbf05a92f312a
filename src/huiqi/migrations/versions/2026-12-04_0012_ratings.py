"""好差评: ratings of finished services, with rectifications and re-checks.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('policy_id', sa.String(length=40), nullable=False),
    sa.Column('measure', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=True),
    sa.Column('rated_by', sa.String(length=64), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('answer', sa.String(length=1000), nullable=True),
    sa.Column('answered_by', sa.String(length=64), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('recheck_reason', sa.String(length=500), nullable=True),
    sa.Column('recheck_result', sa.String(length=1000), nullable=True),
    sa.Column('rechecked_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 5', name=op.f('ck_ratings_level')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_ratings_application_id_applications')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_ratings_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('application_id', name=op.f('uq_ratings_application_id'))
    )
    op.create_index(op.f('ix_ratings_department_id'), 'ratings', ['department_id'], unique=False)
    op.create_index(op.f('ix_ratings_uscc'), 'ratings', ['uscc'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_ratings_uscc'), table_name='ratings')
    op.drop_index(op.f('ix_ratings_department_id'), table_name='ratings')
    op.drop_table('ratings')
