"""Rounds (申报批次).

A round opens measures of a published policy between two dates, with per measure the materials required,
the year's budget and whether an expert score is required, and for the round its 办事指南, contact, the
公示's working days and the working days given to answer a return for correction. An application belongs to
a round: it is drafted and submitted only while the round is open; a returned one may be answered within the
round's correction days even after the deadline. A policy past its window may still have a round: its
matters dated inside the window are still judged by it (how 辽政办〔2022〕35号's claims are administered).

Two rounds of a policy may take the same measure on the same days (a supplementary round beside the yearly one):
an application names its round, a matter has one live application and one grant per policy, and approval draws
on the measure's budget of the year, not on a round's; where one round must be chosen for a measure (立即申报,
政策直达, the closing reminders) it is the one closing last. Whoever opens such a round is told (``overlaps``)."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements.calendar import is_working_day
from huiqi.applications import repository as application_rows
from huiqi.audit import service as audit
from huiqi.audit.sentences import chinese_date
from huiqi.catalogue import repository as catalogue_rows
from huiqi.catalogue import service as catalogue
from huiqi.db import one_at_a_time, utcnow
from huiqi.departments.service import lead_unit
from huiqi.errors import Conflict, Forbidden, InputError, NotFound
from huiqi.holidays.service import calendar_of, deadline, provisional_note
from huiqi.messages import subscriptions
from huiqi.models import Application, Department, Round, RoundMeasure, User
from huiqi.money import MAX_YUAN, wan
from huiqi.rounds import repository
from huiqi.rules.policy import Policy
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import collect
from huiqi.workflow.states import EDITABLE

MODES = {"apply": "申请即享", "direct": "免申即享"}
FORMATS = {"pdf": "PDF", "ofd": "OFD", "jpg": "JPG", "png": "PNG"}
DEFAULT_MATERIALS = [{"name": "申报书", "required": True, "formats": ["pdf", "ofd"]},
                     {"name": "证明材料", "required": False, "formats": ["pdf", "ofd", "jpg", "png"]}]


@dataclass(frozen=True)
class MeasureIn:
    """One measure as a round opens it."""

    measure: int
    budget: int | None = None
    expert_score: bool = False
    materials: tuple[dict, ...] = ()
    mode: str = "apply"  # apply: 申请即享; direct: 免申即享


def texts(problems: list[tuple[str, str]], title: str, guide: str, contact: str) -> tuple[str, str, str]:
    """A round's 批次名称, 办事指南 and 咨询电话 as typed, checked (when it opens, and when they are corrected)."""
    return (collect(problems, _text, "批次名称", title, 100) or "",
            collect(problems, _text, "办事指南", guide, 5000, required=False, lines=True) or "",
            collect(problems, _text, "咨询电话", contact, 200, required=False) or "")


