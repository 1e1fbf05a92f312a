"""What an enterprise may claim for its matters (可以申请什么, on /me): each result of the rules with what is said of
it (从高不重复, 差额补足, the facts to supply, the conditions not met) and what can be done next (立即申报 in an open
round, 免申即享, or no round open), the same on the page and in its Excel download."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements.service import standing
from huiqi.applicants import repository, service
from huiqi.applications import service as applications
from huiqi.catalogue import service as catalogue
from huiqi.departments.service import lead_unit
from huiqi.errors import InputError, NotFound
from huiqi.funding import repository as funding
from huiqi.labels import matter_label, measure_label, policy_cited, stacking_text
from huiqi.models import Application, Grant, Matter, Round, User
from huiqi.money import wan
from huiqi.rounds import service as rounds
from huiqi.rules.answer import STATUS_LABELS, Answer, Result
from huiqi.rules.questions import missing_typed
from huiqi.rules.stacking import deducted, stack, stacks_of
from huiqi.web.excel import Table
from huiqi.workflow.judgement import deducted_grants
from huiqi.workflow.states import ENDED, SUPPORTED, State


@dataclass(frozen=True)
class TopUp:
    """A result whose matter other policies already granted: what was granted, and the ceiling left (差额补足)."""

    granted: int
    ceiling: int | None  # the result's ceiling less what was granted; None when the result names no figure
    grants: str  # 辽政办〔2022〕35号 措施11 获批 1000 万元
    # Applications under way for the matter under other policies, not yet approved: their amounts (拟定, else 申请),
    # which the ceiling is also reduced by, since only the difference can be had once they are approved.
    applying: int = 0
    applied: str = ""  # 辽政办〔2022〕35号 措施11 申报 #4（已拟定金额 600 万元）

    @property
    def nothing_left(self) -> bool:
        return self.ceiling is None or self.ceiling <= 0


ANSWERED = {"declined": "已放弃政策直达：不再由责任单位确认",
            "set_aside": "政策直达经责任单位确认未通过（理由见政策直达）"}


@dataclass(frozen=True)
class Claim:
    """One line of 可以申请什么."""

    result: Result
    matter: Matter | None
    top_up: TopUp | None
    note: str  # why 从高不重复 sets it aside, or how a grant under another policy bounds it ('' when neither)
    missing: list[str]  # the facts to supply, as people read them
    failed: list[str]  # the conditions not met
    applied: list[tuple[Application, str]]  # the matter's live applications, each with where it stands
    round: Round | None  # the open round that takes it, when it may be applied for now
    direct: bool  # delivered 免申即享 (no application): said instead of 立即申报
    closed: bool  # it may be applied for, but no round takes it now
    # 免申即享 with no offer made and the matter on no imported list: nothing will come of itself; who to ask
    unlisted: str = ""
    offer: str | None = None  # the state of the latest offer made for it (政策直达, on the same page), if any
    # An open round takes an application for it now, whatever 从高不重复 within the answer says: what the service
    # accepts (a top-up under another policy), which ``round`` narrows to what 本单位 offers.
    applicable: bool = False

    @property
    def offered(self) -> bool:
        """An offer for it stands: waiting for the enterprise or its department, or taken up."""
        return self.offer in ("open", "accepted", "confirmed")

    @property
    def answered(self) -> str:
        """How its offer was answered, when declined or set aside (it is not made again); '' otherwise."""
        return ANSWERED.get(self.offer or "", "")

    @property
    def ceiling(self) -> int | None:
        """What may be granted here: the measure's ceiling, less grants under other policies when any."""
        return self.top_up.ceiling if self.top_up else self.result.ceiling

    @property
    def kept(self) -> bool:
        """The rules keep it (eligible, not set aside by 从高不重复) and something is left of its ceiling."""
        r = self.result
        return r.status == "eligible" and not r.excluded_by and not (self.top_up and self.top_up.nothing_left)

    @property
    def own(self) -> list[Application]:
        """The matter's live applications under this very policy and measure (under way or approved)."""
        r = self.result
        return [a for a, _ in self.applied if a.policy_id == r.policy and a.measure == r.measure]

    @property
    def pending(self) -> bool:
        """An application for it (this policy and measure) is under way, not yet approved."""
        return any(a.state not in SUPPORTED for a in self.own)

    @property
    def counted(self) -> int | None:
        """What it adds to the total: an application under way counts as its amount (拟定, else 申请, within the
        ceiling); anything else as its ceiling (None: no figure)."""
        under_way = [in_play(a) for a in self.own if a.state not in SUPPORTED]
        if not under_way:
            return self.ceiling
        amount = sum(under_way)
        return amount if self.ceiling is None else min(amount, self.ceiling)

    @property
    def still_open(self) -> bool:
        """It may still be had: applied for now (an open round), received 免申即享 (its offer stands), or received
        through an application under way under it, whatever 从高不重复 says of a measure nobody applied under. A
        declined offer, a grant already made, or no round open is not."""
        if self.pending:
            return self.result.status != "ineligible"
        return self.kept and (self.round is not None or (self.direct and self.offered))


