"""Review steps. Return for correction and rejection carry reasons; the proposed amount stays within
the ceiling the rules gave on submission and within what was requested."""

from datetime import date

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.errors import Conflict, Forbidden, InputError
from huiqi.models import Application, User
from huiqi.money import MAX_YUAN, wan
from huiqi.workflow import service as workflow


def pass_city(session: Session, *, actor: User, application_id: int, on: date | None = None) -> Application:
    """The city (or 沈抚示范区管委会) passes its pre-review; the lead department reviews next."""
    return _step(session, actor, application_id, "pass_city", on)


def return_for_correction(session: Session, *, actor: User, application_id: int, reasons: str,
                          on: date | None = None) -> Application:
    """Send back to the applicant for correction (退回补正), saying what to correct."""
    return _step(session, actor, application_id, "return", on, reasons)


def reject(session: Session, *, actor: User, application_id: int, reasons: str, on: date | None = None) -> Application:
    """Refuse support, with reasons."""
    return _step(session, actor, application_id, "reject", on, reasons)


def _step(session: Session, actor: User, application_id: int, action: str, on: date | None,
          reasons: str | None = None) -> Application:
    application = applications.get(session, actor=actor, application_id=application_id)
    workflow.move(session, application=application, action=action, actor=actor, on=on or clock.today(), reasons=reasons)
    return application


def _in_department_review(session: Session, actor: User, application_id: int, doing: str) -> Application:
    application = applications.get(session, actor=actor, application_id=application_id)
    if actor.role != "department":
        raise Forbidden(f"只有牵头责任单位可以{doing}")
    if application.state != "department_review":
        raise Conflict(f"申报 {application.id} 不在责任单位审核中，不能{doing}")
    return application


def record_score(session: Session, *, actor: User, application_id: int, score: int) -> Application:
    """Record the expert or third-party evaluation score (0–100)."""
    application = _in_department_review(session, actor, application_id, "录入评审得分")
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise InputError([("score", "评审得分应为 0–100 的整数")])
    before = application.expert_score
    application.expert_score = score
    session.flush()
    audit.record(session, actor=actor.username, action="application.score", entity="application",
                 entity_id=application.id, before={"expert_score": before}, after={"expert_score": score})
    return application


def propose(session: Session, *, actor: User, application_id: int, amount: int, on: date | None = None) -> Application:
    """Propose the amount to award: at most the ceiling, and at most what was requested."""
    application = _in_department_review(session, actor, application_id, "拟定金额")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_YUAN:
        raise InputError([("amount", "拟定金额应为正整数（元）")])
    if application.ceiling is not None and amount > application.ceiling:
        raise Conflict(f"拟定金额 {wan(amount)} 万元超过上限 {wan(application.ceiling)} 万元")
    if amount > application.amount_requested:
        raise Conflict(f"拟定金额 {wan(amount)} 万元超过申请金额 {wan(application.amount_requested)} 万元")
    before = application.amount_proposed
    application.amount_proposed = amount
    workflow.move(session, application=application, action="propose", actor=actor, on=on or clock.today())
    audit.record(session, actor=actor.username, action="application.amount_proposed", entity="application",
                 entity_id=application.id, before={"amount_proposed": before}, after={"amount_proposed": amount})
    return application
