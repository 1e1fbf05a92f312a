"""The rounds page: everyone sees the rounds, their deadlines, materials and guide; an admin opens one from the
form (bad input named in Chinese, nothing written) and closes it early; the home page lists the open ones."""

import re
from datetime import date

import pytest
from sqlalchemy import event

from huiqi.models import Round
from huiqi.rounds import editing, opening
from huiqi.rounds import service as rounds
from huiqi.rounds.overlapping import Overlap
from huiqi.rounds.pages import _opened
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from huiqi.web.steps import FLASH_MOST
from tests.dbtest import PASSWORD
from tests.webtest import marked

pytestmark = pytest.mark.anyio
FORM = {"policy": "ln-2022-35", "title": "2025年度申报", "opens_on": "2025-10-01", "closes_on": "2025-12-31",
        "correction_days": "10", "announcement_days": "5", "contact": "024-12345678", "guide": "先网上申报，后审核。",
        "materials": "申报书\n审计报告（可选）", "measure-ln-2022-35": ["3", "13"], "budget-ln-2022-35-3": "500",
        "expert-ln-2022-35-13": "on"}


async def opened_by_admin(browser, session, people, set_today):
    """The admin's browser, the round FORM opened on 2025-11-03, and the rounds page as the admin then sees it."""
    set_today(date(2025, 11, 3))
    admin = browser(people.admin)
    assert (await admin.post("/rounds", data=FORM)).status_code == 303
    return admin, rounds.listed(session)[0], (await admin.get("/rounds")).text


async def test_an_admin_opens_a_round_from_the_page_and_everyone_sees_it(browser, session, people,
                                                                         set_today) -> None:
    set_today(date(2025, 11, 3))
    admin = browser(people.admin)
    bad = await admin.post("/rounds", data=FORM | {"closes_on": "2025-09-01"})
    assert bad.status_code == 422 and "截止日期" in bad.text and rounds.listed(session) == []
    no_such_day = await admin.post("/rounds", data=FORM | {"closes_on": "2026-02-30"})
    assert no_such_day.status_code == 422 and "截止日期：2026-02-30 不是有效日期" in no_such_day.text
    shapeless = await admin.post("/rounds", data=FORM | {"closes_on": "2026/2/28"})
    assert shapeless.status_code == 422 and "截止日期：应为日期（YYYY-MM-DD）" in shapeless.text
    negative = await admin.post("/rounds", data=FORM | {"correction_days": "-1"})
    assert negative.status_code == 422 and "补正期限：应为正整数（工作日数），不能为负数" in negative.text
    done = await admin.post("/rounds", data=FORM | {"correction_days": "１０"})  # full-width, as typed in Chinese
    assert done.status_code == 303, done.text
    found = rounds.listed(session)[0]
    assert found.correction_days == 10
    shown = rounds.read(session, found)
    assert [(m.measure, m.budget, m.expert_score) for m in shown.measures] == [(3, 5_000_000, False),
                                                                              (13, None, True)]
    assert [(m.name, m.required) for m in shown.measures[0].materials] == [("申报书", True), ("审计报告", False)]
    public = (await browser(None).get("/rounds")).text
    assert "2025年度申报" in public and "2025-12-31" in public and "审计报告（可选）" in public
    assert "开设申报批次" not in public
    home = (await browser(None).get("/")).text
    assert "正在受理的申报批次" in home and "2025年度申报" in home
    assert (await browser(people.alice).post("/rounds", data=FORM)).status_code == 403
    apply_link = f"/applications/new?round={found.id}&amp;measure=3"
    assert apply_link in public and apply_link in (await browser(people.alice).get("/rounds")).text
    names = re.findall(r'>立即申报<span class="sr-only">：([^<]+)</span></a>', public)  # each link told apart
    assert names == ["措施3 培育中小企业（2025年度申报）", "措施13 强化关键技术攻关（2025年度申报）"], names
    for staff in (people.miit, people.finance, people.auditor):  # they cannot apply: no link that ends in 403
        page = (await browser(staff).get("/rounds")).text
        assert apply_link not in page and f'action="/rounds/{found.id}/close"' not in page, staff.username
    assert f'action="/rounds/{found.id}/close"' in (await admin.get("/rounds")).text
    closed = await admin.post(f"/rounds/{found.id}/close")
    assert closed.status_code == 303 and "已截止" in (await admin.get("/rounds")).text


