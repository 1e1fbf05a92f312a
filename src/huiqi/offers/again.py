"""Offers made again (政策直达).

An offer withdrawn because its enterprise changed its own record (its profile, or the offer's matter: the rules no
longer supported it, ``replies``) is made again when a later change makes the rules support it again. It is made as
a new offer, by the same rules as every offer (``making.offerable``): in the round open for the measure now, at the
ceiling the rules now give. The withdrawn one stays withdrawn with its reason, and the trail records the new one as
made by the person whose change made it, following it (``offer.make`` with ``again``): what happened, in order, and
nothing undone. It is not made again when the matter was answered meanwhile (an offer of the measure declined or
set aside, an application under it rejected), nor while an application or another open offer holds the matter, nor
with no round open for the measure. An offer withdrawn because its list was withdrawn comes back only with a list.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.applicants import repository as applicants
from huiqi.applications.views import describe
from huiqi.audit import service as audit
from huiqi.messages import service as messages
from huiqi.models import Applicant, Offer, User
from huiqi.models.offer import Withdrawal
from huiqi.money import wan
from huiqi.offers import making, service
from huiqi.offers.replies import About, tell_lead

BY_CHANGE = (Withdrawal.PROFILE, Withdrawal.MATTER)  # the withdrawals a later change of the record may undo


def withdrawn_by_change(session: Session, applicant_id: int, matter_id: int | None = None
                        ) -> dict[tuple[int, str, int], Offer]:
    """(matter, policy, measure) → its latest offer, where that offer was withdrawn by a change of the enterprise's
    own record (its ``withdrawn_by``; of ``matter_id`` only, when given)."""
    query = select(Offer).where(Offer.applicant_id == applicant_id).order_by(Offer.id)
    if matter_id is not None:
        query = query.where(Offer.matter_id == matter_id)
    latest = {(o.matter_id, o.policy_id, o.measure): o for o in session.scalars(query)}
    return {key: o for key, o in latest.items()
            if o.state == "withdrawn" and o.withdrawn_by in BY_CHANGE}


def lock_for_change(session: Session, applicant_id: int) -> list[Offer]:
    """Before a change of the applicant's profile is written: its open offers, locked (``service.open_for_applicant``,
    which locks every matter of the applicant first), and every matter locked too when an offer withdrawn by an
    earlier change may be made again, so that the order every step keeps (matters before the trail's head) holds."""
    if withdrawn_by_change(session, applicant_id):
        applicants.lock_matters(session, applicant_id)
    return service.open_for_applicant(session, applicant_id)


def make_again(session: Session, *, actor: User, applicant: Applicant, day: date, what: str,
               matter_id: int | None = None) -> list[str]:
    """After a change of the applicant's record (``what``: 单位信息, 事项信息; of ``matter_id`` only, when given): each
    offer withdrawn by an earlier change that the rules now support again, made again. What was made, in words."""
    earlier = withdrawn_by_change(session, applicant.id, matter_id)
    if not earlier:
        return []
    said = []
    for candidate in making.candidates(session, [applicant], day, keep=lambda *key: key in earlier):
        offer = making.offerable(session, candidate, making.Made())
        if offer is None:
            continue
        before = earlier[(offer.matter_id, offer.policy_id, offer.measure)]
        audit.record(session, actor=actor.username, action="offer.make", entity="offer", entity_id=offer.id,
                     after=making.made_after(offer, candidate) | {"again": before.id})
        cited = candidate.cited
        whose = f"事项「{candidate.matter.key}」的" if matter_id is None else ""
        said.append(f"{whose}政策直达（{cited}）已按修改后的{what}重新产生，可获支持最高 {wan(offer.ceiling)} 万元")
        _tell(session, offer, candidate, what, cited)
    return said


def _tell(session: Session, offer: Offer, candidate: making.Candidate, what: str, cited: str) -> None:
    """The enterprise is told of the offer made again; the lead department too, of a 免申即享 one it now confirms."""
    found = candidate.round
    messages.notify(session, messages.enterprise_users(session, offer.uscc), kind="offer.new",
                    subject=f"政策直达已重新产生：{cited}，最高 {wan(offer.ceiling)} 万元",
                    body=f"按修改后的{what}，事项「{describe(candidate.matter)}」重新符合{cited}的条件，可获支持最高 "
                         f"{wan(offer.ceiling)} 万元（批次「{found.title}」，{found.closes_on} 截止）。"
                         "请到“本单位”页面查看。", link="/me#offers")
    about = About.of(session, offer)
    if about.direct:
        tell_lead(session, offer, kind="offer.new", subject=f"免申即享重新等待确认：{about.name}，{about.cited}",
                  body=f"{about.who}修改了{what}：按修改后的信息，事项「{about.matter}」{about.batch}重新符合"
                       f"{about.cited}的条件，这项免申即享重新等待本单位确认。")
