from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created, Yuan


class Withdrawal(StrEnum):
    """What withdrew an offer: its enterprise's change of its profile, or of the offer's matter (the rules no longer
    supported it; a later change may make it again), or its recognition list withdrawn (only a list brings it back)."""

    PROFILE = "profile"
    MATTER = "matter"
    LIST = "list"


class Offer(Created, Base):
    """An offer (政策直达): a matter the rules make eligible for a measure of an open round, brought to the
    enterprise without its asking; accepted, it becomes a draft application; the enterprise may decline it."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'accepted', 'confirmed', 'set_aside', 'withdrawn', 'declined')",
                        name="state"),
        # One open offer per matter and measure: matching again does not offer it twice.
        Index("uq_offers_open", "matter_id", "round_id", "measure", unique=True,
              sqlite_where=text("state = 'open'"), postgresql_where=text("state = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    policy_id: Mapped[str] = mapped_column(String(40))
    measure: Mapped[int] = mapped_column(Integer)
    ceiling: Mapped[int | None] = mapped_column(Yuan)
    state: Mapped[str] = mapped_column(String(20), default="open")
    reason: Mapped[str | None] = mapped_column(String(500))  # why it was withdrawn, set aside or declined
    withdrawn_by: Mapped[str | None] = mapped_column(String(20))  # a withdrawn one's ``Withdrawal``
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
