"""In the browser's forms: a department imports a list from a CSV file (a bad row named by its line, nothing
written), the enterprise finds the offer on its page and accepts it into a draft; the CLI does the import too."""

import re
from datetime import date

import pytest

from huiqi.models import Matter, MatterListing, Offer, RecognitionList
from huiqi.web.excel import XLSX
from tests.dbtest import ALICE_USCC, _person, a_round
from tests.webtest import marked

pytestmark = pytest.mark.anyio
FORM = {"code": "single_champion", "level": "national", "document": "工信部企业函〔2025〕测试号",
        "published_on": "2025-06-01"}
TITLE = '<h2 id="error-summary-title">{}</h2>'


async def test_a_list_imported_on_the_page_becomes_an_offer_the_enterprise_accepts(browser, session, people,
                                                                                   set_today) -> None:
    set_today(date(2025, 6, 30))
    a_round(session)
    unit = browser(people.miit)
    bad = await unit.post("/admin/lists", data=FORM,
                          files={"file": ("名单.csv", "uscc,name\n123,坏代码\n".encode(), "text/csv")})
    assert bad.status_code == 422 and "第 2 行·统一社会信用代码" in bad.text
    not_a_book = await unit.post("/admin/lists", data=FORM, files={"file": ("名单.xlsx", b"not a workbook", XLSX)})
    assert not_a_book.status_code == 422 and "名单文件 不是有效的 Excel 工作簿" in not_a_book.text
    assert session.query(RecognitionList).count() == 0
    good = f"uscc,name\n{ALICE_USCC},示例科技有限公司\n".encode()
    done = await unit.post("/admin/lists", data=FORM, files={"file": ("名单.csv", good, "text/csv")})
    assert done.status_code == 303, done.text
    shown = (await unit.get("/admin/lists")).text
    assert "工信部企业函〔2025〕测试号" in shown and "名单已导入" in shown
    listed = session.query(RecognitionList).one()
    assert f'<tr id="list-{listed.id}">' in shown, "the row the audit trail's link opens at"
    unexplained = await unit.post(f"/admin/lists/{listed.id}/withdraw", data={"reason": " "})
    assert unexplained.status_code == 422 and "未能撤回名单，请修改以下内容" in unexplained.text
    assert "未能导入" not in unexplained.text
    alice = browser(people.alice)
    me = (await alice.get("/me")).text
    assert "政策直达" in me and "接受并生成申报" in me and "措施3 培育中小企业" in me  # the measure by its title
    offer = session.query(Offer).filter_by(uscc=ALICE_USCC, state="open", measure=3).first()
    accepted = await alice.post(f"/offers/{offer.id}/accept")
    assert accepted.status_code == 303 and accepted.headers["location"].startswith("/applications/")
    assert "已生成申报草稿" in (await alice.get(accepted.headers["location"])).text
    again = await alice.post(f"/offers/{offer.id}/accept")
    assert again.status_code == 409


async def test_a_chinese_excel_csv_imports_once_and_a_future_date_is_refused(browser, session, people,
                                                                              set_today) -> None:
    set_today(date(2025, 6, 30))
    unit = browser(people.miit)
    gbk = f"统一社会信用代码,企业名称,级别\n{ALICE_USCC},示例科技有限公司,国家级\n".encode("gbk")
    form = {**FORM, "level": ""}
    later = await unit.post("/admin/lists", data={**form, "published_on": "2025-07-01"},
                            files={"file": ("名单.csv", gbk, "text/csv")})
    assert later.status_code == 422 and "发布日期：不能晚于今天（2025-06-30）" in later.text
    done = await unit.post("/admin/lists", data=form, files={"file": ("名单.csv", gbk, "text/csv")})
    assert done.status_code == 303, done.text
    imported = session.query(RecognitionList).one()
    assert session.query(Matter).filter_by(list_id=imported.id).one().facts == {"level": "national"}
    twice = await unit.post("/admin/lists", data=form, files={"file": ("名单.csv", gbk, "text/csv")})
    assert twice.status_code == 409 and f"已导入为认定名单 {imported.id}（发布日期 2025-06-01）" in twice.text
    assert session.query(RecognitionList).count() == 1


