"""SQL of the audit trail."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from huiqi.models import AuditEvent, AuditHead


def lock_head(session: Session) -> AuditHead:
    """The chain's head, locked until the transaction ends, so appends form one line."""
    head = session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one_or_none()
    if head is None:  # the migration writes it; a missing head is itself tampering
        raise LookupError("audit_head")
    return head


def head(session: Session) -> AuditHead | None:
    return session.get(AuditHead, 1)


def add(session: Session, event: AuditEvent) -> None:
    session.add(event)
    session.flush()


def events(session: Session, batch: int = 1000) -> Iterator[AuditEvent]:
    """Every event in chain order, read in batches."""
    return session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch))


def for_entity(session: Session, entity: str, entity_id: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id == entity_id)
    return list(session.scalars(query.order_by(AuditEvent.seq)))


def by_action(session: Session, entity: str, action: str, entity_ids: list[str]) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.action == action,
                                     AuditEvent.entity_id.in_(entity_ids))
    return list(session.scalars(query.order_by(AuditEvent.seq)))


@dataclass(frozen=True)
class Narrowed:
    """Which events: of one kind of record, one record, some people (a condition on the actor), a time (UTC, from and
    before)."""

    entity: str | None = None
    entity_id: str | None = None
    also: ColumnElement[bool] | None = None  # other events of the record (a whitelist version's entries)
    actors: ColumnElement[bool] | None = None  # a condition on the event's actor
    after: datetime | None = None
    before: datetime | None = None


def _filtered(query, by: Narrowed):
    record: list[ColumnElement[bool]] = []
    if by.entity:
        record.append(AuditEvent.entity == by.entity)
    if by.entity_id:
        record.append(AuditEvent.entity_id == by.entity_id)
    if record:
        query = query.where(or_(and_(*record), by.also) if by.also is not None else and_(*record))
    if by.actors is not None:
        query = query.where(by.actors)
    if by.after is not None:
        query = query.where(AuditEvent.at >= by.after)
    if by.before is not None:
        query = query.where(AuditEvent.at < by.before)
    return query


def latest(session: Session, *, by: Narrowed, offset: int, limit: int) -> tuple[list[AuditEvent], int]:
    """One page of events, newest first, as narrowed; and how many in all."""
    total = session.scalar(_filtered(select(func.count(AuditEvent.id)), by)) or 0
    if offset >= total:  # past the end (a page number beyond any offset the database takes, too)
        return [], total
    query = _filtered(select(AuditEvent), by).order_by(AuditEvent.seq.desc())
    return list(session.scalars(query.offset(offset).limit(limit))), total


def entities(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)))
