from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base


class ObjectionContact(Base):
    """Where objections to a department's 公示 go (its phone, address and mail), as the public pages show them:
    seeded from the shipped ``departments/data/objection_contacts.csv`` (0031), set by an admin since (audited).
    Keyed by the department's name, as a 公示 names it: a unit named by no policy yet may have its row already."""

    __tablename__ = "objection_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(100), unique=True)
    phone: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(200))
    mail: Mapped[str | None] = mapped_column(String(254))
    # who last set it on the page, and when (None: as seeded from the shipped file)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
