"""The record: people, departments, applicants and their matters, applications and their workflow,
公示, budgets, grants, disbursements, the hash-chained audit trail, whitelist and growth files.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 15:48:01.117225
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('applicants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicants')),
    sa.UniqueConstraint('uscc', name=op.f('uq_applicants_uscc'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_events_seq'))
    )
    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('budgets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.String(length=40), nullable=False),
    sa.Column('measure', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('committed', sa.BigInteger(), nullable=False),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('committed >= 0 AND committed <= amount', name=op.f('ck_budgets_within')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budgets')),
    sa.UniqueConstraint('year', 'policy_id', 'measure', name=op.f('uq_budgets_year_policy_id_measure'))
    )
    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments')),
    sa.UniqueConstraint('name', name=op.f('uq_departments_name'))
    )
    op.create_table('whitelist_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('proposed_by', sa.String(length=64), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('published_by', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_whitelist_versions')),
    sa.UniqueConstraint('number', name=op.f('uq_whitelist_versions_number'))
    )
    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_announcements_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements'))
    )
    op.create_table('applicant_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('region', sa.String(length=10), nullable=True),
    sa.Column('industry', sa.String(length=4), nullable=True),
    sa.Column('digital_core_confirmed', sa.Boolean(), nullable=True),
    sa.Column('size', sa.String(length=10), nullable=True),
    sa.Column('above_scale', sa.Boolean(), nullable=True),
    sa.Column('established', sa.Date(), nullable=True),
    sa.Column('revenue', sa.BigInteger(), nullable=True),
    sa.Column('revenue_prior', sa.BigInteger(), nullable=True),
    sa.Column('independent_legal_entity', sa.Boolean(), nullable=True),
    sa.Column('sound_accounts', sa.Boolean(), nullable=True),
    sa.Column('bad_credit', sa.Boolean(), nullable=True),
    sa.Column('major_accident', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_applicant_profiles_applicant_id_applicants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applicant_profiles')),
    sa.UniqueConstraint('applicant_id', 'version', name=op.f('uq_applicant_profiles_applicant_id_version'))
    )
    with op.batch_alter_table('applicant_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applicant_profiles_applicant_id'), ['applicant_id'], unique=False)

    op.create_table('growth_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('revenue', sa.BigInteger(), nullable=True),
    sa.Column('rnd_spending', sa.BigInteger(), nullable=True),
    sa.Column('profit', sa.BigInteger(), nullable=True),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('employees IS NULL OR employees >= 0', name=op.f('ck_growth_figures_employees')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_growth_figures_applicant_id_applicants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_growth_figures')),
    sa.UniqueConstraint('applicant_id', 'year', name=op.f('uq_growth_figures_applicant_id_year'))
    )
    with op.batch_alter_table('growth_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_growth_figures_applicant_id'), ['applicant_id'], unique=False)

    op.create_table('matters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('codes', sa.JSON(), nullable=False),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_matters_applicant_id_applicants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matters')),
    sa.UniqueConstraint('applicant_id', 'key', name=op.f('uq_matters_applicant_id_key'))
    )
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matters_applicant_id'), ['applicant_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=True),
    sa.Column('region', sa.String(length=10), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role != 'city' OR region IS NOT NULL", name=op.f('ck_users_city_region')),
    sa.CheckConstraint("role != 'department' OR department_id IS NOT NULL", name=op.f('ck_users_department_unit')),
    sa.CheckConstraint("role != 'enterprise' OR uscc IS NOT NULL", name=op.f('ck_users_enterprise_uscc')),
    sa.CheckConstraint("role IN ('enterprise', 'city', 'department', 'finance', 'admin', 'auditor')", name=op.f('ck_users_role')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_users_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('whitelist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=10), nullable=False),
    sa.Column('industry', sa.String(length=4), nullable=False),
    sa.Column('included', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_whitelist_entries_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['version_id'], ['whitelist_versions.id'], name=op.f('fk_whitelist_entries_version_id_whitelist_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_whitelist_entries')),
    sa.UniqueConstraint('version_id', 'applicant_id', name=op.f('uq_whitelist_entries_version_id_applicant_id'))
    )
    with op.batch_alter_table('whitelist_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_whitelist_entries_version_id'), ['version_id'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.String(length=40), nullable=False),
    sa.Column('measure', sa.Integer(), nullable=False),
    sa.Column('amount_requested', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('declaration', sa.Text(), nullable=True),
    sa.Column('declared_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_on', sa.Date(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('city', sa.String(length=10), nullable=True),
    sa.Column('city_review', sa.Boolean(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('policy_version', sa.String(length=20), nullable=True),
    sa.Column('ceiling', sa.BigInteger(), nullable=True),
    sa.Column('rule_status', sa.String(length=20), nullable=True),
    sa.Column('match_result', sa.JSON(), nullable=True),
    sa.Column('case_snapshot', sa.JSON(), nullable=True),
    sa.Column('expert_score', sa.Integer(), nullable=True),
    sa.Column('amount_proposed', sa.BigInteger(), nullable=True),
    sa.Column('announcement_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount_proposed IS NULL OR amount_proposed >= 0', name=op.f('ck_applications_amount_proposed')),
    sa.CheckConstraint('amount_requested >= 0', name=op.f('ck_applications_amount_requested')),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_applications_announcement_id_announcements')),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicants.id'], name=op.f('fk_applications_applicant_id_applicants')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_applications_department_id_departments')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_applications_matter_id_matters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_announcement_id'), ['announcement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_city'), ['city'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_uscc'), ['uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_year'), ['year'], unique=False)

    op.create_table('disbursements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_disbursements_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disbursements')),
    sa.UniqueConstraint('application_id', name=op.f('uq_disbursements_application_id'))
    )
    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.String(length=40), nullable=False),
    sa.Column('measure', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('ceiling', sa.BigInteger(), nullable=True),
    sa.Column('approved_on', sa.Date(), nullable=False),
    sa.Column('approved_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_grants_amount')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_grants_application_id_applications')),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_grants_budget_id_budgets')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_grants_matter_id_matters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants')),
    sa.UniqueConstraint('application_id', name=op.f('uq_grants_application_id')),
    sa.UniqueConstraint('matter_id', name=op.f('uq_grants_matter_id'))
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_budget_id'), ['budget_id'], unique=False)

    op.create_table('materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=10), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_materials_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_materials'))
    )
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_materials_application_id'), ['application_id'], unique=False)

    op.create_table('transitions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=False),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_transitions_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transitions'))
    )
    with op.batch_alter_table('transitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transitions_application_id'), ['application_id'], unique=False)
    # The audit chain starts from a fixed genesis link (seq 0).
    head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.BigInteger),
                    sa.column("hash", sa.String))
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])


def downgrade() -> None:
    with op.batch_alter_table('transitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transitions_application_id'))

    op.drop_table('transitions')
    with op.batch_alter_table('materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_materials_application_id'))

    op.drop_table('materials')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_budget_id'))

    op.drop_table('grants')
    op.drop_table('disbursements')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_year'))
        batch_op.drop_index(batch_op.f('ix_applications_uscc'))
        batch_op.drop_index(batch_op.f('ix_applications_state'))
        batch_op.drop_index(batch_op.f('ix_applications_matter_id'))
        batch_op.drop_index(batch_op.f('ix_applications_department_id'))
        batch_op.drop_index(batch_op.f('ix_applications_city'))
        batch_op.drop_index(batch_op.f('ix_applications_applicant_id'))
        batch_op.drop_index(batch_op.f('ix_applications_announcement_id'))

    op.drop_table('applications')
    with op.batch_alter_table('whitelist_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_whitelist_entries_version_id'))

    op.drop_table('whitelist_entries')
    op.drop_table('users')
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matters_applicant_id'))

    op.drop_table('matters')
    with op.batch_alter_table('growth_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_growth_figures_applicant_id'))

    op.drop_table('growth_figures')
    with op.batch_alter_table('applicant_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applicant_profiles_applicant_id'))

    op.drop_table('applicant_profiles')
    op.drop_table('announcements')
    op.drop_table('whitelist_versions')
    op.drop_table('departments')
    op.drop_table('budgets')
    op.drop_table('audit_head')
    op.drop_table('audit_events')
    op.drop_table('applicants')
