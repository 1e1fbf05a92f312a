"""Correcting a round once it is open: its texts (checked as at opening, recorded with before and after, a stale
form refused with 409), and a measure added; nothing that would change an application already submitted."""

import re
from datetime import date

import pytest

from huiqi.audit import service as audit
from huiqi.errors import Conflict, InputError
from huiqi.rounds import editing, opening
from huiqi.rounds import service as rounds
from tests.rounds.test_pages import opened_by_admin

pytestmark = pytest.mark.anyio


def _seen(page: str, round_id: int) -> str:
    form = page.split(f'action="/rounds/{round_id}/correct"')[1]
    return re.search(r'name="seen" value="([^"]+)"', form).group(1)


async def test_an_admin_corrects_the_texts_of_an_open_round(browser, session, people, set_today) -> None:
    admin, found, page = await opened_by_admin(browser, session, people, set_today)
    assert "修改批次名称、办事指南、咨询电话" in page and "已开放措施不能删除" in page
    seen = _seen(page, found.id)
    blank = await admin.post(f"/rounds/{found.id}/correct", data={"title": " ", "guide": "新指南", "seen": seen})
    assert blank.status_code == 422 and '<a href="#f-修改批次名称">批次名称：不能为空</a>' in blank.text
    assert 'id="f-修改批次名称" aria-invalid="true"' in blank.text and "新指南</textarea>" in blank.text
    done = await admin.post(f"/rounds/{found.id}/correct", data={
        "title": "2025年度集中申报", "guide": "先网上申报，后审核。\n咨询时间：工作日。", "contact": "024-87654321",
        "seen": seen})
    assert done.status_code == 303 and done.headers["location"] == f"/rounds#round-{found.id}"
    public = (await browser(None).get("/rounds")).text
    assert "2025年度集中申报" in public and "024-87654321" in public and "修改批次名称" not in public
    stale = await admin.post(f"/rounds/{found.id}/correct", data={"title": "2025年度申报（旧表单）", "seen": seen})
    assert stale.status_code == 409 and "刚被他人修改" in stale.text
    assert '<h2 id="error-summary-title">未能完成</h2>' in stale.text, "nothing typed there to correct"
    assert rounds.listed(session)[0].title == "2025年度集中申报", "the stale form changed nothing"
    events = [e for e in audit.history(session, entity="round", entity_id=str(found.id)) if e.action == "round.correct"]
    assert [(e.before, e.after) for e in events] == [(
        {"title": "2025年度申报", "guide": "先网上申报，后审核。", "contact": "024-12345678"},
        {"title": "2025年度集中申报", "guide": "先网上申报，后审核。\n咨询时间：工作日。", "contact": "024-87654321"})]


def test_an_ended_round_is_not_corrected(session, people) -> None:
    from huiqi import clock

    with clock.pinned(date(2025, 11, 3)):
        found = opening.open_round(session, actor=people.admin, policy_id="ln-2022-35", title="2025年度申报",
                                   opens_on=date(2025, 10, 1), closes_on=date(2025, 12, 31),
                                   measures=[opening.MeasureIn(3)])
        editing.close(session, actor=people.admin, round_id=found.id)
        with pytest.raises(Conflict, match="已由系统管理员于 2025-11-03 提前结束受理，不能再修改"):
            editing.correct(session, actor=people.admin, round_id=found.id, title="改", guide="", contact="",
                            seen=rounds.fingerprint(found))


