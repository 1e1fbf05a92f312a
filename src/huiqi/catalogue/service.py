"""The policy catalogue: which policies are in force, and how a version is drafted, published or withdrawn.

Every page and service takes its policies from here (``published``), never from a policy id written in code.
A draft is checked as ``huiqi policy check`` checks a file on every save; publishing it needs a second admin
(not its drafter) and supersedes the version in force of the same policy, in one audited step."""

import hashlib
from datetime import date
from pathlib import Path
from threading import Lock

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.audit import service as audit
from huiqi.catalogue import MAX_BYTES, changes, guards, repository, succession
from huiqi.catalogue.diff import PolicyDiff, diff, replaced
from huiqi.db import one_at_a_time, utcnow
from huiqi.departments import service as departments
from huiqi.errors import Conflict, Forbidden, InputError, NotFound, PolicyFileError, SituationsFailed
from huiqi.materials.storage import file_size
from huiqi.messages import service as messages
from huiqi.messages import subscriptions
from huiqi.models import Matter, PolicyVersion, User
from huiqi.rules.case import register_codes
from huiqi.rules.loader import in_catalogue_order, load_text
from huiqi.rules.policy import CodeInfo, Measure, Policy
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import control_reason

STATE_LABELS = {"draft": "草稿", "published": "已发布", "superseded": "已被新版本取代", "withdrawn": "已撤回"}
PURPOSE_LABELS = {"whitelist": "白名单", "growth_files": "成长档案"}

_parsed: dict[str, Policy] = {}  # by digest: a stored text never changes, so it is parsed once per process
_in_force: dict[tuple[str, ...], list[Policy]] = {}
_guard = Lock()


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _policy(session: Session, version_id: int, digest: str) -> Policy:
    found = _parsed.get(digest)
    if found is None:
        found = load_text(repository.text_of(session, version_id), f"政策版本 {version_id}")
        with _guard:
            if len(_parsed) > 64:
                _parsed.clear()
            _parsed[digest] = found
    return found


def published(session: Session) -> list[Policy]:
    """The policies in force, oldest issued first (expired ones included: their windows still judge matters
    dated inside them)."""
    rows = repository.in_force(session)
    key = tuple(digest for _, _, digest in rows)
    found = _in_force.get(key)
    if found is None:
        found = in_catalogue_order([_policy(session, vid, digest) for vid, _, digest in rows])
        for p in found:
            register_codes(p.codes)
        with _guard:
            if len(_in_force) > 16:
                _in_force.clear()
            _in_force[key] = found
    return found


def left_behind(session: Session) -> dict[int, tuple[list[str], int]]:
    """For each published version whose policy defines matter codes that no other policy in force knows: those
    codes, by their names, and how many recorded matters carry one. Withdrawing it leaves those matters unreadable
    to the rules until their enterprises change them (their page says so)."""
    rows = repository.in_force(session)
    mine = {vid: _policy(session, vid, digest) for vid, _, digest in rows}
    found: dict[int, tuple[list[str], int]] = {}
    carried: list[set[str]] | None = None  # every recorded matter's codes, read once if any version needs them
    for vid, policy in mine.items():
        others = {code for other, p in mine.items() if other != vid for code in p.codes}
        own = {code: info.label for code, info in policy.codes.items() if code not in others}
        if own:
            if carried is None:
                carried = [set(codes or []) for codes in
                           session.scalars(select(Matter.codes).where(Matter.source != "withdrawn"))]
            found[vid] = ([own[c] for c in sorted(own)], sum(1 for codes in carried if codes & own.keys()))
    return found


def numbers(session: Session) -> dict[str, str]:
    """Each policy in force by its document number (辽政办〔2022〕35号), the way people cite it, not its id."""
    return {p.id: p.number for p in published(session)}


def codes(session: Session) -> dict[str, CodeInfo]:
    """The matter codes of the policies in force (the shipped vocabulary and each policy's own)."""
    return {code: info for p in published(session) for code, info in p.codes.items()}


_texts: dict[tuple[str, ...], tuple[str, ...]] = {}


