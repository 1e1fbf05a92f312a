"""Changing a round (申报批次) once opened, by whoever manages it (``service.manages``): closed early (or cancelled
before it opens), extended, its texts corrected, a measure added, and, before it opens, its dates and materials
corrected. Every change is recorded with before and after.

A typo in the 批次名称, the 办事指南 or the 咨询电话 is corrected in place (checked as when the round was opened);
a form that showed other texts than those now stored is refused (409), so that two people correcting at once never
silently undo each other. A measure may be added: no application is in it yet. Until the round opens its dates and
the materials of its measures may be corrected too (checked as when it was opened, a stale form refused the same
way): nobody has applied under them, and a typo no longer needs a cancellation and a second round, which told the
subscribers twice. Nothing else changes once a round is open: a measure removed, or the materials of one changed,
would change what applications already submitted were made under (what they were asked for, what they hold).
A cancelled round keeps the dates it announced; the day it was cancelled is kept apart (``cancelled_on``).
"""

from datetime import date

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications import repository as application_rows
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.db import one_at_a_time, utcnow
from huiqi.errors import Conflict, Forbidden, InputError, NotFound
from huiqi.messages import subscriptions
from huiqi.models import Department, Round, User
from huiqi.rounds import opening, repository
from huiqi.rounds.opening import MeasureIn, measure_rows, text, texts
from huiqi.rounds.service import TEXTS, fingerprint, manages, terms
from huiqi.users.names import person
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.workflow.states import EDITABLE


def managed(session: Session, actor: User, round_id: int, doing: str, *, lock: bool = True) -> Round:
    """The round, locked until the transaction ends, if ``actor`` may change it (``manages``; ``doing``: 关闭,
    延长, 修改). Unlocked (``lock=False``) for a page to refuse whom it must before it reads the form: a bad date
    from someone who may not extend the round is a 403, not a 422; the locked call checks again."""
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, doing=f"{doing}申报批次")
    found = repository.get(session, round_id, lock=lock)
    if found is None:
        raise NotFound(f"没有申报批次 {round_id}")
    if not manages(actor, found):
        raise Forbidden(f"责任单位只能{doing}本单位开设的批次（本批次由管理员或其他单位开设）")
    return found


def close(session: Session, *, actor: User, round_id: int) -> Round:
    """Close a round before its deadline (admin, or the department that opened it); one not yet open is cancelled
    (a round opened by mistake, which would keep its policy from being withdrawn)."""
    found = managed(session, actor, round_id, "关闭")
    today = clock.today()
    if found.closed_at is not None or found.closes_on < today:
        raise Conflict(f"申报批次「{found.title}」已{'取消' if found.cancelled else '截止'}")
    before = {"closes_on": found.closes_on, "cancelled": False}
    found.closed_by, found.closed_at, found.cancelled = actor.username, utcnow(), today < found.opens_on
    if found.cancelled:  # its dates stay as announced: the day it was cancelled is said apart
        found.cancelled_on = today
    else:
        found.closes_on = min(found.closes_on, today)
    session.flush()
    audit.record(session, actor=actor.username, action="round.close", entity="round", entity_id=found.id,
                 before=before, after={"closes_on": found.closes_on, "cancelled": found.cancelled,
                                       **({"cancelled_on": today} if found.cancelled else {})})
    return found


def _ended(session: Session, found: Round, doing: str) -> Conflict:
    """What a round closed early or cancelled says to one who would still change it (``doing``: 延长, 修改): by whom
    and on which day."""
    by = person(session, found.closed_by) if found.closed_by else "他人"
    if found.cancelled:
        return Conflict(f"申报批次「{found.title}」已由{by}于 {found.cancelled_on or found.opens_on} 取消，"
                        f"不能再{doing}；如需受理，请开设新的批次")
    return Conflict(f"申报批次「{found.title}」已由{by}于 {found.closes_on} 提前结束受理，不能再{doing}；"
                    "如需继续受理，请开设新的批次")


