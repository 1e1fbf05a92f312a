import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.db import utcnow
from huiqi.models.base import Base, Created


class Matter(Created, Base):
    """A matter (事项) of an applicant: one recognition, project or establishment."""

    __tablename__ = "matters"
    __table_args__ = (UniqueConstraint("applicant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))  # the matter's id in the interchange shape
    type: Mapped[str] = mapped_column(String(10))
    codes: Mapped[list[str]] = mapped_column(JSON)
    date: Mapped[dt.date | None] = mapped_column(Date)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the other fields its codes need
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
