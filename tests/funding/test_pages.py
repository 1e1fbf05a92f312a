"""Finance's budgets page: budget, committed, paid and left in 万元; setting a budget; Excel."""

import io
import re
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from huiqi.funding import service as budgets
from huiqi.models import Budget
from tests.dbtest import little_giant_firm, step, to_announced
from tests.webtest import marked

pytestmark = pytest.mark.anyio
TOO_LONG = "金额过长：以万元为单位，只写数字和小数点，如 100 或 12.3456（不超过 40 个字符）"
NOT_A_FIGURE = "「1e5」不是数字：以万元为单位，只写数字和小数点，如 100 或 12.3456"


async def test_finance_sets_a_budget_in_wan(browser, people) -> None:
    finance = browser(people.finance)
    done = await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "500.5"})
    assert done.status_code == 303 and done.headers["location"] == "/budgets?year=2025"
    page = (await finance.get("/budgets", params={"year": 2025})).text
    assert "500.5" in page and '<span class="small muted">辽政办〔2022〕35号</span><br>措施3 培育中小企业</td>' in page
    assert "✓ 2025年度 辽政办〔2022〕35号 措施3 培育中小企业 预算已设定为 500.5 万元" in page, "the message says it"
    exact = await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "12.3456"})
    assert exact.status_code == 303
    said = (await finance.get("/budgets", params={"year": 2025})).text
    assert "预算已设定为 12.3456 万元" in said, "exactly, as typed, with the space every amount has"
    bad = await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "1.000001"})
    assert bad.status_code == 422 and "四位小数" in bad.text and 'value="1.000001"' in bad.text
    assert '<a href="#f-amount">预算（万元）：' in bad.text, "named as the form names it"
    for year, said in (("abcd", "年度：请填写四位数年份，如 2026"), ("1900", "年度：年度应在 2000 至 2100 之间")):
        wrong = await finance.post("/budgets", data={"year": year, "measure": "3", "amount": "1"})
        assert wrong.status_code == 422 and said in wrong.text, year
    wide = await finance.post("/budgets", data={"year": "２０２５", "measure": "3", "amount": "600"})
    assert wide.status_code == 303 and wide.headers["location"] == "/budgets?year=2025"


async def test_a_budget_set_meanwhile_is_not_silently_replaced(browser, people) -> None:
    """Two people on the budgets page set one measure's budget: the second, whose page showed the amount before the
    first's, is refused (409) and sees the amount now set; sending it again from that page sets it."""
    finance = browser(people.finance)
    page = (await finance.get("/budgets", params={"year": 2025})).text
    seen = dict(re.findall(r'name="(seen[^"]*)" value="([^"]*)"', page))
    assert seen == {"seen_year": "2025"}, "nothing set yet"
    first = await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "500", **seen})
    assert first.status_code == 303
    second = await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "800", **seen})
    assert second.status_code == 409
    assert "2025年度这项措施的预算刚刚已由省财政厅经办人（财政人员）改为 500 万元" in second.text
    again = dict(re.findall(r'name="(seen[^"]*)" value="([^"]*)"', second.text))
    assert again == {"seen_year": "2025", "seen-ln-2022-35/3": "5000000"}
    assert (await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "800", **again})
            ).status_code == 303
    tampered = await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "1",
                                                    **again, "seen-ln-2022-35/3": "很多"})
    assert tampered.status_code == 422 and "预算（万元）：页面显示的预算已无法核对：请刷新页面后再设定" in tampered.text
    other_year = await finance.post("/budgets", data={"year": "2026", "measure": "3", "amount": "1", **again})
    assert other_year.status_code == 303, "a year the page did not show: nothing was seen, nothing checked"


