"""The reviewers' pages: the queue of one's scope, the review page (trace, stacking, materials, timeline),
decision forms that move the state, and refusals shown on the page with what was typed."""

import re
from datetime import date

import pytest

from huiqi.funding import service as budgets
from huiqi.workflow import repository as steps
from tests.dbtest import ALICE_USCC, BOB_USCC, PDF, apply, step, to_announced
from tests.review.conftest import ON
from tests.webtest import bearer, marked

pytestmark = pytest.mark.anyio


async def test_the_queue_is_the_callers_scope(browser, session, people, alice_h1, tmp_path) -> None:
    apply(session, people.bob, matter="p1", measure=13, amount=5_000_000, on=ON, store=tmp_path)
    page = await browser(people.shenyang).get("/review")
    assert page.status_code == 200 and "示例科技有限公司" in page.text and f"/review/{alice_h1.id}" in page.text
    assert "大连数据" not in page.text and BOB_USCC not in page.text
    assert ">措施3 培育中小企业</td>" in page.text  # the measure by number and title, as every list cites it
    other = await browser(people.dalian).get("/review")
    assert "示例科技" not in other.text and ALICE_USCC not in other.text
    everything = await browser(people.auditor).get("/review")
    assert "示例科技有限公司" in everything.text and "大连数据有限公司" in everything.text


async def test_the_review_page_shows_the_trace_and_materials(browser, people, alice_h1) -> None:
    page = await browser(people.shenyang).get(f"/review/{alice_h1.id}")
    assert page.status_code == 200
    text = page.text
    assert "规则判断（提交时）" in text and "小巨人" in text and "✓ 满足" in text
    assert "100 万元" in text  # the ceiling in 万元
    assert "申报书.pdf" in text and f"/review/{alice_h1.id}/materials/" in text
    assert re.search(r'<td data-label="大小" class="num">\d+(\.\d)? KB</td>', text)
    assert "字节" not in text  # sizes as people read them
    assert f'action="/review/{alice_h1.id}/pass_city"' in text and "/propose" not in text
    assert "市级初审" in text  # the timeline
    assert "转市级初审</b> → 市级初审 <span class=\"small muted\">2025-09-01 · 系统（自动）" in text  # not `system`
    assert "辽政办〔2022〕35号 措施3" in text and "ln-2022-35 措施3" not in text
    assert "事项 专精特新“小巨人”企业（新认定，国家级，2024-07-15）" in text and "事项h1" not in text
    assert "沈阳市和平区（210102）" in text and alice_h1.policy_version not in text  # the hash: admins, auditors only
    assert "<td>6513 应用软件开发</td>" in text  # the industry by its GB/T 4754 name, not the bare code
    assert f'<a href="/applicants/{alice_h1.uscc}" title="单位信息、事项和全部申报">' in text  # the applicant's record
    assert '<li class="current" aria-current="step">市级初审</li>' in text  # where it stands


async def test_a_material_downloads_within_scope_only(browser, people, alice_h1, session) -> None:
    from huiqi.applications import repository

    material = repository.materials(session, alice_h1.id)[0]
    url = f"/review/{alice_h1.id}/materials/{material.id}"
    got = await browser(people.shenyang).get(url)
    assert got.status_code == 200 and got.content == PDF and got.headers["content-type"] == "application/pdf"
    refused = await browser(people.dalian).get(url)
    assert refused.status_code == 404 and PDF not in refused.content and "示例科技" not in refused.text


async def test_another_city_gets_nothing(browser, people, alice_h1) -> None:
    page = await browser(people.dalian).get(f"/review/{alice_h1.id}")
    assert page.status_code == 404 and "示例科技" not in page.text and ALICE_USCC not in page.text
    posted = await browser(people.dalian).post(f"/review/{alice_h1.id}/pass_city", data={})
    assert posted.status_code == 404 and alice_h1.state == "city_review"


