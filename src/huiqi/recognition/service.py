"""Import a recognition list: every row checked (credit code, duplicates, code, level, date) and reported by
line before anything is written; a row for an unknown credit code creates its applicant (name and code only);
each row becomes a matter whose facts are published, with the document and date, never overwritten by a
declaration. A row naming a recognition the applicant already has (the same code and date, declared by the
enterprise or made by an earlier list) confirms that matter rather than making a twin of it: per matter, support is
given once (DOMAIN.md). A list in force is not imported twice; it can be withdrawn: its facts go (a matter another
list in force names stays, one the enterprise had declared is its declaration again), the applications they
started stay, flagged. After an import the applicants it touched are matched again and offers made (政策直达),
each row keeping what it came to (``outcomes``). Reading and checking the file is ``reading``'s."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import repository as applicants
from huiqi.audit import service as audit
from huiqi.db import one_at_a_time, utcnow
from huiqi.errors import Conflict, InputError, NotFound
from huiqi.labels import Problem
from huiqi.models import Applicant, ApplicantProfile, Matter, MatterListing, RecognitionList, User
from huiqi.offers import service as offers
from huiqi.offers.service import Made
from huiqi.recognition import leads, outcomes
from huiqi.recognition.reading import EXAMPLE as EXAMPLE
from huiqi.recognition.reading import LEVEL_HINT as LEVEL_HINT
from huiqi.recognition.reading import MAX_ROWS as MAX_ROWS
from huiqi.recognition.reading import Row as Row
from huiqi.recognition.reading import check as check
from huiqi.recognition.reading import is_example as is_example
from huiqi.recognition.reading import read_file as read_file
from huiqi.users.names import person
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import control_reason

INLINE_ROWS = 200  # a longer list is matched again in the background, with its progress shown
BATCH = 50  # rows matched again per transaction in the background


@dataclass(frozen=True)
class Imported:
    list: RecognitionList
    applicants_created: int
    matters: int
    tally: outcomes.Tally | None  # what the rows came to (None while matching goes on in the background)
    existing: int = 0  # rows naming a recognition already recorded: that matter confirmed, no second one made

    @property
    def offers(self) -> int:
        """The offers the list's own rows made (not those its applicants' other matters received meanwhile)."""
        return self.tally.offers if self.tally else 0

    @property
    def made(self) -> Made:
        """The rows' offers, and the rows not offered again for an answer already given (declined or set aside,
        or an application rejected)."""
        kinds = self.tally.kinds if self.tally else {}
        return Made(self.offers, kinds.get("answered", 0), kinds.get("rejected", 0))

    @property
    def said(self) -> str:
        """The import's result as the importing officer reads it (after "已导入名单 N："): the rows, the applicants
        made, the rows that matched matters already recorded, and the offers the rows made, with how many rows made
        none and why (grouped), or that matching goes on."""
        said = f"{self.matters} 行，新建申报单位 {self.applicants_created} 家"
        if self.existing:
            said += (f"；其中 {self.existing} 行与申报单位已有的事项为同一认定（类别和认定日期相同），"
                     "已并入原事项，不另建事项，也不重复产生政策直达")
        if self.tally is None:
            return said + "；有关单位正在后台重新匹配，符合条件且批次受理中的即产生政策直达"
        return said + f"；{self.tally.said}"

    def told(self, most: int) -> str:
        """The import's result as the message after it says it, within ``most`` characters (a flash's 200 hold the
        counts at any size): the whole of ``said`` when it fits, else its counts (rows, applicants made, rows merged,
        offers, rows without one) and where each row's reason is shown, never a sentence cut short."""
        head = f"名单已导入（认定名单 {self.list.id}）："
        whole = head + self.said
        if len(whole) <= most:
            return whole
        merged = f"，其中 {self.existing} 行并入已有事项" if self.existing else ""
        counts = f"{head}{self.matters} 行，新建申报单位 {self.applicants_created} 家{merged}"
        if self.tally is None:
            return f"{counts}；正在后台重新匹配，进度见下表"
        unoffered = f"，{self.tally.not_offered} 行未产生" if self.tally.not_offered else ""
        return f"{counts}；名单各行产生政策直达 {self.offers} 项{unoffered}；逐行原因见下表认定名单 {self.list.id} 一行"


