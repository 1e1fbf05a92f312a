"""Open a 公示 batch for proposed awards, and record objections during it."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from huiqi.announcements import repository
from huiqi.announcements.calendar import last_working_day
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.config import get_settings
from huiqi.errors import Conflict, InputError
from huiqi.models import Announcement, Application, User
from huiqi.users.scope import require_role
from huiqi.workflow import service as workflow


def open_batch(session: Session, *, actor: User, application_ids: list[int], starts_on: date,
               working_days: int | None = None, title: str | None = None) -> Announcement:
    """Put proposed awards on 公示 from ``starts_on`` for ``working_days`` working days (default from settings)."""
    require_role(actor, "department", doing="发布公示")
    if not application_ids:
        raise InputError([("application_ids", "公示至少包含一项申报")])
    days = working_days or get_settings().announcement_working_days
    ends_on = last_working_day(starts_on, days)
    found = [applications.get(session, actor=actor, application_id=i) for i in application_ids]
    for application in found:
        workflow.check(application, action="announce", actor=actor)
        workflow.dated(session, application, action="announce", on=starts_on)
    batch = repository.add(session, Announcement(
        title=title or f"拟支持项目公示（{starts_on.isoformat()}）", department_id=actor.department_id,
        starts_on=starts_on, working_days=days, ends_on=ends_on, created_by=actor.username))
    for application in found:
        application.announcement_id = batch.id
        workflow.move(session, application=application, action="announce", actor=actor, on=starts_on)
    audit.record(session, actor=actor.username, action="announcement.open", entity="announcement",
                 entity_id=batch.id, after={"applications": application_ids, "starts_on": starts_on,
                                            "working_days": days, "ends_on": ends_on})
    return batch


def announcement_of(session: Session, application: Application) -> Announcement:
    batch = repository.get(session, application.announcement_id) if application.announcement_id else None
    if batch is None:
        raise Conflict(f"申报 {application.id} 没有公示记录")
    return batch


def object_to(session: Session, *, actor: User, application_id: int, reasons: str, on: date) -> Application:
    """An objection received during 公示 (recorded by the lead department) sends it back to review."""
    application = applications.get(session, actor=actor, application_id=application_id)
    workflow.check(application, action="object", actor=actor)
    batch = announcement_of(session, application)
    if not batch.starts_on <= on <= batch.ends_on:
        raise Conflict(f"公示期为 {batch.starts_on} 至 {batch.ends_on}，{on} 不在公示期内")
    workflow.move(session, application=application, action="object", actor=actor, on=on, reasons=reasons)
    application.announcement_id = None
    return application


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


def public_listing(session: Session) -> list[PublicBatch]:
    """Every 公示 batch with its entries, newest first: public, no sign-in needed."""
    return [
        PublicBatch(batch.id, batch.title, batch.starts_on, batch.ends_on, batch.working_days, [
            PublicEntry(a.id, profile.name if profile and profile.name else a.uscc, a.uscc, a.policy_id, a.measure,
                        a.amount_proposed, a.state) for a, profile in rows])
        for batch, rows in repository.listed(session)
    ]


def managed(session: Session, *, actor: User) -> list[tuple[Announcement, list[Application]]]:
    """The 公示 batches a department opened, with the applications still in them (finance, admin and the
    auditor see every batch)."""
    require_role(actor, "department", "finance", "admin", "auditor", doing="管理公示")
    return repository.managed(session, actor.department_id if actor.role == "department" else None)