async def test_every_mistake_of_the_open_form_is_said_at_once_and_linked(browser, session, people,
                                                                        set_today) -> None:
    set_today(date(2025, 11, 3))
    wrong = FORM | {"title": " ", "opens_on": "2025-12-01", "closes_on": "2025-11-20", "correction_days": "abc",
                    "announcement_days": "-3", "budget-ln-2022-35-3": "5e2", "expert-ln-2022-35-13": "on"}
    refused = await browser(people.admin).post("/rounds", data=wrong)
    assert refused.status_code == 422 and rounds.listed(session) == []
    said = re.findall(r'<a href="#(f-[^"]+)">([^<]+)</a>', refused.text)
    assert [href for href, _ in said] == ["f-批次名称", "f-截止日期", "f-补正期限", "f-公示期", "f-措施3·预算"]
    for href, _ in said:  # each link lands on its box
        assert f'id="{href}"' in refused.text, href
    assert [f for f, _ in marked(refused.text)] == [href for href, _ in said], "each box marked, and only those"
    assert 'value="5e2"' in refused.text  # the rows kept as typed
    assert 'name="expert-ln-2022-35-13" aria-label="措施13须专家评审" checked' in refused.text
    nothing = await browser(people.admin).post("/rounds", data={k: v for k, v in FORM.items()
                                                                  if not k.startswith("measure-")})
    assert nothing.status_code == 422 and 'href="#f-措施"' in nothing.text and 'id="f-措施"' in nothing.text
    assert nothing.text.count('href="#f-措施"') == 1, "said once, by the service"
    twice = await browser(people.admin).post("/rounds", data=FORM | {"materials": "申报书\n申报书",
                                                                     "guide": "长" * 5001})
    assert twice.status_code == 422
    assert twice.text.count('<a href="#f-所需材料">所需材料：第 2 行：') == 1, "one list for every measure: said once"
    assert twice.text.count('href="#f-办事指南"') == 1 and twice.text.count('id="e-办事指南"') == 1


async def test_a_measure_ticked_under_another_policy_is_named_not_dropped(browser, session, people,
                                                                           set_today) -> None:
    """The form lists every policy's measures (without script all show): one ticked under another policy than the
    one chosen is named as such, not reported as no measure at all; each policy's list says which policy it is for,
    so a script shows only the chosen one's."""
    from pathlib import Path

    from huiqi.catalogue import service as catalogue
    from tests.dbtest import second_admin

    set_today(date(2025, 11, 3))
    text = (Path(__file__).parents[1] / "fixtures" / "second-policy.yaml").read_text("utf-8")
    version = catalogue.add(session, actor=people.admin, text=text, file_name="second-policy.yaml")
    catalogue.publish(session, actor=second_admin(session), version_id=version.id)
    admin = browser(people.admin)
    form = (await admin.get("/rounds")).text
    assert 'data-shown-by="f-政策" data-shown-for="ln-2022-35"' in form
    assert 'data-shown-by="f-政策" data-shown-for="test-successor"' in form
    sent = {k: v for k, v in FORM.items() if not k.startswith("measure-")} | {"measure-test-successor": ["1"],
                                                                               "budget-test-successor-1": "35",
                                                                               "direct-test-successor-1": "on"}
    refused = await admin.post("/rounds", data=sent)
    assert refused.status_code == 422 and rounds.listed(session) == []
    # what was ticked and typed under the other policy stays, so choosing that policy again is all it takes
    assert re.search(r'name="measure-test-successor" value="1" checked', refused.text)
    assert 'name="budget-test-successor-1" id="f-措施1·预算"' not in refused.text  # its ids stay the chosen one's
    assert re.search(r'name="budget-test-successor-1"[^>]*value="35"', refused.text)
    assert re.search(r'name="direct-test-successor-1"[^>]*checked', refused.text)
    said = dict(re.findall(r'<a href="#(f-[^"]+)">([^<]+)</a>', refused.text))
    assert said["f-措施"] == ("措施：所选措施不属于所选政策：勾选了测试〔2024〕1号的措施1，"
                             "而所选政策是辽政办〔2022〕35号。请改选政策，或只勾选所选政策下的措施")
    assert "请至少开放一条措施" not in refused.text
    both = await admin.post("/rounds", data=FORM | {"measure-test-successor": ["1"]})
    assert both.status_code == 422 and "勾选了测试〔2024〕1号的措施1" in both.text, "not silently dropped"
    assert (await admin.post("/rounds", data=FORM)).status_code == 303