async def test_a_measure_is_added_to_an_open_round_and_none_twice(browser, session, people, set_today) -> None:
    admin, found, page = await opened_by_admin(browser, session, people, set_today)
    offered = page.split(f'action="/rounds/{found.id}/measures"')[1].split("</select>")[0]
    assert 'value="3"' not in offered and 'value="13"' not in offered and 'value="1"' in offered
    wrong = await admin.post(f"/rounds/{found.id}/measures", data={"measure": "1", "budget": "很多",
                                                                   "materials": "申报书"})
    assert wrong.status_code == 422 and 'href="#f-增加措施·预算"' in wrong.text and 'value="很多"' in wrong.text
    huge = await admin.post(f"/rounds/{found.id}/measures", data={"measure": "1", "budget": "99999999999",
                                                                  "materials": "申报书"})
    assert huge.status_code == 422 and "计划安排应为 0 至 100亿元（一项措施一个批次；金额以万元填写）" in huge.text
    assert 'value="99999999999"' in huge.text, "what was typed is kept"
    done = await admin.post(f"/rounds/{found.id}/measures", data={"measure": "1", "budget": "200",
                                                                  "materials": "申报书\n审计报告（可选）"})
    assert done.status_code == 303, done.text
    added = rounds.read(session, found).measures
    assert sorted((m.measure, m.budget) for m in added) == [(1, 2_000_000), (3, 5_000_000), (13, None)]
    with pytest.raises(InputError, match="措施1 已在本批次中"):
        editing.add_measure(session, actor=people.admin, round_id=found.id, measure=opening.MeasureIn(1))
    said = [e for e in audit.history(session, entity="round", entity_id=str(found.id))
            if e.action == "round.add_measure"]
    assert [e.after["measure"] for e in said] == [1] and said[0].after["materials"] == ["申报书", "审计报告"]


async def test_a_department_is_offered_only_the_measures_its_unit_leads(browser, session, people, set_today) -> None:
    from huiqi.catalogue import service as catalogue
    from huiqi.departments.service import lead_unit

    set_today(date(2025, 11, 3))
    miit = browser(people.miit)
    own = {"policy": "ln-2022-35", "title": "工信厅批次", "opens_on": "2025-10-01", "closes_on": "2025-12-31",
           "measure-ln-2022-35": ["3"]}
    assert (await miit.post("/rounds", data=own)).status_code == 303
    found = rounds.listed(session)[0]
    policy = next(p for p in catalogue.published(session) if p.id == found.policy_id)
    led = {m.number for m in policy.measures if m.monetary and m.number != 3
           and lead_unit(m, found.opens_on) == "省工业和信息化厅"}
    others = {m.number for m in policy.measures if m.monetary} - led - {3}
    assert led and others
    page = (await miit.get("/rounds")).text
    offered = page.split(f'action="/rounds/{found.id}/measures"')[1].split("</select>")[0]
    assert set(map(int, re.findall(r'<option value="(\d+)"', offered))) == led
    refused = await miit.post(f"/rounds/{found.id}/measures", data={"measure": str(min(others)), "materials": "申报书"})
    assert refused.status_code == 403 and "只能在批次中增加本单位牵头的措施" in refused.text
    assert "开设批次" not in refused.text.split('id="error-summary-title"')[1].split("</div>")[0]


def test_two_corrections_from_one_form_at_once_end_in_one(own_database) -> None:
    """Two people correct the round from the same page at once: the later waits for the earlier, sees its texts
    changed since its form was made, and is refused (409) rather than silently undoing it."""
    from sqlalchemy.orm import Session

    from huiqi import clock
    from huiqi.models import Round
    from tests.dbtest import make_people, while_held

    day = date(2025, 11, 3)
    with Session(own_database, expire_on_commit=False) as session, session.begin(), clock.pinned(day):
        people = make_people(session)
        found = opening.open_round(session, actor=people.admin, policy_id="ln-2022-35", title="2025年度申报",
                                   opens_on=date(2025, 10, 1), closes_on=date(2025, 12, 31),
                                   measures=[opening.MeasureIn(3)])
        seen = rounds.fingerprint(found)

    def correct(title: str):
        return lambda session: editing.correct(session, actor=people.admin, round_id=found.id, title=title,
                                               guide="", contact="", seen=seen)

    said = while_held(own_database, day, correct("甲的更正"), correct("乙的更正"))
    assert isinstance(said, str) and "刚被他人修改" in said, said
    with Session(own_database) as session:
        assert session.get(Round, found.id).title == "甲的更正"


