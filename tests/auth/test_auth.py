"""Signing in: cookie flags, the failure limit, CSRF on every form, bearer tokens for machines."""

import pytest

from huiqi.web.deps import CSRF_COOKIE, SESSION_COOKIE
from tests.dbtest import PASSWORD

pytestmark = pytest.mark.anyio


async def _login(client, username: str, password: str):
    await client.get("/login")
    return await client.post("/login", data={"username": username, "password": password,
                                             "csrf_token": client.cookies.get(CSRF_COOKIE)})


async def test_sign_in_sets_a_safe_cookie_and_sends_each_role_home(client, people) -> None:
    response = await _login(client, "alice", PASSWORD)
    assert response.status_code == 303 and response.headers["location"] == "/me"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "示例科技（企业用户）" in (await client.get("/")).text


async def test_wrong_password_and_the_failure_limit(client, people) -> None:
    for _ in range(5):
        wrong = await _login(client, "miit", "nope")
        assert wrong.status_code == 401 and "用户名或密码错误" in wrong.text
    locked = await _login(client, "miit", PASSWORD)
    assert locked.status_code == 429 and "登录失败次数过多" in locked.text
    assert (await _login(client, "finance", PASSWORD)).status_code == 303, "another user is not locked out"


async def test_next_never_leaves_the_site(client, people) -> None:
    await client.get("/login")
    response = await client.post("/login", data={"username": "bob", "password": PASSWORD, "next": "//evil.example/x",
                                                 "csrf_token": client.cookies.get(CSRF_COOKIE)})
    assert response.headers["location"] == "/me"


async def test_signed_in_forms_need_the_session_token(browser, people) -> None:
    alice = browser(people.alice)
    refused = await alice.client.post("/logout")  # no token
    assert refused.status_code == 403
    assert (await alice.post("/logout")).status_code == 303


async def test_bearer_tokens(client, people, session) -> None:
    issued = await client.post("/api/v1/tokens", json={"username": "auditor", "password": PASSWORD, "name": "审计系统"})
    assert issued.status_code == 201
    token = issued.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    mine = await client.get("/api/v1/tokens", headers=headers)
    assert mine.status_code == 200 and mine.json()["items"][0]["name"] == "审计系统"
    revoked = await client.request("DELETE", f"/api/v1/tokens/{issued.json()['id']}", headers=headers)
    assert revoked.json()["revoked"] is True
    after = await client.get("/api/v1/tokens", headers=headers)
    assert after.status_code == 401 and after.json()["detail"] == "令牌无效或已吊销"
    wrong = await client.post("/api/v1/tokens", json={"username": "auditor", "password": "x"})
    assert wrong.status_code == 401


async def test_api_asks_for_sign_in_and_pages_redirect(client) -> None:
    assert (await client.get("/api/v1/tokens")).status_code == 401
    response = await client.get("/me")
    assert response.status_code in (303, 404)
