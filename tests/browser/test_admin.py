"""The admin and the auditor in the browser: users (binding fields follow the role), policy versions,
the whitelist desk (exclude in place), statistics with drawn charts, the audit chain."""

from tests.browser.conftest import settled, shoot, sign_in


def test_admin_pages_in_the_browser(page) -> None:
    sign_in(page, "admin")
    page.goto("/admin/users")
    assert "用户管理" in page.inner_text("main")
    page.focus("#user-finance a")  # 变更… by the keyboard: the form comes in place, its role select focused
    page.keyboard.press("Enter")
    page.wait_for_selector("#user-finance form.binding")
    settled(page)
    assert page.evaluate("() => document.activeElement.matches('#user-finance select[name=role]')"), \
        page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
    page.select_option("#user-finance select[name=role]", "city")
    assert page.is_visible("#user-finance select[name=region]")
    assert not page.is_visible("#user-finance select[name=department]")
    shoot(page, "30-admin-users")
    page.goto("/admin/policies")
    assert "✓ 通过" in page.inner_text("main") and "辽财行规〔2024〕12号" in page.inner_text("main")
    shoot(page, "31-admin-policies")
    page.goto("/admin/whitelist")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=拟定稿")
    row = page.locator("tbody tr").first
    row_id = row.get_attribute("id")
    page.fill(f"#{row_id} input[name=reason]", "年报未按时公示")
    page.click(f"#{row_id} button[type=submit]")
    page.wait_for_selector(f"#{row_id} button:has-text('恢复')")
    settled(page)
    assert "/admin/whitelist/" in page.url and "年报未按时公示" in page.inner_text(f"#{row_id}")
    shoot(page, "32-admin-whitelist")
    # the keyboard stays on the row: on 恢复 after the removal (it used to fall to <body>), then on the reason's field
    assert page.evaluate("id => document.activeElement.closest('tr')?.id === id && "
                         "document.activeElement.textContent.trim() === '恢复'", row_id)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#{row_id} input[name=reason]")
    settled(page)
    assert page.evaluate("id => document.activeElement.closest('tr')?.id === id && "
                         "document.activeElement.name === 'reason'", row_id)
    assert "✓ 已恢复列入" in page.inner_text("#version-counts")


def test_auditor_pages_in_the_browser(page) -> None:
    sign_in(page, "auditor")
    page.goto("/statistics")
    page.wait_for_selector("#charts svg")
    assert "申报与兑现统计" in page.inner_text("main")
    shoot(page, "33-statistics")
    page.goto("/audit")
    assert "完好" in page.inner_text("main")
    shoot(page, "34-audit")
    page.goto("/admin/users")  # read-only: the list without its forms
    assert "只读" in page.inner_text("main") and page.is_visible("#user-finance")
    assert page.locator("main form[method=post]").count() == 0