async def test_a_nul_in_any_round_form_is_said_beside_its_box_and_the_form_kept(browser, session, people,
                                                                              set_today) -> None:
    """A NUL met the door: a bare 「输入有误」 page, the form lost. Opening, extending, correcting and adding a measure
    say it beside the box, what was typed kept without it; nothing is written."""
    from tests.rounds.test_pages import FORM
    from tests.webtest import marked

    admin, found, page = await opened_by_admin(browser, session, people, set_today)
    opened = await admin.post("/rounds", data=FORM | {"title": "第二\x00批", "guide": "先申报\x00后审核"})
    assert opened.status_code == 422 and "<h1>输入有误</h1>" not in opened.text
    assert marked(opened.text) == [("f-批次名称", "不能含有空字符（NUL）"), ("f-办事指南", "不能含有空字符（NUL）")]
    assert 'value="第二批"' in opened.text and "先申报后审核</textarea>" in opened.text
    extended = await admin.post(f"/rounds/{found.id}/extend", data={"extend_to": "2026-01-15", "seen": "2025-12-31",
                                                                    "reason": "系统\x00维护"})
    assert extended.status_code == 422 and marked(extended.text) == [("f-延期原因", "不能含有空字符（NUL）")]
    assert 'value="系统维护"' in extended.text and 'value="2026-01-15"' in extended.text
    corrected = await admin.post(f"/rounds/{found.id}/correct",
                                 data={"title": "集中\x00申报", "seen": _seen(page, found.id)})
    assert corrected.status_code == 422 and marked(corrected.text) == [("f-修改批次名称", "不能含有空字符（NUL）")]
    assert 'value="集中申报"' in corrected.text
    added = await admin.post(f"/rounds/{found.id}/measures", data={"measure": "1", "materials": "申报\x00书"})
    assert added.status_code == 422 and "<h1>输入有误</h1>" not in added.text and "不能含有空字符（NUL）" in added.text
    assert "申报书</textarea>" in added.text
    assert [(r.title, r.closes_on) for r in rounds.listed(session)] == [("2025年度申报", date(2025, 12, 31))]
    assert sorted(m.measure for m in rounds.read(session, found).measures) == [3, 13]


async def test_a_forged_number_or_date_in_a_round_form_is_said_as_such(browser, session, people, set_today) -> None:
    """A NUL in a date, a count of days or a budget was said beside its box, but as a date or a number gone wrong
    (应为日期): it is said as what it is, the form kept without it; nothing is written."""
    from tests.rounds.test_pages import FORM
    from tests.webtest import marked

    admin, found, _ = await opened_by_admin(browser, session, people, set_today)
    nul = "不能含有空字符（NUL）"
    opened = await admin.post("/rounds", data=FORM | {"title": "第二批", "opens_on": "2025-10-\x0001",
                                                      "correction_days": "1\x000", "budget-ln-2022-35-3": "5\x0000"})
    assert opened.status_code == 422 and "<h1>输入有误</h1>" not in opened.text and "\x00" not in opened.text
    assert marked(opened.text) == [("f-开始日期", nul), ("f-补正期限", nul), ("f-措施3·预算", nul)]
    assert 'value="2025-10-01"' in opened.text and 'value="10"' in opened.text and 'value="500"' in opened.text
    huge = await admin.post("/rounds", data=FORM | {"title": "第二批", "announcement_days": str(10**30),
                                                    "closes_on": "9" * 500})
    assert huge.status_code == 422 and marked(huge.text) == [("f-截止日期", "应为日期（YYYY-MM-DD）"),
                                                             ("f-公示期", "应为整数（工作日数），如 5")]
    extended = await admin.post(f"/rounds/{found.id}/extend", data={"extend_to": "2026-01-\x0015",
                                                                    "seen": "2025-12-31", "reason": "系统维护"})
    assert extended.status_code == 422 and marked(extended.text) == [("f-新截止日期", nul)]
    assert 'value="2026-01-15"' in extended.text
    added = await admin.post(f"/rounds/{found.id}/measures", data={"measure": "1", "budget": "1\x1b00"})
    assert added.status_code == 422 and "不能含有控制字符（U+001B）" in added.text and 'value="100"' in added.text
    assert [(r.title, r.closes_on) for r in rounds.listed(session)] == [("2025年度申报", date(2025, 12, 31))]
    assert sorted(m.measure for m in rounds.read(session, found).measures) == [3, 13]