async def test_a_budget_above_ten_yi_is_asked_about_before_it_is_set(browser, session, people) -> None:
    """5,000,000 typed as yuan into the 万元 field is 500亿元: the page asks, keeps what was typed, sets nothing;
    ticking 金额无误 sets it."""
    finance = browser(people.finance)
    asked = await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "5000000"})
    assert asked.status_code == 422 and 'value="5000000"' in asked.text
    assert "5000000 万元（500 亿元）超过一项措施一年 10 亿元的常见上限：请核对是否按万元填写" in asked.text
    assert 'name="large" value="1"' in asked.text
    assert session.scalar(select(func.count(Budget.id))) == 0
    assert (await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "100000"})
            ).status_code == 303, "10亿元 itself is set without a question"
    sure = await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "5000000", "large": "1"})
    assert sure.status_code == 303
    assert session.scalar(select(Budget.amount)) == 50_000_000_000


async def test_left_decreases_after_approval(browser, session, people, tmp_path) -> None:
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=5_000_000)
    step(session, "approve", people.finance, app.id, on=date(2025, 10, 13))
    step(session, "disburse", people.finance, app.id, on=date(2025, 10, 20), paid_on=date(2025, 10, 20),
                           reference="PAY-7")
    mine = (await browser(people.alice).get(f"/applications/{app.id}")).text
    paid = mine[mine.index('id="payment"'):]
    assert "<b>80 万元</b>" in paid[:200] and "2025-10-20 · 凭证号 PAY-7" in paid[:300], "the enterprise sees it"
    page = (await browser(people.auditor).get("/budgets", params={"year": 2025})).text
    row = page.split('id="budgets"')[1].split("</tr>")[1]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:5]] == ["500", "80", "80", "420"]
    assert "PAY-7" in page and "设定预算" not in page  # the auditor reads, finance sets
    got = await browser(people.finance).get("/budgets.xlsx", params={"year": 2025})
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    assert rows[2][rows[1].index("余额（元）")] == 4_200_000 and rows[2][rows[1].index("余额（万元）")] == 420
    assert rows[2][rows[1].index("设定人")] == "省财政厅经办人（财政人员）"  # a person, not a login name
    assert rows[2][rows[1].index("措施")] == "辽政办〔2022〕35号 措施3 培育中小企业", "one policy budgeted: still named"
    paid = await browser(people.finance).get("/disbursements.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(paid.content)).active.iter_rows(values_only=True))
    assert rows[2][rows[1].index("凭证号")] == "PAY-7" and rows[2][rows[1].index("拨付金额（万元）")] == 80
    assert rows[2][rows[1].index("经办人")] == "省财政厅经办人（财政人员）"
    below = await browser(people.finance).post("/budgets", data={"year": "2025", "measure": "3", "amount": "50"})
    assert below.status_code == 422 and 'value="50"' in below.text
    assert ('<a href="#f-amount">预算（万元）：2025 年度辽政办〔2022〕35号措施3已批准 80 万元，预算不能低于此数'
            in below.text), "beside the field, naming the measure and the year"


async def test_reviewers_cannot_see_budgets(browser, people) -> None:
    page = await browser(people.miit).get("/budgets")
    assert page.status_code == 403 and "查看预算" in page.text


async def test_budgets_of_two_policies_name_the_policy(browser, session, people, set_today) -> None:
    """措施1 of one policy is not 措施1 of another: with budgets of two policies, each row names its policy."""
    from pathlib import Path

    from huiqi.catalogue import service as catalogue
    from huiqi.users import service as users
    from huiqi.users.scope import SYSTEM

    set_today(date(2025, 9, 1))
    second = users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                               password="correct horse battery")
    text = (Path(__file__).parents[1] / "fixtures" / "second-policy.yaml").read_text("utf-8")
    version = catalogue.add(session, actor=people.admin, text=text, file_name="second-policy.yaml")
    catalogue.publish(session, actor=second, version_id=version.id)
    finance = browser(people.finance)
    form = (await finance.get("/budgets", params={"year": 2025})).text
    assert "辽政办〔2022〕35号 措施3 培育中小企业</option>" in form and "测试〔2024〕1号 措施1 " in form
    for measure in ("ln-2022-35/1", "test-successor/1"):
        done = await finance.post("/budgets", data={"year": "2025", "measure": measure, "amount": "100"})
        assert done.status_code == 303, done.text
    page = (await finance.get("/budgets", params={"year": 2025})).text
    rows = page.split('id="budgets"')[1].split("</tbody>")[0]
    assert '<span class="small muted">辽政办〔2022〕35号</span><br>措施1 发展总部经济</td>' in rows
    assert '<span class="small muted">测试〔2024〕1号</span><br>措施1 ' in rows
    got = await finance.get("/budgets.xlsx", params={"year": 2025})
    cells = [r[1] for r in list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))[2:]]
    assert "辽政办〔2022〕35号 措施1 发展总部经济" in cells
    assert any(c.startswith("测试〔2024〕1号 措施1 ") for c in cells)


