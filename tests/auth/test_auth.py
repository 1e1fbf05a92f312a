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
        assert wrong.status_code == 401 and "登录名或密码错误" in wrong.text
        assert 'class="errors error-summary" role="alert" tabindex="-1"' in wrong.text, "the summary takes the focus"
        assert 'class="field-error"' not in wrong.text, "neither box is said wrong: which one is not told"
    locked = await _login(client, "miit", PASSWORD)
    assert locked.status_code == 429 and "登录失败次数过多" in locked.text
    assert (await _login(client, "finance", PASSWORD)).status_code == 303, "another user is not locked out"


@pytest.mark.parametrize("away", ["//evil.example/x", "/\\evil.example/x", "https://evil.example/", "/\t/evil"])
async def test_next_never_leaves_the_site(client, people, away) -> None:
    await client.get("/login")
    response = await client.post("/login", data={"username": "bob", "password": PASSWORD, "next": away,
                                                 "csrf_token": client.cookies.get(CSRF_COOKIE)})
    assert response.headers["location"] == "/me"


async def test_a_page_asked_for_before_sign_in_follows_it_with_its_query(client, people) -> None:
    """The calculator's 立即申报 link names the round and measure: they are still chosen after signing in."""
    asked = await client.get("/applications/new?round=2&measure=3")
    assert asked.status_code == 303
    assert asked.headers["location"] == "/login?next=/applications/new%3Fround%3D2%26measure%3D3"
    await client.get(asked.headers["location"])
    signed = await client.post("/login", data={"username": "alice", "password": PASSWORD,
                                               "next": "/applications/new?round=2&measure=3",
                                               "csrf_token": client.cookies.get(CSRF_COOKIE)})
    assert signed.headers["location"] == "/applications/new?round=2&measure=3"


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


def test_guessing_slows_down_but_never_locks_the_owner_out(session, people) -> None:
    from datetime import datetime, timedelta

    from huiqi.auth import service as auth
    from huiqi.errors import NotAuthenticated

    start = datetime(2026, 12, 4, 8)
    for i in range(5):
        with pytest.raises(NotAuthenticated):
            auth.sign_in(session, username="miit", password="guess", address="10.0.0.9",
                         now=start + timedelta(seconds=i))
    at = start + timedelta(seconds=5)
    with pytest.raises(auth.TooManyAttempts, match="秒后再试"):
        auth.sign_in(session, username="miit", password=PASSWORD, address="10.0.0.9", now=at)
    assert auth.sign_in(session, username="miit", password=PASSWORD, address="10.0.0.1", now=at).user.username == \
        "miit", "the owner, from elsewhere, is not locked out"
    later = at + timedelta(seconds=3)
    assert auth.sign_in(session, username="miit", password=PASSWORD, address="10.0.0.9", now=later).user
    for i in range(5):  # after a success, the count starts again
        with pytest.raises(NotAuthenticated):
            auth.sign_in(session, username="miit", password="guess", address="10.0.0.9",
                         now=later + timedelta(seconds=1 + i))
    with pytest.raises(auth.TooManyAttempts, match="请 1 秒后再试"):  # 2 s after the fifth failure
        auth.sign_in(session, username="miit", password="guess", address="10.0.0.9", now=later + timedelta(seconds=6))
    with pytest.raises(NotAuthenticated):  # the delay has passed: a sixth guess is heard, and fails
        auth.sign_in(session, username="miit", password="guess", address="10.0.0.9", now=later + timedelta(seconds=7))
    with pytest.raises(auth.TooManyAttempts, match="请 3 秒后再试"):  # now 4 s: the delay doubled
        auth.sign_in(session, username="miit", password=PASSWORD, address="10.0.0.9",
                     now=later + timedelta(seconds=8))


def test_an_unknown_name_costs_the_same_hashing(session, people, monkeypatch) -> None:
    from huiqi.errors import NotAuthenticated
    from huiqi.users import passwords
    from huiqi.users import service as users

    checked = []
    real = passwords.check_password
    monkeypatch.setattr(passwords, "check_password", lambda p, h: checked.append(h) or real(p, h))
    for name in ("miit", "no-such-user"):
        with pytest.raises(NotAuthenticated, match="登录名或密码错误"):
            users.authenticate(session, username=name, password="guess")
    assert len(checked) == 2 and checked[1] == passwords.unknown_user_hash()


async def test_the_sign_in_form_needs_its_token_even_without_cookies(client, people) -> None:
    forged = await client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert forged.status_code == 403 and SESSION_COOKIE not in forged.headers.get("set-cookie", "")


