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
    link = f'变更角色 <a href="/audit?entity=user&amp;entity_id={people.dalian.id}">用户 dalian（大连市审核员）</a>'
    assert '系统管理员 <span class="small muted">（登录名 admin）</span> 于 ' in response.text and link in response.text
    assert "角色由 市级初审人员（大连市） 改为 财政人员" in response.text and "user.role" not in response.text
    only = await browser(people.admin).get("/audit", params={"entity": "user", "entity_id": str(people.dalian.id)})
    assert "共 2 条" in only.text and "系统（自动） 于" in only.text and "创建用户" in only.text
    assert "<summary>记录明细</summary>" in only.text and "&#34;" not in only.text  # field by field, not JSON
    before, after = only.text.split("<summary>记录明细</summary>")[1].split("</details>")[0].split("<caption>变更后")
    assert "<caption>变更前</caption>" in before and '<th scope="row">角色</th><td>市级初审人员</td>' in before
    assert '<th scope="row">角色</th><td>财政人员</td>' in after and '<th scope="row">所在地</th><td>无</td>' in after


async def test_an_events_record_reads_field_by_field_in_chinese(browser, session, people) -> None:
    audit.record(session, actor="finance", action="application.disbursed", entity="application", entity_id=16,
                 after={"amount": 800_000, "paid_on": "2025-12-04", "reference": "PZ-1"})
    audit.record(session, actor="finance", action="application.approve", entity="application", entity_id=16,
                 before={"state": "announced"}, after={"state": "approved", "on": "2025-12-05", "reasons": None})
    response = await browser(people.auditor).get("/audit", params={"entity": "application"})
    record = response.text.split("<summary>记录明细</summary>")
    paid, approved = record[2].split("</details>")[0], record[1].split("</details>")[0]
    assert "<caption>记录内容</caption>" in paid and "变更前" not in paid
    assert '<th scope="row">金额</th><td>80 万元</td>' in paid and "800000" not in paid
    assert '<th scope="row">付款日期</th><td>2025年12月4日</td>' in paid
    assert '<th scope="row">凭证号</th><td>PZ-1</td>' in paid
    assert '<caption>变更前</caption><tbody><tr><th scope="row">状态</th><td>公示中</td>' in approved
    assert '<th scope="row">状态</th><td>已批准</td>' in approved and "approved" not in approved
    assert "&#34;amount&#34;" not in response.text, "the record as kept (JSON) is the export's, not the page's"


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
    assert ("2025年度 辽政办〔2022〕35号 措施3 的预算：预算金额为 200 万元，审计事件记载为 100 万元"
            in response.text)


async def test_export_lists_the_filtered_events(browser, session, people) -> None:
    users.change_role(session, actor=people.admin, username="dalian", role="finance")
    response = await browser(people.auditor).get("/audit/events.xlsx", params={"entity": "user",
                                                                              "entity_id": str(people.dalian.id)})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "审计记录（用户 dalian（大连市审核员））", "the user by login and name, not by number"
    assert rows[1][:5] == ("序号", "记录时间（北京时间）", "操作人", "登录名", "事件")
    assert [r[2:4] for r in rows[2:]] == [("系统管理员", "admin"), ("系统（自动）", "system")]
    assert "变更角色 用户" in rows[2][4] and [r[-1] for r in rows[2:]] == ["user.role", "user.create"]
    assert '"finance"' in rows[2][12] and rows[1][-1] == "操作代码（原始记录）"  # said to be the record as kept
    assert rows[1][9:13] == ("变更前", "变更后", "变更前（原始记录）", "变更后（原始记录）")
    refused = await browser(people.auditor).get("/audit/events.xlsx", params={"since": "20250101"})
    assert refused.status_code == 422 and "起始日期" in refused.text and "应为日期（YYYY-MM-DD）" in refused.text
    assert 'value="20250101"' in refused.text, "the audit page with its filter form, not the bare error page"


