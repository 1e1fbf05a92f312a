"""What an enterprise answers to an offer besides accepting it.

放弃: it declines its open offer, either way the offer is delivered, with a reason if it gives one; the lead department
is told, and a 免申即享 offer no longer waits for its confirmation.

已获其他省级政策支持 (DOMAIN.md, 从高不重复): it states what the offer's matter already received under another
provincial policy. The amount is the matter's ``other_support``, and the offer's ceiling is computed again by the rules
on the record as it then stands: ceiling − X (差额补足). A ceiling at or below X leaves nothing here: the offer stays,
at 0, so that a mistyped amount can be corrected, but it can no longer be accepted or confirmed (it may be declined).
A matter changed through its own form (``judged_again``), or a change of its applicant's profile
(``profile_changed``), has its open offers computed again the same way. The lead department is told of a 免申即享
offer whose ceiling changed, as of one declined.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements.service import state_label
from huiqi.applicants import repository as applicants
from huiqi.applicants import service as applicant_service
from huiqi.applications.views import describe
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, InputError, NotFound
from huiqi.labels import Problem, measure_cited
from huiqi.messages import service as messages
from huiqi.models import Applicant, Matter, Offer, Round, User
from huiqi.models.offer import Withdrawal
from huiqi.money import parse_wan, wan
from huiqi.offers.service import lead_department, mode_of, own_open
from huiqi.rules.answer import Answer, Result
from huiqi.rules.match import match
from huiqi.rules.stacking import OTHER_SUPPORT, blocked_by_other_support, stacks_of
from huiqi.users.names import person
from huiqi.validation import control_reason, lf
from huiqi.workflow.judgement import left_to_grant

REASON_LABEL, REASON_MOST = "放弃理由", 500
# How the reason of an offer withdrawn by a change of its enterprise's own record begins (``_Change.done``); what
# withdrew it is recorded apart (``Offer.withdrawn_by``), and read when a later change may make it again
# (``offers.again``).
PROFILE_CHANGED, MATTER_CHANGED = "单位信息已修改", "事项「"
LABEL = "已获其他省级政策支持"
MOST = 1_000_000_000  # 10 亿元: many times the highest ceiling of any measure (3000 万元), and no typo past it is kept


def decline_reason(typed: str) -> str:
    """The reason as kept: a line break is one character (a form sends CRLF), the ends trimmed; at most 500.

    >>> decline_reason("  已按其他政策申报\\r\\n不再重复申请 "), decline_reason("")
    ('已按其他政策申报\\n不再重复申请', '')
    """
    reason = lf(typed).strip()
    if len(reason) > REASON_MOST:
        raise InputError([Problem(REASON_LABEL, f"不能超过 {REASON_MOST} 个字（现为 {len(reason)} 个字）", "reason")])
    if (why := control_reason(reason)) is not None:
        raise InputError([Problem(REASON_LABEL, why, "reason")])
    return reason


@dataclass(frozen=True)
class Declined:
    """An offer declined, and whether anyone of its lead department was told (a measure may have no unit registered
    to lead it, or the unit no active reviewer)."""

    offer: Offer
    told: bool

    @property
    def said(self) -> str:
        return "已放弃这项政策直达" + ("，已告知牵头的责任单位" if self.told else "")


def decline(session: Session, *, actor: User, offer_id: int, reason: str = "") -> Declined:
    """放弃: the offer, still open, is declined (the reason kept, if given), and its lead department told."""
    offer = own_open(session, actor=actor, offer_id=offer_id, doing="放弃本单位的政策直达")
    kept = decline_reason(reason)
    offer.state, offer.reason = "declined", kept or None
    session.flush()
    audit.record(session, actor=actor.username, action="offer.decline", entity="offer", entity_id=offer.id,
                 before={"state": "open"}, after={"state": "declined", "reason": kept})
    about, said = About.of(session, offer), messages.sentence(kept)
    told = tell_lead(session, offer, kind="offer.decline", subject=f"政策直达已被放弃：{about.name}，{about.cited}",
                      body=f"{about.who}放弃了政策直达：事项「{about.matter}」，{about.cited}，"
                           f"可获支持上限 {wan(offer.ceiling)} 万元{about.batch}。"
                           + (f"理由：{said}。" if said else "未写理由。")
                           + ("该事项不再等待本单位确认（免申即享）。" if about.direct else ""))
    return Declined(offer, told)


@dataclass(frozen=True)
class About:
    """An offer as a message to its lead department names it."""

    name: str  # the enterprise's name (its code when it has none)
    who: str  # 示例科技有限公司（9121…）
    cited: str  # 辽政办〔2022〕35号 措施3
    matter: str
    batch: str  # （批次「…」）, or ''
    direct: bool  # 免申即享: the offer waits for the department's confirmation

    @classmethod
    def of(cls, session: Session, offer: Offer) -> "About":
        profile = applicants.current_profile(session, offer.applicant_id)
        name = profile.name if profile is not None and profile.name else offer.uscc
        found = session.get(Round, offer.round_id)
        return cls(name, f"{name}（{offer.uscc}）", measure_cited(offer.measure, offer.policy_id,
                                                                catalogue.numbers(session)),
                   describe(session.get(Matter, offer.matter_id)), f"（批次「{found.title}」）" if found else "",
                   mode_of(session, offer) == "direct")


def tell_lead(session: Session, offer: Offer, *, kind: str, subject: str, body: str) -> bool:
    """A message to the reviewers of the offer's lead department; whether there was anyone to tell."""
    try:
        lead = lead_department(session, offer)
    except (NotFound, Conflict):  # no unit registered to lead the measure: nobody to tell
        return False
    users = messages.department_users(session, lead.id)
    messages.notify(session, users, kind=kind, subject=subject, body=body,
                    link="/offers/pending" if mode_of(session, offer) == "direct" else None)
    return bool(users)


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
    direct: bool  # 免申即享: confirmed by the lead department rather than accepted

    @property
    def said(self) -> str:
        return f"已登记{LABEL} {wan(self.other_support)} 万元：" + deduction(
            self.before, self.other_support, self.granted, self.offer.ceiling or 0, direct=self.direct)