@dataclass
class Claims:
    """The list for one enterprise: the answer it comes from (None before anything is recorded), or why the record
    cannot be read under today's rules."""

    answer: Answer | None = None
    unreadable: str | None = None
    rows: list[Claim] = field(default_factory=list)
    granted: int = 0  # what was approved for the matters so far, under any policy (part of the total, not beside it)


def of(session: Session, *, actor: User, uscc: str) -> Claims:
    """The enterprise's claims as of today (the enterprise itself)."""
    applicant = repository.by_uscc(session, uscc)
    if applicant is None:
        return Claims()
    matters = repository.matters(session, applicant.id)
    keys = {m.id: m.key for m in matters}
    applied: dict[str, list[Application]] = {}  # a matter's applications so far: no second draft is offered for it
    for application in applications.listed(session, actor=actor):
        if application.state not in ENDED and application.matter_id in keys:
            applied.setdefault(keys[application.matter_id], []).append(application)
    try:
        answer = service.answer_for(session, actor=actor, uscc=uscc)
    except InputError as error:  # a stored fact the rules no longer read (a code of a withdrawn policy)
        return Claims(unreadable=service.unreadable(session, applicant.id, error))
    status = standing(session, [a for found in applied.values() for a in found], clock.today())
    granted = {m.key: funding.grants_for_matter(session, m.id) for m in matters}
    # A twin (the same recognition, recorded twice by lists imported one after another) weighs as the matter itself:
    # its grant and its applications are this one's.
    same = {m.key: [m.key, *(t.key for t in matters if repository.twins(t, m))] for m in matters}
    weighed = {k: [g for x in same[k] for g in granted.get(x, [])] for k in same}
    applied = {k: sorted((a for x in same[k] for a in applied.get(x, [])), key=lambda a: a.id) for k in same
               if any(applied.get(x) for x in same[k])}
    top_ups, top_up_open = _top_ups(session, answer, weighed, applied)
    numbers = catalogue.numbers(session)
    open_rounds = rounds.open_by_measure(session)
    direct = rounds.direct_measures(session, taking=open_rounds)
    by_key = {m.key: m for m in matters}
    offered = repository.offered(session, applicant.id)
    rows = []
    for r in answer.results:
        up = top_ups.get((r.matter, r.policy, r.measure))
        lives = applied.get(r.matter, [])
        may = ((not lives or (r.matter, r.policy) in top_up_open) and r.status != "ineligible" and not r.excluded_by
               and not (up and up.nothing_left))
        key = (r.policy, r.measure)
        own = any(a.policy_id == r.policy and a.measure == r.measure for a in lives)
        rows.append(Claim(
            result=r, matter=by_key.get(r.matter), top_up=up, note=_note(r, up, numbers, own),
            missing=[missing_typed(m) for m in r.missing], failed=[c.text for c in r.conditions if c.value is False],
            applied=[(a, status[a.id]) for a in lives],
            round=open_rounds.get(key) if may and key not in direct else None, direct=may and key in direct,
            closed=may and key not in open_rounds,
            unlisted=_unlisted(session, by_key.get(r.matter), r, offered, open_rounds[key]) if may and key in direct
            else "", offer=offered.get((getattr(by_key.get(r.matter), "id", None), *key)),
            applicable=r.status != "ineligible" and key in open_rounds and key not in direct
            and not (up and up.nothing_left)))
    return Claims(answer=answer, rows=rows, granted=sum(g.amount for found in granted.values() for g in found))


