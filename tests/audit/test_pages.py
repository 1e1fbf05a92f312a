"""The audit page: the chain's state, the latest events, the filter, and the Excel of what is listed."""

import io

import openpyxl
import pytest
from sqlalchemy import text

from huiqi.audit import service as audit
from huiqi.funding import service as budgets
from huiqi.users import service as users
from tests.dbtest import unguard

pytestmark = pytest.mark.anyio


async def test_page_shows_intact_chain_and_events(browser, session, people) -> None:
    users.change_role(session, actor=people.admin, username="dalian", role="finance")
    response = await browser(people.auditor).get("/audit")
    assert response.status_code == 200
    assert "完好" in response.text and "用户" in response.text
    link = f'变更角色 <a href="/audit?entity=user&amp;entity_id={people.dalian.id}"'
    assert '系统管理员 <span class="small muted">（登录名 admin）</span> 于 ' in response.text and link in response.text
    assert "新角色：财政人员" in response.text and "user.role" not in response.text
    only = await browser(people.admin).get("/audit", params={"entity": "user", "entity_id": str(people.dalian.id)})
    assert "共 2 条" in only.text and "系统（自动） 于" in only.text and "创建用户" in only.text
    assert "<details" in only.text and "&#34;finance&#34;" in only.text  # the raw record, behind a toggle


async def test_events_read_as_sentences_with_names_dates_and_wan(browser, session, people) -> None:
    audit.record(session, actor="finance", action="application.disbursed", entity="application", entity_id=16,
                 after={"amount": 800_000, "paid_on": "2025-12-04", "reference": "PZ-1"})
    response = await browser(people.auditor).get("/audit")
    said = response.text.split("<details")[0]
    assert "省财政厅经办人（财政人员） <span class=\"small muted\">（登录名 finance）</span> 于 " in said
    assert "（付款日期 2025年12月4日） 登记拨付 <a href=\"/review/16\">申报 #16</a>，金额 80 万元" in said
    assert "application.disbursed" not in response.text and "800000" not in response.text.split("<details")[0]


async def test_page_says_where_the_chain_breaks(browser, session, people) -> None:
    unguard(session)
    session.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    response = await browser(people.auditor).get("/audit")
    assert "审计链已断开" in response.text and "缺少第 3–3 条审计记录" in response.text


async def test_page_names_a_business_row_that_differs_from_the_events(browser, session, people) -> None:
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=1_000_000)
    session.execute(text("UPDATE budgets SET amount = 2000000"))
    response = await browser(people.auditor).get("/audit")
    assert "完好" not in response.text and "审计链已断开" not in response.text
    assert "业务数据与审计记录不符（1 处）" in response.text
    assert ("2025年度 辽政办〔2022〕35号 措施3 的预算：预算金额为 2,000,000 元，审计事件记载为 1,000,000 元"
            in response.text)


async def test_export_lists_the_filtered_events(browser, session, people) -> None:
    users.change_role(session, actor=people.admin, username="dalian", role="finance")
    response = await browser(people.auditor).get("/audit/events.xlsx", params={"entity": "user",
                                                                              "entity_id": str(people.dalian.id)})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == f"审计记录（用户 {people.dalian.id}）"
    assert rows[1][:5] == ("序号", "记录时间（北京时间）", "操作人", "登录名", "事件")
    assert [r[2:4] for r in rows[2:]] == [("系统管理员", "admin"), ("系统（自动）", "system")]
    assert "变更角色 用户" in rows[2][4] and [r[-1] for r in rows[2:]] == ["user.role", "user.create"]
    assert '"finance"' in rows[2][10] and rows[1][-1] == "操作代码（原始记录）"  # said to be the record as kept
    refused = await browser(people.auditor).get("/audit/events.xlsx", params={"since": "20250101"})
    assert refused.status_code == 422 and "起始日期" in refused.text and "应为日期（YYYY-MM-DD）" in refused.text
    assert 'value="20250101"' in refused.text, "the audit page with its filter form, not the bare error page"


async def test_export_has_the_amount_as_yuan_and_wan_numbers(browser, session, people) -> None:
    audit.record(session, actor="finance", action="application.disbursed", entity="application", entity_id=16,
                 after={"amount": 800_000, "paid_on": "2025-12-04", "reference": "PZ-1"})
    response = await browser(people.auditor).get("/audit/events.xlsx", params={"entity": "application"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][7:9] == ("金额（元）", "金额（万元）") and rows[2][7:9] == (800_000, 80)
    assert rows[1][5:7] == ("记录类别", "记录编号") and rows[2][5:7] == ("申报", 16)  # a number, not the text "16"


@pytest.mark.parametrize("who", ["alice", "shenyang", "miit", "finance"])
async def test_others_are_refused(browser, people, who) -> None:
    client = browser(getattr(people, who))
    page = await client.get("/audit")
    assert page.status_code == 403 and "user.create" not in page.text
    assert (await client.get("/audit/events.xlsx")).status_code == 403


async def test_a_budget_is_cited_by_the_policys_number(browser, session, people) -> None:
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=1_000_000)
    response = await browser(people.auditor).get("/audit")
    said = response.text.split("<details")[0]
    assert "设定预算 <a href=" in said and "2025年度措施3（辽政办〔2022〕35号）预算</a>，金额 100 万元" in said
    got = await browser(people.auditor).get("/audit/events.xlsx", params={"entity": "budget"})
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    assert "2025年度措施3（辽政办〔2022〕35号）预算" in rows[2][4] and "ln-2022-35" not in rows[2][4]


