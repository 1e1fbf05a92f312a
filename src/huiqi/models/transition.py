from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.db import utcnow
from huiqi.models.base import Base


class Transition(Base):
    """One step of an application through the workflow: who, when, from which state to which, why."""

    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(64))
    on: Mapped[date] = mapped_column(Date)  # the business day it counts for
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reasons: Mapped[str | None] = mapped_column(Text)
