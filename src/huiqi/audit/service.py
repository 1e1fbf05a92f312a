"""Record changes in a hash chain, and verify the chain.

Each event's hash covers its own content and the previous event's hash, and sequence numbers run
1, 2, 3… without gaps; the head row holds the last link. So a row changed afterwards no longer
matches its hash, a row removed leaves a gap (or a broken link), and rows removed from the end
leave the head pointing past the last one.

A chain alone cannot stop someone with write access to the database from rewriting every row from
the tampered one onwards, hashes included. Anchors close that door: ``anchor`` gives the head as
``seq:hash``, to be kept outside the database (the auditor's file, a published notice); verifying
with an anchor checks that event ``seq`` still carries that hash, which no rewrite of it or of any
earlier event can keep.

Nor does a chain see the business tables beside it: ``verify`` also replays the events (``replay``) and
names every record whose row differs from what the events say (``replay.COVERED`` lists which).
"""

import hashlib
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from huiqi.audit import repository
from huiqi.audit.replay import Replay
from huiqi.audit.schemas import EventRead, Verification
from huiqi.audit.sentences import ENTITIES, cited
from huiqi.db import utcnow
from huiqi.errors import InputError
from huiqi.models import AuditEvent, User
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import BEIJING, keyword

GENESIS = "0" * 64


def plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text, containers recursively.

    >>> plain({"on": date(2025, 1, 2), "ids": (1, 2)})
    {'on': '2025-01-02', 'ids': [1, 2]}
    """
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def digest(event: AuditEvent) -> str:
    """The event's hash: SHA-256 over the previous hash and the event's canonical JSON."""
    body = {
        "seq": event.seq, "at": event.at.isoformat(timespec="microseconds"), "actor": event.actor,
        "action": event.action, "entity": event.entity, "entity_id": event.entity_id,
        "before": event.before, "after": event.after,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((event.prev_hash + text).encode("utf-8")).hexdigest()


def record(session: Session, *, actor: str, action: str, entity: str, entity_id: Any,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event (who, what, before, after) to the chain."""
    head = repository.lock_head(session)
    event = AuditEvent(seq=head.seq + 1, at=utcnow(), actor=actor, action=action, entity=entity,
                       entity_id=str(entity_id), before=plain(before), after=plain(after), prev_hash=head.hash)
    event.hash = digest(event)
    repository.add(session, event)
    head.seq, head.hash = event.seq, event.hash
    session.flush()
    return event


def anchor(session: Session) -> str:
    """The head of the chain as ``seq:hash``, to be kept outside the database."""
    head = repository.head(session)
    return f"{head.seq}:{head.hash}" if head is not None else f"0:{GENESIS}"


ANCHOR_MOST = 100  # characters of an anchor as typed: a sequence number, a colon and 64 hex digits, with room


def parse_anchor(text: str) -> tuple[int, str]:
    """``seq:hash`` as given by ``anchor`` (the colon may be a full-width one, the hash in capitals, spaces around
    either part); an InputError naming the anchor otherwise.

    >>> parse_anchor(" 12 ： " + "AB" * 32)[0]
    12
    """
    seq, _, value = text.replace("：", ":").partition(":")
    seq, value = seq.strip(), value.strip().lower()
    if not (seq.isascii() and seq.isdigit() and len(seq) <= 18 and len(value) == 64
            and all(c in "0123456789abcdef" for c in value)):
        shown = text if len(text) <= 80 else text[:80] + "…"
        raise InputError([("anchor", f"“{shown}”不是审计锚点：应为“序号:哈希”（哈希为 64 位十六进制数字），"
                                     "即此前保存在系统之外的审计链头；尚未保存过的，请系统管理员从审计链页面抄录当前链头，"
                                     "保存到审计底稿中，日后用它核对")])
    return int(seq), value


