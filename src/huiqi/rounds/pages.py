"""The rounds page: open rounds with their deadlines, measures, materials and 办事指南 for everyone; a form to
open one for admins and lead departments, and a button to close it early."""

import re
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.departments.service import lead_unit
from huiqi.errors import InputError
from huiqi.funding import service as funding
from huiqi.labels import Problem, measure_label
from huiqi.models import Department, User
from huiqi.money import MINUS, parse_wan, wan
from huiqi.rounds import editing, opening, overlapping, service
from huiqi.rounds.schemas import RoundMeasureRead, RoundRead
from huiqi.users.roles import Role
from huiqi.validation import ascii_digits, collect, digits, form_date, kept, visible
from huiqi.web.deps import Actor, CallerDep, Db, RecordId, SentForm
from huiqi.web.door import EVERY, LIMITS, said_beside
from huiqi.web.excel import Table, download
from huiqi.web.render import page
from huiqi.web.steps import FLASH_MOST, Refusal, form_step

router = APIRouter(include_in_schema=False)
PLANNED = "本批次计划安排"  # the amount the guide announces; approvals draw on finance's yearly budget, not on it


def _page(request: Request, who: CallerDep, session: Db, status_code: int = 200, **context) -> Response:
    may_open = who.user is not None and who.user.role in (Role.ADMIN, Role.DEPARTMENT)
    today = clock.today()
    policies = [(p.id, p.number, p.title, [(m.number, m.title) for m in p.measures if m.monetary], p.expired(today))
                for p in catalogue.published(session)] if may_open else []
    found = service.listed(session)
    shown = [service.read(session, r) for r in found]
    managed = {r.id for r in found if service.manages(who.user, r)}
    return page(request, "rounds/index.html", who, status_code=status_code,
                rounds=shown, may_open=may_open, over_budget=_over_budget(session, who.user, shown),
                addable=_addable(session, who.user, [r for r in shown if r.id in managed]),
                editing=context.pop("editing", None), edit_values=context.pop("edit_values", {}),
                scheduling=context.pop("scheduling", None), schedule_values=context.pop("schedule_values", {}),
                managed=managed,
                overlaps=overlapping.standing_overlaps(session, found), same_measure=overlapping.SAME_MEASURE,
                applies=who.user is None or who.user.role == Role.ENTERPRISE,
                policies=policies, problems=context.pop("problems", []), values=context.pop("values", {}),
                extending=context.pop("extending", None), extend_values=context.pop("extend_values", {}),
                one_day=timedelta(days=1), **context)


def _addable(session: Db, user: User | None, shown: list[RoundRead]) -> dict[int, list[tuple[int, str]]]:
    """For each round the person manages, the monetary measures of its policy it does not take yet; for a department,
    only those its unit leads (on the day the round opens), as adding one checks."""
    policies = {p.id: p for p in catalogue.published(session)}
    unit = session.get(Department, user.department_id) if user and user.role == Role.DEPARTMENT else None
    return {r.id: [(m.number, m.title) for m in policies[r.policy_id].measures
                   if m.monetary and m.number not in {x.measure for x in r.measures}
                   and (unit is None or lead_unit(m, r.opens_on) == unit.name)]
            for r in shown if r.policy_id in policies}


def _approval_years(r: RoundRead, today: date) -> range:
    """The years in which a round's approvals can fall, as approval reads them (the budget of the year it happens
    in): from today, or the opening day if later, through the closing day."""
    first = max(today, r.opens_on).year
    return range(first, max(first, r.closes_on.year) + 1)


