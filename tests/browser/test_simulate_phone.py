"""The analyst's simulation on a phone (390 px), by keyboard alone: the parameter table folded a group a measure under
a table of contents, 开始测算 in sight without scrolling past it, a reform changed, named and run, its report read
table by table, two saved reforms compared with the measures they leave alone out of the way. At 390 px the form was
some ten thousand pixels tall and a report seventy-five thousand."""

import pytest

from tests.browser.conftest import shoot, sign_in
from tests.browser.test_accessibility import RUN as AXE
from tests.browser.test_keyboard import choose, date_order, tab_to, type_date


@pytest.fixture
def phone(chromium, server):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=server, locale="zh-CN",
                                   is_mobile=True, device_scale_factor=1)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


# Whether the element is wholly on the screen as it is now (not scrolled to).
IN_SIGHT = """s => { const r = document.querySelector(s).getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; }"""
# Whether the focused control is on the screen, above the bar that holds 开始测算 at its foot.
CLEAR_OF_BAR = """() => { const bar = document.querySelector(".run-bar").getBoundingClientRect();
    const r = document.activeElement.getBoundingClientRect(); return r.top >= 0 && r.bottom <= bar.top + 1; }"""
OPEN = "s => [...document.querySelectorAll(s)].map(d => d.open)"
TALL = "() => document.documentElement.scrollHeight"
WIDE = "() => document.documentElement.scrollWidth"


def _axe(phone, where: str) -> list[str]:
    phone.add_script_tag(url="/static/vendor/axe/axe.min.js")
    return [f"{where}: {v}" for v in phone.evaluate(AXE)]


def _run_by_keyboard(phone, name: str, key: str, value: str, since: str) -> str:
    """On /simulate: 300 synthetic applicants, the reform named, one parameter of measure ``key`` changed from
    ``since``, run; the job's page once its result is in. Nothing but Tab, Enter, Ctrl+A and typing."""
    phone.goto("/simulate")
    assert phone.evaluate(IN_SIGHT, "#run"), "开始测算 in sight as the page opens"
    groups = phone.evaluate(OPEN, "details.params-group")
    assert len(groups) > 10 and not any(groups), "every group of parameters folded"
    tab_to(phone, "#f-synthetic_applicants")
    phone.keyboard.press("Control+A")
    phone.keyboard.type("300")
    tab_to(phone, "#f-reform_name")
    phone.keyboard.type(name)
    group = phone.locator(f"details.params-group:has(input[value='ln-2022-35|{key}'])").get_attribute("id")
    tab_to(phone, f"#{group} > summary")
    phone.keyboard.press("Enter")
    assert phone.evaluate(OPEN, f"#{group}") == [True]
    row = f"#{group} tr:has(input[value='ln-2022-35|{key}'])"
    value_box = "#" + phone.locator(f"{row} input[name$=_value]").get_attribute("id")
    since_box = "#" + phone.locator(f"{row} input[name$=_since]").get_attribute("id")
    tab_to(phone, value_box)
    phone.keyboard.type(value)
    assert phone.evaluate(CLEAR_OF_BAR), "the field typed in is not under the bar"
    assert phone.evaluate(IN_SIGHT, "#run"), "开始测算 in sight beside the row being changed"
    order = date_order(phone, since_box)  # leaves the focus in the box's first part
    type_date(phone, order, since)
    assert phone.input_value(since_box) == since
    assert phone.evaluate(CLEAR_OF_BAR)
    shoot(phone, f"64-phone-simulate-{key}")
    tab_to(phone, "#run")
    phone.keyboard.press("Enter")
    phone.wait_for_function(r"() => /^\/simulate\/\d+$/.test(location.pathname)")
    assert "测算已开始" in phone.inner_text("main")
    phone.wait_for_selector("#job-result", timeout=120_000)
    assert f"改革方案：{name}" in phone.inner_text("main")
    return phone.evaluate("location.pathname")


