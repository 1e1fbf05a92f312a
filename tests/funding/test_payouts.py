"""批量拨付: the list of grants approved and not yet paid goes out as a workbook and comes back with the treasury's
dates and vouchers; every row is checked first, then each filled row is paid as if alone."""

import io
import threading
import zipfile
from datetime import date, datetime
from urllib.parse import quote

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications import payee
from huiqi.audit import service as audit
from huiqi.audit.schemas import EventRead
from huiqi.audit.sentences import sentence
from huiqi.errors import ChangedMeanwhile, Conflict, Forbidden, InputError
from huiqi.funding import payouts
from huiqi.funding import service as budgets
from huiqi.models import Application, AuditEvent, Disbursement, Message, User
from huiqi.offers import service as offers
from huiqi.web import excel
from huiqi.web.excel import MAX_UNPACKED, XLSX
from huiqi.workflow.batch import MAX_PAYMENTS, each
from huiqi.workflow.runner import run
from huiqi.workflow.states import Action
from tests.dbtest import (
    TEST_PAYEE,
    batch_beside_one,
    direct_offer,
    little_giant_firm,
    make_people,
    make_records,
    step,
    to_announced,
    while_held,
)
from tests.webtest import bearer

APPROVE_ON = date(2025, 10, 13)  # the 公示 from 2025-09-29 ended on 2025-10-11
PAY_ON = date(2025, 10, 20)
COLUMNS = ["申报编号", "申报单位", "拨付日期", "凭证号"]


def approved(session: Session, people, store, n: int) -> list[int]:
    """``n`` applications under measure 3, each approved for 70万 on ``APPROVE_ON``."""
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                       amount=10_000_000)
    ids = [to_announced(session, little_giant_firm(session, i), [people.shenyang, people.miit], matter="h1",
                        measure=3, amount=1_000_000, proposed=700_000, store=store).id for i in range(n)]
    for application_id in ids:
        step(session, "approve", people.finance, application_id, on=APPROVE_ON)
    return ids


