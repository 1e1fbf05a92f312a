"""A final step asks first: declining the question leaves the application as it was; agreeing takes the step."""

from tests.browser.conftest import shoot, sign_in


def _draft_page(page) -> str:
    """An enterprise of the demo with a draft (it may still be withdrawn); its application page."""
    for number in range(1, 13):
        sign_in(page, f"ent-{number:02d}")
        page.goto("/applications")
        for href in page.eval_on_selector_all("main a[href^='/applications/']", "els => els.map(e => e.href)"):
            page.goto(href)
            if page.query_selector("form[action$='/withdraw']"):
                return href
    raise AssertionError("the demo has no draft to withdraw")


def test_withdrawal_asks_first(page) -> None:
    href = _draft_page(page)
    asked = []
    page.on("dialog", lambda dialog: asked.append(dialog.message))
    page.say_yes = False
    page.click("form[action$='/withdraw'] button")
    page.wait_for_timeout(300)
    assert asked and "确定撤回" in asked[0] and page.url == href
    assert page.query_selector("form[action$='/withdraw']"), "declined: nothing happened"
    page.say_yes = True
    page.click("form[action$='/withdraw'] button")
    page.wait_for_load_state()
    assert "已撤回" in page.inner_text("main") and "申报已撤回" in page.inner_text("main")
    shoot(page, "40-withdrawn-after-confirming")
