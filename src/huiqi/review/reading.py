"""What a reviewer reads: the queue of their scope, and one application's dossier (the applicant at
submission, the rule trace kept then, no-stacking warnings, materials, timeline, the steps open to them).

Reading only: every decision goes through the services, which check role, scope and state again.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements import repository as announcements
from huiqi.announcements.service import period, standing, status_of
from huiqi.applicants import repository as applicants
from huiqi.applicants.service import unreadable
from huiqi.applications import payee
from huiqi.applications import repository as application_rows
from huiqi.applications import service as applications
from huiqi.applications.filters import Filters
from huiqi.applications.schemas import StepRead
from huiqi.applications.views import describe, timeline
from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.funding import repository as funding
from huiqi.labels import stacking_text
from huiqi.models import (
    Announcement,
    Application,
    Budget,
    Department,
    Grant,
    Matter,
    MatterListing,
    RecognitionList,
    User,
)
from huiqi.public.service import measure_titles
from huiqi.review.materials import Filed, filed
from huiqi.rules.answer import Answer, Result
from huiqi.rules.stacking import OTHER_SUPPORT
from huiqi.users.names import person
from huiqi.users.roles import Role
from huiqi.users.scope import covers, require_role
from huiqi.workflow.judgement import Judgement, judge, list_withdrawn, matter_key, outranked, result_for, review_refusal
from huiqi.workflow.repository import is_direct
from huiqi.workflow.states import STATES, Action, State, Step, allowed
from huiqi.workflow.steps import after_announcement

REVIEWERS = (Role.CITY, Role.DEPARTMENT, Role.FINANCE, Role.ADMIN, Role.AUDITOR)
# Where the rules are asked again today (the review page shows what approval would find).
JUDGED_AGAIN = (State.DEPARTMENT_REVIEW, State.PROPOSED, State.ANNOUNCED)


# What waits for each role: the city its pre-review, the department its review and the 公示 while it runs, finance
# the 公示 once it has ended (its approval) and payment (``queue``). (A city may also return or reject during the
# department's review, but that is not its queue.)
WAITING = {Role.CITY: {State.CITY_REVIEW}, Role.DEPARTMENT: {State.DEPARTMENT_REVIEW, State.PROPOSED, State.ANNOUNCED},
           Role.FINANCE: {State.ANNOUNCED, State.APPROVED}}


# When an application in 公示 waits for whom, by where its 公示 stands: the department while it runs (objections
# are recorded then, and nothing else), finance once it has ended (approval waits for the end; an objection sends
# the application back to review, so one still in 公示 has none open). Before it opens it waits for no one. The two
# are complementary: one 公示 is never in both queues, and from its first day on it is always in one.
ANNOUNCED_WAITS = {Role.DEPARTMENT: "公示中", Role.FINANCE: "已结束"}


def waiting_for(role: str) -> set[str]:
    """The states whose applications wait for ``role``; admin and auditor watch every state but drafts."""
    return WAITING.get(role, set(STATES) - {State.DRAFT})


def queue(session: Session, *, actor: User, state: str | None = None, filters: Filters | None = None,
          today: date | None = None) -> list[Application]:
    """The applications awaiting the actor's role within its scope (on ``today``, the business day unless said);
    with ``state``, all of the scope in it; narrowed by ``filters``."""
    require_role(actor, *REVIEWERS, doing="查看审核队列")
    found = applications.listed(session, actor=actor, state=state, states=None if state else waiting_for(actor.role),
                                filters=filters)
    if state or actor.role not in ANNOUNCED_WAITS:
        return found
    return _in_their_period(session, found, today or clock.today(), ANNOUNCED_WAITS[actor.role])


def _in_their_period(session: Session, found: list[Application], today: date, when: str) -> list[Application]:
    """``found`` less its applications in 公示 whose 公示 does not stand at ``when`` (公示中, 已结束) on ``today``;
    状态「公示中」 of the queue and 公示管理 still list them."""
    ids = {a.announcement_id for a in found if a.state == State.ANNOUNCED and a.announcement_id}
    batches = announcements.by_ids(session, ids)

    def waiting(a: Application) -> bool:
        batch = batches.get(a.announcement_id or 0)
        return batch is not None and period(batch.starts_on, batch.ends_on, today) == when

    return [a for a in found if a.state != State.ANNOUNCED or waiting(a)]


def applicant_name(session: Session, application: Application) -> str:
    profile = applicants.current_profile(session, application.applicant_id)
    return profile.name if profile and profile.name else application.uscc


def department_name(session: Session, department_id: int | None) -> str | None:
    department = session.get(Department, department_id) if department_id else None
    return department.name if department else None


@dataclass
class Row:
    """One line of the queue."""

    application: Application
    applicant: str
    department: str | None
    title: str
    status: str  # the state as people read it today (``announcements.standing``)


def rows(session: Session, found: list[Application]) -> list[Row]:
    titles = measure_titles(session)
    status = standing(session, found, clock.today())
    return [Row(a, applicant_name(session, a), department_name(session, a.department_id),
                titles.get((a.policy_id, a.measure), ""), status[a.id]) for a in found]


@dataclass
class Other:
    """Another application, or a grant, for the same matter: 从高不重复 allows one per policy, and another policy's
    grant is deducted (差额补足)."""

    application_id: int
    measure: int
    policy_id: str
    state: str
    amount: int | None
    granted: bool
    visible: bool  # whether the reader's scope covers it (a link is shown only then)
    policy_number: str = ""  # the policy as people cite it (辽政办〔2022〕35号)
    twin: str = ""  # the key of the twin matter it is for (the same recognition recorded twice), else ""


@dataclass
class Dossier:
    """Everything a reviewer needs for one application."""

    application: Application
    applicant: str
    department: str | None
    title: str
    matter_key: str
    facts: dict[str, Any]
    matter: dict[str, Any]
    result: Result | None
    alternatives: list[Result]
    others: list[Other]
    grant: Grant | None
    materials: list[Filed]  # each with its kind as the round names it, and the return for correction it answers
    removed_materials: list[Filed]  # taken down by the enterprise (before a resubmission): kept for the record
    timeline: list[StepRead]  # with what each step changed, the score included (a reviewer reads it)
    steps: list[Step]
    announcement: Announcement | None
    budget: Budget | None
    today: Judgement | None = None  # the rules asked again today, as approval would
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # why a step is not offered yet
    later: list[str] = field(default_factory=list)  # a step offered later, said in 办理 (an objection, from day one)
    arrived: list[str] = field(default_factory=list)  # each timeline step's state as people read it on its day
    source: str = ""  # where the matter's facts come from: 企业填报, 公布名单 (文号), 已核实 (谁, 何时)
    profile_source: str = ""  # who recorded the applicant's facts
    verifiable: bool = False  # a declared matter the reviewer may mark verified
    status: str = ""  # the state as people read it today (``announcements.standing``)
    payee_missing: bool = False  # an approved grant whose enterprise has not yet confirmed its account
    payee: str = ""  # the account the enterprise confirmed, as the pages say it: its bank and last four digits
    payee_shown: bool = False  # whether the reader's role reads the account (a city's pre-review does not)
    blocked: str | None = None  # why no amount can be proposed, announced or approved (its list withdrawn, a twin's)


def dossier(session: Session, *, actor: User, application_id: int, today: date | None = None) -> Dossier:
    """The dossier of an application the actor's scope covers (others do not exist for it)."""
    require_role(actor, *REVIEWERS, doing="审阅申报")
    today = today or clock.today()
    app = applications.get(session, actor=actor, application_id=application_id)
    key = matter_key(session, app)
    snapshot = app.case_snapshot or {}
    answer = Answer.model_validate(app.match_result) if app.match_result else None
    result = result_for(answer, app, key) if answer else None
    alternatives = [r for r in answer.results if r.matter == key and r is not result] if answer else []
    batch = announcements.get(session, app.announcement_id) if app.announcement_id else None
    budget = funding.budget(session, today.year, app.policy_id, app.measure) \
        if actor.role in (Role.FINANCE, Role.ADMIN, Role.AUDITOR) else None
    found = Dossier(
        application=app, applicant=applicant_name(session, app), department=department_name(session, app.department_id),
        title=measure_titles(session).get((app.policy_id, app.measure), ""), matter_key=key,
        facts=snapshot.get("applicant", {}),
        matter=next((m for m in snapshot.get("matters", []) if m.get("id") == key), {}),
        result=result, alternatives=alternatives, others=_others(session, actor, app),
        grant=funding.grant_for_application(session, app.id), materials=filed(session, app),
        removed_materials=filed(session, app, removed=True),
        timeline=timeline(session, app.id), steps=allowed(app.state, actor.role, direct=is_direct(session, app.id)),
        announcement=batch, budget=budget)
    found.payee_shown = payee.shown_to(actor)
    found.payee_missing = app.state == State.APPROVED and app.payee_confirmed_at is None
    found.payee = payee.masked(app) if found.payee_shown else ""
    if app.state in JUDGED_AGAIN:
        try:
            found.today = judge(session, app, on=today)
        except InputError as error:  # a stored fact the rules no longer read: approval will say the same
            found.notices.append(f"申报单位登记的信息无法按现行规则复核：{unreadable(session, app.applicant_id, error)}"
                                 "（更正后方可批准）")
    found.warnings = _warnings(found, catalogue.numbers(session))
    found.status = status_of(app, batch, today)  # the batch read above: not looked up again
    found.source, found.verifiable = source_of(session, app.matter_id)
    found.warnings += _conflicts(session, app) + _lists_gone(session, app)
    if any(s.action in (Action.PROPOSE, Action.AMEND, Action.ANNOUNCE, Action.APPROVE) for s in found.steps):
        found.blocked = review_refusal(session, app)
    profile = applicants.current_profile(session, app.applicant_id)
    found.profile_source = (f"单位信息第 {profile.version} 版，{person(session, profile.recorded_by)} 登记" if profile
                            else "单位信息")
    found.verifiable = found.verifiable and actor.role in (Role.CITY, Role.DEPARTMENT) and app.state in (
        State.CITY_REVIEW, State.DEPARTMENT_REVIEW)
    _not_yet(found, today)
    found.arrived = [t.arrived for t in found.timeline]
    return found