def workbook(rows: list[list[object]], header: list[str] = COLUMNS, title: str | None = "待拨付清单") -> bytes:
    """A list as a person sends it back: a title line, the header, the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems(content: bytes) -> list[str]:
    with pytest.raises(InputError) as refused:
        payouts.read_sheet(content, "清单.xlsx")
    assert {field for field, _ in refused.value.problems} == {"sheet"}
    return [why for _, why in refused.value.problems]


def test_every_way_people_write_a_day_is_read_and_blank_rows_wait() -> None:
    read = payouts.read_sheet(workbook([
        [1, "甲", datetime(2025, 10, 20), "GK-1"],
        ["2", "乙", "2025/10/21", 20251021],  # the number typed as text; a voucher typed as a number
        [3.0, "丙", "2025年10月22日", " GK-3 "],
        [4, "丁", None, None],  # listed, not paid yet
        [None, None, None, None],
        [5, "戊", date(2025, 10, 23), "GK-5"],
    ]), "清单.xlsx")
    assert read.payments == {1: {"paid_on": date(2025, 10, 20), "reference": "GK-1"},
                             2: {"paid_on": date(2025, 10, 21), "reference": "20251021"},
                             3: {"paid_on": date(2025, 10, 22), "reference": "GK-3"},
                             5: {"paid_on": date(2025, 10, 23), "reference": "GK-5"}}
    assert read.blank == 1
    moved = payouts.read_sheet(workbook([["GK-9", "2025-10-24", 9]], header=["凭证号", "拨付日期", "申报编号"],
                                        title=None), "清单.xlsx")
    assert moved.payments == {9: {"paid_on": date(2025, 10, 24), "reference": "GK-9"}}, "columns found by header"


def test_every_bad_row_is_named_by_its_line_and_none_is_taken() -> None:
    said = problems(workbook([
        [1, "甲", "2025-13-01", "GK-1"],  # line 3 (line 1 is the title, line 2 the header)
        [2, "乙", datetime(2025, 10, 20, 9, 30), "GK-2"],
        [3, "丙", "下周", "GK-3"],
        [4, "丁", "2025-10-20", None],
        ["四", "戊", "2025-10-20", "GK-5"],
        [6, "己", "2025-10-20", "X" * 65],
        [7, "庚", "2025-10-20", "GK\x7f7"],
        [8, "辛", "=TODAY()", "GK-8"],
        [9, "壬", "2025-10-20", "GK-9"],  # good, and still not taken: the list is refused whole
        [10, "癸", "明天", "=1+1"],  # a formula and a bad day: both said
    ]))
    assert said == [
        "第 3 行 拨付日期：2025-13-01 不是有效的日期",
        "第 4 行 拨付日期：应为日期，不能带时间",
        "第 5 行 拨付日期：应为日期（如 2026-12-04），收到 '下周'",
        "第 6 行 拨付日期和凭证号须同时填写（只填了拨付日期）",
        "第 7 行 申报编号：应为申报编号（数字），收到 '四'",
        "第 8 行 凭证号：不能超过 64 个字符",
        "第 9 行 凭证号：不能含有控制字符（U+007F）",
        "第 10 行 拨付日期：不能是公式，请直接填写日期、凭证号或金额",
        "第 12 行 拨付日期：应为日期（如 2026-12-04），收到 '明天'；凭证号：不能是公式，请直接填写日期、凭证号或金额",
    ]


def test_a_text_a_spreadsheet_would_take_for_a_formula_is_refused_as_a_formula() -> None:
    """=1+1 typed as text (a leading apostrophe in Excel) is a formula once someone edits the cell: refused as one,
    by the check the single payment form makes too."""
    book = openpyxl.load_workbook(io.BytesIO(workbook([[1, "甲", "2025-10-20", "=1+1"]])))
    book.active["D3"].data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    assert problems(buffer.getvalue()) == ["第 3 行 凭证号：不能是公式，请直接填写日期、凭证号或金额"]


def test_a_voucher_number_excel_turned_into_a_long_number_is_refused() -> None:
    """A 20-digit voucher typed into a column Excel treats as numbers comes back changed in its last digits."""
    said = problems(workbook([[1, "甲", "2025-10-20", 12345678901234567890], [2, "乙", "2025-10-20", 1e16]]))
    why = "数字过长，Excel 已把它当作数字而可能改变了末几位：请把这一列设为“文本”后重新填写"
    assert said == [f"第 {n} 行 凭证号：{why}" for n in (3, 4)]
    assert payouts.read_sheet(workbook([[1, "甲", "2025-10-20", 123456789012345]]), "清单.xlsx").payments == {
        1: {"paid_on": date(2025, 10, 20), "reference": "123456789012345"}}, "fifteen digits are exact"


def test_a_duplicate_line_names_the_first() -> None:
    said = problems(workbook([[1, "甲", "2025-10-20", "GK-1"], [1, "甲", "2025-10-21", "GK-2"]]))
    assert said == ["第 4 行 申报编号 1 与第 3 行重复"]


def test_past_fifty_bad_rows_the_rest_are_counted() -> None:
    said = problems(workbook([[i, "甲", "下周", f"GK-{i}"] for i in range(1, 61)]))
    assert len(said) == 51 and said[-1] == "……另有 10 行有误"


def test_a_file_that_is_not_the_list_is_refused_whole() -> None:
    assert problems(b"not a workbook") == ["清单.xlsx 不是有效的 Excel 工作簿（.xlsx），无法读取"]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", b"0" * (MAX_UNPACKED + 1))
    assert len(bomb.getvalue()) < 1024 * 1024, "small as it is sent"
    assert "解压后超过 64 MB" in problems(bomb.getvalue())[0]
    assert "没有“申报编号”表头" in problems(workbook([[1, 2]], header=["编号", "日期"]))[0]
    assert "缺少“凭证号”列" in problems(workbook([[1, "2025-10-20"]], header=["申报编号", "拨付日期"]))[0]
    assert "没有填写了拨付日期和凭证号的行" in problems(workbook([[1, "甲", None, None]]))[0]
    many = [[i, "甲", "2025-10-20", f"GK-{i}"] for i in range(1, MAX_PAYMENTS + 2)]
    assert f"每次至多登记 {MAX_PAYMENTS} 笔拨付" in problems(workbook(many))[0]


def test_the_list_holds_what_is_approved_and_unpaid(session, people, tmp_path) -> None:
    first, second = approved(session, people, tmp_path, 2)
    step(session, "disburse", people.finance, first, on=PAY_ON, paid_on=PAY_ON, reference="GK-1")
    listed = payouts.due(session, actor=people.finance)
    assert [(d.application.id, d.amount, d.approved_on, d.payee_missing) for d in listed] == [
        (second, 700_000, APPROVE_ON, False)]
    assert listed[0].applicant == "并发测试企业1" and listed[0].title == "培育中小企业"
    with pytest.raises(Forbidden):
        payouts.due(session, actor=people.miit)


def direct_grant(session: Session, people):
    """A 免申即享 grant to alice under measure 3: the offer confirmed, proposed, announced and approved (80万)."""
    offer = direct_offer(session, people)
    with clock.pinned(date(2025, 7, 1)):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    step(session, "propose", people.miit, app, on=date(2025, 7, 2), amount=800_000)
    step(session, "announce", people.miit, app, on=date(2025, 7, 2), starts_on=date(2025, 7, 3))
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=5_000_000)
    step(session, "approve", people.finance, app, on=date(2025, 7, 15))
    return app


def test_a_direct_grant_waits_for_the_enterprise_s_account(session, people) -> None:
    """免申即享: the list says which grants wait for the enterprise to confirm its account, and paying one is refused
    with that reason until it does."""
    app = direct_grant(session, people)
    assert [d.payee_missing for d in payouts.due(session, actor=people.finance)] == [True]
    table = payouts.due_table(session, people.finance)
    assert table.rows[0][table.header.index("备注")] == payouts.PAYEE_MISSING
    with clock.pinned(date(2025, 7, 20)):
        outcomes = each(session, Action.DISBURSE, actor=people.finance,
                        items={app.id: {"paid_on": date(2025, 7, 20), "reference": "D-1"}})
    assert outcomes[0].status == 409 and "尚未确认收款账户" in outcomes[0].detail
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国工商银行沈阳分行",
                  account="6222000012345678")
    assert [d.payee_missing for d in payouts.due(session, actor=people.finance)] == [False]
    with clock.pinned(date(2025, 7, 20)):
        paid = each(session, Action.DISBURSE, actor=people.finance,
                    items={app.id: {"paid_on": date(2025, 7, 20), "reference": "D-1"}})
    assert paid[0].done
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "application.disbursed")).one()
    assert event.after["payee"] == "中国工商银行沈阳分行 尾号 5678", "the trail says which account was paid"
    assert payouts.due(session, actor=people.finance) == []


def test_the_list_shows_a_confirmed_account_in_full_to_finance_only(session, people) -> None:
    app = direct_grant(session, people)
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国工商银行沈阳分行",
                  account="6222000012345678")
    for who, shown in ((people.finance, "6222000012345678"), (people.auditor, "****5678")):
        table = payouts.due_table(session, who)
        assert table.rows[0][table.header.index("开户银行")] == "中国工商银行沈阳分行"
        assert table.rows[0][table.header.index("银行账号")] == shown, "in full only for finance, who pays into it"


def test_a_sheet_and_a_single_payment_at_once_end_in_one_payment(own_database: Engine, tmp_path) -> None:
    """Finance uploads the list while a colleague records one of its payments alone: that grant is paid once, and
    whoever came later is told 409; the other row is paid by the list either way."""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        first, second = approved(session, people, tmp_path, 2)
    content = workbook([[first, "甲", "2025-10-20", "GK-1"], [second, "乙", "2025-10-20", "GK-2"]])

    def sheet(session: Session) -> dict[int, int]:
        try:
            return {o.application_id: o.status for o in payouts.pay_sheet(
                session, actor=people.finance, content=content, name="清单.xlsx")[1]}
        except ChangedMeanwhile:  # the colleague's payment came before the rows were checked: refused whole, 409
            return {first: 409, second: 409}

    outcomes, single = batch_beside_one(
        own_database, PAY_ON, sheet,
        lambda session: run(session, Action.DISBURSE, actor=people.finance, application_id=second, paid_on=PAY_ON,
                            reference="GK-2b"))
    if outcomes[first] == 409:
        assert outcomes[second] == 409 and single == 201, (outcomes, single)
    else:
        assert outcomes[first] == 201, (outcomes, single)
        assert sorted([outcomes[second], single]) == [201, 409], (outcomes, single)
    with Session(own_database) as session:
        paid = session.execute(select(Disbursement.application_id, func.count()).group_by(
            Disbursement.application_id).order_by(Disbursement.application_id)).all()
        assert [tuple(p) for p in paid] == ([(first, 1)] if outcomes[first] == 201 else []) + [(second, 1)]
        assert audit.verify(session).intact


pytestmark = pytest.mark.anyio


async def test_the_list_goes_out_and_comes_back_paid(browser, session, people, tmp_path, set_today,
                                                     monkeypatch) -> None:
    first, second, third = approved(session, people, tmp_path, 3)
    set_today(PAY_ON)
    finance = browser(people.finance)
    page = (await finance.get("/budgets")).text
    assert "已批准、尚未拨付 <b>3</b> 项，共 <b>210 万元</b>" in page and 'action="/disbursements/import"' in page
    got = await finance.get("/disbursements/pending.xlsx")
    assert got.status_code == 200 and quote("待拨付清单") in got.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    sheet = book.active
    header = [c.value for c in sheet[2]]
    assert header[:3] == ["申报编号", "申报单位", "统一社会信用代码"] and header[-2:] == ["拨付日期", "凭证号"]
    assert [r[0].value for r in sheet.iter_rows(min_row=3)] == [first, second, third]
    assert sheet.cell(3, header.index("批准金额（万元）") + 1).value == 70
    at, ref = header.index("拨付日期") + 1, header.index("凭证号") + 1

    async def upload() -> str:
        buffer = io.BytesIO()
        book.save(buffer)
        sent = {"sheet": ("待拨付清单.xlsx", buffer.getvalue(), XLSX)}
        return await finance.post("/disbursements/import", files=sent)

    sheet.cell(3, at, datetime(2025, 10, 20))
    sheet.cell(3, ref, "00012345678901234567890")  # typed into a text column: kept as typed
    sheet.cell(4, at, "2025-10-01")  # before the approval: a typo, most likely; the file is refused whole
    sheet.cell(4, ref, "GK-2")
    sheet.cell(5, at, "2025-10-21")  # after today
    sheet.cell(5, ref, "GK-3")
    early = await upload()
    assert early.status_code == 422 and "整份清单未登记" in early.text
    assert "第 4 行 拨付日期：2025-10-01 早于批准日期 2025-10-13" in early.text
    assert "第 5 行 拨付日期：2025-10-21 晚于今天（2025-10-20）" in early.text
    assert session.scalar(select(func.count(Disbursement.id))) == 0
    sheet.cell(4, at, "2025-10-20")
    sheet.cell(5, at).value = sheet.cell(5, ref).value = None  # not paid yet after all
    step(session, "disburse", people.finance, second, on=PAY_ON, paid_on=PAY_ON, reference="GK-20")  # a colleague
    paid_before = await upload()
    assert paid_before.status_code == 409 and "整份清单未登记" in paid_before.text, "paid meanwhile: a race, 409"
    assert f"第 4 行 申报 #{second} 已凭凭证号 GK-20 于 2025-10-20 拨付，清单中为 GK-2" in paid_before.text
    assert session.scalar(select(func.count(Disbursement.id))) == 1, "only the colleague's"
    sheet.cell(4, at).value = sheet.cell(4, ref).value = None
    done = await upload()
    assert done.status_code == 200, done.text
    assert "批量拨付：已拨付 1 项，共 70 万元" in done.text and "未拨付" not in done.text.split("批量拨付：")[1][:40]
    assert "另有 2 行未填写拨付日期和凭证号" in done.text
    assert "已批准、尚未拨付 <b>1</b> 项" in done.text and "00012345678901234567890" in done.text
    assert session.scalars(select(Disbursement.application_id).order_by(Disbursement.application_id)).all() == [
        first, second]
    again = await upload()  # the same file sent twice: its paid row is passed over, not paid again nor refused
    assert again.status_code == 200 and "批量拨付：没有新的拨付需要登记" in again.text, again.text
    assert "清单中有 1 行此前已按同一凭证号登记拨付，未重复登记" in again.text
    assert session.scalar(select(func.count(Disbursement.id))) == 2
    monkeypatch.setattr("huiqi.funding.pages.PAYMENTS_PER_PAGE", 1)
    listed = (await finance.get("/budgets")).text
    assert "共拨付 <b>2</b> 笔，合计 <b>140万元</b>" in listed and "共 2 笔拨付，第 1/2 页" in listed
    assert listed.split('id="payments"')[1].split("</table>")[0].count("<tr>") == 2, "the header and one payment"
    older = (await finance.get("/budgets", params={"page": 2})).text.split('id="payments"')[1].split("</table>")[0]
    assert older.count("<tr>") == 2 and older != listed.split('id="payments"')[1].split("</table>")[0]
    assert audit.verify(session).intact


async def test_the_page_refuses_a_bad_list_whole(browser, session, people, tmp_path, set_today) -> None:
    first, second = approved(session, people, tmp_path, 2)
    set_today(PAY_ON)
    finance = browser(people.finance)
    bad = workbook([[first, "甲", "2025-10-20", "GK-1"], [second, "乙", "下周", "GK-2"]])
    refused = await finance.post("/disbursements/import", files={"sheet": ("清单.xlsx", bad, XLSX)})
    assert refused.status_code == 422
    assert "未能批量拨付：整份清单未登记" in refused.text and "拨付清单：第 4 行 拨付日期：应为日期" in refused.text
    none = await finance.post("/disbursements/import", files={"sheet": ("", b"", XLSX)})
    assert none.status_code == 422 and "请选择填好拨付日期和凭证号的待拨付清单" in none.text
    assert session.scalar(select(func.count(Disbursement.id))) == 0
    others = await browser(people.miit).post("/disbursements/import", files={"sheet": ("清单.xlsx", bad, XLSX)})
    assert others.status_code == 403
    assert (await browser(people.miit).get("/disbursements/pending.xlsx")).status_code == 403
    auditor = (await browser(people.auditor).get("/budgets")).text
    assert "尚未拨付 <b>2</b> 项" in auditor and 'action="/disbursements/import"' not in auditor  # reads, not pays



def test_an_account_cannot_change_under_a_payment(own_database: Engine) -> None:
    """The enterprise changes its account while finance's payment into the confirmed one is being recorded: the
    change waits for the payment, then is refused (409), so the account on record is the one the trail says was
    paid. (On PostgreSQL the change used to read the grant as approved, wait for the row and then overwrite it.)"""
    day = date(2025, 7, 20)
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        app = direct_grant(session, people)
        payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国工商银行沈阳分行",
                      account="6222000012345678")
    said = while_held(
        own_database, day,
        lambda session: run(session, Action.DISBURSE, actor=people.finance, application_id=app.id, paid_on=day,
                            reference="D-1"),
        lambda session: payee.confirm(session, actor=people.alice, application_id=app.id,
                                      bank="中国建设银行大连分行", account="6217000099990000"))
    assert "已办结" in str(said), said
    with Session(own_database) as session:
        assert session.get(Application, app.id).payee_account == "6222000012345678"
        paid = session.scalars(select(AuditEvent).where(AuditEvent.action == "application.disbursed")).one()
        assert paid.after["payee"] == "中国工商银行沈阳分行 尾号 5678"


def refusal(session: Session, people, content: bytes, error: type[Exception] = InputError) -> list[str]:
    """What a returned list is refused with (``error``: a mistake in it, or a record that moved on since it was
    downloaded), nothing of it paid."""
    count = session.scalar(select(func.count(Disbursement.id)))
    with pytest.raises(error) as refused:
        payouts.pay_sheet(session, actor=people.finance, content=content, name="清单.xlsx")
    assert session.scalar(select(func.count(Disbursement.id))) == count, "the whole file refused"
    return [why for _, why in refused.value.problems]


def test_a_row_for_no_payable_grant_or_another_amount_refuses_the_file(session, people, tmp_path) -> None:
    """A number mistyped, a grant paid before, an amount not the approved one: mistakes of the file, each named by its
    line, and the good rows are not paid either (the page promises 有误则整份不登记)."""
    first, second, third, fourth = approved(session, people, tmp_path, 4)
    step(session, "disburse", people.finance, second, on=PAY_ON, paid_on=PAY_ON, reference="GK-2")
    header = ["申报编号", "批准金额（元）", "批准金额（万元）", "拨付日期", "凭证号"]
    with clock.pinned(PAY_ON):
        said = refusal(session, people, workbook([
            [first, 700_000, 70, "2025-10-20", "GK-11"],
            [999, None, None, "2025-10-20", "GK-12"],
            [second, 700_000, 70, "2025-10-20", "GK-13"],
            [third, 800_000, 80, "2025-10-20", "GK-14"],
            [fourth, None, 80, "2025-10-20", "GK-15"],  # the 万元 column read when the 元 one is blank
        ], header=header))
        assert said == [
            "第 4 行 申报编号：没有编号为 999 的申报",
            f"第 5 行 申报 #{second} 已凭凭证号 GK-2 于 2025-10-20 拨付，清单中为 GK-13",
            f"第 6 行 批准金额：清单中为 80 万元，与申报 #{third} 的批准金额 70 万元不符",
            f"第 7 行 批准金额：清单中为 80 万元，与申报 #{fourth} 的批准金额 70 万元不符",
        ]
        _, outcomes = payouts.pay_sheet(session, actor=people.finance, name="清单.xlsx", content=workbook(
            [[first, 700_000, 70, "2025-10-20", "GK-11"], [third, None, 70, "2025-10-20", "GK-14"]], header=header))
    assert [o.status for o in outcomes] == [201, 201]


def test_a_voucher_records_one_payment(session, people, tmp_path) -> None:
    """One voucher, one payment: a number already recorded for another grant is refused, alone or in a list, naming
    that grant; and two rows of one list may not share one."""
    first, second, third = approved(session, people, tmp_path, 3)
    step(session, "disburse", people.finance, first, on=PAY_ON, paid_on=PAY_ON, reference="GK-1")
    with clock.pinned(PAY_ON), pytest.raises(Conflict) as refused, session.begin_nested():
        run(session, Action.DISBURSE, actor=people.finance, application_id=second, paid_on=PAY_ON, reference="GK-1")
    assert refused.value.status_code == 409 and f"凭证号 GK-1 已用于申报 #{first} 的拨付" in refused.value.message
    with clock.pinned(PAY_ON):
        said = refusal(session, people, workbook([[second, "乙", "2025-10-20", "GK-1"],
                                                  [third, "丙", "2025-10-20", "GK-3"]]))
    assert said == [f"第 3 行 凭证号 GK-1 已用于申报 #{first} 的拨付"]
    assert problems(workbook([[second, "乙", "2025-10-20", "GK-3"], [third, "丙", "2025-10-20", "GK-3"]])) == [
        "第 4 行 凭证号 GK-3 与第 3 行重复：一张凭证只登记一笔拨付"]


def test_a_list_sent_again_passes_over_what_it_paid(session, people, tmp_path) -> None:
    """The same list sent again (after correcting one refused row, say): its rows already paid on their date with
    their voucher are passed over and counted, the rest paid; a paid row whose date no longer matches is refused."""
    first, second, third = approved(session, people, tmp_path, 3)
    rows = [[first, "甲", "2025-10-20", "GK-1"], [second, "乙", "2025-10-20", "GK-2"]]
    with clock.pinned(PAY_ON):
        sheet, outcomes = payouts.pay_sheet(session, actor=people.finance, name="清单.xlsx", content=workbook(rows))
        assert [o.status for o in outcomes] == [201, 201] and sheet.recorded == 0
        sheet, outcomes = payouts.pay_sheet(session, actor=people.finance, name="清单.xlsx", content=workbook(
            rows + [[third, "丙", "2025-10-20", "GK-3"]]))
        assert sheet.recorded == 2 and [(o.application_id, o.status) for o in outcomes] == [(third, 201)]
        sheet, outcomes = payouts.pay_sheet(session, actor=people.finance, name="清单.xlsx", content=workbook(rows))
        assert sheet.recorded == 2 and outcomes == []
        assert refusal(session, people, workbook([[first, "甲", "2025-10-19", "GK-1"]])) == [
            f"第 3 行 拨付日期：申报 #{first} 已凭凭证号 GK-1 于 2025-10-20 登记拨付，清单中为 2025-10-19"]
        assert refusal(session, people, workbook([[first, "甲", "2025-10-20", "GK-9"]]), ChangedMeanwhile) == [
            f"第 3 行 申报 #{first} 已凭凭证号 GK-1 于 2025-10-20 拨付，清单中为 GK-9"]
    assert session.scalar(select(func.count(Disbursement.id))) == 3


def test_a_row_recorded_between_the_check_and_its_turn_is_counted_not_refused(session, people, tmp_path,
                                                                             monkeypatch) -> None:
    """The same list sent twice at once: the other upload records a row after this one checked the file and
    before the row's turn. The row reads as recorded, not as a conflict; a row paid meanwhile with another voucher
    is still refused."""
    first, second, third = approved(session, people, tmp_path, 3)
    checked = payouts._check_rows

    def then_the_other_upload(session: Session, sheet: payouts.Sheet) -> set[int]:
        found = checked(session, sheet)
        for application_id, reference in ((first, "GK-1"), (second, "GK-2b")):
            run(session, Action.DISBURSE, actor=people.finance, application_id=application_id, paid_on=PAY_ON,
                reference=reference)
        return found

    monkeypatch.setattr(payouts, "_check_rows", then_the_other_upload)
    rows = [[key, "甲", "2025-10-20", voucher] for key, voucher in ((first, "GK-1"), (second, "GK-2"), (third, "GK-3"))]
    with clock.pinned(PAY_ON):
        sheet, outcomes = payouts.pay_sheet(session, actor=people.finance, name="清单.xlsx", content=workbook(rows))
    assert sheet.recorded == 1
    assert [(o.application_id, o.status) for o in outcomes] == [(second, 409), (third, 201)]


def test_the_same_list_sent_twice_at_once_pays_each_row_once(own_database: Engine, tmp_path) -> None:
    """Two uploads of one list at the same moment: every row is paid once, and each upload says of every row that it
    paid it or found it recorded; neither reports a conflict."""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        ids = approved(session, people, tmp_path, 3)
    content = workbook([[key, "甲", "2025-10-20", f"GK-{key}"] for key in ids])
    barrier, said = threading.Barrier(2), {}

    def upload(index: int) -> None:
        with Session(own_database, expire_on_commit=False) as session, clock.pinned(PAY_ON):
            barrier.wait()
            sheet, outcomes = payouts.pay_sheet(session, actor=people.finance, content=content, name="清单.xlsx")
            said[index] = (sheet.recorded, [o.status for o in outcomes])

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(said) == [0, 1], said
    for recorded, statuses in said.values():
        assert set(statuses) <= {201} and recorded + len(statuses) == 3, said
    assert sum(len(statuses) for _, statuses in said.values()) == 3, said
    with Session(own_database) as session:
        assert sorted(session.scalars(select(Disbursement.application_id))) == ids
        assert audit.verify(session).intact


def test_two_payments_of_one_voucher_at_once_end_in_one(own_database: Engine, tmp_path) -> None:
    """Two grants paid with the same voucher at the same moment: the second waits for the first and is refused."""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        first, second = approved(session, people, tmp_path, 2)
    said = while_held(
        own_database, PAY_ON,
        lambda session: run(session, Action.DISBURSE, actor=people.finance, application_id=first, paid_on=PAY_ON,
                            reference="GK-1"),
        lambda session: run(session, Action.DISBURSE, actor=people.finance, application_id=second, paid_on=PAY_ON,
                            reference="GK-1"))
    assert f"凭证号 GK-1 已用于申报 #{first} 的拨付" in str(said), said
    with Session(own_database) as session:
        assert session.scalars(select(Disbursement.application_id)).all() == [first]


def listed_workbook(session: Session, people, day: date, reference: str) -> bytes:
    """The 待拨付清单 as finance downloads it, its rows filled with ``day`` and ``reference``."""
    book = openpyxl.load_workbook(io.BytesIO(excel.workbook(payouts.due_table(session, people.finance))))
    sheet = book.active
    header = [c.value for c in sheet[2]]
    for row in range(3, sheet.max_row + 1):
        sheet.cell(row, header.index("拨付日期") + 1, day.isoformat())
        sheet.cell(row, header.index("凭证号") + 1, reference)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_account_changed_after_the_list_was_downloaded_refuses_its_row(session, people) -> None:
    """免申即享: the enterprise changes its account after finance downloaded the list the treasury paid from: the
    row's account is not the application's any more, and the list is refused (download again), so the trail never
    says a payment went to an account the treasury did not pay."""
    app = direct_grant(session, people)
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国工商银行沈阳分行",
                  account="6222000012345678")
    content = listed_workbook(session, people, date(2025, 7, 20), "D-1")
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国建设银行大连分行",
                  account="6217000099990000")
    with clock.pinned(date(2025, 7, 20)):
        said = refusal(session, people, content, ChangedMeanwhile)
    assert said == [f"第 3 行 收款账户：清单中为 中国工商银行沈阳分行 账号 6222000012345678，申报 #{app.id} 当前为 "
                    f"中国建设银行大连分行 账号 6217000099990000；{payouts.PAYEE_CHANGED}"]
    # changed after the list was checked: the payment step checks the row's account again, under its lock
    with clock.pinned(date(2025, 7, 20)), pytest.raises(Conflict) as meanwhile, session.begin_nested():
        run(session, Action.DISBURSE, actor=people.finance, application_id=app.id, paid_on=date(2025, 7, 20),
            reference="D-1", payee=("中国工商银行沈阳分行", "6222000012345678"))
    assert "收款账户在下载清单后已变更" in meanwhile.value.message
    with clock.pinned(date(2025, 7, 20)):
        _, outcomes = payouts.pay_sheet(session, actor=people.finance, name="清单.xlsx",
                                        content=listed_workbook(session, people, date(2025, 7, 20), "D-1"))
    assert [o.status for o in outcomes] == [201]
    paid = session.scalars(select(AuditEvent).where(AuditEvent.action == "application.disbursed")).one()
    assert paid.after["payee"] == "中国建设银行大连分行 尾号 0000"


def test_a_second_confirmation_of_the_account_reads_as_a_change(session, people) -> None:
    app = direct_grant(session, people)
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国工商银行沈阳分行",
                  account="6222000012345678")
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国建设银行大连分行",
                  account="6217000099990000")
    events = session.scalars(select(AuditEvent).where(AuditEvent.action.like("application.payee%"))
                             .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["application.payee", "application.payee_change"]
    assert events[1].before == {"bank": "中国工商银行沈阳分行", "account": "****5678"}
    said = [sentence(EventRead.model_validate(e, from_attributes=True), {}).text for e in events]
    assert "确认收款账户" in said[0] and "收款账户：中国工商银行沈阳分行 尾号 5678" in said[0]
    assert "变更收款账户" in said[1]
    assert "由 中国工商银行沈阳分行 尾号 5678 改为 中国建设银行大连分行 尾号 0000" in said[1]


async def test_the_review_page_says_the_account_is_awaited_instead_of_a_form(browser, session, people,
                                                                             set_today) -> None:
    """免申即享 without a confirmed account: finance reads why it cannot pay yet, not a form refused after submit."""
    app = direct_grant(session, people)
    set_today(date(2025, 7, 20))
    finance = browser(people.finance)
    waiting = (await finance.get(f"/review/{app.id}")).text
    assert "企业尚未确认收款账户：须由申报单位在申报页面确认开户银行和银行账号后方可拨付" in waiting
    assert f'action="/review/{app.id}/disburse"' not in waiting and 'name="reference"' not in waiting
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国工商银行沈阳分行",
                  account="6222000012345678")
    ready = (await finance.get(f"/review/{app.id}")).text
    assert f'action="/review/{app.id}/disburse"' in ready and "尚未确认收款账户" not in ready
    assert "收款账户：中国工商银行沈阳分行 尾号 5678" in ready and "6222000012345678" not in ready, "masked"


@pytest.mark.parametrize(("written", "title", "read"), [
    ("7200000", "批准金额", (7_200_000, None)), (720000.0, "批准金额", (720_000, None)),
    ("72.5", "批准金额（万元）", (725_000, None)), (72.5, "批准金额（万元）", (725_000, None)),
    ("1,200", "批准金额", (1_200, None)), (None, "批准金额", (None, None)),
    ("72.5", "批准金额", (None, "72.5 不是整元金额")),
    (0.1 + 0.2, "批准金额（万元）", (None, "0.30000000000000004 不是整元金额")),
    ("nan", "批准金额", (None, "nan 不是整元金额")), ("inf", "批准金额（万元）", (None, "inf 不是整元金额")),
    ("-1", "批准金额", (None, "金额不能为负数")), ("七十万", "批准金额", (None, "应为金额，收到 '七十万'")),
    ("1e1000000", "批准金额", (None, "应为金额，收到 '1e1000000'")),
    ("1e999999999", "批准金额（万元）", (None, "应为金额，收到 '1e999999999'")),
    ("1" * 31, "批准金额", (None, "应为金额（过长）")),
    ("72,5", "批准金额（万元）", (None, "应为金额：逗号只能用作千位分隔（如 1,000）；小数请写小数点（如 8.5）")),
    ("1,200,000", "批准金额", (1_200_000, None)),
])
def test_the_amount_a_row_carries_is_read_exactly(written, title, read) -> None:
    """In whole yuan, through decimals as written (never binary fractions); nan and inf are refused, not a 500."""
    from types import SimpleNamespace

    from huiqi.funding.payouts import _amount

    assert _amount({title: SimpleNamespace(value=written)}) == read


def unconfirmed(session: Session, application_id: int) -> None:
    """The application's record without an account, as one submitted before submission asked for it."""
    app = session.get(Application, application_id)
    app.payee_bank = app.payee_account = app.payee_confirmed_at = None
    session.flush()


