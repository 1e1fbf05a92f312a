"""Apply: a draft for one matter under one measure, materials, the declaration, and submission,
which runs the rules, keeps their answer and the policy version, and routes the application."""

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import repository as applicants
from huiqi.applicants import service as applicant_service
from huiqi.applications import repository
from huiqi.applications.schemas import DECLARATION
from huiqi.approvals import repository as grants
from huiqi.audit import service as audit
from huiqi.config import get_settings
from huiqi.db import utcnow
from huiqi.departments import service as departments
from huiqi.departments.service import CITY_GOVERNMENTS
from huiqi.errors import Conflict, InputError, NotFound
from huiqi.materials import storage
from huiqi.models import Application, Material, Matter, User
from huiqi.money import MAX_YUAN, wan
from huiqi.reference import divisions
from huiqi.rules.answer import Answer, Result
from huiqi.rules.loader import load_many
from huiqi.rules.match import match
from huiqi.rules.policy import Measure, Policy
from huiqi.users.scope import SYSTEM, covers, require_role, require_uscc, scope_of
from huiqi.workflow import service as workflow

EDITABLE = ("draft", "returned")


def get(session: Session, *, actor: User, application_id: int) -> Application:
    """An application the actor's scope covers; others do not exist for it."""
    application = repository.get(session, application_id)
    if application is None or not covers(actor, application):
        raise NotFound(f"没有编号为 {application_id} 的申报（或不在您的范围内）")
    return application


def listed(session: Session, *, actor: User, state: str | None = None) -> list[Application]:
    """The applications the actor may see, optionally in one state."""
    return repository.listed(session, scope_of(actor), state)


def policy_and_measure(policy_id: str, number: int, policies: list[Policy] | None = None) -> tuple[Policy, Measure]:
    """A loaded policy and one of its monetary measures, or an input error naming which is wrong."""
    policy = next((p for p in policies or load_many() if p.id == policy_id), None)
    if policy is None:
        raise InputError([("policy", f"没有政策 {policy_id!r}")])
    measure = policy.measure(number)
    if measure is None:
        raise InputError([("measure", f"{policy.number} 没有第 {number} 条措施")])
    if not measure.monetary:
        raise InputError([("measure", f"措施{number}（{measure.title}）是服务类措施，不受理资金申报")])
    return policy, measure