def deduction(before: int | None, other_support: int, granted: int, after: int, *, direct: bool = False) -> str:
    """How an offer's ceiling came about once support received elsewhere was stated; nothing left here cannot be
    accepted, or, 免申即享, confirmed.

    >>> deduction(1_000_000, 300_000, 0, 700_000)
    '措施上限 100 万元，扣除已获其他省级政策支持 30 万元后为 70 万元'
    >>> deduction(1_000_000, 1_000_000, 0, 0)
    '已获其他省级政策支持 100 万元，不低于措施上限 100 万元：按从高不重复原则本政策不再支持，不能接受'
    >>> deduction(1_000_000, 300_000, 700_000, 0, direct=True)
    '措施上限 100 万元，扣除已获其他省级政策支持 30 万元、其他政策已获批 70 万元后无余额：本政策不再支持，不能确认'
    """
    cannot = "不能确认" if direct else "不能接受"
    if before is None or blocked_by_other_support(before, other_support):
        upto = f"，不低于措施上限 {wan(before)} 万元" if before is not None else ""
        return f"{LABEL} {wan(other_support)} 万元{upto}：按从高不重复原则本政策不再支持，{cannot}"
    less = f"扣除{LABEL} {wan(other_support)} 万元" + (f"、其他政策已获批 {wan(granted)} 万元" if granted else "")
    left = f"为 {wan(after)} 万元" if after else f"无余额：本政策不再支持，{cannot}"
    return f"措施上限 {wan(before)} 万元，{less}后{left}"


def record_other_support(session: Session, *, actor: User, offer_id: int, amount: int,
                         seen: str | None = None) -> Recomputed:
    """已获其他省级政策支持: ``amount`` (元) received for the offer's matter under another provincial policy, written to
    the matter (audited), and the offer's ceiling computed again. ``seen`` is the amount the person saw recorded (元,
    "" for none): of two statements at once, the second is refused rather than silently replacing the first; None
    does not check.

    A matter from a published list (imported) takes the amount although its own form is closed to the enterprise:
    the list says what was recognised, not what the enterprise received elsewhere, which only it knows. A matter the
    reviewers verified is kept as they verified it, as its form keeps it."""
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
    if matter.source == "verified":  # the wording of the matter's own form (applicants.service.save_matter)
        raise Conflict(f"事项 {matter.key} 已由审核人员核实（{person(session, matter.verified_by)}），不能再修改；"
                       "请联系责任单位")
    frozen = applicants.frozen_by(session, matter.id)
    if frozen is not None:
        raise Conflict(f"该事项的申报 #{frozen.id} {state_label(session, frozen, clock.today())}，{LABEL}不能再修改；"
                       "如需更正，请联系责任单位")
    if now != amount:
        matter.facts = {**matter.facts, "other_support": amount}
        session.flush()
        audit.record(session, actor=actor.username, action="matter.other_support", entity="matter",
                     entity_id=matter.id, before={"other_support": now}, after={"other_support": amount,
                                                                               "offer": offer.id})
    judged = _judged(session, offer, matter, _answer(session, offer))
    if judged is None:
        raise Conflict(f"按 {clock.today()} 的规则和本单位现在的信息，该事项已不再由措施{offer.measure}支持，"
                       "本次未登记；请刷新页面后查看")
    _set_ceiling(session, actor, offer, judged, because=f"登记了{LABEL} {wan(amount)} 万元")
    return Recomputed(offer, judged.before, amount, judged.granted, mode_of(session, offer) == "direct")