def published_texts(session: Session) -> tuple[str, ...]:
    """The texts of the versions in force (for a match process, which parses each once: ``from_texts``)."""
    rows = repository.in_force(session)
    key = tuple(digest for _, _, digest in rows)
    found = _texts.get(key)
    if found is None:
        found = tuple(repository.text_of(session, vid) for vid, _, _ in rows)
        with _guard:
            _texts.clear()
            _texts[key] = found
    return found


def from_texts(texts: tuple[str, ...]) -> list[Policy]:
    """The policies of ``published_texts``, parsed once per process by digest, in the order ``published`` gives."""
    loaded = []
    for text in texts:
        digest = digest_of(text)
        found = _parsed.get(digest)
        if found is None:
            found = load_text(text, f"政策 {digest[:12]}")
            with _guard:
                _parsed[digest] = found
        register_codes(found.codes)
        loaded.append(found)
    return in_catalogue_order(loaded)


def published_files(session: Session) -> list[tuple[int, Policy, str]]:
    """Each version in force (its row id, its policy, its text), in the catalogue's order: what ``huiqi policy export``
    writes, for a simulation from the command line (which reads no database) to run on what the pages run on."""
    versions = {policy_id: vid for vid, policy_id, _ in repository.in_force(session)}
    return [(versions[p.id], p, repository.text_of(session, versions[p.id])) for p in published(session)]


def policy(session: Session, policy_id: str) -> Policy:
    """The version in force of one policy; 404 when the catalogue has none published."""
    found = next((p for p in published(session) if p.id == policy_id), None)
    if found is None:
        raise NotFound(f"没有已发布的政策 {policy_id}")
    return found


def measure(session: Session, policy_id: str, number: int) -> tuple[Policy, Measure]:
    found = policy(session, policy_id)
    m = found.measure(number)
    if m is None:
        raise NotFound(f"政策 {found.number} 没有第 {number} 条措施")
    return found, m


def serving(session: Session, purpose: str, on: date | None = None) -> tuple[Policy, Measure] | None:
    """The measure that the policy file says the platform's ``purpose`` (whitelist, growth_files) is for, on the
    business day ``on`` (today by huiqi.clock).

    A policy serves only once its window has opened: a successor published ahead of its start date does not take
    the whitelist over from the policy still in force. Of several in force, the most recently issued serves. When
    none naming the purpose is in force but some have expired, the most recently issued of those serves still
    (the list it published stands, and nothing else could answer for it); the pages say it has expired
    (``Policy.expired``). None when no published policy names the purpose or none has yet opened."""
    day = on or clock.today()
    started = [(p, m) for p, m in _naming(session, purpose) if p.window_start.at(day, day) <= day]
    in_force = [(p, m) for p, m in started if not p.expired(day)]
    found = in_force or started
    return found[-1] if found else None


def _naming(session: Session, purpose: str) -> list[tuple[Policy, Measure]]:
    """Each published policy's measure that names ``purpose`` (``serves:``), oldest issued first."""
    return [(p, m) for p in published(session) for m in p.measures if purpose in m.serves]


def unserved(session: Session, purpose: str, what: str, on: date | None = None) -> NotFound:
    """Why no policy serves ``purpose`` (called ``what`` on the page) on ``on``: none names it, or the ones that
    do have not come into force yet (said with the day they do)."""
    day = on or clock.today()
    coming = [(p, p.window_start.at(day, day)) for p, _ in _naming(session, purpose)]
    if not coming:
        return NotFound(f"没有已发布的政策规定“{what}”")
    policy, starts = min(coming, key=lambda found: found[1])
    return NotFound(f"规定“{what}”的政策（{policy.number}）尚未施行：自 {starts} 起施行")


def status(row: PolicyVersion, policy: Policy | None, day: date) -> str:
    """The state as people read it: a published policy whose window has passed reads 已过期."""
    if row.state == "published" and policy is not None and policy.expired(day):
        return "已过期（仍用于有效期内的事项）"
    return STATE_LABELS[row.state]


