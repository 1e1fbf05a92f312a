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
    # Where the facts come from: declared by the enterprise, imported from a published list, or verified.
    source: Mapped[str] = mapped_column(String(20), default="declared", server_default="declared")
    list_id: Mapped[int | None] = mapped_column(ForeignKey("recognition_lists.id"), index=True)
    verified_by: Mapped[str | None] = mapped_column(String(64))
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