async def test_a_measure_asks_for_materials_of_its_own_beside_those_every_measure_asks_for(browser, session, people,
                                                                                          set_today) -> None:
    """The 所需材料 box is every measure's; a measure's 另需材料 adds to it for that measure alone; a mistake in one
    is said beside the box it was typed in, with that box's line, and what was typed is kept."""
    set_today(date(2025, 11, 3))
    admin = browser(people.admin)
    own = {"materials-ln-2022-35-3": "项目投资证明\n专项审计报告（可选）"}
    repeated = await admin.post("/rounds", data=FORM | {"materials-ln-2022-35-3": "项目投资证明\n申报书"})
    assert repeated.status_code == 422 and rounds.listed(session) == []
    assert '<a href="#f-措施3·另需材料">措施3·另需材料：第 2 行：材料“申报书”重复</a>' in repeated.text
    assert re.search(r'name="materials-ln-2022-35-3"[^>]*>项目投资证明\n申报书</textarea>', repeated.text)
    long = await admin.post("/rounds", data=FORM | {"materials-ln-2022-35-13": "长" * 2001})
    assert long.status_code == 422 and '<a href="#f-措施13·另需材料">措施13·另需材料：不超过 2000 个字</a>' in long.text
    assert (await admin.post("/rounds", data=FORM | own)).status_code == 303
    shown = rounds.read(session, rounds.listed(session)[0])
    by_measure = {m.measure: [(x.name, x.required) for x in m.materials] for m in shown.measures}
    assert by_measure == {3: [("申报书", True), ("审计报告", False), ("项目投资证明", True), ("专项审计报告", False)],
                          13: [("申报书", True), ("审计报告", False)]}
    page = (await admin.get("/rounds")).text
    assert "项目投资证明（PDF/OFD/JPG/PNG）" in page


@pytest.mark.parametrize(("dates", "said"), [
    ({"opens_on": "2020-01-01"}, ("开始日期", "不能早于政策印发日期 2022-07-23")),
    ({"opens_on": "2027-01-01", "closes_on": "2027-03-31"}, ("开始日期", "不能晚于今天之后 366 天")),
    ({"closes_on": "9999-12-31"}, ("截止日期", "受理期不超过 10 年（最晚 2035-10-01）")),
    ({"opens_on": "9995-01-01", "closes_on": "9995-02-01"}, ("开始日期", "不能晚于今天之后 366 天")),  # was a 500
])
async def test_round_dates_are_bounded_and_said_beside_the_field(browser, session, people, set_today, dates,
                                                                 said) -> None:
    set_today(date(2025, 9, 1))
    refused = await browser(people.admin).post("/rounds", data=FORM | dates)
    field, why = said
    assert refused.status_code == 422 and f'<a href="#f-{field}">{field}：{why}</a>' in refused.text
    assert not rounds.listed(session)


