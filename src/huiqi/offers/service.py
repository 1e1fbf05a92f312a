"""Offers (政策直达).

After a list is imported (and whenever ``make_for`` is asked), each applicant it touched is matched again on
its record; every result the rules keep after 从高不重复 (a grant with a ceiling) whose measure an open round
takes, for a matter with no live application, becomes an open offer: the matter, the measure, the round and
the ceiling. The enterprise sees its offers on ``/me`` and accepts one with a click (申请即享): a draft filled
from it (amount = the ceiling), needing only the round's materials and the declaration. An offer the rules no
longer support (its list withdrawn) is withdrawn with the reason."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.applicants import repository as applicants
from huiqi.applicants import service as applicant_service
from huiqi.applications import repository as application_rows
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, Forbidden, NotFound
from huiqi.models import Applicant, Application, Offer, User
from huiqi.rounds import service as rounds
from huiqi.rules.match import match
from huiqi.users.roles import Role

STATE_LABELS = {"open": "待接受", "accepted": "已接受（已生成申报草稿）", "withdrawn": "已撤回"}


def make_for(session: Session, touched: list[Applicant], day: date) -> int:
    """Match each applicant again and make the offers its results support; the number made."""
    policies, open_by = catalogue.published(session), rounds.open_by_measure(session, day)
    if not open_by:
        return 0
    made = 0
    for applicant in {a.id: a for a in touched}.values():
        case, _ = applicant_service.case_for(session, applicant=applicant, as_of=day)
        answer = match(case, policies, day)
        for grant in answer.grants:
            found = open_by.get((grant.policy, grant.measure))
            matter = applicants.matter(session, applicant.id, grant.matter)
            if found is None or matter is None or grant.ceiling is None:
                continue
            if application_rows.live_for_matter(session, matter.id) is not None or _open(session, matter.id):
                continue
            offer = Offer(applicant_id=applicant.id, uscc=applicant.uscc, matter_id=matter.id, round_id=found.id,
                          policy_id=grant.policy, measure=grant.measure, ceiling=grant.ceiling, state="open")
            try:
                with session.begin_nested():
                    session.add(offer)
                    session.flush()
            except IntegrityError:  # made at this moment by another import: one open offer is enough
                continue
            audit.record(session, actor="system", action="offer.make", entity="offer", entity_id=offer.id,
                         after={"uscc": applicant.uscc, "matter": matter.key, "round": found.id,
                                "measure": grant.measure, "ceiling": grant.ceiling})
            made += 1
    return made


def _open(session: Session, matter_id: int) -> bool:
    return session.scalar(select(Offer.id).where(Offer.matter_id == matter_id, Offer.state == "open")
                          .limit(1)) is not None


def mine(session: Session, *, actor: User) -> list[Offer]:
    """The enterprise's offers, newest first (others see none here)."""
    if actor.role != Role.ENTERPRISE:
        return []
    return list(session.scalars(select(Offer).where(Offer.uscc == actor.uscc).order_by(Offer.id.desc())))


def accept(session: Session, *, actor: User, offer_id: int) -> Application:
    """申请即享: the offer becomes a draft application (amount = the ceiling) in its round."""
    if actor.role != Role.ENTERPRISE:
        raise Forbidden("只有企业用户可以接受本单位的政策直达")
    offer = session.scalars(select(Offer).where(Offer.id == offer_id).with_for_update()
                            .execution_options(populate_existing=True)).first()
    if offer is None or offer.uscc != actor.uscc:
        raise NotFound(f"没有编号为 {offer_id} 的政策直达")
    if offer.state != "open":
        raise Conflict(f"这项政策直达{STATE_LABELS[offer.state]}" + (f"：{offer.reason}" if offer.reason else ""))
    key = next(m.key for m in applicants.matters(session, offer.applicant_id) if m.id == offer.matter_id)
    draft = applications.create_draft(session, actor=actor, uscc=offer.uscc, matter_key=key, round_id=offer.round_id,
                                      measure=offer.measure, amount_requested=offer.ceiling or 1)
    offer.state, offer.application_id = "accepted", draft.id
    session.flush()
    audit.record(session, actor=actor.username, action="offer.accept", entity="offer", entity_id=offer.id,
                 after={"application": draft.id})
    return draft


def withdraw_for_matters(session: Session, matter_ids: list[int], reason: str) -> int:
    """Withdraw the open offers of these matters (their facts are gone), with the reason; the number."""
    found = list(session.scalars(select(Offer).where(Offer.matter_id.in_(matter_ids), Offer.state == "open")))
    for offer in found:
        offer.state, offer.reason = "withdrawn", reason[:500]
        audit.record(session, actor="system", action="offer.withdraw", entity="offer", entity_id=offer.id,
                     after={"reason": reason[:500]})
    session.flush()
    return len(found)
