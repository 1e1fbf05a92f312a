from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.db import utcnow
from huiqi.models.base import Base, Yuan


class Budget(Base):
    """The year's money for one measure of one policy, and how much approvals have drawn on it."""

    __tablename__ = "budgets"
    __table_args__ = (
        UniqueConstraint("year", "policy_id", "measure"),
        CheckConstraint("committed >= 0 AND committed <= amount", name="within"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    policy_id: Mapped[str] = mapped_column(String(40))
    measure: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Yuan)
    committed: Mapped[int] = mapped_column(Yuan, default=0)
    set_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