MAX_EXTENSION_DAYS = 366  # one extension moves the deadline by at most a year


def extend(session: Session, *, actor: User, round_id: int, closes_on: date, seen: date, reason: str) -> Round:
    """Extend a round's deadline (延期) while it still takes applications (admin, or the department that opened
    it), giving the reason; ``seen`` is the deadline the person saw, so that two extensions at once end in one
    and a 409 for the other. The enterprises with a draft or a returned application in it, and the subscribers,
    are told."""
    # A round opened or extended at the same time: the later waits, so that its ``overlaps`` sees the earlier. The
    # policy's lock comes before the round's row, as in ``open_round`` (whose offers may point at this round): the
    # other order deadlocks on PostgreSQL. A round's policy never changes, so it is read before either lock.
    unlocked = repository.get(session, round_id)
    if unlocked is not None:
        one_at_a_time(session, f"rounds:{unlocked.policy_id}")
    found = managed(session, actor, round_id, "延长")
    reason = text("延期原因", reason, 200)
    if found.closed_at is not None:  # closed early meanwhile: said as such, not as a deadline moved
        raise _ended(session, found, "延长")
    if found.closes_on != seen:
        raise Conflict(f"申报批次「{found.title}」的截止日期刚被他人改为 {found.closes_on}，请刷新后再看是否还需延长")
    if found.closes_on < clock.today():
        raise Conflict(f"申报批次「{found.title}」已截止，不能延长；如需继续受理，请开设新的批次")
    if closes_on <= found.closes_on:
        raise InputError([("新截止日期", f"应晚于现在的截止日期 {found.closes_on}")])
    if (closes_on - found.closes_on).days > MAX_EXTENSION_DAYS:
        raise InputError([("新截止日期", f"一次延期不超过 {MAX_EXTENSION_DAYS} 天")])
    before = found.closes_on
    found.closes_on = closes_on
    session.flush()
    audit.record(session, actor=actor.username, action="round.extend", entity="round", entity_id=found.id,
                 before={"closes_on": before}, after={"closes_on": closes_on, "reason": reason})
    _tell_extension(session, found, before, reason)
    return found


def _tell_extension(session: Session, found: Round, before: date, reason: str) -> None:
    from huiqi.messages import service as messages  # messages read rounds for the closing reminders

    number = next((p.number for p in catalogue.published(session) if p.id == found.policy_id), found.policy_id)
    subject = f"申报批次延期：「{found.title}」截止日期延至 {found.closes_on}"
    body = f"{number}「{found.title}」的截止日期由 {before} 延至 {found.closes_on}。延期原因：{reason}"
    waiting = {a.uscc for a in application_rows.in_round(session, found.id) if a.state in EDITABLE}
    for uscc in sorted(waiting):
        messages.notify(session, messages.enterprise_users(session, uscc), kind="round.extend", subject=subject,
                        body=body + "。本单位在该批次有尚未提交的申报，请在新的截止日期前提交。",
                        link=f"/rounds#round-{found.id}")
    subscriptions.tell(session, topic="rounds", subject=subject, body=body + "。", link=f"/rounds#round-{found.id}",
                       values={f"{found.policy_id}/{m.measure}" for m in repository.measures(session, found.id)},
                       also=("measure",))


def _changeable(session: Session, actor: User, round_id: int, doing: str) -> Round:
    """The round, locked, if the actor manages it and it has not ended (closed, cancelled or past its deadline)."""
    unlocked = repository.get(session, round_id)
    if unlocked is not None:  # the policy's lock before the round's row, as opening and extending take them
        one_at_a_time(session, f"rounds:{unlocked.policy_id}")
    found = managed(session, actor, round_id, doing)
    if found.closed_at is not None:
        raise _ended(session, found, doing)
    if found.closes_on < clock.today():
        raise Conflict(f"申报批次「{found.title}」已截止，不能再{doing}")
    return found