def _over_budget(session: Db, user: User | None, shown: list[RoundRead]) -> dict[int, list[str]]:
    """For those who read finance's budgets, what a round still to come or open is told beside the yearly budgets its
    approvals draw on (the year each approval happens in): the years with no budget set for a measure it opens, and
    those whose budget its plan does not cover; every round not ended that can approve in that year draws on the
    same budget, so their plans add up."""
    if user is None or user.role not in funding.READERS:
        return {}
    today = clock.today()
    live = [r for r in shown if r.status not in ("已截止", "已取消")]
    years = {r.id: _approval_years(r, today) for r in live}
    yearly = {(b.policy_id, b.measure, b.year): b.amount
              for y in sorted({y for span in years.values() for y in span})
              for b in funding.budgets(session, actor=user, year=y)}
    planned: dict[tuple[str, int, int], list[int]] = {}
    for r in live:
        for m, y in ((m, y) for m in r.measures if m.budget for y in years[r.id]):
            planned.setdefault((r.policy_id, m.measure, y), []).append(m.budget or 0)
    said: dict[int, list[str]] = {}
    for r in live:
        for m in r.measures:
            keys = [(r.policy_id, m.measure, y) for y in years[r.id]]
            found = [(k[2], planned.get(k, []), yearly.get(k)) for k in keys]
            said.setdefault(r.id, []).extend(_budget_warnings(r, m.measure, m.budget, found))
    return {k: v for k, v in said.items() if v}


def _budget_warnings(r: RoundRead, measure: int, budget: int | None,
                     years: list[tuple[int, list[int], int | None]]) -> list[str]:
    """What a round's measure is told beside the budgets of the years its approvals can fall in (each year with its
    plans that draw on it and its budget, None when unset)."""
    head = f"{r.policy_number}措施{measure}" + (f" {PLANNED} {wan(budget)} 万元" if budget else "")
    unset = [y for y, _, amount in years if amount is None]
    said = []
    if unset:
        named = "、".join(str(y) for y in unset)
        said.append(f"{head}，省财政厅尚未设定 {named} 年度该措施的预算：本批次的申报可能在这些年度批准，"
                    "批准时从批准之年的预算中支出，设定前不能批准")
    for year, plans, amount in years:
        if budget and amount is not None and sum(plans) > amount:
            summed = (f"，与可能在同年批准、尚未结束的其他批次合计 {wan(sum(plans))} 万元" if len(plans) > 1 else "")
            said.append(f"{head}{summed}，超过省财政厅设定的 {year} 年度预算 {wan(amount)} 万元：批准以批准之年的"
                        "年度预算为准，请与省财政厅核对，或更正办事指南公布的金额")
    return said


@router.get("/rounds", response_class=HTMLResponse)
def rounds_page(request: Request, who: CallerDep, session: Db) -> Response:
    return _page(request, who, session)


@router.get("/rounds.xlsx")
def rounds_xlsx(session: Db) -> Response:
    """Every round, a row per measure it opens: dates, budget, mode and materials (public, as the page)."""
    rows = [[r.id, r.title, r.policy_number, r.opens_on, r.closes_on, r.status, measure_label(m.measure, m.title),
             m.budget, opening.MODES.get(m.mode, m.mode), "须专家评审" if m.expert_score else "",
             _materials(m), r.contact]
            for r in (service.read(session, found) for found in service.listed(session)) for m in r.measures]
    header = ["批次编号", "批次名称", "政策", "开始日期", "截止日期", "状态", "措施", PLANNED, "兑现方式", "评审",
              "所需材料", "咨询"]
    return download(Table("申报批次", header, rows, money={PLANNED}), "申报批次.xlsx")


def _materials(measure: RoundMeasureRead) -> str:
    """The materials a measure asks for, as the page lists them: none for 免申即享 (confirmed from the list)."""
    if measure.mode == "direct":
        return "无需企业提交"
    return "；".join(f"{x.name}{'' if x.required else '（可选）'}（{'/'.join(f.upper() for f in x.formats)}）"
                    for x in measure.materials)


def _int(field: str, text: str, default: int) -> int:
    """A count of working days typed in the form (full-width digits too), ``default`` when blank; the service
    checks its range."""
    text = ascii_digits(visible(text, field))
    if not text:
        return default
    if text.startswith(MINUS) and digits(text[1:]):
        raise InputError([(field, "应为正整数（工作日数），不能为负数")])
    if not digits(text) or len(text) > 3:
        raise InputError([(field, "应为整数（工作日数），如 5")])
    return int(text)