def _text(field: str, value: str, most: int, *, required: bool = True, lines: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InputError([(field, "不能为空")])
    if len(value) > most:
        raise InputError([(field, f"不超过 {most} 个字")])
    if any(ord(c) < 32 and not (lines and c in "\n\r\t") for c in value):
        raise InputError([(field, "不能含控制字符")])
    return value


def _materials(number: int, given: tuple[dict, ...]) -> list[dict]:
    found, names = [], set()
    for i, m in enumerate(given or DEFAULT_MATERIALS, start=1):
        where = f"措施{number}·材料{i}"
        name = _text(f"{where}·名称", str(m.get("name", "")), 50)
        if name in names:
            raise InputError([(f"{where}·名称", f"材料“{name}”重复")])
        names.add(name)
        formats = [str(f).lower() for f in (m.get("formats") or ["pdf", "ofd", "jpg", "png"])]
        wrong = [f for f in formats if f not in FORMATS]
        if wrong:
            raise InputError([(f"{where}·格式", f"只接受 PDF、OFD、JPG、PNG（不认识 {wrong[0]}）")])
        found.append({"name": name, "required": bool(m.get("required", True)), "formats": formats})
    return found


MOST_AHEAD_DAYS = 366  # a round is opened at most a year before it starts taking applications
MOST_YEARS = 10  # and takes them for at most ten years (extensions move the deadline a year at a time)


def _date_bounds(policy: Policy | None, opens_on: date | None, closes_on: date | None) -> list[tuple[str, str]]:
    """What is wrong with a round's dates beyond their order: not before its policy was issued, not more than a year
    ahead, not longer than ``MOST_YEARS`` (9999-12-31 and 2020-01-01 were taken)."""
    problems = []
    if opens_on is not None and policy is not None and opens_on < policy.issued:
        problems.append(("开始日期", f"不能早于政策印发日期 {policy.issued}"))
    elif opens_on is not None and (opens_on - clock.today()).days > MOST_AHEAD_DAYS:
        problems.append(("开始日期", f"不能晚于今天之后 {MOST_AHEAD_DAYS} 天"))
    if opens_on is not None and closes_on is not None and closes_on > _years_after(opens_on, MOST_YEARS):
        problems.append(("截止日期", f"受理期不超过 {MOST_YEARS} 年（最晚 {_years_after(opens_on, MOST_YEARS)}）"))
    return problems


def _years_after(day: date, years: int) -> date:
    """``years`` after ``day`` (a 29 February falls on the 28th), or the calendar's last day past 9999."""
    if day.year + years > date.max.year:
        return date.max
    return day.replace(year=day.year + years, day=28) if (day.month, day.day) == (2, 29) else \
        day.replace(year=day.year + years)


def measure_rows(actor: User, unit: Department | None, policy: Policy, measures: list[MeasureIn],
                 opens_on: date | None, problems: list[tuple[str, str]], *,
                 only_own: str = "只能为本单位牵头的措施开设批次") -> list[RoundMeasure]:
    """The rows of the measures a round opens (or adds), each checked: a monetary measure of the policy, once, led
    by the actor's unit when a department opens it (else refused: 责任单位 ``only_own``); its budget, mode and
    materials. Mistakes go to ``problems``."""
    rows, seen = [], set()
    for given in measures:
        m = policy.measure(given.measure)
        if m is None or not m.monetary:
            problems.append(("措施", f"{policy.number} 没有第 {given.measure} 条资金类措施"))
            continue
        if given.measure in seen:
            problems.append(("措施", f"措施{given.measure} 重复"))
        seen.add(given.measure)
        led = lead_unit(m, opens_on or clock.today())  # an unread day is among the problems: none is written
        if actor.role == Role.DEPARTMENT and opens_on is not None and (unit is None or unit.name != led):
            raise Forbidden(f"措施{m.number}由{led}牵头：责任单位{only_own}")
        if given.budget is not None and not 0 <= given.budget <= MAX_YUAN:
            problems.append((f"措施{m.number}·预算", "预算应为不超过上限的非负整数（元）"))
        if given.mode not in MODES:
            problems.append((f"措施{m.number}·兑现方式", "应为 apply（申请即享）或 direct（免申即享）"))
        materials = collect(problems, _materials, m.number, given.materials)
        rows.append(RoundMeasure(measure=m.number, budget=given.budget, expert_score=given.expert_score,
                                 materials=materials, mode=given.mode))
    return rows


def open_round(session: Session, *, actor: User, policy_id: str, title: str, opens_on: date | None,
               closes_on: date | None, measures: list[MeasureIn], correction_days: int | None = 10,
               announcement_days: int | None = 5, guide: str = "", contact: str = "",
               found: list[tuple[str, str]] | None = None) -> Round:
    """Open a round (admin, or a department for measures it leads). Every mistake is said at once: those a form
    ``found`` reading itself (a value it could not read comes as None, and is not checked again), and these."""
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, doing="开设申报批次")
    problems: list[tuple[str, str]] = list(found or [])
    policy = next((p for p in catalogue.published(session) if p.id == policy_id), None)
    if policy is None:
        problems.append(("政策", f"政策目录中没有已发布的政策 {policy_id!r}" if policy_id else "请选择政策"))
    title, guide, contact = texts(problems, title, guide, contact)
    if opens_on is not None and closes_on is not None and closes_on < opens_on:
        problems.append(("截止日期", "不能早于开始日期"))
    elif closes_on is not None and closes_on < clock.today():
        problems.append(("截止日期", f"截止日期 {closes_on} 已过"))
    problems += _date_bounds(policy, opens_on, closes_on)
    if correction_days is not None and not 1 <= correction_days <= 60:
        problems.append(("补正期限", "补正期限为 1 至 60 个工作日"))
    if announcement_days is not None and not 1 <= announcement_days <= 30:
        problems.append(("公示期", "公示期为 1 至 30 个工作日"))
    if not measures:
        problems.append(("措施", "请至少开放一条措施"))
    unit = session.get(Department, actor.department_id) if actor.role == Role.DEPARTMENT else None
    rows = measure_rows(actor, unit, policy, measures, opens_on, problems) if policy is not None else []
    if problems:
        raise InputError(problems)
    assert policy is not None and opens_on and closes_on and correction_days and announcement_days
    # Two rounds of a policy opened at once: the later waits, so that its ``overlaps`` sees the earlier.
    one_at_a_time(session, f"rounds:{policy.id}")
    # The published version locked as a withdrawal locks it: withdrawn meanwhile, no round is opened for it; withdrawn
    # after, the withdrawal sees this round and is refused (catalogue.service._still_served).
    if catalogue_rows.published_of(session, policy.id, lock=True) is None:
        raise Conflict(f"政策“{policy.number}”刚刚已撤回，不能再开设申报批次")
    # The same form sent twice (two tabs, a double click) made two identical rounds; under the policy's lock the
    # second sees the first.
    twin = repository.identical(session, policy.id, title, opens_on, closes_on, sorted(r.measure for r in rows))
    if twin is not None:
        raise Conflict(f"已有完全相同的申报批次「{twin.title}」（批次 {twin.id}，同一政策、措施和日期），"
                       "可能是表单提交了两次；如确需另开一个批次，请换一个批次名称")
    found = Round(policy_id=policy.id, title=title, opens_on=opens_on, closes_on=closes_on,
                  correction_days=correction_days, announcement_days=announcement_days, guide=guide,
                  contact=contact, opened_by=actor.username, department_id=unit.id if unit is not None else None)
    session.add(found)
    session.flush()
    for row in rows:
        row.round_id = found.id
        session.add(row)
    session.flush()
    from huiqi.offers import service as offers  # offers read rounds: imported here, once both exist

    offers.make_for_listed(session, clock.today())  # before the record: matters are locked before the trail's head
    audit.record(session, actor=actor.username, action="round.open", entity="round", entity_id=found.id,
                 after={"policy": policy.id, "title": title, "opens_on": opens_on, "closes_on": closes_on,
                        "measures": [r.measure for r in rows]})
    listed = "、".join(f"措施{r.measure}" for r in rows)
    subscriptions.tell(session, topic="rounds", subject=f"新的申报批次：{title}（{closes_on} 截止）",
                       body=f"{policy.number}「{title}」受理 {listed}，{opens_on} 至 {closes_on}。",
                       link=f"/rounds#round-{found.id}", values={f"{policy.id}/{r.measure}" for r in rows},
                       also=("measure",))
    return found


