"""The auditor's page: is the chain intact (or where does it break; which business rows differ from the
events), the latest events, a filter by record, and the listed events as Excel."""

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from huiqi.audit import service
from huiqi.audit.fields import readable, rows
from huiqi.audit.replay import COVERED
from huiqi.audit.schemas import EventRead, Verification
from huiqi.audit.sentences import ENTITIES, amount_of, chinese_date, known, sentence
from huiqi.errors import InputError
from huiqi.labels import Problem, labelled
from huiqi.validation import date_reason, iso_date, kept, unkept
from huiqi.web.deps import Actor, CallerDep, Db
from huiqi.web.door import said_beside
from huiqi.web.excel import Table, download
from huiqi.web.render import page

router = APIRouter(include_in_schema=False)
SIZE, EXPORT_LIMIT = 50, 50_000
# The filters as typed, each with its box's bound and label: what cannot be kept (a NUL, a length past the bound) is
# said beside its box, the text kept (cut to the bound), and nothing listed (``_filters``), not an error page.
Typed = Annotated[str | None, Query(description="筛选条件：过长或含控制字符时在框旁说明")]
BOUNDS = {"entity": ("记录类别", 40), "entity_id": ("记录编号", 64), "who": ("操作人", 64), "since": ("起始日期", 20),
          "until": ("截止日期", 20)}
FILTERS = tuple(BOUNDS)


def _typed(problems: list[Problem], name: str, value: str | None, most: int | None = None,
           label: str | None = None) -> str | None:
    """The filter ``name`` as typed, cut to its bound without what no record keeps; why it could not be kept as typed
    added to ``problems`` beside its box (``BOUNDS`` gives its label and bound, unless given)."""
    if value is None:
        return None
    said, bound = BOUNDS.get(name, ("", 0))
    label, most = label or said, most or bound
    if (why := unkept(value, most)) is not None:
        problems.append(Problem(label, why, name))
    return kept(value, most)


def _days(since: str | None, until: str | None) -> tuple[date | None, date | None, list[Problem]]:
    """The date filters as typed (YYYY-MM-DD), and what is wrong with them, by the form's labels: the page keeps
    its filters and says so beside the field rather than giving way to an error page."""
    problems: list[Problem] = []
    read: dict[str, date | None] = {}
    for name, label, text in (("since", "起始日期", since), ("until", "截止日期", until)):
        read[name] = None
        if text and text.strip():
            try:
                read[name] = iso_date(text)
            except ValueError:
                problems.append(Problem(label, date_reason(text), name))
    first, last = read["since"], read["until"]
    if first is not None and last is not None and last < first:
        problems.append(Problem("截止日期", f"{last} 早于起始日期 {first}", "until"))
    return first, last, problems


@dataclass
class Filters:
    """The list's filters as kept, the days read, and what is wrong with any, beside its box."""

    entity: str | None
    entity_id: str | None
    person: str | None
    since_text: str | None
    until_text: str | None
    since: date | None = None
    until: date | None = None
    problems: list[Problem] = field(default_factory=list)


def _filters(entity: str | None, entity_id: str | None, person: str | None, since: str | None,
             until: str | None) -> Filters:
    """The filters as typed, kept (``_typed``) and read: a box that cannot be kept is said beside it, and a day
    refused so is not read again as a date."""
    problems: list[Problem] = []
    typed = {name: _typed(problems, name, value) for name, value in (
        ("entity", entity), ("entity_id", entity_id), ("who", person), ("since", since), ("until", until))}
    refused = {p.field for p in problems}
    first, last, wrong = _days(*(None if name in refused else typed[name] for name in ("since", "until")))
    return Filters(typed["entity"], _record(typed["entity_id"]), typed["who"], typed["since"], typed["until"], first,
                   last, problems + wrong)


def _record(entity_id: str | None) -> str | None:
    """A record's number as the pages show it (申报 #14) or as typed (14): the number."""
    return entity_id.strip().lstrip("#＃").strip() or None if entity_id else None