def import_list(session: Session, *, actor: User, rows: list[Row], code: str, level: str | None, document: str,
                published_on: date, inline: bool | None = None) -> Imported:
    """Write a checked list: its applicants (new ones by name and code only) and one published matter each, or, for
    a recognition the applicant already has, that matter confirmed by the list; then match the applicants it touched
    again and make the offers their results support. An admin imports any list; a department only one whose category
    feeds a measure it leads (``leads``)."""
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, doing="导入认定名单")
    leads.require(session, actor, code, doing="导入")  # a department: a category feeding a measure it leads
    document = checked_document(document)
    _refuse_twice(session, code=code, level=level, document=document)
    one_at_a_time(session, f"recognition:{code}")  # two lists of one kind at once: the later sees the earlier's rows
    inline = len(rows) <= INLINE_ROWS if inline is None else inline
    imported = RecognitionList(code=code, level=level, document=document, published_on=published_on,
                               rows=len(rows), state="active", imported_by=actor.username,
                               matching="done" if inline else "queued", matched=0, offers=0)
    session.add(imported)
    session.flush()
    created, touched, named = 0, [], []
    for row in rows:
        applicant = applicants.by_uscc(session, row.uscc)
        if applicant is None:
            applicant = Applicant(uscc=row.uscc, demo=False)
            applicants.add(session, applicant)
            applicants.add(session, ApplicantProfile(applicant_id=applicant.id, version=1, name=row.name,
                                                     recorded_by=actor.username))
            created += 1
        touched.append(applicant)
        named.append((row, applicant))
    # The matters already recording these recognitions, locked in id order (the order every step keeps) before
    # anything is written to them: an application or a withdrawal at this moment waits, then sees the list.
    found = {applicant.id: _recorded(session, applicant.id, code, row.on) for row, applicant in named}
    locked = {}
    for matter_id in sorted(m.id for m in found.values() if m is not None):
        try:
            locked[matter_id] = applicants.lock_matter(session, matter_id)
        except Conflict:  # deleted by its owner at this moment: the row makes its own matter
            continue
    confirmed = []
    for row, applicant in named:
        earlier = found[applicant.id]
        matter = locked.get(earlier.id) if earlier is not None else None
        if matter is None:
            facts = {"level": row.level} if row.level else {}
            matter = Matter(applicant_id=applicant.id, key=f"{code}-L{imported.id}", type="honour", codes=[code],
                            date=row.on, facts=facts, source="imported", list_id=imported.id)
            applicants.add(session, matter)
            session.add(MatterListing(matter_id=matter.id, list_id=imported.id, was="created", line=row.line))
        else:
            confirmed.append(_confirm(session, matter, imported, row))
    session.flush()
    tally = None
    if inline:  # the offers before the record: matters are locked before the trail's head
        listings = _listings(session, imported.id)
        made = offers.make_for(session, touched, clock.today(), explain={x.matter_id for x in listings})
        tally = outcomes.record(listings, made)
        imported.matched, imported.offers = len({a.id for a in touched}), tally.offers
        session.flush()
    for matter_id, before, after in confirmed:
        if before != after:
            audit.record(session, actor=actor.username, action="matter.listed", entity="matter", entity_id=matter_id,
                         before=before, after=after)
    audit.record(session, actor=actor.username, action="list.import", entity="recognition_list",
                 entity_id=imported.id, after={"code": code, "level": level, "document": document,
                                               "published_on": published_on, "rows": len(rows),
                                               "applicants_created": created, "existing": len(confirmed)})
    return Imported(imported, created, len(rows), tally, len(confirmed))


def _listings(session: Session, list_id: int, after: int = 0, most: int | None = None,
              unmatched: bool = False) -> list[MatterListing]:
    """The list's rows (as the matters they name), in their order, from after the row ``after`` (its id); with
    ``unmatched``, only those not matched yet."""
    query = (select(MatterListing).where(MatterListing.list_id == list_id, MatterListing.id > after)
             .order_by(MatterListing.id))
    if unmatched:
        query = query.where(MatterListing.offers.is_(None))
    return list(session.scalars(query.limit(most) if most is not None else query))


