"""Hostile input at every kind of door: a 422 naming the field, with the reason in Chinese, never a 500.

NUL (which PostgreSQL cannot store) and other control characters, text longer than its column, numbers
beyond a 32-bit id, in JSON bodies, forms, paths and queries; and two writes of the same key at once: 409.
"""

import re
from datetime import date

import pytest

from huiqi.applicants import service as applicants
from huiqi.labels import field_label
from huiqi.web.deps import CSRF_COOKIE
from tests.dbtest import ALICE_USCC, apply
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
NUL, ESC = "甲\x00乙", "甲\x1b[31m乙"
HUGE_ID = "99999999999999999999999"


@pytest.fixture
def submitted(session, people, tmp_path):
    return apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1),
                 store=tmp_path).id


def _profile(session, people) -> dict:
    current = applicants.repository.current_profile(session, applicants.repository.by_uscc(session, ALICE_USCC).id)
    return {k: getattr(current, k) for k in ("kind", "region", "industry", "size")}


# (who, method, url, request, the field named). ``{app}`` is a submitted application of Alice's.
API = [
    ("alice", "PUT", f"/api/v1/applicants/{ALICE_USCC}", {"json": {"name": NUL}}, "name"),
    ("alice", "PUT", f"/api/v1/applicants/{ALICE_USCC}", {"json": {"name": ESC}}, "name"),
    ("alice", "PUT", f"/api/v1/applicants/{ALICE_USCC}", {"json": {"name": "长" * 201}}, "name"),
    ("alice", "PUT", f"/api/v1/applicants/{ALICE_USCC}/matters/h9",
     {"json": {"type": "honour", "codes": ["little_giant\x00"], "level": "national", "date": "2024-07-15"}},
     "codes[0]"),
    ("alice", "PUT", f"/api/v1/applicants/{ALICE_USCC}/matters/{'k' * 65}",
     {"json": {"type": "honour", "codes": ["little_giant"], "level": "national", "date": "2024-07-15"}}, "key"),
    ("alice", "PUT", f"/api/v1/applicants/{ALICE_USCC}/matters/a%00b",
     {"json": {"type": "honour", "codes": ["little_giant"], "level": "national", "date": "2024-07-15"}}, "key"),
    ("alice", "GET", "/api/v1/applicants/9121%00", {}, "uscc"),
    ("alice", "GET", f"/api/v1/applicants/{'9' * 19}", {}, "uscc"),
    ("alice", "GET", f"/api/v1/applications/{HUGE_ID}", {}, "application_id"),
    ("alice", "GET", "/api/v1/applications/-1", {}, "application_id"),
    ("alice", "GET", "/api/v1/applications?state=%00", {}, "state"),
    ("alice", "GET", f"/api/v1/applications?page={HUGE_ID}", {}, "page"),
    ("anonymous", "GET", "/api/v1/policies/ln%00", {}, "policy_id"),
    ("anonymous", "GET", f"/api/v1/whitelist/versions/{HUGE_ID}", {}, "version_id"),
    ("anonymous", "POST", "/api/v1/tokens", {"json": {"username": NUL, "password": "x"}}, "username"),
    ("anonymous", "POST", "/api/v1/match", {"json": {"applicant": {"name": NUL}, "matters": []}}, "applicant.name"),
    ("shenyang", "POST", "/api/v1/reviews/{app}/return", {"json": {"reasons": NUL}}, "reasons"),
    ("shenyang", "POST", "/api/v1/reviews/{app}/reject", {"json": {"reasons": "长" * 2001}}, "reasons"),
    ("miit", "POST", "/api/v1/announcements",
     {"json": {"application_ids": ["{app}"], "starts_on": "2025-10-09", "title": NUL}}, "title"),
    ("miit", "POST", "/api/v1/announcements",
     {"json": {"application_ids": [int(HUGE_ID)], "starts_on": "2025-10-09"}}, "application_ids[0]"),
    ("miit", "POST", "/api/v1/announcements/objections", {"json": {"application_id": "{app}", "reasons": NUL}},
     "reasons"),
    ("finance", "POST", "/api/v1/disbursements",
     {"json": {"application_id": "{app}", "paid_on": "2025-10-21", "reference": NUL}}, "reference"),
    ("finance", "POST", "/api/v1/disbursements",
     {"json": {"application_id": "{app}", "paid_on": "2025-10-21", "reference": "R" * 65}}, "reference"),
    ("finance", "POST", "/api/v1/approvals", {"json": {"application_id": int(HUGE_ID)}}, "application_id"),
    ("admin", "POST", "/api/v1/users", {"json": {"username": "newbie", "display_name": NUL, "role": "finance",
                                                  "password": "long enough password"}}, "display_name"),
    ("admin", "PATCH", "/api/v1/users/dal%00ian", {"json": {"active": False}}, "username"),
    ("admin", "POST", "/api/v1/whitelist/versions", {"json": {"note": NUL}}, "note"),
    ("alice", "POST", "/api/v1/applications/{app}/materials",
     {"files": {"file": ("申报书\x1b.pdf", b"%PDF-1.7\n%%EOF\n")}}, "file（文件名）"),
]

