"""The declarative base: one MetaData with a naming convention, so constraint names are the same
on SQLite and PostgreSQL and migrations can name what they change."""

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from huiqi.db import utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Yuan = BigInteger  # money: whole yuan, never float


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Created:
    """When a row was made."""

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
