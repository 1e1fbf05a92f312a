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
        assert (await ent.post(f"{url}/materials", files={"file": ("申报书.pdf", PDF)})).status_code == 303
        assert (await ent.post(f"{url}/declaration", data={"agree": "yes"})).status_code == 303
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
