"""Each department's objection contact (objection_contacts) as a record an admin sets on a page, audited: it was read
from the shipped file departments/data/objection_contacts.csv, so a phone number changed only with a release.

The file stays the seed: its rows (as a deployment may have filled them in) become the table's rows, a blank cell an
empty field; a cell longer than its column stops the upgrade, naming the department and the field, so that nothing
is cut unseen. Going back drops the table (the release before this one reads the file).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-16 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0031'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from huiqi.departments.contacts import LABELS, MOST, seed

    rows = seed()
    for c in rows:
        for name, most in MOST.items():
            if len(getattr(c, name)) > most:
                raise RuntimeError(f"departments/data/objection_contacts.csv：{c.department}的{LABELS[name]}超过 "
                                   f"{most} 个字，请改短后再升级")

    table = op.create_table('objection_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('mail', sa.String(length=254), nullable=True),
    sa.Column('updated_by', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection_contacts')),
    sa.UniqueConstraint('department', name=op.f('uq_objection_contacts_department'))
    )
    op.bulk_insert(table, [{"department": c.department, "phone": c.phone or None, "address": c.address or None,
                            "mail": c.mail or None} for c in rows])


def downgrade() -> None:
    op.drop_table('objection_contacts')