@dataclass(frozen=True)
class Overlap:
    """Another round, not closed, of the same policy that takes some of a round's measures on some of its days."""

    other: Round
    measures: tuple[int, ...]

    def __str__(self) -> str:
        listed = "、".join(f"措施{n}" for n in self.measures)
        return (f"{listed}也在批次「{self.other.title}」（{self.other.opens_on} 至 {self.other.closes_on}）中受理，"
                "时间重叠")


SAME_MEASURE = "同一事项只能在其中一个批次申报，“立即申报”和政策直达指向截止较晚的批次"


def overlaps(session: Session, found: Round) -> list[Overlap]:
    """The other rounds of ``found``'s policy, not closed, that take one of its measures on one of its days (oldest
    first): allowed, and said to whoever opens ``found`` (``SAME_MEASURE``: what it means for the enterprises)."""
    numbers = [m.measure for m in measures(session, found.id)]
    taken: dict[int, tuple[Round, list[int]]] = {}
    for other, number in repository.overlapping(session, found, numbers, clock.today()):
        taken.setdefault(other.id, (other, []))[1].append(number)
    return [Overlap(other, tuple(shared)) for other, shared in taken.values()]


def overlap_warnings(session: Session, found: Round) -> list[str]:
    """What the person who opened or extended ``found`` is told of the rounds it overlaps, one sentence each."""
    return [f"{o}：{SAME_MEASURE}" for o in overlaps(session, found)]


