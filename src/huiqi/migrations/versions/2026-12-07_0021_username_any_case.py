"""One login name whatever its capitals: a unique index on lower(users.username). The service already refuses a
name another account holds in other capitals ("ADMIN" beside "admin"); the index keeps the rule when two admins
create the two names at the same moment, and whatever writes the table.

A database that already holds two such names is not upgraded: the migration names them, since which account to
rename (or disable and replace) is for the admins to decide.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

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
        raise RuntimeError(f'不能升级：以下登录名只有大小写不同，登录名不区分大小写后只能保留一个：{named}。'
                           '请管理员为其中的账号改用别的登录名（或停用后另建），再运行 huiqi db upgrade。')
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)


def downgrade() -> None:
    op.drop_index('uq_users_username_lower', table_name='users')
