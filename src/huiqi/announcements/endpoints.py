"""公示 over HTTP for the departments: open a batch, record an objection, list their batches.
(The public listing is ``GET /api/v1/announcements`` in the public door.)"""

from fastapi import APIRouter
from sqlalchemy.orm import Session

from huiqi.announcements import service as announcements
from huiqi.announcements.schemas import AnnouncementCreate, AnnouncementRead, ObjectionCreate
from huiqi.announcements.service import ManagedEntry, published_name
from huiqi.models import Announcement, ApplicantProfile, Application
from huiqi.review import reading
from huiqi.review.schemas import ReviewItem
from huiqi.web.deps import Actor, Db, step_first
from huiqi.web.pagination import Page, PagingDep
from huiqi.workflow.runner import run
from huiqi.workflow.states import Action

router = APIRouter(prefix="/announcements", tags=["公示"])


def read(session: Session, batch: Announcement,
         entries: list[tuple[Application, ApplicantProfile | None]]) -> AnnouncementRead:
    """A batch as its department reads it: each applicant named as published, with its name now if changed since."""
    return AnnouncementRead(
        id=batch.id, title=batch.title, department=reading.department_name(session, batch.department_id),
        starts_on=batch.starts_on, ends_on=batch.ends_on, working_days=batch.working_days,
        created_by=batch.created_by, entries=[_entry(session, a, profile) for a, profile in entries])


def _entry(session: Session, application: Application, profile: ApplicantProfile | None) -> ManagedEntry:
    published, now = published_name(application, profile), reading.applicant_name(session, application)
    return ManagedEntry(application.id, published, application.uscc, application.policy_id, application.measure,
                        application.amount_proposed, application.state, renamed=now if now != published else None)


@router.post("", response_model=AnnouncementRead, status_code=201, summary="发布公示（责任单位）",
             dependencies=step_first(Action.ANNOUNCE))
def open_batch(body: AnnouncementCreate, actor: Actor, session: Db) -> AnnouncementRead:
    done = run(session, Action.ANNOUNCE, actor=actor, application_ids=body.application_ids, starts_on=body.starts_on,
               working_days=body.working_days, title=body.title)
    session.commit()
    batch = done.written
    entries = next(rows for b, rows in announcements.managed(session, actor=actor) if b.id == batch.id)
    return read(session, batch, entries)


@router.get("/manage", response_model=Page[AnnouncementRead], summary="本单位发布的公示")
def managed(actor: Actor, session: Db, paging: PagingDep) -> dict:
    batches = announcements.managed(session, actor=actor)
    shown = [read(session, b, rows) for b, rows in paging.slice(batches)]
    return {"items": shown, "total": len(batches), "page": paging.page, "size": paging.size}


@router.post("/objections", response_model=ReviewItem, summary="记录公示期间收到的异议（退回审核）",
             dependencies=step_first(Action.OBJECT))
def object_to(body: ObjectionCreate, actor: Actor, session: Db) -> ReviewItem:
    done = run(session, Action.OBJECT, actor=actor, application_id=body.application_id, reasons=body.reasons,
               seen=body.seen())
    session.commit()
    return ReviewItem.of(reading.rows(session, [done.application])[0])
