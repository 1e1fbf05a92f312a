"""One login name whatever its capitals: a unique index on lower(users.username). The service already refuses a
name another account holds in other capitals ("ADMIN" beside "admin"); the index keeps the rule when two admins
create the two names at the same moment, and whatever writes the table.

A database that already holds two such names keeps them: their accounts, and the history that names them (the
audit trail is a hash chain of those names), cannot be renamed. The migration then says which names they are and
goes on without the index; the service still refuses any new name another account holds in other capitals.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 00:20:00
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

log = logging.getLogger('huiqi.migrations')

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    names = op.get_bind().execute(sa.text('SELECT username FROM users ORDER BY username')).scalars().all()
    alike: dict[str, list[str]] = {}
    for name in names:
        alike.setdefault(name.lower(), []).append(name)
    shared = [group for group in alike.values() if len(group) > 1]
    if shared:
        named = '；'.join('、'.join(group) for group in shared[:20])
        log.warning('以下登录名只有大小写不同，保留原样（它们的记录和审计轨迹都以原名记载）；新登录名仍不区分大小写查重，'
                    '但数据库不建“不区分大小写唯一”索引：%s', named)
        return
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)


def downgrade() -> None:
    op.drop_index('uq_users_username_lower', table_name='users', if_exists=True)
