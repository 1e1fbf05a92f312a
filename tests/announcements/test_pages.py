"""The department's 公示 page and its Excel 公示清单."""

import io

import openpyxl
import pytest

from huiqi.departments import contacts
from huiqi.departments import repository as departments
from tests.dbtest import to_announced

pytestmark = pytest.mark.anyio


async def test_the_department_sees_its_batches(browser, session, people, tmp_path) -> None:
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=900_000, store=tmp_path)
    page = (await browser(people.miit).get("/announcements/manage")).text
    assert "示例科技有限公司" in page and "2025-10-11" in page and "90" in page and f"/review/{app.id}" in page
    other = (await browser(people.most).get("/announcements/manage")).text
    assert "示例科技" not in other and "还没有发布公示" in other
    got = await browser(people.miit).get("/announcements/manage.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "公示清单" and rows[2][6] == "示例科技有限公司"
    assert rows[2][rows[1].index("拟支持金额（万元）")] == 90
    assert rows[2][rows[1].index("措施")] == "措施3 培育中小企业"
    assert rows[2][rows[1].index("政策")] == "辽政办〔2022〕35号"


async def test_the_department_reads_the_name_as_published(browser, client, session, people, tmp_path) -> None:
    """The enterprise renames itself after its 公示 is published: the department's page, its Excel and the API keep
    the name the public read (and objected to), with the name now beside it."""
    from huiqi.applicants import service as applicants
    from tests.dbtest import ALICE_USCC
    from tests.webtest import bearer

    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=900_000, store=tmp_path)
    unchanged = (await browser(people.miit).get("/announcements/manage")).text
    assert '<td data-label="申报单位">示例科技有限公司</td>' in unchanged and "现名" not in unchanged.split("<table")[1]
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, name="示例数字科技有限公司",
                              kind="enterprise", region="210102", industry="6513")
    page = (await browser(people.miit).get("/announcements/manage")).text
    assert ('<td data-label="申报单位">示例科技有限公司<span class="small muted">（现名：示例数字科技有限公司）</span>'
            in page)
    got = await browser(people.miit).get("/announcements/manage.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    assert rows[2][rows[1].index("申报单位（公示时名称）")] == "示例科技有限公司"
    assert rows[2][rows[1].index("现名（公示后更名的）")] == "示例数字科技有限公司"
    listed = (await client.get("/api/v1/announcements/manage", headers=bearer(session, people.miit))).json()
    entry = next(e for b in listed["items"] for e in b["entries"] if e["application_id"] == app.id)
    assert (entry["applicant"], entry["renamed"]) == ("示例科技有限公司", "示例数字科技有限公司")


async def test_an_enterprise_is_refused(browser, people) -> None:
    assert (await browser(people.alice).get("/announcements/manage")).status_code == 403


async def test_the_public_notice_says_who_issued_it_and_where_it_stands(browser, session, people, tmp_path,
                                                                         set_today) -> None:
    from datetime import date

    from tests.dbtest import step, to_announced

    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)  # 公示 2025-09-29 to 2025-10-11
    public = browser(None)
    set_today(date(2025, 9, 26))
    page = (await public.get("/announcements")).text
    assert "发布单位：省工业和信息化厅" in page and "未开始" in page and "公示未开始" in page
    set_today(date(2025, 10, 9))
    page = (await public.get("/announcements")).text
    assert "公示中" in page and "请于 2025-10-11（含）前向省工业和信息化厅反映" in page, "the last day counts"
    assert '<span class="badge open">公示中</span>' in (await public.get("/")).text, "the home page marks it"
    assert "异议受理：请向省工业和信息化厅提出</p>" in page, "the seeded contact names the department only"
    unit = departments.by_name(session, "省工业和信息化厅").id
    contacts.set_contact(session, actor=people.admin, department_id=unit, phone="024-23456789", address="沈阳市和平区",
                         mail="gxt@example.cn")
    page = (await public.get("/announcements")).text
    assert ("异议受理：省工业和信息化厅 · 电话 024-23456789 · 地址 沈阳市和平区 · 邮箱 "
            '<a href="mailto:gxt@example.cn">gxt@example.cn</a>') in page
    sheet = _rows(await public.get("/announcements.xlsx"))
    assert len(sheet) == 1 and sheet[0]["公示状态"] == "公示中" and sheet[0]["状态"] == "公示中"
    assert sheet[0]["异议受理"] == "省工业和信息化厅 · 电话 024-23456789 · 地址 沈阳市和平区 · 邮箱 gxt@example.cn"
    set_today(date(2026, 10, 9))
    page = (await public.get("/announcements")).text
    assert "已结束" in page and "公示期满，待批准" in page and ">公示中<" not in page
    set_today(date(2025, 10, 9))
    batch = app.announcement_id
    step(session, "object", people.miit, app, on=date(2025, 10, 9), reasons="证书存疑")
    page = (await public.get("/announcements")).text
    assert "示例科技" not in page and "证书存疑" not in page, "neither the entry nor the objection is shown"
    assert "本批公示的 1 项申报因收到异议已全部退回复核，本批公示已撤回。" in page, "the emptied batch says why"
    assert ">已撤回<" in page and "请于 2025-10-11 前" not in page and "异议受理" not in page
    assert "最新公示" not in (await public.get("/")).text, "a batch withdrawn is not among the latest"
    withdrawn = _rows(await public.get("/announcements.xlsx"))  # as the page lists it: the batch, saying why
    assert [(r["公示编号"], r["公示状态"], r["异议退回复核"], r["申报单位"]) for r in withdrawn] == [
        (batch, "已撤回", "1 项因收到异议已全部退回复核，本批公示已撤回", "")]
    assert "目前没有公示" not in (await public.get("/announcements", params={"year": "2025"})).text
    assert "没有符合条件的公示" in (await public.get("/announcements", params={"q": "示例"})).text


