"""SQL of whitelist versions and entries."""

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import Session, selectinload

from huiqi.models import WhitelistEntry, WhitelistVersion
from huiqi.reference.divisions import SHENFU


def next_number(session: Session) -> int:
    return (session.scalar(select(func.max(WhitelistVersion.number))) or 0) + 1


def next_edition(session: Session) -> int:
    """The public edition the next publication takes: one past the highest published (a discarded draft takes none)."""
    return (session.scalar(select(func.max(WhitelistVersion.edition))) or 0) + 1


def add(session: Session, row: WhitelistVersion | WhitelistEntry) -> None:
    session.add(row)
    session.flush()


def get(session: Session, version_id: int) -> WhitelistVersion | None:
    """The version with its entries and the applicants it passed over."""
    query = select(WhitelistVersion).where(WhitelistVersion.id == version_id)
    loaded = (selectinload(WhitelistVersion.entries), selectinload(WhitelistVersion.omissions))
    return session.scalars(query.options(*loaded)).one_or_none()


def published_before(session: Session, number: int) -> WhitelistVersion | None:
    """The newest version published among those proposed before the one numbered ``number``, with its entries."""
    query = (select(WhitelistVersion).where(WhitelistVersion.state == "published", WhitelistVersion.number < number)
             .options(selectinload(WhitelistVersion.entries)).order_by(WhitelistVersion.number.desc()).limit(1))
    return session.scalars(query).first()


def entries_named(session: Session, entry_ids: list[int]) -> dict[int, tuple[int, int, str]]:
    """Entry id → its version's id and number and the enterprise's name (how the audit trail names an entry)."""
    if not entry_ids:
        return {}
    query = (select(WhitelistEntry.id, WhitelistVersion.id, WhitelistVersion.number, WhitelistEntry.name)
             .join(WhitelistVersion, WhitelistVersion.id == WhitelistEntry.version_id)
             .where(WhitelistEntry.id.in_(entry_ids)))
    return {entry: (version, number, name) for entry, version, number, name in session.execute(query)}


def ids_of(session: Session, numbers: list[int]) -> dict[int, int]:
    """Version number (拟定稿 #N, the audit trail's key) → the version's id (its page's)."""
    if not numbers:
        return {}
    query = select(WhitelistVersion.number, WhitelistVersion.id).where(WhitelistVersion.number.in_(numbers))
    return {number: key for number, key in session.execute(query)}


def entry_keys_of(number: int):
    """The audit keys (ids as text) of the entries of the version numbered ``number``: a subquery."""
    return (select(cast(WhitelistEntry.id, String))
            .join(WhitelistVersion, WhitelistVersion.id == WhitelistEntry.version_id)
            .where(WhitelistVersion.number == number))


def lock(session: Session, version_id: int) -> WhitelistVersion | None:
    """The version, locked until the transaction ends and read afresh: publishing and editing it take turns."""
    query = (select(WhitelistVersion).where(WhitelistVersion.id == version_id).with_for_update()
             .execution_options(populate_existing=True))
    return session.scalars(query).one_or_none()


def entry(session: Session, entry_id: int, *, fresh: bool = False) -> WhitelistEntry | None:
    """An entry; ``fresh``: read again from the database (after its version is locked: what another just did)."""
    if not fresh:
        return session.get(WhitelistEntry, entry_id)
    query = select(WhitelistEntry).where(WhitelistEntry.id == entry_id).execution_options(populate_existing=True)
    return session.scalars(query).one_or_none()


def published(session: Session) -> list[WhitelistVersion]:
    query = select(WhitelistVersion).where(WhitelistVersion.state == "published")
    return list(session.scalars(query.order_by(WhitelistVersion.edition)))


def draft(session: Session) -> WhitelistVersion | None:
    """The draft waiting to be published or discarded, if any (the oldest, should there be more)."""
    query = select(WhitelistVersion).where(WhitelistVersion.state == "proposed").order_by(WhitelistVersion.number)
    return session.scalars(query.limit(1)).first()


def newest_published(session: Session) -> WhitelistVersion | None:
    query = select(WhitelistVersion).where(WhitelistVersion.state == "published")
    return session.scalars(query.order_by(WhitelistVersion.number.desc()).limit(1)).first()


def by_edition(session: Session, edition: int) -> WhitelistVersion | None:
    """The version published as 第 ``edition`` 版."""
    return session.scalars(select(WhitelistVersion).where(WhitelistVersion.edition == edition)).one_or_none()


def every_version(session: Session) -> list[WhitelistVersion]:
    """Every version with its entries, newest first."""
    query = select(WhitelistVersion).options(selectinload(WhitelistVersion.entries))
    return list(session.scalars(query.order_by(WhitelistVersion.number.desc())))


def listed(session: Session, version_id: int, *, names: tuple[str, ...] = (), code: str = "",
           city: str | None = None, offset: int = 0, limit: int = 50) -> tuple[list[WhitelistEntry], int]:
    """One page of a version's listed enterprises, in the list's order, and how many match in all: those whose name
    holds one of ``names`` or whose credit code holds ``code``, in ``city`` (a 21xx00 code or ``shenfu``)."""
    query = select(WhitelistEntry).where(WhitelistEntry.version_id == version_id, WhitelistEntry.included)
    if names or code:
        query = query.where(or_(*(WhitelistEntry.name.contains(n, autoescape=True) for n in names),
                                WhitelistEntry.uscc.contains(code, autoescape=True)))
    if city == SHENFU:
        query = query.where(WhitelistEntry.region == SHENFU)
    elif city:
        query = query.where(WhitelistEntry.region.startswith(city[:4], autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(WhitelistEntry.id).offset(offset).limit(limit))
    return list(rows), total


def listed_count(session: Session, version_id: int) -> int:
    """How many enterprises a version lists."""
    query = select(func.count()).where(WhitelistEntry.version_id == version_id, WhitelistEntry.included)
    return session.scalar(query) or 0
