from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created, Yuan


class GrowthFigure(Created, Base):
    """One year's figures in a cultivated enterprise's growth file (成长档案, measure 3)."""

    __tablename__ = "growth_figures"
    __table_args__ = (
        UniqueConstraint("applicant_id", "year"),
        CheckConstraint("employees IS NULL OR employees >= 0", name="employees"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicants.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    revenue: Mapped[int | None] = mapped_column(Yuan)
    rnd_spending: Mapped[int | None] = mapped_column(Yuan)
    profit: Mapped[int | None] = mapped_column(Yuan)  # may be negative: a loss
    employees: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str] = mapped_column(String(64))
