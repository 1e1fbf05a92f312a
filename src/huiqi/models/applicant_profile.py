from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.db import utcnow
from huiqi.models.base import Base, Yuan


class ApplicantProfile(Base):
    """One version of an applicant's profile: a change adds a version, never overwrites one."""

    __tablename__ = "applicant_profiles"
    __table_args__ = (UniqueConstraint("applicant_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(10))
    industry: Mapped[str | None] = mapped_column(String(4))
    digital_core_confirmed: Mapped[bool | None] = mapped_column(Boolean)
    size: Mapped[str | None] = mapped_column(String(10))
    above_scale: Mapped[bool | None] = mapped_column(Boolean)
    established: Mapped[date | None] = mapped_column(Date)
    revenue: Mapped[int | None] = mapped_column(Yuan)
    revenue_prior: Mapped[int | None] = mapped_column(Yuan)
    # Applicant conditions of the fund's 2025 application guide (good standing).
    independent_legal_entity: Mapped[bool | None] = mapped_column(Boolean)
    sound_accounts: Mapped[bool | None] = mapped_column(Boolean)
    bad_credit: Mapped[bool | None] = mapped_column(Boolean)
    major_accident: Mapped[bool | None] = mapped_column(Boolean)