# Which of an applicant's matters recording one recognition a list confirms, first to last: one in force under an
# earlier list, one a reviewer verified, one the enterprise declared, one whose list was withdrawn.
PREFERRED = {"imported": 0, "verified": 1, "declared": 2, "withdrawn": 3}


def _recorded(session: Session, applicant_id: int, code: str, on: date) -> Matter | None:
    """The applicant's matter recording the recognition a row names (an honour of that code and date), if any."""
    query = select(Matter).where(Matter.applicant_id == applicant_id, Matter.type == "honour", Matter.date == on)
    found = [m for m in session.scalars(query.order_by(Matter.id)) if code in m.codes]
    return min(found, key=lambda m: PREFERRED.get(m.source, 9), default=None)


def _confirm(session: Session, matter: Matter, imported: RecognitionList,
             row: Row) -> tuple[int, dict[str, object], dict[str, object]]:
    """The list names a recognition the matter already records: the list is recorded as its source beside any
    other, and a matter not in force under a list (declared, verified, or its list withdrawn) becomes the list's
    published fact, its level the list's (the one it had is kept, to come back if the list is withdrawn). The
    matter's id, and its source and level before and after."""
    level = matter.facts.get("level")
    before = {"source": matter.source, "list": matter.list_id, "level": level}
    listing = MatterListing(matter_id=matter.id, list_id=imported.id, was=matter.source, line=row.line)
    if matter.source != "imported":
        if row.level and row.level != level:
            listing.facts = dict(matter.facts)
            matter.facts = {**matter.facts, "level": row.level}
        matter.source, matter.list_id = "imported", imported.id
    session.add(listing)
    return matter.id, before, {"source": matter.source, "list": matter.list_id, "level": matter.facts.get("level")}


DOCUMENT, DOCUMENT_MOST = "发布文号", 200  # as the import form calls it; the column's width


def checked_document(document: str) -> str:
    """The list's document number, trimmed; refused by the form's label when missing, too long (said with its
    length, as the calendar's notice is) or holding a control character."""
    document = document.strip()
    if not document:
        why = f"请填写名单的发布文号（不超过 {DOCUMENT_MOST} 个字），如 工信部企业函〔2023〕xx号"
    elif len(document) > DOCUMENT_MOST:
        why = f"不能超过 {DOCUMENT_MOST} 个字（现为 {len(document)} 个字），请删减后再导入"
    elif any(ord(c) < 32 for c in document):  # a NUL said as such; a line break too, in a box of one line
        why = control_reason(document) or "不能含控制字符（如换行）"
    else:
        return document
    raise InputError([Problem(DOCUMENT, why, "document")])


def _refuse_twice(session: Session, *, code: str, level: str | None, document: str) -> None:
    """The same list (code, level and document) is imported once while in force: withdraw it to import it again.
    Two imports of it at once take turns, so the later sees the earlier."""
    one_at_a_time(session, f"list:{code}:{level}:{document}")
    same = select(RecognitionList).where(RecognitionList.code == code, RecognitionList.document == document,
                                         RecognitionList.state == "active")
    same = same.where(RecognitionList.level.is_(None) if level is None else RecognitionList.level == level)
    earlier = session.scalars(same.order_by(RecognitionList.id)).first()
    if earlier is not None:
        raise Conflict(f"这份名单（{document}）已导入为认定名单 {earlier.id}（发布日期 {earlier.published_on}），"
                       f"仍然有效；如需重新导入，请先撤回认定名单 {earlier.id}")