async def test_finance_approves_the_ticked_entries_of_ended_announcements(browser, session, people, tmp_path,
                                                                         set_today) -> None:
    """All approved: back to the queue as it was (303), saying how many and how much, so F5 sends nothing again.
    Some refused: the queue at once (409) with each refusal said and the refused rows still ticked."""
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)
    other = to_announced(session, little_giant_firm(session, 1), [people.shenyang, people.miit], matter="h1", measure=3,
                         amount=1_000_000, proposed=800_000, store=tmp_path)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=1_000_000)
    finance = browser(people.finance)
    set_today(date(2025, 10, 10))
    running = (await finance.get("/review")).text
    assert 'href="/budgets#due"' in running, "finance is shown where payments are made in batches"
    assert 'name="application_ids"' not in running, "no tick while its 公示 runs"
    set_today(date(2025, 10, 13))
    queue = (await finance.get("/review", params={"measure": "ln-2022-35/3"})).text
    assert f'name="application_ids" value="{app.id}"' in queue
    assert 'action="/review/approvals?measure=ln-2022-35%2F3&amp;page=1"' in queue, "the batch keeps the list's filters"
    typo = await finance.post("/review/approvals", data={"application_ids": [str(app.id), "12abc"]})
    assert typo.status_code == 422 and marked(typo.text) == [("f-application_ids", "申报编号应为数字"),
                                                             ("", "申报编号应为数字")], "each row's box, one reason"
    done = await finance.post("/review/approvals?measure=ln-2022-35%2F3",
                              data={"application_ids": [str(app.id), str(other.id), "99999"]})
    assert done.status_code == 409 and '<a href="/review">清除条件</a>' in done.text, "shown as it was filtered"
    assert "批量批准：已批准 1 项，共 80 万元；2 项未批准" in done.text and "没有编号为 99999 的申报" in done.text
    assert '<section class="batch-result" role="alert"' in done.text, "one not approved: said at once, not politely"
    assert f'value="{other.id}" aria-label="选择申报 #{other.id}" checked' in done.text, "the refused row stays ticked"
    assert session.get(type(app), app.id).state == "approved"
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=2_000_000)
    again = await finance.post("/review/approvals?measure=ln-2022-35%2F3&page=1",
                               data={"application_ids": [str(other.id)]})
    assert again.status_code == 303 and again.headers["location"] == "/review?measure=ln-2022-35%2F3&page=1"
    shown = (await finance.get(again.headers["location"])).text
    assert "批量批准：已批准 1 项，共 80 万元" in shown and session.get(type(other), other.id).state == "approved"
    none = await finance.post("/review/approvals", data={})
    assert none.status_code == 422 and "申报：批量批准须选择 1 至 100 项申报" in none.text
    bad = await finance.post("/review/approvals", data={"application_ids": "12abc"})
    assert bad.status_code == 422 and "申报编号应为数字" in bad.text
    assert (await browser(people.miit).post("/review/approvals", data={"application_ids": str(app.id)})
            ).status_code == 403


