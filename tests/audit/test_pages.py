"""The audit page: the chain's state, the latest events, the filter, and the Excel of what is listed."""

import io

import openpyxl
import pytest
from sqlalchemy import text

from huiqi.funding import service as budgets
from huiqi.users import service as users
from tests.dbtest import unguard

pytestmark = pytest.mark.anyio


async def test_page_shows_intact_chain_and_events(browser, session, people) -> None:
    users.change_role(session, actor=people.admin, username="dalian", role="finance")
    response = await browser(people.auditor).get("/audit")
    assert response.status_code == 200
    assert "完好" in response.text and "user.role" in response.text and "用户" in response.text
    only = await browser(people.admin).get("/audit", params={"entity": "user", "entity_id": str(people.dalian.id)})
    assert "共 2 条" in only.text and "finance" in only.text and "system" in only.text


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
    assert "预算 2025/ln-2022-35/3：预算金额为 2,000,000 元，审计事件记载为 1,000,000 元" in response.text


async def test_export_lists_the_filtered_events(browser, session, people) -> None:
    users.change_role(session, actor=people.admin, username="dalian", role="finance")
    response = await browser(people.auditor).get("/audit/events.xlsx", params={"entity": "user",
                                                                              "entity_id": str(people.dalian.id)})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == f"审计记录（用户 {people.dalian.id}）"
    assert rows[1][:4] == ("序号", "时间（北京时间）", "操作人", "操作")
    assert [(r[2], r[3]) for r in rows[2:]] == [("admin", "user.role"), ("system", "user.create")]
    assert '"finance"' in rows[2][7]


@pytest.mark.parametrize("who", ["alice", "shenyang", "miit", "finance"])
async def test_others_are_refused(browser, people, who) -> None:
    client = browser(getattr(people, who))
    page = await client.get("/audit")
    assert page.status_code == 403 and "user.create" not in page.text
    assert (await client.get("/audit/events.xlsx")).status_code == 403