def state_of(session: Session, row: PolicyVersion) -> str:
    """A stored version's state as the catalogue says it (``status``: 已过期 for a published one past its window)."""
    try:
        policy: Policy | None = _policy(session, row.id, row.digest)
    except PolicyFileError:  # a version stored before a check it now fails: its state as stored
        policy = None
    return status(row, policy, clock.today())


def versions(session: Session, *, actor: User) -> list[PolicyVersion]:
    require_role(actor, Role.ADMIN, Role.AUDITOR, doing="查看政策目录")
    return repository.every(session)


def get(session: Session, version_id: int, *, actor: User) -> PolicyVersion:
    require_role(actor, Role.ADMIN, Role.AUDITOR, doing="查看政策版本")
    row = repository.get(session, version_id)
    if row is None:
        raise NotFound(f"没有政策版本 {version_id}")
    return row


def parse(text: str, file_name: str) -> Policy:
    """The text checked as ``huiqi policy check`` checks a file (PolicyFileError names each mistake's line)."""
    if not text.strip():
        raise InputError([("政策文件", "文件是空的")])
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise InputError([("政策文件", too_large(size))])
    if "\x00" in text:
        raise InputError([("政策文件", "文件含有空字符（NUL），不是文本文件")])
    return load_text(text, file_name)


def too_large(size: int) -> str:
    """Why a policy file of ``size`` bytes is refused.

    >>> too_large(1_200_000)
    '文件过大（1.15 MB），政策文件最多 1 MB（UTF-8 编码）'
    """
    return f"文件过大（{file_size(size, exact=True)}），政策文件最多 {file_size(MAX_BYTES, exact=True)}（UTF-8 编码）"


FILE_NAME_MOST, REASON_MOST = 200, 500  # a draft's file name; a withdrawal's reason


def _file_name(file_name: str) -> str:
    name = file_name.strip().replace("\\", "/").rsplit("/", 1)[-1] or "policy.yaml"
    if len(name) > FILE_NAME_MOST or any(ord(c) < 32 for c in name):
        why = (f"不能超过 {FILE_NAME_MOST} 个字（现为 {len(name)} 个字）" if len(name) > FILE_NAME_MOST
               else control_reason(name))
        raise InputError([("文件名", why or f"文件名不超过 {FILE_NAME_MOST} 个字，且不含控制字符")])
    return name


def add(session: Session, *, actor: User, text: str, file_name: str, succeeds: str | None = None) -> PolicyVersion:
    """A new draft from a policy file; the same text already in the catalogue is a 409. ``succeeds``: the policy
    the admin confirms the file names as the one it succeeds ('' for none; None when not asked)."""
    require_role(actor, Role.ADMIN, doing="起草政策版本")
    name = _file_name(file_name)
    policy = parse(text, name)
    if succeeds is not None:
        succession.check(policy, succeeds, succession.predecessors(session))
    digest = digest_of(text)
    _not_stored(session, digest)
    guards.same_policy(policy, repository.published_of(session, policy.id), published(session))
    row = PolicyVersion(policy_id=policy.id, number=policy.number, title=policy.title, digest=digest, text=text,
                        file_name=name, state="draft", drafted_by=actor.username)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor.username, action="policy.draft", entity="policy_version", entity_id=row.id,
                 after={"policy": policy.id, "number": policy.number, "version": digest[:12], "file": name,
                        "digest": digest, **_succeeding(policy)})
    messages.awaiting_check(session, actor, kind="policy.draft", what=f"政策草稿 {policy.number}（版本 {row.id}）",
                            body=f"起草了{policy.number}《{policy.title}》的新版本（版本 {row.id}，文件 {name}）。"
                                 "政策版本须由起草人以外的另一位管理员核对后发布：请在“政策目录”中查看发布前比较，"
                                 "核对无误后发布，或撤回。", link=f"/admin/policies#version-{row.id}")
    return row


def _succeeding(policy: Policy) -> dict[str, str]:
    """What the trail keeps of the policy a version's file names as the one it succeeds, when it names one."""
    return {"succeeds": policy.succeeds} if policy.succeeds else {}