async def test_payments_name_whose_they_are_and_page_in_sql(browser, session, people, tmp_path) -> None:
    """The 拨付记录 table and its Excel are matched against the treasury's record: each row names its 申报单位, credit
    code, policy and measure; the table pages (?page=2); the finance queue's Excel says what was approved and when."""
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=5_000_000)
    step(session, "approve", people.finance, app.id, on=date(2025, 10, 13))
    finance = browser(people.finance)
    queue = (await finance.get("/review.xlsx", params={"state": "approved"})).content
    rows = list(openpyxl.load_workbook(io.BytesIO(queue)).active.iter_rows(values_only=True))
    assert rows[2][rows[1].index("批准金额（万元）")] == 80 and rows[2][rows[1].index("批准日期")] is not None
    step(session, "disburse", people.finance, app.id, on=date(2025, 10, 20), paid_on=date(2025, 10, 20),
         reference="PAY-7")
    table = (await finance.get("/budgets")).text.split('id="payments"')[1].split("</table>")[0]
    assert app.uscc in table and "辽政办〔2022〕35号</span><br>措施3 培育中小企业" in table
    assert '<td data-label="申报单位">' in table and f'<td data-label="申报单位">{app.uscc}<' not in table, "a name"
    got = await finance.get("/disbursements.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    row = dict(zip(rows[1], rows[2], strict=True))
    assert row["统一社会信用代码"] == app.uscc and row["政策"] == "辽政办〔2022〕35号"
    assert row["措施"] == "措施3 培育中小企业" and row["申报单位"] and row["申报单位"] != app.uscc
    api = (await finance.get("/api/v1/disbursements")).json()
    assert api["total"] == 1 and api["items"][0]["uscc"] == app.uscc and api["items"][0]["measure"] == 3
    second = (await finance.get("/budgets", params={"page": 2})).text
    assert "PAY-7" not in second.split('id="payments"')[1].split("</table>")[0] and "只有 1 页" in second


@pytest.mark.parametrize(("year", "amount", "said", "shown"), [
    ("2025", "50\x000", [("f-amount", "不能含有空字符（NUL）")], ("2025", "500")),
    ("20\x0025", "500", [("f-year", "不能含有空字符（NUL）")], ("2025", "500")),
    ("2025", "5\x1b00", [("f-amount", "不能含有控制字符（U+001B）")], ("2025", "500")),
    ("2025", "5" * 500, [("f-amount", TOO_LONG)],
     ("2025", "5" * 100)),
    ("2" * 500, "500", [("f-year", "请填写四位数年份，如 2026")], ("2" * 100, "500")),
    ("2025", str(10**30), [("f-amount", "金额过大：不能超过 1000万亿元")], ("2025", str(10**30))),
    ("2025", "1e5", [("f-amount", NOT_A_FIGURE)], ("2025", "1e5")),
    ("2025", "-5", [("f-amount", "金额不能为负数")], ("2025", "-5")),
])
async def test_a_forged_year_or_amount_is_said_beside_its_box(browser, session, people, year, amount, said,
                                                               shown) -> None:
    """A NUL in the year or the amount used to end on the bare error page, the form lost."""
    refused = await browser(people.finance).post("/budgets", data={"year": year, "measure": "3", "amount": amount})
    assert refused.status_code == 422 and "<h1>输入有误</h1>" not in refused.text and "\x00" not in refused.text
    assert marked(refused.text) == said
    assert (re.search(r'id="f-year" name="year"[^>]* value="([^"]*)"', refused.text).group(1),
            re.search(r'id="f-amount" name="amount"[^>]* value="([^"]*)"', refused.text).group(1)) == shown
    assert session.scalar(select(func.count()).select_from(Budget)) == 0, "nothing set"


@pytest.mark.parametrize(("typed", "said"), [
    ("2025-10-21", "2025-10-21 晚于今天（2025-10-20），尚未发生的拨付不能登记"),
    ("2025-01-01", "2025-01-01 早于批准日期 2025-10-13，拨付须在批准之后"),
])
async def test_a_payment_date_out_of_its_range_is_said_beside_its_box(browser, session, people, tmp_path, set_today,
                                                                      typed, said) -> None:
    """A payment dated after today or before its approval is a date mistyped, not someone acting first: 422, said
    beside 拨付日期 and named by it, the date and voucher kept, nothing recorded."""
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id=app.policy_id, measure=3, amount=5_000_000)
    step(session, "approve", people.finance, app.id, on=date(2025, 10, 13))
    set_today(date(2025, 10, 20))
    refused = await browser(people.finance).post(f"/review/{app.id}/disburse",
                                                 data={"paid_on": typed, "reference": "PAY-8"})
    assert refused.status_code == 422 and "<h1>申报 #" in refused.text
    assert marked(refused.text) == [("f-paid_on", said)]
    assert f'<a href="#f-paid_on">拨付日期：{said}</a>' in refused.text, "named by its label"
    form = refused.text.split('id="form-disburse"')[1].split("</form>")[0]
    assert f'value="{typed}"' in form and 'value="PAY-8"' in form
    session.refresh(app)
    assert app.state == "approved"