async def test_the_opener_extends_the_deadline_from_the_page(browser, session, people, set_today) -> None:
    admin, found, page = await opened_by_admin(browser, session, people, set_today)
    assert f'action="/rounds/{found.id}/extend"' in page and 'name="seen" value="2025-12-31"' in page
    bad = await admin.post(f"/rounds/{found.id}/extend", data={"extend_to": "2025-12-20", "seen": "2025-12-31",
                                                               "reason": "系统维护"})
    assert bad.status_code == 422
    assert '<a href="#f-新截止日期">新截止日期：应晚于现在的截止日期 2025-12-31</a>' in bad.text
    assert 'id="f-新截止日期"' in bad.text and 'value="系统维护"' in bad.text  # what was typed stays
    long = "因" * 201
    wordy = await admin.post(f"/rounds/{found.id}/extend", data={"extend_to": "2026-01-15", "seen": "2025-12-31",
                                                                 "reason": long})
    assert wordy.status_code == 422 and '<a href="#f-延期原因">延期原因：不超过 200 个字</a>' in wordy.text
    assert f'value="{long}"' in wordy.text and 'value="2026-01-15"' in wordy.text, "the form is kept"
    beside = wordy.text.split('id="f-延期原因"')[1].split("</label>")[0]
    assert "不超过 200 个字" in beside and "理由" not in wordy.text, "said beside the box, named as the form names it"
    done = await admin.post(f"/rounds/{found.id}/extend", data={"extend_to": "2026-01-15", "seen": "2025-12-31",
                                                                "reason": "系统维护"})
    assert done.status_code == 303
    public = (await browser(None).get("/rounds")).text
    assert "截止日期已由 2025-12-31 延至 2026-01-15：系统维护" in public and "延长截止日期" not in public
    stale = await admin.post(f"/rounds/{found.id}/extend", data={"extend_to": "2026-01-20", "seen": "2025-12-31",
                                                                 "reason": "再延"})
    assert stale.status_code == 409 and "刚被他人改为 2026-01-15" in stale.text
    api = (await browser(None).get(f"/api/v1/rounds/{found.id}")).json()
    assert api["closes_on"] == "2026-01-15" and api["extensions"] == [
        {"from_date": "2025-12-31", "to_date": "2026-01-15", "reason": "系统维护"}]
    again = await admin.send("POST", f"/api/v1/rounds/{found.id}/extend",
                             json={"closes_on": "2026-01-31", "seen": "2026-01-15", "reason": "接口延期"})
    assert again.status_code == 200 and again.json()["closes_on"] == "2026-01-31"
    assert (await browser(people.alice).post(f"/rounds/{found.id}/extend", data={
        "extend_to": "2026-03-01", "seen": "2026-01-31", "reason": "企业"})).status_code == 403
    assert "提前结束受理</b>" not in (await browser(None).get("/rounds")).text
    assert (await admin.post(f"/rounds/{found.id}/close")).status_code == 303
    closed = (await browser(None).get("/rounds")).text
    assert "<b>已于 2025-11-03 提前结束受理</b>（早于延长后的截止日期 2026-01-31）" in closed
    assert "截止日期曾由 2025-12-31 延至 2026-01-15" in closed
    late = await admin.post(f"/rounds/{found.id}/extend", data={"extend_to": "2026-02-28", "seen": "2026-01-31",
                                                                "reason": "再延"})  # a form opened before the close
    assert late.status_code == 409 and "已由系统管理员于 2025-11-03 提前结束受理，不能再延长" in late.text
    assert "刚被他人改为" not in late.text


async def test_a_round_not_yet_open_is_cancelled_from_the_page_and_reads_cancelled(browser, session, people,
                                                                                  set_today) -> None:
    """It had no button (only an open round had), so a round made by mistake blocked its policy's withdrawal; once
    closed it read 未开始 beside 未开始受理即已结束, and later 已于…提前结束受理."""
    set_today(date(2025, 9, 1))
    admin = browser(people.admin)
    assert (await admin.post("/rounds", data=FORM)).status_code == 303
    found = rounds.listed(session)[0]
    shown = (await admin.get("/rounds")).text
    assert f'action="/rounds/{found.id}/close"' in shown and "取消（未开始）" in shown and "提前结束受理" not in shown
    cancelled = await admin.post(f"/rounds/{found.id}/close")
    assert cancelled.status_code == 303 and "申报批次已取消" in (await admin.get("/rounds")).text
    for day in (date(2025, 9, 2), date(2025, 10, 1), date(2026, 1, 5)):
        set_today(day)
        public = (await browser(None).get("/rounds")).text
        assert "已取消</span>" in public and "<b>未开始受理即已取消（2025-09-01 取消）</b>" in public, day
        assert "原定受理 2025-10-01 至 2025-12-31" in public, "its window as announced, not 2025-10-01 至 2025-10-01"
        assert "未开始（" not in public and "提前结束受理" not in public and "申报中" not in public, day


