"""Whitelist versions keep the basis they were compiled under, their public edition, and who was passed over.

- The basis (the policy's id, text version, 文号, title; the measure's number, title and clause; the list's name;
  the window's last day) is recorded on each version when proposed, so that a successor published later no longer
  changes what an earlier version says it was compiled under. Existing versions take what the catalogue in force
  gives for their compile day (``catalogue.serving``: the measure serving the whitelist that day, a successor's only
  once its window has opened, else the most recently issued one that has opened).
- ``edition`` is the public 第 N 版, given on publication to published versions only, so a discarded draft leaves
  no gap. Versions already published keep the number they were published under (a bank may cite it); only new
  publications follow on from the highest.
- ``whitelist_omissions`` lists the applicants considered and not proposed, with why; ``considered`` counts the
  profiles considered (None for versions proposed before this revision: not known).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-15 00:30:00
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BASIS = (('basis_policy', sa.String(length=40)), ('basis_version', sa.String(length=64)),
         ('basis_number', sa.String(length=100)), ('basis_title', sa.String(length=200)),
         ('basis_measure', sa.Integer()), ('basis_measure_title', sa.String(length=200)),
         ('basis_clause', sa.Text()), ('basis_list', sa.String(length=200)), ('basis_ends', sa.Date()))


def upgrade() -> None:
    op.add_column('whitelist_versions', sa.Column('edition', sa.Integer(), nullable=True))
    for name, kind in BASIS:
        op.add_column('whitelist_versions', sa.Column(name, kind, nullable=True))
    op.add_column('whitelist_versions', sa.Column('considered', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_whitelist_versions_edition'), 'whitelist_versions', ['edition'], unique=True)
    op.create_table('whitelist_omissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('why', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'],
                            name=op.f('fk_whitelist_omissions_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['version_id'], ['whitelist_versions.id'],
                            name=op.f('fk_whitelist_omissions_version_id_whitelist_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_whitelist_omissions')),
    sa.UniqueConstraint('version_id', 'applicant_id', name=op.f('uq_whitelist_omissions_version_id_applicant_id'))
    )
    op.create_index(op.f('ix_whitelist_omissions_version_id'), 'whitelist_omissions', ['version_id'], unique=False)
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE whitelist_versions SET edition = number WHERE state = 'published'"))
    _basis(bind)


def _basis(bind: sa.Connection) -> None:
    """Each existing version's basis, as the catalogue in force gives it for the version's compile day."""
    from huiqi.rules.loader import in_catalogue_order, load_text

    texts = bind.execute(sa.text("SELECT id, text FROM policy_versions WHERE state = 'published' ORDER BY id")).all()
    policies = in_catalogue_order([load_text(text, f'政策版本 {vid}') for vid, text in texts])
    naming = [(p, m) for p in policies for m in p.measures if 'whitelist' in m.serves]
    for vid, as_of in bind.execute(sa.text('SELECT id, as_of FROM whitelist_versions')).all():
        day = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of)[:10])
        started = [(p, m) for p, m in naming if p.window_start.at(day, day) <= day]
        found = [(p, m) for p, m in started if not p.expired(day)] or started
        if not found:
            continue
        policy, measure = found[-1]
        own = [item for item in measure.services if not item.reaches]
        bind.execute(sa.text(
            'UPDATE whitelist_versions SET basis_policy = :policy, basis_version = :version, basis_number = :number, '
            'basis_title = :title, basis_measure = :measure, basis_measure_title = :measure_title, '
            'basis_clause = :clause, basis_list = :list, basis_ends = :ends WHERE id = :id'),
            {'policy': policy.id, 'version': policy.version, 'number': policy.number, 'title': policy.title,
             'measure': measure.number, 'measure_title': measure.title, 'clause': measure.clause,
             'list': own[0].name.split('：')[0] if own else '白名单', 'ends': policy.window_end_at(day), 'id': vid})


def downgrade() -> None:
    op.drop_index(op.f('ix_whitelist_omissions_version_id'), table_name='whitelist_omissions')
    op.drop_table('whitelist_omissions')
    op.drop_index(op.f('ix_whitelist_versions_edition'), table_name='whitelist_versions')
    for name in ('considered', *(name for name, _ in reversed(BASIS)), 'edition'):  # in place: entries point here
        op.drop_column('whitelist_versions', name)
