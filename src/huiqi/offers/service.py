"""Offers (政策直达).

After a list is imported (and whenever ``make_for`` is asked), each applicant it touched is matched again on
its record; every result the rules keep after 从高不重复 (a grant with a ceiling) whose measure an open round
takes, for a matter with no live application (nor an offer of that measure declined or set aside, nor an
application under it rejected: 不予支持 is a final decision), becomes an open offer: the matter, the measure, the
round and the ceiling. The enterprise sees its offers on ``/me`` and accepts one with a click (申请即享): a draft
filled from it (amount = the ceiling), needing only the round's materials and the declaration. An offer the rules
no longer support (its list withdrawn, its matter changed) is withdrawn with the reason."""

from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import repository as applicants
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.departments import service as departments
from huiqi.errors import Conflict, Forbidden, InputError, NotFound
from huiqi.models import Application, Disbursement, Matter, Offer, RecognitionList, User
from huiqi.models.offer import Withdrawal
from huiqi.money import wan
from huiqi.offers.making import ANSWERED as ANSWERED
from huiqi.offers.making import Made as Made
from huiqi.offers.making import make_for as make_for
from huiqi.offers.making import make_for_listed as make_for_listed
from huiqi.reference import divisions
from huiqi.rounds import service as rounds
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import control_reason
from huiqi.workflow.runner import run
from huiqi.workflow.states import Action

STATE_LABELS = {"open": "待接受", "accepted": "已接受（已生成申报草稿）", "confirmed": "已由责任单位确认（免申即享）",
                "set_aside": "责任单位确认未通过", "withdrawn": "已撤回", "declined": "已放弃"}
SET_ASIDE_MOST = 500  # the reason an offer is set aside (its column)
# Support already received elsewhere left nothing to grant here (差额补足): the offer stays, at 0, to be corrected or
# declined, but is neither accepted nor confirmed.
NOTHING_LEFT = "已获其他省级政策支持不低于措施上限，按从高不重复原则本政策不再支持"


def open_for_matter(session: Session, matter_id: int) -> list[Offer]:
    """The matter's open offers, locked and read afresh, in id order (the matter locked first by the caller)."""
    found = session.scalars(select(Offer).where(Offer.matter_id == matter_id, Offer.state == "open")
                            .order_by(Offer.id).with_for_update().execution_options(populate_existing=True))
    return [o for o in found if o.state == "open"]


def open_for_applicant(session: Session, applicant_id: int) -> list[Offer]:
    """The applicant's open offers, locked and read afresh, in id order, after every matter of the applicant (each
    offer's, with its twins), also in id order: the order every step keeps, matter then offer. Nothing is locked for
    an applicant with no open offer."""
    query = select(Offer).where(Offer.applicant_id == applicant_id, Offer.state == "open")
    if session.scalar(query.with_only_columns(Offer.id).limit(1)) is None:
        return []
    applicants.lock_matters(session, applicant_id)
    found = session.scalars(query.order_by(Offer.id).with_for_update().execution_options(populate_existing=True))
    return [o for o in found if o.state == "open"]  # confirmed, declined or withdrawn while this waited


def mine(session: Session, *, actor: User) -> list[Offer]:
    """The enterprise's offers, newest first (others see none here)."""
    if actor.role != Role.ENTERPRISE:
        return []
    return list(session.scalars(select(Offer).where(Offer.uscc == actor.uscc).order_by(Offer.id.desc())))


def mode_of(session: Session, offer: Offer) -> str:
    """How the offer's measure is delivered in its round: apply (申请即享) or direct (免申即享)."""
    opened = rounds.repository.measure(session, offer.round_id, offer.measure)
    return opened.mode if opened is not None else "apply"