async def test_the_rounds_export_a_row_per_measure(browser, session, people, set_today) -> None:
    import io

    import openpyxl

    set_today(date(2025, 11, 3))
    assert (await browser(people.admin).post("/rounds", data=FORM)).status_code == 303
    public = browser(None)
    assert 'href="/rounds.xlsx"' in (await public.get("/rounds")).text
    sheet = (await public.get("/rounds.xlsx")).content
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True))
    header = rows[1]
    got = [(r[header.index("措施")], r[header.index("本批次计划安排（元）")], r[header.index("评审")],
            r[header.index("所需材料")]) for r in rows[2:]]
    files = "申报书（PDF/OFD/JPG/PNG）；审计报告（可选）（PDF/OFD/JPG/PNG）"
    assert got == [("措施3 培育中小企业", 5_000_000, "", files), ("措施13 强化关键技术攻关", None, "须专家评审", files)]


async def test_the_close_and_extend_buttons_follow_the_unit_a_round_was_opened_for(browser, session, people,
                                                                                   set_today) -> None:
    set_today(date(2025, 11, 3))
    own = {"policy": "ln-2022-35", "opens_on": "2025-10-01", "closes_on": "2025-12-31", "measure-ln-2022-35": ["3"]}
    for title in ("工信厅甲批", "工信厅乙批", "工信厅丙批"):
        assert (await browser(people.miit).post("/rounds", data=own | {"title": title})).status_code == 303
    found = rounds.listed(session)
    colleague = users.create_user(session, actor=SYSTEM, username="miit2", display_name="省工信厅审核员乙",
                                  role="department", password=PASSWORD, department="省工业和信息化厅")
    users.change_role(session, actor=people.admin, username="miit", role="department", department="省科技厅")
    controls = [f'action="/rounds/{r.id}/{doing}"' for r in found for doing in ("close", "extend")]
    kept = (await browser(colleague).get("/rounds")).text
    assert all(c in kept for c in controls)  # the unit they were opened for keeps them
    moved_to = browser(people.most)
    elsewhere = (await moved_to.get("/rounds")).text
    assert not any(c in elsewhere for c in controls)  # nor does the unit its opener moved to
    assert (await moved_to.post(f"/rounds/{found[0].id}/close")).status_code == 403


async def test_the_rounds_page_reads_no_opener_per_round(browser, session, people, set_today) -> None:
    set_today(date(2025, 11, 3))
    own = {"policy": "ln-2022-35", "opens_on": "2025-10-01", "closes_on": "2025-12-31", "measure-ln-2022-35": ["3"]}
    viewer = browser(people.most)
    read: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if "FROM users" in statement:
            read.append(statement)

    async def users_read() -> int:
        read.clear()
        event.listen(session.connection(), "before_cursor_execute", seen)
        try:
            assert (await viewer.get("/rounds")).status_code == 200
        finally:
            event.remove(session.connection(), "before_cursor_execute", seen)
        return len(read)

    assert (await browser(people.miit).post("/rounds", data=own | {"title": "第一批"})).status_code == 303
    one = await users_read()
    for title in ("第二批", "第三批", "第四批"):
        assert (await browser(people.miit).post("/rounds", data=own | {"title": title})).status_code == 303
    assert await users_read() == one


