"""SQL of whitelist versions and entries."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from huiqi.models import WhitelistEntry, WhitelistVersion


def next_number(session: Session) -> int:
    return (session.scalar(select(func.max(WhitelistVersion.number))) or 0) + 1


def add(session: Session, row: WhitelistVersion | WhitelistEntry) -> None:
    session.add(row)
    session.flush()


def get(session: Session, version_id: int) -> WhitelistVersion | None:
    query = select(WhitelistVersion).where(WhitelistVersion.id == version_id)
    return session.scalars(query.options(selectinload(WhitelistVersion.entries))).one_or_none()


def lock(session: Session, version_id: int) -> WhitelistVersion | None:
    """The version, locked until the transaction ends and read afresh: publishing and editing it take turns."""
    query = (select(WhitelistVersion).where(WhitelistVersion.id == version_id).with_for_update()
             .execution_options(populate_existing=True))
    return session.scalars(query).one_or_none()


def entry(session: Session, entry_id: int) -> WhitelistEntry | None:
    return session.get(WhitelistEntry, entry_id)


def published(session: Session) -> list[WhitelistVersion]:
    query = select(WhitelistVersion).where(WhitelistVersion.state == "published")
    return list(session.scalars(query.order_by(WhitelistVersion.number)))


def by_number(session: Session, number: int) -> WhitelistVersion | None:
    return session.scalars(select(WhitelistVersion).where(WhitelistVersion.number == number)).one_or_none()


def every_version(session: Session) -> list[WhitelistVersion]:
    """Every version with its entries, newest first."""
    query = select(WhitelistVersion).options(selectinload(WhitelistVersion.entries))
    return list(session.scalars(query.order_by(WhitelistVersion.number.desc())))