def reminders(session: Session, application_id: int) -> list[Message]:
    """The messages telling the application's enterprise that its account is awaited."""
    return list(session.scalars(select(Message).where(Message.kind == "application.payee",
                                                      Message.link == f"/applications/{application_id}#payee")))


async def test_a_grant_without_a_confirmed_account_is_paid_by_no_door_and_its_enterprise_is_told(
        client, browser, session, people, tmp_path, set_today) -> None:
    """An applied-for grant whose record has no account (submitted before submission asked for one): the list says
    so and leaves the account blank; paying it alone, in a batch or from the returned list is refused, saying the
    enterprise must confirm its account, and the enterprise is told, once a day however often finance tries. Once it
    confirms, the payment goes through."""
    first, second = approved(session, people, tmp_path, 2)
    unconfirmed(session, first)
    set_today(PAY_ON)
    table = payouts.due_table(session, people.finance)
    row = next(r for r in table.rows if r[0] == first)
    assert [row[table.header.index(t)] for t in ("备注", "开户银行", "银行账号")] == [payouts.PAYEE_MISSING, "", ""]
    assert [d.payee_missing for d in payouts.due(session, actor=people.finance)] == [True, False]
    finance = bearer(session, people.finance)
    alone = await client.post("/api/v1/disbursements", headers=finance, json={
        "application_id": first, "paid_on": "2025-10-20", "reference": "GK-1"})
    assert alone.status_code == 409, alone.text
    assert f"申报 #{first}：企业尚未确认收款账户：须由申报单位在申报页面确认开户银行和银行账号后方可拨付" \
        in alone.json()["detail"] and "已发消息提醒申报单位确认" in alone.json()["detail"]
    batch = await client.post("/api/v1/disbursements/batch", headers=finance, json={"items": [
        {"application_id": first, "paid_on": "2025-10-20", "reference": "GK-1"}]})
    assert [(i["status"], "尚未确认收款账户" in i["detail"]) for i in batch.json()["items"]] == [(409, True)]
    listed = workbook([[first, "甲", 700_000, "", "", "2025-10-20", "GK-1"],
                       [second, "乙", 700_000, *TEST_PAYEE, "2025-10-20", "GK-2"]],
                      header=["申报编号", "申报单位", "批准金额", "开户银行", "银行账号", "拨付日期", "凭证号"])
    page = await browser(people.finance).post("/disbursements/import", files={"sheet": ("清单.xlsx", listed, XLSX)})
    assert page.status_code == 422 and f"第 3 行 申报 #{first}：企业尚未确认收款账户" in page.text, page.text
    assert session.scalar(select(func.count(Disbursement.id))) == 0, "the whole list refused, the good row too"
    told = reminders(session, first)
    assert len(told) == 1, "told once today, however often refused"
    assert told[0].subject == f"申报 #{first} 待确认收款账户" and "已批准 70 万元" in told[0].body
    assert reminders(session, second) == []
    firm = session.scalar(select(User).where(User.uscc == session.get(Application, first).uscc))
    payee.confirm(session, actor=firm, application_id=first, bank="中国银行沈阳分行", account="6013 8200 0000 1234")
    paid = await client.post("/api/v1/disbursements", headers=finance, json={
        "application_id": first, "paid_on": "2025-10-20", "reference": "GK-1"})
    assert paid.status_code == 201, paid.text
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "application.disbursed")).one()
    assert event.after["payee"] == "中国银行沈阳分行 尾号 1234"


