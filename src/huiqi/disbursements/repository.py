"""SQL of disbursements."""

from sqlalchemy.orm import Session

from huiqi.models import Disbursement


def add(session: Session, disbursement: Disbursement) -> Disbursement:
    session.add(disbursement)
    session.flush()
    return disbursement


def listed(session: Session) -> list[Disbursement]:
    from sqlalchemy import select

    return list(session.scalars(select(Disbursement).order_by(Disbursement.paid_on.desc(), Disbursement.id.desc())))