async def test_whoever_opens_an_overlapping_round_is_told_on_the_page_and_by_the_api(browser, session, people,
                                                                                    set_today) -> None:
    set_today(date(2025, 11, 3))
    admin = browser(people.admin)
    assert (await admin.post("/rounds", data=FORM)).status_code == 303
    assert "✓ 申报批次已开设，企业即可在开放期内申报" in (await admin.get("/rounds")).text
    later = FORM | {"title": "2025年度补报", "opens_on": "2025-12-01", "closes_on": "2026-01-31",
                    "measure-ln-2022-35": ["13", "14"]}
    assert (await admin.post("/rounds", data=later)).status_code == 303
    page = (await admin.get("/rounds")).text
    assert ("✓ 申报批次已开设。请注意：措施13也在批次「2025年度申报」（2025-10-01 至 2025-12-31）中受理，时间重叠。"
            "同一事项只能在其中一个批次申报，“立即申报”和政策直达指向截止较晚的批次") in page
    assert "2025年度补报" in page  # opened
    body = {"policy": "ln-2022-35", "title": "接口批次", "opens_on": "2025-12-15", "closes_on": "2026-03-31",
            "measures": [{"measure": 14}, {"measure": 13}]}
    opened = await admin.send("POST", "/api/v1/rounds", json=body)
    assert opened.status_code == 201 and [w.split("，时间重叠")[0] for w in opened.json()["warnings"]] == [
        "措施13也在批次「2025年度申报」（2025-10-01 至 2025-12-31）中受理",
        "措施13、措施14也在批次「2025年度补报」（2025-12-01 至 2026-01-31）中受理"]
    alone = await admin.send("POST", "/api/v1/rounds", json=body | {"title": "次年批次", "opens_on": "2026-04-01",
                                                                     "closes_on": "2026-04-30"})
    assert alone.status_code == 201 and alone.json()["warnings"] == []
    # The overlaps stand on each round's card while it takes applications, whatever the message said.
    listed = (await admin.get("/rounds")).text
    card = listed.split(f'id="round-{alone.json()["id"] - 1}"')[1].split("</section>")[0]
    assert '<p class="notice">措施13也在批次「2025年度申报」' in card
    assert "措施13、措施14也在批次「2025年度补报」" in card
    # Extending 次年批次 back into 接口批次's days: said as opening would (page, then API).
    extended = await admin.post(f"/rounds/{alone.json()['id']}/extend",
                                data={"extend_to": "2026-05-31", "seen": "2026-04-30", "reason": "企业申请延期"})
    assert extended.status_code == 303
    assert "✓ 截止日期已延长，已通知有未提交申报的企业和订阅者" in (await admin.get("/rounds")).text
    early = await admin.send("POST", "/api/v1/rounds", json=body | {"title": "早批次", "opens_on": "2026-02-01",
                                                                     "closes_on": "2026-02-28",
                                                                     "measures": [{"measure": 14}]})
    stretched = await admin.send("POST", f"/api/v1/rounds/{early.json()['id']}/extend",
                                 json={"closes_on": "2026-04-10", "seen": "2026-02-28", "reason": "企业申请延期"})
    assert stretched.status_code == 200 and [w.split("，时间重叠")[0] for w in stretched.json()["warnings"]] == [
        "措施14也在批次「接口批次」（2025-12-15 至 2026-03-31）中受理",
        "措施14也在批次「次年批次」（2026-04-01 至 2026-05-31）中受理"]
    again = await admin.post(f"/rounds/{early.json()['id']}/extend",
                             data={"extend_to": "2026-04-20", "seen": "2026-04-10", "reason": "再次延期"})
    assert again.status_code == 303
    told = (await admin.get("/rounds")).text
    assert "✓ 截止日期已延长，已通知有未提交申报的企业和订阅者。请注意：措施14也在批次「接口批次」" in told


def test_many_long_overlaps_are_counted_in_the_message_and_listed_on_the_card() -> None:
    """The message after an action is a cookie of at most FLASH_MOST characters: overlaps too long for it are
    counted there, and the round's card lists them whole."""
    title = "二〇二五年度数字经济核心产业专精特新与规上企业奖励补充申报"
    long = [Overlap(Round(title=f"{title}{n}", opens_on=date(2025, 7, 1), closes_on=date(2025, 8, 18)), (3, 4, 13))
            for n in range(3)]
    said = _opened(long)
    assert len(said) <= FLASH_MOST
    assert said.startswith("申报批次已开设。请注意：与另外 3 个批次时间重叠，详见本批次下方的说明")
    assert _opened(long[:1]).startswith("申报批次已开设。请注意：措施3、措施4、措施13也在批次「二〇二五年度")


