"""SQL of 公示 batches."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.applicants.repository import profiles_at
from huiqi.models import Announcement, ApplicantProfile, Application, Matter, Round


def add(session: Session, announcement: Announcement) -> Announcement:
    session.add(announcement)
    session.flush()
    return announcement


def get(session: Session, announcement_id: int) -> Announcement | None:
    return session.get(Announcement, announcement_id)


def of_application(session: Session, application: Application) -> Announcement | None:
    """The 公示 batch the application is listed in (kept after approval; None once an objection sent it back)."""
    return get(session, application.announcement_id) if application.announcement_id else None


def by_ids(session: Session, ids: set[int]) -> dict[int, Announcement]:
    """The batches of ``ids``, in one query."""
    if not ids:
        return {}
    return {b.id: b for b in session.scalars(select(Announcement).where(Announcement.id.in_(sorted(ids))))}


def listed(session: Session) -> list[tuple[Announcement, list[tuple[Application, ApplicantProfile | None]]]]:
    """Every 公示 batch, newest first, with its applications and each applicant's profile as it stood when the batch
    was published: what was published does not change when an enterprise later edits its name."""
    return _with_applications(session, select(Announcement))


def public_order(session: Session) -> list[int]:
    """The ids of the batches the public list shows (``service.public_listing``), in its order, newest first: those
    holding an application, or opened with some (every one gone back to review on an objection: listed, saying so)."""
    held = select(Application.id).where(Application.announcement_id == Announcement.id).exists()
    return list(session.scalars(select(Announcement.id).where(held | (Announcement.opened_with > 0))
                                .order_by(Announcement.starts_on.desc(), Announcement.id.desc())))


def _with_applications(session: Session, batches) -> list[tuple[Announcement, list[tuple[Application,
                                                                                      ApplicantProfile | None]]]]:
    """The batches of the query ``batches``, newest first, each with its applications and their applicants' profiles
    as published (three queries however many)."""
    found = list(session.scalars(batches.order_by(Announcement.starts_on.desc(), Announcement.id.desc())))
    created = {b.id: b.created_at for b in found}
    rows: dict[int, list[Application]] = {}
    if found:
        query = select(Application).where(Application.announcement_id.in_(sorted(created))).order_by(Application.id)
        for a in session.scalars(query):
            rows.setdefault(a.announcement_id or 0, []).append(a)
    profiles = profiles_at(session, {(a.applicant_id, created[i]) for i, apps in rows.items() for a in apps})
    return [(b, [(a, profiles[a.applicant_id, b.created_at]) for a in rows.get(b.id, [])]) for b in found]


def matters(session: Session, ids: set[int]) -> dict[int, Matter]:
    """The matters ``ids``, by id (one query)."""
    if not ids:
        return {}
    return {m.id: m for m in session.scalars(select(Matter).where(Matter.id.in_(sorted(ids))))}


def round_contacts(session: Session, ids: set[int]) -> dict[int, str]:
    """The 咨询电话 of each of the rounds ``ids`` that has one, by id (one query)."""
    if not ids:
        return {}
    return {i: c for i, c in session.execute(select(Round.id, Round.contact).where(Round.id.in_(ids))) if c}


def managed(session: Session, department_id: int | None) -> list[tuple[Announcement, list[tuple[Application,
                                                                                      ApplicantProfile | None]]]]:
    """The batches a department opened (every batch when ``department_id`` is None), newest first, each with its
    applications and their applicants' profiles as published (as ``listed`` gives them to the public)."""
    query = select(Announcement)
    if department_id is not None:
        query = query.where(Announcement.department_id == department_id)
    return _with_applications(session, query)
