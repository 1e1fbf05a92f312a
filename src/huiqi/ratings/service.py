"""好差评.

After a service is finished (an application rejected, or paid) its enterprise rates it once on the national
好差评 system's five levels, with an optional comment. 不满意 and 非常不满意 open a rectification for the unit
that took the decision rated (the city, when its 市级初审 rejected the application; finance (省财政厅), when it
declined to approve after the 公示; else the lead department), due in 15 working days and answered with what was
done; the enterprise may then ask for a re-check (申诉复核) of the answer, which an admin concludes. Rates by
department and measure are in the statistics; the public sees the aggregated rates."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.db import utcnow
from huiqi.errors import Conflict, Forbidden, InputError, NotFound
from huiqi.holidays.service import deadline, provisional_note
from huiqi.labels import measure_label, policy_cited
from huiqi.messages import service as messages
from huiqi.models import Application, Department, Rating, Transition, User
from huiqi.reference.divisions import place_name
from huiqi.users.names import person
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import control_reason
from huiqi.workflow.states import State

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
FINISHED = (State.REJECTED, State.DISBURSED)
RECTIFY_DAYS = 15
FINANCE_UNIT = "省财政厅"  # who finance is (DOMAIN.md: 省财政厅 confirms amounts and records disbursement)


COMMENT_MOST = 500  # an enterprise's comment, and its reason for a re-check


def _text(field: str, value: str | None, most: int, *, required: bool = False) -> str | None:
    value = (value or "").strip()
    if required and not value:
        raise InputError([(field, "请填写")])
    if len(value) > most:  # a line break counts one (the web door sends a form's CR LF as LF)
        raise InputError([(field, f"不超过 {most} 个字（现为 {len(value)} 个字），请删减后再提交")])
    if (why := control_reason(value)) is not None:
        raise InputError([(field, why)])
    return value or None


def rate(session: Session, *, actor: User, application_id: int, level: int, comment: str | None = None) -> Rating:
    """The enterprise rates a finished application, once."""
    require_role(actor, Role.ENTERPRISE, doing="评价服务")
    app = applications.get(session, actor=actor, application_id=application_id)
    if app.state not in FINISHED:
        raise Conflict("办结（不予支持或已拨付）后才能评价")
    if isinstance(level, bool) or level not in LEVELS:
        raise InputError([("评价", "请选择 非常满意、满意、基本满意、不满意 或 非常不满意")])
    text = _text("意见", comment, COMMENT_MOST)
    if level <= 2 and not text:  # a rectification is opened from it: the department must know what went wrong
        raise InputError([("意见", "评价为不满意时，请写明原因，以便责任单位整改")])
    today = clock.today()
    city, finance = _decided_by(session, app)
    found = Rating(application_id=app.id, uscc=app.uscc, department_id=app.department_id, policy_id=app.policy_id,
                   measure=app.measure, level=level, comment=text, rated_by=actor.username, rated_on=today,
                   due_on=_due(session, today, tell=True) if level <= 2 else None, city=city, finance=finance)
    try:
        with session.begin_nested():
            session.add(found)
            session.flush()
    except IntegrityError:
        raise Conflict(f"申报 #{app.id} 已经评价过（可能刚在其他页面评价，请刷新后查看）：每件申报只评价一次") from None
    audit.record(session, actor=actor.username, action="rating.rate", entity="rating", entity_id=found.id,
                 after={"application": app.id, "level": level})
    if found.due_on is not None:
        note = due_note(session, found)
        messages.notify(session, _answerers(session, found), kind="rating.rectify",
                        subject=f"差评待整改：申报 #{app.id}（{LEVELS[level]}），{found.due_on} 前答复",
                        body=f"企业对申报 #{app.id} 的评价为“{LEVELS[level]}”" +
                             (f"：{messages.sentence(text)}" if messages.sentence(text) else "") +
                             f"。请在 {found.due_on}" + (f"（{note}）" if note else "") + " 前答复整改情况。",
                        link="/ratings/rectifications")
    return found


def _due(session: Session, today: date, *, tell: bool = False) -> date:
    """15 working days from the day after ``today``; past the holiday calendar's end, Monday to Friday (a rating
    is never refused for a year not yet entered: ``due_note`` says how it was counted)."""
    return deadline(session, date.fromordinal(today.toordinal() + 1), RECTIFY_DAYS, tell=tell)


def due_note(session: Session, found: Rating) -> str | None:
    """How a rectification's deadline was counted, when past the calendar's end (暂按周一至周五计算…), else None."""
    return provisional_note(session, found.due_on) if found.due_on is not None else None


def recount(session: Session, old_end: date) -> list[int]:
    """Once a year is entered: the open rectifications whose deadline ran past ``old_end`` (the calendar's end
    before), counted again from their day; the responsible department is told each new deadline. Their ids."""
    changed = []
    query = select(Rating).where(Rating.answered_at.is_(None), Rating.due_on > old_end, Rating.rated_on.is_not(None))
    for found in list(session.scalars(query.order_by(Rating.id))):
        assert found.rated_on is not None and found.due_on is not None  # the query's
        due, before = _due(session, found.rated_on), found.due_on
        if due == before:
            continue
        found.due_on = due
        changed.append(found.id)
        messages.notify(session, _answerers(session, found), kind="rating.rectify",
                        subject=f"整改期限已按节假日安排重算：申报 #{found.application_id}，{due} 前答复",
                        body=f"申报 #{found.application_id} 的差评整改期限原暂按周一至周五计算为 {before}，"
                             f"节假日安排录入后重算为 {due}。", link="/ratings/rectifications")
    session.flush()
    return changed


def _decided_by(session: Session, app: Application) -> tuple[str | None, bool]:
    """Who rejected ``app``, by the state its last step into 不予支持 was taken from: the city at its 市级初审 (its
    region code), or finance after the 公示 (True), the step only finance takes; (None, False) otherwise: the
    decision rated is then the department's (a rejection at its review, or a payment)."""
    last = session.scalars(select(Transition).where(Transition.application_id == app.id,
                                                    Transition.to_state == State.REJECTED)
                           .order_by(Transition.id.desc())).first()
    if last is None:
        return None, False
    return (app.city if last.from_state == State.CITY_REVIEW else None), last.from_state == State.ANNOUNCED


