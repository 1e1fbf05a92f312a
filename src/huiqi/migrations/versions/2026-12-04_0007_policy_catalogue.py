"""The policy catalogue: every version of every policy file stored whole, the shipped files as its first entries.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 12:20:00
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IN_FORCE = sa.text("state = 'published'")


def upgrade() -> None:
    table = op.create_table('policy_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.String(length=40), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('drafted_by', sa.String(length=64), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('ended_by', sa.String(length=64), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('draft', 'published', 'superseded', 'withdrawn')",
                       name=op.f('ck_policy_versions_state')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_versions')),
    sa.UniqueConstraint('digest', name=op.f('uq_policy_versions_digest'))
    )
    op.create_index(op.f('ix_policy_versions_policy_id'), 'policy_versions', ['policy_id'], unique=False)
    op.create_index('uq_policy_versions_in_force', 'policy_versions', ['policy_id'], unique=True,
                    sqlite_where=IN_FORCE, postgresql_where=IN_FORCE)
    op.bulk_insert(table, shipped())


def shipped() -> list[dict]:
    """The policy files shipped with this release, published as the catalogue's first versions."""
    from huiqi.db import utcnow
    from huiqi.rules.loader import load_text, shipped_paths

    rows = []
    for path in shipped_paths().values():
        text = path.read_text("utf-8")
        policy = load_text(text, path.name)
        now = utcnow()
        rows.append({"policy_id": policy.id, "number": policy.number, "title": policy.title,
                     "digest": hashlib.sha256(text.encode("utf-8")).hexdigest(), "text": text,
                     "file_name": path.name, "state": "published", "drafted_by": "system",
                     "published_by": "system", "published_at": now, "created_at": now,
                     "note": "随软件发布的政策文件"})
    return rows


def downgrade() -> None:
    op.drop_index('uq_policy_versions_in_force', table_name='policy_versions')
    op.drop_index(op.f('ix_policy_versions_policy_id'), table_name='policy_versions')
    op.drop_table('policy_versions')
