"""Saved reforms: a reform named on the simulation page, its changes and the job that ran it, for comparison.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'saved_reforms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('description', sa.String(length=500), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['simulation_jobs.id'], name=op.f('fk_saved_reforms_job_id_simulation_jobs')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_reforms_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_reforms')),
        sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_reforms_user_id_name')),
    )
    op.create_index(op.f('ix_saved_reforms_user_id'), 'saved_reforms', ['user_id'], unique=False)
    op.create_index(op.f('ix_saved_reforms_job_id'), 'saved_reforms', ['job_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_saved_reforms_job_id'), table_name='saved_reforms')
    op.drop_index(op.f('ix_saved_reforms_user_id'), table_name='saved_reforms')
    op.drop_table('saved_reforms')
