"""At 390 px (a phone), no page of the demo path scrolls sideways: navigation and tables keep to their own
boxes. A screenshot of each page is kept."""

from urllib.parse import urlsplit

import pytest

from huiqi.demo.data import ENTERPRISES
from tests.browser.conftest import (
    LIVE_DAY,
    _env,
    _huiqi,
    fill_applicant,
    fill_little_giant,
    scalar,
    serving,
    settled,
    shoot,
    sign_in,
)

PAGES = {
    None: ["/", "/policy", "/calculator", "/rounds", "/announcements", "/whitelist", "/figures", "/direct", "/ratings",
           "/subscribe", "/login"],
    "ent-01": ["/me", "/applications", "/applications/1", "/applications/new", "/messages",
               f"/growth/{ENTERPRISES[0].uscc}"],
    "city-210100": ["/review", "/applicants", f"/applicants/{ENTERPRISES[0].uscc}"],
    "dept-06": ["/review", "/review/5", "/announcements/manage", "/growth", "/ratings/rectifications"],
    "finance": ["/review", "/review/2", "/budgets", "/statistics", "/simulate", "/simulate/reforms",
                "/ratings/rectifications"],
    "admin": ["/admin/users", "/admin/policies", "/admin/policies/1/diff", "/admin/policies/1/text", "/rounds",
              "/admin/whitelist",
              "/admin/whitelist/1", "/admin/lists", "/offers/pending", "/audit", "/holidays", "/budgets",
              "/announcements/manage", "/admin/objection-contacts"],
}


@pytest.fixture
def phone(chromium, server):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=server, locale="zh-CN",
                                   is_mobile=True, device_scale_factor=1)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.mark.parametrize("elder", [False, True], ids=["", "elder"])
@pytest.mark.parametrize("who", list(PAGES), ids=lambda w: w or "public")
def test_no_page_scrolls_sideways_on_a_phone(phone, who, elder) -> None:
    """Nor in 适老化 mode (larger type), which the header's button turns on and the browser remembers."""
    if elder:
        phone.goto("/")
        phone.click("#elder-toggle")
        assert phone.evaluate("document.documentElement.classList.contains('elder')")
    if who:
        sign_in(phone, who)
    wide, hidden, sideways = [], [], []
    for path in PAGES[who]:
        phone.goto(path)
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide.append(f"{path}: {width} px")
        hidden += [f"{path}: {text}" for text in phone.evaluate(OUT_OF_SIGHT)]
        sideways += [f"{path}: {text}" for text in phone.evaluate(SCROLLING)]
        shoot(phone, f"90-phone{'-elder' if elder else ''}-{who or 'public'}{path.replace('/', '-')}")
    assert not wide, f"pages wider than the phone: {wide}"
    assert not hidden, f"links or list cells past the edge of the phone: {hidden}"
    assert not sideways, f"tables to scroll sideways on a phone (headed by): {sideways}"


# Every link of the navigation bars lies within the phone's width: none is hidden in a strip scrolled sideways;
# so does every cell of the lists stacked into cards (我的申报, 待审核: the state and the amounts in sight).
OUT_OF_SIGHT = """[...document.querySelectorAll(
    'header.top nav a, .rolebar nav a, main table .badge.state, table.stack td')]
  .filter(a => { const box = a.getBoundingClientRect(); return box.left < 0 || box.right > window.innerWidth; })
  .map(a => a.textContent.trim().slice(0, 40))"""

# A table that scrolls sideways inside its box (the page itself does not): on a phone every list is stacked into
# cards or fits, so none does; named by its first header cell.
SCROLLING = """[...document.querySelectorAll('main table')]
  .filter(t => t.scrollWidth > t.clientWidth + 1)
  .map(t => (t.querySelector('th') || t).textContent.trim().slice(0, 20))"""


# A reason typed as one long address without a space or hyphen (a link to a rule): nothing to break it at but the
# edge of its box.
LONG_REASON = "请按照以下要求补正：https://example.gov.cn/zcwj/?file=" + "a1b2c3d4e5f6" * 40