async def test_forms_move_the_application_to_announcement(browser, session, people, alice_h1, set_today) -> None:
    city, miit = browser(people.shenyang), browser(people.miit)
    set_today(date(2025, 9, 3))
    done = await city.post(f"/review/{alice_h1.id}/pass_city")
    assert done.status_code == 303 and done.headers["location"] == f"/review/{alice_h1.id}"
    shown = (await city.get(f"/review/{alice_h1.id}")).text
    assert "已办理：初审通过" in shown, "a message after every action"
    assert "已办理：初审通过" not in (await city.get(f"/review/{alice_h1.id}")).text, "said once"
    assert alice_h1.state == "department_review"
    assert (await miit.post(f"/review/{alice_h1.id}/score", data={"score": "88"})).status_code == 303
    set_today(date(2025, 9, 10))
    proposed = await miit.post(f"/review/{alice_h1.id}/propose", data={"amount": "80.5"})
    assert proposed.status_code == 303 and alice_h1.amount_proposed == 805_000 and alice_h1.expert_score == 88
    page = (await miit.get(f"/review/{alice_h1.id}")).text
    assert "80.5 万元" in page and "发布公示" in page
    opened = await miit.post(f"/review/{alice_h1.id}/announce", data={"starts_on": "2025-09-29"})
    assert opened.status_code == 303 and alice_h1.state == "announced"
    assert "2025-10-11" in (await miit.get(f"/review/{alice_h1.id}")).text
    timeline = [(t.action, t.on) for t in steps.of_application(session, alice_h1.id)][-4:]
    assert timeline == [("pass_city", date(2025, 9, 3)), ("score", date(2025, 9, 3)), ("propose", date(2025, 9, 10)),
                        ("announce", date(2025, 9, 10))]


async def test_a_refusal_keeps_what_was_typed(browser, people, alice_h1) -> None:
    await browser(people.shenyang).post(f"/review/{alice_h1.id}/pass_city")
    miit = browser(people.miit)
    too_much = await miit.post(f"/review/{alice_h1.id}/propose", data={"amount": "120"})
    assert too_much.status_code == 422 and "超过上限 100 万元" in too_much.text and 'value="120"' in too_much.text
    assert '<a href="#f-amount">' in too_much.text, "linked from the summary"
    beside = ('<span class="field-error" id="e-amount">拟定金额 120 万元超过上限 100 万元（申请金额相同），'
              '最多可拟定 100 万元</span>')
    assert beside in too_much.text, "and beside the box"
    too_fine = await miit.post(f"/review/{alice_h1.id}/propose", data={"amount": "1.23456"})
    assert too_fine.status_code == 422 and "四位小数" in too_fine.text
    assert '<a href="#f-amount">' in too_fine.text and 'id="f-amount" name="amount"' in too_fine.text
    exponent = await miit.post(f"/review/{alice_h1.id}/propose", data={"amount": "1e3"})
    assert exponent.status_code == 422 and "「1e3」不是数字" in exponent.text
    no_reason = await miit.post(f"/review/{alice_h1.id}/return", data={"reasons": "  "})
    assert no_reason.status_code == 422 and '<a href="#f-reasons">须补正的内容：' in no_reason.text  # the form's label
    assert ('<textarea id="f-reasons" name="reasons" rows="3" required maxlength="2000" aria-invalid="true" '
            'aria-describedby="e-reasons">') in no_reason.text, \
        "the failed step's field, linked; the browser asks for it before a final step is confirmed"
    assert [f for f, _ in marked(no_reason.text)] == ["f-reasons"], "the failed step's box, not the other steps'"
    assert alice_h1.state == "department_review" and alice_h1.amount_proposed is None


async def test_return_with_reasons_shows_on_the_timeline(browser, people, alice_h1) -> None:
    city = browser(people.shenyang)
    await city.post(f"/review/{alice_h1.id}/return", data={"reasons": "请补充项目验收报告"})
    assert alice_h1.state == "returned"
    assert "请补充项目验收报告" in (await city.get(f"/review/{alice_h1.id}")).text