async def test_the_trail_is_filtered_by_who_and_by_day(browser, session, people) -> None:
    from datetime import timedelta

    from sqlalchemy import select

    from huiqi.models import AuditEvent

    users.change_role(session, actor=people.admin, username="dalian", role="finance")
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=1_000_000)
    auditor = browser(people.auditor)
    by_name = await auditor.get("/audit", params={"who": "管理员"})  # part of a display name
    assert "变更角色" in by_name.text and "设定预算" not in by_name.text and 'value="管理员"' in by_name.text
    by_login = await auditor.get("/audit", params={"who": "finance"})
    assert "设定预算" in by_login.text and "变更角色" not in by_login.text
    assert 'href="/audit/events.xlsx?who=finance"' in by_login.text
    # the day is the Beijing day of the moment it was recorded (the trail keeps UTC)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "budget.set")).one()
    day = (event.at + timedelta(hours=8)).date()
    inside = await auditor.get("/audit", params={"who": "finance", "since": str(day), "until": str(day)})
    assert "设定预算" in inside.text
    before = await auditor.get("/audit", params={"who": "finance", "until": str(day - timedelta(days=1))})
    assert "设定预算" not in before.text and "共 0 条" in before.text
    sheet = await auditor.get("/audit/events.xlsx", params={"who": "finance", "since": str(day)})
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert [r[-1] for r in rows[2:]] == ["budget.set"]
    # a wrong filter is said once, by the form's label beside its field, and the page keeps its form and filters
    backwards = await auditor.get("/audit", params={"who": "finance", "since": str(day),
                                                    "until": str(day - timedelta(days=1))})
    said = f"截止日期：{day - timedelta(days=1)} 早于起始日期 {day}"
    assert backwards.status_code == 422 and backwards.text.count(said) == 1 and "until：" not in backwards.text
    assert 'id="e-until"' in backwards.text and 'value="finance"' in backwards.text and "筛选条件有误" in backwards.text
    shapeless = await auditor.get("/audit", params={"since": "2026-13-01"})
    assert shapeless.status_code == 422 and "起始日期：2026-13-01 不是有效日期" in shapeless.text
    assert 'value="2026-13-01"' in shapeless.text and "审计链" in shapeless.text


async def test_a_record_is_found_by_its_number_as_the_pages_show_it(browser, session, people) -> None:
    audit.record(session, actor="finance", action="application.disbursed", entity="application", entity_id=16,
                 after={"amount": 1})
    auditor = browser(people.auditor)
    for typed in ("16", "#16", " ＃16 "):
        found = await auditor.get("/audit", params={"entity": "application", "entity_id": typed})
        assert "共 1 条" in found.text, typed
    sheet = await auditor.get("/audit/events.xlsx", params={"entity": "application", "entity_id": "#16"})
    assert len(list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows())) == 3


async def test_an_unknown_kind_of_record_is_refused(browser, people) -> None:
    """``?entity=zzz`` used to list nothing under 全部 without a word."""
    refused = await browser(people.auditor).get("/audit", params={"entity": "zzz"})
    assert refused.status_code == 422 and "记录类别：不认识的记录类别“zzz”，请从列表中选择" in refused.text
    assert 'id="e-entity"' in refused.text and "共 0 条" not in refused.text
    assert (await browser(people.auditor).get("/audit", params={"entity": "budget"})).status_code == 200
    export = await browser(people.auditor).get("/audit/events.xlsx", params={"entity": "zzz", "who": "finance"})
    assert export.status_code == 422 and "text/html" in export.headers["content-type"], "the page, not a sheet"
    assert "记录类别：不认识的记录类别“zzz”，请从列表中选择" in export.text and 'id="e-entity"' in export.text
    assert 'maxlength="64" value="finance"' in export.text, "the filters kept, as the page keeps them"


async def test_an_open_ended_range_of_days_is_said_as_such(browser, people) -> None:
    auditor = browser(people.auditor)
    since = await auditor.get("/audit", params={"since": "2026-12-08"})
    assert "，记录于 2026-12-08 起，" in since.text and " 至 ，" not in since.text
    until = await auditor.get("/audit", params={"until": "2026-12-08"})
    assert "，记录于 2026-12-08 及以前，" in until.text
    both = await auditor.get("/audit", params={"since": "2026-12-01", "until": "2026-12-08"})
    assert "，记录于 2026-12-01 至 2026-12-08，" in both.text


async def test_an_unknown_kind_of_record_in_the_export_is_named_by_its_label(browser, people) -> None:
    refused = await browser(people.auditor).get("/audit/events.xlsx", params={"entity": "bogus"})
    assert refused.status_code == 422 and "记录类别：不认识的记录类别“bogus”" in refused.text
    assert "entity：" not in refused.text
