"""Propose a whitelist from the records, review it, publish it as a dated version, export it.

Criteria (DOMAIN.md "Administration"): the policy's, read from the policy in force, not written here. The measure
that serves the whitelist (``serves: [whitelist]``; a successor's own measure once its window opens, see
``catalogue.serving``) names the list and states, in its service items about the applicant itself (those reaching no
matter), the conditions an enterprise must meet; the rules engine evaluates them on the applicant's current profile
as a match does (``evaluate_rule``), and only a met one counts: an undetermined condition (a fact not recorded) is
not assumed. The shipped measure asks for an enterprise registered in Liaoning in the digital-economy core industry.
Beyond the policy, the enterprise must be in good standing by the fund's 2025 guide, every condition recorded
(``standing.in_good_standing``), and have a name to be listed under. Those considered and not proposed are kept
with why (``review.why_not``).

Earlier versions are kept; a published version is never changed. One draft at a time: a second is refused
while the first waits, a draft made before the newest publication is stale and cannot be published, and an
admin or the compiler may discard (作废) a draft, which is kept and audited. A removal from a draft may be undone
(恢复) until it is published.

A version records the basis it is compiled under (``basis``): none is compiled once the serving measure has expired
and no successor serves the whitelist, and a draft whose basis has expired since is not published. Each proposal
takes the next record number (拟定稿 #N, the audit trail's key); publication gives the next public edition (第 N 版),
so that the public's numbers run without a gap whatever drafts were discarded.
"""

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.applicants import repository as applicants
from huiqi.audit import service as audit
from huiqi.audit.digests import entries_said, entry_digest
from huiqi.catalogue import service as catalogue
from huiqi.departments.service import lead_unit
from huiqi.errors import Conflict, Forbidden, InputError, NotFound
from huiqi.messages import service as messages
from huiqi.models import (
    Applicant,
    ApplicantProfile,
    Department,
    User,
    WhitelistEntry,
    WhitelistOmission,
    WhitelistVersion,
)
from huiqi.reference import divisions, industries
from huiqi.users.roles import Role
from huiqi.validation import control_reason, search_word
from huiqi.web.excel import Table, add_sheet, safe_workbook
from huiqi.whitelist import basis, repository, review
from huiqi.whitelist.basis import Criteria, criteria

__all__ = ["Criteria", "criteria"]  # the basis's: pages and tests read them from here too


def named(session: Session, version: WhitelistVersion) -> str:
    """What ``version`` is called, quotes dropped (数字经济核心产业企业白名单): by the measure it was compiled under, as
    recorded then, so that each list keeps its own measure's name."""
    return basis.list_name(version)


def called(version: WhitelistVersion) -> str:
    """How people name a version: 第 N 版 once published (its public edition), else 拟定稿 #N (its record's number, by
    which the audit trail names it too)."""
    return f"第 {version.edition} 版" if version.edition else f"拟定稿 #{version.number}"


def qualifies(criteria: Criteria, applicant: Applicant, profile: ApplicantProfile, on: date) -> bool:
    """Whether the current profile meets the policy's criteria and the guide's standing (an unrecorded fact does
    not meet a condition)."""
    return review.why_not(criteria, applicant, profile, on) is None


def _may_compile(session: Session, actor: User, on: date) -> None:
    """Admins, and reviewers of the lead unit of the measure serving the whitelist that day, compile and publish
    the list."""
    if actor.role in (Role.ADMIN, Role.SYSTEM):
        return
    found = catalogue.serving(session, "whitelist", on)
    if found is None:
        raise catalogue.unserved(session, "whitelist", "白名单", on)
    measure = found[1]
    lead = lead_unit(measure, on)
    unit = session.get(Department, actor.department_id) if actor.role == Role.DEPARTMENT else None
    if unit is None or unit.name != lead:
        raise Forbidden(f"白名单由措施{measure.number}的牵头单位（{lead}）或管理员编制和发布")


def may_compile(session: Session, actor: User, on: date) -> bool:
    """Whether ``actor`` compiles the list on ``on`` (the desk shows its controls only to them)."""
    try:
        _may_compile(session, actor, on)
    except (Forbidden, NotFound):
        return False
    return True


