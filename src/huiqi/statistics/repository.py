"""SQL of statistics: one grouped query over applications, their grants and their payments."""

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiqi.applications.repository import within
from huiqi.models import Application, Department, Disbursement, Grant
from huiqi.users.scope import Scope

COLUMNS = {
    "policy": Application.policy_id, "measure": Application.measure, "city": Application.city,
    "department": Department.name, "year": Application.year, "state": Application.state,
}


def grouped(session: Session, scope: Scope, by: tuple[str, ...],
            where: Mapping[str, str | int] | None = None) -> list[tuple]:
    """Rows of (*keys, applications, requested, proposed, approved, approved amount, disbursed amount), of the
    applications whose ``where`` columns (names of ``COLUMNS``) hold the values given, within ``scope`` still."""
    keys = [COLUMNS[name].label(name) for name in by]
    query = (
        select(*keys, func.count(Application.id), func.coalesce(func.sum(Application.amount_requested), 0),
               func.coalesce(func.sum(Application.amount_proposed), 0),
               func.count(Grant.id), func.coalesce(func.sum(Grant.amount), 0),
               func.coalesce(func.sum(Disbursement.amount), 0))
        .select_from(Application)
        .outerjoin(Department, Department.id == Application.department_id)
        .outerjoin(Grant, Grant.application_id == Application.id)
        .outerjoin(Disbursement, Disbursement.application_id == Application.id)
        .where(Application.submitted_on.is_not(None),
               *(COLUMNS[name] == value for name, value in (where or {}).items()))
    )
    query = within(query, scope).group_by(*keys).order_by(*keys)
    return [tuple(row) for row in session.execute(query)]