def _rows(got) -> list[dict]:
    """A 公示 sheet's rows, each by its header."""
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    return [dict(zip(rows[1], row, strict=True)) for row in rows[2:]]


async def test_the_public_downloads_every_announcement_as_excel(browser, session, people, tmp_path) -> None:
    to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3, amount=1_000_000,
                 proposed=900_000, store=tmp_path)
    page = (await browser(None).get("/announcements")).text
    assert 'href="/announcements.xlsx"' in page
    got = await browser(None).get("/announcements.xlsx")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    rows = list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))
    row = dict(zip(rows[1], rows[2], strict=True))
    assert row["申报单位"] == "示例科技有限公司" and row["政策"] == "辽政办〔2022〕35号"
    assert row["措施"] == "措施3 培育中小企业" and row["拟支持金额（万元）"] == 90
    assert row["状态"] in ("公示未开始", "公示中", "公示期满，待批准") and len(rows) == 3


async def test_the_public_finds_a_unit_or_a_year(browser, session, people, tmp_path) -> None:
    from tests.dbtest import BOB_USCC

    to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3, amount=1_000_000,
                 proposed=900_000, store=tmp_path)  # 公示 from 2025-09-29
    public = browser(None)
    assert "示例科技有限公司" in (await public.get("/announcements", params={"q": "示例"})).text
    none = (await public.get("/announcements", params={"q": BOB_USCC})).text
    assert "示例科技有限公司" not in none and "没有符合条件的公示" in none and "清除条件" in none
    assert "没有符合条件的公示" in (await public.get("/announcements", params={"year": "2024"})).text
    page = (await public.get("/announcements", params={"year": "2025"})).text
    assert "示例科技有限公司" in page and '<option value="2025" selected>' in page
    assert 'href="/announcements.xlsx?year=2025"' in page
    got = await public.get("/announcements.xlsx", params={"q": BOB_USCC})
    assert len(list(openpyxl.load_workbook(io.BytesIO(got.content)).active.iter_rows(values_only=True))) == 2
    assert (await public.get("/announcements", params={"year": "1999"})).status_code == 422


async def test_a_batch_some_of_whose_entries_went_back_says_how_many(browser, session, people, tmp_path) -> None:
    """Of two applications in one 公示, one goes back to review on an objection: the other stays listed, and the
    batch says one more went back (not which, nor why)."""
    from datetime import date

    from huiqi import clock
    from huiqi.workflow.runner import run
    from tests.dbtest import proposed_giants, step

    apps = proposed_giants(session, people, 2, tmp_path)
    with clock.pinned(date(2025, 9, 12)):
        run(session, "announce", actor=people.miit, application_ids=[a.id for a in apps], starts_on=date(2025, 9, 15))
    step(session, "object", people.miit, apps[0], on=date(2025, 9, 16), reasons="证书存疑")
    with clock.pinned(date(2025, 9, 16)):
        page = (await browser(None).get("/announcements")).text
    assert "并发测试企业1" in page and "并发测试企业0" not in page and "证书存疑" not in page
    assert "本批公示中另有 1 项申报因收到异议已退回复核，不再列于下表。" in page and ">已撤回<" not in page


def test_the_public_listing_reads_as_many_times_however_many_batches_and_enterprises(session, people, tmp_path) -> None:
    """One query for the batches' applications, one for their profiles, one for the openings of the batches listed
    (not every opening ever recorded), whether one batch of one enterprise is listed or more."""
    from datetime import date

    from sqlalchemy import event

    from huiqi import clock
    from huiqi.announcements import service
    from huiqi.workflow.runner import run
    from tests.dbtest import proposed_giants

    apps = proposed_giants(session, people, 3, tmp_path)
    ran: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        ran.append(statement)

    def listing() -> list[str]:
        ran.clear()
        event.listen(session.connection(), "before_cursor_execute", seen)
        try:
            assert service.public_listing(session)
        finally:
            event.remove(session.connection(), "before_cursor_execute", seen)
        return list(ran)

    with clock.pinned(date(2025, 9, 12)):
        run(session, "announce", actor=people.miit, application_ids=[apps[0].id], starts_on=date(2025, 9, 15))
        one = listing()
        run(session, "announce", actor=people.miit, application_ids=[a.id for a in apps[1:]],
            starts_on=date(2025, 9, 16))
        two = listing()
    assert len(two) == len(one), two
    assert all("entity_id IN" in s for s in two if "FROM audit_events" in s)
