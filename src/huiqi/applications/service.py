"""Apply: a draft for one matter under one measure, its materials and the declaration. Submission and
withdrawal are workflow steps (``workflow.runner.run``)."""

import hashlib
from collections.abc import Collection
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements.service import state_label
from huiqi.applicants import repository as applicants
from huiqi.applications import repository
from huiqi.applications.filters import Filters
from huiqi.applications.schemas import DECLARATION
from huiqi.audit import service as audit
from huiqi.config import get_settings
from huiqi.db import utcnow
from huiqi.errors import Conflict, InputError, NotFound
from huiqi.funding.service import monetary_measure
from huiqi.materials import storage
from huiqi.models import Application, Material, Round, User
from huiqi.money import MAX_YUAN, wan
from huiqi.public import service as public
from huiqi.rounds import opening, submission
from huiqi.rounds import service as rounds
from huiqi.rules.case import known_codes
from huiqi.rules.policy import Policy
from huiqi.users.roles import Role
from huiqi.users.scope import covers, require_role, require_uscc, scope_of
from huiqi.workflow.states import EDITABLE, STATES, SUPPORTED, State, standing


def get(session: Session, *, actor: User, application_id: int) -> Application:
    """An application the actor's scope covers; others do not exist for it."""
    application = repository.get(session, application_id)
    if application is None or not covers(actor, application):
        raise NotFound(f"没有编号为 {application_id} 的申报（或不在您的范围内）")
    return application


def listed(session: Session, *, actor: User, state: str | None = None, states: Collection[str] | None = None,
           filters: Filters | None = None) -> list[Application]:
    """The applications the actor may see, optionally in one state (or some), narrowed by ``filters`` (a word names
    measures by their titles in force, and matters by their kinds' names too)."""
    worded = filters is not None and bool(filters.text)
    titles = public.measure_titles(session) if worded else None
    kinds = {code: info.label for code, info in known_codes().items()} if worded else None
    return repository.listed(session, scope_of(actor), state, states=states, filters=filters, titles=titles,
                             kinds=kinds)


def of_applicant(session: Session, *, actor: User, applicant_id: int) -> list[Application]:
    """One applicant's applications that the actor may see."""
    return repository.of_applicant(session, scope_of(actor), applicant_id)


