"""What an enterprise answers to an offer besides accepting it.

放弃: it declines its open offer, either way the offer is delivered, with a reason if it gives one; the lead department
is told, and a 免申即享 offer no longer waits for its confirmation.

已获其他省级政策支持 (DOMAIN.md, 从高不重复): it states what the offer's matter already received under another
provincial policy. The amount is the matter's ``other_support``, and the offer's ceiling is computed again by the rules
on the record as it then stands: ceiling − X (差额补足). A ceiling at or below X leaves nothing here: the offer stays,
at 0, so that a mistyped amount can be corrected, but it can no longer be accepted or confirmed (it may be declined).
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import repository as applicants
from huiqi.applicants import service as applicant_service
from huiqi.applications.views import describe
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, InputError, NotFound
from huiqi.labels import Problem, measure_cited
from huiqi.messages import service as messages
from huiqi.models import Applicant, Matter, Offer, Round, User
from huiqi.money import parse_wan, wan
from huiqi.offers.service import lead_department, mode_of, own_open
from huiqi.rules.answer import Answer, Result
from huiqi.rules.match import match
from huiqi.rules.stacking import OTHER_SUPPORT, blocked_by_other_support, stacks_of
from huiqi.validation import control_reason
from huiqi.workflow.judgement import left_to_grant
from huiqi.workflow.states import STATES

REASON_LABEL, REASON_MOST = "放弃理由", 500
LABEL = "已获其他省级政策支持"
MOST = 1_000_000_000  # 10 亿元: many times the highest ceiling of any measure (3000 万元), and no typo past it is kept


def decline_reason(typed: str) -> str:
    """The reason as kept: a line break is one character (a form sends CRLF), the ends trimmed; at most 500.

    >>> decline_reason("  已按其他政策申报\\r\\n不再重复申请 "), decline_reason("")
    ('已按其他政策申报\\n不再重复申请', '')
    """
    reason = typed.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(reason) > REASON_MOST:
        raise InputError([Problem(REASON_LABEL, f"不能超过 {REASON_MOST} 个字（现为 {len(reason)} 个字）", "reason")])
    if (why := control_reason(reason)) is not None:
        raise InputError([Problem(REASON_LABEL, why, "reason")])
    return reason


def decline(session: Session, *, actor: User, offer_id: int, reason: str = "") -> Offer:
    """放弃: the offer, still open, is declined (the reason kept, if given), and its lead department told."""
    offer = own_open(session, actor=actor, offer_id=offer_id, doing="放弃本单位的政策直达")
    kept = decline_reason(reason)
    offer.state, offer.reason = "declined", kept or None
    session.flush()
    audit.record(session, actor=actor.username, action="offer.decline", entity="offer", entity_id=offer.id,
                 before={"state": "open"}, after={"state": "declined", "reason": kept})
    _tell_lead(session, offer, kept)
    return offer


def _tell_lead(session: Session, offer: Offer, reason: str) -> None:
    try:
        lead = lead_department(session, offer)
    except (NotFound, Conflict):  # no unit registered to lead the measure: nobody to tell
        return
    profile = applicants.current_profile(session, offer.applicant_id)
    name = profile.name if profile is not None and profile.name else offer.uscc
    cited = measure_cited(offer.measure, offer.policy_id, catalogue.numbers(session))
    found, direct = session.get(Round, offer.round_id), mode_of(session, offer) == "direct"
    said, matter = messages.sentence(reason), describe(session.get(Matter, offer.matter_id))
    messages.notify(session, messages.department_users(session, lead.id), kind="offer.decline",
                    subject=f"政策直达已被放弃：{name}，{cited}",
                    body=f"{name}（{offer.uscc}）放弃了政策直达：事项「{matter}」，"
                         f"{cited}，可获支持上限 {wan(offer.ceiling)} 万元"
                         f"{f'（批次「{found.title}」）' if found else ''}。"
                         + (f"理由：{said}。" if said else "未写理由。")
                         + ("该事项不再等待本单位确认（免申即享）。" if direct else ""),
                    link="/offers/pending" if direct else None)


def typed_wan(text: str) -> int:
    """The amount as typed on the page (万元), as whole yuan; a blank is a mistake (0 says nothing was received)."""
    if not text.strip():
        raise InputError([Problem(LABEL, "请填写金额（以万元为单位；未获支持填 0）", "other_support")])
    try:
        return parse_wan(text, "other_support")
    except InputError as error:
        raise InputError([Problem(LABEL, why, "other_support") for _, why in error.problems]) from None


@dataclass(frozen=True)
class Recomputed:
    """An offer whose ceiling was computed again once support received elsewhere was stated."""

    offer: Offer
    before: int  # the measure's ceiling, before any deduction
    other_support: int
    granted: int  # what other policies granted the matter in this system (deducted too: 差额补足)

    @property
    def said(self) -> str:
        return f"已登记{LABEL} {wan(self.other_support)} 万元：" + deduction(
            self.before, self.other_support, self.granted, self.offer.ceiling or 0)


def deduction(before: int | None, other_support: int, granted: int, after: int) -> str:
    """How an offer's ceiling came about once support received elsewhere was stated.

    >>> deduction(1_000_000, 300_000, 0, 700_000)
    '措施上限 100 万元，扣除已获其他省级政策支持 30 万元后为 70 万元'
    >>> deduction(1_000_000, 1_000_000, 0, 0)
    '已获其他省级政策支持 100 万元，不低于措施上限 100 万元：按从高不重复原则本政策不再支持，不能接受'
    >>> deduction(1_000_000, 300_000, 700_000, 0)
    '措施上限 100 万元，扣除已获其他省级政策支持 30 万元、其他政策已获批 70 万元后无余额：本政策不再支持，不能接受'
    """
    if before is None or blocked_by_other_support(before, other_support):
        upto = f"，不低于措施上限 {wan(before)} 万元" if before is not None else ""
        return f"{LABEL} {wan(other_support)} 万元{upto}：按从高不重复原则本政策不再支持，不能接受"
    less = f"扣除{LABEL} {wan(other_support)} 万元" + (f"、其他政策已获批 {wan(granted)} 万元" if granted else "")
    left = f"为 {wan(after)} 万元" if after else "无余额：本政策不再支持，不能接受"
    return f"措施上限 {wan(before)} 万元，{less}后{left}"


def record_other_support(session: Session, *, actor: User, offer_id: int, amount: int,
                         seen: str | None = None) -> Recomputed:
    """已获其他省级政策支持: ``amount`` (元) received for the offer's matter under another provincial policy, written to
    the matter (audited), and the offer's ceiling computed again. ``seen`` is the amount the person saw recorded (元,
    "" for none): of two statements at once, the second is refused rather than silently replacing the first; None
    does not check."""
    offer = own_open(session, actor=actor, offer_id=offer_id, doing=f"为本单位的政策直达登记{LABEL}")
    if not 0 <= amount <= MOST:
        raise InputError([Problem(LABEL, f"应在 0 至 {wan(MOST)} 万元（{MOST // 10**8} 亿元）之间", "other_support")])
    matter = session.get(Matter, offer.matter_id)  # locked and read afresh by own_open
    if matter is None:  # kept for the type checker: a locked matter is there
        raise NotFound(f"没有编号为 {offer.matter_id} 的事项")
    now = _yuan(matter.facts.get("other_support"))
    if seen is not None and seen != ("" if now is None else str(now)):
        raise Conflict(f"{LABEL}刚刚已登记为 {wan(now)} 万元：请核对后再改" if now is not None
                       else f"{LABEL}刚刚有变动：请刷新页面，核对后再填")
    frozen = applicants.frozen_by(session, matter.id)
    if frozen is not None:
        raise Conflict(f"该事项的申报（编号 {frozen.id}）{STATES[frozen.state]}，{LABEL}不能再修改；"
                       "如需更正，请联系责任单位")
    if now != amount:
        matter.facts = {**matter.facts, "other_support": amount}
        session.flush()
        audit.record(session, actor=actor.username, action="matter.other_support", entity="matter",
                     entity_id=matter.id, before={"other_support": now}, after={"other_support": amount,
                                                                               "offer": offer.id})
    before, after, granted = _ceiling(session, offer, matter)
    if after != offer.ceiling:
        audit.record(session, actor=actor.username, action="offer.ceiling", entity="offer", entity_id=offer.id,
                     before={"ceiling": offer.ceiling}, after={"ceiling": after, "ceiling_before_deduction": before,
                                                               "other_support": amount, "granted_elsewhere": granted})
        offer.ceiling = after
        session.flush()
    return Recomputed(offer, before, amount, granted)


def _yuan(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _ceiling(session: Session, offer: Offer, matter: Matter) -> tuple[int, int, int]:
    """By the rules today, on the record as it now stands: the measure's ceiling, what is left of it here (less
    support received elsewhere and grants under other policies), and those grants."""
    day, policies = clock.today(), catalogue.published(session)
    applicant = session.get(Applicant, offer.applicant_id)
    case = applicant_service.readable_case(session, applicant=applicant, as_of=day) if applicant else None
    result = _row(match(case, policies, day) if case is not None else None, offer, matter.key)
    if result is None or result.status != "eligible" or result.ceiling_before_deduction is None \
            or result.excluded_by not in (None, OTHER_SUPPORT):
        raise Conflict(f"按 {day} 的规则和本单位现在的信息，该事项已不再由措施{offer.measure}支持，本次未登记；"
                       "请刷新页面后查看")
    left, granted = left_to_grant(session, matter.id, offer.policy_id, offer.measure, result.ceiling,
                                  stacks_of(policies))
    return result.ceiling_before_deduction, 0 if result.excluded_by else (left or 0), granted


def _row(answer: Answer | None, offer: Offer, key: str) -> Result | None:
    """The answer's row for the offer's matter (by its key) and measure."""
    return next((r for r in answer.results if r.matter == key and r.policy == offer.policy_id
                 and r.measure == offer.measure), None) if answer is not None else None


def shown(session: Session, offers: list[Offer], answer: Answer | None) -> dict[int, str]:
    """For each open offer whose matter records support received elsewhere, how its ceiling came about (the page's
    answer gives the measure's ceiling before the deduction)."""
    said, stacks = {}, stacks_of(catalogue.published(session))
    for offer in offers:
        matter = session.get(Matter, offer.matter_id)
        received = _yuan((matter.facts or {}).get("other_support")) if matter is not None else None
        if offer.state != "open" or matter is None or not received:
            continue
        row = _row(answer, offer, matter.key)
        before = row.ceiling_before_deduction if row is not None else None
        granted = left_to_grant(session, matter.id, offer.policy_id, offer.measure, before, stacks)[1]
        said[offer.id] = deduction(before, received, granted, offer.ceiling or 0)
    return said