@pytest.mark.parametrize(("typed", "said", "shown"), [
    ("1900", "应为 2000 至 2100 的年份（现为“1900”）", "1900"),
    ("abc", "应为 2000 至 2100 的年份（现为“abc”）", "abc"),
    ("20\x0025", "不能含有空字符（NUL）", "2025"),
    ("9" * 200, f"应为 2000 至 2100 的年份（现为“{'9' * 8}”）", "9" * 100),
])
async def test_a_wrong_year_is_said_beside_the_year_box(browser, session, people, typed, said, shown) -> None:
    """A year the budgets page cannot read is said beside its year box, as typed, the rest of the page shown (the
    budget form, what waits for payment, the payments) but no year's budgets, which would read as that year's."""
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=5_000_000)
    finance = browser(people.finance)
    wrong = await finance.get("/budgets", params={"year": typed})
    assert wrong.status_code == 422 and "<h1>预算</h1>" in wrong.text and "输入有误" not in wrong.text
    assert marked(wrong.text) == [("f-view-year", said)]
    assert f'<a href="#f-view-year">年度：{said}</a>' in wrong.text
    assert f'id="f-view-year" name="year" inputmode="numeric" value="{shown}"' in wrong.text
    assert "\x00" not in wrong.text
    assert 'id="budgets"' not in wrong.text and "budgets.xlsx" not in wrong.text, "no year's figures, no export"
    assert 'id="set-budget"' in wrong.text and 'id="payments"' in wrong.text and 'id="due"' in wrong.text
    assert 'name="seen_year" value=""' in wrong.text, "the form saw no year's budgets"
    export = await finance.get("/budgets.xlsx", params={"year": typed})
    assert export.status_code == 422 and said in export.text
    wide = await finance.get("/budgets", params={"year": "２０２５"})
    assert wide.status_code == 200 and "<h1>2025 年度预算</h1>" in wide.text and 'value="2025"' in wide.text
    blank = await finance.get("/budgets", params={"year": ""})
    assert blank.status_code == 200 and "年度预算</h1>" in blank.text


def _low_cell(page: str, measure: str) -> str:
    """The 余额提示 cell of the budgets table's row of ``measure`` (措施3 培育中小企业)."""
    row = next(r for r in page.split('id="budgets"')[1].split("</table>")[0].split("<tr>") if measure in r)
    return row.split('data-label="余额提示">')[1].split("</td>")[0]


async def test_a_budget_nearly_spent_is_flagged_on_the_page_and_in_its_excel(browser, session, people, tmp_path,
                                                                            set_today) -> None:
    """预算 85 / 已批准 80 / 余额 5 万元: under a tenth of the year's amount left, said in 万元 with the share used."""
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id=app.policy_id, measure=3, amount=850_000)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id=app.policy_id, measure=4, amount=1_000_000)
    set_today(date(2025, 10, 13))
    step(session, "approve", people.finance, app.id, on=date(2025, 10, 13))
    page = (await browser(people.finance).get("/budgets", params={"year": 2025})).text
    said = "余额 5 万元，不足年度预算的 10%（已使用 94%）"
    assert _low_cell(page, "措施3 ") == f'<span class="badge no">余额偏低</span> <span class="small">{said}</span>'
    assert _low_cell(page, "措施4 ") == '<span class="muted">—</span>', "a budget untouched is not flagged"
    assert "<b>1 项措施预算余额偏低</b>" in page
    got = await browser(people.auditor).get("/budgets.xlsx", params={"year": 2025})
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    flagged = {row[rows[1].index("措施")]: row[rows[1].index("余额提示")] for row in rows[2:]}
    assert flagged == {"辽政办〔2022〕35号 措施3 培育中小企业": said,
                       "辽政办〔2022〕35号 措施4 鼓励制造业企业剥离成立软件企业": None}, "blank where not flagged"


