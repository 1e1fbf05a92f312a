"""SQL of applicants, their profile history and matters."""

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiqi.errors import Conflict
from huiqi.models import Applicant, ApplicantProfile, Application, Grant, Matter, MatterListing, Offer
from huiqi.workflow.states import EDITABLE, ENDED, State


def by_uscc(session: Session, uscc: str) -> Applicant | None:
    return session.scalars(select(Applicant).where(Applicant.uscc == uscc)).one_or_none()


def add(session: Session, row: Applicant | ApplicantProfile | Matter) -> None:
    session.add(row)
    session.flush()


def current_profile(session: Session, applicant_id: int) -> ApplicantProfile | None:
    query = (select(ApplicantProfile).where(ApplicantProfile.applicant_id == applicant_id)
             .order_by(ApplicantProfile.version.desc()).limit(1))
    return session.scalars(query).one_or_none()


def profile_at(session: Session, applicant_id: int, moment: datetime) -> ApplicantProfile | None:
    """The applicant's profile recorded last at or before ``moment`` (its first one, if all came later)."""
    query = (select(ApplicantProfile).where(ApplicantProfile.applicant_id == applicant_id,
                                            ApplicantProfile.recorded_at <= moment)
             .order_by(ApplicantProfile.version.desc()).limit(1))
    found = session.scalars(query).one_or_none()
    return found if found is not None else session.scalars(
        select(ApplicantProfile).where(ApplicantProfile.applicant_id == applicant_id)
        .order_by(ApplicantProfile.version).limit(1)).one_or_none()


def profiles_at(session: Session, wanted: set[tuple[int, datetime]]) -> dict[tuple[int, datetime],
                                                                            ApplicantProfile | None]:
    """``profile_at`` for many (applicant id, moment) pairs, in one query."""
    versions: dict[int, list[ApplicantProfile]] = {}
    if wanted:
        query = select(ApplicantProfile).where(ApplicantProfile.applicant_id.in_(sorted({a for a, _ in wanted})))
        for p in session.scalars(query.order_by(ApplicantProfile.version)):
            versions.setdefault(p.applicant_id, []).append(p)
    found: dict[tuple[int, datetime], ApplicantProfile | None] = {}
    for applicant_id, moment in wanted:
        kept = versions.get(applicant_id, [])
        found[applicant_id, moment] = next((p for p in reversed(kept) if p.recorded_at <= moment),
                                           kept[0] if kept else None)
    return found


def profiles(session: Session, applicant_id: int) -> list[ApplicantProfile]:
    query = select(ApplicantProfile).where(ApplicantProfile.applicant_id == applicant_id)
    return list(session.scalars(query.order_by(ApplicantProfile.version)))


def current_profiles(session: Session) -> list[tuple[Applicant, ApplicantProfile]]:
    """Every applicant with its latest profile."""
    latest = (select(ApplicantProfile.applicant_id, func.max(ApplicantProfile.version).label("version"))
              .group_by(ApplicantProfile.applicant_id).subquery())
    query = (select(Applicant, ApplicantProfile)
             .join(ApplicantProfile, ApplicantProfile.applicant_id == Applicant.id)
             .join(latest, (latest.c.applicant_id == ApplicantProfile.applicant_id)
                   & (latest.c.version == ApplicantProfile.version))
             .order_by(Applicant.uscc))
    return [(a, p) for a, p in session.execute(query)]


def matters(session: Session, applicant_id: int) -> list[Matter]:
    return list(session.scalars(select(Matter).where(Matter.applicant_id == applicant_id).order_by(Matter.id)))


def matter(session: Session, applicant_id: int, key: str) -> Matter | None:
    query = select(Matter).where(Matter.applicant_id == applicant_id, Matter.key == key)
    return session.scalars(query).one_or_none()


def lock_matter(session: Session, matter_id: int) -> Matter:
    """The matter, locked until the transaction ends (PostgreSQL; SQLite locks the whole file), read afresh; one
    deleted meanwhile (by its owner, at the same moment) is a conflict."""
    found = session.scalars(select(Matter).where(Matter.id == matter_id).with_for_update()
                            .execution_options(populate_existing=True)).one_or_none()
    if found is None:
        raise Conflict("该事项刚刚已被删除，请刷新页面后查看")
    return found