async def test_a_round_s_planned_amount_says_what_it_is_and_admins_see_it_beside_the_yearly_budget(
        browser, session, people, set_today) -> None:
    """A round's amount is the guide's announced plan, not a budget approvals draw on (finance's yearly one is):
    the page says so; an admin is warned while none is set for a measure it opens or the plan exceeds it."""
    from huiqi.funding import service as budgets

    set_today(date(2025, 11, 3))
    admin = browser(people.admin)
    assert (await admin.post("/rounds", data=FORM)).status_code == 303
    found = rounds.listed(session)[0]
    public = (await browser(None).get("/rounds")).text
    assert "本批次计划安排" in public and "本批次预算" not in public and "以年度预算为准" in public
    assert f'id="round-{found.id}-budget"' not in public, "the yearly budget is finance's, not the public's"
    unset = (await admin.get("/rounds")).text
    assert ("辽政办〔2022〕35号措施3 本批次计划安排 500 万元，省财政厅尚未设定 2025 年度该措施的预算：本批次的申报"
            "可能在这些年度批准") in unset
    assert "辽政办〔2022〕35号措施13，省财政厅尚未设定 2025 年度该措施的预算" in unset, "no plan: still no budget"
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=4_000_000)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=13, amount=0)
    short = (await admin.get("/rounds")).text
    assert ("本批次计划安排 500 万元，超过省财政厅设定的 2025 年度预算 400 万元：批准以批准之年的年度预算"
            "为准") in short
    department = (await browser(people.miit).get("/rounds")).text
    assert f'id="round-{found.id}-budget"' not in department, "departments do not read finance's budgets"
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=10_000_000)
    assert f'id="round-{found.id}-budget"' not in (await admin.get("/rounds")).text, "covered: nothing to say"
    second = opening.open_round(session, actor=people.admin, policy_id="ln-2022-35", title="2025年度第二批",
                                opens_on=date(2025, 11, 3), closes_on=date(2025, 12, 31),
                                measures=[opening.MeasureIn(3, budget=6_000_000)])
    both = (await admin.get("/rounds")).text
    summed = ("合计 1100 万元，超过省财政厅设定的 2025 年度预算 1000 万元")
    for r in (found, second):
        assert summed in both.split(f'id="round-{r.id}-budget"')[1].split("</div>")[0], "the plans add up"
    editing.close(session, actor=people.admin, round_id=found.id)
    assert f'id="round-{second.id}-budget"' not in (await admin.get("/rounds")).text, "an ended round draws no more"


async def test_the_budget_warning_names_the_years_approvals_can_fall_in_not_the_opening_year(
        browser, session, people, set_today) -> None:
    """Approval draws on the budget of the year it happens in: a round open across the new year is warned about the
    next year's missing budget, and once the opening year is past, its budget no longer matters."""
    from huiqi.funding import service as budgets

    set_today(date(2025, 12, 1))
    made = opening.open_round(session, actor=people.admin, policy_id="ln-2022-35", title="跨年批次",
                              opens_on=date(2025, 12, 1), closes_on=date(2026, 2, 5),
                              measures=[opening.MeasureIn(3, budget=5_000_000)])
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=9_000_000)
    admin = browser(people.admin)
    box = (await admin.get("/rounds")).text.split(f'id="round-{made.id}-budget"')[1].split("</div>")[0]
    assert "尚未设定 2026 年度该措施的预算" in box and "2025 年度" not in box
    budgets.set_budget(session, actor=people.finance, year=2026, policy_id="ln-2022-35", measure=3, amount=3_000_000)
    box = (await admin.get("/rounds")).text.split(f'id="round-{made.id}-budget"')[1].split("</div>")[0]
    assert "超过省财政厅设定的 2026 年度预算 300 万元" in box and "尚未设定" not in box
    set_today(date(2026, 1, 5))
    budgets.set_budget(session, actor=people.finance, year=2026, policy_id="ln-2022-35", measure=3, amount=7_000_000)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=0)
    later = opening.open_round(session, actor=people.admin, policy_id="ln-2022-35", title="二〇二六年批次",
                               opens_on=date(2026, 3, 2), closes_on=date(2026, 3, 31),
                               measures=[opening.MeasureIn(3, budget=2_000_000)])
    page = (await admin.get("/rounds")).text
    for r in (made, later):
        assert f'id="round-{r.id}-budget"' not in page, "2025 is past: only 2026's budget counts, and it covers both"
    budgets.set_budget(session, actor=people.finance, year=2026, policy_id="ln-2022-35", measure=3, amount=6_000_000)
    page = (await admin.get("/rounds")).text
    assert "合计 700 万元，超过省财政厅设定的 2026 年度预算 600 万元" in page, "both approve in 2026: plans add up"