def _material_lines(typed: str) -> tuple[dict, ...]:
    r"""The materials a box lists, one a line, optional ones ending in （可选）.

    >>> _material_lines("申报书\n\n 审计报告（可选） ")
    ({'name': '申报书', 'required': True}, {'name': '审计报告', 'required': False})
    """
    lines = [n.strip() for n in typed.splitlines() if n.strip()]
    return tuple({"name": n.removesuffix("（可选）"), "required": not n.endswith("（可选）")} for n in lines)


def _materials_box(problem: tuple[str, str], common: int = 0) -> tuple[str, str]:
    """A material's mistake, which the service names per measure (措施3·材料2·名称), as the form's boxes say it: the
    first ``common`` lines are the 所需材料 box every measure of the form shares, the rest the measure's own
    另需材料 box."""
    found = re.fullmatch(r"措施(\d+)·材料(\d+)(?:·.*)?", getattr(problem, "field", ""))
    if not found:
        return problem
    line = int(found.group(2))
    if line <= common:
        return Problem("所需材料", f"第 {line} 行：{problem[1]}", "所需材料")
    box = f"措施{found.group(1)}·另需材料"
    return Problem(box, f"第 {line - common} 行：{problem[1]}", box)


STRAY = "所选措施不属于所选政策"


def _stray(session: Db, ticked: dict[str, list[str]], policy_id: str) -> str | None:
    """The measures ticked under another policy than the one chosen (the form lists every policy's; without script
    all show), named so the mismatch is seen rather than the ticks silently dropped; None when there are none."""
    numbers = catalogue.numbers(session)
    stray = {p: ms for p, ms in ticked.items() if p != policy_id and p in numbers}
    if not stray:
        return None
    named = "；".join(f"{numbers[p]}的{'、'.join(f'措施{m}' for m in ms)}" for p, ms in stray.items())
    chosen = f"所选政策是{numbers[policy_id]}" if policy_id in numbers else "尚未选择政策"
    return f"{STRAY}：勾选了{named}，而{chosen}。请改选政策，或只勾选所选政策下的措施"


def _ticked(sent: SentForm) -> dict[str, list[str]]:
    """The measures ticked under each policy of the form, kept as ticked when it is shown again: a tick under
    another policy than the chosen one is named as a mistake, and choosing that policy again keeps it."""
    ticked: dict[str, list[str]] = {}
    for key, value in list(sent.multi_items())[:500]:
        if key.startswith("measure-") and isinstance(value, str) and digits(value) and len(value) <= 3:
            ticked.setdefault(key.removeprefix("measure-")[:40], []).append(value)
    return ticked


FORM_ORDER = ("政策", "批次名称", "开始日期", "截止日期", "补正期限", "公示期", "咨询电话", "所需材料", "办事指南",
              "措施")


