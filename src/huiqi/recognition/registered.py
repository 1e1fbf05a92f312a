"""Offers for an enterprise that comes onto the platform after a list named it: its account made (or a credit code
bound to one), or its profile recorded. A row of a list in force that made no offer when it was matched (its
enterprise not registered, its information missing) is matched again then, by the same rules as at import
(``offers.making``: a round open for the measure, the measure's window and region, nothing offered, applied for,
answered or rejected already), for that row's matter only; the offers made are recorded in the trail as made by the
person whose step made them, and the row's recorded outcome (its offers, or why none) written again. Rows not yet
matched (a long list matched in the background) are left to that matching, or to its run again when it failed
(``service.match_again``), which matches only rows not yet matched: a row offered here keeps its outcome.

That matching and a registration may meet on one row: a batch matching the row (its offers still null) on the record
as it was, while the enterprise records its profile; the registration, not seeing the row as waiting, would leave it,
and the batch would write that it made no offer: an offer lost. So both lock every matter of the applicant, in id
order, before the trail's head, as every step does: the batch before it reads the applicants' records
(``service.match_list``), the registration whenever a row of the applicant is waiting or not yet matched (``lock``).
The later one waits, then sees what the first did: the registration the row matched (and made no offer), which it
matches again on the new record; the batch the record the registration wrote."""

from datetime import date

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from huiqi.applicants import repository as applicants
from huiqi.models import Applicant, Matter, MatterListing, RecognitionList, User
from huiqi.offers import making
from huiqi.recognition import outcomes


def _waiting(session: Session, applicant_id: int) -> list[MatterListing]:
    """The applicant's rows that made no offer when matched, each on the list in force that keeps its matter."""
    query = (select(MatterListing).join(Matter, Matter.id == MatterListing.matter_id)
             .join(RecognitionList, RecognitionList.id == MatterListing.list_id)
             .where(Matter.applicant_id == applicant_id, Matter.source == "imported",
                    Matter.list_id == MatterListing.list_id, RecognitionList.state == "active",
                    MatterListing.offers == 0)
             .order_by(MatterListing.id))
    return list(session.scalars(query.execution_options(populate_existing=True)))


def _named(session: Session, applicant_id: int) -> bool:
    """Whether a list in force keeps a matter of the applicant whose row made no offer or is not matched yet."""
    query = (select(MatterListing.id).join(Matter, Matter.id == MatterListing.matter_id)
             .join(RecognitionList, RecognitionList.id == MatterListing.list_id)
             .where(Matter.applicant_id == applicant_id, Matter.source == "imported",
                    Matter.list_id == MatterListing.list_id, RecognitionList.state == "active",
                    or_(MatterListing.offers == 0, MatterListing.offers.is_(None))))
    return session.scalar(query.limit(1)) is not None


def lock(session: Session, uscc: str | None) -> list[MatterListing]:
    """Before the step that registers the enterprise of ``uscc`` writes anything: its rows waiting for an offer, read
    after every matter of its applicant is locked (in id order, as every step locks them, before the trail's head);
    none, and nothing locked, when no list names it so. A row not matched yet is locked too: a background matching
    at this moment is waited for (see above)."""
    applicant = applicants.by_uscc(session, uscc) if uscc else None
    if applicant is None or not _named(session, applicant.id):
        return []
    applicants.lock_matters(session, applicant.id)
    return _waiting(session, applicant.id)


def make(session: Session, *, actor: User, rows: list[MatterListing], day: date) -> int:
    """The offers the ``rows`` (``lock``'s) now qualify for, made, and each row's outcome written again; how many."""
    if not rows:
        return 0
    matter = session.get(Matter, rows[0].matter_id)
    applicant = session.get(Applicant, matter.applicant_id) if matter is not None else None
    if applicant is None:
        return 0
    ids = {row.matter_id for row in rows}
    made = making.make_for(session, [applicant], day, explain=ids, keep=lambda matter_id, *_: matter_id in ids,
                           actor=actor.username)
    tally = outcomes.record(rows, made)
    for row in rows:
        if row.offers:  # added in the database, not read and written back: two enterprises of one list at once
            session.execute(update(RecognitionList).where(RecognitionList.id == row.list_id)
                            .values(offers=func.coalesce(RecognitionList.offers, 0) + row.offers)
                            .execution_options(synchronize_session=False))
    session.flush()
    return tally.offers


class Told(list[str]):
    """What a step says (its sentences), and how many offers the lists brought (``offers``): for an answer that gives
    the number itself (the API's ``offers_made``)."""

    offers: int = 0


def tell(told: list[str] | None, offers: int, *, own: bool) -> None:
    """Add to ``told`` what is said of the offers made (``said``), and their number to its count when it keeps one."""
    if told is None:
        return
    told += said(offers, own=own)
    if isinstance(told, Told):
        told.offers += offers


def said(offers: int, *, own: bool) -> list[str]:
    """What is said of the offers made, to the enterprise itself (``own``) or to the admin who made its account:
    nothing when none.

    >>> said(2, own=True)
    ['已按公布的认定名单为本单位生成政策直达 2 项，见“本单位”页面的政策直达']
    >>> said(1, own=False), said(0, own=True)
    (['已按公布的认定名单为该单位生成政策直达 1 项，已通知该单位'], [])
    """
    if not offers:
        return []
    return [f"已按公布的认定名单为本单位生成政策直达 {offers} 项，见“本单位”页面的政策直达" if own
            else f"已按公布的认定名单为该单位生成政策直达 {offers} 项，已通知该单位"]
