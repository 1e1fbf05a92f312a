"""Statistics within the actor's scope: submitted applications, approvals and money, grouped by any
of measure, city, department, year (of submission) and state. Drafts never submitted are the
applicant's own business and are not counted. A policy analyst, who reads no application, reads the
province's sums."""

from sqlalchemy.orm import Session

from huiqi.errors import InputError
from huiqi.models import User
from huiqi.statistics import repository
from huiqi.statistics.schemas import DIMENSIONS, StatRow
from huiqi.users.scope import sums_scope


def summary(session: Session, *, actor: User, by: tuple[str, ...] = ("measure",)) -> list[StatRow]:
    """Counts and sums grouped by ``by``, over what the actor may see."""
    unknown = [name for name in by if name not in DIMENSIONS]
    if unknown or not by:
        raise InputError([("by", f"分组应为 {', '.join(DIMENSIONS)} 中的一项或几项")])
    if "measure" in by and "policy" not in by:  # a measure's number means something only within its policy
        at = by.index("measure")
        by = (*by[:at], "policy", *by[at:])
    rows = repository.grouped(session, sums_scope(actor), tuple(by))
    n = len(by)
    return [StatRow(group=dict(zip(by, row[:n], strict=True)), applications=row[n], requested=int(row[n + 1]),
                    proposed_amount=int(row[n + 2]), approved=row[n + 3], approved_amount=int(row[n + 4]),
                    disbursed_amount=int(row[n + 5]))
            for row in rows]
