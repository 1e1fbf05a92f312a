"""The admin's user pages: list with roles and bindings, create, change role, disable, export."""

import io
import re

import openpyxl
import pytest

from huiqi.models import User
from huiqi.users import repository
from tests.dbtest import ALICE_USCC, PASSWORD, uscc_for
from tests.webtest import marked

pytestmark = pytest.mark.anyio


async def test_the_list_shows_roles_and_bindings(browser, people) -> None:
    response = await browser(people.admin).get("/admin/users")
    assert response.status_code == 200
    text = response.text
    assert "市级初审人员" in text and "沈阳市" in text and "省工业和信息化厅" in text and "审计人员" in text
    assert 'href="/admin/users"' in text and "argon2" not in text


async def test_create_a_user_then_a_mistake_keeps_what_was_typed(browser, session, people) -> None:
    admin = browser(people.admin)
    created = await admin.post("/admin/users", data={
        "username": "kejiting2", "display_name": "科技厅二号", "role": "department", "password": "long enough pw",
        "department": "省科技厅", "uscc": "", "region": ""})
    assert created.status_code == 303 and created.headers["location"].startswith("/admin/users")
    made = repository.by_username(session, "kejiting2")
    assert made.department_id is not None
    assert made.must_change_password, "a password the admin chose is a temporary one, as a reset's is"
    bad = await admin.post("/admin/users", data={
        "username": "anshan", "display_name": "鞍山市审核员", "role": "city", "password": "long enough pw"})
    assert bad.status_code == 422 and "所在市：请选择所在市" in bad.text and 'value="鞍山市审核员"' in bad.text
    unit = await admin.post("/admin/users", data={
        "username": "unit", "display_name": "某单位审核员", "role": "department", "password": "long enough pw"})
    assert unit.status_code == 422 and "责任单位：请选择责任单位" in unit.text and "None" not in unit.text
    assert repository.by_username(session, "anshan") is None


async def test_a_text_too_long_is_named_beside_its_field_and_the_form_kept(browser, session, people) -> None:
    """Over 200 characters gave the generic error page and lost everything typed."""
    admin = browser(people.admin)
    form = (await admin.get("/admin/users")).text
    assert 'name="display_name" required maxlength="100"' in form and 'minlength="10" maxlength="200"' in form
    long = await admin.post("/admin/users", data={
        "username": "longname", "display_name": "名" * 250, "role": "finance", "password": "p" * 250})
    assert long.status_code == 422 and 'value="longname"' in long.text
    assert "显示名称：不能超过 100 个字" in long.text and "初始密码：不能超过 200 个字" in long.text
    assert repository.by_username(session, "longname") is None


async def test_a_temporary_password_too_long_is_said_beside_its_row_s_field(browser, session, people) -> None:
    """Over 200 characters used to end on the generic 输入有误 page, off the list."""
    before = repository.by_username(session, "bob").password_hash
    long = await browser(people.admin).post("/admin/users/bob/password?q=bob", data={"new_password": "临时" * 101})
    assert long.status_code == 422 and "未能保存（用户 bob）" in long.text and 'value="bob"' in long.text
    row = long.text.split('id="user-bob"')[1].split("</tr>")[0]
    assert 'id="f-new_password" aria-invalid="true"' in row
    assert '<span class="field-error" id="e-new_password">密码不能超过 200 个字符（现有 202 个）</span>' in row
    assert repository.by_username(session, "bob").password_hash == before


