"""A final review step asks for its reason before it asks to be confirmed: an empty reason is the browser's own
message, with no confirmation; once given, the confirmation comes, and dismissing it sends nothing."""

from tests.browser.conftest import sign_in


def test_an_empty_reason_is_asked_for_before_a_final_step_is_confirmed(page) -> None:
    sign_in(page, "city-210600")
    page.goto("/review/6")
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#form-reject button[type=submit]")
    assert asked == [], "no confirmation while the reason is empty"
    assert page.evaluate("() => !document.querySelector('#form-reject textarea').validity.valid")
    page.fill("#form-reject textarea", "不符合申报条件")
    page.click("#form-reject button[type=submit]")
    assert len(asked) == 1 and "确定不予支持" in asked[0]
    assert page.url.endswith("/review/6"), "dismissed: nothing sent"
