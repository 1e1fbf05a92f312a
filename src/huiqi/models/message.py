from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created


class Message(Created, Base):
    """A message to one user: in the message centre always, and by e-mail when the user has an address and SMTP is
    set. The e-mail is sent outside the request (``huiqi messages send`` or the server's worker) and retried."""

    __tablename__ = "messages"
    __table_args__ = (
        # One digest a day: a message with a dedupe key is made once per user.
        Index("uq_messages_dedupe", "user_id", "dedupe", unique=True,
              sqlite_where=text("dedupe IS NOT NULL"), postgresql_where=text("dedupe IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # None: a subscriber by e-mail
    kind: Mapped[str] = mapped_column(String(40))  # application.submitted, offer.new, digest.reviewer …
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(300))
    dedupe: Mapped[str | None] = mapped_column(String(100))
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    email: Mapped[str | None] = mapped_column(String(254))  # where it is also mailed (None: the centre only)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))