def standing_overlaps(session: Session, found: list[Round]) -> dict[int, list[Overlap]]:
    """The overlaps of each round that still takes applications or will (the rounds page says them on the round)."""
    today = clock.today()
    return {r.id: shared for r in found if r.closed_at is None and r.closes_on >= today
            if (shared := overlaps(session, r))}


def manages(actor: User | None, found: Round) -> bool:
    """Whether ``actor`` may close or extend the round: an admin, its opener, or a reviewer of the unit it was opened
    for (a colleague takes the round over; a unit the opener later moves to does not)."""
    if actor is None or actor.role not in (Role.ADMIN, Role.DEPARTMENT):
        return False
    if actor.role == Role.ADMIN or found.opened_by == actor.username:
        return True
    return found.department_id is not None and found.department_id == actor.department_id


def managed(session: Session, actor: User, round_id: int, doing: str) -> Round:
    """The round, locked until the transaction ends, if ``actor`` may change it (``manages``; ``doing``: 关闭,
    延长)."""
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, doing=f"{doing}申报批次")
    found = repository.get(session, round_id, lock=True)
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
    reason = _text("延期原因", reason, 200)
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
                       values={f"{found.policy_id}/{m.measure}" for m in measures(session, found.id)},
                       also=("measure",))


def extensions(session: Session, round_ids: list[int]) -> dict[int, list[dict]]:
    """Each round's extensions, oldest first, from the audit trail: the deadline before and after, and why."""
    found: dict[int, list[dict]] = {}
    for event in audit.events_of(session, entity="round", action="round.extend", entity_ids=round_ids):
        found.setdefault(int(event.entity_id), []).append(
            {"from": date.fromisoformat(event.before["closes_on"]), "to": date.fromisoformat(event.after["closes_on"]),
             "reason": event.after["reason"]})
    return found


CANCELLED = "已取消"


def is_open(found: Round, day: date) -> bool:
    """Open on ``day``: between its dates and not closed early."""
    return found.opens_on <= day <= found.closes_on and found.closed_at is None


def status(found: Round, day: date) -> str:
    if found.cancelled:  # before "未开始": a cancelled round will never start
        return CANCELLED
    if day < found.opens_on:
        return f"未开始（{found.opens_on} 起）"
    if day > found.closes_on or found.closed_at is not None:
        return "已截止"
    return f"申报中（截止 {found.closes_on}）"


def listed(session: Session) -> list[Round]:
    return repository.every(session)


def open_now(session: Session, day: date | None = None) -> list[Round]:
    day = day or clock.today()
    return [r for r in repository.every(session) if is_open(r, day)]


def open_by_measure(session: Session, day: date | None = None) -> dict[tuple[str, int], Round]:
    """(policy, measure) → the open round that takes it (of several, the one closing last): where an eligible
    result leads (立即申报), or, when absent, that no round is open for it."""
    found: dict[tuple[str, int], Round] = {}
    for r in sorted(open_now(session, day), key=lambda r: r.closes_on):
        for m in measures(session, r.id):
            found[(r.policy_id, m.measure)] = r
    return found


def direct_measures(session: Session, day: date | None = None,
                    taking: dict[tuple[str, int], Round] | None = None) -> set[tuple[str, int]]:
    """(policy, measure) delivered 免申即享 by the open round that takes them (``taking``, when already read by
    ``open_by_measure``): no application, no 立即申报."""
    return {key for key, r in (taking if taking is not None else open_by_measure(session, day)).items()
            if (m := repository.measure(session, r.id, key[1])) is not None and m.mode == "direct"}


