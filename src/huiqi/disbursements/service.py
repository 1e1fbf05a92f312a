"""Record that an approved award was paid: the approved amount, the day, the voucher."""

from datetime import date

from sqlalchemy.orm import Session

from huiqi.applications import service as applications
from huiqi.approvals import repository as grants
from huiqi.audit import service as audit
from huiqi.disbursements import repository
from huiqi.errors import Conflict, InputError
from huiqi.models import Disbursement, User
from huiqi.users.scope import require_role
from huiqi.workflow import service as workflow


def disburse(session: Session, *, actor: User, application_id: int, paid_on: date, reference: str) -> Disbursement:
    """Finance records the payment of the approved amount, on or after the day of approval."""
    application = applications.get(session, actor=actor, application_id=application_id)
    workflow.check(application, action="disburse", actor=actor)
    workflow.dated(session, application, action="disburse", on=paid_on)
    grant = grants.for_application(session, application.id)
    if grant is None:
        raise Conflict(f"申报 {application.id} 没有批准记录")
    if not reference.strip():
        raise InputError([("reference", "请填写拨付凭证号")])
    paid = repository.add(session, Disbursement(application_id=application.id, amount=grant.amount, paid_on=paid_on,
                                                reference=reference.strip()[:64], recorded_by=actor.username))
    workflow.move(session, application=application, action="disburse", actor=actor, on=paid_on)
    audit.record(session, actor=actor.username, action="application.disbursed", entity="application",
                 entity_id=application.id, after={"amount": paid.amount, "paid_on": paid_on,
                                                  "reference": paid.reference})
    return paid


def listed(session: Session, *, actor: User) -> list[Disbursement]:
    """Every payment recorded, newest first (finance, admin, auditor)."""
    require_role(actor, "finance", "admin", "auditor", doing="查看拨付记录")
    return repository.listed(session)
