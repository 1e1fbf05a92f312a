"""What each row of a recognition list came to once its applicant was matched again: the offers it made, or why it
made none (``huiqi.offers.reasons``), kept on the row (``MatterListing``) whether the matching ran with the import or
in the background, so both say the same: the offers the list's own rows made (not those its applicants' other
matters received in the same pass), the rows that made none, grouped by why, and each row's reason."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from huiqi.models import Applicant, ApplicantProfile, Matter, MatterListing, Offer, RecognitionList
from huiqi.models.offer import Withdrawal
from huiqi.offers import service as offers
from huiqi.offers.reasons import NOT_OFFERED, NoOffer

# A row the matching passed over without a reason (none is expected: every path says one).
UNSAID = NoOffer("ineligible", "按政策规则未产生政策直达")
ORDER = {kind: i for i, kind in enumerate(NOT_OFFERED)}  # kinds of an equal count, in the order NOT_OFFERED lists


@dataclass(frozen=True)
class Tally:
    """A list's rows matched so far: the offers they made, and the rows that made none by kind of reason."""

    rows: int = 0
    offers: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def not_offered(self) -> int:
        return sum(self.kinds.values())

    @property
    def grouped(self) -> str:
        """The rows that made no offer by why, most first: 单位尚未在平台注册、信息不全 2 行、….

        >>> Tally(3, 1, {"rejected": 1, "unregistered": 2}).grouped
        '单位尚未在平台注册、信息不全 2 行，已被作出不予支持的最终决定 1 行'
        """
        ordered = sorted(self.kinds.items(), key=lambda item: (-item[1], ORDER.get(item[0], len(ORDER))))
        return "，".join(f"{NOT_OFFERED.get(kind, kind)} {n} 行" for kind, n in ordered)

    @property
    def said(self) -> str:
        """The offers and the rows without one, as an import's summary says them (after "；").

        >>> Tally(2, 2).said
        '名单各行产生政策直达 2 项'
        >>> Tally(3, 1, {"unregistered": 2}).said
        '名单各行产生政策直达 1 项；2 行未产生政策直达（单位尚未在平台注册、信息不全 2 行），逐行原因见认定名单页'
        """
        said = f"名单各行产生政策直达 {self.offers} 项"
        if self.not_offered:
            said += f"；{self.not_offered} 行未产生政策直达（{self.grouped}），逐行原因见认定名单页"
        return said


def record(listings: list[MatterListing], made: offers.Made) -> Tally:
    """Write on each row what matching its applicant again came to (``made`` explained its matters); the tally."""
    offered, kinds = 0, Counter[str]()
    for listing in listings:
        listing.offers = made.offered.get(listing.matter_id, 0)
        reason = None if listing.offers else made.why.get(listing.matter_id, UNSAID)
        listing.outcome, listing.why = (reason.kind, reason.why) if reason else (None, None)
        offered += listing.offers
        if reason is not None:
            kinds[reason.kind] += 1
    return Tally(len(listings), offered, dict(kinds))


def tallies(session: Session) -> dict[int, Tally]:
    """By list, its rows matched so far (those imported before rows were kept have none)."""
    query = (select(MatterListing.list_id, MatterListing.outcome, func.count(), func.sum(MatterListing.offers))
             .where(MatterListing.offers.is_not(None)).group_by(MatterListing.list_id, MatterListing.outcome))
    found: dict[int, tuple[int, int, dict[str, int]]] = {}
    for list_id, outcome, n, made in session.execute(query):
        rows, offered, kinds = found.get(list_id, (0, 0, {}))
        if outcome is not None:
            kinds[outcome] = int(n)
        found[list_id] = (rows + int(n), offered + int(made or 0), kinds)
    return {list_id: Tally(*value) for list_id, value in found.items()}


def rows(session: Session, list_id: int, *, offset: int = 0, limit: int | None = None,
         unoffered: bool = False) -> list[tuple[MatterListing, str, str | None]]:
    """The list's rows in their order (``unoffered``: those that made no offer), each with its applicant's credit code
    and current name; paged in SQL."""
    latest = (select(ApplicantProfile.applicant_id, func.max(ApplicantProfile.version).label("version"))
              .group_by(ApplicantProfile.applicant_id).subquery())
    query = (select(MatterListing, Applicant.uscc, ApplicantProfile.name)
             .join(Matter, Matter.id == MatterListing.matter_id)
             .join(Applicant, Applicant.id == Matter.applicant_id)
             .outerjoin(latest, latest.c.applicant_id == Applicant.id)
             .outerjoin(ApplicantProfile, (ApplicantProfile.applicant_id == Applicant.id)
                        & (ApplicantProfile.version == latest.c.version))
             .where(MatterListing.list_id == list_id))
    if unoffered:
        query = query.where(MatterListing.offers == 0)
    query = query.order_by(MatterListing.id).offset(offset)
    return [(listing, uscc, name) for listing, uscc, name in session.execute(
        query.limit(limit) if limit is not None else query)]


def counted(session: Session, list_id: int, *, unoffered: bool = False) -> int:
    """How many rows ``rows`` pages through."""
    query = select(func.count()).select_from(MatterListing).where(MatterListing.list_id == list_id)
    if unoffered:
        query = query.where(MatterListing.offers == 0)
    return int(session.scalar(query) or 0)


def withdrawn(session: Session) -> dict[int, int]:
    """By withdrawn list, the offers its rows had made that its withdrawal withdrew with it (those already accepted,
    confirmed or declined stay as they were): what its row on the lists page says in place of the offers made. A
    row's offers are those of its matter made while the list was in force (a matter named again by a later list
    has that list's offers too)."""
    query = (select(MatterListing.list_id, func.count(func.distinct(Offer.id)))
             .join(RecognitionList, RecognitionList.id == MatterListing.list_id)
             .join(Offer, Offer.matter_id == MatterListing.matter_id)
             .where(RecognitionList.state == "withdrawn", MatterListing.offers > 0, Offer.state == "withdrawn",
                    Offer.withdrawn_by == Withdrawal.LIST, Offer.created_at >= RecognitionList.created_at,
                    Offer.created_at <= RecognitionList.withdrawn_at)
             .group_by(MatterListing.list_id))
    return {list_id: int(n) for list_id, n in session.execute(query)}
