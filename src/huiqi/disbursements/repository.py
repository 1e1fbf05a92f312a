"""SQL of disbursements."""

from sqlalchemy.orm import Session

from huiqi.models import Disbursement


def add(session: Session, disbursement: Disbursement) -> Disbursement:
    session.add(disbursement)
    session.flush()
    return disbursement