async def test_change_role_and_disable_from_the_list(browser, session, people) -> None:
    admin = browser(people.admin)
    form = await admin.get("/admin/users/dalian/edit", headers={"HX-Request": "true"})
    assert 'action="/admin/users/dalian"' in form.text and "<html" not in form.text
    assert '<option value="210200" selected>大连市</option>' in form.text
    assert 'action="/admin/users/dalian"' in (await admin.get("/admin/users", params={"edit": "dalian"})).text
    assert (await admin.get("/admin/users/nobody/edit")).status_code == 404
    moved = await admin.post("/admin/users/dalian", data={"role": "finance"})
    assert moved.status_code == 303 and repository.by_username(session, "dalian").role == "finance"
    assert "用户 dalian 已保存" in (await admin.get("/admin/users")).text
    off = await admin.post("/admin/users/bob", data={"active": "0"})
    assert off.status_code == 303 and repository.by_username(session, "bob").active is False
    assert "用户 bob 已停用" in (await admin.get("/admin/users")).text
    on = await admin.post("/admin/users/bob", data={"active": "1"})
    assert on.status_code == 303 and repository.by_username(session, "bob").active is True
    assert "用户 bob 已启用" in (await admin.get("/admin/users")).text
    listed = (await admin.get("/admin/users")).text
    assert "本人（由另一位管理员变更）" in listed and 'hx-get="/admin/users/admin/edit' not in listed
    own = await admin.post("/admin/users/admin", data={"role": "auditor"})  # answered 已保存, and admin was gone
    assert own.status_code == 409 and "不能变更角色：您是最后一位启用的管理员" in own.text, "no other admin to ask"
    assert repository.by_username(session, "admin").role == "admin"
    unknown = await admin.post("/admin/users/bob", data={"active": "false"})
    assert unknown.status_code == 422 and "停用/启用：只能是 1（启用）或 0（停用）" in unknown.text
    assert repository.by_username(session, "bob").active is True
    wrong = await admin.post("/admin/users/shenyang", data={"role": "city", "region": "999999"})
    assert wrong.status_code == 422 and "地级市" in wrong.text and 'action="/admin/users/shenyang"' in wrong.text


async def test_a_change_from_a_stale_form_is_refused_not_saved_over_another(browser, session, people) -> None:
    """Two admins changing one user's role at once were both told 已保存, and the later one silently won."""
    from huiqi.users import service as users
    from huiqi.users.scope import SYSTEM
    from tests.dbtest import PASSWORD

    second = users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                               password=PASSWORD)
    form = (await browser(people.admin).get("/admin/users/dalian/edit")).text
    seen = re.search(r'name="seen" value="([^"]*)"', form)
    assert seen is not None and seen.group(1).startswith("city:") and ":210200:" in seen.group(1)
    first = await browser(second).post("/admin/users/dalian", data={"role": "finance", "seen": seen.group(1)})
    assert first.status_code == 303
    later = await browser(people.admin).post("/admin/users/dalian", data={
        "role": "city", "region": "210100", "seen": seen.group(1)})
    assert later.status_code == 409
    assert "用户 dalian 的角色或绑定刚被另一位管理员变更" in later.text
    assert repository.by_username(session, "dalian").role == "finance"