def source_of(session: Session, matter_id: int) -> tuple[str, bool]:
    """Where a matter's facts come from, as a reviewer reads it, and whether it is only declared."""
    matter = session.get(Matter, matter_id)
    if matter is None:
        return "", False
    if matter.source == "imported" and matter.list_id is not None:
        found = session.get(RecognitionList, matter.list_id)
        if found is None:
            return "公布名单", False
        return f"公布名单：{found.document}（{found.published_on}，{person(session, found.imported_by)} 导入）", False
    if matter.source == "withdrawn":
        return "所依据的认定名单已撤回：该事项不再计入", False
    if matter.source == "verified":
        when = matter.verified_at.strftime("%Y-%m-%d") if matter.verified_at else ""
        return f"已核实：{person(session, matter.verified_by)}（{when}）", False
    return "企业填报（未经核实）", True


def _not_yet(d: Dossier, today: date) -> None:
    """Finance's decision waits for the 公示's end: before it, finance is told when, and sees no 批准 or 不予支持
    form. An objection is recorded only while the 公示 runs: outside it, the department is told why, and sees no 异议
    form."""
    batch = d.announcement
    held = (Action.APPROVE, Action.REJECT) if d.application.state == State.ANNOUNCED else ()
    if batch is not None and today <= batch.ends_on and any(s.action in held for s in d.steps):
        d.steps = [s for s in d.steps if s.action not in held]
        d.notices.append(after_announcement(batch.ends_on))
    if batch is not None and not batch.starts_on <= today <= batch.ends_on and any(
            s.action == Action.OBJECT for s in d.steps):
        d.steps = [s for s in d.steps if s.action != Action.OBJECT]
        if today < batch.starts_on:  # said where the 异议 form will be
            d.later.append(f"公示期为 {batch.starts_on} 至 {batch.ends_on}，现在尚未开始：自 {batch.starts_on} 起"
                           "可在此记录异议")
        else:
            d.notices.append(f"公示期为 {batch.starts_on} 至 {batch.ends_on}，现在已结束：只能在公示期内记录异议")