async def test_export_says_before_and_after_in_chinese_and_keeps_the_record_as_kept(browser, session, people) -> None:
    for amount in (12_340_000, 8_000_000):
        budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=amount)
    response = await browser(people.auditor).get("/audit/events.xlsx", params={"entity": "budget"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    column = {name: i for i, name in enumerate(rows[1])}
    latest = {name: rows[2][i] for name, i in column.items()}
    assert latest["事件"].endswith("设定预算 2025年度措施3（辽政办〔2022〕35号）预算，金额由 1234 万元改为 800 万元")
    assert latest["变更前"] == "金额：1234 万元；已动用合计：0 万元"
    assert latest["变更后"].startswith("金额：800 万元；已动用合计：0 万元；编号：")
    assert '"amount": 8000000' in latest["变更后（原始记录）"], "the record as kept, in its own column"
    page = (await browser(people.auditor).get("/audit")).text.split('<div class="actions pager">')[0]
    assert "预算</a>，金额由 1234 万元改为 800 万元" in page


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
    wide = await auditor.get("/audit", params={"who": "ｆｉｎａｎｃｅ"})  # typed with a Chinese input method
    assert "设定预算" in wide.text and "变更角色" not in wide.text and "共 1 条" in wide.text
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


async def test_page_shows_the_head_and_checks_an_anchor_typed_into_it(browser, session, people) -> None:
    from tests.audit.test_service import _rewrite_from

    auditor = browser(people.auditor)
    kept = audit.anchor(session)
    seq, value = kept.split(":")
    page = await auditor.get("/audit")
    assert f'<code id="head">{kept}</code>' in page.text and 'name="anchor"' in page.text
    # as an input method types it: a full-width colon, the hash in capitals
    held = await auditor.get("/audit", params={"anchor": f"{seq}：{value.upper()}"})
    assert held.status_code == 200 and "锚点相符" in held.text
    assert f"第 {seq} 条审计记录的哈希仍为 <code>{value}</code>" in held.text
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=4, amount=1)
    _rewrite_from(session, 4)
    assert "完好" in (await auditor.get("/audit")).text, "the chain alone cannot see a rewrite of every later hash"
    caught = await auditor.get("/audit", params={"anchor": kept})
    assert "锚点相符" not in caught.text and "完好" not in caught.text
    assert "审计链已断开" not in caught.text, "the chain itself checks out: the anchor may be mis-copied"
    beside = caught.text.split('<h2 id="anchor">')[1].split('<form')[0]  # said beside the anchor's form
    assert f"锚点与第 {seq} 条审计记录不符：可能抄录有误，或此前的记录被改写（连同哈希）" in beside
    top = caught.text.split('<h2 id="anchor">')[0]
    assert "所给的锚点与链上记录不符" in top and 'href="#anchor"' in top
    mistyped = await auditor.get("/audit", params={"anchor": f"{int(seq) + 9}:{value}"})
    assert "可能抄录有误" in mistyped.text.split('<h2 id="anchor">')[1].split('<form')[0]


async def test_a_broken_chain_is_said_as_such_beside_an_anchor(browser, session, people) -> None:
    """A chain broken (a row changed) is said hard at the top, whatever the anchor typed."""
    kept = audit.anchor(session)
    unguard(session)
    session.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    caught = await browser(people.auditor).get("/audit", params={"anchor": kept})
    top = caught.text.split('<h2 id="anchor">')[0]
    assert "审计链已断开" in top and "第 2 条审计记录的内容与其哈希不符：记录在写入后被改动" in top
    assert "锚点不符" not in top and "锚点相符" in caught.text, "the anchor (the head) still held"


async def test_an_anchor_that_is_none_is_said_beside_its_field(browser, session, people) -> None:
    refused = await browser(people.auditor).get("/audit", params={"anchor": "7:abc"})
    assert refused.status_code == 422 and 'id="e-anchor"' in refused.text and 'aria-invalid="true"' in refused.text
    assert "审计锚点：“7:abc”不是审计锚点：应为“序号:哈希”（哈希为 64 位十六进制数字）" in refused.text
    assert "完好" in refused.text and 'value="7:abc"' in refused.text, "the chain still verified, the anchor kept"
    assert "请系统管理员从审计链页面抄录当前链头" in refused.text and "huiqi audit" not in refused.text
    too_long = await browser(people.auditor).get("/audit", params={"anchor": "1:" + "a" * 200})
    assert too_long.status_code == 422 and "a" * 200 not in too_long.text
    assert "审计锚点：不能超过 100 个字符（现有 202 个）" in too_long.text and 'id="e-anchor"' in too_long.text
    nul = await browser(people.auditor).get("/audit", params={"anchor": "7:a\x00b"})
    assert nul.status_code == 422 and "审计锚点：不能含有空字符（NUL）" in nul.text and 'value="7:ab"' in nul.text


@pytest.mark.parametrize(("name", "label", "typed", "reason", "kept"), [
    ("who", "操作人", "a" * 65, "不能超过 64 个字符（现有 65 个）", "a" * 64),
    ("who", "操作人", "fin\x00ance", "不能含有空字符（NUL）", "finance"),
    ("entity_id", "记录编号", "1\x002", "不能含有空字符（NUL）", "12"),
    ("entity", "记录类别", "u" * 41, "不能超过 40 个字符（现有 41 个）", None),
    ("since", "起始日期", "2" * 25, "不能超过 20 个字符（现有 25 个）", "2" * 20),
    ("until", "截止日期", "2025-01-01\x00", "不能含有空字符（NUL）", "2025-01-01"),
])
async def test_a_filter_that_cannot_be_kept_is_said_beside_its_box(browser, people, name, label, typed, reason,
                                                                    kept) -> None:
    """An 操作人 too long or with a NUL (as a forged link sends), like a date that is none: said beside its box by its
    label, on the page with its other filters kept and nothing listed, not on an error page; the export answers with
    the page so."""
    auditor = browser(people.auditor)
    for url in ("/audit", "/audit/events.xlsx"):
        refused = await auditor.get(url, params={name: typed, "entity": "user"} if name != "entity" else {name: typed})
        assert refused.status_code == 422 and "text/html" in refused.headers["content-type"], (url, refused.text[:300])
        assert f"{label}：{reason}" in refused.text and f'id="e-{name}"' in refused.text, url
        assert "输入有误" not in refused.text.split("<h1>")[1][:20] and "筛选条件有误" in refused.text
        assert kept is None or f'value="{kept}"' in refused.text, "the text kept, as far as it can be"
        assert "没有符合条件的记录" in refused.text and "共 0 条" not in refused.text, "nothing listed"
        assert name == "entity" or '<option value="user" selected>' in refused.text, "the other filters kept"


async def test_page_lists_the_records_it_compares(browser, people) -> None:
    page = (await browser(people.auditor).get("/audit")).text
    assert ("核对的记录：申报（状态、申请与拟定金额、上限、评审得分、所依据的政策版本、收款账户、所在公示）；"
            "申报的流转记录；") in page
    assert "用户（登录名、角色及其绑定、启用或停用）；政策版本（状态、文本摘要、发布人）；白名单版本及其条目；" in page


async def test_export_carries_the_login_and_both_hashes_so_the_chain_is_checked_outside(browser, session,
                                                                                        people) -> None:
    import json
    from datetime import datetime

    from huiqi.models import AuditEvent

    users.change_role(session, actor=people.admin, username="dalian", role="finance")
    got = await browser(people.auditor).get("/audit/events.xlsx", params={"entity": "user",
                                                                         "entity_id": str(people.dalian.id)})
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    column = {name: i for i, name in enumerate(rows[1])}
    said = [{name: row[i] for name, i in column.items()} for row in rows[2:]]
    assert [r["登录名"] for r in said] == ["admin", "system"]
    for r in said:
        event = AuditEvent(seq=r["序号"], at=datetime.fromisoformat(r["时间（UTC，原始记录）"]),
                           actor=r["登录名"], action=r["操作代码（原始记录）"],
                           entity=r["记录类别（原始记录）"], entity_id=r["记录编号（原始记录）"],
                           before=json.loads(r["变更前（原始记录）"]) if r["变更前（原始记录）"] else None,
                           after=json.loads(r["变更后（原始记录）"]), prev_hash=r["前一条的哈希"])
        assert audit.digest(event) == r["本条哈希"] and len(r["本条哈希"]) == 64
    kept = session.execute(text("SELECT hash FROM audit_events WHERE seq = :s"), {"s": said[0]["序号"]}).scalar_one()
    assert said[0]["本条哈希"] == kept


async def test_the_exports_title_names_every_filter(browser, session, people) -> None:
    users.change_role(session, actor=people.admin, username="dalian", role="finance")
    response = await browser(people.auditor).get("/audit/events.xlsx", params={
        "entity": "user", "entity_id": str(people.dalian.id), "who": " admin ", "since": "2020-01-01",
        "until": "2099-12-31"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "审计记录（用户 dalian（大连市审核员），操作人“admin”，记录于 2020年1月1日至2099年12月31日）"
    assert [r[3] for r in rows[2:]] == ["admin"]
    since = await browser(people.auditor).get("/audit/events.xlsx", params={"entity": "budget", "since": "2020-01-01"})
    title = next(openpyxl.load_workbook(io.BytesIO(since.content)).active.iter_rows(values_only=True))[0]
    assert title == "审计记录（预算，记录于 2020年1月1日起）"
    one = await browser(people.auditor).get("/audit/events.xlsx", params={"entity": "application", "entity_id": "#16",
                                                                          "until": "2099-12-31"})
    title = next(openpyxl.load_workbook(io.BytesIO(one.content)).active.iter_rows(values_only=True))[0]
    assert title == "审计记录（申报 #16，记录于 2099年12月31日及以前）"
    plain = await browser(people.auditor).get("/audit/events.xlsx")
    assert next(openpyxl.load_workbook(io.BytesIO(plain.content)).active.iter_rows(values_only=True))[0] == "审计记录"