def _not_stored(session: Session, digest: str) -> None:
    same = repository.by_digest(session, digest)
    if same is not None:
        back = "：如要恢复它，请在该版本下点“重新发布”" if same.state == "superseded" else ""
        raise Conflict(f"这份文件已在政策目录中：版本 {same.id}（{STATE_LABELS[same.state]}）{back}")


def edit(session: Session, *, actor: User, version_id: int, text: str, succeeds: str | None = None) -> PolicyVersion:
    """Replace a draft's text (checked again); a published, superseded or withdrawn version never changes.
    ``succeeds`` as ``add`` takes it."""
    require_role(actor, Role.ADMIN, doing="修改政策草稿")
    row = _locked(session, version_id)
    if row.state != "draft":
        raise Conflict(f"政策版本 {row.id} {STATE_LABELS[row.state]}，不能修改；请以新文件起草新版本")
    policy = parse(text, row.file_name)
    if succeeds is not None:
        succession.check(policy, succeeds, succession.predecessors(session))
    digest = digest_of(text)
    if digest == row.digest:
        return row
    _not_stored(session, digest)
    guards.same_policy(policy, repository.published_of(session, policy.id), published(session))
    before = {"policy": row.policy_id, "version": row.digest[:12]}
    row.policy_id, row.number, row.title, row.digest, row.text = policy.id, policy.number, policy.title, digest, text
    session.flush()
    audit.record(session, actor=actor.username, action="policy.edit", entity="policy_version", entity_id=row.id,
                 before=before, after={"policy": policy.id, "version": digest[:12], "digest": digest,
                                       **_succeeding(policy)})
    return row


def _locked(session: Session, version_id: int, serialised: bool = False) -> PolicyVersion:
    """The version, locked; ``serialised`` (publishing, withdrawing) first takes the catalogue's lock, so that one
    change of what is in force sees the one before (one 文号 under one id; the units synced once), then its policy's,
    as opening a round or adding a measure to one does: no round takes up a measure a version going in force drops."""
    unlocked = repository.get(session, version_id) if serialised else None
    if unlocked is not None:
        one_at_a_time(session, "catalogue")
        one_at_a_time(session, f"rounds:{unlocked.policy_id}")
    row = repository.get(session, version_id, lock=True)
    if row is None:
        raise NotFound(f"没有政策版本 {version_id}")
    return row


def diff_of(session: Session, *, actor: User, version_id: int, against: int | None = None,
            population: Path | None = None) -> PolicyDiff:
    """What putting ``version_id`` in force changes, over every applicant in the database and, when given, a
    population file: a draft against the version of its policy in force; a version once published against the one
    it superseded (``earlier``; none for the first); ``against``, a version named instead. A policy with no earlier
    version is compared, file and measures, with the policy in force it names as the one it succeeds."""
    require_role(actor, Role.ADMIN, Role.AUDITOR, doing="比较政策版本")  # the auditor reads it, and publishes nothing
    row = get(session, version_id, actor=actor)
    new = _policy(session, row.id, row.digest)
    earlier = against if against is not None else _superseded(session, row) if row.published_at else None
    others = [p for p in published(session) if p.id != new.id]
    if against is not None or row.published_at:
        prev = _version_policy(session, earlier) if earlier is not None else None
    else:
        prev = next((p for p in published(session) if p.id == new.id), None)
    before = replaced(others, prev) if prev is not None else others
    base = prev if prev is not None and prev.id == new.id else None
    succeeded = next((p for p in before if p.id == new.succeeds), None) if base is None and new.succeeds else None
    found = diff(session, before, replaced(before, new), clock.today(), population,
                 frozenset({succeeded.id}) if succeeded else frozenset())
    found.published, found.earlier = against is None and row.published_at is not None, earlier
    found.file = changes.of(base or succeeded, new)
    if succeeded is not None:
        found.file.succeeds = f"{succeeded.number}《{succeeded.title}》"
    elif base is None and new.succeeds:
        found.file.unfound = new.succeeds
    return found


