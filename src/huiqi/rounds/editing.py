"""Changing a round (申报批次) once opened, by whoever manages it (``service.manages``): closed early (or cancelled
before it opens), extended, its texts corrected, a measure added.

A typo in the 批次名称, the 办事指南 or the 咨询电话 is corrected in place (checked as when the round was opened,
recorded with before and after); a form that showed other texts than those now stored is refused (409), so that
two people correcting at once never silently undo each other. A measure may be added: no application is in it yet.
Nothing else changes once a round is open: a measure removed, or the materials of one changed, would change what
applications already submitted were made under (what they were asked for, what they hold), so those stay as opened.
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
from huiqi.rounds import repository
from huiqi.rounds.opening import MeasureIn, measure_rows, text, texts
from huiqi.rounds.service import TEXTS, fingerprint, manages
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
    found.closed_by, found.closed_at, found.cancelled = actor.username, utcnow(), today < found.opens_on
    found.closes_on = min(found.closes_on, max(found.opens_on, today))
    session.flush()
    audit.record(session, actor=actor.username, action="round.close", entity="round", entity_id=found.id,
                 after={"closes_on": found.closes_on, "cancelled": found.cancelled})
    return found


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
    if found.closes_on != seen:
        raise Conflict(f"申报批次「{found.title}」的截止日期刚被他人改为 {found.closes_on}，请刷新后再看是否还需延长")
    if found.cancelled:
        raise Conflict(f"申报批次「{found.title}」已取消，不能延长；如需受理，请开设新的批次")
    if found.closed_at is not None or found.closes_on < clock.today():
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
    if found.closed_at is not None or found.closes_on < clock.today():
        raise Conflict(f"申报批次「{found.title}」已{'取消' if found.cancelled else '截止'}，不能再修改")
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
    session.add(row)
    session.flush()
    from huiqi.offers import service as offers  # offers read rounds: imported here, once both exist

    offers.make_for_listed(session, clock.today())  # a 免申即享 measure added: its listed enterprises are offered it
    audit.record(session, actor=actor.username, action="round.add_measure", entity="round", entity_id=found.id,
                 after={"measure": row.measure, "budget": row.budget, "mode": row.mode,
                        "materials": [m["name"] for m in row.materials]})
    subscriptions.tell(session, topic="rounds", subject=f"申报批次新增措施：{found.title}（{found.closes_on} 截止）",
                       body=f"{policy.number}「{found.title}」增加受理措施{row.measure}，截止日期 {found.closes_on}。",
                       link=f"/rounds#round-{found.id}", values={f"{policy.id}/{row.measure}"}, also=("measure",))
    return found
