"""Keyboard alone: the calculator filled and answered, and a sign-in and a new application (what it still needs
before submission reached from beside its unavailable button), with nothing but
Tab, Shift+Tab, Space, Enter, the arrow keys and typing (and Backspace) in text fields; focus is visible at
every stop."""

from tests.browser.conftest import PASSWORD, at_application, settled, shoot, sign_in

MOST_TABS = 300  # more stops than any page here has: a control never reached is a failure, not a hang


def _focused(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector)


def _outline(page) -> str:
    """The focused control's outline, as the browser draws it (keyboard focus: :focus-visible)."""
    return page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                         " return s.outlineStyle + ' ' + s.outlineWidth; }")


def tab_to(page, selector: str, back: bool = False) -> None:
    """Press Tab (Shift+Tab with ``back``) until the focus is on ``selector``; each stop shows its focus."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate("() => document.activeElement !== document.body"):
            style, width = _outline(page).split()
            assert style != "none" and float(width.removesuffix("px")) >= 2, page.evaluate(
                "() => 'focus must be visible: ' + document.activeElement.outerHTML.slice(0, 160)")
        if _focused(page, selector):
            return
    raise AssertionError(f"{selector} never took the focus by {'Shift+Tab' if back else 'Tab'}")


def date_order(page, probe: str) -> str:
    """The order the browser's date fields take their parts in ("mdy" or "ymd": it follows the browser's own
    language, not the page's), learned by typing 01 02 2003 into the empty date field ``probe`` and clearing each
    part again (a part left filled would make the field invalid, and the form would not be sent)."""
    tab_to(page, probe)
    page.keyboard.type("01022003")
    order = "mdy" if page.input_value(probe) == "2003-01-02" else "ymd"
    for key in ("Backspace", "ArrowLeft", "Backspace", "ArrowLeft", "Backspace"):  # each part emptied
        page.keyboard.press(key)
    assert page.evaluate("s => document.querySelector(s).validity.valid", probe) and page.input_value(probe) == ""
    return order


def type_date(page, order: str, iso: str) -> None:
    """Type a date into the focused date field, its parts in the browser's order."""
    year, month, day = iso.split("-")
    if order == "mdy":
        page.keyboard.type(month + day + year)
    else:
        page.keyboard.type(year)  # 年 takes up to six digits: the arrow moves on to 月, which moves on by itself
        page.keyboard.press("ArrowRight")
        page.keyboard.type(month + day)


def choose(page, selector: str, label: str) -> None:
    """Move the focused-to select down with the arrow keys until ``label`` is chosen."""
    tab_to(page, selector)
    for _ in range(120):
        if page.evaluate("s => { const e = document.querySelector(s); return e.options[e.selectedIndex].text; }",
                         selector) == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{label} is not offered by {selector}")


def test_the_calculator_by_keyboard_alone(page) -> None:
    page.goto("/calculator")
    choose(page, "#f-applicant-kind", "企业")
    choose(page, "#f-applicant-city", "沈阳市")
    settled(page)  # the district list is now 沈阳市's
    assert _focused(page, "#f-applicant-city"), "choosing the city keeps the focus where it was"
    districts = page.locator("#f-applicant-region option").all_inner_texts()
    assert "沈阳市铁西区" in districts and "鞍山市铁西区" not in districts
    choose(page, "#f-applicant-region", "沈阳市铁西区")
    tab_to(page, "#f-applicant-industry")
    page.keyboard.type("6513")
    assert page.is_hidden("#f-matters-0-level"), "no type checked: no level asked"
    tab_to(page, "input[name=matters-0-codes][value=little_giant]")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=matters-0-codes][value=little_giant]")
    assert page.is_visible("#f-matters-0-level") and page.is_hidden("#f-matters-0-investment")
    offered = page.eval_on_selector_all("#f-matters-0-level option", "os => os.filter(o => !o.hidden && o.value)"
                                                                     ".map(o => o.text)")
    assert offered == ["国家级", "省级"], "a 小巨人 is recognised nationally or provincially, never 国际 or 行业"
    tab_to(page, "input[name=matters-0-codes][value=single_champion]")
    tab_to(page, "input[name=matters-0-codes][value=little_giant]", back=True)  # and back again
    choose(page, "#f-matters-0-level", "国家级")
    order = date_order(page, "#f-as_of")
    tab_to(page, "#f-matters-0-date")
    type_date(page, order, "2023-07-15")
    assert page.input_value("#f-matters-0-date") == "2023-07-15"
    shoot(page, "95-keyboard-calculator-filled")
    tab_to(page, "#calculate")
    page.keyboard.press("Enter")
    page.wait_for_selector("#result table")
    assert "100 万元" in page.inner_text("#result .kpis")
    assert "可获支持" in page.inner_text("#result table")
    landed = "() => { const e = document.activeElement; const r = e.getBoundingClientRect();" \
             " return [e.textContent, r.top >= 0 && r.top < innerHeight]; }"
    assert page.evaluate(landed) == ["计算结果", True], "the answer takes the focus, on screen"
    shoot(page, "96-keyboard-calculator-answer")
    tab_to(page, "#add-matter", back=True)  # the form stands above its answer
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.closest('#matter-1') !== null")  # the new row takes it
    tab_to(page, "button[data-remove=matter-1]")
    page.keyboard.press("Enter")
    assert page.locator("#matter-1").count() == 0 and _focused(page, "#add-matter"), "taken off, focus kept"