def lock_matters(session: Session, applicant_id: int) -> list[Matter]:
    """Every matter of the applicant, locked in id order (the order every step keeps) and read afresh: a change of
    the applicant's profile judges them all again."""
    query = select(Matter).where(Matter.applicant_id == applicant_id).order_by(Matter.id).with_for_update()
    return list(session.scalars(query.execution_options(populate_existing=True)))


def lock_matters_of(session: Session, applicant_ids: Collection[int]) -> list[Matter]:
    """Every matter of the applicants, locked in id order (the order every step keeps) and read afresh."""
    query = select(Matter).where(Matter.applicant_id.in_(sorted(applicant_ids))).order_by(Matter.id).with_for_update()
    return list(session.scalars(query.execution_options(populate_existing=True))) if applicant_ids else []


def same_recognition(session: Session, matter: Matter) -> list[Matter]:
    """The applicant's other matters that record the same recognition as ``matter``, oldest first: honours of the
    same date sharing a code (an enterprise is not recognised twice on one day for one thing). Support is given
    once across them: lists imported one after another under different document numbers made such twins before an
    import learned to confirm the matter already there. Projects are never twins (两个项目可同日备案). ``matter``
    may be one not yet written (no id), as a declaration is checked before it is saved."""
    if matter.type != "honour" or matter.date is None:
        return []
    query = select(Matter).where(Matter.applicant_id == matter.applicant_id, Matter.type == "honour",
                                 Matter.date == matter.date).order_by(Matter.id)
    if matter.id is not None:
        query = query.where(Matter.id != matter.id)
    return [m for m in session.scalars(query) if twins(m, matter)]


def twins(one: Matter, other: Matter) -> bool:
    """Whether two matters record the same recognition (``same_recognition``)."""
    return (one.id != other.id and one.applicant_id == other.applicant_id and one.type == other.type == "honour"
            and one.date is not None and one.date == other.date and bool(set(one.codes) & set(other.codes)))


def recognition_ids(session: Session, matter_id: int) -> list[int]:
    """The matter's id and those of its twins (``same_recognition``), in id order: what no stacking weighs."""
    found = session.get(Matter, matter_id)
    if found is None:
        return [matter_id]
    return sorted([matter_id, *(m.id for m in same_recognition(session, found))])


def lock_recognition(session: Session, matter_id: int) -> list[Matter]:
    """The matter and its twins, locked in id order (the order every step keeps): a twin's approval or application
    at this moment waits, then is seen."""
    locked = []
    for i in recognition_ids(session, matter_id):
        try:
            locked.append(lock_matter(session, i))
        except Conflict:  # a twin its owner deleted at this moment weighs nothing
            if i == matter_id:
                raise
    return locked


def uses_of_matter(session: Session, matter_id: int) -> str:
    """What refers to a matter, as people read it ('' when nothing does): its applications, offers, grants and the
    lists that named it."""
    counts = [(what, session.scalar(select(func.count()).select_from(model).where(model.matter_id == matter_id)))
              for what, model in (("申报", Application), ("免申即享记录", Offer), ("获批记录", Grant),
                                  ("认定名单记录", MatterListing))]
    return "、".join(f"{n} 项{what}" for what, n in counts if n)


def offered(session: Session, applicant_id: int) -> dict[tuple[int, str, int], str]:
    """(matter id, policy, measure) of every offer made to the applicant, with the state of the latest."""
    query = select(Offer.matter_id, Offer.policy_id, Offer.measure, Offer.state) \
        .where(Offer.applicant_id == applicant_id).order_by(Offer.id)
    return {(m, p, n): state for m, p, n, state in session.execute(query)}


def latest_offer(session: Session, matter_id: int) -> Offer | None:
    """The matter's latest offer, whatever became of it."""
    return session.scalars(select(Offer).where(Offer.matter_id == matter_id).order_by(Offer.id.desc()).limit(1)).first()


def has_application_with(session: Session, applicant_id: int, department_id: int) -> bool:
    query = select(Application.id).where(Application.applicant_id == applicant_id,
                                         Application.department_id == department_id).limit(1)
    return session.scalar(query) is not None


# A matter is the record an application is judged on: it stays as it is from submission to the end.
FROZEN = tuple(s for s in State if s not in (*EDITABLE, *ENDED))


def frozen_by(session: Session, matter_id: int) -> Application | None:
    """An application under review (or granted) for this matter, if any."""
    query = select(Application).where(Application.matter_id == matter_id, Application.state.in_(FROZEN))
    return session.scalars(query.order_by(Application.id).limit(1)).one_or_none()
