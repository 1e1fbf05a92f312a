from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created


class PolicyVersion(Created, Base):
    """One version of one policy file, stored whole: a draft until a second admin publishes it, then immutable.

    At most one version of a policy is in force (published); publishing a newer one supersedes it. Whether a
    published policy has expired is read from its own window on the business day, not stored."""

    __tablename__ = "policy_versions"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'published', 'superseded', 'withdrawn')", name="state"),
        Index("uq_policy_versions_in_force", "policy_id", unique=True,
              sqlite_where=text("state = 'published'"), postgresql_where=text("state = 'published'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[str] = mapped_column(String(40), index=True)  # the file's `id:`
    number: Mapped[str] = mapped_column(String(100))  # 辽政办〔2022〕35号
    title: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the text
    text: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))
    drafted_by: Mapped[str] = mapped_column(String(64))
    published_by: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_on: Mapped[date | None] = mapped_column(Date)  # the business day (huiqi.clock), as people date it
    ended_by: Mapped[str | None] = mapped_column(String(64))  # who withdrew or superseded it
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(String(500))  # why it was withdrawn
