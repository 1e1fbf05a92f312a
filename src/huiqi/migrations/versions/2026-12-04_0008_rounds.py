"""Rounds (申报批次): a policy's measures open between two dates, with materials, 办事指南 and budget; an
application belongs to a round, a material is one of the round's.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('correction_days', sa.Integer(), nullable=False),
    sa.Column('announcement_days', sa.Integer(), nullable=False),
    sa.Column('guide', sa.Text(), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=False),
    sa.Column('opened_by', sa.String(length=64), nullable=False),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('closes_on >= opens_on', name=op.f('ck_rounds_dates')),
    sa.CheckConstraint('correction_days BETWEEN 1 AND 60', name=op.f('ck_rounds_correction_days')),
    sa.CheckConstraint('announcement_days BETWEEN 1 AND 30', name=op.f('ck_rounds_announcement_days')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds'))
    )
    op.create_index(op.f('ix_rounds_policy_id'), 'rounds', ['policy_id'], unique=False)
    op.create_table('round_measures',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.Integer(), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=True),
    sa.Column('expert_score', sa.Boolean(), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.CheckConstraint('budget IS NULL OR budget >= 0', name=op.f('ck_round_measures_budget')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_measures_round_id_rounds')),
    sa.PrimaryKeyConstraint('round_id', 'measure', name=op.f('pk_round_measures'))
    )
    # Plain ADD COLUMN (no batch table rebuild: the applications table keeps its rows and triggers).
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a column with its reference, not a constraint
        op.execute('ALTER TABLE applications ADD COLUMN round_id INTEGER '
                   'CONSTRAINT fk_applications_round_id_rounds REFERENCES rounds (id)')
    else:
        op.add_column('applications', sa.Column('round_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_applications_round_id_rounds'), 'applications', 'rounds',
                              ['round_id'], ['id'])
    op.create_index(op.f('ix_applications_round_id'), 'applications', ['round_id'], unique=False)
    op.add_column('materials', sa.Column('kind', sa.String(length=50), nullable=True))


def downgrade() -> None:
    op.drop_column('materials', 'kind')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_applications_round_id_rounds'), 'applications', type_='foreignkey')
    op.drop_index(op.f('ix_applications_round_id'), table_name='applications')
    op.drop_column('applications', 'round_id')
    op.drop_table('round_measures')
    op.drop_index(op.f('ix_rounds_policy_id'), table_name='rounds')
    op.drop_table('rounds')
