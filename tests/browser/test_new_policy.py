"""A new policy file, in the browser, from upload to a grant with no code change: an admin uploads it and looks
at what it would change; a second admin publishes it; the admin opens a round and adds the reviewer of the unit
it names; an enterprise registers a matter of the new policy's own kind and applies from 立即申报; the unit
proposes and opens the 公示; finance sets the budget and approves once the 公示 has ended. The file is the test
successor policy of tests/fixtures (invented, not a real document)."""

from pathlib import Path

from huiqi.announcements.calendar import last_working_day, next_working_day
from tests.browser.conftest import LIVE_DAY, PASSWORD, at_application, attach_declare_submit, serving, shoot, sign_in

FILE = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"


def _main(page) -> str:
    return page.inner_text("main")


def test_a_new_policy_from_upload_to_grant(page, live_database, tmp_path) -> None:
    sign_in(page, "admin")
    page.goto("/admin/policies")
    page.set_input_files("form[action='/admin/policies'] input[name=file]", str(FILE))
    page.click("form[action='/admin/policies'] button[type=submit]")
    page.wait_for_load_state()
    assert "文件格式校验与 1 个测试情形均已通过" in page.content()
    version = page.url.rsplit("#version-", 1)[1]
    shoot(page, "60-admin-policy-draft")
    page.click(f"a[href='/admin/policies/{version}/diff']")
    page.wait_for_load_state()
    assert "发布前比较" in _main(page)
    page.wait_for_selector("#charts canvas, #charts svg")
    shoot(page, "61-admin-policy-diff")
    page.goto("/admin/policies")
    # its drafter is not offered a 发布 that can only fail: the draft says who publishes it
    assert page.locator(f"form[action='/admin/policies/{version}/publish']").count() == 0
    assert "本草稿由您起草：须由另一位管理员核对后发布" in page.inner_text(f"#second-person-{version}")

    sign_in(page, "admin2")
    page.goto("/admin/policies")
    page.click(f"form[action='/admin/policies/{version}/publish'] button[type=submit]")
    page.wait_for_load_state()
    assert "已发布" in page.content()

    sign_in(page, "admin")
    page.goto("/rounds")
    page.click("summary:has(#open-title)")
    assert page.is_visible("details[data-shown-for='ln-2022-35']"), "no policy chosen yet: every list shows"
    page.select_option("select[name=policy]", "test-successor")
    assert page.is_hidden("details[data-shown-for='ln-2022-35']"), "only the chosen policy's measures"
    assert page.is_visible("details[data-shown-for='test-successor']")
    opening = "form[action='/rounds']"  # each open round has its own correction form with a title too
    page.fill(f"{opening} input[name=title]", "测试后续政策 2025 年度申报")
    page.fill(f"{opening} input[name=opens_on]", LIVE_DAY.isoformat())
    page.fill(f"{opening} input[name=closes_on]", "2025-12-31")
    page.check("#measure-test-successor-1")
    page.click("form[action='/rounds'] button[type=submit]")
    page.wait_for_load_state()
    assert "申报批次已开设" in page.content() and "测试后续政策 2025 年度申报" in _main(page)
    shoot(page, "62-admin-round-opened")
    page.goto("/admin/users")
    form = "form[method=post][action='/admin/users']"
    page.fill(f"{form} input[name=username]", "test-unit")
    page.fill(f"{form} input[name=display_name]", "测试厅审核人员")
    page.select_option(f"{form} select[name=role]", "department")
    page.select_option(f"{form} select[name=department]", "测试厅")
    page.fill(f"{form} input[name=password]", PASSWORD)
    page.click(f"{form} button[type=submit]")
    page.wait_for_load_state()
    assert "已添加用户" in page.content() or "test-unit" in page.inner_text("table"), _main(page)[:500]

    sign_in(page, "ent-01")
    page.goto("/me")
    page.click("summary:has(#matter-form)")  # folded while the unit has matters
    page.fill("input[name=key]", "pilot-2025")
    page.check("form[action='/me/matters'] input[name=matters-0-codes][value=test_pilot]")
    page.fill("form[action='/me/matters'] input[name=matters-0-investment]", "200")
    page.fill("form[action='/me/matters'] input[name=matters-0-date]", "2025-03-01")
    page.click("form[action='/me/matters'] button[type=submit]")
    page.wait_for_load_state()
    page.click("a[href*='/applications/new?matter=pilot-2025']")
    page.wait_for_load_state()
    page.fill("input[name=amount]", "50")
    page.click("form[action='/applications/new'] button[type=submit]")
    application_id = at_application(page)
    attach_declare_submit(page, tmp_path)
    assert "责任单位审核" in _main(page)
    shoot(page, "63-enterprise-applied-new-policy")

    sign_in(page, "test-unit")  # a password the admin chose is temporary: the reviewer sets its own first
    assert page.url.endswith("/account/password"), page.url
    own = "test-unit own pw 2025"
    page.fill("input[name=current_password]", PASSWORD)
    page.fill("input[name=new_password]", own)
    page.fill("input[name=confirm_password]", own)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("input[name=username]", "test-unit")
    page.fill("input[name=password]", own)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"/review/{application_id}")
    shoot(page, "63b-unit-review")
    page.fill("#form-propose input[name=amount]", "40")
    page.click("#form-propose button[type=submit]")
    page.wait_for_load_state()
    starts = next_working_day(LIVE_DAY)
    page.click("#form-announce button[type=submit]")
    page.wait_for_load_state()
    assert f"公示未开始（{starts} 起）" in _main(page)

    after = next_working_day(last_working_day(starts, 5))
    with serving(live_database, today=after) as later:
        sign_in(page, "finance", later)
        page.goto(f"{later}/budgets?year={after.year}")
        page.fill("#set-budget input[name=year]", str(after.year))
        page.select_option("#set-budget select[name=measure]", "test-successor/1")
        page.fill("#set-budget input[name=amount]", "500")
        page.click("#set-budget button[type=submit]")
        page.wait_for_load_state()
        assert "预算已设定" in page.content()
        page.goto(f"{later}/review/{application_id}")
        page.click("#form-approve button[type=submit]")
        page.wait_for_load_state()
        assert "已批准" in _main(page)
        shoot(page, "64-finance-approved-new-policy")
