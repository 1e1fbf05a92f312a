from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from huiqi.db import utcnow
from huiqi.models.base import Base, Created, Yuan
from huiqi.models.material import Material
from huiqi.models.transition import Transition


class Application(Created, Base):
    """An application (申报) for one matter under one measure of one policy."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("amount_requested >= 0", name="amount_requested"),
        CheckConstraint("amount_proposed IS NULL OR amount_proposed >= 0", name="amount_proposed"),
        # One live application per matter and policy (从高不重复): the database holds it when two drafts race.
        # Across policies the service allows one in progress at a time, beside grants to top up (差额补足).
        Index("uq_applications_live_matter_policy", "matter_id", "policy_id", unique=True,
              sqlite_where=text("state NOT IN ('withdrawn', 'rejected')"),
              postgresql_where=text("state NOT IN ('withdrawn', 'rejected')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)  # the applicant's, for scope checks
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    policy_id: Mapped[str] = mapped_column(String(40))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)  # None: before rounds
    # Where the money goes, confirmed by the enterprise (免申即享: its only step before payment).
    payee_bank: Mapped[str | None] = mapped_column(String(100))
    payee_account: Mapped[str | None] = mapped_column(String(40))
    payee_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    measure: Mapped[int] = mapped_column(Integer)
    amount_requested: Mapped[int] = mapped_column(Yuan)
    state: Mapped[str] = mapped_column(String(20), index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    declaration: Mapped[str | None] = mapped_column(Text)
    declared_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set on submission: where it goes, and what the rules said with which policy version.
    submitted_on: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    city: Mapped[str | None] = mapped_column(String(10), index=True)
    city_review: Mapped[bool | None] = mapped_column()
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    policy_version: Mapped[str | None] = mapped_column(String(20))
    ceiling: Mapped[int | None] = mapped_column(Yuan)
    rule_status: Mapped[str | None] = mapped_column(String(20))
    match_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    case_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Set in review.
    expert_score: Mapped[int | None] = mapped_column(Integer)
    amount_proposed: Mapped[int | None] = mapped_column(Yuan)
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    materials: Mapped[list[Material]] = relationship(lazy="raise", order_by=Material.id)
    transitions: Mapped[list[Transition]] = relationship(lazy="raise", order_by=Transition.id)
