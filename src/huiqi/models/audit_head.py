from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from huiqi.models.base import Base


class AuditHead(Base):
    """The chain's last link (one row): appends lock it, so the chain stays one line; it also shows
    when rows were removed from the end."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