def _amount(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_YUAN:
        raise InputError([("amount_requested", "申请金额应大于 0（元，整数）")])
    return value


# Why a matter with a live application takes no other: supported already under this policy, or still being
# handled. A grant under another policy leaves room for a top-up here (差额补足), which submission works out.
TAKEN_REASON = {True: "一个事项在同一政策下只享受一次支持（从高不重复）",
                False: "一个事项只能有一项在办申报（从高不重复）；如需改报其他措施，请先撤回原申报"}


def taken(session: Session, live: Application) -> str:
    """What a matter's live application says of it (已获支持（申报 #1，已拨付）, 已有在办申报 #2（草稿）), naming it as
    the rest of the product does (申报 #N) and its state as the lists do (公示期满，待批准 once its 公示 has ended)."""
    label = state_label(session, live, clock.today())
    if live.state in SUPPORTED:
        return f"已获支持（申报 #{live.id}，{label}）"
    return f"已有在办申报 #{live.id}（{label}）"


def holding(session: Session, matter_id: int, policy_id: str) -> Application | None:
    """The live application that closes the matter to a new one under ``policy_id``: one under the same policy, or
    one still in progress under any (a grant under another policy leaves a top-up, 差额补足); one of a twin of the
    matter (the same recognition, ``same_recognition``) as its own."""
    lives = [a for i in applicants.recognition_ids(session, matter_id) for a in repository.lives_for_matter(session, i)]
    return holding_among(sorted(lives, key=lambda a: a.id), policy_id)


def holding_among(lives: list[Application], policy_id: str) -> Application | None:
    """``holding`` over a matter's live applications already read."""
    return next((a for a in lives if a.policy_id == policy_id or a.state not in SUPPORTED), None)


def create_draft(session: Session, *, actor: User, uscc: str, matter_key: str, round_id: int, measure: int,
                 amount_requested: int, policies: list[Policy] | None = None) -> Application:
    """Start an application (a draft) for one matter under one measure of an open round."""
    require_role(actor, Role.ENTERPRISE, doing="申报")
    require_uscc(actor, uscc, doing="申报")
    found, _ = submission.for_draft(session, round_id, measure, clock.today())
    policy_id = found.policy_id
    _, supported = monetary_measure(session, policy_id, measure, policies)
    amount = _amount(amount_requested)
    applicant = applicants.by_uscc(session, uscc)
    matter = applicants.matter(session, applicant.id, matter_key) if applicant else None
    if applicant is None or matter is None:
        raise NotFound(f"申报单位 {uscc} 没有编号为 {matter_key} 的事项")
    if not any(code in rule.reaches for rule in supported.rules for code in matter.codes):
        raise InputError([("measure", f"事项 {matter_key} 的类别不属于措施{measure}「{supported.title}」的支持范围，"
                                      "请对照“可以申请什么”选择措施")])
    applicants.lock_recognition(session, matter.id)  # two drafts for one matter (or twins) at once: the second waits
    live = holding(session, matter.id, policy_id)
    if live is not None:
        raise Conflict(f"事项 {matter_key} {taken(session, live)}：{TAKEN_REASON[live.state in SUPPORTED]}")
    application = Application(applicant_id=applicant.id, uscc=uscc, matter_id=matter.id, policy_id=policy_id,
                              round_id=round_id, measure=measure, amount_requested=amount, state=State.DRAFT,
                              created_by=actor.username)
    try:
        with session.begin_nested():
            repository.add(session, application)
    except IntegrityError:  # the database's own guard (one live application per matter)
        raise Conflict(f"事项 {matter_key} 刚刚已有一项申报，一个事项只能有一项在办申报") from None
    audit.record(session, actor=actor.username, action="application.create", entity="application",
                 entity_id=application.id, after={"state": "draft", "matter": matter_key, "policy": policy_id,
                                                  "round": round_id, "measure": measure,
                                                  "amount_requested": amount_requested})
    return application


def _editable(session: Session, actor: User, application_id: int, doing: str = "修改") -> Application:
    """A draft (or one returned for correction) of the actor's, locked until the transaction ends: an edit begun
    while the application is being submitted waits for the submission, then finds it submitted."""
    get(session, actor=actor, application_id=application_id)  # out of scope: not found
    require_role(actor, Role.ENTERPRISE, doing="修改申报")
    application = repository.lock(session, application_id)
    _still_editable(session, application, doing)
    return application


def _still_editable(session: Session, application: Application, doing: str) -> None:
    """A draft, or one returned for correction whose correction days have not passed (a change could no longer be
    submitted: the page offers none, and neither does this)."""
    if application.state not in EDITABLE:
        raise Conflict(frozen(application, doing))
    overdue = submission.correction_overdue(session, application, clock.today())
    if overdue:
        raise Conflict(f"{overdue}，不能再{doing}；{apply_again(session, application)}")


def taking_now(session: Session, application: Application) -> Round | None:
    """The open round that takes an application for the application's measure now (its own, or another), if any:
    a 免申即享 measure takes none."""
    taking = rounds.open_by_measure(session)
    key = (application.policy_id, application.measure)
    return taking.get(key) if key not in rounds.direct_measures(session, taking=taking) else None


def apply_again(session: Session, application: Application) -> str:
    """Where the enterprise may apply for the same matter once this application is withdrawn: the round open now,
    named, or a new one when none is."""
    found = taking_now(session, application)
    if found is None:
        return "可以撤回本申报，待新的申报批次开放后就同一事项另行申报"
    return f"可以撤回本申报，在正在受理的「{found.title}」（{found.closes_on:%Y-%m-%d} 截止）中就同一事项重新申报"


def frozen(application: Application, doing: str) -> str:
    """Why an application can no longer be changed, naming where it stands."""
    return f"申报 #{application.id} {standing(application.state)}，只有草稿或退回补正的申报可以{doing}"


def change_amount(session: Session, *, actor: User, application_id: int, amount_requested: int,
                  seen_state: str | None = None, seen_amount: int | None = None) -> Application:
    """Change the amount requested of a draft (or of one returned for correction); refused (409) when the page it
    was typed on showed another state or amount (``seen_*``, each checked when said), under the row's lock: of two
    tabs saving at once, the later finds the amount the earlier saved and changes nothing."""
    application = _editable(session, actor, application_id)
    moved = seen_state is not None and seen_state != application.state
    if moved or (seen_amount is not None and seen_amount != application.amount_requested):
        raise Conflict(f"申报 #{application.id} 已在其他页面修改（现为「{STATES[application.state]}」，申请金额 "
                       f"{wan(application.amount_requested)} 万元），本次未修改申请金额；请核对后再改")
    before = application.amount_requested
    application.amount_requested = _amount(amount_requested)
    session.flush()
    audit.record(session, actor=actor.username, action="application.amount_requested", entity="application",
                 entity_id=application.id, before={"amount_requested": before},
                 after={"amount_requested": amount_requested})
    return application


def add_material(session: Session, *, actor: User, application_id: int, filename: str, content: bytes,
                 store: Path | None = None, kind: str | None = None) -> Material:
    """Attach a file as one of the round's materials (``kind``; by default the first required one not yet
    attached): its type and size are checked by content, and it is on disk before the row exists."""
    application = _editable(session, actor, application_id, "上传材料")
    settings = get_settings()
    media_type = storage.check(content, settings.max_material_bytes)
    kind = _kind(session, application, kind, media_type)
    same = hashlib.sha256(content).hexdigest()  # the application is locked: a second upload at once waits, then sees
    twin = next((m for m in repository.materials(session, application.id) if m.sha256 == same and m.kind == kind), None)
    if twin is not None:
        raise InputError([("file", f"这份文件与已{f'作为“{kind}”' if kind else ''}上传的“{twin.filename}”"
                                   "内容相同，无需重复上传")])
    sha256 = storage.store(store or settings.materials_dir, content)
    material = Material(application_id=application.id, filename=filename[:255], media_type=media_type, kind=kind,
                        size=len(content), sha256=sha256, uploaded_by=actor.username)
    repository.add(session, material)
    audit.record(session, actor=actor.username, action="material.add", entity="application",
                 entity_id=application.id, after={"filename": material.filename, "kind": kind, "type": media_type,
                                                  "size": material.size, "sha256": sha256})
    return material


def remove_material(session: Session, *, actor: User, application_id: int, material_id: int) -> Material:
    """Take down (撤下) a material of a draft, or of an application returned for correction: it no longer counts
    among the application's materials, and stays on record (who, when) with its file. The application is locked,
    so a submission at the same moment sees it before or after, never half."""
    get(session, actor=actor, application_id=application_id)  # out of scope: not found
    require_role(actor, Role.ENTERPRISE, doing="撤下材料")
    application = repository.lock(session, application_id)
    _still_editable(session, application, "撤下材料")
    found = repository.lock_material(session, material_id)
    if found is None or found.application_id != application.id:
        raise NotFound(f"申报 #{application.id} 没有编号为 {material_id} 的材料")
    if found.removed_at is not None:
        raise Conflict(f"材料“{found.filename}”已于 {found.removed_at:%Y-%m-%d} 撤下")
    found.removed_at, found.removed_by = utcnow(), actor.username
    session.flush()
    audit.record(session, actor=actor.username, action="material.remove", entity="application",
                 entity_id=application.id, before={"material": found.id, "filename": found.filename,
                                                   "kind": found.kind, "sha256": found.sha256})
    return found


def _kind(session: Session, application: Application, kind: str | None, media_type: str) -> str | None:
    """Which of the round's materials a file is; its format must be one the round accepts for it."""
    opened = rounds.opened_measure(session, application)
    if opened is None or not opened.materials:
        return kind
    wanted = opened.materials
    if kind:
        found = next((m for m in wanted if m["name"] == kind), None)
        if found is None:
            names = "、".join(m["name"] for m in wanted)
            raise InputError([("kind", f"本批次没有名为“{kind}”的材料（可选：{names}）")])
    else:
        have = {m.kind for m in repository.materials(session, application.id)}
        fits = [m for m in wanted if media_type in m["formats"]]
        found = next((m for m in fits if m["required"] and m["name"] not in have), fits[0] if fits else wanted[0])
    if media_type not in found["formats"]:
        accepted = "、".join(opening.FORMATS[f] for f in found["formats"])
        raise InputError([("file", f"“{found['name']}”只接受 {accepted} 格式")])
    return str(found["name"])


def verify_matter(session: Session, *, actor: User, application_id: int) -> None:
    """A reviewer marks the application's declared matter verified against its evidence (who, when)."""
    require_role(actor, Role.CITY, Role.DEPARTMENT, doing="核实事项")
    application = get(session, actor=actor, application_id=application_id)
    if application.state not in (State.CITY_REVIEW, State.DEPARTMENT_REVIEW):
        raise Conflict(f"申报 #{application.id} 当前处于「{state_label(session, application, clock.today())}」，"
                       "审核时才能核实事项")
    matter = applicants.lock_matter(session, application.matter_id)  # two reviewers at once: the later sees it done
    if matter.source != "declared":
        raise Conflict("该事项不是企业填报的事实（来自公布名单或已核实），无需核实")
    matter.source, matter.verified_by, matter.verified_at = "verified", actor.username, utcnow()
    session.flush()
    audit.record(session, actor=actor.username, action="matter.verify", entity="matter", entity_id=matter.id,
                 after={"application": application.id})


DECLARE_FIRST = "提交前须作出承诺（勾选申报承诺）"
MATERIAL_FIRST = "提交前须上传至少一份申报材料（PDF、OFD、JPG 或 PNG）"
DECLARE_AGAIN = "退回补正后重新提交前，须再次作出承诺（此前的承诺针对退回前提交的内容）"


def declaration_stands(session: Session, application: Application) -> bool:
    """Whether the application's declaration (承诺) answers for what it will submit: one made since its last return
    for correction, if it was returned (the earlier one answered for what was returned, not for the correction)."""
    if application.declaration is None:
        return False
    back = repository.returned_at(session, application.id)
    return back is None or (application.declared_at is not None and application.declared_at > back)


def declare(session: Session, *, actor: User, application_id: int) -> Application:
    """The applicant makes the declaration (承诺) of the application guide, once for each submission: the trail keeps
    who made it and its text (a statement the applicant answers for); made again, it stands as first made, until a
    return for correction asks for it again before the resubmission."""
    application = _editable(session, actor, application_id, "作出承诺")
    if application.declaration == DECLARATION and declaration_stands(session, application):
        return application
    application.declaration, application.declared_at = DECLARATION, utcnow()
    session.flush()
    audit.record(session, actor=actor.username, action="application.declare", entity="application",
                 entity_id=application.id, after={"declaration": DECLARATION})
    return application


def material(session: Session, *, actor: User, application_id: int, material_id: int) -> tuple[Material, bytes]:
    """A material of an application the actor may see, with its content."""
    application = get(session, actor=actor, application_id=application_id)
    found = session.get(Material, material_id)
    if found is None or found.application_id != application.id:
        raise NotFound(f"申报 #{application.id} 没有编号为 {material_id} 的材料")
    return found, storage.read(get_settings().materials_dir, found.sha256)


def materials(session: Session, *, actor: User, application_id: int) -> list[Material]:
    """The materials of an application the actor may see."""
    return repository.materials(session, get(session, actor=actor, application_id=application_id).id)