@dataclass(frozen=True)
class Outlook:
    """What is left for the enterprise, as the sentence above the list (and the export's 合计 row) says it."""

    total: int  # the numeric ceilings of the claims still open
    unpriced: int  # claims still open whose ceiling names no figure (未定额)
    waiting: int  # kept claims that no round takes now (暂无受理中的申报批次)
    granted: int  # approved so far (beside the total, not in it)
    later: int = 0  # what top-ups may bring once the matter's application under another policy is approved (差额补足)

    @property
    def said(self) -> str:
        """The sentence: only what can still be applied for or received counts."""
        if self.total or self.unpriced:
            parts = [f"尚可申请或正在办理的合计最高 {wan(self.total)} 万元"
                     + (f"（另有 {self.unpriced} 项未定额）" if self.unpriced else "") + "，见下表“办理”一列"]
        else:
            parts = ["目前没有尚可申请或正在办理的措施"]
        if self.waiting:
            parts.append(f"另有 {self.waiting} 项符合条件，暂无受理中的申报批次")
        if self.later:
            parts.append(f"另有差额补足最高 {wan(self.later)} 万元，待同一事项在其他政策下的申报批准后可申请")
        if self.granted:
            parts.append(f"已获批准 {wan(self.granted)} 万元")
        return "；".join(parts)


def outlook(claims: Claims) -> Outlook:
    """What the list leaves to apply for or receive, and what was approved."""
    still = [c for c in claims.rows if c.still_open]
    return Outlook(total=sum(c.counted or 0 for c in still), unpriced=sum(1 for c in still if c.counted is None),
                   waiting=sum(1 for c in claims.rows if c.kept and c.closed and not c.pending),
                   granted=claims.granted,
                   later=sum(c.ceiling or 0 for c in claims.rows
                             if c.kept and c.top_up and c.top_up.applying and not c.still_open))


def deductions(claim: Claim, unit: str = "") -> list[str]:
    """How its ceiling was reduced: by grants under other policies, by support recorded as received (差额补足);
    ``unit`` follows each amount (the page's column says 万元 already; the export's text says it)."""
    r, up, said = claim.result, claim.top_up, []
    if up:
        less = [f"已获批 {wan(up.granted)}{unit}"] * bool(up.granted) + [f"申报中 {wan(up.applying)}{unit}"] * bool(
            up.applying)
        said.append(f"措施上限 {wan(r.ceiling) + unit if r.ceiling is not None else '未定额'}，扣除{'、'.join(less)}")
    if isinstance(r.ceiling_before_deduction, int) and r.ceiling_before_deduction != r.ceiling:
        said.append(f"措施上限 {wan(r.ceiling_before_deduction)}{unit}，"
                    f"扣除已获其他政策支持 {wan(r.other_support or 0)}{unit}")
    return said


def _unlisted(session: Session, matter: Matter | None, r: Result, offered: dict[tuple[int, str, int], str],
              taking: Round) -> str:
    """What to do about a 免申即享 measure that nothing will bring (no offer, the matter declared, not on an imported
    list): who to ask, as the draft page names them (the lead unit, and the round's contact)."""
    if matter is None or matter.source == "imported" or matter.list_id is not None \
            or (matter.id, r.policy, r.measure) in offered:
        return ""
    try:
        lead = lead_unit(catalogue.measure(session, r.policy, r.measure)[1], clock.today())
    except NotFound:
        lead = "责任单位"
    ask = f"{lead}；申报批次咨询：{taking.contact}" if taking.contact else lead
    return f"本措施免申即享，依据公布名单确认；贵单位的该事项未在已导入的名单中。如已获认定，请联系{ask}"


def in_play(application: Application) -> int:
    """The amount an application stands for now: the one proposed (拟定) once set, else the one requested."""
    proposed = application.amount_proposed
    return proposed if proposed is not None else application.amount_requested


def applied_text(application: Application, where: str, numbers: dict[str, str]) -> str:
    """An application as a claim's line names it, with where it stands and its amount (已申报 #4（辽政办〔2022〕35号
    措施11，已拟定金额 600 万元）; 已批准 720 万元; 公示中，拟定金额 600 万元; 已提交，申请金额 800 万元)."""
    amount = f"{wan(in_play(application))} 万元"
    if application.state == State.PROPOSED or application.state in SUPPORTED:
        said = f"{where} {amount}"
    else:
        said = f"{where}，{'申请' if application.amount_proposed is None else '拟定'}金额 {amount}"
    cited = policy_cited(application.policy_id, numbers)
    return f"已申报 #{application.id}（{cited}措施{application.measure}，{said}）"