def _terms(page: str, round_id: int) -> str:
    form = page.split(f'action="/rounds/{round_id}/schedule"')[1]
    return re.search(r'name="seen" value="([^"]+)"', form).group(1)


async def test_a_round_not_yet_open_has_its_dates_and_materials_corrected_and_subscribers_are_not_told_again(
        browser, session, people, set_today) -> None:
    """Only the name, guide and phone of a round not yet open could be corrected: a typo in a date or a material
    needed a cancellation and a second round, which sent subscribers a second 新的申报批次. The dates and materials
    are now corrected in place, checked as at opening, recorded with before and after, and nobody is told again."""
    from sqlalchemy import func, select

    from huiqi.messages import subscriptions
    from huiqi.models import Message
    from tests.rounds.test_pages import FORM
    from tests.webtest import marked

    subscriptions.subscribe(session, actor=people.alice, topic="rounds")
    told = lambda: session.scalar(select(func.count()).select_from(Message).where(  # noqa: E731
        Message.user_id == people.alice.id, Message.kind == "subscription.rounds"))
    set_today(date(2025, 9, 1))
    admin = browser(people.admin)
    assert (await admin.post("/rounds", data=FORM)).status_code == 303 and told() == 1
    found = rounds.listed(session)[0]
    page = (await admin.get("/rounds")).text
    assert "修改受理日期和所需材料（开始受理前）" in page and "申报书\n审计报告（可选）</textarea>" in page
    seen = _terms(page, found.id)
    wrong = await admin.post(f"/rounds/{found.id}/schedule", data={
        "opens_on": "2025-10-08", "closes_on": "2025-10-07", "materials-3": "申报书\n申报书", "seen": seen})
    assert wrong.status_code == 422
    assert marked(wrong.text) == [("f-修改截止日期", "不能早于开始日期"),
                                  ("f-修改措施3·材料", "第 2 行：材料“申报书”重复")]
    assert 'value="2025-10-07"' in wrong.text and "申报书\n申报书</textarea>" in wrong.text, "what was typed is kept"
    done = await admin.post(f"/rounds/{found.id}/schedule", data={
        "opens_on": "2025-10-08", "closes_on": "2026-01-15", "materials-3": "申报书\n项目投资证明（可选）",
        "seen": seen})
    assert done.status_code == 303 and "申报批次的受理日期和所需材料已修改" in (await admin.get("/rounds")).text
    shown = rounds.read(session, found)
    assert (shown.opens_on, shown.closes_on) == (date(2025, 10, 8), date(2026, 1, 15))
    by_measure = {m.measure: [(x.name, x.required) for x in m.materials] for m in shown.measures}
    assert by_measure == {3: [("申报书", True), ("项目投资证明", False)], 13: [("申报书", True), ("审计报告", False)]}
    assert told() == 1, "subscribers are not told of a second round"
    [event] = [e for e in audit.history(session, entity="round", entity_id=str(found.id))
               if e.action == "round.reschedule"]
    assert (event.before["opens_on"], event.before["closes_on"]) == ("2025-10-01", "2025-12-31")
    assert (event.after["opens_on"], event.after["closes_on"]) == ("2025-10-08", "2026-01-15")
    assert [x["name"] for x in event.before["materials"]["措施3"]] == ["申报书", "审计报告"]
    assert [x["name"] for x in event.after["materials"]["措施3"]] == ["申报书", "项目投资证明"]
    assert "措施13" not in event.after["materials"], "only what changed"
    stale = await admin.post(f"/rounds/{found.id}/schedule", data={
        "opens_on": "2025-10-02", "closes_on": "2025-12-31", "materials-3": "申报书", "seen": seen})
    assert stale.status_code == 409
    assert "刚被系统管理员修改（现为受理 2025-10-08 至 2026-01-15）" in stale.text
    assert rounds.read(session, found).opens_on == date(2025, 10, 8)
    set_today(date(2025, 10, 8))
    opened = (await admin.get("/rounds")).text
    assert f'action="/rounds/{found.id}/schedule"' not in opened
    late = await admin.post(f"/rounds/{found.id}/schedule", data={
        "opens_on": "2025-10-09", "closes_on": "2026-01-15", "seen": _terms(stale.text, found.id)})
    assert late.status_code == 409 and "已于 2025-10-08 开始受理" in late.text


