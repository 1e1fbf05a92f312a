"""A visitor in the browser: the calculator answers the example case of DOMAIN.md in place (HTMX)."""

from tests.browser.conftest import fill_applicant, fill_little_giant, settled, shoot, sign_in


def test_calculator_in_the_browser(page) -> None:
    page.goto("/")
    shoot(page, "01-home")
    page.goto("/calculator")
    fill_applicant(page)
    fill_little_giant(page, "2023-07-15")
    page.click("#add-matter")
    settled(page)
    page.check("input[name=matters-1-codes][value=component_manufacturing]")
    page.check("input[name=matters-1-codes][value=smart_manufacturing]")
    page.fill("input[name=matters-1-investment]", "8000")
    page.select_option("select[name=matters-1-build]", "expansion")
    page.select_option("select[name=matters-1-sector]", "sensor")
    page.fill("input[name=matters-1-date]", "2024-03-01")
    page.click("#calculate")
    page.wait_for_selector("#result table")
    assert "3100 万元" in page.inner_text("#result .kpis")
    assert "从高：由措施5支持" in page.inner_text("#result table")
    assert page.url.endswith("/calculator"), "answered in place, no reload"
    shoot(page, "02-calculator")


def test_policy_and_public_lists(page) -> None:
    for path, name, text in (("/policy", "03-policy", "发展总部经济"), ("/announcements", "04-announcements", "公示期"),
                             ("/whitelist", "05-whitelist", "白名单")):
        page.goto(path)
        assert text in page.inner_text("main")
        shoot(page, name)


def test_api_documentation_renders_offline(page) -> None:
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .info")
    assert "惠企 huiqi" in page.inner_text(".swagger-ui .info")
    assert page.locator(".opblock").count() > 50
    shoot(page, "06-api-docs")


def test_no_page_breaks_its_content_security_policy(page) -> None:
    """Every page works under the CSP (scripts from this site only): the browser refuses nothing it asks for."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    sign_in(page, "admin")
    for path in ("/", "/calculator", "/whitelist", "/statistics", "/admin/users", "/review", "/docs"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.wait_for_selector(".swagger-ui .info")
    assert not refused, refused
    page.goto("/statistics")
    page.wait_for_selector("#charts svg")
    # Each chart is an image to a screen reader, read as its title and every bar's value (the demo's figures).
    said = page.get_attribute("#charts .chart[role=img]", "aria-label")
    assert said.startswith("按措施（万元）：") and "措施3 培育中小企业 申请金额 " in said and "批准金额 " in said, said


def test_the_calculator_without_script(chromium, server) -> None:
    """With script off every field and level shows, districts are listed under their cities, and the form is
    sent and answered as a whole page; the district list then holds the chosen city's only."""
    context = chromium.new_context(java_script_enabled=False, base_url=server, locale="zh-CN",
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/calculator")
    assert page.is_visible("#f-matters-0-level") and page.is_visible("#f-matters-0-investment")
    assert page.locator("#f-applicant-region optgroup[label=鞍山市] option").all_inner_texts()[:2] == [
        "鞍山市铁东区", "鞍山市铁西区"]
    page.select_option("#f-applicant-kind", "enterprise")
    page.select_option("#f-applicant-city", "210300")
    page.select_option("#f-applicant-region", "210303")
    page.fill("#f-applicant-industry", "6513")
    page.check("input[name=matters-0-codes][value=little_giant]")
    page.select_option("#f-matters-0-level", "national")
    page.fill("#f-matters-0-date", "2023-07-15")
    page.click("#add-matter")  # a second row, the whole form sent and shown again
    page.wait_for_load_state()
    assert page.is_visible("#matter-1") and page.is_checked("input[name=matters-0-codes][value=little_giant]")
    page.click("#calculate")
    page.wait_for_load_state()
    assert "100 万元" in page.inner_text("#result .kpis")
    assert page.locator("#f-applicant-region optgroup").count() == 0
    assert page.locator("#f-applicant-region option:checked").inner_text() == "鞍山市铁西区"
    assert "沈阳市铁西区" not in page.locator("#f-applicant-region").inner_text()
    shoot(page, "98-calculator-without-script")
    context.close()