def _version_policy(session: Session, version_id: int) -> Policy:
    row = repository.get(session, version_id)
    if row is None:
        raise NotFound(f"没有政策版本 {version_id}")
    return _policy(session, row.id, row.digest)


def _superseded(session: Session, row: PolicyVersion) -> int | None:
    """The version that ``row`` superseded when it was last published (the trail records it); None: none was in
    force, ``row`` was its policy's first."""
    published_events = audit.events_of(session, entity="policy_version", action="policy.publish",
                                       entity_ids=[row.id])
    before = published_events[-1].before if published_events else None
    in_force = before.get("in_force") if isinstance(before, dict) else None
    return in_force if isinstance(in_force, int) else None


REPUBLISHABLE = ("draft", "superseded")  # a superseded version is put back in force (a mistaken publication undone)


def publish(session: Session, *, actor: User, version_id: int, seen: int | None = None) -> PolicyVersion:
    """Put a draft in force, or a superseded version back in force: a second admin, the file still loads, its own
    situations pass (the gate), it is a version of the same policy and keeps every measure still in use; the
    version in force of the same policy is superseded in the same step. ``seen``: the version in force the admin
    saw (0 for none; None from the command line, which acts on what is in force now): another published meanwhile
    is a 409, not a silent replacement."""
    require_role(actor, Role.ADMIN, doing="发布政策")
    row = _locked(session, version_id, serialised=True)
    if row.state not in REPUBLISHABLE:
        raise Conflict(f"政策版本 {row.id} {STATE_LABELS[row.state]}，只有草稿或已被取代的版本可以发布")
    if row.drafted_by == actor.username:
        raise Forbidden(f"政策版本 {row.id} 由您起草：须由另一位管理员核对后发布")
    policy = parse(row.text, row.file_name)
    _gate(policy)
    changes = diff(session, published(session), replaced(published(session), policy), clock.today())
    current = repository.published_of(session, row.policy_id, lock=True)
    _as_seen(row, current, seen)
    guards.same_policy(policy, current, published(session))
    if current is not None:
        guards.keeps_served(session, current, _policy(session, current.id, current.digest), policy)
    now = utcnow()
    if current is not None:
        current.state, current.ended_by, current.ended_at = "superseded", actor.username, now
        session.flush()
    try:
        with session.begin_nested():  # another version of this policy published at this moment: the database's guard
            row.state, row.published_by, row.published_at, row.published_on, row.ended_by, row.ended_at = (
                "published", actor.username, now, clock.today(), None, None)
            session.flush()
    except IntegrityError:
        raise Conflict(_moved(row)) from None
    departments.sync(session, policies=published(session))  # the units it names can now review
    from huiqi.offers import service as offers  # offers read the catalogue: imported here, once both exist

    offers.make_for_listed(session, clock.today())  # before the record: matters are locked before the trail's head
    audit.record(session, actor=actor.username, action="policy.publish", entity="policy_version", entity_id=row.id,
                 before={"in_force": current.id, "version": current.digest[:12]} if current else None,
                 after={"policy": row.policy_id, "number": row.number, "version": row.digest[:12],
                        "digest": row.digest, "published_on": row.published_on, "applicants": changes.applicants,
                        "ceilings_before": changes.cost_before, "ceilings_after": changes.cost_after})
    subscriptions.tell(session, topic="policies", subject=f"新政策发布：{policy.number}《{policy.title}》",
                       body=f"{policy.issuer}《{policy.title}》（{policy.number}）已发布，"
                            f"共 {len(policy.measures)} 条措施。", link="/policy")
    messages.tell_drafter(session, row.drafted_by, actor, kind="policy.published",
                          subject=f"您起草的政策版本已发布：{row.number}（版本 {row.id}）",
                          body=f"已于 {row.published_on} 核对并发布您起草的{row.number}《{row.title}》"
                               f"（版本 {row.id}），即日起按它匹配和审核。", link=f"/admin/policies#version-{row.id}")
    return row


_failing: dict[str, tuple[str, ...]] = {}


