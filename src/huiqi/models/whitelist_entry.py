from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base


class WhitelistEntry(Base):
    """One enterprise on a whitelist version, as it stood then; a reviewer may leave it out, with a reason."""

    __tablename__ = "whitelist_entries"
    __table_args__ = (UniqueConstraint("version_id", "applicant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("whitelist_versions.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"))
    uscc: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(10))
    industry: Mapped[str] = mapped_column(String(4))
    included: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str | None] = mapped_column(Text)
