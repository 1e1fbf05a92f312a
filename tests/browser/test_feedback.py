"""What a page gives back: the message after an action where the page lands (focused, so a screen reader reads it
first, and in view, beside the part of the page the address names); the header under 适老化's larger type."""

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


def test_the_larger_type_keeps_the_header_in_two_rows_on_a_wide_screen(page) -> None:
    """适老化 with a signed-in enterprise's long name: the links take a row of their own, not a column squeezed
    between the brand and the name (the header was 280 px tall at 1366 px)."""
    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in(page, "ent-03")
    page.click("#elder-toggle")
    height = page.evaluate("() => document.querySelector('header.top').getBoundingClientRect().height")
    links = page.evaluate("() => new Set(Array.from(document.querySelectorAll('header.top nav a'),"
                          " a => Math.round(a.getBoundingClientRect().top))).size")
    page.click("#elder-toggle")  # as it was, for the tests after
    assert links == 1 and height < 150, (links, height)