async def test_the_export_says_a_direct_measure_asks_for_no_materials_as_the_page_does(browser, session, people,
                                                                                       set_today) -> None:
    import io

    import openpyxl

    set_today(date(2025, 11, 3))
    made = await browser(people.admin).post("/rounds", data=FORM | {"direct-ln-2022-35-3": "on"})
    assert made.status_code == 303, made.text
    public = browser(None)
    assert "无需企业提交" in (await public.get("/rounds")).text
    rows = list(openpyxl.load_workbook(io.BytesIO((await public.get("/rounds.xlsx")).content)).active.iter_rows(
        values_only=True))
    header = rows[1]
    got = {r[header.index("措施")]: (r[header.index("兑现方式")], r[header.index("所需材料")]) for r in rows[2:]}
    assert got["措施3 培育中小企业"] == ("免申即享", "无需企业提交")
    assert got["措施13 强化关键技术攻关"][1] == "申报书（PDF/OFD/JPG/PNG）；审计报告（可选）（PDF/OFD/JPG/PNG）"


async def test_who_may_not_change_a_round_is_refused_before_the_form_is_read(browser, session, people,
                                                                           set_today) -> None:
    """The auditor extending with a bad date used to get 422 (the date read first), as if only the date were wrong."""
    admin, found, _ = await opened_by_admin(browser, session, people, set_today)
    for who in (people.auditor, people.most):  # a role that never may; a department that did not open it
        client = browser(who)
        extend = await client.post(f"/rounds/{found.id}/extend", data={"extend_to": "2025-13-45", "seen": "x",
                                                                        "reason": "延期"})
        assert extend.status_code == 403 and "新截止日期" not in extend.text, who.username
        add = await client.post(f"/rounds/{found.id}/measures", data={"measure": "abc"})
        assert add.status_code == 403 and "请选择要增加的措施" not in add.text, who.username
    wrong = await admin.post(f"/rounds/{found.id}/extend", data={"extend_to": "2025-13-45", "seen": "2025-12-31",
                                                                 "reason": "延期"})
    assert wrong.status_code == 422 and "新截止日期" in wrong.text, "who may: told what is wrong with the date"
    session.expire_all()
    assert session.get(Round, found.id).closes_on == date(2025, 12, 31)


async def test_the_api_names_the_unit_that_opened_a_round_not_a_login(browser, session, people, set_today) -> None:
    set_today(date(2025, 11, 3))
    own = {"policy": "ln-2022-35", "opens_on": "2025-10-01", "closes_on": "2025-12-31", "measure-ln-2022-35": ["3"]}
    assert (await browser(people.miit).post("/rounds", data=own | {"title": "工信厅批"})).status_code == 303
    assert (await browser(people.admin).post("/rounds", data=FORM)).status_code == 303
    listed = (await browser(None).get("/api/v1/rounds")).json()["items"]
    assert {r["title"]: r["opened_by"] for r in listed} == {"工信厅批": "省工业和信息化厅", "2025年度申报": "管理员"}
    assert "miit" not in str(listed) and "admin" not in str(listed)