async def test_finance_approves_with_the_budget_shown(browser, session, people, tmp_path, set_today) -> None:
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                       amount=5_000_000)
    finance = browser(people.finance)
    set_today(date(2025, 10, 10))
    waiting = (await finance.get(f"/review/{app.id}")).text
    assert "公示期至 2025-10-11，期满后方可批准" in waiting and 'id="form-approve"' not in waiting
    early = await finance.post(f"/review/{app.id}/approve")
    assert early.status_code == 409 and "尚未结束" in early.text and app.state == "announced"
    set_today(date(2025, 10, 13))
    assert 'id="form-approve"' in (await finance.get(f"/review/{app.id}")).text
    assert (await finance.post(f"/review/{app.id}/approve")).status_code == 303
    assert app.state == "approved"
    page = (await finance.get(f"/review/{app.id}")).text
    assert "登记拨付" in page and "80 万元" in page
    assert "<label>凭证号<input" in page, "one name for the voucher: the form, its errors and the sheet say 凭证号"
    set_today(date(2025, 10, 20))
    blank = await finance.post(f"/review/{app.id}/disburse", data={"paid_on": "2025-10-20", "reference": " "})
    assert blank.status_code == 422 and "凭证号：请填写凭证号（不超过 64 个字符）" in blank.text
    formula = await finance.post(f"/review/{app.id}/disburse", data={"paid_on": "2025-10-20", "reference": " =1+1"})
    assert formula.status_code == 422 and app.state == "approved", "refused as the payout sheet refuses it"
    assert "凭证号：不能以 = + - @ 开头（表格软件会当作公式），请直接填写凭证号" in formula.text
    assert 'value=" =1+1"' in formula.text and 'value="2025-10-20"' in formula.text, "the form keeps what was typed"
    for lead in ("+1+1", "-1", "@SUM(A1)"):  # a voucher number never starts so: a spreadsheet would compute it
        refused = await finance.post(f"/review/{app.id}/disburse", data={"paid_on": "2025-10-20", "reference": lead})
        assert refused.status_code == 422 and "凭证号：不能以 = + - @ 开头" in refused.text, lead
    paid = await finance.post(f"/review/{app.id}/disburse", data={"paid_on": "2025-10-20", "reference": "PAY-9"})
    assert paid.status_code == 303 and app.state == "disbursed"


async def test_an_announced_application_says_where_its_announcement_stands(browser, client, session, people,
                                                                           tmp_path, set_today) -> None:
    """The state alone says 公示中 long after the 公示 ended: every list says 公示未开始, 公示中 or 公示期满，待批准."""
    import io

    import openpyxl

    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)  # 公示 2025-09-29 to 2025-10-11
    finance, department, alice = browser(people.finance), browser(people.miit), browser(people.alice)

    async def said() -> list[str]:
        queue = (await finance.get("/review?state=announced")).text  # 待我处理 lists it only once its 公示 has ended
        row = queue[queue.index(f'href="/review/{app.id}"'):]
        row = row[:row.index("</tr>")]
        book = openpyxl.load_workbook(io.BytesIO((await finance.get("/review.xlsx?state=announced")).content)).active
        rows = list(book.iter_rows(values_only=True))
        exported = rows[2][rows[1].index("状态")]
        detail = (await finance.get(f"/review/{app.id}")).text
        mine = (await alice.get("/applications")).text
        managed = (await department.get("/announcements/manage")).text
        book = openpyxl.load_workbook(io.BytesIO((await department.get("/announcements/manage.xlsx")).content)).active
        rows = list(book.iter_rows(values_only=True))
        listed = rows[2][rows[1].index("状态")]
        assert f'公示编号 {rows[2][rows[1].index("公示编号")]}</span></h2>' in managed  # the same batch on both
        api = (await client.get(f"/api/v1/reviews/{app.id}", headers=token)).json()
        own = re.search(rf"已申报 #{app.id}（措施3，(.+?)，拟定金额 100 万元）", (await alice.get("/me")).text).group(1)
        badge = r'<span class="badge state">([^<]+)</span>'
        return [re.search(badge, row).group(1), exported, re.search(badge, detail).group(1),
                re.search(badge, mine).group(1), re.search(badge, managed).group(1), listed, api["state_label"], own]

    token = bearer(session, people.finance)
    set_today(date(2025, 9, 26))
    assert await said() == ["公示未开始"] * 8
    set_today(date(2025, 10, 11))
    assert await said() == ["公示中"] * 8
    set_today(date(2026, 12, 5))
    assert await said() == ["公示期满，待批准"] * 8
    assert app.state == "announced"


async def test_the_objection_form_only_while_the_announcement_runs(browser, session, people, tmp_path,
                                                                   set_today) -> None:
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)  # 公示 2025-09-29 to 2025-10-11
    department = browser(people.miit)
    set_today(date(2025, 9, 26))
    early = (await department.get(f"/review/{app.id}")).text
    assert 'id="form-object"' not in early and "公示期为 2025-09-29 至 2025-10-11，现在尚未开始" in early
    set_today(date(2025, 10, 9))
    during = (await department.get(f"/review/{app.id}")).text
    assert 'id="form-object"' in during and "只能在公示期内记录异议" not in during
    set_today(date(2026, 12, 5))
    late = (await department.get(f"/review/{app.id}")).text
    assert 'id="form-object"' not in late and "现在已结束：只能在公示期内记录异议" in late
    refused = await department.post(f"/review/{app.id}/object", data={"reasons": "迟到的异议"})
    assert refused.status_code == 409 and app.state == "announced", "the step itself still refuses"