def judged_again(session: Session, *, actor: User, matter: Matter, offers: list[Offer]) -> list[str]:
    """A matter changed through its own form: each of its open ``offers`` (locked, by ``open_for_matter``) computed
    again by the rules on the record as it now stands, as a statement of support received elsewhere computes it;
    one the rules no longer support for the matter is withdrawn with the reason. What became of them, in words.
    An applicant whose record the rules cannot read today keeps its offers as they are, until it is corrected."""
    change = _Change(f"{MATTER_CHANGED}{matter.key}」已修改", "事项信息", "修改了事项信息", Withdrawal.MATTER)
    return _again(session, actor, offers, change)


def profile_changed(session: Session, *, actor: User, version: int, offers: list[Offer]) -> list[str]:
    """The applicant's profile changed (``version``, a new one): each of its open ``offers`` (locked, by
    ``open_for_applicant``) computed again, or withdrawn, as a change of their matter would (``judged_again``): the
    rules read the applicant's size, region, industry or revenue as they read the matter. What became of them, each
    named by its matter."""
    change = _Change(f"{PROFILE_CHANGED}（第 {version} 版）", "单位信息", f"修改了单位信息（第 {version} 版）",
                     Withdrawal.PROFILE, named=True)
    return _again(session, actor, offers, change)


@dataclass(frozen=True)
class _Change:
    """What was changed, as an offer's reason, the enterprise's page and the lead department's message say it."""

    done: str  # 事项「h1」已修改, 单位信息已修改（第 3 版）
    what: str  # 事项信息, 单位信息
    because: str  # 修改了事项信息 (after the enterprise's name)
    by: Withdrawal  # what an offer it withdraws records as having withdrawn it
    named: bool = False  # each offer named by its matter: the change was not of one matter

    def whose(self, matter: Matter) -> str:
        return f"事项「{matter.key}」的" if self.named else ""


def _again(session: Session, actor: User, offers: list[Offer], change: _Change) -> list[str]:
    answer = _answer(session, offers[0]) if offers else None
    if answer is None:
        return []
    said, numbers = [], catalogue.numbers(session)
    for offer in offers:
        matter = session.get(Matter, offer.matter_id)  # locked by the caller
        if matter is None:  # kept for the type checker: an offer's matter is kept while the offer is
            continue
        cited, judged = measure_cited(offer.measure, offer.policy_id, numbers), _judged(session, offer, matter, answer)
        if judged is None:
            of = f"，事项「{matter.key}」" if change.named else ""
            _withdraw(session, actor, offer, f"{change.done}，按修改后的信息{of}不再由{cited}支持", change)
            said.append(f"{change.whose(matter)}政策直达（{cited}）已撤回：按修改后的{change.what}不再符合条件")
        elif _set_ceiling(session, actor, offer, judged, because=change.because):
            none = "：按从高不重复原则本政策不再支持" if not offer.ceiling else ""
            said.append(f"{change.whose(matter)}政策直达（{cited}）的可获支持上限已按规则重算为 "
                        f"{wan(offer.ceiling)} 万元{none}")
    return said


