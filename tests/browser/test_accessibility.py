"""axe-core (vendored in static/vendor/axe) on the pages of the demo path: no serious or critical violation."""

import pytest

from huiqi.demo.data import ENTERPRISES
from tests.browser.conftest import shoot, sign_in

PAGES = {
    None: ["/", "/policy", "/calculator", "/rounds", "/announcements", "/whitelist", "/ratings", "/login"],
    "ent-01": ["/me", "/applications", "/applications/1", f"/growth/{ENTERPRISES[0].uscc}"],
    "ent-07": ["/applications/7"],  # returned for correction: its materials can be taken down
    "city-210100": ["/review", "/applicants", f"/applicants/{ENTERPRISES[0].uscc}"],
    "dept-06": ["/growth", "/ratings/rectifications"],
    "finance": ["/review", "/review/2", "/budgets", "/statistics"],
    "admin": ["/rounds", "/admin/policies", "/admin/users", "/admin/whitelist", "/audit", "/admin/lists"],
}
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.impact + " " + v.id + ": " + v.help + " — "
              + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
}"""


@pytest.mark.parametrize("who", list(PAGES), ids=lambda w: w or "public")
def test_no_serious_accessibility_violation(page, who) -> None:
    if who:
        sign_in(page, who)
    found = []
    for path in PAGES[who]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(url="/static/vendor/axe/axe.min.js")  # served from here: the CSP allows it
        found += [f"{path}: {v}" for v in page.evaluate(RUN)]
    assert not found, "\n".join(found)


def test_elder_mode_is_larger_remembered_and_still_clean(page) -> None:
    page.goto("/policy")
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.get_by_role("button", name="适老化").click()
    assert page.get_by_role("button", name="适老化").get_attribute("aria-pressed") == "true"
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > size + 3, "remembered"
    page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    assert not page.evaluate(RUN)
    shoot(page, "95-elder-home-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "95-elder-home-390")
    page.get_by_role("button", name="适老化").click()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == size


def test_a_refused_form_focuses_its_error_summary_whose_links_reach_the_fields(page) -> None:
    sign_in(page, "ent-01")
    page.goto("/account/password")
    page.get_by_label("当前密码").fill("wrong password")
    page.get_by_label("新密码（至少 10 个字符，不能是常见密码）").fill("short")
    page.get_by_label("确认新密码").fill("short")
    page.evaluate("document.querySelectorAll('input[minlength]').forEach(i => i.removeAttribute('minlength'))")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    shoot(page, "96-error-summary-1366")
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id").startswith("f-")