def get(session: Session, round_id: int) -> Round:
    found = repository.get(session, round_id)
    if found is None:
        raise NotFound(f"没有申报批次 {round_id}")
    return found


def measures(session: Session, round_id: int) -> list[RoundMeasure]:
    return repository.measures(session, round_id)


def for_draft(session: Session, round_id: int, number: int, day: date) -> tuple[Round, RoundMeasure]:
    """The round and its measure for a new draft: the round must be open and the measure in it."""
    found = repository.get(session, round_id)
    if found is None:
        raise InputError([("round", f"没有申报批次 {round_id}")])
    opened = repository.measure(session, round_id, number)
    if opened is None:
        raise InputError([("measure", f"申报批次「{found.title}」没有开放措施{number}")])
    if opened.mode == "direct":
        raise InputError([("measure", f"措施{number}在申报批次「{found.title}」中免申即享：无需申报，"
                                      "责任单位按公布的认定名单直接推送，请在“本单位”的政策直达中查看")])
    if not is_open(found, day):
        raise Conflict(f"申报批次「{found.title}」的申报时间为 {found.opens_on} 至 {found.closes_on}，"
                       f"今天（{day}）不能新建申报")
    return found, opened


def of_applications(session: Session, applications: list[Application]) -> list[Round]:
    """The rounds the applications belong to (those from before rounds have none)."""
    ids = sorted({a.round_id for a in applications if a.round_id is not None})
    return [r for r in (repository.get(session, i) for i in ids) if r is not None]


def opened_measure(session: Session, app: Application) -> RoundMeasure | None:
    """The round's terms for the application's measure (None for an application from before rounds)."""
    return repository.measure(session, app.round_id, app.measure) if app.round_id is not None else None


def check_submission(session: Session, app: Application, day: date) -> None:
    """Refuse a submission outside its round's time (a returned one: within the correction days of its return),
    or without every required material of the round."""
    if app.round_id is None:
        return  # an application from before rounds: judged as it was
    found = repository.get(session, app.round_id)
    if found is None:  # kept for the type checker: the foreign key holds it
        raise NotFound(f"没有申报批次 {app.round_id}")
    returned = repository.last_returned(session, app.id) if app.state == "returned" else None
    if returned is not None:
        if late := _late(session, found, returned, day):
            raise Conflict(late)  # whom to ask the page says once: the round's contact, or the unit
    elif not is_open(found, day):
        raise Conflict(f"申报批次「{found.title}」自 {found.opens_on} 起受理" if day < found.opens_on
                       else f"申报批次「{found.title}」已于 {found.closes_on} 截止，不能再提交")
    opened = repository.measure(session, found.id, app.measure)
    attached = {m.kind for m in application_rows.materials(session, app.id)}
    missing = [m["name"] for m in (opened.materials if opened else []) if m["required"] and m["name"] not in attached]
    if missing:
        raise Conflict(f"提交前须上传：{'、'.join(missing)}（申报批次「{found.title}」要求的材料）")


def correction_overdue(session: Session, app: Application, day: date) -> str | None:
    """Why a returned application can no longer be resubmitted on ``day`` (its correction days, and its round, have
    passed), or None: no change of amount or material could mend that."""
    found = _returned_in(session, app)
    return _late(session, *found, day) if found is not None else None


def correction_due(session: Session, app: Application) -> tuple[str, str] | None:
    """By when a returned application is to be resubmitted, as people write the day, and how it is counted
    (2026年12月18日, 退回之日起 10 个工作日): the round's closing day when later, which the submission accepts too;
    None when it is not returned (or comes from before rounds)."""
    if (back := _returned_in(session, app)) is None:
        return None
    found, returned = back
    until = _until(session, found, returned)
    note = provisional_note(session, until)
    counted = f"退回之日起 {found.correction_days} 个工作日" + (f"，{note}" if note else "")
    if found.closes_on > until:
        return chinese_date(found.closes_on), f"本批次截止日；{counted}至 {chinese_date(until)}"
    return chinese_date(until), counted