async def test_the_queue_exports_to_excel(browser, people, alice_h1) -> None:
    import io
    from datetime import datetime

    import openpyxl

    got = await browser(people.shenyang).get("/review.xlsx")
    assert got.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(got.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][1] == "示例科技有限公司" and rows[2][rows[1].index("申请金额（万元）")] == 100
    assert rows[2][rows[1].index("所在市")] == "沈阳市" and isinstance(rows[2][rows[1].index("提交日期")], datetime)
    assert rows[2][rows[1].index("措施")] == "措施3 培育中小企业"  # as every list cites it, not "3. 培育中小企业"
    assert rows[2][rows[1].index("政策")] == "辽政办〔2022〕35号"


async def test_the_page_warns_of_another_application_for_the_matter(browser, session, people, tmp_path) -> None:
    from huiqi.users import service as users
    from huiqi.users.scope import SYSTEM

    data = users.create_user(session, actor=SYSTEM, username="data", display_name="省数据局审核员", role="department",
                             password="correct horse battery", department="省数据局")
    under_11 = apply(session, people.alice, matter="p1", measure=11, amount=10_000_000, on=ON, store=tmp_path)
    step(session, "reject", data, under_11, on=ON, reasons="按从高原则改报措施5")  # one live application per matter
    under_5 = apply(session, people.alice, matter="p1", measure=5, amount=30_000_000, on=ON, store=tmp_path)
    page = (await browser(data).get(f"/review/{under_5.id}")).text
    warning = page.split('id="stacking"')[1].split("</div>")[0]
    assert f"另有申报 #{under_11.id}" in warning and "措施11" in warning and "从高不重复" in warning
    assert "辽政办〔2022〕35号 措施11" in warning and "ln-2022-35" not in warning and "（p1）" not in warning
    assert f'href="/review/{under_11.id}"' in warning
    assert "3000 万元" in page and "80,000,000（8000 万元）" in page


async def test_the_review_page_shows_both_ceilings_where_support_was_received_elsewhere(
        browser, session, people, tmp_path) -> None:
    """从高不重复 (issue 11): the measure's ceiling, the deduction and the ceiling that bounds the amounts."""
    from huiqi.applicants import service as applicants

    applicants.save_matter(session, actor=people.bob, uscc=BOB_USCC, matter={
        "id": "p9", "type": "project", "codes": ["key_tech"], "listed": True, "date": "2024-04-01",
        "other_support": 4_000_000})
    app = apply(session, people.bob, matter="p9", measure=13, amount=6_000_000, on=ON, store=tmp_path)
    text = (await browser(people.most).get(f"/review/{app.id}")).text
    assert "上限：600 万元" in text
    assert "措施上限 1000 万元，扣除已获我省其他政策支持 400 万元，差额补足" in text


async def test_the_page_opens_when_the_stored_facts_no_longer_pass_the_rules(browser, session, people,
                                                                             tmp_path) -> None:
    """The applicant's stored region stopped being a code (reference data changed): the review page still opens,
    with the submission's trace, and says why today's check cannot run and approval must wait."""
    from huiqi.applicants import repository

    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=ON, store=tmp_path)
    step(session, "pass_city", people.shenyang, app, on=ON)
    repository.current_profile(session, repository.by_uscc(session, ALICE_USCC).id).region = "219999"
    session.flush()
    page = await browser(people.miit).get(f"/review/{app.id}")
    assert page.status_code == 200
    assert "申报单位登记的信息无法按现行规则复核：注册地（行政区划代码）：" in page.text
    assert "（更正后方可批准）" in page.text
    assert 'id="today"' not in page.text