async def test_export_opens_with_every_account(browser, people) -> None:
    response = await browser(people.admin).get("/admin/users.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "用户列表" and rows[1][:3] == ("登录名", "显示名称", "角色")
    by_name = {r[0]: r for r in rows[2:]}
    assert len(by_name) == 11 and by_name["shenyang"][2] == "市级初审人员" and by_name["shenyang"][4] == "沈阳市"
    assert by_name["miit"][5] == "省工业和信息化厅" and by_name["alice"][6] == "启用"


@pytest.mark.parametrize("who", ["alice", "shenyang", "miit", "finance"])
async def test_others_are_refused(browser, people, who) -> None:
    client = browser(getattr(people, who))
    listed = await client.get("/admin/users")
    assert listed.status_code == 403 and "bob" not in listed.text
    assert (await client.get("/admin/users.xlsx")).status_code == 403
    assert (await client.post("/admin/users/bob", data={"active": "0"})).status_code == 403


async def test_auditors_read_the_list_without_its_forms(browser, session, people) -> None:
    """They could download the list but not open it (403); they read it now, and change nothing."""
    auditor = browser(people.auditor)
    listed = await auditor.get("/admin/users", params={"edit": "bob"})
    assert listed.status_code == 200 and "只读" in listed.text and 'id="user-bob"' in listed.text
    assert 'method="post" action="/admin/users' not in listed.text and "创建用户" not in listed.text
    assert "变更…" not in listed.text and "重置" not in listed.text
    assert 'href="/admin/users"' in listed.text  # in the auditor's menu
    assert (await auditor.get("/admin/users.xlsx")).status_code == 200
    assert (await auditor.get("/admin/users/bob/edit")).status_code == 403
    assert (await auditor.post("/admin/users/bob", data={"active": "0"})).status_code == 403
    assert repository.by_username(session, "bob").active is True


async def test_a_refusal_of_permission_is_said_as_one_not_as_a_mistake_to_correct(browser, people) -> None:
    refused = await browser(people.auditor).post("/admin/users", data={"username": "carol", "display_name": "丙",
                                                                       "role": "enterprise", "password": "x" * 12})
    said = refused.text.split('id="error-summary-title">')[1].split("</div>")[0]
    assert refused.status_code == 403 and said.startswith("未能保存</h2>") and "审计人员无权创建用户" in said
    assert "请修改以下内容" not in refused.text


async def test_anonymous_goes_to_sign_in(browser) -> None:
    response = await browser(None).get("/admin/users")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_after_a_reset_the_pages_lead_to_the_password_form(browser, client, session, people) -> None:
    from huiqi.web.deps import CSRF_COOKIE

    admin = browser(people.admin)
    assert (await admin.post("/admin/users/bob/password", data={"new_password": "temporary 2026 pw"})).status_code \
        == 303
    await client.get("/login")
    signed = await client.post("/login", data={"username": "bob", "password": "temporary 2026 pw",
                                               "csrf_token": client.cookies.get(CSRF_COOKIE)})
    assert signed.status_code == 303 and signed.headers["location"] == "/account/password"
    moved = await client.get("/me")
    assert moved.status_code == 303 and moved.headers["location"] == "/account/password"
    form = await client.get("/account/password")
    assert form.status_code == 200 and "管理员已为您重置密码" in form.text
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert 'id="f-confirm_password" name="confirm_password" type="password"' in form.text
    short = await client.post("/account/password", data={"current_password": "temporary 2026 pw",
                                                         "new_password": "short", "confirm_password": "short",
                                                         "csrf_token": token})
    assert short.status_code == 422 and "新密码：密码至少 10 个字符" in short.text
    before = people.bob.password_hash
    typo = await client.post("/account/password", data={"current_password": "temporary 2026 pw",
                                                        "new_password": "bob's own 2026 pw",
                                                        "confirm_password": "bob's own 2026 pq", "csrf_token": token})
    assert typo.status_code == 422 and '<a href="#f-confirm_password">确认新密码：两次输入的新密码不一致' in typo.text
    blank = await client.post("/account/password", data={"current_password": "", "new_password": "bob's own 2026 pw",
                                                         "confirm_password": "bob's own 2026 pw", "csrf_token": token})
    assert blank.status_code == 422 and "当前密码：请填写当前密码" in blank.text and "当前密码不正确" not in blank.text
    assert people.bob.password_hash == before and people.bob.must_change_password, "nothing changed"
    done = await client.post("/account/password", data={"current_password": "temporary 2026 pw",
                                                        "new_password": "bob's own 2026 pw",
                                                        "confirm_password": "bob's own 2026 pw", "csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == "/login"
    assert "密码已修改，请用新密码登录" in (await client.get("/login")).text
    assert not people.bob.must_change_password



async def test_a_new_account_is_greeted_as_new_and_a_reset_one_as_reset(browser, client, session, people) -> None:
    """An account an admin opened was told at its first sign-in that the admin had reset its password."""
    from huiqi.web.deps import CSRF_COOKIE

    admin = browser(people.admin)
    created = await admin.post("/admin/users", data={
        "username": "newfirm", "display_name": "新开企业经办人", "role": "enterprise", "password": "opening 2026 pw",
        "uscc": uscc_for("210200", "MA0NEW01"), "region": "", "department": ""})
    assert created.status_code == 303
    await client.get("/login")
    signed = await client.post("/login", data={"username": "newfirm", "password": "opening 2026 pw",
                                               "csrf_token": client.cookies.get(CSRF_COOKIE)})
    assert signed.status_code == 303 and signed.headers["location"] == "/account/password"
    form = (await client.get("/account/password")).text
    assert "您的账号由管理员开设，请先设定您自己的密码" in form and "重置" not in form
    assert (await admin.post("/admin/users/newfirm/password", data={"new_password": "temporary 2026 pw"})) \
        .status_code == 303
    await client.get("/login")
    await client.post("/login", data={"username": "newfirm", "password": "temporary 2026 pw",
                                      "csrf_token": client.cookies.get(CSRF_COOKIE)})
    again = (await client.get("/account/password")).text
    assert "管理员已为您重置密码" in again and "由管理员开设" not in again


@pytest.mark.parametrize(("current", "new", "confirm", "beside"), [
    ("长密码" * 67, "alice's own 2026 pw", "alice's own 2026 pw", ["f-current_password"]),
    ("correct horse battery", "长密码" * 67, "长密码" * 67, ["f-new_password", "f-confirm_password"]),
    ("correct horse battery", "长密码" * 67, "alice's own 2026 pw", ["f-new_password"]),  # no mismatch said too
    ("correct horse battery", "alice's own 2026 pw", "长密码" * 67, ["f-confirm_password"]),
])
async def test_a_password_past_its_bound_is_said_beside_its_field_and_nothing_changes(
        browser, people, current, new, confirm, beside) -> None:
    alice = browser(people.alice)
    before = people.alice.password_hash
    refused = await alice.post("/account/password", data={"current_password": current, "new_password": new,
                                                         "confirm_password": confirm})
    said = "不能超过 200 个字符（现有 201 个）"
    assert refused.status_code == 422 and marked(refused.text) == [(field, said) for field in beside]
    labels = {"f-current_password": "当前密码", "f-new_password": "新密码", "f-confirm_password": "确认新密码"}
    assert f'<a href="#{beside[0]}">{labels[beside[0]]}：{said}' in refused.text, "in the summary, by its label"
    assert people.alice.password_hash == before and (await alice.get("/me")).status_code == 200, "nothing changed"

@pytest.mark.parametrize(("field", "beside"), [
    ("current_password", "f-current_password"), ("new_password", "f-new_password"),
    ("confirm_password", "f-confirm_password")])
async def test_a_password_with_a_nul_is_said_beside_its_field(browser, people, field, beside) -> None:
    """A NUL met the door: a bare 「输入有误」 page, off the form."""
    typed = {"current_password": "correct horse battery", "new_password": "alice's own 2026 pw",
             "confirm_password": "alice's own 2026 pw"}
    refused = await browser(people.alice).post("/account/password", data={**typed, field: typed[field] + "\x00"})
    assert refused.status_code == 422 and marked(refused.text) == [(beside, "不能含有空字符（NUL）")]


async def test_a_new_user_s_box_with_a_nul_is_said_beside_it_and_kept(browser, session, people) -> None:
    """A NUL met the door, a box past 2,000 characters the form's own bound: a bare 「输入有误」 page, all lost."""
    admin = browser(people.admin)
    refused = await admin.post("/admin/users", data={
        "username": "nul\x00name", "display_name": "显示\x00名称", "role": "finance", "password": "long enough\x00pw"})
    assert refused.status_code == 422 and "<h1>输入有误</h1>" not in refused.text
    said = dict(marked(refused.text))
    assert {said.get(f) for f in ("f-display_name", "f-password")} == {"不能含有空字符（NUL）"}, said
    assert 'value="显示名称"' in refused.text and 'value="nulname"' in refused.text
    huge = await admin.post("/admin/users", data={"username": "longname", "display_name": "名" * 2001,
                                                  "role": "finance", "password": "long enough password"})
    assert huge.status_code == 422 and "显示名称：不能超过 100 个字" in huge.text and 'value="longname"' in huge.text
    reset = await admin.post("/admin/users/bob/password?q=bob", data={"new_password": "临时密码\x00一二三四五"})
    assert reset.status_code == 422 and "未能保存（用户 bob）" in reset.text and "不能含有空字符（NUL）" in reset.text
    assert repository.by_username(session, "nulname") is None and repository.by_username(session, "longname") is None


def _listed(text: str) -> list[str]:
    """The login names in the rows of a users page, in order."""
    return re.findall(r'<tr id="user-([^"]+)">', text)


def _many(session, n: int) -> None:
    """``n`` more enterprise accounts, firm000…, added as rows (hashing ``n`` passwords would only slow the test)."""
    for i in range(n):
        repository.add(session, User(username=f"firm{i:03d}", display_name=f"批量企业{i:03d}", role="enterprise",
                                     uscc=f"91210100MA0{i:06d}X", password_hash="!"))


@pytest.mark.parametrize(("q", "found"), [
    ("ALIC", ["alice"]),  # the login name, in any case
    ("审核员", ["shenyang", "dalian", "miit", "most"]),  # the display name
    (ALICE_USCC[4:12].lower(), ["alice"]),  # part of the bound credit code, in any case
    ("科技厅", ["most"]),  # the responsible unit bound
    ("大连", ["bob", "dalian"]),  # bob's display name; dalian's city
    ("示例科技有限", ["alice"]),  # the enterprise's registered name (not in alice's display name)
    ("%", []), ("_", []),  # no wildcard: taken as typed
])
async def test_the_list_is_found_by_a_word(browser, people, q, found) -> None:
    response = await browser(people.admin).get("/admin/users", params={"q": q})
    assert response.status_code == 200
    assert _listed(response.text) == found
    assert f"共 {len(found)} 个用户符合条件" in response.text and f'value="{q}"' in response.text


async def test_the_list_is_narrowed_by_role_and_status(browser, session, people) -> None:
    admin = browser(people.admin)
    assert (await admin.post("/admin/users/bob", data={"active": "0"})).status_code == 303
    cities = await admin.get("/admin/users", params={"role": "city"})
    assert _listed(cities.text) == ["shenyang", "dalian"] and "共 2 个用户符合条件" in cities.text
    assert '<option value="city" selected>' in cities.text
    disabled = await admin.get("/admin/users", params={"status": "disabled"})
    assert _listed(disabled.text) == ["bob"] and '<option value="disabled" selected>' in disabled.text
    enabled = await admin.get("/admin/users", params={"role": "enterprise", "status": "enabled"})
    assert _listed(enabled.text) == ["alice", "mallory"]
    both = await admin.get("/admin/users", params={"q": "大连", "status": "enabled"})
    assert _listed(both.text) == ["dalian"]
    blank = await admin.get("/admin/users?q=&role=&status=")  # the form sent without choosing anything
    assert len(_listed(blank.text)) == 11 and "共 11 个用户，" in blank.text and "符合条件" not in blank.text
    none = await admin.get("/admin/users", params={"q": "没有这个人"})
    assert _listed(none.text) == [] and "没有符合条件的用户" in none.text


@pytest.mark.parametrize(("params", "said"), [
    ({"role": "root"}, "角色：请从列表中选择"),
    ({"role": "system"}, "角色：请从列表中选择"),
    ({"status": "gone"}, "状态：请从列表中选择"),
    ({"q": "长" * 51}, "关键词：不能超过 50 个字"),
    ({"q": "a\x00b"}, "不能含有空字符（NUL）"),  # refused at the door, before the list reads it
    ({"page": "0"}, "页码：应不小于 1"),
    ({"page": "x"}, "页码：应为整数"),
    ({"page": "99999999999"}, "页码：应不大于"),
])
async def test_wrong_filters_are_named_in_chinese(browser, people, params, said) -> None:
    admin = browser(people.admin)
    for url in ("/admin/users", "/admin/users.xlsx") if "page" not in params else ("/admin/users",):
        response = await admin.get(url, params=params)
        assert response.status_code == 422 and said in response.text, (url, response.text[:300])


async def test_the_list_comes_a_page_at_a_time(browser, session, people) -> None:
    _many(session, 60)  # 71 accounts: 50 on the first page, 21 on the second
    admin = browser(people.admin)
    first = await admin.get("/admin/users")
    assert len(_listed(first.text)) == 50 and _listed(first.text)[0] == "alice"
    assert "共 71 个用户，每页 50 个，第 1/2 页" in first.text and 'href="/admin/users?page=2" rel="next"' in first.text
    second = await admin.get("/admin/users", params={"page": 2})
    assert len(_listed(second.text)) == 21 and _listed(second.text)[-1] == "firm059"
    assert not set(_listed(first.text)) & set(_listed(second.text))
    beyond = await admin.get("/admin/users", params={"page": 3})
    assert beyond.status_code == 200 and _listed(beyond.text) == []
    assert "第 3 页超出了范围（共 2 页）" in beyond.text and 'href="/admin/users?page=2"' in beyond.text
    far = await admin.get("/admin/users", params={"page": 1_000_000})
    assert far.status_code == 200 and _listed(far.text) == []
    narrowed = await admin.get("/admin/users", params={"q": "批量", "page": 2})  # the next page keeps the word
    assert len(_listed(narrowed.text)) == 10 and 'href="/admin/users?q=%E6%89%B9%E9%87%8F" rel="prev"' in narrowed.text
    listed = await admin.get("/admin/users.xlsx", params={"q": "批量"})  # the export holds every page
    rows = list(openpyxl.load_workbook(io.BytesIO(listed.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 60 and rows[0][0] == "用户列表（关键词“批量”）"


async def test_a_change_comes_back_to_the_list_as_it_was(browser, session, people) -> None:
    _many(session, 60)
    admin = browser(people.admin)
    listed = await admin.get("/admin/users", params={"q": "firm", "page": 2})
    assert 'action="/admin/users/firm059?q=firm&amp;page=2"' in listed.text
    assert 'href="/admin/users?q=firm&amp;page=2&amp;edit=firm059#user-firm059"' in listed.text
    assert 'hx-get="/admin/users/firm059/edit?q=firm&amp;page=2"' in listed.text
    opened = await admin.get("/admin/users", params={"q": "firm", "page": 2, "edit": "firm059"})
    assert 'form method="post" action="/admin/users/firm059?q=firm&amp;page=2" class="binding"' in opened.text
    fetched = await admin.get("/admin/users/firm059/edit", params={"q": "firm", "page": 2},
                              headers={"HX-Request": "true"})
    assert 'action="/admin/users/firm059?q=firm&amp;page=2"' in fetched.text and "<html" not in fetched.text
    off = await admin.post("/admin/users/firm059?q=firm&page=2", data={"active": "0"})
    assert off.status_code == 303 and off.headers["location"] == "/admin/users?q=firm&page=2#user-firm059"
    assert repository.by_username(session, "firm059").active is False
    wrong = await admin.post("/admin/users/firm059?q=firm&page=2", data={"role": "city", "region": "999999"})
    assert wrong.status_code == 422 and 'action="/admin/users/firm059?q=firm&amp;page=2"' in wrong.text
    created = await admin.post("/admin/users", data={"username": "zz-new", "display_name": "新用户", "role": "finance",
                                                     "password": "long enough pw"})
    assert created.headers["location"] == "/admin/users?q=zz-new#user-zz-new", "the new account is on the page shown"


async def test_the_export_is_the_filtered_list_and_never_a_formula(browser, session, people) -> None:
    repository.add(session, User(username="sly", display_name="=HYPERLINK(\"http://x\")", role="city",
                                 region="210300", password_hash="!"))
    response = await browser(people.admin).get("/admin/users.xlsx", params={"role": "city", "status": "enabled"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "用户列表（市级初审人员、启用）"
    assert [r[0] for r in rows[2:]] == ["shenyang", "dalian", "sly"] and rows[4][1] == '=HYPERLINK("http://x")'
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    page = await browser(people.admin).get("/admin/users", params={"role": "city", "status": "enabled"})
    assert 'href="/admin/users.xlsx?role=city&amp;status=enabled"' in page.text


async def test_a_refused_binding_is_marked_on_the_form_that_sent_it(browser, people) -> None:
    """所在市 refused: on the create form when it sent it; on the row's own form (which then holds the ids the
    summary links to) when a row's change sent it, the create form unmarked; a row's temporary password likewise."""
    admin = browser(people.admin)
    created = await admin.post("/admin/users", data={"username": "newcity", "display_name": "新市级",
                                                     "role": "city", "password": "a long enough pass 9"})
    assert created.status_code == 422 and marked(created.text) == [("f-region", "请选择所在市")]
    changed = await admin.post("/admin/users/shenyang", data={"role": "city", "region": ""})
    assert changed.status_code == 422 and marked(changed.text) == [("f-region", "请选择所在市")]
    row = changed.text[changed.text.index('action="/admin/users/shenyang"'):]
    assert row.index('id="f-region"') < row.index("</form>"), "the row's select, not the create form's"
    assert changed.text.count('id="f-region"') == 1 and 'id="new-region"' in changed.text
    reset = await admin.post("/admin/users/bob/password", data={"new_password": "short"})
    assert reset.status_code == 422 and [f for f, _ in marked(reset.text)] == ["f-new_password"]
    bob = reset.text[reset.text.index('action="/admin/users/bob/password"'):]
    assert bob.index('id="f-new_password"') < bob.index("</form>")


async def test_two_admins_resetting_one_password_at_once_the_second_is_told(browser, session, people) -> None:
    """Both were told 已设定临时密码 and the first one's password then failed at sign-in: the page carries what it
    showed of the password (a digest of its hash), and a reset after another is refused, the first one's standing."""
    from huiqi.users import service as users
    from huiqi.users.scope import SYSTEM

    users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                      password=PASSWORD)
    session.commit()
    first, second = browser(people.admin), browser(repository.by_username(session, "admin2"))
    shown = [(await b.get("/admin/users?q=bob")).text for b in (first, second)]
    seen = [t.split('id="user-bob"')[1].split('name="seen" value="')[1].split('"')[0] for t in shown]
    assert seen[0] == seen[1] and len(seen[0]) == 16 and repository.by_username(session, "bob").password_hash not in \
        shown[0]
    url = "/admin/users/bob/password?q=bob"
    done = await first.post(url, data={"new_password": "first temp pw 1", "seen": seen[0]})
    assert done.status_code == 303
    late = await second.post(url, data={"new_password": "second temp 22", "seen": seen[1]})
    assert late.status_code == 409 and "bob 的密码刚刚已被重置或由本人修改，您设的临时密码未生效" in late.text
    session.expire_all()
    assert users.authenticate(session, username="bob", password="first temp pw 1").username == "bob"


def _row_form(text: str, username: str) -> str:
    """The change form of ``username``'s row, as the page shows it."""
    start = re.search(rf'form method="post" action="/admin/users/{username}[?"][^>]*class="binding"', text)
    assert start is not None, "the row's form is open"
    return text[start.start():text.index("</form>", start.start())]


@pytest.mark.parametrize(("typed", "refused"), [
    ({"role": "enterprise", "uscc": "91210100MA0QC1B25X"}, "f-uscc"),  # a wrong credit code
    ({"role": "department", "department": ""}, "f-department"),  # no unit chosen
    ({"role": "city", "region": "999999"}, "f-region"),
])
async def test_a_refused_change_comes_back_as_typed(browser, session, people, typed, refused) -> None:
    """The row's form came back with the account as it stands (市级初审人员, 沈阳市): what was typed was lost."""
    answer = await browser(people.admin).post("/admin/users/shenyang?q=shen", data=typed)
    assert answer.status_code == 422 and [f for f, _ in marked(answer.text)] == [refused]
    form = _row_form(answer.text, "shenyang")
    assert f'<option value="{typed["role"]}" selected>' in form and "selected>沈阳市" not in form
    if typed.get("uscc"):
        assert f'value="{typed["uscc"]}"' in form
    if typed.get("region"):
        assert 'option value="210100" selected' not in form
    assert form.index(f'id="{refused}"') < len(form) and 'class="field-error"' in form, "the reason beside its field"
    assert repository.by_username(session, "shenyang").role == "city"


async def test_a_change_refused_as_stale_keeps_what_was_typed(browser, session, people) -> None:
    """A 409 (another admin changed the user meanwhile) kept nothing typed either."""
    admin = browser(people.admin)
    answer = await admin.post("/admin/users/dalian", data={"role": "department", "department": "省科技厅",
                                                           "seen": "finance:::"})
    assert answer.status_code == 409 and "角色或绑定刚被另一位管理员变更" in answer.text
    form = _row_form(answer.text, "dalian")
    assert '<option value="department" selected>' in form and "<option selected>省科技厅</option>" in form
    assert f'name="seen" value="{repository.by_username(session, "dalian").role}:' in form, "the role as it stands now"


async def test_every_problem_of_a_new_user_is_said_at_once_beside_its_field(browser, session, people) -> None:
    """One at a time: the display name first, then (mended) the city, then (mended) the name taken."""
    answer = await browser(people.admin).post("/admin/users", data={
        "username": "bob", "display_name": "", "role": "city", "password": "short", "region": ""})
    assert answer.status_code == 409
    assert [f for f, _ in marked(answer.text)] == ["f-username", "f-display_name", "f-password", "f-region"]
    said = answer.text.split('id="error-summary-title">')[1].split("</div>")[0]
    assert "登录名：登录名 bob 已被使用" in said and "所在市：请选择所在市" in said and "初始密码：" in said
    assert 'value="bob"' in answer.text and '<option value="city" selected>' in answer.text


async def test_disabling_the_other_of_two_admins_is_a_confirm_step(browser, session, people) -> None:
    """It went through without a word, leaving one admin: the page says what it leaves and asks again."""
    from tests.dbtest import second_admin

    second = second_admin(session)
    admin = browser(people.admin)
    asked = await admin.post("/admin/users/admin2?q=admin", data={"active": "0"})
    assert asked.status_code == 409 and second.active, "nothing done yet"
    step = asked.text.split('id="confirm-step"')[1].split("</div>")[0]
    assert "停用管理员 第二位管理员（admin2）后，只剩您本人一位启用的管理员" in step and "没有人能创建用户" in step
    assert 'action="/admin/users/admin2?q=admin"' in step and 'name="active" value="0"' in step
    assert 'name="confirm" value="yes"' in step and "确认停用" in step and "error-summary" not in asked.text
    done = await admin.post("/admin/users/admin2?q=admin", data={"active": "0", "confirm": "yes"})
    assert done.status_code == 303 and not repository.by_username(session, "admin2").active
    assert (await admin.post("/admin/users/admin2", data={"active": "1"})).status_code == 303, "enabling: no question"
    moved = await admin.post("/admin/users/admin2", data={"role": "auditor"})
    assert moved.status_code == 409 and "将管理员 第二位管理员（admin2）改为其他角色后" in moved.text
    form = _row_form(moved.text, "admin2")
    assert '<option value="auditor" selected>' in form, "the row's form as typed"
    step = moved.text.split('id="confirm-step"')[1].split("</div>")[0]
    assert 'name="role" value="auditor"' in step and "确认变更" in step
    assert repository.by_username(session, "admin2").role == "admin"


async def test_a_password_reset_is_labelled_as_on_screen_and_a_disabled_account_s_is_said_to_wait(browser,
                                                                                                  people) -> None:
    """The walk-through: the reset's mistake said "新密码" of a box with no visible label (its placeholder cut to
    "临时密码（≥10 位"), and a reset of a disabled account said only that the password was set."""
    admin = browser(people.admin)
    short = await admin.post("/admin/users/bob/password", data={"new_password": "short"})
    assert short.status_code == 422 and "临时密码：密码至少 10 个字符" in short.text and "新密码：" not in short.text
    row = short.text[short.text.index('action="/admin/users/bob/password"'):].split("</form>")[0]
    assert re.search(r'<label>临时密码<span class="small muted">（至少 10 位）</span><input id="f-new_password"', row)
    assert 'placeholder="临时密码' not in short.text
    assert (await admin.post("/admin/users/bob", data={"active": "0"})).status_code == 303
    done = await admin.post("/admin/users/bob/password", data={"new_password": "temporary 2026 pw"})
    assert done.status_code == 303
    said = (await admin.get(done.headers["location"])).text
    assert "已为 bob 设定临时密码；该账号已停用，重新启用后才能用此密码登录（登录后须先修改密码）" in said
    assert (await admin.post("/admin/users/bob", data={"active": "1"})).status_code == 303
    done = await admin.post("/admin/users/bob/password", data={"new_password": "temporary 2026 pw2"})
    said = (await admin.get(done.headers["location"])).text
    flash = said.split('id="flash"')[1].split("</div>")[0]
    assert "已为 bob 设定临时密码；该用户下次登录须先修改密码" in flash and "已停用" not in flash


async def test_the_change_form_fetched_in_place_gives_its_role_select_the_focus(browser, people) -> None:
    """Enter on 变更… loaded the form (HTMX) and left the focus on the page's body: its role select takes it."""
    form = await browser(people.admin).get("/admin/users/bob/edit", headers={"HX-Request": "true"})
    assert form.status_code == 200 and re.search(r'<select name="role" aria-label="角色" data-focus>', form.text)
    assert form.text.count("data-focus") == 1
