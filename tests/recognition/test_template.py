"""The import's template, linked from the import page: the columns the import reads under Chinese headers, an
example row the import passes over, the column rules on a second sheet; filled in, it imports cleanly (on the page
and by the service). A list's rows, each with what it came to, are read on the page, downloaded and asked over the
API."""

import io
from datetime import date

import openpyxl
import pytest

from huiqi import clock
from huiqi.models import MatterListing, Offer, RecognitionList
from huiqi.recognition import service as lists
from huiqi.recognition import template
from huiqi.web.excel import XLSX
from tests.dbtest import ALICE_USCC, a_round, uscc_for
from tests.webtest import bearer, refusal, sheet_rows

pytestmark = pytest.mark.anyio
NEW = uscc_for("210200", "MA0NEW01")
BEIJING = uscc_for("110108", "MA0BJ001")
FORM = {"code": "single_champion", "level": "", "document": "工信部企业函〔2025〕模板号", "published_on": "2025-06-01"}


def _filled(content: bytes, *rows: list) -> bytes:
    """The template as a reviewer fills it: rows typed below the example, which is left in."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    for row in rows:
        book.worksheets[0].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_the_template_is_linked_from_the_page_and_explains_its_columns(browser, session, people,
                                                                              set_today) -> None:
    set_today(date(2025, 6, 30))
    unit = browser(people.miit)
    assert 'href="/admin/lists/template.xlsx"' in (await unit.get("/admin/lists")).text
    got = await unit.get("/admin/lists/template.xlsx")
    assert got.status_code == 200 and got.headers["content-type"] == XLSX
    assert "filename*=UTF-8''" in got.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    assert [s.title for s in book.worksheets] == ["名单", "填写说明"]
    header, example = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(header) == ["统一社会信用代码", "企业名称", "级别", "认定日期"]
    assert example[0].startswith("示例") and "示例" in example[1] and example[2] == "国家级"
    assert lists.is_example(example[0])
    rules = sheet_rows(got, 1)
    assert [r["列名"] for r in rules[:4]] == ["统一社会信用代码", "企业名称", "级别", "认定日期"]
    assert "专精特新“小巨人”企业（新认定）" in rules[2]["填写要求"] and "登记管理机关行政区划码" in rules[0]["填写要求"]
    for who in (None, people.alice, people.finance, people.analyst, people.shenyang):
        client = browser(who)
        assert refusal(await client.get("/admin/lists/template.xlsx")) == refusal(await client.get("/admin/lists"))


async def test_the_template_filled_in_imports_cleanly_on_the_page(browser, session, people, set_today) -> None:
    set_today(date(2025, 6, 30))
    a_round(session)
    unit = browser(people.miit)
    blank = (await unit.get("/admin/lists/template.xlsx")).content
    filled = _filled(blank, [ALICE_USCC, "示例科技有限公司", "国家级", date(2025, 6, 1)],
                     [NEW, "新认定企业有限公司", "省级", "2025-05-20"], [BEIJING, "北京某科技有限公司", "国家级", None])
    done = await unit.post("/admin/lists", data=FORM, files={"file": ("名单.xlsx", filled, XLSX)})
    assert done.status_code == 303, done.text
    imported = session.query(RecognitionList).one()
    assert imported.rows == 3  # the example row passed over
    listed = session.query(MatterListing).filter_by(list_id=imported.id).order_by(MatterListing.id).all()
    assert [x.line for x in listed] == [3, 4, 5]  # lines as the file numbers them: the example is line 2
    shown = (await unit.get("/admin/lists")).text
    assert "名单已导入" in shown and "名单各行产生政策直达 1 项" in shown
    assert "2 行未产生政策直达" in shown
    assert f"第 5 行 北京某科技有限公司（{BEIJING}）：注册地不在措施3的适用范围" in shown
    assert f'href="/admin/lists/{imported.id}/rows.xlsx"' in shown


def test_the_template_filled_in_is_read_and_checked_by_the_service(session, tmp_path) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(_filled(template.workbook(session), [ALICE_USCC, "示例科技有限公司", "省级", date(2025, 6, 1)]))
    with clock.pinned(date(2025, 6, 30)):
        rows = lists.check(session, lists.read_file(path), code="little_giant", level=None,
                           published_on=date(2025, 6, 1))
    assert [(r.line, r.uscc, r.level, r.on) for r in rows] == [(3, ALICE_USCC, "provincial", date(2025, 6, 1))]


async def test_a_lists_rows_are_downloaded_and_read_over_the_api(browser, client, session, people,
                                                                 set_today) -> None:
    set_today(date(2025, 6, 30))
    a_round(session)
    unit = browser(people.miit)
    csv = f"统一社会信用代码,企业名称,级别\n{ALICE_USCC},示例科技有限公司,国家级\n{NEW},新认定企业有限公司,=1+1\n"
    refused = await unit.post("/admin/lists", data=FORM, files={"file": ("名单.csv", csv.encode(), "text/csv")})
    assert refused.status_code == 422 and "第 3 行·级别" in refused.text
    csv = csv.replace("=1+1", "省级")
    done = await unit.post("/admin/lists", data=FORM, files={"file": ("名单.csv", csv.encode(), "text/csv")})
    assert done.status_code == 303, done.text
    imported = session.query(RecognitionList).one()
    for who in (people.miit, people.admin, people.auditor):
        rows = sheet_rows(await browser(who).get(f"/admin/lists/{imported.id}/rows.xlsx"))
        assert [(r["行号"], r["统一社会信用代码"], r["产生政策直达（项）"], r["未产生的原因类别"]) for r in rows] == [
            (2, ALICE_USCC, 1, None), (3, NEW, 0, "单位尚未在平台注册、信息不全")]
        assert rows[1]["原因"].startswith("该单位尚未在平台注册")
    summary = sheet_rows(await unit.get("/admin/lists.xlsx"))
    assert (summary[0]["政策直达（项）"], summary[0]["未产生政策直达（行）"]) == (1, 1)
    assert summary[0]["未产生的原因"] == "单位尚未在平台注册、信息不全 1 行"
    assert (await unit.get("/admin/lists/999/rows.xlsx")).status_code == 404
    for who in (None, people.alice, people.finance, people.shenyang):
        other = browser(who)
        assert refusal(await other.get(f"/admin/lists/{imported.id}/rows.xlsx")) == refusal(
            await other.get("/admin/lists"))

    miit = bearer(session, people.miit)
    listed = (await client.get("/api/v1/lists", headers=miit)).json()["items"][0]
    assert (listed["offers"], listed["not_offered"], listed["not_offered_by"]) == (1, 1, {"unregistered": 1})
    page = (await client.get(f"/api/v1/lists/{imported.id}/rows?size=1&page=2", headers=miit)).json()
    assert (page["total"], page["page"], len(page["items"])) == (2, 2, 1)
    row = page["items"][0]
    assert (row["line"], row["uscc"], row["name"], row["offers"], row["outcome"]) == (
        3, NEW, "新认定企业有限公司", 0, "unregistered")
    assert row["outcome_label"] == "单位尚未在平台注册、信息不全" and row["why"].startswith("该单位尚未在平台注册")
    assert session.query(Offer).filter_by(uscc=NEW).count() == 0


async def test_an_api_import_says_its_rows(client, session, people, set_today) -> None:
    set_today(date(2025, 6, 30))
    a_round(session)
    made = await client.post("/api/v1/lists", headers=bearer(session, people.miit), json={
        "code": "single_champion", "level": "national", "document": "工信部企业函〔2025〕接口号",
        "published_on": "2025-06-01", "rows": [{"uscc": ALICE_USCC, "name": "示例科技有限公司"},
                                               {"uscc": BEIJING, "name": "北京某科技有限公司"}]})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["offers"], body["not_offered"], body["not_offered_by"]) == (1, 1, {"outside": 1})
    unlevelled = await client.post("/api/v1/lists", headers=bearer(session, people.miit), json={
        "code": "single_champion", "document": "工信部企业函〔2025〕无级别", "published_on": "2025-06-01",
        "rows": [{"uscc": ALICE_USCC, "name": "示例科技有限公司", "level": "国家级"},
                 {"uscc": BEIJING, "name": "北京某科技有限公司"}]})
    assert unlevelled.status_code == 422
    assert [p["field"] for p in unlevelled.json()["problems"]] == ["第 3 行·级别"], unlevelled.text