def closed(session: Session, on: date) -> str | None:
    """Why no new version may be compiled on ``on`` though a measure names the whitelist (it has expired and no
    successor serves it); None when one may."""
    found = criteria(session, on)
    return basis.refusal(found, on) if found is not None else None


NOTE_MOST = 500


def _unkept(text: str) -> str | None:
    r"""Why a note or a reason cannot be kept: past its bound, or with a character no record keeps (a NUL).

    >>> _unkept("长" * 501), _unkept("年报\x00未公示"), _unkept("年报未公示")
    ('不能超过 500 个字（现有 501 个）', '不能含有空字符（NUL）', None)
    """
    return f"不能超过 {NOTE_MOST} 个字（现有 {len(text)} 个）" if len(text) > NOTE_MOST else control_reason(text)


def propose(session: Session, *, actor: User, on: date, note: str | None = None) -> WhitelistVersion:
    """A new proposed version under the measure serving the whitelist on ``on``: every applicant whose current
    profile meets its criteria; those considered and not proposed are kept with why."""
    _may_compile(session, actor, on)
    if note is not None and (why := _unkept(note)):
        raise InputError([("note", why)])
    found = criteria(session, on)
    if found is None:
        raise catalogue.unserved(session, "whitelist", "白名单", on)
    if (expired := basis.refusal(found, on)) is not None:
        raise Conflict(expired)
    if not found.items:
        raise Conflict(f"{found.policy.number}措施{found.measure.number}「{found.measure.title}」没有规定对企业本身的"
                       "入选条件，不能拟定白名单；请先发布规定了入选条件的政策版本")
    number = repository.next_number(session)
    # Read after the number: a draft made meanwhile either shows here or takes the same number (a 409 below).
    draft = repository.draft(session)
    if draft is not None:
        raise Conflict(f"已有白名单拟定稿 #{draft.number} 待发布；请先发布或作废它，再拟定新版本")
    version = WhitelistVersion(number=number, state="proposed", as_of=on, proposed_by=actor.username, note=note,
                               **basis.recorded(found, on))
    try:
        with session.begin_nested():
            repository.add(session, version)
    except IntegrityError:  # the number is the database's to keep unique
        raise Conflict("刚刚已有人拟定了新版本，请刷新后查看") from None
    entries, passed = _considered(session, version, found, on)
    # The entries' digest: verify tells any later change of the list made beside the trail.
    audit.record(session, actor=actor.username, action="whitelist.propose", entity="whitelist",
                 entity_id=version.number,
                 after={"as_of": on, "state": "proposed", **_basis_said(version), "considered": version.considered,
                        "passed_over": passed, **entries_said(entries)})
    messages.awaiting_check(session, actor, kind="whitelist.propose", what=f"白名单拟定稿 #{version.number}",
                            body=f"拟定了白名单拟定稿 #{version.number}（按截至 {on} 的档案，列入 {len(entries)} 家）。"
                                 "白名单须由拟定人以外的另一位有权编制白名单的人员核对后发布：请在白名单编制页查看、"
                                 "核对后发布，或作废。", link=f"/admin/whitelist/{version.id}")
    return repository.get(session, version.id)


def _considered(session: Session, version: WhitelistVersion, found: Criteria,
                on: date) -> tuple[list[WhitelistEntry], int]:
    """Every current profile weighed for ``version``: an entry for each that qualifies, an omission with why for each
    other; the entries, and how many were passed over."""
    entries: list[WhitelistEntry] = []
    passed: list[WhitelistOmission] = []
    for applicant, profile in applicants.current_profiles(session):
        why = review.why_not(found, applicant, profile, on)
        if why is None:
            entries.append(WhitelistEntry(version_id=version.id, applicant_id=applicant.id, uscc=applicant.uscc,
                                          name=profile.name, region=profile.region, industry=profile.industry,
                                          included=True))
            repository.add(session, entries[-1])
        else:
            passed.append(WhitelistOmission(version_id=version.id, applicant_id=applicant.id, uscc=applicant.uscc,
                                            name=profile.name or "", why=why))
    session.add_all(passed)
    version.considered = len(entries) + len(passed)
    session.flush()
    return entries, len(passed)


