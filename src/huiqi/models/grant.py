from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created, Yuan


class Grant(Created, Base):
    """An approved award: one per matter and policy (从高不重复). Under another policy a matter is only topped up:
    that policy's ceiling less what was granted here (差额补足), which approval works out."""

    __tablename__ = "grants"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount"), UniqueConstraint("matter_id", "policy_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id"), index=True)
    policy_id: Mapped[str] = mapped_column(String(40))
    measure: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Yuan)
    ceiling: Mapped[int | None] = mapped_column(Yuan)
    approved_on: Mapped[date] = mapped_column(Date)
    approved_by: Mapped[str] = mapped_column(String(64))