@router.post("/rounds", response_model=None)
@said_beside(EVERY)
def open_round(request: Request, who: CallerDep, actor: Actor, session: Db, sent: SentForm) -> Response:
    # every box is checked below or by the service, beside itself (a NUL too: the door leaves them to it); what the
    # form shows again is what was typed without a character no record keeps
    values = {k: str(sent.get(k) or "") for k in ("policy", "title", "opens_on", "closes_on", "correction_days",
                                                   "announcement_days", "guide", "contact", "materials")}
    ticked = _ticked(sent)
    chosen = [str(v) for v in sent.getlist(f"measure-{values['policy']}")][:100]
    values["ticked"] = ticked
    values |= {k[:60]: str(v)[:40] for k, v in list(sent.items())[:1000]  # kept as typed, under every policy
               if isinstance(v, str) and k.startswith(("budget-", "expert-", "direct-"))}
    values |= {k[:60]: str(v)[:2001] for k, v in list(sent.items())[:1000]
               if isinstance(v, str) and k.startswith("materials-")}
    common = [0]  # how many lines the shared 所需材料 box gives every measure, for saying which box a mistake is in

    def act():
        # Every mistake at once, each under the field's name on the form (its id is f-<name>): what only the form
        # can read is checked here and handed to the service, which adds its own.
        problems: list[tuple[str, str]] = []
        opens_on = collect(problems, form_date, values["opens_on"], "开始日期")
        closes_on = collect(problems, form_date, values["closes_on"], "截止日期")
        correction_days = collect(problems, _int, "补正期限", values["correction_days"], 10)
        announcement_days = collect(problems, _int, "公示期", values["announcement_days"], 5)
        if len(values["materials"]) > 5000:  # the rest (办事指南, no measure chosen) the service says
            problems.append(("所需材料", "不超过 5000 个字"))
        materials = _material_lines(values["materials"])
        common[0] = len(materials) or len(opening.DEFAULT_MATERIALS)  # none typed: the service's default
        if (stray := _stray(session, ticked, values["policy"])) is not None:
            problems.append(("措施", stray))
        measures = []
        for text in chosen:
            if not digits(text) or len(text) > 3:
                problems.append(("措施", "请选择措施"))
                continue
            budget_text = str(sent.get(f"budget-{values['policy']}-{text}") or "").strip()
            budget = collect(problems, parse_wan, budget_text, f"措施{text}·预算") if budget_text else None
            expert = sent.get(f"expert-{values['policy']}-{text}") == "on"
            mode = "direct" if sent.get(f"direct-{values['policy']}-{text}") == "on" else "apply"
            own = values.get(f"materials-{values['policy']}-{text}", "")
            if len(own) > 2000:
                problems.append((f"措施{text}·另需材料", "不超过 2000 个字"))
            mine = materials or (tuple(opening.DEFAULT_MATERIALS) if own.strip() else ())
            measures.append(opening.MeasureIn(int(text), budget, expert, mine + _material_lines(own), mode))
        found = opening.open_round(
            session, actor=actor, policy_id=values["policy"], title=values["title"], opens_on=opens_on,
            closes_on=closes_on, correction_days=correction_days, announcement_days=announcement_days,
            guide=values["guide"], contact=values["contact"], measures=measures, found=problems)
        return found, overlapping.overlaps(session, found)  # read before the commit, under the policy's lock

    def again(refusal: Refusal) -> Response:
        said = list(dict.fromkeys(_materials_box(p, common[0]) for p in refusal.problems))  # once, not per measure
        if any(p[1].startswith(STRAY) for p in said):  # what was ticked is named: not "none was"
            said = [p for p in said if p[1] != opening.NO_MEASURE]
        in_order = sorted(said, key=lambda p: next(
            (i for i, name in enumerate(FORM_ORDER) if getattr(p, "field", "").startswith(name)), len(FORM_ORDER)))
        return _page(request, who, session, status_code=refusal.status_code, values=_shown(values),
                     problems=in_order or refusal.shown)

    return form_step(session, act, done=lambda made: f"/rounds#round-{made[0].id}", again=again,
                     said=lambda made: _opened(made[1]))


EXTENDED = "截止日期已延长，已通知有未提交申报的企业和订阅者"


def _opened(overlaps: list[overlapping.Overlap], done: str = "申报批次已开设",
            alone: str = "申报批次已开设，企业即可在开放期内申报") -> str:
    """What the page says once a round is opened or extended: ``alone``, or ``done`` with the open rounds it now
    overlaps (``overlapping.overlaps``), whole when it fits the message, else how many (the round's card lists them)."""
    if not overlaps:
        return alone
    whole = f"{done}。请注意：{'；'.join(map(str, overlaps))}。{overlapping.SAME_MEASURE}"
    if len(whole) <= FLASH_MOST:
        return whole
    return f"{done}。请注意：与另外 {len(overlaps)} 个批次时间重叠，详见本批次下方的说明。{overlapping.SAME_MEASURE}"


@router.post("/rounds/{round_id}/close", response_model=None)
def close(request: Request, who: CallerDep, actor: Actor, session: Db, round_id: RecordId) -> Response:
    def again(refusal: Refusal) -> Response:
        return _page(request, who, session, status_code=refusal.status_code,
                     problems=refusal.shown)

    return form_step(session, lambda: editing.close(session, actor=actor, round_id=round_id),
                     done=f"/rounds#round-{round_id}", again=again,
                     said=lambda found: "申报批次已取消" if found.cancelled else "申报批次已结束受理")