async def test_common_or_short_passwords_are_refused(client, session, people) -> None:
    from tests.webtest import bearer

    for password, why in (("password123", "太常见"), ("short-pw", "至少 10 个字符")):
        response = await client.post("/api/v1/users", headers=bearer(session, people.admin), json={
            "username": "anshan", "display_name": "鞍山市审核员", "role": "city", "password": password,
            "region": "210300"})
        assert response.status_code == 422 and response.json()["problems"][0]["field"] == "password"
        assert why in response.json()["problems"][0]["reason"], response.json()


async def test_tokens_expire(client, session, people) -> None:
    from datetime import timedelta

    from huiqi.models import ApiToken

    issued = (await client.post("/api/v1/tokens", json={"username": "auditor", "password": PASSWORD})).json()
    headers = {"Authorization": f"Bearer {issued['token']}"}
    listed = (await client.get("/api/v1/tokens", headers=headers)).json()["items"][0]
    assert listed["expires_at"] > listed["created_at"]
    row = session.get(ApiToken, issued["id"])
    row.created_at -= timedelta(days=31)
    session.flush()
    assert (await client.get("/api/v1/tokens", headers=headers)).status_code == 401


def test_forwarded_addresses_only_from_named_proxies(monkeypatch, tmp_path) -> None:
    import uvicorn

    from huiqi.config import get_settings
    from huiqi.web import cli

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: seen.update(kw))
    monkeypatch.setenv("HUIQI_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    for proxies, expected in (("", (False, None)), ("10.1.1.1", (True, "10.1.1.1"))):
        monkeypatch.setenv("HUIQI_TRUSTED_PROXIES", proxies)
        get_settings.cache_clear()
        cli.serve(host="127.0.0.1", port=8000, workers=1)
        assert (seen["proxy_headers"], seen["forwarded_allow_ips"]) == expected
    get_settings.cache_clear()


def test_parallel_guesses_from_one_address_are_counted_one_after_another(own_database) -> None:
    """Twelve wrong passwords sent at once from one address: no more are checked than the limit allows, the rest
    are told to wait. (On PostgreSQL they used to count the same earlier failures, and nearly all were checked.)"""
    import threading

    from sqlalchemy.orm import Session

    from huiqi.auth import service as auth
    from huiqi.config import get_settings
    from huiqi.errors import NotAuthenticated
    from tests.dbtest import make_people

    with Session(own_database) as session, session.begin():
        make_people(session)
    barrier, outcomes = threading.Barrier(12), []

    def guess() -> None:
        with Session(own_database) as session:
            barrier.wait()
            try:
                auth.sign_in(session, username="miit", password="guess", address="10.0.0.9")
            except NotAuthenticated:
                outcomes.append("checked")
            except auth.TooManyAttempts:
                outcomes.append("wait")
            session.commit()  # as the sign-in page does: the failure counts

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    allowed = get_settings().login_max_failures
    assert sorted(outcomes) == ["checked"] * allowed + ["wait"] * (12 - allowed), outcomes


async def test_a_very_long_address_asked_for_before_sign_in_does_not_refuse_the_sign_in(client, people) -> None:
    long = "x" * 3000
    asked = await client.get(f"/me?a={long[:1500]}&b={long[:1500]}")  # each within the door's bound, not both
    assert asked.status_code == 303 and asked.headers["location"] == "/login?next=/me"
    page = (await client.get(f"/login?next=/{long}")).text
    assert long not in page, "a next too long for the form is not carried"
    signed = await client.post("/login", data={"username": "alice", "password": PASSWORD, "next": "",
                                               "csrf_token": client.cookies.get(CSRF_COOKIE)})
    assert signed.status_code == 303 and signed.headers["location"] == "/me"


async def test_a_name_or_password_too_long_is_said_on_the_sign_in_form(client, people) -> None:
    name = "a" * 65
    refused = await _login(client, name, PASSWORD)
    assert refused.status_code == 422
    assert "登录名：不能超过 64 个字（现为 65 个字）" in refused.text and 'action="/login"' in refused.text
    assert f'value="{"a" * 64}"' in refused.text, "what was typed is kept, within the field's bound"
    refused = await _login(client, "alice", "x" * 257)
    assert refused.status_code == 422 and "密码：不能超过 256 个字（现为 257 个字）" in refused.text
    assert 'maxlength="64"' in refused.text


async def test_a_box_left_empty_is_said_beside_it_and_counts_no_attempt(client, people) -> None:
    """Empty boxes gave 用户名或密码错误，或账号已停用, a failed sign-in, naming a box the page calls 登录名."""
    both = await _login(client, " ", "")
    assert both.status_code == 422 and "登录名或密码错误" not in both.text
    assert '<span class="field-error" id="e-username">请填写登录名</span>' in both.text
    assert '<span class="field-error" id="e-password">请填写密码</span>' in both.text
    assert '<a href="#f-username">请填写登录名</a>' in both.text and '<a href="#f-password">请填写密码</a>' in both.text
    assert 'aria-invalid="true" aria-describedby="e-username"' in both.text
    one = await _login(client, "alice", "")
    assert "请填写密码" in one.text and "请填写登录名" not in one.text and 'value="alice"' in one.text
    long = await _login(client, "a" * 65, "")
    assert '<span class="field-error" id="e-username">不能超过 64 个字（现为 65 个字）</span>' in long.text
    assert "请填写密码" in long.text, "every box's mistake at once"
    for _ in range(6):  # none of them a failed attempt: the limit is not reached
        await _login(client, "alice", "")
    assert (await _login(client, "alice", PASSWORD)).status_code == 303


@pytest.mark.parametrize(("name", "password", "said", "shown"), [
    ("ali\x00ce", PASSWORD, "登录名：不能含有空字符（NUL）", 'value="alice"'),
    ("alice", PASSWORD + "\x00", "密码：不能含有空字符（NUL）", 'value="alice"'),
    ("a" * 1001, PASSWORD, "登录名：不能超过 64 个字（现为 1001 个字）", f'value="{"a" * 64}"'),
])
async def test_a_forged_name_or_password_is_said_on_the_sign_in_form(client, people, name, password, said,
                                                                     shown) -> None:
    """A NUL met the door, a name past 1,000 characters the form's own bound: a bare 「输入有误」 page, off the form."""
    refused = await _login(client, name, password)
    assert refused.status_code == 422 and said in refused.text and 'action="/login"' in refused.text
    assert shown in refused.text and "\x00" not in refused.text


async def test_signing_out_says_so(browser, people) -> None:
    alice = browser(people.alice)
    out = await alice.post("/logout")
    assert out.status_code == 303
    assert "已退出登录" in (await alice.client.get(out.headers["location"])).text


async def test_the_sign_in_page_says_who_opens_an_enterprise_account(client, monkeypatch) -> None:
    """No one could tell from the sign-in page how an enterprise gets an account (there is no self-registration)."""
    from huiqi.config import get_settings

    line = (await client.get("/login")).text.split('<p id="account-how">')[1].split("</p>")[0]
    assert "不开放自行注册" in line and "企业账号由本平台管理员开设" in line
    assert '<a href="/rounds">申报批次</a>' in line
    assert "联系" not in line.split("拨打")[0], "no organiser or contact is made up before the deployment sets one"
    monkeypatch.setenv("HUIQI_ORGANIZER", "辽宁省数据局")
    monkeypatch.setenv("HUIQI_CONTACT", "024-12345678")
    get_settings.cache_clear()
    try:
        text = (await client.get("/login")).text
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert "请联系辽宁省数据局（024-12345678），或拨打" in text.split('<p id="account-how">')[1]


async def test_an_account_disabled_while_signed_in_is_told_so_on_the_sign_in_page(browser, session, people) -> None:
    """The walk-through: admin2, disabled by admin, was next asked "请先登录" (401) as if the session had run out.
    Every kind of next request now lands on the sign-in page saying the account was disabled; enabled again, the
    old cookie is simply gone (no session comes back)."""
    from huiqi.users import service as users
    from tests.dbtest import second_admin

    second = browser(second_admin(session))
    assert (await second.get("/admin/users")).status_code == 200
    users.set_active(session, actor=people.admin, username="admin2", active=False, confirmed=True)
    session.commit()
    said = "您的账号已被停用，请联系其他管理员"
    for sent in (second.get("/admin/users"), second.post("/messages/read"),
                 second.post("/messages/read", headers={"HX-Request": "true"})):
        moved = await sent
        hx = moved.headers.get("HX-Redirect")
        assert (moved.status_code, moved.headers.get("location") or hx) in ((303, "/login"), (401, "/login")), moved
        assert said in (await second.get("/login")).text, "told once, on the sign-in page"
    assert said not in (await second.get("/login")).text
    assert (await second.get("/api/v1/users/me")).json()["detail"] == said
    bob = browser(people.bob)
    users.set_active(session, actor=people.admin, username="bob", active=False)
    session.commit()
    assert "您的账号已被停用，如有疑问请联系本平台管理员" in (await bob.get(
        (await bob.get("/me")).headers["location"])).text
    users.set_active(session, actor=people.admin, username="admin2", active=True)
    session.commit()
    again = await second.get("/admin/users")
    assert again.status_code == 303 and again.headers["location"].startswith("/login?next=")
    assert said not in (await second.get("/login")).text