async def test_the_department_opens_one_announcement_for_the_ticked_applications(browser, session, people, tmp_path,
                                                                                   set_today) -> None:
    """Two applications with proposed amounts go into one 公示 from the queue; a tick on one that is not ready refuses
    the whole (a 公示 is one published list), with nothing written and the dates typed kept."""
    from huiqi.models import Application
    from tests.dbtest import proposed_giants

    ids = [app.id for app in proposed_giants(session, people, 3, tmp_path, proposing=2)]
    set_today(date(2025, 9, 12))
    miit = browser(people.miit)
    queue = (await miit.get("/review")).text
    assert "所选列入同一批公示" in queue and 'action="/review/announcements?page=1"' in queue, "the page it is on"
    assert all(f'name="application_ids" value="{i}"' in queue for i in ids[:2])
    assert f'name="application_ids" value="{ids[2]}"' not in queue, "only those with a proposed amount"
    refused = await miit.post("/review/announcements", data={"application_ids": [str(i) for i in ids],
                                                              "starts_on": "2025-09-15", "title": "第一批"})
    assert refused.status_code == 409 and "未能列入公示" in refused.text and 'value="第一批"' in refused.text
    assert all(re.search(rf'value="{i}" aria-label="[^"]*" checked', refused.text) for i in ids[:2]), \
        "the ticks are kept: the reviewer mends the reason, not the whole selection"
    assert queue.index('form="batch" data-confirm') > queue.index("</table>"), "the button after the rows it acts on"
    assert all(session.get(Application, i).state != "announced" for i in ids)
    done = await miit.post("/review/announcements", data={"application_ids": [str(i) for i in ids[:2]],
                                                           "starts_on": "2025-09-15", "title": "第一批"})
    assert done.status_code == 303 and done.headers["location"].startswith("/announcements/manage#batch-")
    announced = [session.get(Application, i) for i in ids[:2]]
    session.expire_all()
    assert {a.state for a in announced} == {"announced"} and len({a.announcement_id for a in announced}) == 1
    none = await miit.post("/review/announcements", data={"starts_on": "2025-09-15"})
    assert none.status_code == 422 and "请勾选要列入公示的申报" in none.text
    assert (await browser(people.finance).post("/review/announcements", data={
        "application_ids": str(ids[2]), "starts_on": "2025-09-15"})).status_code == 403


async def test_a_short_budget_is_said_before_approving(browser, session, people, tmp_path, set_today) -> None:
    """The budget left is below the amount to approve: the page says so and the 批准 button is disabled with the
    reason, rather than a refusal after the confirmation; the service's refusal still guards the step."""
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)
    finance = browser(people.finance)
    set_today(date(2025, 10, 13))
    unset = (await finance.get(f"/review/{app.id}")).text
    assert "今年尚未设定辽政办〔2022〕35号措施3的预算，设定后方可批准" in unset and "disabled" in _approve_button(unset)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=500_000)
    short = (await finance.get(f"/review/{app.id}")).text
    assert "辽政办〔2022〕35号措施3预算余额 50 万元，不足以批准 80 万元：调整预算后方可批准" in short
    assert "2025 年度辽政办〔2022〕35号措施3预算余额：<b>50 万元</b>" in short, "措施3 of which policy"
    button = _approve_button(short)
    assert "disabled" in button and "data-confirm" not in button
    refused = await finance.post(f"/review/{app.id}/approve")
    assert refused.status_code == 409 and "预算余额 50 万元" in refused.text and app.state == "announced"
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=800_000)
    enough = (await finance.get(f"/review/{app.id}")).text
    assert "disabled" not in _approve_button(enough) and "不足以批准" not in enough


def _approve_button(page: str) -> str:
    return re.search(r'id="form-approve".*?(<button[^>]*>)', page, re.S).group(1)  # type: ignore[union-attr]


async def test_the_batch_forms_mark_the_refused_field_and_the_row_boxes(browser, session, people, tmp_path,
                                                                        set_today) -> None:
    """The queue's batch 公示: a refused date or count is marked on its own box; no row ticked marks the rows'
    boxes, the first by the id the summary links to, all described by the reason said once above the table."""
    from tests.dbtest import proposed_giants

    ids = [app.id for app in proposed_giants(session, people, 2, tmp_path, proposing=2)]
    set_today(date(2025, 9, 12))
    miit = browser(people.miit)
    days = await miit.post("/review/announcements", data={"application_ids": [str(i) for i in ids],
                                                           "starts_on": "2025-09-15", "working_days": "五"})
    assert days.status_code == 422 and [f for f, _ in marked(days.text)] == ["f-working_days"]
    none = await miit.post("/review/announcements", data={"starts_on": "2025-09-15"})
    assert none.status_code == 422
    assert marked(none.text) == [("f-application_ids", "请勾选要列入公示的申报（已拟定金额）"),
                                 ("", "请勾选要列入公示的申报（已拟定金额）")]


