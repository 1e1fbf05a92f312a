"""Applications as people read them: names, titles and units beside the ids; the timeline; the Excel list.

Shared by the JSON API, the pages and the export, so all three say the same thing.
"""

from typing import Any

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements import repository as batches
from huiqi.announcements.service import standing, status
from huiqi.applicants import repository as applicants
from huiqi.applications import repository
from huiqi.applications.payee import last_four, shown_to
from huiqi.applications.schemas import (
    DECLARATION,
    ApplicationDetail,
    ApplicationSummary,
    MaterialRead,
    PaymentRead,
    StepRead,
)
from huiqi.applications.service import declaration_stands
from huiqi.catalogue import service as catalogue
from huiqi.departments.service import city_reviews
from huiqi.errors import NotFound
from huiqi.funding import repository as funding
from huiqi.labels import matter_label, measure_label
from huiqi.models import Announcement, Application, Department, Matter, User
from huiqi.public.service import measure_titles
from huiqi.reference import divisions
from huiqi.rules.answer import Answer
from huiqi.users.names import name_of, people_then
from huiqi.users.roles import Role
from huiqi.web.excel import Table
from huiqi.workflow import history
from huiqi.workflow import repository as steps
from huiqi.workflow.judgement import matter_key, result_for
from huiqi.workflow.states import ACTIONS, STATES, Action, State, allowed


def measure_title(session: Session, policy_id: str, number: int) -> str:
    return measure_titles(session).get((policy_id, number), f"措施{number}")


def _name(session: Session, application: Application) -> str | None:
    profile = applicants.current_profile(session, application.applicant_id)
    return profile.name if profile else None


def summary(session: Session, application: Application) -> ApplicationSummary:
    """The fields of a list row."""
    grant = funding.grant_for_application(session, application.id)
    unit = session.get(Department, application.department_id) if application.department_id else None
    matter = session.get(Matter, application.matter_id)
    return ApplicationSummary(
        id=application.id, uscc=application.uscc, applicant_name=_name(session, application),
        matter=matter.key if matter else "", matter_label=describe(matter), policy_id=application.policy_id,
        policy_number=catalogue.numbers(session).get(application.policy_id, application.policy_id),
        round_id=application.round_id,
        measure=application.measure,
        measure_title=measure_title(session, application.policy_id, application.measure), state=application.state,
        state_label=standing(session, [application], clock.today())[application.id],
        amount_requested=application.amount_requested,
        ceiling=application.ceiling, amount_proposed=application.amount_proposed,
        amount_approved=grant.amount if grant else None, submitted_on=application.submitted_on,
        city=application.city, department=unit.name if unit else None)


def describe(matter: Matter | None) -> str:
    """A matter as the pages name it: its type with level and date."""
    if matter is None:
        return ""
    return matter_label(matter.codes, (matter.facts or {}).get("level"), matter.date)


def period(batch: Announcement | None) -> str | None:
    """A 公示's period as the pages say it: 公示期 2025-12-22 至 2025-12-26（5 个工作日）."""
    if batch is None:
        return None
    return f"公示期 {batch.starts_on.isoformat()} 至 {batch.ends_on.isoformat()}（{batch.working_days} 个工作日）"


def timeline(session: Session, application_id: int, *, internal: bool = True) -> list[StepRead]:
    """Every step of the application, oldest first, with who took it by name and unit (系统（自动） for routing) and
    what it changed (the amounts; for reviewers, ``internal``, the score too); the step that listed it in its 公示
    says the period."""
    found = steps.of_application(session, application_id)
    then = people_then(session, {(step.actor, step.at) for step in found})  # the unit they held when they acted
    named = {step.id: then.get((step.actor, step.at)) or name_of(step.actor, {}) for step in found}
    said = history.details(session, application_id, internal=internal)
    application = session.get(Application, application_id)
    batch = batches.of_application(session, application) if application is not None else None
    listed = period(batch)
    last_listing = max((i for i, step in enumerate(found) if step.action == "announce"), default=None)
    out = []
    for i, step in enumerate(found):
        label = ACTIONS.get(step.action, step.action)
        arrived = STATES.get(step.to_state, step.to_state)
        if i == last_listing and batch is not None:  # listed before its 公示 began: 公示未开始, not 公示中
            label, arrived = f"{label}：{listed}", status(step.to_state, batch.starts_on, batch.ends_on, step.on)
        out.append(StepRead(action=step.action, label=label, from_state=step.from_state, to_state=step.to_state,
                            arrived=arrived, actor=step.actor, actor_name=named[step.id], on=step.on, at=step.at,
                            reasons=step.reasons, details=said[i] if i < len(said) else []))
    return out


def detail(session: Session, application: Application, actor: User) -> ApplicationDetail:
    """Everything the application's page shows."""
    result = None
    if application.match_result:
        answer = Answer.model_validate(application.match_result)
        result = result_for(answer, application, matter_key(session, application))
    files = repository.materials(session, application.id)
    steps_taken = timeline(session, application.id, internal=actor.role != Role.ENTERPRISE)
    submissions = [s.on for s in steps_taken if s.action in (Action.SUBMIT, Action.CONFIRM)]
    return ApplicationDetail(
        **summary(session, application).model_dump(), policy_version=application.policy_version,
        rule_status=application.rule_status, city_review=application.city_review,
        declaration=application.declaration, declared_at=application.declared_at, declaration_text=DECLARATION,
        declaration_stands=declaration_stands(session, application),
        resubmitted_on=submissions[-1] if len(submissions) > 1 else None,
        result=result, materials=[MaterialRead.model_validate(m) for m in files],
        removed_materials=[MaterialRead.model_validate(m)
                           for m in repository.materials(session, application.id, removed=True)],
        timeline=steps_taken,
        allowed=[s.action for s in allowed(application.state, actor.role,
                                           direct=steps.is_direct(session, application.id))],
        payment=_payment(session, application.id), **(_payee(application) if shown_to(actor) else {}))


