"""Recognition lists imported from published documents, each matter's source, and offers (政策直达).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("state = 'open'")


def upgrade() -> None:
    op.create_table('recognition_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=True),
    sa.Column('document', sa.String(length=200), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('matching', sa.String(length=10), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('offers', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('imported_by', sa.String(length=64), nullable=False),
    sa.Column('withdrawn_by', sa.String(length=64), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('active', 'withdrawn')", name=op.f('ck_recognition_lists_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recognition_lists'))
    )
    op.create_table('offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.String(length=40), nullable=False),
    sa.Column('measure', sa.Integer(), nullable=False),
    sa.Column('ceiling', sa.BigInteger(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('open', 'accepted', 'confirmed', 'set_aside', 'withdrawn')",
                       name=op.f('ck_offers_state')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_offers_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                            name=op.f('fk_offers_application_id_applications')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_offers_matter_id_matters')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_offers_round_id_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers'))
    )
    for column in ('applicant_id', 'uscc', 'matter_id', 'round_id'):
        op.create_index(op.f(f'ix_offers_{column}'), 'offers', [column], unique=False)
    op.create_index('uq_offers_open', 'offers', ['matter_id', 'round_id', 'measure'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    # Plain ADD COLUMN: the matters table keeps its rows (no batch rebuild).
    op.add_column('matters', sa.Column('source', sa.String(length=20), server_default='declared', nullable=False))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE matters ADD COLUMN list_id INTEGER '
                   'CONSTRAINT fk_matters_list_id_recognition_lists REFERENCES recognition_lists (id)')
    else:
        op.add_column('matters', sa.Column('list_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_matters_list_id_recognition_lists'), 'matters', 'recognition_lists',
                              ['list_id'], ['id'])
    op.create_index(op.f('ix_matters_list_id'), 'matters', ['list_id'], unique=False)
    op.add_column('matters', sa.Column('verified_by', sa.String(length=64), nullable=True))
    op.add_column('matters', sa.Column('verified_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column('matters', 'verified_at')
    op.drop_column('matters', 'verified_by')
    op.drop_index(op.f('ix_matters_list_id'), table_name='matters')
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_matters_list_id_recognition_lists'), 'matters', type_='foreignkey')
    op.drop_column('matters', 'list_id')
    op.drop_column('matters', 'source')
    op.drop_index('uq_offers_open', table_name='offers')
    op.drop_table('offers')
    op.drop_table('recognition_lists')