def verify(session: Session, anchors: list[str] = ()) -> Verification:
    """Walk the chain and report every row changed or removed afterwards; every anchor it does not hold, apart (an
    anchor may be mis-copied: said as such, beside the chain's own verdict); replay the events and report every
    business row that differs from them."""
    from huiqi.catalogue.service import numbers  # the catalogue records audit events: imported late

    expected = dict(parse_anchor(a) for a in anchors)
    problems, held, unheld, policies = [], [], [], numbers(session)
    expected_seq, last_hash, count = 1, GENESIS, 0
    replay = Replay()
    for event in repository.events(session):
        count += 1
        replay.fold(event)
        if event.seq != expected_seq:
            problems.append(f"缺少第 {expected_seq}–{event.seq - 1} 条审计记录：记录被删除")
        elif event.prev_hash != last_hash:
            problems.append(f"第 {event.seq} 条审计记录与前一条的链接断开：前一条被改动或删除")
        if digest(event) != event.hash:
            said = cited(EventRead.model_validate(event, from_attributes=True), policies)
            problems.append(f"第 {event.seq} 条审计记录的内容与其哈希不符：记录在写入后被改动（现记载为：{said}）")
        if event.seq in expected:
            if expected.pop(event.seq) == event.hash:
                held.append(f"{event.seq}:{event.hash}")
            else:
                unheld.append(f"锚点与第 {event.seq} 条审计记录不符：可能抄录有误，或此前的记录被改写（连同哈希）；"
                              f"链上第 {event.seq} 条的哈希现为 {event.hash}，请与库外保存的原件逐字核对")
        expected_seq, last_hash = event.seq + 1, event.hash
    head = repository.head(session)
    if head is None:
        problems.append("审计链头缺失：链头记录被删除")
    elif (head.seq, head.hash) != (expected_seq - 1, last_hash):
        problems.append(f"审计链头指向第 {head.seq} 条，而记录只到第 {expected_seq - 1} 条：末尾的记录被删除或改动")
    for seq in sorted(s for s in expected if s > 0):
        unheld.append(f"锚点指向第 {seq} 条审计记录，而审计链只有 {count} 条：可能抄录有误，或末尾的记录被删除")
    return Verification(events=count, problems=problems, differences=replay.compare(session),
                        head=f"{head.seq}:{head.hash}" if head is not None else "", anchors=held, unheld=unheld)


def history(session: Session, *, entity: str, entity_id: Any) -> list[EventRead]:
    """The events of one record, in order."""
    return [EventRead.model_validate(e, from_attributes=True)
            for e in repository.for_entity(session, entity, str(entity_id))]


READERS = (Role.AUDITOR, Role.ADMIN)


def events_of(session: Session, *, entity: str, action: str, entity_ids: list[Any]) -> list[AuditEvent]:
    """The events of one action on some records of one kind, in chain order (what a page shows of their history)."""
    return repository.by_action(session, entity, action, [str(i) for i in entity_ids]) if entity_ids else []


def check(session: Session, *, actor: User, anchors: list[str] = ()) -> Verification:
    """``verify`` for the auditor and the admin, with the anchors they kept (``seq:hash``): the chain shows who did
    what to every record."""
    require_role(actor, *READERS, doing="查看审计链")
    return verify(session, anchors)


def recent(session: Session, *, actor: User, entity: str | None = None, entity_id: str | None = None,
           who: str | None = None, since: date | None = None, until: date | None = None,
           offset: int = 0, limit: int = 50) -> tuple[list[EventRead], int]:
    """A page of events, newest first, and the count of all that match: of one kind of record, one record, the
    people ``who`` names (part of a user name or of a display name, Latin letters in either case; 系统 for the
    system's own steps), and the days ``since`` to ``until`` on which they were recorded (Beijing dates, both ends
    included: the day the sentences say). A whitelist version (by its number) comes with the changes of its entries."""
    require_role(actor, *READERS, doing="查看审计记录")
    if entity and entity not in ENTITIES and entity not in repository.entities(session):
        raise InputError([("entity", f"不认识的记录类别“{entity}”，请从列表中选择")])
    if since is not None and until is not None and until < since:
        raise InputError([("until", f"截止日期 {until} 早于起始日期 {since}")])
    people = None
    if who and keyword(who):
        who = keyword(who)  # ｆｉｎａｎｃｅ as a Chinese input method types it reads as finance
        named = select(User.username).where(or_(User.username.icontains(who, autoescape=True),
                                                User.display_name.icontains(who, autoescape=True)))
        people = or_(AuditEvent.actor.in_(named), AuditEvent.actor == ("system" if who in ("system", "系统") else who))
    also = None
    if entity == "whitelist" and entity_id and entity_id.isdigit():  # a version, with the changes of its entries
        from huiqi.whitelist import repository as whitelist  # the whitelist records audit events: imported late

        also = (AuditEvent.entity == "whitelist_entry") & AuditEvent.entity_id.in_(whitelist.entry_keys_of(
            int(entity_id)))
    by = repository.Narrowed(entity=entity, entity_id=entity_id, also=also, actors=people,
                             after=_utc(since) if since else None,
                             before=_utc(until + timedelta(days=1)) if until else None)
    rows, total = repository.latest(session, by=by, offset=offset, limit=limit)
    return [EventRead.model_validate(e, from_attributes=True) for e in rows], total


def _utc(day: date) -> datetime:
    """The first moment of a Beijing day, as the trail records moments (UTC)."""
    return datetime.combine(day, time(), BEIJING).astimezone(UTC).replace(tzinfo=None)


def entities(session: Session, *, actor: User) -> list[str]:
    """The kinds of record the trail holds (for a filter)."""
    require_role(actor, *READERS, doing="查看审计记录")
    return repository.entities(session)
