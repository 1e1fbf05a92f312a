"""Making offers (政策直达): each applicant matched again on its record, and every result the rules keep after
从高不重复 (a grant with a ceiling) whose measure an open round takes, for a matter with no live application (nor an
offer of that measure declined or set aside, nor an application under it rejected: 不予支持 is a final decision),
made an open offer; for the matters asked about (a list's rows), why one was not (``huiqi.offers.reasons``). The
pieces (``candidates``, ``offerable``, ``made_after``) also make again an offer a record change withdrew
(``huiqi.offers.again``)."""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.applicants import repository as applicants
from huiqi.applicants import service as applicant_service
from huiqi.applications import service as applications
from huiqi.applications.views import describe
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict
from huiqi.labels import measure_cited
from huiqi.messages import service as messages
from huiqi.models import Applicant, Application, Matter, Offer, Round
from huiqi.money import wan
from huiqi.offers import reasons
from huiqi.offers.reasons import NoOffer
from huiqi.rounds import service as rounds
from huiqi.rules.answer import Answer, Grant
from huiqi.rules.case import Case
from huiqi.rules.match import match
from huiqi.rules.stacking import Stacks, stacks_of
from huiqi.workflow.judgement import left_to_grant
from huiqi.workflow.states import State

# An enterprise's or a department's answer to an offer: the same offer is not made again after it.
ANSWERED = ("declined", "set_aside")


@dataclass
class Made:
    """What matching again made: the offers, and the matters it did not offer a measure again because of an answer
    already given on it: an offer declined or set aside, an application rejected (不予支持). For the matters it was
    asked to explain (``explain``), the offers made for each (``offered``) and, for one offered nothing, why (``why``).
    """

    made: int = 0
    answered: int = 0
    rejected: int = 0
    explain: set[int] = field(default_factory=set, compare=False, repr=False)
    offered: dict[int, int] = field(default_factory=dict, compare=False, repr=False)
    why: dict[int, NoOffer] = field(default_factory=dict, compare=False, repr=False)

    def note(self, matter_id: int, reason: NoOffer) -> None:
        """Why the matter was not offered a measure (the first reason met is kept; an offer made for it drops it)."""
        if reason.kind == "answered":
            self.answered += 1
        elif reason.kind == "rejected":
            self.rejected += 1
        if matter_id in self.explain:
            self.why.setdefault(matter_id, reason)

    def offer(self, matter_id: int) -> None:
        self.made += 1
        self.offered[matter_id] = self.offered.get(matter_id, 0) + 1


def make_for(session: Session, touched: list[Applicant], day: date, *, explain: Collection[int] = (),
             keep: Callable[[int, str, int], bool] | None = None, actor: str = "system") -> Made:
    """Match each applicant again and make the offers its results support ((matter, policy, measure) narrowed by
    ``keep``), recorded as made by ``actor``; how many were made, and how many were not made again (``Made``); for
    each matter of ``explain`` (ids), the offers made for it or why none was.

    The matters that may be offered are locked first, all of them, in id order, and read afresh (a list withdrawn or
    an application begun at this moment is then seen); only then is anything written or recorded. So the order every
    step keeps holds here too: matters before the audit trail's head (callers make offers before their own record)."""
    made = Made(explain=set(explain))
    for candidate in candidates(session, touched, day, keep=keep, made=made):
        offer = offerable(session, candidate, made)
        if offer is None:
            continue
        audit.record(session, actor=actor, action="offer.make", entity="offer", entity_id=offer.id,
                     after=made_after(offer, candidate))
        made.offer(offer.matter_id)
        less = f"（已扣除该事项在其他政策获批的 {wan(candidate.granted)} 万元）" if candidate.granted else ""
        cited, found = candidate.cited, candidate.round
        messages.notify(session, messages.enterprise_users(session, offer.uscc), kind="offer.new",
                        subject=f"政策直达：{cited}，最高 {wan(offer.ceiling)} 万元",
                        body=f"根据公布的认定和本单位信息，事项「{describe(candidate.matter)}」符合{cited}的条件，"
                             f"可获支持最高 {wan(offer.ceiling)} 万元{less}"
                             f"（批次「{found.title}」，{found.closes_on} 截止）。请到“本单位”页面查看。",
                        link="/me#offers")
    made.why = {m: w for m, w in made.why.items() if not made.offered.get(m)}
    return made