BASIS_SAID = ("basis_policy", "basis_version", "basis_number", "basis_measure")


def _basis_said(version: WhitelistVersion) -> dict[str, object]:
    """The recorded basis as the trail keeps it (verify tells a later change of it)."""
    return {key: getattr(version, key) for key in BASIS_SAID}


def _proposed_entry(session: Session, actor: User, entry_id: int, on: date) -> WhitelistEntry:
    """The entry of a draft, read again once its version is locked (what another person did to it meanwhile shows)."""
    _may_compile(session, actor, on)
    entry = repository.entry(session, entry_id)
    if entry is None:
        raise NotFound(f"没有白名单条目 {entry_id}")
    version = repository.lock(session, entry.version_id)  # a publication at this moment: this waits, then sees it
    if version is None:
        raise NotFound(f"没有白名单条目 {entry_id}")
    if version.state != "proposed":
        done = "已发布" if version.state == "published" else "已作废"
        raise Conflict(f"白名单{called(version)}{done}，不能再改")
    fresh = repository.entry(session, entry_id, fresh=True)
    if fresh is None:
        raise NotFound(f"没有白名单条目 {entry_id}")
    return fresh


def exclude(session: Session, *, actor: User, entry_id: int, reason: str, on: date) -> WhitelistEntry:
    """Leave an enterprise out of a proposed version, saying why."""
    entry = _proposed_entry(session, actor, entry_id, on)
    if not reason.strip():
        raise InputError([("reason", "移出白名单须写明理由")])
    if why := _unkept(reason.strip()):
        raise InputError([("reason", why)])
    if not entry.included:  # two people at once: the second is told what the first did
        raise Conflict(f"{entry.name} 刚刚已被移出（理由：{entry.reason}），请刷新后查看")
    entry.included, entry.reason = False, reason.strip()
    _entry_changed(session, actor, entry, "whitelist.exclude", before={"included": True})
    return entry


def restore(session: Session, *, actor: User, entry_id: int, on: date) -> WhitelistEntry:
    """Undo the removal of an enterprise from a proposed version (恢复): listed again, its reason cleared (the trail
    keeps it)."""
    entry = _proposed_entry(session, actor, entry_id, on)
    if entry.included:  # two people at once: the second is told what the first did
        raise Conflict(f"{entry.name} 已在列入名单中（刚刚可能已有人恢复），请刷新后查看")
    before = {"included": False, "reason": entry.reason}
    entry.included, entry.reason = True, None
    _entry_changed(session, actor, entry, "whitelist.restore", before=before)
    return entry


def _entry_changed(session: Session, actor: User, entry: WhitelistEntry, action: str, before: dict) -> None:
    """Record an entry's change, with the entry's digest and the list's digest after it."""
    session.flush()
    version = repository.get(session, entry.version_id)
    listed = {f"list_{key}": value for key, value in entries_said(version.entries).items()}
    audit.record(session, actor=actor.username, action=action, entity="whitelist_entry", entity_id=entry.id,
                 before=before,
                 after={"included": entry.included, "reason": entry.reason, "version_id": entry.version_id,
                        "version": version.number, "uscc": entry.uscc, "name": entry.name,
                        "digest": entry_digest(entry), **listed})