# (The review desk's reasons boxes say a control character or a length beside the box, by the label their forms give
# them, on the page shown again with the text kept: tests/review/test_long_text.py.)
PAGES = [
    ("anonymous", "POST", "/login", {"data": {"username": NUL, "password": "x"}}, "username"),
    ("anonymous", "POST", "/login", {"data": {"username": "u" * 65, "password": "x"}}, "username"),
    ("alice", "POST", "/me/profile", {"data": {"name": NUL}}, "name"),
    ("alice", "POST", "/me/profile", {"data": {"name": "长" * 201}}, "name"),
    ("alice", "GET", "/me?matter=%00", {}, "matter"),
    ("miit", "POST", "/review/{app}/announce", {"data": {"starts_on": "2025-10-09", "title": NUL}}, "title"),
    ("finance", "POST", "/review/{app}/disburse", {"data": {"paid_on": "2025-10-21", "reference": NUL}},
     "reference"),
    ("finance", "POST", "/review/{app}/disburse", {"data": {"paid_on": "2025-10-21", "reference": "R" * 65}},
     "reference"),
    # a public list's filters (its version, search boxes, 年度) are said beside their boxes, and its download names
    # them as the list's form does, the whitelist's version too (tests/public/test_pages.py)
    ("anonymous", "GET", f"/announcements.xlsx?q={'长' * 2001}", {}, "查找单位"),
    ("alice", "POST", "/messages/abc/read", {"data": {}}, "message_id"),
    ("alice", "POST", "/subscriptions/abc/end", {"data": {}}, "subscription_id"),
    ("admin", "POST", "/admin/users", {"data": {"username": "newbie", "display_name": NUL, "role": "finance",
                                                "password": "long enough password"}}, "display_name"),
]


def _fill(value, app_id: int):
    if isinstance(value, dict):
        return {k: _fill(v, app_id) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, app_id) for v in value]
    if isinstance(value, str) and "{app}" in value:
        return app_id if value == "{app}" else value.replace("{app}", str(app_id))
    return value


async def _send(browser, people, who, method, url, request, app_id):
    client = browser(None if who == "anonymous" else getattr(people, who))
    request = _fill(request, app_id)
    if url == "/login":  # the sign-in form carries the token its page set, as a browser's would
        await client.get("/login")
        request["data"] = {**request["data"], "csrf_token": client.client.cookies.get(CSRF_COOKIE)}
    return await client.send(method, url.replace("{app}", str(app_id)), **request)


@pytest.mark.parametrize(("who", "method", "url", "request_", "field"), API,
                         ids=[f"{c[1]} {c[2][:40]} {c[4]}" for c in API])
async def test_api_refuses_with_the_field_named(browser, people, submitted, who, method, url, request_,
                                                field) -> None:
    response = await _send(browser, people, who, method, url, request_, submitted)
    assert response.status_code == 422, response.text
    problems = response.json()["problems"]
    assert field in [p["field"] for p in problems], problems
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in p["reason"]) for p in problems), "reasons in Chinese"


@pytest.mark.parametrize(("who", "method", "url", "request_", "field"), PAGES,
                         ids=[f"{c[1]} {c[2][:40]} {c[4]}" for c in PAGES])
async def test_pages_refuse_with_the_field_named(browser, people, submitted, who, method, url, request_,
                                                 field) -> None:
    response = await _send(browser, people, who, method, url, request_, submitted)
    assert response.status_code == 422, response.text[:500]
    assert f"{field_label(field)}：" in response.text, "named by its label, as the form calls it"
    assert f"<li>{field}：" not in response.text or field_label(field) == field
    assert response.text.count(f"{field_label(field)}：") == 1, "said once: the page lists it, not also a message"


async def test_a_profile_saved_twice_at_once_is_a_conflict(client, session, people, monkeypatch) -> None:
    # Two saves read the same current version and both write the next: the later one hits the unique key.
    stale = applicants.repository.current_profile
    monkeypatch.setattr(applicants.repository, "current_profile", lambda s, applicant_id: None)
    response = await client.put(f"/api/v1/applicants/{ALICE_USCC}", headers=bearer(session, people.alice),
                                json={"name": "示例科技有限公司（新）"})
    assert response.status_code == 409, response.text
    assert "刷新" in response.json()["detail"]
    monkeypatch.setattr(applicants.repository, "current_profile", stale)


@pytest.mark.parametrize("path", ["/", "/policy", "/calculator", "/rounds", "/login", "/announcements", "/figures"])
@pytest.mark.parametrize("added", ["\x00", "长" * 2001])
async def test_a_page_lets_be_a_parameter_it_does_not_read(client, path, added) -> None:
    """A parameter added to a page's address that no page reads (with a NUL, far too long) changes nothing: the page
    as without it, not the generic error page naming 未知的查询参数."""
    plain = await client.get(path)
    got = await client.get(path, params={"zz": added})
    assert got.status_code == plain.status_code == 200 and "未知的查询参数" not in got.text, got.text[:500]
    assert re.sub(r'name="csrf_token" value="[^"]*"', "", got.text) == \
        re.sub(r'name="csrf_token" value="[^"]*"', "", plain.text)


async def test_an_api_still_names_a_parameter_it_does_not_read(client) -> None:
    got = await client.get("/api/v1/policies", params={"zz": "\x00"})
    assert got.status_code == 422 and got.json()["problems"] == [{"field": "zz", "reason": "不能含有空字符（NUL）"}]