def _amount(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_YUAN:
        raise InputError([("amount_requested", "应为非负整数（元）")])
    return value


def create_draft(session: Session, *, actor: User, uscc: str, matter_key: str, policy_id: str, measure: int,
                 amount_requested: int, policies: list[Policy] | None = None) -> Application:
    """Start an application (a draft) for one matter under one measure."""
    require_role(actor, "enterprise", doing="申报")
    require_uscc(actor, uscc, doing="申报")
    policy_and_measure(policy_id, measure, policies)
    applicant = applicants.by_uscc(session, uscc)
    matter = applicants.matter(session, applicant.id, matter_key) if applicant else None
    if matter is None:
        raise NotFound(f"申报单位 {uscc} 没有编号为 {matter_key} 的事项")
    application = Application(applicant_id=applicant.id, uscc=uscc, matter_id=matter.id, policy_id=policy_id,
                              measure=measure, amount_requested=_amount(amount_requested), state="draft",
                              created_by=actor.username)
    repository.add(session, application)
    audit.record(session, actor=actor.username, action="application.create", entity="application",
                 entity_id=application.id, after={"state": "draft", "matter": matter_key, "policy": policy_id,
                                                  "measure": measure, "amount_requested": amount_requested})
    return application


def _editable(session: Session, actor: User, application_id: int) -> Application:
    application = get(session, actor=actor, application_id=application_id)
    require_role(actor, "enterprise", doing="修改申报")
    if application.state not in EDITABLE:
        raise Conflict(f"申报 {application.id} 已提交，只有草稿或退回补正的申报可以修改")
    return application


def change_amount(session: Session, *, actor: User, application_id: int, amount_requested: int) -> Application:
    """Change the amount requested of a draft (or of one returned for correction)."""
    application = _editable(session, actor, application_id)
    before = application.amount_requested
    application.amount_requested = _amount(amount_requested)
    session.flush()
    audit.record(session, actor=actor.username, action="application.amount_requested", entity="application",
                 entity_id=application.id, before={"amount_requested": before},
                 after={"amount_requested": amount_requested})
    return application


def add_material(session: Session, *, actor: User, application_id: int, filename: str, content: bytes,
                 store: Path | None = None) -> Material:
    """Attach a file: its type and size are checked by content, and it is on disk before the row exists."""
    application = _editable(session, actor, application_id)
    settings = get_settings()
    media_type = storage.check(content, settings.max_material_bytes)
    sha256 = storage.store(store or settings.materials_dir, content)
    material = Material(application_id=application.id, filename=filename[:255], media_type=media_type,
                        size=len(content), sha256=sha256, uploaded_by=actor.username)
    repository.add(session, material)
    audit.record(session, actor=actor.username, action="material.add", entity="application",
                 entity_id=application.id, after={"filename": material.filename, "type": media_type,
                                                  "size": material.size, "sha256": sha256})
    return material


def declare(session: Session, *, actor: User, application_id: int) -> Application:
    """The applicant makes the declaration (承诺) of the application guide."""
    application = _editable(session, actor, application_id)
    application.declaration, application.declared_at = DECLARATION, utcnow()
    session.flush()
    return application


def submit(session: Session, *, actor: User, application_id: int, on: date | None = None,
           policies: list[Policy] | None = None) -> Application:
    """Submit (or resubmit): run the rules as of ``on``, keep the answer, route to city or department review."""
    on = on or clock.today()
    application = get(session, actor=actor, application_id=application_id)
    workflow.check(application, action="submit", actor=actor)
    _ready(session, application)
    policies = policies or load_many()
    policy, measure = policy_and_measure(application.policy_id, application.measure, policies)
    answer, case = _judge(session, application, policies, on)
    result = result_for(answer, application, matter_key(session, application))
    _admissible(session, application, result)
    region = case["applicant"].get("region")
    units = measure.units_at(on)
    application.city, application.city_review = divisions.city_of(region), CITY_GOVERNMENTS in units
    application.department_id = departments.lead_department(session, measure=measure, day=on).id
    application.policy_version, application.ceiling, application.rule_status = policy.version, result.ceiling, \
        result.status
    application.match_result, application.case_snapshot = answer.model_dump(mode="json"), case
    application.submitted_on, application.year = on, on.year
    if application.city_review and application.city is None:
        raise Conflict("申报单位所在地不明，无法确定初审的市（请先登记所在地）")
    workflow.move(session, application=application, action="submit", actor=actor, on=on)
    route = "route_city" if application.city_review else "route_department"
    workflow.move(session, application=application, action=route, actor=SYSTEM, on=on)
    audit.record(session, actor=actor.username, action="application.policy_version", entity="application",
                 entity_id=application.id, after={"policy": policy.id, "version": policy.version,
                                                  "ceiling": result.ceiling, "status": result.status})
    return application


def _ready(session: Session, application: Application) -> None:
    if application.declaration is None:
        raise Conflict("提交前须作出承诺（declaration）")
    if not repository.materials(session, application.id):
        raise Conflict("提交前须上传至少一份申报材料（PDF、OFD、JPG 或 PNG）")


def _judge(session: Session, application: Application, policies: list[Policy], on: date) -> tuple[Answer, dict]:
    applicant = applicants.by_uscc(session, application.uscc)
    case, data = applicant_service.case_for(session, applicant=applicant, as_of=on)
    return match(case, policies, on), data


def matter_key(session: Session, application: Application) -> str:
    return session.get(Matter, application.matter_id).key


def result_for(answer: Answer, application: Application, key: str) -> Result | None:
    """The answer's row for the application's (matter, policy, measure); ``key`` is the matter's id."""
    return next((r for r in answer.results if r.matter == key and r.policy == application.policy_id
                 and r.measure == application.measure), None)


def _admissible(session: Session, application: Application, result: Result | None) -> None:
    """Refuse what the rules rule out; an undetermined result goes to review with its missing facts named."""
    if result is None:
        raise Conflict(f"该事项的代码不在措施{application.measure}的支持范围内")
    if result.status == "ineligible":
        failed = "；".join(c.text for c in result.conditions if c.value is False)
        raise Conflict(f"按政策规则不符合措施{application.measure}的条件：{failed}")
    if result.excluded_by == "other_support":
        raise Conflict("该事项已获我省其他政策不低于上限的支持，按从高不重复原则不再支持")
    if result.ceiling is not None and application.amount_requested > result.ceiling:
        raise Conflict(f"申请金额 {wan(application.amount_requested)} 万元超过上限 {wan(result.ceiling)} 万元")
    granted = grants.for_matter(session, application.matter_id)
    if granted is not None:
        raise Conflict(f"该事项已按措施{granted.measure}获得支持（申报 {granted.application_id}），不重复支持")


def withdraw(session: Session, *, actor: User, application_id: int, on: date | None = None) -> Application:
    """The applicant withdraws a draft or a returned application."""
    application = get(session, actor=actor, application_id=application_id)
    workflow.move(session, application=application, action="withdraw", actor=actor, on=on or clock.today())
    return application



def material(session: Session, *, actor: User, application_id: int, material_id: int) -> tuple[Material, bytes]:
    """A material of an application the actor may see, with its content."""
    application = get(session, actor=actor, application_id=application_id)
    found = session.get(Material, material_id)
    if found is None or found.application_id != application.id:
        raise NotFound(f"申报 {application.id} 没有编号为 {material_id} 的材料")
    return found, storage.read(get_settings().materials_dir, found.sha256)


def materials(session: Session, *, actor: User, application_id: int) -> list[Material]:
    """The materials of an application the actor may see."""
    return repository.materials(session, get(session, actor=actor, application_id=application_id).id)
