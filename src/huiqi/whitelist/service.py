"""Propose a whitelist from the records, review it, publish it as a dated version, export it.

Criteria (DOMAIN.md "Administration"): the policy's, read from the policy in force, not written here. The measure
that serves the whitelist (``serves: [whitelist]``; a successor's own measure once its window opens, see
``catalogue.serving``) names the list and states, in its service items about the applicant itself (those reaching no
matter), the conditions an enterprise must meet; the rules engine evaluates them on the applicant's current profile
as a match does (``evaluate_rule``), and only a met one counts: an undetermined condition (a fact not recorded) is
not assumed. The shipped measure asks for an enterprise registered in Liaoning in the digital-economy core industry.
Beyond the policy, the enterprise must be in good standing by the fund's 2025 guide, every condition recorded
(``standing.in_good_standing``), and have a name to be listed under.
Earlier versions are kept; a published version is never changed. One draft at a time: a second is refused
while the first waits, a draft made before the newest publication is stale and cannot be published, and an
admin or the compiler may discard (作废) a draft, which is kept and audited.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi.applicants import repository as applicants
from huiqi.applicants import standing
from huiqi.applicants.service import profile_case
from huiqi.audit import service as audit
from huiqi.audit.digests import entries_said, entry_digest
from huiqi.catalogue import service as catalogue
from huiqi.departments.service import lead_unit
from huiqi.errors import Conflict, Forbidden, InputError, NotFound
from huiqi.models import Applicant, ApplicantProfile, Department, User, WhitelistEntry, WhitelistVersion
from huiqi.reference import divisions, industries
from huiqi.rules.match import CaseEnv, evaluate_rule
from huiqi.rules.policy import Measure, Policy, Rule
from huiqi.users.roles import Role
from huiqi.validation import search_word
from huiqi.web.excel import Table, workbook
from huiqi.whitelist import repository


@dataclass(frozen=True)
class Criteria:
    """What the policy in force asks of an enterprise on the list: its measure's service items about the applicant
    itself (one met is enough), besides the guide's standing."""

    policy: Policy
    measure: Measure
    items: tuple[Rule, ...]

    def name(self) -> str:
        """The list's name as the measure's service item names it, up to the "：" that begins the treatment
        (数字经济核心产业企业“白名单”); 白名单 when the measure states no item of its own."""
        return self.items[0].name.split("：")[0] if self.items else "白名单"

    def said(self) -> str:
        """The conditions by their names, as the policy file names them."""
        named = ["、".join(c.name for c in item.conditions) for item in self.items]
        if len(named) == 1:
            return named[0]
        return "；或".join(f"「{item.name}」：{names}" for item, names in zip(self.items, named, strict=True))


def criteria(session: Session, on: date) -> Criteria | None:
    """The criteria of the policy serving the whitelist on ``on``; None when none serves."""
    found = catalogue.serving(session, "whitelist", on)
    if found is None:
        return None
    policy, measure = found
    return Criteria(policy, measure, tuple(item for item in measure.services if not item.reaches))


def named(session: Session, version: WhitelistVersion) -> str:
    """What ``version`` is called, quotes dropped (数字经济核心产业企业白名单): by the measure serving the whitelist
    on the day it was compiled from, so that each list keeps its own measure's name."""
    basis = criteria(session, version.as_of)
    return (basis.name() if basis else "白名单").replace("“", "").replace("”", "")


def qualifies(criteria: Criteria, applicant: Applicant, profile: ApplicantProfile, on: date) -> bool:
    """Whether the current profile meets the policy's criteria and the guide's standing (an unrecorded fact does
    not meet a condition)."""
    if not (profile.name and standing.in_good_standing(profile)):
        return False
    case = profile_case(applicant, profile, on)
    if case is None:  # a stored fact the rules no longer read (a region code since retired): not assumed either
        return False
    env = CaseEnv(case, on)
    return any(evaluate_rule(item, (), env).status == "eligible" for item in criteria.items)


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


NOTE_MOST = 500


def propose(session: Session, *, actor: User, on: date, note: str | None = None) -> WhitelistVersion:
    """A new proposed version: every applicant whose current profile meets the criteria."""
    _may_compile(session, actor, on)
    if note is not None and len(note) > NOTE_MOST:
        raise InputError([("note", f"不能超过 {NOTE_MOST} 个字（现有 {len(note)} 个）")])
    basis = criteria(session, on)
    if basis is None:
        raise catalogue.unserved(session, "whitelist", "白名单", on)
    if not basis.items:
        raise Conflict(f"{basis.policy.number}措施{basis.measure.number}「{basis.measure.title}」没有规定对企业本身的"
                       "入选条件，不能拟定白名单；请先发布规定了入选条件的政策版本")
    number = repository.next_number(session)
    # Read after the number: a draft made meanwhile either shows here or takes the same number (a 409 below).
    draft = repository.draft(session)
    if draft is not None:
        raise Conflict(f"已有白名单第 {draft.number} 版草稿待发布；请先发布或作废它，再拟定新版本")
    version = WhitelistVersion(number=number, state="proposed", as_of=on, proposed_by=actor.username, note=note)
    try:
        with session.begin_nested():
            repository.add(session, version)
    except IntegrityError:  # the number is the database's to keep unique
        raise Conflict("刚刚已有人拟定了新版本，请刷新后查看") from None
    entries = []
    for applicant, profile in applicants.current_profiles(session):
        if qualifies(basis, applicant, profile, on):
            entries.append(WhitelistEntry(version_id=version.id, applicant_id=applicant.id, uscc=applicant.uscc,
                                          name=profile.name, region=profile.region, industry=profile.industry,
                                          included=True))
            repository.add(session, entries[-1])
    # The entries' digest: verify tells any later change of the list made beside the trail.
    audit.record(session, actor=actor.username, action="whitelist.propose", entity="whitelist",
                 entity_id=version.number, after={"as_of": on, "state": "proposed", **entries_said(entries)})
    return repository.get(session, version.id)