def correct(session: Session, *, actor: User, round_id: int, seen: str | None, title: str | None = None,
            guide: str | None = None, contact: str | None = None) -> Round:
    """Correct the round's 批次名称, 办事指南 and 咨询电话 (a text not given, None, stays as stored); ``seen`` is the
    ``fingerprint`` the form was made from (None: a request that chose not to send it is not checked)."""
    found = _changeable(session, actor, round_id, "修改")
    if seen is not None and seen != fingerprint(found):
        raise Conflict(f"申报批次「{found.title}」的信息刚被他人修改：请刷新页面，核对后再改")
    problems: list[tuple[str, str]] = []
    typed = (title, guide, contact)
    kept = [getattr(found, name) or "" if value is None else value for name, value in zip(TEXTS, typed, strict=True)]
    given = dict(zip(TEXTS, texts(problems, *kept), strict=True))
    if problems:
        raise InputError(problems)
    before = {name: getattr(found, name) for name in TEXTS if (getattr(found, name) or "") != given[name]}
    if not before:
        return found
    for name in before:
        setattr(found, name, given[name])
    session.flush()
    audit.record(session, actor=actor.username, action="round.correct", entity="round", entity_id=found.id,
                 before=before, after={name: given[name] for name in before})
    return found


def add_measure(session: Session, *, actor: User, round_id: int, measure: MeasureIn) -> Round:
    """Open one more measure of the round's policy in it (checked as when a round is opened)."""
    found = _changeable(session, actor, round_id, "修改")
    policy = next((p for p in catalogue.published(session) if p.id == found.policy_id), None)
    if policy is None:
        raise Conflict("本批次的政策已撤回，不能再增加措施")
    if repository.measure(session, found.id, measure.measure) is not None:
        raise InputError([("措施", f"措施{measure.measure} 已在本批次中")])
    unit = session.get(Department, actor.department_id) if actor.role == Role.DEPARTMENT else None
    problems: list[tuple[str, str]] = []
    rows = measure_rows(actor, unit, policy, [measure], found.opens_on, problems,
                        only_own="只能在批次中增加本单位牵头的措施")
    if problems:
        raise InputError(problems)
    row = rows[0]
    row.round_id = found.id
    before = {"measures": [m.measure for m in repository.measures(session, found.id)]}
    session.add(row)
    session.flush()
    from huiqi.offers import service as offers  # offers read rounds: imported here, once both exist

    offers.make_for_listed(session, clock.today())  # a 免申即享 measure added: its listed enterprises are offered it
    audit.record(session, actor=actor.username, action="round.add_measure", entity="round", entity_id=found.id,
                 before=before, after={"measure": row.measure, "budget": row.budget, "mode": row.mode,
                                       "materials": [m["name"] for m in row.materials],
                                       "measures": sorted([*before["measures"], row.measure])})
    subscriptions.tell(session, topic="rounds", subject=f"申报批次新增措施：{found.title}（{found.closes_on} 截止）",
                       body=f"{policy.number}「{found.title}」增加受理措施{row.measure}，截止日期 {found.closes_on}。",
                       link=f"/rounds#round-{found.id}", values={f"{policy.id}/{row.measure}"}, also=("measure",))
    return found


def _changed_by(session: Session, found: Round) -> str:
    """Who last changed the round's dates or materials, as people read them (the trail says it), else 他人."""
    events = audit.events_of(session, entity="round", action="round.reschedule", entity_ids=[found.id])
    return person(session, events[-1].actor) if events else "他人"


def _with_formats(given: tuple[dict, ...], kept: list[dict]) -> tuple[dict, ...]:
    """Materials as a form names them (name, required): one of the same name keeps the formats it was opened with."""
    formats = {m["name"]: m.get("formats") for m in kept}
    return tuple(m if "formats" in m or not formats.get(m.get("name")) else {**m, "formats": formats[m["name"]]}
                 for m in given)