def _query(entity: str | None, entity_id: str | None, person: str | None, since: date | None,
           until: date | None) -> str:
    """The filters as a query string, for the pages' links and the export."""
    kept = {"entity": entity, "entity_id": entity_id, "who": person, "since": since, "until": until}
    return urlencode({k: str(v) for k, v in kept.items() if v})


def _checked(session: Db, actor: Actor, anchor: str | None) -> tuple[Verification, list[Problem], str]:
    """The chain verified, with the anchor typed when it is one; when it is not (nor can be kept as typed: a NUL, a
    length past its box's), verified without it and the reason said beside the field; and the anchor as kept."""
    problems: list[Problem] = []
    typed = _typed(problems, "anchor", anchor, service.ANCHOR_MOST, "审计锚点") or ""
    if problems or not typed.strip():
        return service.check(session, actor=actor), problems, typed.strip()
    try:
        return service.check(session, actor=actor, anchors=[typed]), [], typed.strip()
    except InputError as error:
        return service.check(session, actor=actor), [Problem("审计锚点", why, "anchor") for _, why in
                                                     error.problems], typed.strip()


@router.get("/audit", response_class=HTMLResponse)
@said_beside(*FILTERS, "anchor")
def audit_page(request: Request, who: CallerDep, actor: Actor, session: Db, entity: Typed = None,
               entity_id: Typed = None, person: Annotated[str | None, Query(alias="who")] = None,
               since_text: Annotated[str | None, Query(alias="since")] = None,
               until_text: Annotated[str | None, Query(alias="until")] = None,
               page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1, anchor: Typed = None
               ) -> HTMLResponse:
    """The chain's state and a page of events, as narrowed; a filter that cannot be kept as typed (a date that is
    none, a kind of record not offered, an 操作人 too long or holding a NUL) is said beside its box, the text kept,
    and nothing listed."""
    result, anchor_problems, anchor = _checked(session, actor, anchor)
    chosen = _filters(entity, entity_id, person, since_text, until_text)
    problems = chosen.problems
    events: list[EventRead] = []
    total = 0
    if not problems:
        try:
            events, total = service.recent(session, actor=actor, entity=chosen.entity or None,
                                           entity_id=chosen.entity_id, who=chosen.person, since=chosen.since,
                                           until=chosen.until, offset=(page_no - 1) * SIZE, limit=SIZE)
        except InputError as error:  # a kind of record the list does not offer: said beside the list
            problems = labelled(error.problems)
    kinds = {k: ENTITIES.get(k, k) for k in service.entities(session, actor=actor)}
    found = known(session, events)
    # Each event's record in full, field by field as people read it (the record as kept, field names, yuan and
    # hashes, is the export's: the page's JSON could not check a hash without them).
    details = [(rows(e, e.before, found.policies, found.codes), rows(e, e.after, found.policies, found.codes))
               for e in events]
    return page(request, "audit/index.html", who, status_code=422 if problems or anchor_problems else 200,
                result=result, covered=COVERED, anchor=anchor, anchor_problems=anchor_problems,
                events=events, total=total, page_no=page_no, pages=max(1, -(-total // SIZE)),
                entity=chosen.entity or "", entity_id=chosen.entity_id or "", kinds=kinds, person=chosen.person or "",
                problems=problems,
                since=chosen.since_text.strip() if problems and chosen.since_text else chosen.since,
                until=chosen.until_text.strip() if problems and chosen.until_text else chosen.until,
                query=_query(chosen.entity, chosen.entity_id, chosen.person, chosen.since, chosen.until),
                labels=ENTITIES, said=[sentence(e, found) for e in events], details=details)


@router.get("/audit/events.xlsx")
@said_beside(*FILTERS)
def export(request: Request, who: CallerDep, actor: Actor, session: Db, entity: Typed = None,
           entity_id: Typed = None, person: Annotated[str | None, Query(alias="who")] = None,
           since_text: Annotated[str | None, Query(alias="since")] = None,
           until_text: Annotated[str | None, Query(alias="until")] = None) -> Response:
    """The listed events as Excel; filters the page would refuse answer with the page, saying so beside them."""
    chosen = _filters(entity, entity_id, person, since_text, until_text)  # read as the page reads them
    if chosen.problems:
        return audit_page(request, who, actor, session, entity, entity_id, person, since_text, until_text)
    try:
        events, _ = service.recent(session, actor=actor, entity=chosen.entity or None, entity_id=chosen.entity_id,
                                   who=chosen.person, since=chosen.since, until=chosen.until, limit=EXPORT_LIMIT)
    except InputError:  # a kind of record the list does not offer: the page says so beside it
        return audit_page(request, who, actor, session, entity, entity_id, person, since_text, until_text)
    found = known(session, events)
    said, numbers, codes = [sentence(e, found) for e in events], found.policies, found.codes
    rows = [(e.seq, e.at, s.who, e.actor, s.text, ENTITIES.get(e.entity, e.entity), _number(e.entity_id),
             amount_of(e), readable(e, e.before, numbers, codes), readable(e, e.after, numbers, codes), _json(e.before),
             _json(e.after), e.entity, e.entity_id, _utc(e.at), e.prev_hash, e.hash, e.action)
            for e, s in zip(events, said, strict=True)]
    title = _title(session, events, entity=chosen.entity, entity_id=chosen.entity_id, person=chosen.person,
                   since=chosen.since, until=chosen.until)
    # The 事件 column says it in words (操作人 with the unit held then, beside the login it was recorded under), and
    # 变更前/变更后 the fields by their labels, money in 万元; the columns from 变更前（原始记录） on are the record as
    # kept, its field names and yuan as stored: with them, the login and the two hashes the chain can be checked
    # outside the system.
    header = ("序号", "记录时间（北京时间）", "操作人", "登录名", "事件", "记录类别", "记录编号", "金额", "变更前",
              "变更后", "变更前（原始记录）", "变更后（原始记录）", "记录类别（原始记录）", "记录编号（原始记录）",
              "时间（UTC，原始记录）", "前一条的哈希", "本条哈希", "操作代码（原始记录）")
    table = Table(title, header, rows, money={"金额"})
    return download(table, "审计记录.xlsx")


def _title(session: Session, events: list[EventRead], *, entity: str | None, entity_id: str | None, person: str | None,
           since: date | None, until: date | None) -> str:
    """The export's title with its filters in words, as the page says them (审计记录（用户 dalian（大连市审核员），
    操作人“admin”，记录于 2025年1月1日至2025年12月31日）): a user by the login and display name the trail says."""
    from huiqi.users import trail
    from huiqi.users.repository import accounts

    kind = ENTITIES.get(entity, entity) if entity else None
    record = kind
    if entity == "user" and entity_id and entity_id.isdigit():
        said = next((e.after or e.before for e in events if e.entity == "user" and e.entity_id == entity_id), None)
        record = trail.account(said, entity_id, accounts(session, {int(entity_id)}))
    elif kind and entity_id:
        record = f"{kind} #{entity_id}" if entity_id.isdigit() else f"{kind} {entity_id}"
    if entity == "whitelist" and entity_id:
        record = f"{record}（含该版本各条目的变更）"
    days = (f"记录于 {chinese_date(since)}至{chinese_date(until)}" if since and until else
            f"记录于 {chinese_date(since)}起" if since else f"记录于 {chinese_date(until)}及以前" if until else None)
    parts = [p for p in (record, f"操作人“{person.strip()}”" if person and person.strip() else None, days) if p]
    return f"审计记录（{'，'.join(parts)}）" if parts else "审计记录"


def _number(entity_id: str) -> int | str:
    """A record's number as a number (a spreadsheet sorts 2 before 10); other keys stay text."""
    return int(entity_id) if entity_id.isascii() and entity_id.isdigit() else entity_id


def _json(value: dict | None) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value is not None else None


def _utc(at: datetime) -> str:
    """The moment as the hash covers it: UTC, to the microsecond, without a zone."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") if at.tzinfo else \
        at.isoformat(timespec="microseconds")