async def test_a_second_list_of_one_recognition_is_merged_and_the_officer_is_told(browser, client, session, people,
                                                                                  set_today) -> None:
    """The walk-through's case: a gazelle list, then another under a new document number naming the same enterprise
    and day (measure 2, 免申即享, 100 万元). The second makes no matter and no offer, and says how many rows it merged:
    on the page's message and in the API's answer."""
    from tests.dbtest import BOB_USCC
    from tests.webtest import bearer

    set_today(date(2025, 9, 1))
    admin, most = bearer(session, people.admin), bearer(session, people.most)
    opened = await client.post("/api/v1/rounds", headers=admin, json={
        "policy": "ln-2022-35", "title": "2025年度（瞪羚）", "opens_on": "2025-09-01", "closes_on": "2025-12-31",
        "measures": [{"measure": 2, "mode": "direct"}]})
    assert opened.status_code == 201, opened.text
    row = {"uscc": BOB_USCC, "name": "大连数据有限公司", "date": "2025-06-01"}
    first = await client.post("/api/v1/lists", headers=most, json={
        "code": "gazelle", "level": "provincial", "document": "辽科发〔2025〕1号", "published_on": "2025-06-01",
        "rows": [row]})
    assert first.status_code == 201 and (first.json()["offers"], first.json()["existing"]) == (1, 0), first.text
    second = await client.post("/api/v1/lists", headers=most, json={
        "code": "gazelle", "level": "provincial", "document": "辽科发〔2025〕2号", "published_on": "2025-06-15",
        "rows": [row]})
    assert second.status_code == 201 and (second.json()["offers"], second.json()["existing"]) == (0, 1), second.text
    gazelles = [m for m in session.query(Matter).all() if "gazelle" in m.codes]
    assert [m.key for m in gazelles] == [f"gazelle-L{first.json()['id']}"]
    assert session.query(Offer).filter_by(uscc=BOB_USCC, measure=2).count() == 1

    unit = browser(people.most)
    third = await unit.post("/admin/lists", data={"code": "gazelle", "level": "provincial",
                                                  "document": "辽科发〔2025〕3号", "published_on": "2025-06-20"},
                            files={"file": ("名单.csv", f"uscc,name,date\n{BOB_USCC},大连数据有限公司,2025-06-01\n"
                                            .encode(), "text/csv")})
    assert third.status_code == 303, third.text
    shown = (await unit.get("/admin/lists")).text
    assert "其中 1 行与申报单位已有的事项为同一认定（类别和认定日期相同），已并入原事项" in shown
    assert "其中 1 行并入已有事项（同一认定）" in shown
    assert session.query(Offer).filter_by(uscc=BOB_USCC, measure=2).count() == 1


async def test_the_lists_download_as_the_page_lists_them(browser, session, people, set_today) -> None:
    """/admin/lists.xlsx: the page's rows in its order and words (a withdrawn one with its reason), a document
    number written as a formula kept as text, and whoever the page refuses refused alike."""
    from tests.dbtest import BOB_USCC
    from tests.webtest import quoted, refusal, sheet_rows

    set_today(date(2025, 6, 30))
    unit = browser(people.miit)
    for code, document, uscc, name in (("single_champion", "=1+1", ALICE_USCC, "示例科技有限公司"),
                                       ("little_giant", "工信部企业函〔2025〕测试号", BOB_USCC, "大连数据有限公司")):
        done = await unit.post("/admin/lists", data={**FORM, "code": code, "document": document},
                               files={"file": ("名单.csv", f"uscc,name\n{uscc},{name}\n".encode(), "text/csv")})
        assert done.status_code == 303, done.text
    first = session.query(RecognitionList).filter_by(code="single_champion").one()
    assert (await unit.post(f"/admin/lists/{first.id}/withdraw", data={"reason": "+名单有误"})).status_code == 303
    page = (await unit.get("/admin/lists")).text
    assert 'href="/admin/lists.xlsx"' in page and "导出 Excel" in page
    shown = re.findall(r'<td data-label="编号">(\d+)</td><td data-label="类别">([^<]*)</td><td data-label="级别">'
                       r'([^<]*)</td><td data-label="文号">([^<]*)</td>', page)
    assert [s[3] for s in shown] == ["工信部企业函〔2025〕测试号", "=1+1"], "newest first"
    for who in (people.miit, people.admin, people.auditor):
        got = await browser(who).get("/admin/lists.xlsx")
        rows = sheet_rows(got)
        assert [(str(r["编号"]), r["类别"], r["级别"], r["文号"]) for r in rows] == shown
        assert [(r["状态"], r["撤回理由"], r["重新匹配"]) for r in rows] == [("有效", None, "完成"),
                                                                     ("已撤回", "+名单有误", "完成")]
        assert rows[1]["发布日期"].date() == date(2025, 6, 1) and rows[1]["行数"] == 1 and rows[1]["导入人"]
        assert quoted(got, "=1+1") and quoted(got, "+名单有误"), "formula-like text stays text"
    for who in (None, people.alice, people.finance, people.analyst, people.shenyang):
        client = browser(who)
        assert refusal(await client.get("/admin/lists.xlsx")) == refusal(await client.get("/admin/lists"))
        assert (await client.get("/admin/lists.xlsx")).status_code in (303, 403)


