from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from huiqi.models.applicant_profile import ApplicantProfile
from huiqi.models.base import Base, Created


class Applicant(Created, Base):
    """A unit that applies (申报单位), known by its unified social credit code."""

    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)  # synthetic demo data, never a real unit
    profiles: Mapped[list[ApplicantProfile]] = relationship(lazy="raise", order_by=ApplicantProfile.version)
