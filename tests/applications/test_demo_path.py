"""On the demo's data, every demo enterprise can register a new matter and apply for it today, but the one whose
record shows bad credit (the guide's conditions)."""

import httpx
import pytest

from huiqi import clock
from huiqi.auth import service as auth
from huiqi.demo import data
from huiqi.demo.service import seed
from huiqi.web.deps import SESSION_COOKIE
from tests.dbtest import PDF, a_round
from tests.webtest import Browser

pytestmark = pytest.mark.anyio


def _signed_in(app, session, username: str) -> Browser:
    signed = auth.sign_in(session, username=username, password="huiqi-demo", address="test")
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    client.cookies.set(SESSION_COOKIE, signed.token)
    return Browser(client, signed.user, signed.csrf)


async def test_every_demo_enterprise_applies_today(app, session) -> None:
    cast = seed(session, password="huiqi-demo")
    bad_credit = {firm.uscc for firm in data.ENTERPRISES if firm.standing.get("bad_credit")}
    submitted, refused = [], []
    for user in sorted(cast.enterprises.values(), key=lambda u: u.username):
        ent = _signed_in(app, session, user.username)
        saved = await ent.post(
            "/me/matters",
            data={
                "key": "new-lg",
                "matters-0-codes": "little_giant",
                "matters-0-level": "national",
                "matters-0-date": "2025-06-01",
            },
        )
        assert saved.status_code == 303, saved.text
        me = await ent.get("/me")
        assert me.status_code == 200 and "new-lg" in me.text and user.uscc in me.text
        answer = (await ent.get(f"/api/v1/applicants/{user.uscc}/match")).json()
        row = next(r for r in answer["results"] if r["matter"] == "new-lg")
        if row["status"] == "ineligible":
            continue
        created = await ent.post(
            "/applications/new",
            data={"matter": "new-lg", "measure": f"{a_round(session)}/{row['measure']}", "amount": "1"},
        )
        assert created.status_code == 303, created.text
        url = created.headers["location"]
        assert (await ent.post(f"{url}/materials", files={"file": ("申报书.pdf", PDF)},
                                 data={"kind": "申报书"})).status_code == 303
        assert (await ent.post(f"{url}/declaration", data={"agree": "yes"})).status_code == 303
        assert (await ent.post(f"{url}/payee", data={"bank": "中国工商银行沈阳分行（演示）",
                                                     "account": "6222000000009999"})).status_code == 303
        done = await ent.post(f"{url}/submit")
        if user.uscc in bad_credit:
            assert done.status_code == 409 and "有不良信用记录" in done.text and "不能提交" in done.text
            refused.append(user.username)
            continue
        assert done.status_code == 303, done.text
        detail = (await ent.get(f"/api/v1{url}")).json()
        assert detail["submitted_on"] == clock.today().isoformat() and detail["state"] in (
            "city_review",
            "department_review",
        )
        submitted.append(user.username)
    assert len(submitted) == 11 and len(refused) == 1, (submitted, refused)
    listing = await _signed_in(app, session, "admin").get("/applications")
    assert listing.status_code == 200 and listing.text.count('<span class="badge state">') >= 12 + 11


async def test_the_demo_shows_a_top_up_across_policies(app, session) -> None:
    """ent-02's second project was granted 720万元 under 35号 measure 11; the demo's successor policy gives smart
    manufacturing more, so /me offers the difference (差额补足) in the successor's open round, and the form takes it."""
    seed(session, password="huiqi-demo")
    body, matter, *_ = data.TOP_UP
    user = next(f for f in data.ENTERPRISES if f.body == body)
    ent = _signed_in(app, session, f"ent-{[f.body for f in data.ENTERPRISES].index(body) + 1:02d}")
    answer = (await ent.get(f"/api/v1/applicants/{user.uscc}/match")).json()
    theirs = next(r for r in answer["results"] if r["matter"] == matter["id"] and r["policy"] == "demo-successor")
    assert theirs["status"] == "eligible" and theirs["ceiling"] > 7_200_000, theirs
    page = (await ent.get("/me")).text
    row = next(chunk for chunk in page.split("<tr>") if 'href="/policy#demo-successor-m1"' in chunk
               and f">{matter['id']}</span>" in chunk)
    assert f"措施上限 {theirs['ceiling'] // 10_000}，扣除已获批 720" in row, row
    assert "已按 辽政办〔2022〕35号 措施11 获批 720 万元：本措施只补足差额" in row and "立即申报" in row
    form = (await ent.get("/applications/new")).text
    assert "其他政策可补足差额" in form
