"""公示 as people read it: the public listing and a department's batches. Opening a batch and recording
an objection are workflow steps (``workflow/steps.py``)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from huiqi.announcements import repository
from huiqi.departments.repository import all_departments
from huiqi.models import Announcement, Application, User
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.workflow.states import STATES, State


@dataclass
class PublicEntry:
    """One line of a 公示 as the public sees it: who, for what, how much, and where it stands."""

    application_id: int
    applicant: str
    uscc: str
    policy_id: str
    measure: int
    amount_proposed: int | None
    state: str


@dataclass
class PublicBatch:
    id: int
    title: str
    starts_on: date
    ends_on: date
    working_days: int
    entries: list[PublicEntry]
    department: str | None = None  # who issued it, and to whom objections go

    def period(self, today: date) -> str:
        """Where the 公示 stands on ``today``: 未开始, 公示中 or 已结束."""
        return "未开始" if today < self.starts_on else "公示中" if today <= self.ends_on else "已结束"

    def status_of(self, entry: PublicEntry, today: date) -> str:
        """An item's status by its own period (an item still 公示中 a year later would mislead)."""
        if entry.state != State.ANNOUNCED:
            return STATES.get(entry.state, entry.state)
        return {"未开始": "公示未开始", "公示中": "公示中", "已结束": "公示期满，待批准"}[self.period(today)]


def public_listing(session: Session) -> list[PublicBatch]:
    """Every 公示 batch that still lists an application, newest first: public, no sign-in needed."""
    units = {d.id: d.name for d in all_departments(session)}
    return [
        PublicBatch(batch.id, batch.title, batch.starts_on, batch.ends_on, batch.working_days, [
            PublicEntry(a.id, profile.name if profile and profile.name else a.uscc, a.uscc, a.policy_id, a.measure,
                        a.amount_proposed, a.state) for a, profile in rows], units.get(batch.department_id or 0))
        for batch, rows in repository.listed(session) if rows
    ]


def managed(session: Session, *, actor: User) -> list[tuple[Announcement, list[Application]]]:
    """The 公示 batches a department opened, with the applications still in them (finance, admin and the
    auditor see every batch)."""
    require_role(actor, Role.DEPARTMENT, Role.FINANCE, Role.ADMIN, Role.AUDITOR, doing="管理公示")
    return repository.managed(session, actor.department_id if actor.role == Role.DEPARTMENT else None)
