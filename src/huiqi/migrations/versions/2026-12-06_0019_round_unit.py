"""A round keeps the unit that manages it (rounds.department_id): the opener's unit when a department opened it,
so that moving the opener to another unit later does not move the round's management with them.

Existing rounds take their opener's unit as it is now (who managed them the moment before this migration);
rounds opened by an admin, the system or a user no longer found keep none (admins manage them).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch table rebuild: applications, offers and round measures point at rounds).
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a column with its reference, not a constraint
        op.execute('ALTER TABLE rounds ADD COLUMN department_id INTEGER '
                   'CONSTRAINT fk_rounds_department_id_departments REFERENCES departments (id)')
    else:
        op.add_column('rounds', sa.Column('department_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_rounds_department_id_departments'), 'rounds', 'departments',
                              ['department_id'], ['id'])
    op.execute('UPDATE rounds SET department_id = '
               '(SELECT users.department_id FROM users WHERE users.username = rounds.opened_by)')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('fk_rounds_department_id_departments'), 'rounds', type_='foreignkey')
    op.drop_column('rounds', 'department_id')
