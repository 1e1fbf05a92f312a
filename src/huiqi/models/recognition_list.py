from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created


class RecognitionList(Created, Base):
    """One import of a list an authority published (小巨人, 专精特新, 瞪羚…): its rows became matters of their
    applicants as published facts. Withdrawn, its facts go; the applications they started stay, flagged."""

    __tablename__ = "recognition_lists"
    __table_args__ = (CheckConstraint("state IN ('active', 'withdrawn')", name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))  # the matter code of every row (little_giant…)
    level: Mapped[str | None] = mapped_column(String(20))  # national | provincial … (a row may give its own)
    document: Mapped[str] = mapped_column(String(200))  # 工信部企业函〔2023〕xx号
    published_on: Mapped[date] = mapped_column(Date)  # the list's date: each row's recognition date by default
    rows: Mapped[int] = mapped_column(Integer)
    # Matching its applicants again: at once for a short list, in the background for a long one (with progress).
    matching: Mapped[str] = mapped_column(String(10), default="done")  # queued | running | done | failed
    matched: Mapped[int] = mapped_column(Integer, default=0)  # applicants matched again so far
    offers: Mapped[int] = mapped_column(Integer, default=0)  # offers made
    state: Mapped[str] = mapped_column(String(20), default="active")
    imported_by: Mapped[str] = mapped_column(String(64))
    withdrawn_by: Mapped[str | None] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(String(500))