def _locked(session: Session, offer_id: int, matter_id: int | None = None) -> Offer:
    """The offer, locked and read afresh, still open; with its matter locked first when ``matter_id`` is given (the
    order every step keeps: matter, then offer)."""
    if matter_id is not None:  # with its twins (the same recognition): a twin's application at this moment is seen
        applicants.lock_recognition(session, matter_id)
    offer = session.scalars(select(Offer).where(Offer.id == offer_id).with_for_update()
                            .execution_options(populate_existing=True)).first()
    if offer is None:
        raise NotFound(f"没有编号为 {offer_id} 的政策直达")
    if offer.state != "open":
        raise Conflict(f"这项政策直达{STATE_LABELS[offer.state]}" + (f"：{offer.reason}" if offer.reason else ""))
    return offer


def own_open(session: Session, *, actor: User, offer_id: int, doing: str) -> Offer:
    """The enterprise's own offer, its matter and then itself locked and read afresh, still open (another's is not
    found: its existence is not told)."""
    if actor.role != Role.ENTERPRISE:
        raise Forbidden(f"只有企业用户可以{doing}")
    found = session.get(Offer, offer_id)
    if found is None or found.uscc != actor.uscc:
        raise NotFound(f"没有编号为 {offer_id} 的政策直达")
    return _locked(session, offer_id, found.matter_id)


def accept(session: Session, *, actor: User, offer_id: int) -> Application:
    """申请即享: the offer becomes a draft application (amount = the ceiling) in its round."""
    offer = own_open(session, actor=actor, offer_id=offer_id, doing="接受本单位的政策直达")
    if mode_of(session, offer) == "direct":
        raise Conflict("这项措施免申即享：无需申报，由责任单位依据名单确认")
    if offer.ceiling == 0:
        raise Conflict(f"{NOTHING_LEFT}，这项政策直达不能接受；如所填金额有误，请更正后再接受，或选择放弃")
    key = _matter_key(session, offer)
    draft = applications.create_draft(session, actor=actor, uscc=offer.uscc, matter_key=key, round_id=offer.round_id,
                                      measure=offer.measure, amount_requested=offer.ceiling or 1)
    offer.state, offer.application_id = "accepted", draft.id
    session.flush()
    audit.record(session, actor=actor.username, action="offer.accept", entity="offer", entity_id=offer.id,
                 after={"application": draft.id})
    return draft


def _matter_key(session: Session, offer: Offer) -> str:
    """The applicant's own id of the offer's matter."""
    return next(m.key for m in applicants.matters(session, offer.applicant_id) if m.id == offer.matter_id)


def pending(session: Session, *, actor: User) -> list[Offer]:
    """Open offers of 免申即享 measures awaiting the department's confirmation (its own units'; all for an admin)."""
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, Role.AUDITOR, doing="查看待确认的免申即享")
    found = [o for o in session.scalars(select(Offer).where(Offer.state == "open").order_by(Offer.id))
             if mode_of(session, o) == "direct" and o.ceiling != 0]  # nothing left to confirm (差额补足)
    if actor.role in (Role.ADMIN, Role.AUDITOR):
        return found
    return [o for o in found if lead_department(session, o).id == actor.department_id]


def lead_department(session: Session, offer: Offer):
    """The department leading the offer's measure today."""
    _, measure = catalogue.measure(session, offer.policy_id, offer.measure)
    return departments.lead_department(session, measure=measure, day=clock.today())