def _note(r: Result, up: TopUp | None, numbers: dict[str, str], own: bool) -> str:
    """What 从高不重复 says of it: nothing of a measure applied under (its application says where it stands)."""
    if r.excluded_by and not own:
        return stacking_text(r.excluded_by, r.excluded_by_policy, r.policy, numbers)
    by = "、".join(filter(None, [up.grants, up.applied])) if up else ""
    if up and up.applying and up.nothing_left:
        return f"已按 {by}，批准后不低于本措施上限，不再重复支持"
    if up and up.applying:
        return f"已按 {by}：批准后本措施只补足差额（从高不重复）"
    if up and up.nothing_left:
        return f"已按 {by}，不低于本措施上限，不再重复支持"
    if up:
        return f"已按 {by}：本措施只补足差额（从高不重复）"
    return ""


def _top_ups(session: Session, answer: Answer, granted: dict[str, list[Grant]],
             applied: dict[str, list[Application]]) -> tuple[dict[tuple[str, str, int], TopUp], set[tuple[str, str]]]:
    """Per result, the grants (``granted``, by matter) under other policies that reduce it; and the (matter,
    policy) pairs open to a new application beside them: every live application of the matter is granted, and none
    under that policy."""
    policies = catalogue.published(session)
    stacks, numbers = stacks_of(policies), {p.id: p.number for p in policies}
    found: dict[tuple[str, str, int], TopUp] = {}
    for r in answer.results:
        reducing = deducted_grants(granted.get(r.matter, []), r.policy, r.measure, stacks)
        under_way = [a for a in applied.get(r.matter, []) if a.state not in SUPPORTED and a.policy_id != r.policy
                     and not stack((r.policy, r.measure), (a.policy_id, a.measure), stacks)]
        if reducing or under_way:
            total, applying = sum(g.amount for g in reducing), sum(in_play(a) for a in under_way)
            said = "、".join(f"{numbers.get(g.policy_id, g.policy_id)} 措施{g.measure} 获批 {wan(g.amount)} 万元"
                            for g in reducing)
            asked = "、".join(f"{numbers.get(a.policy_id, a.policy_id)} 措施{a.measure} 申报 #{a.id}"
                              f"（{'拟定' if a.amount_proposed is not None else '申请'}金额 {wan(in_play(a))} 万元）"
                              for a in under_way)
            found[(r.matter, r.policy, r.measure)] = TopUp(total, deducted(r.ceiling, total + applying), said,
                                                           applying, asked)
    open_ = {(r.matter, r.policy) for r in answer.results
             if applied.get(r.matter) and applications.holding_among(applied[r.matter], r.policy) is None}
    return found, open_


def matter_name(claim: Claim) -> str:
    """The claim's matter as people read it (its type, level and date; its key when it is not on record)."""
    m = claim.matter
    return matter_label(m.codes, (m.facts or {}).get("level"), m.date) if m else claim.result.matter


def next_step(claim: Claim, numbers: dict[str, str]) -> str:
    """What can be done, in words: the applications already made, 免申即享, the round to apply in, or none open."""
    said = [applied_text(a, where, numbers) for a, where in claim.applied]
    if claim.unlisted:
        said.append(claim.unlisted)
    elif claim.direct and claim.answered:
        said.append(claim.answered)
    elif claim.direct:
        said.append("免申即享：无需申报，依据公布名单由责任单位确认")
    elif claim.round:
        said.append(f"可申报：{claim.round.title}，{claim.round.closes_on:%Y-%m-%d} 截止")
    elif claim.closed:
        said.append("暂无受理中的申报批次")
    return "；".join(said)


def table(session: Session, claims: Claims, as_of: date) -> Table:
    """The list as a workbook's table: one row per result, the ceiling in whole yuan with its 万元 twin."""
    numbers = catalogue.numbers(session)
    header = ["事项", "事项编号", "政策", "措施", "状态", "上限", "说明", "请补充", "未满足的条件", "办理"]
    rows: list[list[Any]] = [
        [matter_name(c), c.result.matter, numbers.get(c.result.policy, c.result.policy),
         measure_label(c.result.measure, c.result.title), STATUS_LABELS.get(c.result.status, c.result.status),
         c.ceiling if c.ceiling is not None else "—" if c.top_up else "未定额",
         "；".join(filter(None, [c.note, *deductions(c, " 万元")])), "、".join(c.missing), "；".join(c.failed),
         next_step(c, numbers)] for c in claims.rows]
    left = outlook(claims)
    rows.append(["合计", "", "", "", "", left.total, left.said, "", "", ""])
    return Table(f"可以申请什么（{as_of:%Y-%m-%d} 判断）", header, rows, money={"上限"})