def test_a_material_corrected_keeps_the_formats_it_was_opened_with(session, people) -> None:
    from huiqi import clock

    with clock.pinned(date(2025, 9, 1)):
        found = opening.open_round(session, actor=people.admin, policy_id="ln-2022-35", title="2025年度申报",
                                   opens_on=date(2025, 10, 1), closes_on=date(2025, 12, 31), measures=[
                                       opening.MeasureIn(3, materials=({"name": "申报书", "formats": ["pdf"]},))])
        with pytest.raises(InputError, match="措施13 不在本批次中"):
            editing.reschedule(session, actor=people.admin, round_id=found.id, seen=None,
                               opens_on=found.opens_on, closes_on=found.closes_on, materials={13: ()})
        _, changed = editing.reschedule(session, actor=people.admin, round_id=found.id, seen=None,
                                        opens_on=found.opens_on, closes_on=found.closes_on, materials={3: (
                                            {"name": "申报书", "required": True},
                                            {"name": "审计报告", "required": False})})
    assert set(changed["after"]) == {"materials"}, "the dates did not change"
    materials = rounds.read(session, found).measures[0].materials
    assert [(x.name, x.formats) for x in materials] == [("申报书", ["pdf"]), ("审计报告", ["pdf", "ofd", "jpg", "png"])]


def test_two_corrections_of_a_round_s_dates_at_once_end_in_one_and_a_409(own_database) -> None:
    """Two people correct the dates of a round not yet open from the same page at once: the later waits for the
    earlier, sees them changed since its form was made, and is refused rather than silently undoing them."""
    from sqlalchemy.orm import Session

    from huiqi import clock
    from huiqi.models import Round, User
    from tests.dbtest import at_once, make_people, second_admin

    day = date(2025, 9, 1)
    with Session(own_database, expire_on_commit=False) as session, session.begin(), clock.pinned(day):
        admins = [make_people(session).admin.id, second_admin(session).id]
        found = opening.open_round(session, actor=session.get(User, admins[0]), policy_id="ln-2022-35",
                                   title="2025年度申报", opens_on=date(2025, 10, 1), closes_on=date(2025, 12, 31),
                                   measures=[opening.MeasureIn(3)])
        seen = rounds.terms(found, rounds.measures(session, found.id))

    def moving(who: int, opens: date):
        def act(session):
            with clock.pinned(day):
                editing.reschedule(session, actor=session.get(User, who), round_id=found.id, seen=seen,
                                   opens_on=opens, closes_on=date(2025, 12, 31))
        return act

    outcomes = at_once(own_database, [moving(admins[0], date(2025, 10, 8)), moving(admins[1], date(2025, 10, 15))])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(own_database) as session:
        assert session.get(Round, found.id).opens_on == [date(2025, 10, 8), date(2025, 10, 15)][outcomes.index("done")]
