from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created


class Subscription(Created, Base):
    """Who wants to be told of what: an enterprise user (policies, rounds, 公示, a measure, its region or industry),
    or anyone by e-mail (policies, rounds, 公示), confirmed by a link and ended by another."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        CheckConstraint("topic IN ('policies', 'rounds', 'announcements', 'measure', 'region', 'industry')",
                        name="topic"),
        CheckConstraint("user_id IS NOT NULL OR email IS NOT NULL", name="who"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    topic: Mapped[str] = mapped_column(String(20))
    value: Mapped[str | None] = mapped_column(String(60))  # measure "policy/number", a region or industry code
    token: Mapped[str] = mapped_column(String(64), unique=True)  # confirms, and unsubscribes in one click
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