async def test_a_list_withdrawn_meanwhile_is_a_refusal_saying_by_whom_not_a_mistake_to_correct(
        browser, session, people, set_today) -> None:
    """Two people withdraw one list (two tabs): the second is told it was done, by whom, under 未能完成; a reason left
    out is still a mistake to correct, under the form's own heading."""
    set_today(date(2025, 6, 30))
    unit, admin = browser(people.miit), browser(people.admin)
    good = f"uscc,name\n{ALICE_USCC},示例科技有限公司\n".encode()
    done = await unit.post("/admin/lists", data=FORM, files={"file": ("名单.csv", good, "text/csv")})
    assert done.status_code == 303, done.text
    listed = session.query(RecognitionList).one()
    unexplained = await admin.post(f"/admin/lists/{listed.id}/withdraw", data={"reason": ""})
    assert unexplained.status_code == 422 and TITLE.format("未能撤回名单，请修改以下内容") in unexplained.text
    first = await unit.post(f"/admin/lists/{listed.id}/withdraw", data={"reason": "名单更正"})
    assert first.status_code == 303, first.text
    second = await admin.post(f"/admin/lists/{listed.id}/withdraw", data={"reason": "重复导入"})
    assert second.status_code == 409 and TITLE.format("未能完成") in second.text, second.text
    assert "请修改以下内容" not in second.text
    assert f"认定名单 {listed.id} 已由{people.miit.display_name}" in second.text and "无需再撤回" in second.text
    session.refresh(listed)
    assert (listed.state, listed.reason, listed.withdrawn_by) == ("withdrawn", "名单更正", people.miit.username)


async def test_a_failed_matching_is_run_again_from_the_page_and_a_second_click_is_told_it_is_done(
        browser, session, people, set_today) -> None:
    """A list whose matching failed before its row says how far it got and offers 重新匹配 to whoever may withdraw it;
    clicked, the row is matched (an offer, a round being open) and the page says so; clicked again in another tab,
    it is a refusal under 未能完成 saying the matching is done, not a mistake to correct."""
    from huiqi.models import MatterListing

    set_today(date(2025, 6, 30))
    a_round(session)
    unit, admin = browser(people.miit), browser(people.admin)
    good = f"uscc,name\n{ALICE_USCC},示例科技有限公司\n".encode()
    imported = await unit.post("/admin/lists", data=FORM, files={"file": ("名单.csv", good, "text/csv")})
    assert imported.status_code == 303, imported.text
    listed, row = session.query(RecognitionList).one(), session.query(MatterListing).one()
    session.query(Offer).delete()  # as if the run failed before the row: nothing offered, nothing recorded
    listed.matching, listed.matched, listed.offers, row.offers, row.outcome = "failed", 0, 0, None, None
    session.flush()
    shown = (await unit.get("/admin/lists")).text
    assert "失败</span>（已匹配 0/1 行）" in shown and f'action="/admin/lists/{listed.id}/match"' in shown
    assert "从尚未匹配的行继续；已匹配的行保持原结果，不重复产生政策直达。" in shown
    tab = (await admin.get("/admin/lists")).text
    assert f'action="/admin/lists/{listed.id}/match"' in tab
    first = await unit.post(f"/admin/lists/{listed.id}/match")
    assert first.status_code == 303, first.text
    after = (await unit.get("/admin/lists")).text
    assert f"认定名单 {listed.id} 已开始重新匹配" in after and "完成，名单各行产生政策直达 1 项" in after
    assert f'action="/admin/lists/{listed.id}/match"' not in after
    session.expire_all()
    assert (listed.matching, listed.matched, listed.offers, row.offers) == ("done", 1, 1, 1)
    second = await admin.post(f"/admin/lists/{listed.id}/match")
    assert second.status_code == 409 and TITLE.format("未能完成") in second.text, second.text
    assert f"认定名单 {listed.id} 已匹配完成，无需重新匹配" in second.text
    assert session.query(Offer).filter_by(matter_id=row.matter_id).count() == 1