def unit_name(session: Session, found: Rating) -> str:
    """The unit answering ``found``'s rectification, as people read it (沈阳市, 省财政厅 or 省工业和信息化厅)."""
    if found.city is not None:
        return place_name(found.city) or found.city
    if found.finance:
        return FINANCE_UNIT
    unit = session.get(Department, found.department_id) if found.department_id else None
    return unit.name if unit is not None else "（未定）"


def _answerers(session: Session, found: Rating) -> list[User]:
    """Who answers ``found``'s rectification: the city's reviewers for a city's rejection, finance for its own, else
    the department's."""
    if found.city is not None:
        return list(session.scalars(select(User).where(User.region == found.city, User.active.is_(True),
                                                       User.role == Role.CITY)))
    if found.finance:
        return list(session.scalars(select(User).where(User.active.is_(True), User.role == Role.FINANCE)))
    return list(session.scalars(select(User).where(User.department_id == found.department_id,
                                                   User.active.is_(True), User.role == Role.DEPARTMENT))
                ) if found.department_id else []


def _answers(actor: User, found: Rating) -> bool:
    if actor.role == Role.CITY:
        return found.city is not None and found.city == actor.region
    if actor.role == Role.FINANCE:
        return found.finance
    return found.city is None and not found.finance and found.department_id is not None \
        and found.department_id == actor.department_id


def _locked(session: Session, rating_id: int) -> Rating:
    found = session.scalars(select(Rating).where(Rating.id == rating_id).with_for_update()
                            .execution_options(populate_existing=True)).first()
    if found is None:
        raise NotFound(f"没有编号为 {rating_id} 的评价")
    return found


def answer(session: Session, *, actor: User, rating_id: int, text: str) -> Rating:
    """The unit that took the decision rated (the city or finance for its own rejection, else the department)
    answers a bad rating with what it did."""
    require_role(actor, Role.DEPARTMENT, Role.CITY, Role.FINANCE, doing="答复整改")
    found = _locked(session, rating_id)
    if not _answers(actor, found):
        raise Forbidden(f"只能答复本单位负责的整改（这条由{unit_name(session, found)}答复）")
    if found.due_on is None:
        raise Conflict("这条评价不是差评，没有需要答复的整改")
    if found.answered_at is not None:  # the loser of two answers at once finds the other's, under the lock
        raise Conflict(f"这条差评的整改刚刚已由{person(session, found.answered_by)}答复，无需再答复；请刷新后查看")
    found.answer = _text("text", text, 1000, required=True)
    found.answered_by, found.answered_at = actor.username, utcnow()
    session.flush()
    audit.record(session, actor=actor.username, action="rating.answer", entity="rating", entity_id=found.id,
                 after={"answer": found.answer, "unit": unit_name(session, found)})
    return found


