"""Reforms without YAML in the browser: an analyst edits a parameter in the table on /simulate, names the reform,
runs it, waits for the job, goes from the job's page to its saved reforms and compares two side by side."""

from tests.browser.conftest import shoot, sign_in
from tests.browser.test_accessibility import RUN

OPEN = "s => [...document.querySelectorAll(s)].map(d => d.open)"


def _run_reform(page, name: str, key: str, value: str, since: str) -> None:
    page.goto("/simulate")
    page.fill("input[name=synthetic_applicants]", "300")
    page.fill("form[method=post] input[name=as_of]", "2025-06-30")  # not the parameter table's day
    page.fill("input[name=reform_name]", name)
    row = page.locator(f"#parameters tr:has(input[value='ln-2022-35|{key}'])")
    row.locator("input[name$=_value]").fill(value)
    row.locator("input[name$=_since]").fill(since)
    page.click("main form button[type=submit]:has-text('开始测算')")
    page.wait_for_url("**/simulate/*")
    page.wait_for_selector("text=下载 Excel", timeout=120_000)  # the progress bar gives way to the report
    assert f"改革方案：{name}" in page.inner_text("main")


def test_an_analyst_edits_a_parameter_runs_it_and_compares(page) -> None:
    sign_in(page, "finance")
    page.goto("/simulate")
    table = page.inner_text("#parameters")
    assert "融合基础设施项目资金支持上限（单个项目）" in table and "演示〔2024〕1号（虚构）" in table  # both in force
    assert not page.is_visible("textarea[name=reform]")  # the YAML is the advanced, folded-away way
    # on a laptop every group of parameters is open, under one row of column names (a phone folds them)
    assert all(page.evaluate(OPEN, "details.params-group")) and page.is_visible("table.params-head")
    shoot(page, "60-simulate-parameters")
    page.fill("input[name=reform_name]", "没有改参数")
    page.click("main form button[type=submit]:has-text('开始测算')")
    page.wait_for_selector(".error-summary")
    assert "没有修改任何参数" in page.inner_text(".error-summary")
    row = page.locator("#parameters tr:has(input[value='ln-2022-35|11.cap'])")
    row.locator("input[name$=_value]").fill("一千五百万")
    row.locator("input[name$=_since]").fill("2021-01-01")
    page.click("main form button[type=submit]:has-text('开始测算')")
    page.wait_for_selector(".error-summary")
    said = page.inner_text(".error-summary")
    assert "措施11 融合基础设施项目资金支持上限（单个项目）（新值）" in said
    assert "不能早于政策发布日期 2022-07-23" in said
    page.click(".error-summary a >> nth=0")  # the summary's link reaches the field
    assert page.evaluate("document.activeElement.name").endswith("_value")
    shoot(page, "60-simulate-refused")
    _run_reform(page, "浏览器：措施11上限1500万元", "11.cap", "1500", "2025-01-01")
    shoot(page, "61-simulate-reform-job")
    tables = page.evaluate(OPEN, "#job details.fold")
    assert len(tables) > 5 and all(tables), "the result's tables open on a laptop"
    _run_reform(page, "浏览器：措施11比例40%", "11.rate", "40", "2025-01-01")
    page.click("main a:has-text('与其他已保存方案对比')")  # from the job's page: its reform is 方案A
    page.wait_for_url("**/simulate/reforms?a=*")
    assert page.locator("select[name=a] option:checked").inner_text() == "浏览器：措施11比例40%"
    assert page.locator("select[name=b] option:checked").inner_text() == "浏览器：措施11上限1500万元"
    page.select_option("select[name=a]", label="浏览器：措施11上限1500万元")
    page.select_option("select[name=b]", label="浏览器：措施11比例40%")
    page.click("main form button[type=submit]:has-text('对比')")
    page.wait_for_url("**/simulate/reforms/compare?*")
    main = page.inner_text("main")
    assert "浏览器：措施11上限1500万元" in main and "浏览器：措施11比例40%" in main
    assert "措施11" in main and "方案B−方案A" in main and "合计" in main
    shoot(page, "62-simulate-compare")
    page.goto("/simulate/reforms")
    page.click("main a:has-text('浏览器：措施11比例40%')")  # its own page: its YAML, read only, and deleting it
    page.wait_for_url("**/simulate/reforms/*")
    reform_page = page.url
    assert "value: 40%" in page.inner_text("pre.source")
    shoot(page, "63-simulate-reform")
    found = []
    for path in (reform_page, "/simulate/reforms", "/simulate"):  # axe-core: no serious or critical violation
        page.goto(path)
        page.add_script_tag(url="/static/vendor/axe/axe.min.js")
        found += [f"{path}: {v}" for v in page.evaluate(RUN)]
    assert not found, "\n".join(found)
    page.goto(reform_page)
    page.check("input[name=confirm]")  # ticked, then asked again by the browser (answered yes)
    page.click("main form button:has-text('删除')")
    page.wait_for_url("**/simulate/reforms")
    assert "改革方案“浏览器：措施11比例40%”已删除" in page.inner_text("main")
    assert "浏览器：措施11比例40%" not in page.inner_text("main table")