def _others(session: Session, actor: User, app: Application) -> list[Other]:
    """The other applications for the matter, and for its twins (the same recognition, recorded twice)."""
    ids = applicants.recognition_ids(session, app.matter_id)
    granted = {g.application_id for g in funding.grants_for_matters(session, ids)}
    numbers = catalogue.numbers(session)
    keys = {i: matter.key for i in ids if i != app.matter_id and (matter := session.get(Matter, i)) is not None}
    found = [Other(o.id, o.measure, o.policy_id, o.state, o.amount_proposed or o.amount_requested,
                   o.id in granted, covers(actor, o),
                   numbers.get(o.policy_id, o.policy_id), keys.get(o.matter_id, ""))
             for i in ids for o in application_rows.for_matter(session, i)
             if o.id != app.id and o.state not in (State.WITHDRAWN, State.DRAFT)]
    return sorted(found, key=lambda o: o.application_id)


def _lists_gone(session: Session, app: Application) -> list[str]:
    """A list the matter rested on, withdrawn, while something else still records the recognition: the reviewer is
    told what it now rests on (a twin the rules judge in its stead, or the enterprise's own declaration)."""
    matter = session.get(Matter, app.matter_id)
    if matter is None:
        return []
    if matter.source == "withdrawn":
        twin = next((t for t in applicants.same_recognition(session, matter) if t.source != "withdrawn"), None)
        if twin is None:
            return []  # refused plainly at each step (``review_refusal``), said beside the forms
        source, _ = source_of(session, twin.id)
        return [f"{list_withdrawn(session, matter)}；同一认定仍记录在事项「{twin.key}」（{source}），"
                "按该事项复核"]
    gone = list(session.scalars(select(RecognitionList).join(MatterListing).where(
        MatterListing.matter_id == matter.id, RecognitionList.state == "withdrawn").order_by(RecognitionList.id)))
    if not gone or matter.source == "imported":
        return []
    documents = "、".join(g.document for g in gone)
    return [f"曾确认该事项的认定名单（{documents}）已撤回：该事项现为企业填报，请核对证明材料"]