@pytest.mark.parametrize(("field", "typed", "said", "shown"), [
    ("document", "工信部企业函\x00〔2025〕测试号", "不能含有空字符（NUL）", 'value="工信部企业函〔2025〕测试号"'),
    ("published_on", "2025-06-01\x00", "不能含有空字符（NUL）", 'value="2025-06-01"'),
    ("published_on", "2025-06-01" * 10, "应为日期（YYYY-MM-DD）", 'value="' + "2025-06-01" * 4 + '"'),
])
async def test_a_forged_box_of_the_import_form_is_said_beside_it_and_kept(browser, session, people, set_today, field,
                                                                          typed, said, shown) -> None:
    """A NUL used to meet the door: a bare 「输入有误」 page, the form lost."""
    set_today(date(2025, 6, 30))
    good = f"uscc,name\n{ALICE_USCC},示例科技有限公司\n".encode()
    refused = await browser(people.miit).post("/admin/lists", data={**FORM, field: typed},
                                              files={"file": ("名单.csv", good, "text/csv")})
    assert refused.status_code == 422 and TITLE.format("未能导入，请修改以下内容") in refused.text
    assert marked(refused.text) == [(f"f-{field}", said)] and shown in refused.text
    assert session.query(RecognitionList).count() == 0


@pytest.mark.parametrize(("typed", "said", "shown"), [
    ("名单\x00更正", "不能含有空字符（NUL）", "名单更正"),
    ("更正" * 2501, "不能超过 500 个字（现为 5002 个字）", ("更正" * 2501)[:500]),
])
async def test_a_forged_withdrawal_reason_is_said_beside_its_row_s_box(browser, session, people, set_today, typed,
                                                                       said, shown) -> None:
    """A NUL, or a length past the form's old bound of its own (500), used to end on a bare 「输入有误」 page."""
    set_today(date(2025, 6, 30))
    unit = browser(people.miit)
    good = f"uscc,name\n{ALICE_USCC},示例科技有限公司\n".encode()
    assert (await unit.post("/admin/lists", data=FORM, files={"file": ("名单.csv", good, "text/csv")})
            ).status_code == 303
    listed = session.query(RecognitionList).one()
    refused = await unit.post(f"/admin/lists/{listed.id}/withdraw", data={"reason": typed})
    assert refused.status_code == 422 and TITLE.format("未能撤回名单，请修改以下内容") in refused.text
    assert marked(refused.text) == [("f-reason", said)] and f'value="{shown}"' in refused.text
    session.refresh(listed)
    assert listed.state == "active"


async def test_a_document_number_too_long_is_said_with_its_length_and_kept(browser, session, people,
                                                                          set_today) -> None:
    """Over 200 characters (pasted past the box's bound, or sent without the page), at any length: said beside the
    box as the calendar's notice is, with what was typed kept in it; a list imported twice is a refusal (未能完成)."""
    set_today(date(2025, 6, 30))
    unit = browser(people.miit)
    good = f"uscc,name\n{ALICE_USCC},示例科技有限公司\n".encode()
    for typed in ("工信部企业函" + "长" * 195, "函" * 5000):
        refused = await unit.post("/admin/lists", data={**FORM, "document": typed},
                                  files={"file": ("名单.csv", good, "text/csv")})
        assert refused.status_code == 422, refused.text
        said = f"不能超过 200 个字（现为 {len(typed)} 个字）"
        assert TITLE.format("未能导入，请修改以下内容") in refused.text and f"发布文号：{said}" in refused.text
        assert f'value="{typed}"' in refused.text  # kept, not cut to the box's 200
        assert [m for m in marked(refused.text) if m[0] == "f-document"] == [("f-document", said + "，请删减后再导入")]
    assert session.query(RecognitionList).count() == 0
    done = await unit.post("/admin/lists", data=FORM, files={"file": ("名单.csv", good, "text/csv")})
    assert done.status_code == 303, done.text
    twice = await unit.post("/admin/lists", data=FORM, files={"file": ("名单.csv", good, "text/csv")})
    assert twice.status_code == 409 and TITLE.format("未能完成") in twice.text and "已导入为认定名单" in twice.text