def test_a_long_reason_breaks_at_the_edge_of_the_phone(chromium, tmp_path) -> None:
    """A 须补正的内容 of one long URL made /review/N 2751 px wide at 390 px, the enterprise's /messages and
    /applications/N as wide. On a demo of its own: application 5 (ent-05's, dept-06's) is returned. So did the
    source of a 免申即享 matter, a badge 公布名单：辽科发〔2025〕… kept on one line (599 px): the offer of the demo's
    瞪羚 list is confirmed, and its application's /review/N read."""
    database = f"sqlite:///{tmp_path / 'huiqi.db'}"
    _huiqi("demo", "seed", env=_env(database, HUIQI_TODAY=LIVE_DAY.isoformat()))
    with serving(database, today=LIVE_DAY) as base:
        context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=base, locale="zh-CN",
                                       is_mobile=True, device_scale_factor=1)
        phone = context.new_page()
        phone.set_default_timeout(15_000)
        phone.on("dialog", lambda dialog: dialog.accept())
        sign_in(phone, "dept-06")
        phone.goto("/review/5")
        phone.fill("#form-return textarea[name=reasons]", LONG_REASON)
        with phone.expect_navigation():
            phone.click("#form-return button[type=submit]")
        assert "已办理" in phone.inner_text("main"), phone.inner_text("main")[:300]
        wide = {}
        for who, path in (("dept-06", "/review/5"), ("ent-05", "/messages"), ("ent-05", "/applications/5")):
            if who != "dept-06":
                sign_in(phone, who)
            phone.goto(path)
            assert LONG_REASON[:30] in phone.inner_text("main"), path
            width = phone.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wide[path] = width
        shoot(phone, "90-phone-long-reason")
        unit = scalar(database, "SELECT u.username FROM users u JOIN departments d ON d.id = u.department_id "
                                "WHERE d.name = '省科技厅' AND u.role = 'department' ORDER BY u.username LIMIT 1")
        sign_in(phone, unit)
        phone.goto("/offers/pending")
        with phone.expect_navigation():
            phone.locator("form[action$='/confirm'] button").first.click()
        confirmed = scalar(database, "SELECT application_id FROM offers WHERE state = 'confirmed' LIMIT 1")
        phone.goto(f"/review/{confirmed}")
        assert "公布名单：辽科发〔2025〕" in phone.inner_text("#facts")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[f"/review/{confirmed}"] = width
        shoot(phone, "90-phone-list-source")
        context.close()
    assert not wide, f"pages wider than the phone: {wide}"


# A material's file name as an enterprise may give it: long, with no space to break it at.
LONG_NAME = "关于申请辽宁省数字经济核心产业专项资金的补充证明材料" * 3 + "（盖章扫描件）.pdf"


def test_a_material_filed_with_a_correction_is_marked_and_fits_the_phone(chromium, tmp_path) -> None:
    """On a demo of its own: dept-06 returns application 5; ent-05 files a material with a long name; the review page
    lists it as a card with its kind (证明材料, 可选), its upload time and the 补正 mark, within 390 px."""
    from tests.browser.conftest import PDF

    database = f"sqlite:///{tmp_path / 'huiqi.db'}"
    _huiqi("demo", "seed", env=_env(database, HUIQI_TODAY=LIVE_DAY.isoformat()))
    with serving(database, today=LIVE_DAY) as base:
        context = chromium.new_context(viewport={"width": 390, "height": 844}, base_url=base, locale="zh-CN",
                                       is_mobile=True, device_scale_factor=1)
        phone = context.new_page()
        phone.set_default_timeout(15_000)
        phone.on("dialog", lambda dialog: dialog.accept())
        sign_in(phone, "dept-06")
        phone.goto("/review/5")
        phone.fill("#form-return textarea[name=reasons]", "请补充证明材料")
        with phone.expect_navigation():
            phone.click("#form-return button[type=submit]")
        sign_in(phone, "ent-05")
        phone.goto("/applications/5")
        phone.select_option("select[name=kind]", "证明材料")
        phone.set_input_files("input[name=file]", {"name": LONG_NAME, "mimeType": "application/pdf", "buffer": PDF})
        with phone.expect_navigation():
            phone.click("form[action$='/materials'] button[type=submit]")
        sign_in(phone, "dept-06")
        phone.goto("/review/5")
        row = phone.locator("#materials tr", has_text="补充证明材料")
        assert "补正" in row.inner_text() and "证明材料（可选）" in row.inner_text(), row.inner_text()
        assert "退回后" in row.locator("td[data-label=上传时间]").inner_text()
        width = phone.evaluate("document.documentElement.scrollWidth")
        hidden = phone.evaluate(OUT_OF_SIGHT)
        shoot(phone, "90-phone-corrected-material")
        context.close()
    assert width <= 390 and not hidden, (width, hidden)


