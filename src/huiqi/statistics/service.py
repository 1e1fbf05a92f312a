"""Statistics within the actor's scope: submitted applications, approvals and money, grouped by any
of measure, city, department, year (of submission) and state. Drafts never submitted are the
applicant's own business and are not counted. A policy analyst, who reads no application, reads the
province's sums."""

from sqlalchemy.orm import Session

from huiqi.errors import InputError
from huiqi.models import User
from huiqi.statistics import repository
from huiqi.statistics.schemas import DIMENSIONS, StatRow
from huiqi.users.scope import Scope, sums_scope

# What the public reads (数据公开): the province's sums by policy, measure, city and year, never by state (where
# an application stands is its applicant's business until its 公示) nor by department's desk.
PUBLIC_DIMENSIONS = ("policy", "measure", "city", "year")


def summary(session: Session, *, actor: User | None, by: tuple[str, ...] = ("measure",)) -> list[StatRow]:
    """Counts and sums grouped by ``by``, over what the actor may see; for the public (no actor), the province's,
    by ``PUBLIC_DIMENSIONS`` only."""
    allowed = DIMENSIONS if actor is not None else PUBLIC_DIMENSIONS
    unknown = [name for name in by if name not in allowed]
    if unknown or not by:
        raise InputError([("by", f"分组应为 {', '.join(allowed)} 中的一项或几项")])
    if "measure" in by and "policy" not in by:  # a measure's number means something only within its policy
        at = by.index("measure")
        by = (*by[:at], "policy", *by[at:])
    rows = repository.grouped(session, sums_scope(actor) if actor is not None else Scope(), tuple(by))
    n = len(by)
    return [StatRow(group=dict(zip(by, row[:n], strict=True)), applications=row[n], requested=int(row[n + 1]),
                    proposed_amount=int(row[n + 2]), approved=row[n + 3], approved_amount=int(row[n + 4]),
                    disbursed_amount=int(row[n + 5]))
            for row in rows]