def _returned_in(session: Session, app: Application) -> tuple[Round, date] | None:
    """A returned application's round and the day it was last returned (None if not returned or from before rounds)."""
    found = repository.get(session, app.round_id) if app.round_id is not None and app.state == "returned" else None
    returned = repository.last_returned(session, app.id) if found is not None else None
    return (found, returned) if found is not None and returned is not None else None


def _until(session: Session, found: Round, returned: date, *, tell: bool = False) -> date:
    """The last of the round's correction days after a return on ``returned``: past the holiday calendar's end
    Monday to Friday count (a return is never refused for a year not yet entered)."""
    return deadline(session, _after(returned, session), found.correction_days, tell=tell)


def correction_counted(session: Session, app: Application, returned: date) -> None:
    """An application returned on ``returned``: when its correction days run past the holiday calendar, the
    admins are told to enter the year (the days count Monday to Friday until then)."""
    found = repository.get(session, app.round_id) if app.round_id is not None else None
    if found is not None:
        _until(session, found, returned, tell=True)


# Past the holiday calendar's end the correction days count Monday to Friday: holidays not yet entered can only
# move the deadline later, by at most the longest stretch off (春节 or 国庆: eight days off with the weekends next to
# them, ten calendar days at most). Within that margin nobody is late by a guess; past it, surely late.
UNKNOWN_HOLIDAYS = timedelta(days=10)


def _late(session: Session, found: Round, returned: date, day: date) -> str | None:
    until = _until(session, found, returned)
    guessed = provisional_note(session, until) is not None
    if day > max(until + UNKNOWN_HOLIDAYS if guessed else until, found.closes_on):
        return (f"退回补正的申报须在退回后 {found.correction_days} 个工作日内（截至 {chinese_date(until)}，含当日"
                f"{f'；节假日尚未录入，已另宽限 {UNKNOWN_HOLIDAYS.days} 天' if guessed else ''}）重新提交，已逾期")
    return None


def _after(returned: date, session: Session) -> date:
    """The first working day after the return: the correction days count from it (past the calendar's end, the
    first of Monday to Friday)."""
    calendar = calendar_of(session).provisional()
    day = returned
    while True:
        day = date.fromordinal(day.toordinal() + 1)
        if is_working_day(day, calendar):
            return day


def budget_label(amount: int | None) -> str:
    return "—" if amount is None else f"{wan(amount)}万元"


def read(session: Session, found: Round, day: date | None = None):
    """A round as the API and the pages show it."""
    from huiqi.rounds.schemas import ExtensionRead, MaterialRead, RoundMeasureRead, RoundRead

    day = day or clock.today()
    policy = next((p for p in catalogue.published(session) if p.id == found.policy_id), None)
    titles = {m.number: m.title for m in policy.measures} if policy else {}
    return RoundRead(
        id=found.id, policy_id=found.policy_id, policy_number=policy.number if policy else found.policy_id,
        policy_expired=policy.expired(day) if policy else False, title=found.title, opens_on=found.opens_on,
        closes_on=found.closes_on, open=is_open(found, day), status=status(found, day),
        correction_days=found.correction_days, announcement_days=found.announcement_days, guide=found.guide,
        contact=found.contact, opened_by=found.opened_by,
        measures=[RoundMeasureRead(measure=m.measure, title=titles.get(m.measure, f"措施{m.measure}"), budget=m.budget,
                                   expert_score=m.expert_score, materials=[MaterialRead(**x) for x in m.materials],
                                   mode=m.mode)
                  for m in measures(session, found.id)],
        extensions=[ExtensionRead(from_date=e["from"], to_date=e["to"], reason=e["reason"])
                    for e in extensions(session, [found.id]).get(found.id, [])],
        closed_early=found.closed_at is not None,
        closed_before_opening=found.cancelled, upcoming=found.closed_at is None and day < found.opens_on)