def test_an_analyst_runs_and_compares_reforms_on_a_phone_by_keyboard(phone) -> None:
    sign_in(phone, "analyst")
    phone.goto("/simulate")
    contents = phone.locator("nav.on-page a").all_inner_texts()
    assert contents[0] == "测算数据" and contents[1].startswith("改革方案：修改参数") and "我的测算" in contents
    assert phone.evaluate(WIDE) <= 390
    shoot(phone, "64-phone-simulate")
    found = _axe(phone, "/simulate")
    _run_by_keyboard(phone, "手机：措施11上限1200万元", "11.cap", "1200", "2025-01-01")
    job = _run_by_keyboard(phone, "手机：措施3上限80万元", "3.cap", "80", "2025-01-01")

    phone.wait_for_selector("#impact .chart svg")
    contents = phone.locator("#job nav.on-page a").all_inner_texts()
    assert "改革影响分析" in contents and any(c.startswith("影响明细表") for c in contents)
    tables = phone.evaluate(OPEN, "#job details.fold")
    assert len(tables) > 5 and not any(tables), "the result's tables folded behind their titles"
    assert phone.evaluate(TALL) < 20_000 and phone.evaluate(WIDE) <= 390
    tab_to(phone, "nav.on-page a[href='#impact-tables']")
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")  # from the part the link named: its first table's title
    assert phone.evaluate("() => document.activeElement.matches('#impact-1 > summary')")
    phone.keyboard.press("Enter")
    assert phone.evaluate(OPEN, "#impact-1") == [True]
    assert phone.locator("#impact-1 table.stack tbody tr").first.is_visible()
    assert phone.evaluate(WIDE) <= 390
    shoot(phone, "65-phone-simulate-job")
    found += _axe(phone, job)

    tab_to(phone, "main a[href^='/simulate/reforms?a=']", back=True)  # 与其他已保存方案对比
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/simulate/reforms?a=*")
    choose(phone, "#f-b", "手机：措施11上限1200万元")
    tab_to(phone, "main form button[type=submit]")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/simulate/reforms/compare?*")
    toggle = "button[data-only-changed]"
    assert phone.get_attribute(toggle, "aria-pressed") == "true", "on a phone the unchanged measures start hidden"
    shown = phone.locator("#compared tbody tr:visible").all_inner_texts()
    assert any("措施11" in r for r in shown) and any("措施3 " in r for r in shown) and "合计" in shown[-1]
    assert not any("措施14" in r for r in shown), "措施14 is the same in both: out of the way"
    assert phone.evaluate(WIDE) <= 390
    shoot(phone, "66-phone-simulate-compare")
    found += _axe(phone, "/simulate/reforms/compare")
    tab_to(phone, toggle)
    phone.keyboard.press("Space")
    assert phone.get_attribute(toggle, "aria-pressed") == "false"
    assert any("措施14" in r for r in phone.locator("#compared tbody tr:visible").all_inner_texts())
    assert not found, "\n".join(found)


def test_a_mistake_in_a_folded_group_is_shown_open_and_reached_from_the_summary(phone) -> None:
    """A start date before the policy: refused, its group open on the phone, the summary's link lands on the field."""
    sign_in(phone, "analyst")
    phone.goto("/simulate")
    phone.fill("#f-reform_name", "手机：日期有误")
    group = phone.locator("details.params-group:has(input[value='ln-2022-35|5.cap'])")
    group.locator("summary").click()
    group.locator("input[name$=_value]").fill("2500")
    group.locator("input[name$=_since]").fill("2021-01-01")
    phone.click("#run")
    phone.wait_for_selector(".error-summary")
    assert "不能早于政策发布日期" in phone.inner_text(".error-summary")
    opened = phone.evaluate("() => [...document.querySelectorAll('details.params-group')].filter(d => d.open)"
                            ".map(d => d.querySelector('summary').textContent)")
    assert len(opened) == 1 and "措施5" in opened[0], opened
    phone.click(".error-summary a >> nth=0")
    assert phone.evaluate("document.activeElement.name").endswith("_since")
    assert phone.evaluate(CLEAR_OF_BAR)