def test_an_approval_without_an_account_asks_the_enterprise_for_it(session, people) -> None:
    """免申即享: the approval's message tells the enterprise that its account is awaited, and leads to the form."""
    app = direct_grant(session, people)
    said = session.scalars(select(Message).where(Message.kind == "application.approve")).one()
    assert "尚未确认收款账户，财政无法拨付" in said.body and said.link == f"/applications/{app.id}#payee"


def test_every_mistake_of_every_row_is_said_at_once(session, people, tmp_path) -> None:
    """Six rows, six kinds of mistake, in one file: a day that is no date, a formula, a voucher repeated, a day after
    today, an amount not the approved one, a grant whose account is awaited. All are said on the first upload, each
    by its line, and nothing is paid."""
    ids = approved(session, people, tmp_path, 6)
    unconfirmed(session, ids[5])
    header = ["申报编号", "批准金额（元）", "拨付日期", "凭证号"]
    with clock.pinned(PAY_ON):
        said = refusal(session, people, workbook([
            [ids[0], 700_000, "2025-13-01", "GK-1"],
            [ids[1], 700_000, "=TODAY()", "GK-2"],
            [ids[2], 700_000, "2025-10-20", "GK-1"],
            [ids[3], 700_000, "2025-10-21", "GK-4"],
            [ids[4], 800_000, "2025-10-20", "GK-5"],
            [ids[5], 700_000, "2025-10-20", "GK-6"],
        ], header=header))
    assert said == [
        "第 3 行 拨付日期：2025-13-01 不是有效的日期",
        "第 4 行 拨付日期：不能是公式，请直接填写日期、凭证号或金额",
        "第 5 行 凭证号 GK-1 与第 3 行重复：一张凭证只登记一笔拨付",
        "第 6 行 拨付日期：2025-10-21 晚于今天（2025-10-20），尚未发生的拨付不能登记",
        f"第 7 行 批准金额：清单中为 80 万元，与申报 #{ids[4]} 的批准金额 70 万元不符",
        f"第 8 行 申报 #{ids[5]}：{payouts.PAYEE_MISSING}（已发消息提醒申报单位确认）",
    ]