def match_list(sessions: Callable[[], AbstractContextManager[Session]], list_id: int) -> None:
    """Match again, in the background, the applicants of a long list, a batch of rows per transaction, writing the
    progress as it goes (``matched`` of ``rows``) and what each row came to, as an import matched at once does; a
    failure is recorded on the list (its matching failed) and raised.

    Only the rows not matched yet are matched: run again after a failure (``match_again``), it goes on from where
    the failed run stopped, and a row matched already keeps what it came to, the offer a registration made on it
    meanwhile included (``registered``), never written back to no offer nor offered twice. A row is read again
    after its applicant's matters are locked, and left when matched meanwhile (by another run of the list); the
    progress is the rows matched, counted in the database."""
    with sessions() as session:  # taken once: a second run of the list at this moment finds it running and stops
        taken = session.execute(update(RecognitionList)
                                .where(RecognitionList.id == list_id, RecognitionList.matching == "queued")
                                .values(matching="running").execution_options(synchronize_session="fetch"))
        if not taken.rowcount:
            return
    after = 0
    try:
        while True:
            with sessions() as session:
                batch = _listings(session, list_id, after, BATCH, unmatched=True)
                if not batch:
                    break
                after = batch[-1].id
                owners = {matter: owner for matter, owner in session.execute(
                    select(Matter.id, Matter.applicant_id).where(Matter.id.in_([x.matter_id for x in batch])))}
                # their matters locked before their records are read: a registration at this moment (which matches
                # the rows already matched) waits, or is waited for (``registered``)
                applicants.lock_matters_of(session, set(owners.values()))
                batch = [x for x in session.scalars(select(MatterListing).where(
                    MatterListing.id.in_([x.id for x in batch])).order_by(MatterListing.id)
                    .execution_options(populate_existing=True)) if x.offers is None]
                if not batch:  # every one matched meanwhile by another run
                    continue
                touched = [session.get(Applicant, i) for i in sorted({owners[x.matter_id] for x in batch})]
                made = offers.make_for(session, [a for a in touched if a is not None], clock.today(),
                                       explain={x.matter_id for x in batch})
                tally = outcomes.record(batch, made)
                session.flush()
                # added in the database, not read and written back: a registration adds its row's offers meanwhile
                matched = (select(func.count()).select_from(MatterListing)
                           .where(MatterListing.list_id == list_id, MatterListing.offers.is_not(None))
                           .scalar_subquery())
                session.execute(update(RecognitionList).where(RecognitionList.id == list_id)
                                .values(matched=matched,
                                        offers=func.coalesce(RecognitionList.offers, 0) + tally.offers)
                                .execution_options(synchronize_session="fetch"))
        with sessions() as session:
            session.get(RecognitionList, list_id).matching = "done"
    except Exception:  # the list stays imported; its matching is shown as failed, to be run again (``match_again``)
        with sessions() as session:
            session.get(RecognitionList, list_id).matching = "failed"
        raise


def match_again(session: Session, *, actor: User, list_id: int) -> RecognitionList:
    """Run again a list's matching that failed (a batch refused, the server restarted during it): queued, to go on
    from the rows not matched yet (``match_list``), the rows matched keeping what they came to. Whoever may
    withdraw the list may (``leads``); a list withdrawn, or whose matching is not failed (done, or going on in
    another tab), is refused, saying so."""
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, doing="重新匹配认定名单")
    found = session.scalars(select(RecognitionList).where(RecognitionList.id == list_id).with_for_update()
                            .execution_options(populate_existing=True)).first()
    if found is None:
        raise NotFound(f"没有认定名单 {list_id}")
    leads.require(session, actor, found.code, doing="重新匹配")
    if found.state != "active":
        raise Conflict(f"认定名单 {list_id} 已由{person(session, found.withdrawn_by)}撤回，不再匹配")
    if found.matching == "done":
        raise Conflict(f"认定名单 {list_id} 已匹配完成，无需重新匹配；请刷新后查看")
    if found.matching != "failed":
        raise Conflict(f"认定名单 {list_id} 正在匹配（已匹配 {found.matched}/{found.rows} 行），无需重新匹配；"
                       "请刷新后查看")
    found.matching = "queued"
    session.flush()
    audit.record(session, actor=actor.username, action="list.match_again", entity="recognition_list",
                 entity_id=list_id, after={"matched": found.matched, "rows": found.rows})
    return found


def interrupted(session: Session) -> int:
    """Mark the lists whose matching a restart cut off (queued or running: a background task does not outlive its
    server) as failed, to be run again from the lists page (``match_again``); how many there were."""
    result = session.execute(update(RecognitionList).where(RecognitionList.matching.in_(("queued", "running")))
                             .values(matching="failed"))
    return result.rowcount or 0


REASON_MOST = 500  # a withdrawal's reason


