"""The message after an action is where the page lands: focused (a screen reader reads it first) and in view, beside
the part of the page the address names, not above the top of the window."""

from tests.browser.conftest import sign_in


def test_the_message_after_subscribing_is_in_view_and_focused(page) -> None:
    page.set_viewport_size({"width": 390, "height": 700})
    sign_in(page, "ent-11")
    page.goto("/messages")
    page.select_option("#f-topic", "policies")
    page.click("#subscriptions button[type=submit]:text('订阅')")
    page.wait_for_load_state()
    assert page.url.endswith("/messages#subscriptions")
    flash = page.locator("#flash")
    assert "已订阅" in flash.inner_text()
    assert page.evaluate("() => document.activeElement.id") == "flash"
    top, bottom = page.evaluate("() => { const r = document.getElementById('flash').getBoundingClientRect();"
                                " return [r.top, r.bottom]; }")
    assert top >= -1 and bottom <= 700, (top, bottom)
    assert page.evaluate("() => document.getElementById('flash').nextElementSibling.id") == "subscriptions"