@router.post("/rounds/{round_id}/extend", response_model=None)
@said_beside("extend_to", "reason")
def extend(request: Request, who: CallerDep, actor: Actor, session: Db, round_id: RecordId,
           extend_to: Annotated[str, Form()] = "", seen: Annotated[str, Form(max_length=10)] = "",
           reason: Annotated[str, Form()] = "") -> Response:
    """Extend the deadline; a reason too long, or a box with a NUL, is said beside its box (the service counts it),
    the form kept."""
    def act():
        editing.managed(session, actor, round_id, "延长", lock=False)  # who may not: refused whatever the form says
        found = editing.extend(session, actor=actor, round_id=round_id, closes_on=form_date(extend_to, "新截止日期"),
                               seen=form_date(seen, "原截止日期"), reason=reason)
        return overlapping.overlaps(session, found)  # read before the commit, under the policy's lock

    def again(refusal: Refusal) -> Response:
        return _page(request, who, session, status_code=refusal.status_code, extending=round_id,
                     extend_values={"extend_to": kept(extend_to, 40), "reason": kept(reason, LIMITS["form"])},
                     problems=refusal.shown)

    return form_step(session, act, done=f"/rounds#round-{round_id}", again=again,
                     said=lambda overlaps: _opened(overlaps, EXTENDED, EXTENDED))


EDIT_FIELDS = ("批次名称", "办事指南", "咨询电话")


def _edit_problem(problem: tuple[str, str]) -> Problem:
    """A correction's mistake, linked to the correction form's box (the form that opens rounds has boxes of the
    same names)."""
    label = problem[0]
    if label in EDIT_FIELDS:
        return Problem(label, problem[1], f"修改{label}")
    if label.startswith("措施") and "·" in label:  # 措施5·预算, 措施5·材料1·名称: the added measure's boxes
        box = "预算" if label.endswith("预算") else "材料" if "材料" in label else "措施"
        return Problem(label, problem[1], f"增加措施·{box}" if box != "措施" else "增加措施")
    return Problem(label, problem[1], "增加措施" if label == "措施" else getattr(problem, "field", ""))


def _shown(values: dict) -> dict:
    """What a round's form shows again: each box as typed, without a character no record keeps (a NUL said beside it
    by the service), at most the door's net."""
    return {k: kept(v, LIMITS["form"]) if isinstance(v, str) else v for k, v in values.items()}


def _edit_again(request: Request, who: CallerDep, session: Db, round_id: int, values: dict):
    def again(refusal: Refusal) -> Response:
        return _page(request, who, session, status_code=refusal.status_code, editing=round_id,
                     edit_values=_shown(values),
                     problems=[_edit_problem(p) for p in refusal.problems] or refusal.shown)
    return again


@router.post("/rounds/{round_id}/correct", response_model=None)
@said_beside(EVERY)
def correct(request: Request, who: CallerDep, actor: Actor, session: Db, round_id: RecordId,
            sent: SentForm) -> Response:
    """Correct the 批次名称, 办事指南 and 咨询电话 of a round not ended; a form made before another correction: 409.
    Each box is the service's to refuse beside itself (a NUL too), the text kept without the character."""
    values = {k: str(sent.get(k) or "") for k in ("title", "guide", "contact", "seen")}

    def act():
        return editing.correct(session, actor=actor, round_id=round_id, seen=values["seen"], title=values["title"],
                               guide=values["guide"], contact=values["contact"])

    return form_step(session, act, done=f"/rounds#round-{round_id}", again=_edit_again(request, who, session,
                     round_id, values), said="申报批次信息已修改")