async def test_finance_cannot_reject_while_the_announcement_runs(browser, client, session, people, tmp_path,
                                                                set_today) -> None:
    """An objection during 公示 sends it back to review; finance's step, either way, follows the 公示: 不予支持 is
    held back as 批准 is, on the page, the API and the service."""
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)  # 公示 2025-09-29 to 2025-10-11
    finance, token = browser(people.finance), bearer(session, people.finance)
    said = "公示期至 2025-10-11，期满后方可批准或不予支持"
    for day in (date(2025, 9, 26), date(2025, 10, 11)):  # before it starts, and on its last day
        set_today(day)
        page = (await finance.get(f"/review/{app.id}")).text
        assert said in page and 'id="form-reject"' not in page and 'id="form-approve"' not in page
        forged = await finance.post(f"/review/{app.id}/reject", data={"reasons": "不符合条件"})
        assert forged.status_code == 409 and said in forged.text
        api = await client.post(f"/api/v1/reviews/{app.id}/reject", json={"reasons": "不符合条件"}, headers=token)
        assert api.status_code == 409 and said in api.json()["detail"]
        listed = (await client.get(f"/api/v1/reviews/{app.id}", headers=token)).json()["actions"]
        assert "reject" not in listed and "approve" not in listed
        assert app.state == "announced"
    set_today(date(2025, 10, 13))
    assert 'id="form-reject"' in (await finance.get(f"/review/{app.id}")).text
    done = await finance.post(f"/review/{app.id}/reject", data={"reasons": "经复核不符合条件"})
    assert done.status_code == 303 and app.state == "rejected"


async def test_a_city_reviewer_does_not_see_the_account(browser, client, session, people, alice_h1) -> None:
    """The account is finance's to pay into and the lead department's to check; a city's pre-review needs it not."""
    city, token = browser(people.shenyang), bearer(session, people.shenyang)
    bank = "中国工商银行沈阳分行（测试）"
    page = (await city.get(f"/review/{alice_h1.id}")).text
    assert "<h1>申报 #" in page and "收款账户" not in page and bank not in page and "尾号 2222" not in page
    assert (await client.get(f"/api/v1/reviews/{alice_h1.id}", headers=token)).json()["payee"] == ""
    own = await client.get(f"/api/v1/applications/{alice_h1.id}", headers=token)
    assert own.status_code == 200 and own.json()["payee_bank"] is None and own.json()["payee_account"] is None
    shown = await city.get(f"/applications/{alice_h1.id}")
    assert shown.status_code in (200, 403, 404) and bank not in shown.text and "2222" not in shown.text
    await city.post(f"/review/{alice_h1.id}/pass_city")
    department = (await browser(people.miit).get(f"/review/{alice_h1.id}")).text
    assert f"收款账户：{bank} 尾号 2222" in department, "the lead department may check it"
    api = (await client.get(f"/api/v1/reviews/{alice_h1.id}", headers=bearer(session, people.miit))).json()
    assert api["payee"] == f"{bank} 尾号 2222"


async def test_an_announcement_not_yet_started_is_not_said_to_run(browser, session, people, tmp_path,
                                                                  set_today) -> None:
    """Listed on 2025-09-10 in a 公示 from 2025-09-29: the page, its timeline and 办理 say it has not yet started,
    as the 公示 export does; once it runs, the form is there."""
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    department = browser(people.miit)
    set_today(date(2025, 9, 26))
    page = (await department.get(f"/review/{app.id}")).text
    assert '<span class="badge state">公示未开始</span>（2025-09-29 起）' in page
    timeline = page[page.index('id="timeline"'):page.index('id="decisions"')]
    assert "→ 公示未开始 <span" in timeline and "公示中" not in timeline
    decisions = page[page.index('id="decisions"'):]
    assert "现在尚未开始：自 2025-09-29 起可在此记录异议" in decisions and 'id="form-object"' not in decisions
    set_today(date(2025, 9, 29))
    running = (await department.get(f"/review/{app.id}")).text
    assert '<span class="badge state">公示中</span> ·' in running and 'id="form-object"' in running
    assert "→ 公示未开始 <span" in running, "the step's day: listed before its 公示 began"


async def test_a_row_box_is_a_tap_target(browser, session, people, tmp_path, set_today) -> None:
    """At 390 px a bare checkbox is some 13 px: each row's box sits in a label of at least 24 px (44 px on a phone)."""
    from pathlib import Path

    to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3, amount=1_000_000,
                 store=tmp_path)
    set_today(date(2025, 10, 13))
    page = (await browser(people.finance).get("/review")).text
    assert '<label class="tap"><input type="checkbox" id="f-application_ids" form="batch"' in page
    css = (Path(__file__).parents[2] / "src/huiqi/web/static/css/huiqi.css").read_text()
    assert "label.tap { display: inline-flex; align-items: center; justify-content: center; min-width: 24px; " \
           "min-height: 24px;" in css and "label.tap { min-width: 44px; min-height: 44px; }" in css