def _proposed_entry(session: Session, actor: User, entry_id: int, on: date) -> WhitelistEntry:
    _may_compile(session, actor, on)
    entry = repository.entry(session, entry_id)
    if entry is None:
        raise NotFound(f"没有白名单条目 {entry_id}")
    version = repository.lock(session, entry.version_id)  # a publication at this moment: this waits, then sees it
    if version is None:
        raise NotFound(f"没有白名单条目 {entry_id}")
    if version.state != "proposed":
        done = "已发布" if version.state == "published" else "草稿已作废"
        raise Conflict(f"白名单第 {version.number} 版{done}，不能再改")
    return entry


def exclude(session: Session, *, actor: User, entry_id: int, reason: str, on: date) -> WhitelistEntry:
    """Leave an enterprise out of a proposed version, saying why."""
    entry = _proposed_entry(session, actor, entry_id, on)
    if not reason.strip():
        raise InputError([("reason", "移出白名单须写明理由")])
    if len(reason.strip()) > NOTE_MOST:
        raise InputError([("reason", f"不能超过 {NOTE_MOST} 个字（现有 {len(reason.strip())} 个）")])
    entry.included, entry.reason = False, reason.strip()
    session.flush()
    version = repository.get(session, entry.version_id)
    listed = {f"list_{key}": value for key, value in entries_said(version.entries).items()}
    audit.record(session, actor=actor.username, action="whitelist.exclude", entity="whitelist_entry",
                 entity_id=entry.id, before={"included": True},
                 after={"included": False, "reason": entry.reason, "version_id": entry.version_id,
                        "version": version.number, "uscc": entry.uscc, "name": entry.name,
                        "digest": entry_digest(entry), **listed})
    return entry


def publish(session: Session, *, actor: User, version_id: int, on: date) -> WhitelistVersion:
    """Publish a reviewed version on ``on``, by someone other than who proposed it (as a policy version needs a
    second admin); it is then fixed, and earlier versions stay readable."""
    _may_compile(session, actor, on)
    version = repository.lock(session, version_id)  # an entry changed or the version published at this moment
    if version is None:
        raise NotFound(f"没有白名单版本 {version_id}")
    if version.state != "proposed":
        raise Conflict(_settled(version))
    if version.proposed_by == actor.username:  # proposed, reviewed and published: the review is another's
        raise Forbidden(f"白名单第 {version.number} 版由您（{actor.display_name}）拟定："
                        "须由另一位有权编制白名单的人员核对后发布")
    _refuse_stale(session, version)
    version = repository.get(session, version_id)  # with its entries as they stand now
    version.state, version.published_on, version.published_by = "published", on, actor.username
    session.flush()
    audit.record(session, actor=actor.username, action="whitelist.publish", entity="whitelist",
                 entity_id=version.number, before={"state": "proposed"},
                 after={"state": "published", "published_on": on,
                        "entries": sum(e.included for e in version.entries), **entries_said(version.entries)})
    return version


def _settled(version: WhitelistVersion) -> str:
    if version.state == "discarded":
        return f"白名单第 {version.number} 版草稿已作废"
    return f"白名单第 {version.number} 版已于 {version.published_on} 发布"


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
        raise Conflict(f"白名单第 {version.number} 版草稿拟定于第 {newest.number} 版发布之前，已过时；"
                       "请作废它，按当前档案重新拟定")


def discard(session: Session, *, actor: User, version_id: int, on: date) -> WhitelistVersion | None:
    """Discard (作废) a draft: it stays readable, marked so, and can no longer be edited or published."""
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
        raise NotFound(f"白名单第 {version.number} 版尚未发布")
    return version


def version_id(session: Session, *, number: int) -> int:
    """The id of the version numbered ``number``."""
    version = repository.by_number(session, number)
    if version is None:
        raise NotFound(f"没有第 {number} 版白名单")
    return version.id


def published_number(session: Session, *, number: int) -> WhitelistVersion:
    """The published version numbered ``number``, without its entries (its page reads them a page at a time)."""
    version = repository.by_number(session, number)
    if version is None or version.state != "published":
        raise NotFound(f"没有已发布的第 {number} 版白名单")
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


def export_xlsx(session: Session, *, version_id: int, path: Path, actor: User | None = None) -> Path:
    """Write the version's included enterprises to an Excel workbook."""
    version = read(session, version_id=version_id, actor=actor)
    published = f"{version.published_on} 发布" if version.published_on else \
        "已作废，不发布" if version.state == "discarded" else "待发布（拟定稿）"
    name = named(session, version)
    place = "" if name.startswith("辽宁") else "辽宁省"  # the platform's province, unless the name says it
    rows: list[Sequence[object]] = [
        (i, e.uscc, e.name, divisions.place_name(e.region) or "", e.industry,
         industries.industry_name(e.industry) or "")
        for i, e in enumerate((e for e in version.entries if e.included), start=1)]
    table = Table(f"{place}{name} 第{version.number}版（{published}）", HEADER, rows, sheet="白名单",
                  wide={"单位名称", "行业名称"})  # names are read whole
    Path(path).write_bytes(workbook(table))
    return Path(path)
