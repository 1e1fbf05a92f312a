"""公示 as people read it: the public listing and a department's batches. Opening a batch and recording
an objection are workflow steps (``workflow/steps.py``)."""

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from huiqi.announcements import repository
from huiqi.departments.repository import all_departments
from huiqi.labels import matter_label
from huiqi.models import Announcement, ApplicantProfile, Application, Matter, User
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import search_word
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
    matter: str = ""  # what is supported: the recognition with its level and date, or the project's kind and date



@dataclass
class ManagedEntry(PublicEntry):
    """A line of a 公示 as its department manages it: the name as published (what the public read and objected
    to), and the applicant's name now when it has changed since."""

    renamed: str | None = None


def published_name(application: Application, profile: ApplicantProfile | None) -> str:
    """The applicant's name on a 公示 line: as its profile when the batch was opened gave it, or its credit code."""
    return profile.name if profile is not None and profile.name else application.uscc


@dataclass
class PublicBatch:
    id: int
    title: str
    starts_on: date
    ends_on: date
    working_days: int
    entries: list[PublicEntry]
    department: str | None = None  # who issued it, and to whom objections go
    returned: int = 0  # how many of its applications went back to review on an objection (none named)
    phones: tuple[str, ...] = ()  # the 咨询电话 of the rounds its applications came in, as the rounds page shows them

    def period(self, today: date) -> str:
        """Where the 公示 stands on ``today``: 未开始, 公示中 or 已结束."""
        return period(self.starts_on, self.ends_on, today)

    def status_of(self, entry: PublicEntry, today: date) -> str:
        """An item's status by its own period (an item still 公示中 a year later would mislead)."""
        return status(entry.state, self.starts_on, self.ends_on, today)


ANNOUNCED = {"未开始": "公示未开始", "公示中": "公示中", "已结束": "公示期满，待批准"}  # an announced item, by period


def period(starts_on: date, ends_on: date, today: date) -> str:
    """Where a 公示 from ``starts_on`` to ``ends_on`` stands on ``today``: 未开始, 公示中 or 已结束."""
    return "未开始" if today < starts_on else "公示中" if today <= ends_on else "已结束"


def status(state: str, starts_on: date, ends_on: date, today: date) -> str:
    """An application's state as people read it on ``today``, when it is (or was) in a 公示 from ``starts_on`` to
    ``ends_on``: while announced, where that 公示 stands."""
    return ANNOUNCED[period(starts_on, ends_on, today)] if state == State.ANNOUNCED else STATES.get(state, state)


def status_of(application: Application, batch: Announcement | None, today: date) -> str:
    """An application's state as people should read it on ``today``, given its 公示 batch (None when it has none):
    for one in 公示, where its 公示 stands (公示未开始, 公示中, 公示期满，待批准), since the state alone still says
    公示中 long after it ended."""
    if batch is None:
        return STATES.get(application.state, application.state)
    return status(application.state, batch.starts_on, batch.ends_on, today)


def standing(session: Session, applications: list[Application], today: date) -> dict[int, str]:
    """``status_of`` each application, by id, their batches read in one query."""
    ids = {a.announcement_id for a in applications if a.state == State.ANNOUNCED and a.announcement_id}
    batches = repository.by_ids(session, ids)
    return {a.id: status_of(a, batches.get(a.announcement_id or 0), today) for a in applications}


def state_label(session: Session, application: Application, today: date) -> str:
    """``status_of`` one application: the label every page and message gives it (公示期满，待批准, not 公示中)."""
    return standing(session, [application], today)[application.id]


def public_listing(session: Session) -> list[PublicBatch]:
    """Every 公示 batch, newest first, with how many of its applications went back to review on an objection (a
    batch left empty so is still listed, saying so): public, no sign-in needed."""
    units = {d.id: d.name for d in all_departments(session)}
    listed = repository.listed(session)
    contact = repository.round_contacts(session, {a.round_id for _, rows in listed for a, _ in rows if a.round_id})
    matters = repository.matters(session, {a.matter_id for _, rows in listed for a, _ in rows})
    found = [
        PublicBatch(batch.id, batch.title, batch.starts_on, batch.ends_on, batch.working_days, [
            PublicEntry(a.id, published_name(a, profile), a.uscc, a.policy_id, a.measure, a.amount_proposed, a.state,
                        described(matters.get(a.matter_id)))
            for a, profile in rows], units.get(batch.department_id or 0),
            max(batch.opened_with - len(rows), 0),
            tuple(dict.fromkeys(contact[a.round_id] for a, _ in rows if contact.get(a.round_id or 0))))
        for batch, rows in listed
    ]
    return [b for b in found if b.entries or b.returned]


def described(matter: Matter | None) -> str:
    """What a 公示 line supports, as the pages name a matter (its type, level, kind of project and date), never its
    sums."""
    if matter is None:
        return ""
    return matter_label(matter.codes, (matter.facts or {}).get("level"), matter.date, matter.facts)


def narrowed(batches: list[PublicBatch], word: str | None = None, year: int | None = None) -> list[PublicBatch]:
    """The batches of ``year`` (by their first day), each keeping the lines whose applicant's name or credit code
    holds ``word``; a batch left with none is left out (one emptied by objections stays when no word is given)."""
    word, names = search_word(word)  # as typed with a Chinese input method; （演示） typed as (演示)
    found = []
    for batch in batches:
        if year is not None and batch.starts_on.year != year:
            continue
        entries = [e for e in batch.entries
                   if not word or any(n in e.applicant for n in names) or word.upper() in e.uscc]
        if entries or (not word and batch.returned):
            found.append(replace(batch, entries=entries))
    return found


def managed(session: Session, *, actor: User) -> list[tuple[Announcement, list[tuple[Application,
                                                                                ApplicantProfile | None]]]]:
    """The 公示 batches a department opened, with the applications still in them, each with its applicant's profile
    as it stood when the batch was published (finance, admin and the auditor see every batch)."""
    require_role(actor, Role.DEPARTMENT, Role.FINANCE, Role.ADMIN, Role.AUDITOR, doing="管理公示")
    return repository.managed(session, actor.department_id if actor.role == Role.DEPARTMENT else None)
