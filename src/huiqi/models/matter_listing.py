from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created


class MatterListing(Created, Base):
    """A recognition list naming a matter: the matter its row made, or one the applicant already had for the same
    recognition (the same code and date, declared by the enterprise or made by an earlier list), which the list then
    confirms rather than doubling it (DOMAIN.md: per matter, support is given once). A matter keeps counting while
    any of its lists is in force."""

    __tablename__ = "matter_listings"
    __table_args__ = (UniqueConstraint("matter_id", "list_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("recognition_lists.id"), index=True)
    # The matter's source when the list named it: created (the list's row made it), declared, verified, imported
    # (by an earlier list) or withdrawn (its earlier list withdrawn).
    was: Mapped[str] = mapped_column(String(20))
    # The matter's facts before the list's level replaced the declared one: restored if the list is withdrawn.
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # What the list's row came to when its applicant was matched again (null until then, and for rows imported before
    # rows were kept): its line in the file, the offers it made, and, when it made none, why (a kind of ``NOT_OFFERED``
    # in huiqi.offers.reasons, and the reason as the importing officer reads it).
    line: Mapped[int | None] = mapped_column(Integer)
    offers: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(20))
    why: Mapped[str | None] = mapped_column(String(500))
