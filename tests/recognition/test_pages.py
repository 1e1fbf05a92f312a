"""In the browser's forms: a department imports a list from a CSV file (a bad row named by its line, nothing
written), the enterprise finds the offer on its page and accepts it into a draft; the CLI does the import too."""

from datetime import date

import pytest

from huiqi.models import Matter, Offer, RecognitionList
from huiqi.web.excel import XLSX
from tests.dbtest import ALICE_USCC, a_round

pytestmark = pytest.mark.anyio
FORM = {"code": "single_champion", "level": "national", "document": "工信部企业函〔2025〕测试号",
        "published_on": "2025-06-01"}


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
