from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base, Created
from huiqi.simulate.reform import DESCRIPTION_LENGTH, NAME_LENGTH


class SavedReform(Created, Base):
    """A reform an analyst named on the simulation page: its changes (as the reform YAML the CLI reads too) and the
    job that ran it, kept for comparing one reform with another. Each analyst names their reforms once."""

    __tablename__ = "saved_reforms"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_LENGTH), default="")
    text: Mapped[str] = mapped_column(Text)  # the reform YAML, read by the same parser as a --reform file
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # for people: policy, parameter, label, value, since
    job_id: Mapped[int | None] = mapped_column(ForeignKey("simulation_jobs.id"), index=True)
