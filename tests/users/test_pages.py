"""The admin's user pages: list with roles and bindings, create, change role, disable, export."""

import io

import openpyxl
import pytest

from huiqi.users import repository

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
    assert repository.by_username(session, "kejiting2").department_id is not None
    bad = await admin.post("/admin/users", data={
        "username": "anshan", "display_name": "鞍山市审核员", "role": "city", "password": "long enough pw"})
    assert bad.status_code == 422 and "所在市：请选择所在市" in bad.text and 'value="鞍山市审核员"' in bad.text
    unit = await admin.post("/admin/users", data={
        "username": "unit", "display_name": "某单位审核员", "role": "department", "password": "long enough pw"})
    assert unit.status_code == 422 and "责任单位：请选择责任单位" in unit.text and "None" not in unit.text
    assert repository.by_username(session, "anshan") is None


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
    wrong = await admin.post("/admin/users/shenyang", data={"role": "city", "region": "999999"})
    assert wrong.status_code == 422 and "地级市" in wrong.text and 'action="/admin/users/shenyang"' in wrong.text


async def test_export_opens_with_every_account(browser, people) -> None:
    response = await browser(people.admin).get("/admin/users.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "用户列表" and rows[1][:3] == ("登录名", "显示名称", "角色")
    by_name = {r[0]: r for r in rows[2:]}
    assert len(by_name) == 11 and by_name["shenyang"][2] == "市级初审人员" and by_name["shenyang"][4] == "沈阳市"
    assert by_name["miit"][5] == "省工业和信息化厅" and by_name["alice"][6] == "启用"


@pytest.mark.parametrize("who", ["alice", "shenyang", "miit", "finance", "auditor"])
async def test_others_are_refused(browser, people, who) -> None:
    client = browser(getattr(people, who))
    listed = await client.get("/admin/users")
    assert listed.status_code == 403 and "bob" not in listed.text
    assert (await client.get("/admin/users.xlsx")).status_code == (200 if who == "auditor" else 403)
    assert (await client.post("/admin/users/bob", data={"active": "0"})).status_code == 403


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
