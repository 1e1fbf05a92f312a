"""axe-core (vendored in static/vendor/axe) on the pages of the demo path: no serious or critical violation."""

import pytest

from tests.browser.conftest import sign_in

PAGES = {
    None: ["/", "/policy", "/calculator", "/rounds", "/announcements", "/whitelist", "/login"],
    "ent-01": ["/me", "/applications", "/applications/1"],
    "city-210100": ["/review"],
    "finance": ["/review", "/review/2"],
    "admin": ["/rounds", "/admin/policies", "/admin/users"],
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