def publish(session: Session, *, actor: User, version_id: int, on: date) -> WhitelistVersion:
    """Publish a reviewed version on ``on`` as the next edition, by someone other than who proposed it (as a policy
    version needs a second admin); it is then fixed, and earlier versions stay readable."""
    _may_compile(session, actor, on)
    version = repository.lock(session, version_id)  # an entry changed or the version published at this moment
    if version is None:
        raise NotFound(f"没有白名单版本 {version_id}")
    if version.state != "proposed":
        raise Conflict(_settled(version))
    if version.proposed_by == actor.username:  # proposed, reviewed and published: the review is another's
        raise Forbidden(f"白名单拟定稿 #{version.number} 由您（{actor.display_name}）拟定："
                        "须由另一位有权编制白名单的人员核对后发布")
    _refuse_stale(session, version)
    if (lapsed := basis.lapsed(session, version, on)) is not None:
        raise Conflict(lapsed)
    version = repository.get(session, version_id)  # with its entries as they stand now
    version.state, version.published_on, version.published_by = "published", on, actor.username
    version.edition = repository.next_edition(session)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # the edition is the database's to keep unique
        raise Conflict("刚刚已有另一版白名单发布，请刷新后查看") from None
    audit.record(session, actor=actor.username, action="whitelist.publish", entity="whitelist",
                 entity_id=version.number, before={"state": "proposed"},
                 after={"state": "published", "published_on": on, "edition": version.edition,
                        "entries": sum(e.included for e in version.entries), **entries_said(version.entries)})
    messages.tell_drafter(session, version.proposed_by, actor, kind="whitelist.published",
                          subject=f"您拟定的白名单拟定稿 #{version.number} 已发布为第 {version.edition} 版",
                          body=f"已于 {on} 核对并发布您拟定的白名单拟定稿 #{version.number}，"
                               f"为第 {version.edition} 版，列入 {sum(e.included for e in version.entries)} 家，"
                               "公众即可查阅和下载。",
                          link=f"/admin/whitelist/{version.id}")
    return version


def _settled(version: WhitelistVersion) -> str:
    if version.state == "discarded":
        return f"白名单拟定稿 #{version.number} 已作废"
    return f"白名单{called(version)}已于 {version.published_on} 发布"


def _refuse_stale(session: Session, version: WhitelistVersion) -> None:
    """A draft older than the newest published version, or made before it was published, lists stale records."""
    newest = repository.newest_published(session)
    if newest is None:
        return
    stale = newest.number > version.number
    if not stale:
        published = audit.events_of(session, entity="whitelist", action="whitelist.publish",
                                     entity_ids=[newest.number])
        stale = bool(published) and version.created_at < published[-1].at
    if stale:
        raise Conflict(f"白名单拟定稿 #{version.number} 拟定于{called(newest)}发布之前，已过时；"
                       "请作废它，按当前档案重新拟定")


def discard(session: Session, *, actor: User, version_id: int, on: date) -> WhitelistVersion | None:
    """Discard (作废) a draft: it stays readable, marked so, and can no longer be edited or published; it takes no
    public edition, so the next publication follows on from the last."""
    _may_compile(session, actor, on)
    version = repository.lock(session, version_id)
    if version is None:
        raise NotFound(f"没有白名单版本 {version_id}")
    if version.state != "proposed":
        raise Conflict(_settled(version))
    version.state = "discarded"
    session.flush()
    version = repository.get(session, version_id)  # with its entries
    audit.record(session, actor=actor.username, action="whitelist.discard", entity="whitelist",
                 entity_id=version.number, before={"state": "proposed"},
                 after={"state": "discarded", **entries_said(version.entries)})
    messages.tell_drafter(session, version.proposed_by, actor, kind="whitelist.discarded",
                          subject=f"您拟定的白名单拟定稿 #{version.number} 已作废",
                          body=f"于 {on} 作废了您拟定的白名单拟定稿 #{version.number}；需要时请按当前档案重新拟定。",
                          link=f"/admin/whitelist/{version.id}")
    return version


def published_versions(session: Session) -> list[WhitelistVersion]:
    """Published versions, oldest first: public."""
    return repository.published(session)


DRAFT_READERS = (Role.ADMIN, Role.AUDITOR, Role.DEPARTMENT, Role.SYSTEM)


def sees_drafts(actor: User | None) -> bool:
    """Whether ``actor`` may read versions not yet published (those who compile or check the list)."""
    return actor is not None and actor.role in DRAFT_READERS


def versions(session: Session, *, actor: User | None = None) -> list[WhitelistVersion]:
    """Versions with their entries, newest first: drafts only for those who may see them."""
    return [v for v in repository.every_version(session) if v.state == "published" or sees_drafts(actor)]