def test_one_row_says_all_its_mistakes(session, people, tmp_path) -> None:
    """A row with a mistake as written is still checked against the record: its approved amount, its voucher, its
    account are said beside its date."""
    first, second = approved(session, people, tmp_path, 2)
    step(session, "disburse", people.finance, first, on=PAY_ON, paid_on=PAY_ON, reference="GK-1")
    unconfirmed(session, second)
    with clock.pinned(PAY_ON):
        said = refusal(session, people, workbook([[second, 800_000, "下周", "GK-1"]],
                                                 header=["申报编号", "批准金额", "拨付日期", "凭证号"]))
    assert said == [f"第 3 行 拨付日期：应为日期（如 2026-12-04），收到 '下周'；批准金额：清单中为 80 万元，与申报 "
                    f"#{second} 的批准金额 70 万元不符；申报 #{second}：{payouts.PAYEE_MISSING}"
                    f"（已发消息提醒申报单位确认）；凭证号 GK-1 已用于申报 #{first} 的拨付"]


def test_two_accounts_differing_before_their_last_four_digits_read_apart(session, people) -> None:
    """The enterprise corrects a digit in the middle of its account after the list was downloaded: same bank, same
    last four digits. Finance, who imports the list and reads accounts in full on it, is shown both numbers whole,
    not two identical 尾号 5678."""
    app = direct_grant(session, people)
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国工商银行沈阳分行",
                  account="6222000012345678")
    content = listed_workbook(session, people, date(2025, 7, 20), "D-1")
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国工商银行沈阳分行",
                  account="6222000099995678")
    with clock.pinned(date(2025, 7, 20)):
        said = refusal(session, people, content, ChangedMeanwhile)
    assert said == [f"第 3 行 收款账户：清单中为 中国工商银行沈阳分行 账号 6222000012345678，申报 #{app.id} 当前为 "
                    f"中国工商银行沈阳分行 账号 6222000099995678；{payouts.PAYEE_CHANGED}"]


def test_an_account_confirmed_after_the_list_was_downloaded_refuses_its_blank_row(session, people) -> None:
    """The list was downloaded while the account was awaited (its cells blank), and the enterprise confirmed one
    since: blank is not the account on record, so the row is refused as overtaken (download again), not paid into an
    account the treasury never saw."""
    app = direct_grant(session, people)
    content = listed_workbook(session, people, date(2025, 7, 20), "D-1")
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国工商银行沈阳分行",
                  account="6222000012345678")
    with clock.pinned(date(2025, 7, 20)):
        said = refusal(session, people, content, ChangedMeanwhile)
    assert said == [f"第 3 行 收款账户：清单中为 无收款账户，申报 #{app.id} 当前为 中国工商银行沈阳分行 账号 "
                    f"6222000012345678；{payouts.PAYEE_CHANGED}"]