def _withdraw(session: Session, actor: User, offer: Offer, reason: str, change: _Change) -> None:
    offer.state, offer.reason, offer.withdrawn_by = "withdrawn", reason[:500], change.by
    session.flush()
    audit.record(session, actor=actor.username, action="offer.withdraw", entity="offer", entity_id=offer.id,
                 after={"reason": reason[:500]})
    about = About.of(session, offer)
    if about.direct:  # it waited for the department's confirmation
        tell_lead(session, offer, kind="offer.withdraw", subject=f"免申即享已撤回：{about.name}，{about.cited}",
                   body=f"{about.who}{change.because}：按修改后的信息，事项「{about.matter}」{about.batch}不再符合"
                        f"{about.cited}的条件，这项免申即享已撤回，不再等待本单位确认。")


@dataclass(frozen=True)
class _Judged:
    """An offer's ceiling by the rules today: the measure's, what is left of it here (less support received
    elsewhere and grants under other policies), and those grants."""

    before: int
    after: int
    granted: int


def _set_ceiling(session: Session, actor: User, offer: Offer, judged: _Judged, *, because: str) -> bool:
    """The offer's ceiling as judged (audited), its lead department told of a 免申即享 one; whether it changed."""
    was = offer.ceiling
    if judged.after == was:
        return False
    matter = session.get(Matter, offer.matter_id)
    received = _yuan((matter.facts or {}).get("other_support")) if matter is not None else None
    audit.record(session, actor=actor.username, action="offer.ceiling", entity="offer", entity_id=offer.id,
                 before={"ceiling": was}, after={"ceiling": judged.after, "ceiling_before_deduction": judged.before,
                                                 "other_support": received, "granted_elsewhere": judged.granted})
    offer.ceiling = judged.after
    session.flush()
    about = About.of(session, offer)
    if about.direct:
        now = ("按从高不重复原则本政策不再支持，该事项不再等待本单位确认。" if not judged.after
               else "该事项重新等待本单位确认。" if not was else "确认时以新的上限为准。")
        tell_lead(session, offer, kind="offer.ceiling",
                   subject=f"免申即享可获支持上限已变更：{about.name}，{about.cited}",
                   body=f"{about.who}{because}：事项「{about.matter}」，{about.cited}{about.batch}，可获支持上限由 "
                        f"{wan(was)} 万元改为 {wan(judged.after)} 万元。{now}")
    return True


def _yuan(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _answer(session: Session, offer: Offer) -> Answer | None:
    """The rules' answer today for the offer's applicant, on its record as it now stands (None when unreadable)."""
    day = clock.today()
    applicant = session.get(Applicant, offer.applicant_id)
    case = applicant_service.readable_case(session, applicant=applicant, as_of=day) if applicant else None
    return match(case, catalogue.published(session), day) if case is not None else None


def _judged(session: Session, offer: Offer, matter: Matter, answer: Answer | None) -> _Judged | None:
    """The offer's ceiling by ``answer``, or None when the rules no longer grant the measure for the matter."""
    result = _row(answer, offer, matter.key)
    if result is None or result.status != "eligible" or result.ceiling_before_deduction is None \
            or result.excluded_by not in (None, OTHER_SUPPORT):
        return None
    left, granted = left_to_grant(session, matter.id, offer.policy_id, offer.measure, result.ceiling,
                                  stacks_of(catalogue.published(session)))
    return _Judged(result.ceiling_before_deduction, 0 if result.excluded_by else (left or 0), granted)


def _row(answer: Answer | None, offer: Offer, key: str) -> Result | None:
    """The answer's row for the offer's matter (by its key) and measure."""
    return next((r for r in answer.results if r.matter == key and r.policy == offer.policy_id
                 and r.measure == offer.measure), None) if answer is not None else None


def shown(session: Session, offers: list[Offer], answer: Answer | None) -> dict[int, str]:
    """For each open offer whose matter records support received elsewhere, how its ceiling came about (the page's
    answer gives the measure's ceiling before the deduction); none where the answer has no row for it (the record
    unreadable, or changed since): a note that contradicts the ceiling shown would mislead."""
    said, stacks = {}, stacks_of(catalogue.published(session))
    for offer in offers:
        matter = session.get(Matter, offer.matter_id)
        received = _yuan((matter.facts or {}).get("other_support")) if matter is not None else None
        if offer.state != "open" or matter is None or not received:
            continue
        row = _row(answer, offer, matter.key)
        before = row.ceiling_before_deduction if row is not None else None
        if before is None:
            continue
        granted = left_to_grant(session, matter.id, offer.policy_id, offer.measure, before, stacks)[1]
        said[offer.id] = deduction(before, received, granted, offer.ceiling or 0,
                                   direct=mode_of(session, offer) == "direct")
    return said
