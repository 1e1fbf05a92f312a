"""免申即享 and 好差评 in the browser, on the demo: the enterprise finds the offer of the imported (invented) 瞪羚
list in its messages and on its page; 省科技厅 confirms it (二次确认), proposes and opens the 公示; finance
approves and pays once the 公示 has ended; the enterprise is told, and rates the service 不满意; the department
answers the rectification, and the enterprise reads the answer."""

from huiqi.announcements.calendar import last_working_day, next_working_day
from tests.browser.conftest import (
    LIVE_DAY,
    approve_and_pay,
    at_application,
    attach_declare_submit,
    propose_and_announce,
    reviewer_of,
    serving,
    shoot,
    sign_in,
)
from tests.browser.conftest import scalar as _one

ENTERPRISE = "沈阳云帆软件有限公司（演示）"
def test_an_offer_confirmed_paid_and_rated(page, live_database) -> None:
    sign_in(page, "ent-01")
    page.goto("/messages")
    assert "政策直达：辽政办〔2022〕35号措施2" in page.inner_text("main")  # two policies in the demo: named
    shoot(page, "70-enterprise-offer-message")
    offer = page.locator("li.card", has_text="政策直达：辽政办〔2022〕35号措施2").first
    offer.locator("a", has_text="查看").click()  # through /messages/N/open: read once opened
    page.wait_for_load_state()
    assert page.url.endswith("/me#offers")
    assert "待责任单位确认" in page.inner_text("#offers")

    unit = _one(live_database, "SELECT u.username FROM users u JOIN departments d ON d.id = u.department_id "
                               "WHERE d.name = '省科技厅' AND u.role = 'department' ORDER BY u.username LIMIT 1")
    sign_in(page, unit)
    page.goto("/offers/pending")
    row = page.locator("tr", has_text=ENTERPRISE)
    row.locator("form[action$='/confirm'] button").click()
    page.wait_for_load_state()
    assert "已确认" in page.content()
    shoot(page, "71-department-confirmed")
    application = _one(live_database, "SELECT application_id FROM offers WHERE state = 'confirmed' AND uscc = ("
                                      "SELECT uscc FROM applicants a JOIN applicant_profiles p ON p.applicant_id = a.id"
                                      " WHERE p.name = :name LIMIT 1)", name=ENTERPRISE)
    propose_and_announce(page, application, "90")

    sign_in(page, "ent-01")
    page.goto(f"/applications/{application}")
    page.fill("#payee input[name=bank]", "中国工商银行沈阳分行")
    page.fill("#payee input[name=account]", "6222000012345678")
    page.click("#payee button[type=submit]")
    page.wait_for_load_state()
    assert "收款账户已确认" in page.content()
    shoot(page, "71b-enterprise-payee")

    after = next_working_day(last_working_day(next_working_day(LIVE_DAY), 5))
    with serving(live_database, today=after) as later:
        approve_and_pay(page, later, application, "免申即享-0001")

        sign_in(page, "ent-01", later)
        page.goto(f"{later}/messages")
        assert f"申报 #{application} 已拨付" in page.inner_text("main")
        page.goto(f"{later}/applications/{application}")
        page.check("#rating input[name=level][value='2']")
        page.fill("#rating textarea[name=comment]", "确认前没有任何通知")
        page.click("#rating button[type=submit]")
        page.wait_for_load_state()
        assert "感谢您的评价" in page.content()
        shoot(page, "72-enterprise-rated")

        sign_in(page, unit, later)
        page.goto(f"{later}/ratings/rectifications")
        page.fill("form[action$='/answer'] textarea[name=text]", "今后确认前先以消息告知企业")
        page.click("form[action$='/answer'] button[type=submit]")
        page.wait_for_load_state()
        assert "整改情况已答复" in page.content()

        sign_in(page, "ent-01", later)
        page.goto(f"{later}/applications/{application}")
        assert "今后确认前先以消息告知企业" in page.inner_text("#rating")
        shoot(page, "73-enterprise-reads-the-answer")


def test_a_list_imported_on_the_page_is_accepted_and_applied_for(page, live_database, tmp_path) -> None:
    """申请即享: the admin imports a list (a CSV file) on the page; the enterprise accepts the offer on its page and
    submits the draft it makes; 抚顺 passes it, the lead department proposes and opens the 公示, finance approves and
    pays, and the enterprise sees it paid."""
    uscc = _one(live_database, "SELECT a.uscc FROM applicants a JOIN applicant_profiles p ON p.applicant_id = a.id "
                               "WHERE p.name = '抚顺智造科技有限公司（演示）' LIMIT 1")
    listing = tmp_path / "单项冠军名单.csv"
    listing.write_text(f"uscc,name\n{uscc},抚顺智造科技有限公司（演示）\n", encoding="utf-8")
    sign_in(page, "admin")
    page.goto("/admin/lists")
    page.set_input_files("form[action='/admin/lists'] input[name=file]", str(listing))
    page.select_option("form[action='/admin/lists'] select[name=code]", "single_champion")
    page.select_option("form[action='/admin/lists'] select[name=level]", "national")
    page.fill("form[action='/admin/lists'] input[name=document]", "工信部企业函〔2025〕演示号（虚构）")
    page.fill("form[action='/admin/lists'] input[name=published_on]", "2025-06-01")
    page.click("form[action='/admin/lists'] button[type=submit]")
    page.wait_for_load_state()
    assert "名单已导入" in page.content()
    shoot(page, "74-admin-list-imported")

    sign_in(page, "ent-04")
    page.goto("/me")
    offer = page.locator("#offers tr", has_text="措施3")
    offer.locator("form[action$='/accept'] button").click()
    at_application(page)
    assert "已生成申报草稿" in page.content()
    attach_declare_submit(page, tmp_path)
    assert "市级初审" in page.inner_text("main")
    application = int(page.url.rstrip("/").rsplit("/", 1)[1])
    shoot(page, "75-enterprise-applied-from-offer")

    # From here the offer is an application like any other: 抚顺's reviewer, the lead department, the 公示,
    # finance's approval and payment; the enterprise sees it paid, and the offer as taken.
    sign_in(page, "city-210400")
    page.goto(f"/review/{application}")
    page.click("#form-pass_city button[type=submit]")
    page.wait_for_load_state()
    assert "责任单位审核" in page.inner_text("main")
    sign_in(page, reviewer_of(live_database, application))
    page.goto(f"/review/{application}")
    assert "公布名单：工信部企业函〔2025〕演示号（虚构）" in page.inner_text("main")
    propose_and_announce(page, application, "100")

    after = next_working_day(last_working_day(next_working_day(LIVE_DAY), 5))
    with serving(live_database, today=after) as later:
        approve_and_pay(page, later, application, "申请即享-0001")

        sign_in(page, "ent-04", later)
        page.goto(f"{later}/applications/{application}")
        assert "已拨付" in page.inner_text("main") and "100" in page.inner_text("main")
        shoot(page, "76-enterprise-offer-paid")
