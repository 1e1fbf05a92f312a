"""The whole path in the browser, as the demo's people walk it.

An enterprise tries the calculator, registers the matter, applies with a PDF and submits; its city passes
it; the lead department proposes an amount and puts it on 公示; finance approves and disburses once the
公示 has ended; the public sees the announcement, and the enterprise follows every step on its timeline.
Every page visited is kept as a screenshot.

The 公示 starts the next working day and runs five working days; a browser test cannot wait for them, so
finance works on a second server over the same database whose day is set after the 公示's end
(``HUIQI_TODAY``, as a demo or training system may set it; production refuses it).
"""



from huiqi.announcements.calendar import last_working_day, next_working_day
from tests.browser.conftest import (
    LIVE_DAY,
    at_application,
    attach_declare_submit,
    fill_applicant,
    fill_little_giant,
    reviewer_of,
    serving,
    shoot,
    sign_in,
)

ENTERPRISE = "沈阳云帆软件有限公司（演示）"


def _state(page) -> str:
    return page.inner_text("main")


def test_calculator_to_disbursement(page, live_database, tmp_path) -> None:
    # The enterprise: the calculator first, then its own record.
    sign_in(page, "ent-01")
    page.goto("/calculator")
    fill_applicant(page)
    fill_little_giant(page, "2025-06-01")
    page.click("#calculate")
    page.wait_for_selector("#result table")
    assert "万元" in page.inner_text("#result .kpis")
    shoot(page, "10-enterprise-calculator")

    page.goto("/me")
    page.click("summary:has(#matter-form)")  # folded while the unit has matters: 可以申请什么 comes sooner
    page.fill("input[name=key]", "lg-2025")
    fill_little_giant(page, "2025-06-01", form="form[action='/me/matters']")
    page.click("form[action='/me/matters'] button[type=submit]")
    page.wait_for_load_state()
    assert "lg-2025" in page.inner_text("main")
    shoot(page, "11-enterprise-me")

    page.click("a[href*='/applications/new?matter=lg-2025']")
    page.wait_for_load_state()
    page.fill("input[name=amount]", "100")
    page.click("form[action='/applications/new'] button[type=submit]")
    application_id = at_application(page)
    attach_declare_submit(page, tmp_path)
    assert "市级初审" in _state(page)
    shoot(page, "13-enterprise-submitted")

    # 沈阳's reviewer passes it on.
    sign_in(page, "city-210100")
    page.goto("/review")
    assert ENTERPRISE in page.inner_text("main")
    shoot(page, "14-city-queue")
    page.goto(f"/review/{application_id}")
    shoot(page, "15-city-review")
    page.click("#form-pass_city button[type=submit]")
    page.wait_for_load_state()
    assert "责任单位审核" in _state(page)

    # The lead department proposes 80 万元 and records the 公示.
    sign_in(page, reviewer_of(live_database, application_id))
    page.goto(f"/review/{application_id}")
    assert "规则判断" in page.content() and "申报书.pdf" in page.content()
    shoot(page, "16-department-review")
    page.fill("#form-propose input[name=amount]", "80")
    page.click("#form-propose button[type=submit]")
    page.wait_for_load_state()
    assert "已拟定金额" in _state(page)
    starts = next_working_day(LIVE_DAY)
    assert page.input_value("#form-announce input[name=starts_on]") == starts.isoformat()
    page.click("#form-announce button[type=submit]")
    page.wait_for_load_state()
    assert f"公示未开始（{starts} 起）" in _state(page)
    shoot(page, "17-department-announced")

    # Once the 公示 has run its five working days, finance approves within the year's budget and pays.
    after = next_working_day(last_working_day(starts, 5))
    with serving(live_database, today=after) as later:
        sign_in(page, "finance", later)
        page.goto(f"{later}/review")
        assert ENTERPRISE in page.inner_text("main")
        shoot(page, "18-finance-queue")
        page.goto(f"{later}/review/{application_id}")
        page.click("#form-approve button[type=submit]")
        page.wait_for_load_state()
        assert "已批准" in _state(page)
        page.fill("#form-disburse input[name=reference]", "演示-0001")
        page.click("#form-disburse button[type=submit]")
        page.wait_for_load_state()
        assert "已拨付" in _state(page) and after.isoformat() in _state(page)
        shoot(page, "19-finance-disbursed")
        page.goto(f"{later}/budgets")
        shoot(page, "20-finance-budgets")

    # The public sees the 公示; the enterprise sees every step.
    page.context.clear_cookies()
    page.goto("/announcements")
    assert ENTERPRISE in page.inner_text("main") and "80" in page.inner_text("main")
    shoot(page, "21-public-announcements")
    sign_in(page, "ent-01")
    page.goto(f"/applications/{application_id}")
    timeline = page.inner_text("main")
    for step in ("提交申报", "初审通过", "拟定金额", "列入公示", "批准", "拨付"):
        assert step in timeline, step
    shoot(page, "22-enterprise-timeline")
