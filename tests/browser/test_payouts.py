"""批量拨付 in the browser, on a demo of its own: finance downloads the 待拨付清单, fills in the treasury's date and
voucher of one row, uploads it, and reads what became of each row; a list with a bad row is refused whole, its error
summary naming the line. No serious accessibility violation on either page."""

import shutil

import openpyxl

from tests.browser.conftest import LIVE_DAY, _env, _huiqi, serving, shoot, sign_in
from tests.browser.test_accessibility import RUN


def _fill(path, rows: dict[int, tuple[str, str]]) -> list[int]:
    """Write (拨付日期, 凭证号) into the list's rows by line number; the application numbers it lists."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[2]]
    for line, (day, voucher) in rows.items():
        sheet.cell(line, header.index("拨付日期") + 1, day)
        sheet.cell(line, header.index("凭证号") + 1, voucher)
    book.save(path)
    return [r[0].value for r in sheet.iter_rows(min_row=3) if r[0].value is not None]


def _no_serious_violation(page) -> None:
    page.add_script_tag(url="/static/vendor/axe/axe.min.js")
    assert not page.evaluate(RUN)


def test_finance_pays_from_the_returned_list(chromium, tmp_path) -> None:
    database = f"sqlite:///{tmp_path / 'huiqi.db'}"
    _huiqi("demo", "seed", env=_env(database, HUIQI_TODAY=LIVE_DAY.isoformat()))
    with serving(database, today=LIVE_DAY) as base:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=base, locale="zh-CN",
                                       accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("dialog", lambda dialog: dialog.accept())
        sign_in(page, "finance")
        page.goto("/budgets")
        assert "已批准、尚未拨付 1 项" in page.inner_text("main")  # the demo's other approval is paid and rated
        with page.expect_download() as download:
            page.get_by_role("link", name="下载待拨付清单（Excel）").click()
        listed = tmp_path / "待拨付清单.xlsx"
        shutil.copy(download.value.path(), listed)

        bad = tmp_path / "有误.xlsx"
        shutil.copy(listed, bad)
        _fill(bad, {3: ("下周", "国库-0001")})
        page.set_input_files("#f-sheet", bad)
        page.get_by_role("button", name="上传并登记拨付").click()
        page.wait_for_load_state()
        summary = page.locator(".error-summary")
        assert "整份清单未登记" in summary.inner_text() and "第 3 行 拨付日期" in summary.inner_text()
        assert page.evaluate("document.activeElement.classList.contains('error-summary')"), "the summary has focus"
        _no_serious_violation(page)

        [first] = _fill(listed, {3: (LIVE_DAY.isoformat(), "国库-0001")})
        page.set_input_files("#f-sheet", listed)
        sent = []
        page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/disbursements/import") else None)
        with page.expect_navigation():  # sent twice at once (a double click): the second sends nothing
            said = page.evaluate("""() => new Promise(done => { const form = document.querySelector("#pay-many");
                form.requestSubmit(); const said = form.querySelector("button").textContent;
                setTimeout(() => { form.requestSubmit(); done(said); }, 0); })""")
        assert said == "正在逐项登记拨付，请稍候…" and len(sent) == 1, (said, sent)
        said = page.locator(".batch-result").inner_text()
        assert "批量拨付：已拨付 1 项" in said and f"#{first}" in said and "未填写" not in said
        assert "已批准、尚未拨付 0 项" in page.inner_text("main")
        _no_serious_violation(page)
        shoot(page, "22-finance-paid-from-list")
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
        shoot(page, "22-finance-paid-from-list-390")
        context.close()