def test_the_audit_trail_reads_on_a_phone(phone) -> None:
    """At 390 px an event's sentence and its record (记录明细, a table of two columns) take the card's whole width,
    and the toggle and the pages' links are a finger's target."""
    sign_in(phone, "auditor")
    phone.goto("/audit")
    card = phone.locator("table.events tbody tr").first
    toggle = phone.locator("table.events details > summary").first
    assert toggle.bounding_box()["x"] - card.bounding_box()["x"] < 30, "under the event, not beside its name"
    assert toggle.bounding_box()["height"] >= 38
    toggle.click()
    record = phone.locator("table.events table.record").first
    assert record.is_visible() and record.bounding_box()["width"] > 300
    assert record.locator("th").first.bounding_box()["width"] < record.bounding_box()["width"] / 2
    assert phone.locator(".pager a").first.bounding_box()["height"] >= 38
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "90-phone-auditor-audit-record")


def test_a_shared_calculator_answer_stacks_into_cards_on_a_phone(phone) -> None:
    """/calculator/shared/N was a table of five columns at 390 px, its 依据 cut at the edge and wrapped a character a
    line: each result is a card, every cell beside its column's name, as the calculator's own answer is."""
    phone.goto("/calculator")
    fill_applicant(phone)
    fill_little_giant(phone, "2025-07-15")
    phone.click("#calculate")
    phone.wait_for_selector("#result table")
    phone.click("#result button[formaction='/calculator/share']")
    settled(phone)
    phone.goto(urlsplit(phone.locator("#share a").get_attribute("href")).path)
    basis = phone.locator("table.recap-table td[data-label=依据]").first
    assert "专精特新" in basis.inner_text()
    assert basis.bounding_box()["width"] > 200, "the clause reads across the card, not a character a line"
    assert phone.evaluate(SCROLLING) == [] and phone.evaluate(OUT_OF_SIGHT) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "90-phone-public-calculator-shared")


def test_the_statistics_filters_and_cards_read_on_a_phone(phone) -> None:
    """申报年度 was a box of six characters squeezed beside the legend 筛选, and a card's 申请金额（万元） wrapped in
    its word (申请金额（万 / 元）): each filter now has a line of its own under its legend, and a column's name wraps
    before its unit, if at all."""
    sign_in(phone, "analyst")
    for path in ("/statistics?by=measure&by=city", "/figures"):
        phone.goto(path)
        legend = phone.locator("fieldset.filter-boxes legend").bounding_box()
        year = phone.locator("#f-year").bounding_box()
        assert year["y"] >= legend["y"] + legend["height"] and year["width"] > 300, (path, legend, year)
        wraps = phone.evaluate("""[...document.querySelectorAll('table.stack td[data-label]')]
          .map(td => getComputedStyle(td, '::before').wordBreak)""")
        assert wraps and set(wraps) == {"keep-all"}, (path, set(wraps))
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        shoot(phone, f"90-phone-analyst{path.split('?')[0].replace('/', '-')}")
