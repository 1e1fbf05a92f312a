"""Opening a round (申报批次): its texts, dates and measures checked, every mistake said at once; the round
written with its measures, the offers of its 免申即享 measures made and the subscribers told."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.audit import service as audit
from huiqi.catalogue import repository as catalogue_rows
from huiqi.catalogue import service as catalogue
from huiqi.db import one_at_a_time
from huiqi.departments.service import lead_unit
from huiqi.errors import Conflict, Forbidden, InputError
from huiqi.messages import subscriptions
from huiqi.models import Department, Round, RoundMeasure, User
from huiqi.money import wan_or_yi
from huiqi.rounds import repository
from huiqi.rules.policy import Policy
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import collect, control_reason, lf

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
    return (collect(problems, text, "批次名称", title, 100) or "",
            collect(problems, text, "办事指南", guide, 5000, required=False, lines=True) or "",
            collect(problems, text, "咨询电话", contact, 200, required=False) or "")


def text(field: str, value: str, most: int, *, required: bool = True, lines: bool = False) -> str:
    r"""A text of a round as typed, trimmed, refused under ``field``: blank when ``required``, past ``most``
    characters, or with a control character (a line break only where ``lines``, kept as LF: as the page's form
    sends it, whoever sent CR LF).

    >>> text("办事指南", " 先申报\r\n再审核\r补正 ", 100, lines=True)
    '先申报\n再审核\n补正'
    """
    value = (value or "").strip()
    if lines:
        value = lf(value)
    if required and not value:
        raise InputError([(field, "不能为空")])
    if len(value) > most:
        raise InputError([(field, f"不超过 {most} 个字")])
    if any(ord(c) < 32 and not (lines and c in "\n\r\t") for c in value):  # a NUL said as such
        raise InputError([(field, control_reason(value) or "不能含控制字符")])
    return value


def _materials(number: int, given: tuple[dict, ...]) -> list[dict]:
    found, names = [], set()
    for i, m in enumerate(given or DEFAULT_MATERIALS, start=1):
        where = f"措施{number}·材料{i}"
        name = text(f"{where}·名称", str(m.get("name", "")), 50)
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


def date_problems(policy: Policy | None, opens_on: date | None, closes_on: date | None) -> list[tuple[str, str]]:
    """What is wrong with a round's dates (when it is opened, and when they are corrected before it opens): their
    order, a deadline already past, and the bounds of ``_date_bounds``; a date None (unread) is not checked."""
    problems = []
    if opens_on is not None and closes_on is not None and closes_on < opens_on:
        problems.append(("截止日期", "不能早于开始日期"))
    elif closes_on is not None and closes_on < clock.today():
        problems.append(("截止日期", f"截止日期 {closes_on} 已过"))
    return problems + _date_bounds(policy, opens_on, closes_on)


def _years_after(day: date, years: int) -> date:
    """``years`` after ``day`` (a 29 February falls on the 28th), or the calendar's last day past 9999."""
    if day.year + years > date.max.year:
        return date.max
    return day.replace(year=day.year + years, day=28) if (day.month, day.day) == (2, 29) else \
        day.replace(year=day.year + years)


MAX_PLANNED = 10_000_000_000  # 100亿元: what one measure of one round may plan; more is a sum typed in 元 into 万元


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
        if given.budget is not None and not 0 <= given.budget <= MAX_PLANNED:
            problems.append((f"措施{m.number}·预算", f"计划安排应为 0 至 {wan_or_yi(MAX_PLANNED)}（一项措施一个批次；"
                                                     "金额以万元填写）"))
        if given.mode not in MODES:
            problems.append((f"措施{m.number}·兑现方式", "应为 apply（申请即享）或 direct（免申即享）"))
        materials = collect(problems, _materials, m.number, given.materials)
        rows.append(RoundMeasure(measure=m.number, budget=given.budget, expert_score=given.expert_score,
                                 materials=materials, mode=given.mode))
    return rows


NO_MEASURE = "请至少开放一条措施"


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
    problems += date_problems(policy, opens_on, closes_on)
    if correction_days is not None and not 1 <= correction_days <= 60:
        problems.append(("补正期限", "补正期限为 1 至 60 个工作日"))
    if announcement_days is not None and not 1 <= announcement_days <= 30:
        problems.append(("公示期", "公示期为 1 至 30 个工作日"))
    if not measures:
        problems.append(("措施", NO_MEASURE))
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
                 after={"policy": policy.id, "number": policy.number, "title": title, "opens_on": opens_on,
                        "closes_on": closes_on, "measures": [r.measure for r in rows]})
    listed = "、".join(f"措施{r.measure}" for r in rows)
    subscriptions.tell(session, topic="rounds", subject=f"新的申报批次：{title}（{closes_on} 截止）",
                       body=f"{policy.number}「{title}」受理 {listed}，{opens_on} 至 {closes_on}。",
                       link=f"/rounds#round-{found.id}", values={f"{policy.id}/{r.measure}" for r in rows},
                       also=("measure",))
    return found
