from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created, Yuan


class Grant(Created, Base):
    """An approved award: one per matter, whatever the policy or measure (从高不重复)."""

    __tablename__ = "grants"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), index=True)
    policy_id: Mapped[str] = mapped_column(String(40))
    measure: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Yuan)
    ceiling: Mapped[int | None] = mapped_column(Yuan)
    approved_on: Mapped[date] = mapped_column(Date)
    approved_by: Mapped[str] = mapped_column(String(64))
