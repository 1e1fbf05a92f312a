from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created


class Department(Created, Base):
    """A responsible unit (责任单位) named by a policy, dated: units are renamed by reorganisation."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)  # the day a reorganisation replaced it in every measure
