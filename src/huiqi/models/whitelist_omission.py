from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base


class WhitelistOmission(Base):
    """An applicant considered for a whitelist version and not proposed, with why, as its profile stood then."""

    __tablename__ = "whitelist_omissions"
    __table_args__ = (UniqueConstraint("version_id", "applicant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("whitelist_versions.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    uscc: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(200))  # empty when the profile names none (itself a reason)
    why: Mapped[str] = mapped_column(Text)