def test_sign_in_and_apply_by_keyboard_alone(page) -> None:
    page.goto("/login")
    tab_to(page, "#f-username")
    page.keyboard.type("ent-09")  # its one matter's application was withdrawn: it may be applied for again
    tab_to(page, "#f-password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/me")
    page.goto("/applications/new")
    tab_to(page, "#f-matter")
    page.keyboard.press("ArrowDown")  # the first matter
    assert page.input_value("#f-matter") == "h1"
    tab_to(page, "#f-measure")
    for _ in range(60):  # down the list to measure 14, which supports its DCMM certification
        page.keyboard.press("ArrowDown")
        if page.input_value("#f-measure").endswith("/14"):
            break
    assert page.input_value("#f-measure").endswith("/14")
    tab_to(page, "#f-amount")
    page.keyboard.type("1e3")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert _focused(page, ".error-summary"), "a refused form brings the summary to the focus"
    tab_to(page, ".error-summary a[href='#f-amount']")
    page.keyboard.press("Enter")
    assert _focused(page, "#f-amount"), "the summary's link takes the focus to the field"
    page.keyboard.press("End")  # the link leaves the caret at the start
    for _ in "1e3":
        page.keyboard.press("Backspace")
    page.keyboard.type("1")
    assert page.input_value("#f-amount") == "1"
    page.keyboard.press("Enter")
    at_application(page)
    assert "草稿" in page.inner_text("main")
    shoot(page, "97-keyboard-new-application")
    assert page.is_disabled("form[action$='/submit'] button"), "nothing to submit yet: why is said beside it"
    tab_to(page, "#submit-why a[href='#f-agree']")  # the button is out of the Tab order; its reason is not
    page.keyboard.press("Enter")
    assert _focused(page, "#f-agree"), "the reason's link takes the focus to where the declaration is made"
    tab_to(page, "form[action$='/withdraw'] button")  # withdrawn again (确定撤回？ answered yes): the matter is
    page.keyboard.press("Enter")                       # left free, as the demo had it
    page.wait_for_selector("main :text('已撤回')")


def test_the_first_tab_offers_a_skip_to_the_content_on_every_page(page) -> None:
    """跳到正文 is the first stop, shown when it has the focus; Enter jumps past the navigation to <main>."""
    for path, user in (("/", None), ("/calculator", None), ("/me", "ent-01")):
        if user:
            sign_in(page, user)
        page.goto(path)
        assert page.locator("a.skip-link").bounding_box()["x"] < 0, "out of sight until the keyboard reaches it"
        page.keyboard.press("Tab")
        assert _focused(page, "a.skip-link") and page.inner_text("a.skip-link") == "跳到正文", path
        box = page.locator("a.skip-link").bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0, "visible when focused"
        style, width = _outline(page).split()
        assert style != "none" and float(width.removesuffix("px")) >= 2
        shoot(page, "98-keyboard-skip-link")
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main" and _focused(page, "main#main"), path
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)"), \
            f"{path}: the next stop is in the content, not the navigation"