@router.post("/rounds/{round_id}/measures", response_model=None)
@said_beside(EVERY)
def add_measure(request: Request, who: CallerDep, actor: Actor, session: Db, round_id: RecordId,
                sent: SentForm) -> Response:
    """Open one more measure in a round not ended, with its own budget, review, mode and materials (each box refused
    beside itself, a NUL too, the text kept without the character)."""
    values = {k: str(sent.get(k) or "")[:5001] for k in ("measure", "budget", "expert", "direct", "materials")}

    def act():
        editing.managed(session, actor, round_id, "修改", lock=False)  # who may not: refused whatever the form says
        problems: list[tuple[str, str]] = []
        number = values["measure"].strip()
        if not digits(number) or len(number) > 3:
            raise InputError([("措施", "请选择要增加的措施")])
        budget = collect(problems, parse_wan, values["budget"].strip(), f"措施{number}·预算") \
            if values["budget"].strip() else None
        if len(values["materials"]) > 5000:
            problems.append((f"措施{number}·材料", "不超过 5000 个字"))
        if problems:
            raise InputError(problems)
        materials = _material_lines(values["materials"])
        mode = "direct" if values["direct"] == "on" else "apply"
        return editing.add_measure(session, actor=actor, round_id=round_id, measure=opening.MeasureIn(
            int(number), budget, values["expert"] == "on", materials, mode))

    return form_step(session, act, done=f"/rounds#round-{round_id}", again=_edit_again(request, who, session,
                     round_id, values), said=f"已在本批次增加措施{values['measure'].strip()}")


def _schedule_problem(problem: tuple[str, str]) -> Problem:
    """A mistake of the form that corrects a round's dates and materials before it opens, linked to its box: the
    service names a material 措施3·材料2·名称, the form's box is the measure's 所需材料, on its second line."""
    label = getattr(problem, "field", "") or problem[0]
    if label in ("开始日期", "截止日期"):
        return Problem(label, problem[1], f"修改{label}")
    found = re.fullmatch(r"措施(\d+)·材料(\d+)?(?:·.*)?", label)
    if found:
        line = f"第 {found.group(2)} 行：" if found.group(2) else ""
        return Problem(f"措施{found.group(1)}·所需材料", line + problem[1], f"修改措施{found.group(1)}·材料")
    return Problem(problem[0], problem[1], getattr(problem, "field", ""))


RESCHEDULED = "申报批次的受理日期和所需材料已修改（未再通知订阅者）"


@router.post("/rounds/{round_id}/schedule", response_model=None)
@said_beside(EVERY)
def schedule(request: Request, who: CallerDep, actor: Actor, session: Db, round_id: RecordId,
             sent: SentForm) -> Response:
    """Correct the dates and the materials (``materials-<measure>``, one a line) of a round not yet open; a form made
    before another change of them: 409. Each box is refused beside itself, what was typed kept."""
    values = {k: str(sent.get(k) or "")[:5001] for k in ("opens_on", "closes_on", "seen")}
    values |= {k[:40]: str(v)[:5001] for k, v in list(sent.items())[:200]
               if isinstance(v, str) and k.startswith("materials-")}

    def act():
        editing.managed(session, actor, round_id, "修改", lock=False)  # who may not: refused whatever the form says
        problems: list[tuple[str, str]] = []
        opens_on = collect(problems, form_date, values["opens_on"], "开始日期")
        closes_on = collect(problems, form_date, values["closes_on"], "截止日期")
        materials = {}
        for key, typed in values.items():
            number = key.removeprefix("materials-")
            if key == number or not digits(number) or len(number) > 3:
                continue
            if len(typed) > 5000:
                problems.append((f"措施{number}·材料", "不超过 5000 个字"))
            else:
                materials[int(number)] = _material_lines(typed)
        found, changed = editing.reschedule(session, actor=actor, round_id=round_id, seen=values["seen"] or None,
                                            opens_on=opens_on, closes_on=closes_on, materials=materials,
                                            found=problems)
        return changed, overlapping.overlaps(session, found)  # read before the commit, under the policy's lock

    def again(refusal: Refusal) -> Response:
        return _page(request, who, session, status_code=refusal.status_code, scheduling=round_id,
                     schedule_values=_shown(values),
                     problems=[_schedule_problem(p) for p in refusal.problems] or refusal.shown)

    return form_step(session, act, done=f"/rounds#round-{round_id}", again=again,
                     said=lambda made: _opened(made[1], RESCHEDULED, RESCHEDULED) if made[0]
                     else "未作改动：受理日期和所需材料与原来相同")
