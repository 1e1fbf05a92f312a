"""At 1366 px (a common office screen): the header's navigation keeps to one line for a signed-in person (the name
stands in the role bar), and the new application form offers only the measures supporting the matter chosen."""

import pytest

from tests.browser.conftest import sign_in


@pytest.fixture
def desk(chromium, server):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, base_url=server, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.mark.parametrize("who", ["ent-07", "city-210100", "admin"])
def test_the_navigation_keeps_to_one_line(desk, who) -> None:
    sign_in(desk, who)
    desk.goto("/")
    rows = desk.evaluate("new Set([...document.querySelectorAll('header.top nav a')].map(a => a.offsetTop)).size")
    assert rows == 1
    assert "（" in desk.inner_text(".rolebar .me")  # the name, with the role, in sight


def test_the_measures_follow_the_matter(desk) -> None:
    sign_in(desk, "ent-09")
    desk.goto("/applications/new")
    matter = desk.eval_on_selector_all("#f-matter option", "os => os.filter(o => o.value && !o.disabled)[0].value")
    desk.select_option("#f-matter", matter)
    offered = desk.eval_on_selector_all("#f-measure option[data-matters]:not([disabled])",
                                        "os => os.map(o => JSON.parse(o.dataset.matters))")
    assert offered and all(matter in keys for keys in offered)
    assert desk.eval_on_selector_all("#f-measure option[disabled]", "os => os.length") > 0
    desk.select_option("#f-matter", "")
    assert desk.eval_on_selector_all("#f-measure option[disabled]", "os => os.length") == 0
