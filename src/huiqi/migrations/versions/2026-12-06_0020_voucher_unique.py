"""One voucher, one payment, held by the database too: a unique index on disbursements.reference. The service
already refuses a voucher used for another grant (under a lock per voucher); the index keeps the rule whatever
writes the table.

A database that already holds one voucher for two payments is not upgraded: the migration names them, since
which of the two is wrong is for finance to find out.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    shared = op.get_bind().execute(sa.text(
        'SELECT reference, count(*) FROM disbursements GROUP BY reference HAVING count(*) > 1 ORDER BY reference'
    )).all()
    if shared:
        named = '、'.join(f'{reference}（{count} 笔）' for reference, count in shared[:20])
        raise RuntimeError(f'不能升级：以下凭证号各登记了多笔拨付，一张凭证只能登记一笔：{named}。'
                           '请财政部门核对后更正，再运行 huiqi db upgrade。')
    op.create_index(op.f('ix_disbursements_reference'), 'disbursements', ['reference'], unique=True)


def downgrade() -> None:
    op.drop_index(op.f('ix_disbursements_reference'), table_name='disbursements')