def confirm(session: Session, *, actor: User, offer_id: int, seen_ceiling: int | None = None) -> Application:
    """二次确认 (免申即享): the lead department confirms an offer; an application for the ceiling is made in its round
    and goes straight to the department's review (the facts are the published list's: no materials, no
    declaration), then to the amount, 公示 and approval as every application does. ``seen_ceiling`` is the ceiling
    the page showed (元): one its enterprise changed meanwhile (已获其他省级政策支持) is refused rather than confirmed
    unseen; None does not check."""
    require_role(actor, Role.DEPARTMENT, doing="确认免申即享")
    found = session.get(Offer, offer_id)
    if found is None:
        raise NotFound(f"没有编号为 {offer_id} 的政策直达")
    # the matter first: an application begun for it at this moment (under any policy) is then seen by holding()
    offer = _locked(session, offer_id, found.matter_id)
    if mode_of(session, offer) != "direct":
        raise Conflict("这项措施申请即享：由企业接受后申报，不由责任单位确认")
    lead = lead_department(session, offer)
    if lead.id != actor.department_id:
        raise Forbidden(f"措施{offer.measure}由{lead.name}牵头确认")
    if offer.ceiling == 0:
        raise Conflict(f"企业已登记{NOTHING_LEFT}，不能确认")
    if seen_ceiling is not None and seen_ceiling != offer.ceiling:
        raise Conflict(f"这项免申即享的可获支持上限刚刚已改为 {wan(offer.ceiling)} 万元"
                       f"（页面显示为 {wan(seen_ceiling)} 万元）：请刷新页面，核对后再确认")
    live = applications.holding(session, offer.matter_id, offer.policy_id)
    if live is not None:
        raise Conflict(f"该事项{applications.taken(session, live)}，不再依据名单确认（从高不重复）")
    app = Application(applicant_id=offer.applicant_id, uscc=offer.uscc, matter_id=offer.matter_id,
                      policy_id=offer.policy_id, round_id=offer.round_id, measure=offer.measure,
                      amount_requested=offer.ceiling or 1, state="draft", created_by=actor.username,
                      department_id=lead.id, declaration="免申即享：由责任单位依据公布的认定名单确认，企业无需申报")
    session.add(app)
    session.flush()
    # The same event an application made by the enterprise starts with, so the trail shows any later edit of it.
    audit.record(session, actor=actor.username, action="application.create", entity="application",
                 entity_id=app.id, after={"state": "draft", "matter": _matter_key(session, offer), "offer": offer.id,
                                          "policy": app.policy_id, "round": app.round_id, "measure": app.measure,
                                          "amount_requested": app.amount_requested})
    run(session, Action.CONFIRM, actor=actor, application_id=app.id)
    offer.state, offer.application_id = "confirmed", app.id
    session.flush()
    audit.record(session, actor=actor.username, action="offer.confirm", entity="offer", entity_id=offer.id,
                 after={"application": app.id})
    return app


def set_aside(session: Session, *, actor: User, offer_id: int, reason: str) -> Offer:
    """二次确认 not passed: the offer is set aside with the reason (the enterprise sees it).

    Like confirming, it is the lead department's review (DOMAIN.md: the lead department reviews), so an admin,
    who sees every pending offer, neither confirms nor sets one aside: the reason told to the enterprise is the
    reviewing department's."""
    require_role(actor, Role.DEPARTMENT, doing="对免申即享作出不予确认")
    offer = _locked(session, offer_id)
    lead = lead_department(session, offer)
    if lead.id != actor.department_id:  # who may decide first: another unit is told whose it is, not to write more
        raise Forbidden(f"措施{offer.measure}由{lead.name}牵头确认或不予确认")
    reason = reason.strip()
    if not reason or len(reason) > SET_ASIDE_MOST:
        raise InputError([("reason", f"请写明不予确认的理由（不超过 {SET_ASIDE_MOST} 个字）")])
    if any(ord(c) < 32 for c in reason):  # one line, as its box is
        raise InputError([("reason", control_reason(reason) or "理由请写在一行内，不能含换行")])
    offer.state, offer.reason = "set_aside", reason
    session.flush()
    audit.record(session, actor=actor.username, action="offer.set_aside", entity="offer", entity_id=offer.id,
                 after={"reason": reason})
    return offer


def confirmed_applications(session: Session) -> list[int]:
    """The applications made by confirming an offer (免申即享)."""
    return list(session.scalars(select(Offer.application_id).where(Offer.state == "confirmed")))


def _confirmed(application_id: int) -> Select[tuple[Offer]]:
    """The confirmed offer an application came from, if any."""
    return select(Offer).where(Offer.application_id == application_id, Offer.state == "confirmed")