def read(session: Session, *, version_id: int, actor: User | None = None) -> WhitelistVersion:
    """A version with its entries: anyone for a published one; proposed ones for those who may see drafts."""
    version = repository.get(session, version_id)
    if version is None:
        raise NotFound(f"没有白名单版本 {version_id}")
    if version.state != "published" and not sees_drafts(actor):
        raise NotFound(f"白名单拟定稿 #{version.number} 尚未发布")
    return version


def published_edition(session: Session, *, edition: int) -> WhitelistVersion:
    """The version published as 第 ``edition`` 版, without its entries (its page reads them a page at a time)."""
    version = repository.by_edition(session, edition)
    if version is None or version.state != "published":
        raise NotFound(f"没有已发布的第 {edition} 版白名单")
    return version


def listed(session: Session, *, version_id: int, word: str | None, city: str | None, offset: int,
           limit: int) -> tuple[list[WhitelistEntry], int]:
    """One page of the enterprises a version lists whose name or credit code holds ``word`` (as a Chinese input method
    types it) in ``city``, and how many match in all; a word or a city the page could not have sent is refused."""
    if city and city not in divisions.cities():
        raise InputError([("所在市", "请从列表中选择")])
    word, names = search_word(word)
    return repository.listed(session, version_id, names=names, code=word.upper(), city=city or None,
                             offset=offset, limit=limit)


def listed_count(session: Session, *, version_id: int) -> int:
    """How many enterprises a version lists."""
    return repository.listed_count(session, version_id)


HEADER = ("序号", "统一社会信用代码", "单位名称", "所在地", "行业代码", "行业名称")
REVIEWED = (*HEADER, "状态", "移出理由", "与上一版相比")
PASSED_OVER = ("统一社会信用代码", "单位名称", "未拟定的原因")


def export_xlsx(session: Session, *, version_id: int, path: Path, actor: User | None = None,
                reviewed: bool = False) -> Path:
    """Write the version's included enterprises to an Excel workbook; ``reviewed`` (the desk's download): every
    entry with its state, its removal's reason and its change against the previous version, and a second sheet of
    the applicants considered and not proposed, with why."""
    version = read(session, version_id=version_id, actor=actor)
    shown = version.entries if reviewed else [e for e in version.entries if e.included]
    changes = review.changes(session, version) if reviewed else None
    rows: list[Sequence[object]] = []
    for i, e in enumerate(shown, start=1):
        row: tuple[object, ...] = (i, e.uscc, e.name, divisions.place_name(e.region) or "", e.industry,
                                   industries.industry_name(e.industry) or "")
        if changes is not None:
            row += ("列入" if e.included else "移出", e.reason, changes.change(e) or None)
        rows.append(row)
    wide = {"单位名称", "行业名称", "移出理由", "与上一版相比", "未拟定的原因"}  # names and reasons are read whole
    with safe_workbook(str(path)) as book:
        add_sheet(book, Table(_title(version), REVIEWED if reviewed else HEADER, rows, sheet="白名单", wide=wide))
        if reviewed:
            passed = [(o.uscc, o.name, o.why) for o in version.omissions]
            said = "" if version.considered is not None else "（本版拟定于记录未拟定企业之前，无此记录）"
            add_sheet(book, Table(f"未拟定的企业：考虑 {version.considered or 0} 家，未拟定 {len(passed)} 家{said}",
                                  PASSED_OVER, passed, sheet="未拟定的企业", wide=wide))
    return Path(path)


def _title(version: WhitelistVersion) -> str:
    """A download's title row: the list, the version, its state and the basis it was compiled under (what a bank reads
    to judge it, and which does not change with the day it is read)."""
    name = basis.list_name(version)
    place = "" if name.startswith("辽宁") else "辽宁省"  # the platform's province, unless the name says it
    state = f"{version.published_on} 发布" if version.published_on else \
        "已作废，不发布" if version.state == "discarded" else "待发布"
    ends = f"，该措施有效期至{basis.long_day(version.basis_ends)}" if version.basis_ends else ""
    grounds = f"；依据{basis.cited(version)}编制{ends}" if version.basis_policy else ""
    label = f"第{version.edition}版" if version.edition else f"拟定稿 #{version.number}"
    return f"{place}{name} {label}（{state}{grounds}）"