def _payee(application: Application) -> dict[str, Any]:
    """The account the enterprise confirmed, its number masked as everywhere but finance's payout list."""
    shown = last_four(application)
    return {"payee_bank": application.payee_bank if shown else None, "payee_account": f"****{shown}" if shown else None,
            "payee_confirmed_at": application.payee_confirmed_at if shown else None}


def _payment(session: Session, application_id: int) -> PaymentRead | None:
    paid = funding.payment_for_application(session, application_id)
    return PaymentRead.model_validate(paid) if paid else None


HEADER = ("编号", "单位", "统一社会信用代码", "事项", "政策", "措施", "状态", "申请金额", "上限", "拟定金额",
          "批准金额", "提交日期", "所在市", "责任单位")


def table(rows: list[ApplicationSummary]) -> Table:
    """The applications as a department files them."""
    return Table(title="申报清单", header=HEADER, money={"申请金额", "上限", "拟定金额", "批准金额"}, rows=[
        (r.id, r.applicant_name or "", r.uscc, r.matter_label or r.matter, r.policy_number,
         measure_label(r.measure, r.measure_title), r.state_label,
         r.amount_requested, r.ceiling, r.amount_proposed, r.amount_approved, r.submitted_on,
         divisions.place_name(r.city) or "", r.department or "") for r in rows])


def filter_choices(session: Session) -> dict[str, Any]:
    """What the filter form of a list of applications offers: each policy in force with its monetary measures, the
    cities and the rounds."""
    from huiqi.rounds import repository as rounds  # rounds read applications: imported when a list is shown

    return {"filter_policies": [(p.id, p.number, [(m.number, m.title) for m in p.measures if m.monetary])
                                for p in catalogue.published(session)],
            "filter_cities": divisions.cities(), "filter_rounds": [(r.id, r.title) for r in rounds.every(session)]}


STAGES = (("填报", State.DRAFT), ("市级初审", State.CITY_REVIEW), ("责任单位审核", State.DEPARTMENT_REVIEW),
          ("拟定金额", State.PROPOSED), ("公示", State.ANNOUNCED), ("批准", State.APPROVED), ("拨付", State.DISBURSED))
AT_STAGE = {State.RETURNED: State.DRAFT}  # returned for correction: the enterprise's turn again


def progress_of(session: Session, application: Application, *, direct: bool = False) -> list[tuple[str, str]]:
    """``progress`` of the application today: a 公示 whose period has ended is done, approval is next; a draft's
    stages are those its measure has today, as submission would route it (a city's pre-review where its units
    include 各市政府; never for a 免申即享 one, which the department confirms)."""
    batch = batches.of_application(session, application) if application.state == State.ANNOUNCED else None
    over = batch is not None and clock.today() > batch.ends_on
    # the stage after the 公示 is current, as for an approved one
    return progress(State.APPROVED if over else application.state, city_review(session, application, direct),
                    direct=direct)


def city_review(session: Session, application: Application, direct: bool = False) -> bool:
    """Whether the application has a city's pre-review: as routed on submission, or, before any, as its measure's
    units say today (a measure no longer published: none known)."""
    if application.city_review is not None or direct:
        return bool(application.city_review)
    try:
        _, measure = catalogue.measure(session, application.policy_id, application.measure)
    except NotFound:
        return False
    return city_reviews(measure, clock.today())


def progress(state: str, city_review: bool | None, direct: bool = False) -> list[tuple[str, str]]:
    """Where an application stands among the stages it goes through, each "done", "current" or "todo" (the city's
    pre-review only where its measure has one); none for one rejected or withdrawn, whose state says it all.

    >>> [(label, at) for label, at in progress("proposed", False)][1:4]
    [('责任单位审核', 'done'), ('拟定金额', 'current'), ('公示', 'todo')]
    >>> progress("returned", True)[:2], progress("disbursed", True)[-1], progress("rejected", True)
    ([('填报', 'current'), ('市级初审', 'todo')], ('拨付', 'done'), [])

    A 免申即享 application (``direct``) was filed by no one: its first stage is the confirmation from the list.

    >>> progress("department_review", False, direct=True)[0]
    ('免申即享', 'done')
    """
    stages = [("免申即享" if direct and s == State.DRAFT else label, s) for label, s in STAGES
              if s != State.CITY_REVIEW or city_review]
    at = AT_STAGE.get(state, state)
    if state == State.SUBMITTED:  # routed at once: to the first review
        at = stages[1][1]
    keys = [s for _, s in stages]
    if at not in keys:
        return []
    here = keys.index(at)
    last = state == State.DISBURSED
    return [(label, "done" if i < here or last else "current" if i == here else "todo")
            for i, (label, _) in enumerate(stages)]