def reschedule(session: Session, *, actor: User, round_id: int, seen: str | None, opens_on: date | None,
               closes_on: date | None, materials: dict[int, tuple[dict, ...]] | None = None,
               found: list[tuple[str, str]] | None = None) -> tuple[Round, dict]:
    """Correct the dates and the materials of a round that has not opened yet, checked as when it was opened (a date
    None: unread, among ``found``, the form's own problems); ``materials`` by measure, those not given staying as
    they are. ``seen`` is ``service.terms`` the form was made from (None: not checked). Subscribers are not told
    again: the round is the one they were told of. The round, and what changed (before and after)."""
    problems: list[tuple[str, str]] = list(found or [])
    kept = _changeable(session, actor, round_id, "修改")
    today = clock.today()
    if today >= kept.opens_on:
        raise Conflict(f"申报批次「{kept.title}」已于 {kept.opens_on} 开始受理：开始日期、截止日期和所需材料不能再修改"
                       "（企业已可按它们申报）；截止日期可以延长")
    rows = repository.measures(session, kept.id)
    if seen is not None and seen != terms(kept, rows):
        raise Conflict(f"申报批次「{kept.title}」的受理日期或所需材料刚被{_changed_by(session, kept)}修改（现为受理 "
                       f"{kept.opens_on} 至 {kept.closes_on}）：请刷新页面，核对后再改（本次修改未保存）")
    policy = next((p for p in catalogue.published(session) if p.id == kept.policy_id), None)
    if policy is None:
        raise Conflict("本批次的政策已撤回，不能再修改")
    problems += opening.date_problems(policy, opens_on, closes_on)
    by_number = {m.measure: m for m in rows}
    given = materials or {}
    for number in sorted(given):
        if number not in by_number:
            problems.append(("措施", f"措施{number} 不在本批次中"))
        elif by_number[number].mode == "direct":
            problems.append((f"措施{number}·材料", "免申即享的措施由责任单位依据名单确认，无需企业提交材料"))
    unit = session.get(Department, actor.department_id) if actor.role == Role.DEPARTMENT else None
    wanted = [MeasureIn(m.measure, m.budget, m.expert_score, _with_formats(given[m.measure], m.materials)
                        if m.measure in given else tuple(m.materials), m.mode) for m in rows]
    checked = measure_rows(actor, unit, policy, wanted, opens_on, problems, only_own="只能修改本单位牵头措施的批次")
    if problems:
        raise InputError(problems)
    assert opens_on is not None and closes_on is not None
    return kept, _rescheduled(session, actor, kept, opens_on, closes_on, {r.measure: r.materials for r in checked})


def _rescheduled(session: Session, actor: User, found: Round, opens_on: date, closes_on: date,
                 materials: dict[int, list[dict]]) -> dict:
    """Write the dates and materials checked, recording what they were; what changed (empty: nothing did)."""
    before: dict = {k: getattr(found, k) for k, v in (("opens_on", opens_on), ("closes_on", closes_on))
                    if getattr(found, k) != v}
    after: dict = {k: v for k, v in (("opens_on", opens_on), ("closes_on", closes_on)) if k in before}
    for row in repository.measures(session, found.id):
        if row.mode == "apply" and row.materials != materials[row.measure]:
            before.setdefault("materials", {})[f"措施{row.measure}"] = row.materials
            after.setdefault("materials", {})[f"措施{row.measure}"] = materials[row.measure]
            row.materials = materials[row.measure]
    if not before:
        return {}
    found.opens_on, found.closes_on = opens_on, closes_on
    session.flush()
    if "opens_on" in before:
        from huiqi.offers import service as offers  # offers read rounds: imported here, once both exist

        offers.make_for_listed(session, clock.today())  # opened earlier, to today: its 免申即享 offers are made
    audit.record(session, actor=actor.username, action="round.reschedule", entity="round", entity_id=found.id,
                 before=before, after=after)
    return {"before": before, "after": after}