async def test_a_department_sees_and_does_only_the_lists_of_measures_it_leads(browser, session, people,
                                                                              set_today) -> None:
    """省工信厅 (measures 3, 14 …) is offered only its own categories and a 撤回 button only on their lists: 瞪羚
    (措施2, 省科技厅) is neither in its select nor withdrawable, and a forged import or withdrawal is a 403 naming
    省科技厅, with nothing written; the admin, and 省科技厅 for its 瞪羚 list, see their buttons; the auditor none."""
    set_today(date(2025, 6, 30))
    admin, miit, most, auditor = (browser(p) for p in (people.admin, people.miit, people.most, people.auditor))
    good = f"uscc,name\n{ALICE_USCC},示例科技有限公司\n".encode()
    gazelle = {**FORM, "code": "gazelle", "level": "provincial", "document": "辽科发〔2025〕测试号"}
    assert (await admin.post("/admin/lists", data=gazelle, files={"file": ("名单.csv", good, "text/csv")})
            ).status_code == 303
    mine = await miit.post("/admin/lists", data=FORM, files={"file": ("名单.csv", good, "text/csv")})
    assert mine.status_code == 303, mine.text
    gazelles, champions = (session.query(RecognitionList).filter_by(code=c).one() for c in ("gazelle",
                                                                                              "single_champion"))
    page = (await miit.get("/admin/lists")).text
    assert '<option value="single_champion"' in page and '<option value="gazelle"' not in page
    assert "“认定类别”只列出本单位牵头的措施所对应的类别" in page
    assert f'action="/admin/lists/{champions.id}/withdraw"' in page
    assert f'action="/admin/lists/{gazelles.id}/withdraw"' not in page
    theirs = (await most.get("/admin/lists")).text
    assert '<option value="gazelle"' in theirs and '<option value="single_champion"' not in theirs
    assert f'action="/admin/lists/{gazelles.id}/withdraw"' in theirs
    assert f'action="/admin/lists/{champions.id}/withdraw"' not in theirs
    everything = (await admin.get("/admin/lists")).text
    assert all(f'action="/admin/lists/{x.id}/withdraw"' in everything for x in (gazelles, champions))
    assert '<option value="gazelle"' in everything and '<option value="single_champion"' in everything
    assert "/withdraw" not in (await auditor.get("/admin/lists")).text
    forged = await miit.post("/admin/lists", data={**gazelle, "document": "伪造"},
                             files={"file": ("名单.csv", good, "text/csv")})
    assert forged.status_code == 403 and TITLE.format("未能完成") in forged.text
    assert "由措施2的牵头单位（省科技厅）或管理员导入" in forged.text
    withdrawn = await miit.post(f"/admin/lists/{gazelles.id}/withdraw", data={"reason": "不是本单位的名单"})
    assert withdrawn.status_code == 403 and "由措施2的牵头单位（省科技厅）或管理员撤回" in withdrawn.text
    assert "认定名单 1 已撤回" not in withdrawn.text
    session.expire_all()
    assert session.query(RecognitionList).count() == 2
    assert session.get(RecognitionList, gazelles.id).state == "active"
    assert (await most.post(f"/admin/lists/{gazelles.id}/withdraw", data={"reason": "名单更正"})).status_code == 303
    organisers = browser(_person(session, "org", "省委组织部审核员", "department", department="省委组织部"))
    none = (await organisers.get("/admin/lists")).text  # it leads no measure a category feeds
    assert "本单位不是任何认定类别所对应措施的牵头单位，不能导入名单" in none and 'action="/admin/lists"' not in none


async def test_a_withdrawn_list_says_its_offers_went_with_it(browser, session, people, set_today) -> None:
    """The walk-through: a withdrawn list still said "完成，名单各行产生政策直达 1 项" though its offer was
    withdrawn with it. It says so now; an offer the enterprise had already accepted stays, and is said to."""
    set_today(date(2025, 6, 30))
    a_round(session)
    unit, alice = browser(people.miit), browser(people.alice)
    good = f"uscc,name\n{ALICE_USCC},示例科技有限公司\n".encode()
    for document in ("工信部企业函〔2025〕测试号", "工信部企业函〔2025〕更正号"):
        done = await unit.post("/admin/lists", data={**FORM, "document": document},
                               files={"file": ("名单.csv", good, "text/csv")})
        assert done.status_code == 303, done.text
        listed = session.query(RecognitionList).filter_by(document=document).one()
        if document.endswith("更正号"):  # the enterprise accepts this one's offer before the list is withdrawn
            matter = session.query(MatterListing).filter_by(list_id=listed.id).one().matter_id
            offer = session.query(Offer).filter_by(matter_id=matter, state="open").one()
            assert (await alice.post(f"/offers/{offer.id}/accept")).status_code == 303
        assert "完成，名单各行产生政策直达 1 项" in (await unit.get("/admin/lists")).text
        withdrawn = await unit.post(f"/admin/lists/{listed.id}/withdraw", data={"reason": "名单更正"})
        assert withdrawn.status_code == 303, withdrawn.text
    page = (await unit.get("/admin/lists")).text
    assert "完成，名单各行产生政策直达" not in page
    assert "已撤回：原产生的政策直达 1 项已一并撤回" in page
    assert ("已撤回：原产生的政策直达 1 项，其中 0 项已一并撤回，其余 1 项在名单撤回前已接受、确认、放弃或另行撤回，"
            "不受影响") in page
