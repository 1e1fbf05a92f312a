"""Applications over the API: draft, materials, declaration, submission today, timeline, scope, Excel."""

import io
from datetime import date

import openpyxl
import pytest

from huiqi import clock
from tests.dbtest import ALICE_USCC, BOB_USCC, PDF, a_round, apply
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


async def _draft(client, session, matter="h1", measure=3, amount=1_000_000):
    response = await client.post(
        "/api/v1/applications",
        json={
            "uscc": ALICE_USCC,
            "matter": matter,
            "round": a_round(session),
            "measure": measure,
            "amount_requested": amount,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_draft_upload_declare_submit_and_follow_the_timeline(browser, session, people) -> None:
    alice = browser(people.alice)
    draft = await _draft(alice, session)
    assert (draft["state"], draft["applicant_name"], draft["amount_requested"]) == (
        "draft",
        "示例科技有限公司",
        1_000_000,
    )
    assert draft["allowed"] == ["submit", "withdraw"] and draft["measure_title"]
    url = f"/api/v1/applications/{draft['id']}"
    changed = await alice.send("PATCH", url, json={"amount_requested": 900_000})
    assert changed.json()["amount_requested"] == 900_000
    upload = await alice.post(f"{url}/materials", files={"file": ("申报书.pdf", PDF, "application/pdf")})
    assert upload.status_code == 201 and upload.json()["media_type"] == "pdf"
    material = upload.json()["id"]
    download = await alice.get(f"{url}/materials/{material}")
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"
    refused = await alice.post(f"{url}/submit")
    assert refused.status_code == 409 and "承诺" in refused.json()["detail"]
    declared = (await alice.post(f"{url}/declaration")).json()
    assert declared["declaration"].startswith("本单位郑重承诺")
    assert (declared["payee_bank"], declared["payee_account"], declared["payee_confirmed_at"]) == (None, None, None)
    unpaid = await alice.post(f"{url}/submit")
    assert unpaid.status_code == 422, unpaid.text
    assert [p["field"] for p in unpaid.json()["problems"]] == ["bank", "account"]
    assert "提交前须填写开户银行并确认收款账户" in unpaid.json()["detail"]
    assert (await alice.get(url)).json()["state"] == "draft"
    short = await alice.post(f"{url}/payee", json={"bank": "中国工商银行沈阳分行", "account": "6222-000"})
    assert short.status_code == 422 and short.json()["problems"][0]["field"] == "account", short.text
    confirmed = await alice.post(f"{url}/payee", json={"bank": " 中国工商银行沈阳分行 ",
                                                       "account": "6222 0000 1234 5678", "seen": ""})
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["payee_bank"], confirmed.json()["payee_account"]) == ("中国工商银行沈阳分行", "****5678")
    assert confirmed.json()["payee_confirmed_at"], "the full number is never given back"
    stale = await alice.post(f"{url}/payee", json={"bank": "中国银行", "account": "60138200", "seen": ""})
    assert stale.status_code == 409 and "收款账户刚刚已确认为 中国工商银行沈阳分行，账号尾号 5678" in stale.text
    submitted = await alice.post(f"{url}/submit")
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert body["state"] == "city_review" and body["submitted_on"] == clock.today().isoformat()
    assert body["ceiling"] == 1_000_000 and body["result"]["measure"] == 3 and body["city"] == "210100"
    assert [(s["label"], s["actor_name"]) for s in body["timeline"]] == [
        ("提交申报", "示例科技（企业用户）"),
        ("转市级初审", "系统（自动）"),
    ]
    assert body["allowed"] == [] and [m["filename"] for m in body["materials"]] == ["申报书.pdf"]
    again = await alice.send("PATCH", url, json={"amount_requested": 1})
    assert again.status_code == 409


async def test_a_bad_upload_is_422_naming_the_file_field(browser, session, people) -> None:
    alice = browser(people.alice)
    url = f"/api/v1/applications/{(await _draft(alice, session))['id']}/materials"
    for content in (b"GIF89a not accepted", b""):
        response = await alice.post(url, files={"file": ("申报书.pdf", content, "application/pdf")})
        assert response.status_code == 422 and response.json()["problems"][0]["field"] == "file", response.text
    missing = await alice.post(url, files={"other": ("a.pdf", PDF)})
    assert missing.status_code == 422 and missing.json()["problems"][0]["field"] == "file"


async def test_withdraw_a_draft(browser, session, people) -> None:
    alice = browser(people.alice)
    draft = await _draft(alice, session)
    withdrawn = (await alice.post(f"/api/v1/applications/{draft['id']}/withdraw")).json()
    assert withdrawn["state"] == "withdrawn" and withdrawn["timeline"][0]["label"] == "撤回"


async def test_bad_drafts_are_refused_with_the_field(browser, session, people) -> None:
    alice = browser(people.alice)
    service = await alice.post(
        "/api/v1/applications",
        json={"uscc": ALICE_USCC, "matter": "h1", "round": a_round(session), "measure": 19, "amount_requested": 1},
    )
    assert service.status_code == 422 and service.json()["problems"][0]["field"] == "measure"
    money = await alice.post(
        "/api/v1/applications",
        json={"uscc": ALICE_USCC, "matter": "h1", "round": a_round(session), "measure": 3, "amount_requested": 1.5},
    )
    assert money.status_code == 422 and money.json()["problems"][0]["field"] == "amount_requested"
    other = await alice.post(
        "/api/v1/applications",
        json={"uscc": BOB_USCC, "matter": "p1", "round": a_round(session), "measure": 13, "amount_requested": 1},
    )
    assert other.status_code == 403


async def test_an_enterprise_cannot_see_or_touch_anothers_application(
    browser, people, session, tmp_path, monkeypatch
) -> None:
    bobs = apply(
        session,
        people.bob,
        matter="p1",
        measure=13,
        amount=1_000_000,
        on=date(2025, 9, 1),
        store=tmp_path / "materials",
    )
    alice = browser(people.alice)
    url = f"/api/v1/applications/{bobs.id}"
    for response in (
        await alice.get(url),
        await alice.get(f"{url}/materials/1"),
        await alice.send("PATCH", url, json={"amount_requested": 1}),
        await alice.post(f"{url}/materials", files={"file": ("a.pdf", PDF)}),
        await alice.post(f"{url}/declaration"),
        await alice.post(f"{url}/payee", json={"bank": "中国银行", "account": "60138200"}),
        await alice.post(f"{url}/submit"),
        await alice.post(f"{url}/withdraw"),
    ):
        assert response.status_code == 404, response.text
        assert "大连数据" not in response.text and BOB_USCC not in response.text
    listed = (await alice.get("/api/v1/applications")).json()
    assert listed["total"] == 0 and BOB_USCC not in str(listed)


async def test_lists_and_excel_follow_the_scope(client, browser, session, people, tmp_path) -> None:
    store = tmp_path / "materials"
    apply(session, people.bob, matter="p1", measure=13, amount=1_000_000, on=date(2025, 9, 1), store=store)
    apply(session, people.alice, matter="h1", measure=3, amount=500_000, on=date(2025, 9, 1), store=store)
    admin = bearer(session, people.admin)
    everything = (await client.get("/api/v1/applications", headers=admin)).json()
    assert [(a["applicant_name"], a["state"]) for a in everything["items"]] == [
        ("大连数据有限公司", "department_review"),
        ("示例科技有限公司", "city_review"),
    ]
    one = (await client.get("/api/v1/applications", headers=admin, params={"state": "city_review"})).json()
    assert [a["uscc"] for a in one["items"]] == [ALICE_USCC]
    bad = await client.get("/api/v1/applications", headers=admin, params={"state": "nope"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "state"
    paged = (await client.get("/api/v1/applications", headers=admin, params={"size": 1, "page": 2})).json()
    assert paged["total"] == 2 and [a["uscc"] for a in paged["items"]] == [ALICE_USCC]
    alice = browser(people.alice)
    workbook = await alice.get("/api/v1/applications/export.xlsx")
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == ("编号", "单位", "统一社会信用代码", "事项") and "申请金额（万元）" in rows[1]
    assert len(rows) == 3 and rows[2][1] == "示例科技有限公司" and rows[2][rows[1].index("状态")] == "市级初审"
    assert rows[2][rows[1].index("申请金额（元）")] == 500_000 and rows[2][rows[1].index("所在市")] == "沈阳市"
    assert rows[2][rows[1].index("申请金额（万元）")] == 50 and rows[2][3] != "h1"  # the matter by name, not its key
    assert "大连数据有限公司" not in str(rows)
    assert rows[2][rows[1].index("措施")] == "措施3 培育中小企业"
    assert rows[2][rows[1].index("政策")] == "辽政办〔2022〕35号", "措施3 alone is ambiguous among policies"
