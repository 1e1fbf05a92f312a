from datetime import date

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created, Yuan


class Disbursement(Created, Base):
    """Money paid out for an approved award (拨付), recorded by finance."""

    __tablename__ = "disbursements"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    amount: Mapped[int] = mapped_column(Yuan)
    paid_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(64), unique=True, index=True)  # voucher number: one payment each
    recorded_by: Mapped[str] = mapped_column(String(64))
