"""SQL of statistics: one grouped query over applications, their grants and their payments."""

from collections.abc import Mapping
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications.repository import within
from huiqi.models import Announcement, Application, Department, Disbursement, Grant
from huiqi.users.scope import Scope
from huiqi.workflow.states import State

# An application in 公示 as people read it on the business day (``announcements.service.status``): before its 公示
# begins, and after it ends awaiting approval; only one whose 公示 runs today is 公示中 (``announced``).
ANNOUNCED_UPCOMING, ANNOUNCED_ENDED = "announced_upcoming", "announced_ended"
STANDING_LABELS = {ANNOUNCED_UPCOMING: "公示未开始", ANNOUNCED_ENDED: "公示期满，待批准"}


def standing(today: date):  # type: ignore[no-untyped-def]
    """The state column as read on ``today``: an announced application by where its 公示 stands."""
    announced = Application.state == State.ANNOUNCED
    return case((and_(announced, Announcement.starts_on > today), ANNOUNCED_UPCOMING),
                (and_(announced, Announcement.ends_on < today), ANNOUNCED_ENDED), else_=Application.state)

COLUMNS = {
    "policy": Application.policy_id, "measure": Application.measure, "city": Application.city,
    "department": Department.name, "year": Application.year, "state": Application.state,
}


def grouped(session: Session, scope: Scope, by: tuple[str, ...],
            where: Mapping[str, str | int] | None = None) -> list[tuple]:
    """Rows of (*keys, applications, requested, proposed, approved, approved amount, disbursed amount), of the
    applications whose ``where`` columns (names of ``COLUMNS``) hold the values given, within ``scope`` still."""
    columns = {**COLUMNS, "state": standing(clock.today())}
    keys = [columns[name].label(name) for name in by]
    query = (
        select(*keys, func.count(Application.id), func.coalesce(func.sum(Application.amount_requested), 0),
               func.coalesce(func.sum(Application.amount_proposed), 0),
               func.count(Grant.id), func.coalesce(func.sum(Grant.amount), 0),
               func.coalesce(func.sum(Disbursement.amount), 0))
        .select_from(Application)
        .outerjoin(Department, Department.id == Application.department_id)
        .outerjoin(Announcement, Announcement.id == Application.announcement_id)
        .outerjoin(Grant, Grant.application_id == Application.id)
        .outerjoin(Disbursement, Disbursement.application_id == Application.id)
        .where(Application.submitted_on.is_not(None),
               *(columns[name] == value for name, value in (where or {}).items()))
    )
    query = within(query, scope).group_by(*keys).order_by(*keys)
    return [tuple(row) for row in session.execute(query)]
