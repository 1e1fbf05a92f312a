"""Rounds (申报批次).

A round opens measures of a published policy between two dates, with per measure the materials required,
the year's budget and whether an expert score is required, and for the round its 办事指南, contact, the
公示's working days and the working days given to answer a return for correction. An application belongs to
a round: it is drafted and submitted only while the round is open; a returned one may be answered within the
round's correction days even after the deadline. A policy past its window may still have a round: its
matters dated inside the window are still judged by it (how 辽政办〔2022〕35号's claims are administered).

Two rounds of a policy may take the same measure on the same days (a supplementary round beside the yearly one):
an application names its round, a matter has one live application and one grant per policy, and approval draws
on the measure's budget of the year, not on a round's; where one round must be chosen for a measure (立即申报,
政策直达, the closing reminders) it is the one closing last. Whoever opens such a round is told (``overlapping``).

This module reads rounds; ``opening`` opens one, ``editing`` changes one opened (close, extend, correct, add a
measure), ``submission`` holds an application to its round's dates and materials."""

import hashlib
import json
from datetime import date

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.errors import NotFound
from huiqi.models import Application, Department, Round, RoundMeasure, User
from huiqi.rounds import repository
from huiqi.users.names import SYSTEM_NAME
from huiqi.users.roles import ROLE_LABELS, Role

CANCELLED = "已取消"


def is_open(found: Round, day: date) -> bool:
    """Open on ``day``: between its dates and not closed early."""
    return found.opens_on <= day <= found.closes_on and found.closed_at is None


def status(found: Round, day: date) -> str:
    if found.cancelled:  # before "未开始": a cancelled round will never start
        return CANCELLED
    if day < found.opens_on:
        return f"未开始（{found.opens_on} 起）"
    if day > found.closes_on or found.closed_at is not None:
        return "已截止"
    return f"申报中（截止 {found.closes_on}）"


def listed(session: Session) -> list[Round]:
    return repository.every(session)


def open_now(session: Session, day: date | None = None) -> list[Round]:
    day = day or clock.today()
    return [r for r in repository.every(session) if is_open(r, day)]


def open_by_measure(session: Session, day: date | None = None) -> dict[tuple[str, int], Round]:
    """(policy, measure) → the open round that takes it (of several, the one closing last): where an eligible
    result leads (立即申报), or, when absent, that no round is open for it."""
    found: dict[tuple[str, int], Round] = {}
    for r in sorted(open_now(session, day), key=lambda r: r.closes_on):
        for m in measures(session, r.id):
            found[(r.policy_id, m.measure)] = r
    return found


def direct_measures(session: Session, day: date | None = None,
                    taking: dict[tuple[str, int], Round] | None = None) -> set[tuple[str, int]]:
    """(policy, measure) delivered 免申即享 by the open round that takes them (``taking``, when already read by
    ``open_by_measure``): no application, no 立即申报."""
    return {key for key, r in (taking if taking is not None else open_by_measure(session, day)).items()
            if (m := repository.measure(session, r.id, key[1])) is not None and m.mode == "direct"}


def get(session: Session, round_id: int) -> Round:
    found = repository.get(session, round_id)
    if found is None:
        raise NotFound(f"没有申报批次 {round_id}")
    return found


def measures(session: Session, round_id: int) -> list[RoundMeasure]:
    return repository.measures(session, round_id)


def of_applications(session: Session, applications: list[Application]) -> list[Round]:
    """The rounds the applications belong to (those from before rounds have none)."""
    ids = sorted({a.round_id for a in applications if a.round_id is not None})
    return [r for r in (repository.get(session, i) for i in ids) if r is not None]


def opened_measure(session: Session, app: Application) -> RoundMeasure | None:
    """The round's terms for the application's measure (None for an application from before rounds)."""
    return repository.measure(session, app.round_id, app.measure) if app.round_id is not None else None


def extensions(session: Session, round_ids: list[int]) -> dict[int, list[dict]]:
    """Each round's extensions, oldest first, from the audit trail: the deadline before and after, and why."""
    found: dict[int, list[dict]] = {}
    for event in audit.events_of(session, entity="round", action="round.extend", entity_ids=round_ids):
        found.setdefault(int(event.entity_id), []).append(
            {"from": date.fromisoformat(event.before["closes_on"]), "to": date.fromisoformat(event.after["closes_on"]),
             "reason": event.after["reason"]})
    return found


def manages(actor: User | None, found: Round) -> bool:
    """Whether ``actor`` may change the round (``editing``): an admin, its opener, or a reviewer of the unit it was
    opened for (a colleague takes the round over; a unit the opener later moves to does not)."""
    if actor is None or actor.role not in (Role.ADMIN, Role.DEPARTMENT):
        return False
    if actor.role == Role.ADMIN or found.opened_by == actor.username:
        return True
    return found.department_id is not None and found.department_id == actor.department_id


TEXTS = ("title", "guide", "contact")


def fingerprint(found: Round) -> str:
    """The round's texts as a form shows them, in short: sent back with a correction to tell a stale form."""
    joined = "\x00".join(getattr(found, name) or "" for name in TEXTS)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def terms(found: Round, rows: list[RoundMeasure]) -> str:
    """The round's dates and each measure's materials in short: sent back with a change of them (before the round
    opens) to tell a stale form."""
    said = [found.opens_on.isoformat(), found.closes_on.isoformat(),
            *(f"{m.measure}={json.dumps(m.materials, ensure_ascii=False, sort_keys=True)}" for m in rows)]
    return hashlib.sha256("\x00".join(said).encode("utf-8")).hexdigest()[:16]


def _opener(session: Session, found: Round) -> str:
    """Who opened the round, as the public reads it: the unit it was opened for (the department's reviewers manage
    it), else 管理员 (or 系统（自动） from the command line); never a login name, and no user read per round."""
    if found.department_id is not None and (unit := session.get(Department, found.department_id)) is not None:
        return unit.name
    return SYSTEM_NAME if found.opened_by == Role.SYSTEM else ROLE_LABELS[Role.ADMIN]


def read(session: Session, found: Round, day: date | None = None):
    """A round as the API and the pages show it."""
    from huiqi.rounds.schemas import ExtensionRead, MaterialRead, RoundMeasureRead, RoundRead

    day = day or clock.today()
    policy = next((p for p in catalogue.published(session) if p.id == found.policy_id), None)
    titles = {m.number: m.title for m in policy.measures} if policy else {}
    rows = measures(session, found.id)
    return RoundRead(
        id=found.id, policy_id=found.policy_id, policy_number=policy.number if policy else found.policy_id,
        policy_expired=policy.expired(day) if policy else False, title=found.title, opens_on=found.opens_on,
        closes_on=found.closes_on, open=is_open(found, day), status=status(found, day),
        correction_days=found.correction_days, announcement_days=found.announcement_days, guide=found.guide,
        contact=found.contact, opened_by=_opener(session, found),
        fingerprint=fingerprint(found), terms=terms(found, rows), cancelled_on=found.cancelled_on,
        measures=[RoundMeasureRead(measure=m.measure, title=titles.get(m.measure, f"措施{m.measure}"), budget=m.budget,
                                   expert_score=m.expert_score, materials=[MaterialRead(**x) for x in m.materials],
                                   mode=m.mode)
                  for m in rows],
        extensions=[ExtensionRead(from_date=e["from"], to_date=e["to"], reason=e["reason"])
                    for e in extensions(session, [found.id]).get(found.id, [])],
        closed_early=found.closed_at is not None,
        closed_before_opening=found.cancelled, upcoming=found.closed_at is None and day < found.opens_on)