def basis(session: Session, application_id: int) -> str | None:
    """Where a 免申即享 application came from, as its pages say it (来源：免申即享（依据 <document>）), or None for
    one its enterprise applied for."""
    found = session.scalar(_confirmed(application_id))
    if found is None:
        return None
    matter = session.get(Matter, found.matter_id)
    listed = session.get(RecognitionList, matter.list_id) if matter is not None and matter.list_id else None
    if listed is None:
        return "免申即享（依据公布的认定名单，由责任单位确认）"
    return f"免申即享（依据{listed.document}，{listed.published_on.isoformat()} 公布的认定名单，由责任单位确认）"


def withdraw_for_matters(session: Session, matter_ids: list[int], reason: str) -> int:
    """Withdraw the open offers of these matters (their facts are gone: their list withdrawn), with the reason; the
    number."""
    found = list(session.scalars(select(Offer).where(Offer.matter_id.in_(matter_ids), Offer.state == "open")
                                 .order_by(Offer.id).with_for_update().execution_options(populate_existing=True)))
    found = [o for o in found if o.state == "open"]  # set aside or confirmed while this waited
    for offer in found:
        offer.state, offer.reason, offer.withdrawn_by = "withdrawn", reason[:500], Withdrawal.LIST
        audit.record(session, actor="system", action="offer.withdraw", entity="offer", entity_id=offer.id,
                     after={"reason": reason[:500]})
    session.flush()
    return len(found)


@dataclass
class OfferStats:
    """Offers of one group (a measure, a city or a department): how far they went, and how fast."""

    key: str
    made: int = 0
    accepted: int = 0
    confirmed: int = 0
    set_aside: int = 0
    withdrawn: int = 0
    declined: int = 0
    paid: int = 0
    paid_amount: int = 0
    days: list[int] = field(default_factory=list)  # from the recognition's date to payment, for the paid ones

    @property
    def mean_days(self) -> int | None:
        return round(sum(self.days) / len(self.days)) if self.days else None


def statistics(session: Session, *, actor: User, by: str = "measure") -> list[OfferStats]:
    """Offers made, accepted (申请即享), confirmed (免申即享), set aside, withdrawn, declined, paid, and the days from
    recognition to payment, by measure, city or department (finance, admin, auditor, departments, policy analysts)."""
    require_role(actor, Role.FINANCE, Role.ADMIN, Role.AUDITOR, Role.DEPARTMENT, Role.ANALYST, doing="查看政策直达统计")
    if by not in ("measure", "city", "department"):
        raise InputError([("by", "分组应为 measure、city 或 department")])
    titles = {(p.id, m.number): f"{p.number} 措施{m.number} {m.title}" for p in catalogue.published(session)
              for m in p.measures}
    groups: dict[str, OfferStats] = {}
    for offer in session.scalars(select(Offer).order_by(Offer.id)):
        key = _group(session, offer, by, titles)
        row = groups.setdefault(key, OfferStats(key))
        row.made += 1
        if offer.state != "open":
            setattr(row, offer.state, getattr(row, offer.state) + 1)
        paid = session.scalar(select(Disbursement).where(Disbursement.application_id == offer.application_id)) \
            if offer.application_id else None
        if paid is not None:
            matter = session.get(Matter, offer.matter_id)
            row.paid += 1
            row.paid_amount += paid.amount
            if matter is not None and matter.date is not None:
                row.days.append((paid.paid_on - matter.date).days)
    return sorted(groups.values(), key=lambda r: r.key)


def _group(session: Session, offer: Offer, by: str, titles: dict) -> str:
    if by == "measure":
        return titles.get((offer.policy_id, offer.measure), f"{offer.policy_id} 措施{offer.measure}")
    if by == "city":
        profile = applicants.current_profile(session, offer.applicant_id)
        city = divisions.city_of(profile.region) if profile and profile.region else None
        return divisions.cities().get(city or "", "（未知）")
    try:
        return lead_department(session, offer).name
    except (NotFound, Conflict):
        return "（未知）"