def withdraw(session: Session, *, actor: User, list_id: int, reason: str) -> RecognitionList:
    """Withdraw an import: the matters it keeps in force stop counting as facts (kept, marked, for the applications
    they started) and their open offers are withdrawn with the reason. A matter another list in force also names
    stays that list's; one the enterprise had declared before the list confirmed it is its declaration again. An
    admin withdraws any list; a department only one whose category feeds a measure it leads (``leads``)."""
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, doing="撤回认定名单")
    found = session.scalars(select(RecognitionList).where(RecognitionList.id == list_id).with_for_update()
                            .execution_options(populate_existing=True)).first()
    if found is None:
        raise NotFound(f"没有认定名单 {list_id}")
    leads.require(session, actor, found.code, doing="撤回")  # who may not withdraw it is told so before the reason
    reason = reason.strip()
    if not reason or len(reason) > REASON_MOST or any(ord(c) < 32 for c in reason):
        why = (f"不能超过 {REASON_MOST} 个字（现为 {len(reason)} 个字）" if len(reason) > REASON_MOST
               else control_reason(reason) or f"请填写撤回理由（一行，不超过 {REASON_MOST} 个字）")
        raise InputError([Problem("撤回理由", why, "reason")])
    if found.state != "active":  # withdrawn meanwhile (another tab, another person): who did it is said
        raise Conflict(f"认定名单 {list_id} 已由{person(session, found.withdrawn_by)}撤回，无需再撤回；请刷新后查看")
    found.state, found.withdrawn_by, found.withdrawn_at, found.reason = "withdrawn", actor.username, utcnow(), reason
    session.flush()
    named = sorted(set(session.scalars(select(MatterListing.matter_id).where(MatterListing.list_id == list_id)))
                   | set(session.scalars(select(Matter.id).where(Matter.list_id == list_id))))
    gone, kept, declared = [], 0, []
    for matter_id in named:  # locked in id order, read afresh: an import confirming one at this moment is seen
        matter = applicants.lock_matter(session, matter_id)
        if matter.source != "imported" or matter.list_id != list_id:
            continue  # in force under another list that named it first, or no longer counting on this one
        listings = list(session.scalars(select(MatterListing).where(MatterListing.matter_id == matter_id)
                                        .order_by(MatterListing.id)))
        other = session.scalar(select(RecognitionList.id).join(MatterListing).where(
            MatterListing.matter_id == matter_id, RecognitionList.state == "active").order_by(RecognitionList.id)
            .limit(1))
        if other is not None:
            matter.list_id, kept = other, kept + 1
            continue
        # What the matter was before the list that brought it into force (the last not confirming one in force).
        entry = next((x for x in reversed(listings) if x.was != "imported"), None)
        if entry is not None and entry.facts is not None:
            matter.facts = dict(entry.facts)
        if entry is not None and entry.was in ("declared", "verified"):
            matter.source, matter.list_id = entry.was, None
            declared.append(matter)
        else:
            matter.source = "withdrawn"
        gone.append(matter.id)
    session.flush()
    offers.withdraw_for_matters(session, gone, f"认定名单已撤回：{reason}")
    for matter in declared:
        audit.record(session, actor=actor.username, action="matter.unlisted", entity="matter", entity_id=matter.id,
                     before={"source": "imported", "list": list_id},
                     after={"source": matter.source, "list": None, "level": matter.facts.get("level")})
    audit.record(session, actor=actor.username, action="list.withdraw", entity="recognition_list",
                 entity_id=list_id, after={"reason": reason, "matters": len(gone), "still_listed": kept,
                                           "declared_again": len(declared)})
    return found


def listed(session: Session, *, actor: User) -> list[RecognitionList]:
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, Role.AUDITOR, doing="查看认定名单")
    return list(session.scalars(select(RecognitionList).order_by(RecognitionList.id.desc())))


def one(session: Session, *, actor: User, list_id: int) -> RecognitionList:
    """One imported list (whom the lists page refuses, refused; one that is not, not found)."""
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, Role.AUDITOR, doing="查看认定名单")
    found = session.get(RecognitionList, list_id)
    if found is None:
        raise NotFound(f"没有认定名单 {list_id}")
    return found


def existing(session: Session) -> dict[int, int]:
    """By list, its rows that named a recognition already recorded (the matter confirmed, none made)."""
    query = (select(MatterListing.list_id, func.count()).where(MatterListing.was != "created")
             .group_by(MatterListing.list_id))
    return {list_id: int(n) for list_id, n in session.execute(query)}