@dataclass
class Candidate:
    """A result the rules keep (a grant with a ceiling) whose measure an open round takes: what an offer would be
    made of, once its matter is locked (``matter``) and the difference left to grant is known (``granted``)."""

    applicant: Applicant
    grant: Grant
    round: Round
    matter_id: int
    numbers: Mapping[str, str]  # each policy's document number, as the messages cite a measure
    stacks: Stacks  # the measures whose support stacks with others' (差额补足)
    matter: Matter = field(init=False)
    granted: int = 0  # what other policies granted the matter (差额补足)

    @property
    def cited(self) -> str:
        return measure_cited(self.grant.measure, self.grant.policy, self.numbers)


def candidates(session: Session, touched: list[Applicant], day: date, *,
               keep: Callable[[int, str, int], bool] | None = None, made: Made | None = None) -> list[Candidate]:
    """What the rules keep for ``touched`` on ``day`` that an open round takes, (matter, policy, measure) narrowed by
    ``keep``; their matters locked, all of them, in id order, and read afresh (a matter deleted at this moment by
    its owner drops out), before anything is written. Why the others were not, noted in ``made``."""
    made = made if made is not None else Made()
    policies, open_by = catalogue.published(session), rounds.open_by_measure(session, day)
    if not open_by:
        made.why.update(dict.fromkeys(made.explain, reasons.no_round(day)))
        return []
    found: list[Candidate] = []
    for applicant in {a.id: a for a in touched}.values():
        found += _candidates(session, applicant, policies, open_by, day, made)
    if keep is not None:
        found = [c for c in found if keep(c.matter_id, c.grant.policy, c.grant.measure)]
    locked = {}
    for matter_id in sorted({c.matter_id for c in found}):
        try:
            locked[matter_id] = applicants.lock_matter(session, matter_id)
        except Conflict:  # deleted at this moment by its owner
            made.note(matter_id, reasons.WITHDRAWN)
    for candidate in found:
        if candidate.matter_id in locked:
            candidate.matter = locked[candidate.matter_id]
    return [c for c in found if c.matter_id in locked]


def offerable(session: Session, candidate: Candidate, made: Made) -> Offer | None:
    """The open offer made of ``candidate`` (not yet recorded), or None when nothing may be offered: what stands in
    its way (``_blocked``), nothing left to grant here, or one made at this moment by another; why, noted in
    ``made``."""
    matter, grant, cited = candidate.matter, candidate.grant, candidate.cited
    blocked = _blocked(session, matter, grant, cited)
    if blocked is not None:
        made.note(matter.id, blocked)
        return None
    # A matter granted under another policy is offered the difference (差额补足), or nothing.
    ceiling, candidate.granted = left_to_grant(session, matter.id, grant.policy, grant.measure, grant.ceiling,
                                               candidate.stacks)
    if not ceiling:
        made.note(matter.id, NoOffer("other_support", f"该事项已获其他政策支持不低于{cited}的上限，"
                                                      "按从高不重复原则不再产生政策直达"))
        return None
    offer = Offer(applicant_id=candidate.applicant.id, uscc=candidate.applicant.uscc, matter_id=matter.id,
                  round_id=candidate.round.id, policy_id=grant.policy, measure=grant.measure, ceiling=ceiling,
                  state="open")
    try:
        with session.begin_nested():
            session.add(offer)
            session.flush()
    except IntegrityError:  # made at this moment by another import: one open offer is enough
        made.note(matter.id, NoOffer("offered", f"该事项{cited}的政策直达刚刚已由另一次匹配产生"))
        return None
    return offer


def made_after(offer: Offer, candidate: Candidate) -> dict[str, Any]:
    """What the trail records of an offer made (``offer.make``)."""
    return {"uscc": offer.uscc, "matter": candidate.matter.key, "round": offer.round_id, "measure": offer.measure,
            "ceiling": offer.ceiling} | ({"granted_elsewhere": candidate.granted} if candidate.granted else {})