def ask_recheck(session: Session, *, actor: User, rating_id: int, reason: str) -> Rating:
    """申诉复核: the enterprise thinks the answer wrong; an admin concludes."""
    require_role(actor, Role.ENTERPRISE, doing="申请复核")
    found = _locked(session, rating_id)
    if found.uscc != actor.uscc:
        raise NotFound(f"没有编号为 {rating_id} 的评价")
    if found.answered_at is None:
        raise Conflict("责任单位答复后才能申请复核")
    if found.recheck_reason is not None:
        raise Conflict("已经申请过复核（可能刚在其他页面申请，请刷新后查看）：每条评价只能申请一次")
    found.recheck_reason = _text("复核理由", reason, COMMENT_MOST, required=True)
    session.flush()
    audit.record(session, actor=actor.username, action="rating.recheck", entity="rating", entity_id=found.id,
                 after={"reason": found.recheck_reason})
    return found


def conclude(session: Session, *, actor: User, rating_id: int, result: str) -> Rating:
    """An admin concludes a re-check."""
    require_role(actor, Role.ADMIN, doing="作出复核结论")
    found = _locked(session, rating_id)
    if found.recheck_reason is None:
        raise Conflict("企业尚未对这条评价申请复核，无需作出结论")
    if found.recheck_result is not None:  # the loser of two conclusions at once finds the other's
        raise Conflict(f"这条评价的复核结论刚刚已由{person(session, found.rechecked_by)}作出，无需再作；请刷新后查看")
    found.recheck_result, found.rechecked_by = _text("result", result, 1000, required=True), actor.username
    session.flush()
    audit.record(session, actor=actor.username, action="rating.conclude", entity="rating", entity_id=found.id,
                 after={"result": found.recheck_result})
    return found


def for_application(session: Session, application_id: int) -> Rating | None:
    return session.scalar(select(Rating).where(Rating.application_id == application_id))


def rectifications(session: Session, *, actor: User) -> list[Rating]:
    """The bad ratings a department, a city or finance must answer (its own) or an admin oversees (all), open ones
    first."""
    require_role(actor, Role.DEPARTMENT, Role.CITY, Role.FINANCE, Role.ADMIN, Role.AUDITOR, doing="查看整改")
    query = select(Rating).where(Rating.due_on.is_not(None))
    if actor.role == Role.DEPARTMENT:
        query = query.where(Rating.department_id == actor.department_id, Rating.city.is_(None),
                            Rating.finance.is_(False))
    elif actor.role == Role.CITY:
        query = query.where(Rating.city == actor.region)
    elif actor.role == Role.FINANCE:
        query = query.where(Rating.finance.is_(True))
    return sorted(session.scalars(query), key=lambda r: (r.answered_at is not None and r.recheck_reason is None, r.id))


@dataclass
class Rates:
    key: str
    counts: dict[int, int]
    rectifications: int
    overdue: int
    policy_id: str | None = None  # by measure: the measure's policy and number
    measure: int | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def satisfied(self) -> float | None:
        """The share rated 满意 or 非常满意 (the national system's 好评率)."""
        return (self.counts.get(4, 0) + self.counts.get(5, 0)) / self.total if self.total else None


def rates(session: Session, *, by: str = "department", today: date | None = None) -> list[Rates]:
    """Ratings by department or by measure: counts per level, 好评率, rectifications and those overdue. A measure
    is one policy's: where two policies are in force, each has a 措施1 of its own, counted apart and cited with
    its policy's document number."""
    if by not in ("department", "measure"):
        raise InputError([("by", "分组应为 department 或 measure")])
    today = today or clock.today()
    units = {d.id: d.name for d in session.scalars(select(Department))}
    numbers = catalogue.numbers(session)
    titles = {(p.id, m.number): m.title for p in catalogue.published(session) for m in p.measures}
    groups: dict[object, Rates] = {}
    for r in session.scalars(select(Rating).order_by(Rating.id)):
        if by == "department":  # the unit answering for it: a city, or finance, for its own rejections
            name = (place_name(r.city) or r.city) if r.city else FINANCE_UNIT if r.finance \
                else units.get(r.department_id or 0, "（未定）")
            found = groups.setdefault(name, Rates(name, {}, 0, 0))
        else:
            label = measure_label(r.measure, titles.get((r.policy_id, r.measure)))
            cited = policy_cited(r.policy_id, numbers)
            found = groups.setdefault((r.policy_id, r.measure), Rates(f"{cited} {label}" if cited else label, {},
                                                                      0, 0, r.policy_id, r.measure))
        found.counts[r.level] = found.counts.get(r.level, 0) + 1
        if r.due_on is not None:
            found.rectifications += 1
            found.overdue += r.answered_at is None and r.due_on < today
    order = list(numbers)
    return sorted(groups.values(), key=lambda g: (order.index(g.policy_id) if g.policy_id in order else len(order),
                                                  g.measure or 0, g.key))