def _conflicts(session: Session, app: Application) -> list[str]:
    """A declared matter beside a published one of the same kind: the published fact stands; the reviewer is told
    where they differ (the date or the level)."""
    matter = session.get(Matter, app.matter_id)
    if matter is None or matter.source not in ("declared", "verified"):
        return []
    found = []
    for other in applicants.matters(session, app.applicant_id):
        if other.source != "imported" or not set(other.codes) & set(matter.codes):
            continue
        source = session.get(RecognitionList, other.list_id) if other.list_id else None
        differs = [what for what, a, b in (("日期", matter.date, other.date),
                                           ("级别", matter.facts.get("level"), other.facts.get("level"))) if a != b]
        which = source.document if source else "名单"
        tail = f"，但{'、'.join(differs)}不一致：以公布名单为准" if differs else "：以公布名单为准"
        found.append(f"企业填报的事项「{describe(matter)}」与公布名单（{which}）中的事项「{describe(other)}」同类{tail}")
    return found


def _warnings(d: Dossier, numbers: dict[str, str]) -> list[str]:
    """No stacking, said plainly: other applications or a grant for the same matter, and the rules' choice."""
    out = []
    for other in d.others:
        what = "已获批" if other.granted else f"处于「{STATES.get(other.state, other.state)}」"
        rule = ("本政策只补足上限与已获批金额的差额（从高不重复）"
                if other.granted and other.policy_id != d.application.policy_id else "按从高不重复原则只能支持一项")
        whose = f"同一认定的另一事项「{other.twin}」有申报" if other.twin else "同一事项另有申报"
        out.append(f"{whose} #{other.application_id}：{other.policy_number or other.policy_id} "
                   f"措施{other.measure}，{what}；{rule}")
    if (r := d.result) is not None and r.excluded_by == OTHER_SUPPORT:
        out.append(f"按规则，{stacking_text(r.excluded_by, r.excluded_by_policy, r.policy, numbers)}")
    elif said := outranked(d.result, d.alternatives, d.application.policy_id, numbers):
        out.append(said)
    return out