def failing(policy: Policy) -> list[str]:
    """The file's own test situations that fail, in the gate's words (empty when all pass): worked out once per text
    (a catalogue version's ``version`` is its text's digest), for the catalogue page lists every version's."""
    found = _failing.get(policy.version)
    if found is None:
        from huiqi.catalogue.gate import situations_failing

        found = tuple(situations_failing(policy))
        with _guard:
            if len(_failing) > 64:
                _failing.clear()
            _failing[policy.version] = found
    return list(found)


def situations_of(session: Session, row: PolicyVersion) -> tuple[int, list[str]]:
    """How many test situations a stored version carries, and those that fail (what publishing it would refuse)."""
    policy = _policy(session, row.id, row.digest)
    return len(policy.situations), failing(policy)


def warnings_of(session: Session, row: PolicyVersion) -> list[str]:
    """What loading a stored version found doubtful, not wrong (a cap its clause does not state): said, not refused."""
    return list(_policy(session, row.id, row.digest).warnings)


def _gate(policy: Policy) -> None:
    failing_now = failing(policy)
    if failing_now:
        more = [f"另有 {len(failing_now) - 20} 个测试情形未通过"] if len(failing_now) > 20 else []
        raise SituationsFailed(failing_now[:20] + more)


def _moved(row: PolicyVersion) -> str:
    return f"已有另一个版本刚发布：{row.number} 的现行版本已变；请刷新政策目录，查看现行版本后再决定"


def _as_seen(row: PolicyVersion, current: PolicyVersion | None, seen: int | None) -> None:
    """The version in force (read under its lock) is still the one the admin decided against."""
    if seen is not None and (current.id if current is not None else 0) != seen:
        if current is None:  # none in force now: the one seen was withdrawn, nothing else published
            raise Conflict(f"{row.number} 的现行版本 {seen} 其间已撤回，现在没有现行版本；"
                           "请刷新政策目录，确认仍要发布这个版本后再发布")
        raise Conflict(_moved(row))


def _still_served(session: Session, row: PolicyVersion) -> None:
    """Refuse to take a policy out while anything still uses it (``guards.uses``); the officer settles that first."""
    said = guards.uses(session, row.policy_id)
    if said:
        raise Conflict(f"{row.number} 仍在使用，不能撤回：" + "；".join(said))


def withdraw(session: Session, *, actor: User, version_id: int, reason: str) -> PolicyVersion:
    """Take a draft or a published version out (with the reason); a withdrawn policy is no longer matched."""
    require_role(actor, Role.ADMIN, doing="撤回政策")
    reason = reason.strip()
    if not reason or len(reason) > REASON_MOST or any(ord(c) < 32 and c not in "\n\t" for c in reason):
        why = (f"不能超过 {REASON_MOST} 个字（现为 {len(reason)} 个字）" if len(reason) > REASON_MOST
               else control_reason(reason) if reason else None)
        raise InputError([("撤回理由", why or f"请填写撤回理由（不超过 {REASON_MOST} 个字）")])
    row = _locked(session, version_id, serialised=True)
    if row.state not in ("draft", "published"):
        raise Conflict(f"政策版本 {row.id} {STATE_LABELS[row.state]}，不能撤回")
    if row.state == "published":
        _still_served(session, row)
    before = row.state
    row.state, row.ended_by, row.ended_at, row.note = "withdrawn", actor.username, utcnow(), reason
    session.flush()
    audit.record(session, actor=actor.username, action="policy.withdraw", entity="policy_version", entity_id=row.id,
                 before={"state": before}, after={"state": "withdrawn", "reason": reason, "policy": row.policy_id,
                                                  "number": row.number, "version": row.digest[:12]})
    if before == "draft":  # a draft set aside: its drafter learns why (a published version's withdrawal is another's)
        messages.tell_drafter(session, row.drafted_by, actor, kind="policy.discarded",
                              subject=f"您起草的政策草稿已撤回：{row.number}（版本 {row.id}）",
                              body=f"撤回了您起草的{row.number}《{row.title}》草稿（版本 {row.id}），理由：{reason}",
                              link=f"/admin/policies#version-{row.id}")
    return row
