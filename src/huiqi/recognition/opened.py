"""Offers that what the lists already say brings once a round opens (or takes a measure more, or a policy is
published): every applicant with a published fact matched again (``offers.making``), and each row of a list in force
that had made no offer given what it comes to now (its offers, or why none still), as the list's matching writes it
(``outcomes``): a row said "no round open" after a round's opening made its offer.

Rows and offers are written under one lock order with the list's own matching and a registration (``registered``):
every matter of those applicants locked, in id order, before a row is read; the later step waits, then sees the
first's rows. Rows not matched yet are left to their list's matching, which sees the round."""

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from huiqi.models import Applicant, Matter, MatterListing, RecognitionList
from huiqi.offers import making
from huiqi.recognition import outcomes


def make_for_listed(session: Session, day: date) -> making.Made:
    """Match again every applicant with a published (imported) fact and make the offers; the rows of lists in force
    that had made none written again; what was made."""
    owners = select(Matter.applicant_id).where(Matter.source == "imported").distinct()
    session.scalars(select(Matter.id).where(Matter.applicant_id.in_(owners)).order_by(Matter.id)
                    .with_for_update()).all()  # before a row is read (see above)
    rows = _waiting(session)
    touched = [a for a in (session.get(Applicant, i) for i in sorted(session.scalars(owners))) if a is not None]
    made = making.make_for(session, touched, day, explain={row.matter_id for row in rows})
    outcomes.record(rows, made)
    offered: dict[int, int] = {}
    for row in rows:
        if row.offers:
            offered[row.list_id] = offered.get(row.list_id, 0) + row.offers
    for list_id, more in sorted(offered.items()):  # added in the database: a registration adds its row's meanwhile
        session.execute(update(RecognitionList).where(RecognitionList.id == list_id)
                        .values(offers=func.coalesce(RecognitionList.offers, 0) + more)
                        .execution_options(synchronize_session=False))
    session.flush()
    return made


def _waiting(session: Session) -> list[MatterListing]:
    """The rows that made no offer when matched, each on the list in force that keeps its matter, read afresh."""
    query = (select(MatterListing).join(Matter, Matter.id == MatterListing.matter_id)
             .join(RecognitionList, RecognitionList.id == MatterListing.list_id)
             .where(Matter.source == "imported", Matter.list_id == MatterListing.list_id,
                    RecognitionList.state == "active", MatterListing.offers == 0)
             .order_by(MatterListing.id))
    return list(session.scalars(query.execution_options(populate_existing=True)))
