from datetime import date

from sqlalchemy import Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from huiqi.models.base import Base, Created
from huiqi.models.whitelist_entry import WhitelistEntry


class WhitelistVersion(Created, Base):
    """A version of the whitelist (白名单, by the measure serving it on ``as_of``): proposed, reviewed, then
    published on a date."""

    __tablename__ = "whitelist_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    state: Mapped[str] = mapped_column(String(20))  # proposed | published
    as_of: Mapped[date] = mapped_column(Date)  # the records it was computed from, as of this day
    proposed_by: Mapped[str] = mapped_column(String(64))
    published_on: Mapped[date | None] = mapped_column(Date)
    published_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    entries: Mapped[list[WhitelistEntry]] = relationship(lazy="raise", order_by=WhitelistEntry.id)