def _candidates(session: Session, applicant: Applicant, policies: list, open_by: dict, day: date,
                made: Made) -> list[Candidate]:
    """The applicant's grants that an open round takes, with a ceiling; for its matters to explain, why the others
    were not (no round, no amount named, the rules' answer)."""
    mine = [m for m in applicants.matters(session, applicant.id) if m.id in made.explain] if made.explain else []
    case = applicant_service.readable_case(session, applicant=applicant, as_of=day)
    if case is None:
        for matter in mine:
            made.note(matter.id, reasons.UNREADABLE)
        return []
    numbers, stacks = {p.id: p.number for p in policies}, stacks_of(policies)
    answer, found = match(case, policies, day), []
    for grant in answer.grants:
        taken = open_by.get((grant.policy, grant.measure))
        matter = applicants.matter(session, applicant.id, grant.matter)
        if matter is None:
            continue
        cited = measure_cited(grant.measure, grant.policy, numbers)
        if taken is None:
            made.note(matter.id, reasons.no_round(day, cited))
        elif grant.ceiling is None:
            made.note(matter.id, NoOffer("no_amount", f"{cited}未规定具体金额（给予资金支持，金额按实施细则确定），"
                                                      "不产生政策直达"))
        else:
            found.append(Candidate(applicant, grant, taken, matter.id, numbers, stacks))
    granted = {g.matter for g in answer.grants}
    rest = [m for m in mine if m.key not in granted]
    if rest:
        registered = bool(messages.enterprise_users(session, applicant.uscc))
        reading = reasons.Reading(answer, case.applicant.region, registered, {m.id: m.date for m in case.matters},
                                  numbers,
                                  derived=lambda: _from_credit_code(case, applicant.uscc, policies, day))
        for matter in rest:
            made.note(matter.id, reasons.WITHDRAWN if matter.source == "withdrawn" else reading.why_not(matter.key))
    return found


def _from_credit_code(case: Case, uscc: str, policies: list, day: date) -> tuple[str, Answer] | None:
    """The answer again with the applicant's region read from its credit code (its registering authority's division
    code), when its record names none: to say a row's enterprise lies outside a measure's scope, not only that its
    region is missing. Nothing is recorded of it."""
    region = reasons.uscc_region(uscc)
    if case.applicant.region is not None or region is None:
        return None
    again = case.model_copy(update={"applicant": case.applicant.model_copy(update={"region": region})})
    return region, match(again, policies, day)


def _blocked(session: Session, matter: Matter, grant: Grant, cited: str) -> NoOffer | None:
    """What stands in the way of an offer the rules support for the matter (locked): its recognition withdrawn or the
    matter deleted, an application or an open offer already there, an answer already given (declined or set aside,
    or an application rejected: 不予支持)."""
    if matter.source == "withdrawn":
        return reasons.WITHDRAWN
    live = applications.holding(session, matter.id, grant.policy)
    if live is not None:
        return NoOffer("offered", f"该事项{applications.taken(session, live)}，不另产生政策直达")
    if _open(session, matter.id):
        return NoOffer("offered", "该事项已有待接受或待确认的政策直达，不重复产生")
    if _answered(session, matter.id, grant.policy, grant.measure):
        return NoOffer("answered", f"该事项{cited}的政策直达此前已被企业放弃或经责任单位不予确认，不再产生")
    if _rejected(session, matter.id, grant.policy, grant.measure):
        return NoOffer("rejected", f"该事项按{cited}的申报已被作出不予支持的最终决定，不再产生政策直达")
    return None


def make_for_listed(session: Session, day: date) -> Made:
    """Match again every applicant with a published (imported) fact and make the offers: after a round opens or a
    policy is published, what the lists already say is brought to the enterprises, and each list's rows say what
    they now came to (``recognition.opened``)."""
    from huiqi.recognition import opened  # the lists read offers: imported here, once both exist

    return opened.make_for_listed(session, day)


def _open(session: Session, matter_id: int) -> bool:
    return session.scalar(select(Offer.id).where(Offer.matter_id == matter_id, Offer.state == "open")
                          .limit(1)) is not None


def _answered(session: Session, matter_id: int, policy_id: str, measure: int) -> bool:
    """Whether an offer of this measure for the matter was declined by its enterprise or set aside by its lead
    department: that answer stands, and the same offer is not made again by the next import or round."""
    return session.scalar(select(Offer.id).where(Offer.matter_id == matter_id, Offer.policy_id == policy_id,
                                                 Offer.measure == measure, Offer.state.in_(ANSWERED))
                          .limit(1)) is not None


def _rejected(session: Session, matter_id: int, policy_id: str, measure: int) -> bool:
    """Whether an application for the matter under this measure was rejected (不予支持): a final decision on it, so
    the same offer is not made again by the next import or round (the enterprise may still apply, giving reasons
    the reviewers read)."""
    return session.scalar(select(Application.id).where(
        Application.matter_id == matter_id, Application.policy_id == policy_id, Application.measure == measure,
        Application.state == State.REJECTED).limit(1)) is not None