async def test_a_budget_short_of_what_waits_for_approval_is_flagged(browser, session, people, tmp_path,
                                                                   set_today) -> None:
    """An amount in 公示 (80 万元) beyond what is left (50 万元) of this year's budget is said: approving it would be
    refused. A past year's budget is not flagged for it: an approval draws on the budget of the year it is made in."""
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)
    for year in (2024, 2025):
        budgets.set_budget(session, actor=people.finance, year=year, policy_id=app.policy_id, measure=3, amount=500_000)
    set_today(date(2025, 10, 1))
    finance = browser(people.finance)
    page = (await finance.get("/budgets", params={"year": 2025})).text
    assert _low_cell(page, "措施3 ") == ('<span class="badge no">余额偏低</span> <span class="small">余额 50 万元，'
                                       '少于已拟定金额和公示中待批准的 80 万元</span>')
    past = (await finance.get("/budgets", params={"year": 2024})).text
    assert _low_cell(past, "措施3 ") == '<span class="muted">—</span>' and "预算余额偏低" not in past


@pytest.mark.parametrize("forged", ["20255", "abcd", "20\x0025", "1999", "9" * 40])
async def test_a_forged_year_shown_is_said_on_the_page_and_nothing_set(browser, session, people, forged) -> None:
    """The hidden 页面显示的年度 that no page wrote: the budgets page again saying it cannot be checked, nothing set; it
    was the generic error page (too long, a NUL) or, worse, no check at all (a word)."""
    finance = browser(people.finance)
    refused = await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "500",
                                                   "seen_year": forged})
    assert refused.status_code == 422 and "<h1>输入有误</h1>" not in refused.text, refused.text[:500]
    assert "页面显示的年度（请刷新页面后再试）：无法核对，未设定" in refused.text and 'id="set-budget"' in refused.text
    assert session.scalar(select(func.count()).select_from(Budget)) == 0
    nul = await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "500", "seen_year": "2025",
                                               "seen-ln-2022-35/3": "0\x00"})
    assert nul.status_code == 422 and "预算（万元）：页面显示的预算已无法核对：请刷新页面后再设定" in nul.text
    assert (await finance.post("/budgets", data={"year": "2025", "measure": "3", "amount": "500", "seen_year": "",
                                                 })).status_code == 303, "a page that showed no year"


async def test_a_budget_set_by_another_role_is_refused_in_sight_saying_who_sets_it(browser, session, people) -> None:
    """A forged request (a valid CSRF token) from the auditor or the admin, whole or empty: refused as a role (403), the
    reason on the budgets page they read, not a page that merely fails to change (the reason sat in finance's form)."""
    for who, role in ((people.auditor, "审计人员"), (people.admin, "管理员")):
        for sent in ({"year": "2025", "measure": "3", "amount": "100"}, {}):
            refused = await browser(who).post("/budgets", data=sent)
            said = refused.text[refused.text.index('role="alert"'):]
            assert refused.status_code == 403 and f"{role}无权设定预算（由财政人员办理）" in said[:600], (role, sent)
            assert ">未能设定预算</h2>" in said[:300], "a refusal, not something to correct"
            assert 'id="budgets"' in refused.text or "请在上方填写要查看的年度" in refused.text  # the page, still
    assert session.scalar(select(func.count()).select_from(Budget)) == 0
