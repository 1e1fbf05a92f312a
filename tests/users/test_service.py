"""Users: argon2 hashes, sign-in, bindings by role, role changes in the audit trail, admins only."""

import pytest

from huiqi.audit import service as audit
from huiqi.errors import Conflict, Forbidden, InputError, NotAuthenticated
from huiqi.users import service as users
from tests.dbtest import PASSWORD, second_admin


def test_password_is_stored_as_argon2_and_checked(session, people) -> None:
    assert people.alice.password_hash.startswith("$argon2id$")
    assert PASSWORD not in people.alice.password_hash
    assert users.authenticate(session, username="alice", password=PASSWORD).id == people.alice.id
    with pytest.raises(NotAuthenticated):
        users.authenticate(session, username="alice", password="wrong password")
    with pytest.raises(NotAuthenticated):
        users.authenticate(session, username="nobody", password=PASSWORD)


def test_roles_need_their_binding(session, people) -> None:
    cases = [({"role": "enterprise"}, "uscc"), ({"role": "enterprise", "uscc": "91210100MA0QC1B25X"}, "uscc"),
             ({"role": "city", "region": "110000"}, "region"), ({"role": "department", "department": "省外某局"},
                                                                "department"), ({"role": "king"}, "role")]
    for binding, field in cases:
        with pytest.raises(InputError) as caught:
            users.create_user(session, actor=people.admin, username="x-user", display_name="某人", password=PASSWORD,
                              **binding)
        assert caught.value.problems[0][0] == field


@pytest.mark.parametrize(("binding", "said"), [
    ({"role": "city"}, ("region", "请选择所在市")),
    ({"role": "city", "region": "110000"}, ("region", "市级初审人员须绑定一个地级市代码（如 210100）或 shenfu")),
    ({"role": "department"}, ("department", "请选择责任单位")),
    ({"role": "department", "department": "省外某局"},
     ("department", "没有名为 '省外某局' 的责任单位（部门由政策同步而来）")),
])
def test_a_binding_not_chosen_is_asked_for_and_a_wrong_one_named(session, people, binding, said) -> None:
    with pytest.raises(InputError) as caught:
        users.create_user(session, actor=people.admin, username="x-user", display_name="某人", password=PASSWORD,
                          **binding)
    assert caught.value.problems == [said]


def test_only_admins_create_users_or_change_roles(session, people) -> None:
    for who in (people.alice, people.shenyang, people.miit, people.finance, people.auditor):
        with pytest.raises(Forbidden):
            users.create_user(session, actor=who, username="eve", display_name="Eve", role="admin", password=PASSWORD)
        with pytest.raises(Forbidden):
            users.change_role(session, actor=who, username="bob", role="admin")


def test_a_role_change_is_audited_with_before_and_after(session, people) -> None:
    users.change_role(session, actor=people.admin, username="dalian", role="city", region="210300")
    events = audit.history(session, entity="user", entity_id=people.dalian.id)
    assert events[-1].action == "user.role" and events[-1].actor == "admin"
    assert events[-1].before["region"] == "210200" and events[-1].after["region"] == "210300"


def _each_on_the_other(own_database, act) -> tuple[object, dict[str, tuple[str, bool]]]:
    """Two admins, each taking ``act(session, actor, whom)`` on the other at once: what the later was told, and
    every admin's role and state after."""
    from datetime import date

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from huiqi.models import User
    from huiqi.users.scope import SYSTEM
    from tests.dbtest import make_people, while_held

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        make_people(session)
        users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                          password=PASSWORD)

    def on(who: str, whom: str):
        def step(session) -> None:
            act(session, session.scalar(select(User).where(User.username == who)), whom)
        return step

    said = while_held(own_database, date(2025, 7, 1), on("admin", "admin2"), on("admin2", "admin"))
    with Session(own_database) as session:
        after = {u.username: (u.role, u.active) for u in session.scalars(
            select(User).where(User.username.in_(["admin", "admin2"])))}
    return said, after


def test_two_admins_disabling_each_other_at_once_leave_one_admin(own_database) -> None:
    """The later finds itself disabled and is refused (409). (On PostgreSQL each used to pass as active, and the
    province was left with no admin to enable either.)"""
    said, after = _each_on_the_other(
        own_database, lambda session, actor, whom: users.set_active(session, actor=actor, username=whom, active=False,
                                                                     confirmed=True))
    assert "刚被停用" in str(said), said
    assert after == {"admin": ("admin", True), "admin2": ("admin", False)}


def test_an_admin_cannot_change_their_own_role(session, people) -> None:
    """The admin who made themself an auditor lost admin rights at once (and with them the last admin)."""
    with pytest.raises(Conflict, match="不能变更角色：您是最后一位启用的管理员"):  # no other admin to ask
        users.change_role(session, actor=people.admin, username="admin", role="auditor")
    second_admin(session)
    with pytest.raises(Conflict, match="不能变更自己的角色：请由另一位管理员操作"):
        users.change_role(session, actor=people.admin, username="admin", role="auditor")
    session.refresh(people.admin)
    assert people.admin.role == "admin" and people.admin.active
    users.change_role(session, actor=people.admin, username="admin", role="admin")  # the form sent back unchanged


def test_two_admins_demoting_each_other_at_once_leave_one_admin(own_database) -> None:
    """The later finds its own role changed and is refused (409): one active admin remains, never none."""
    said, after = _each_on_the_other(
        own_database, lambda session, actor, whom: users.change_role(session, actor=actor, username=whom,
                                                                      role="auditor", confirmed=True))
    assert "变更了角色" in str(said) or str(said) == "审计人员无权变更用户角色", said  # SQLite: read after the commit
    assert after == {"admin": ("admin", True), "admin2": ("auditor", True)}


def test_a_login_name_differing_only_in_capitals_is_refused(session, people) -> None:
    """"ADMIN" was created beside "admin": two accounts no one can tell apart on a list or in the audit trail."""
    with pytest.raises(Conflict, match="与已有的 admin 只有大小写不同"):
        users.create_user(session, actor=people.admin, username="ADMIN", display_name="冒名", role="admin",
                          password=PASSWORD)
    with pytest.raises(NotAuthenticated):  # sign-in stays exact: the name as it was created
        users.authenticate(session, username="Alice", password=PASSWORD)


def test_two_admins_creating_one_name_in_two_capitals_at_once_make_one_account(own_database) -> None:
    """The later is refused (409) once the first commits: the unique index on lower(username) holds the rule."""
    from datetime import date

    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from huiqi.models import User
    from tests.dbtest import make_people, while_held

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        make_people(session)

    def create(name: str):
        def act(session) -> None:
            admin = session.scalar(select(User).where(User.username == "admin"))
            users.create_user(session, actor=admin, username=name, display_name="新用户", role="finance",
                              password=PASSWORD)
        return act

    said = while_held(own_database, date(2025, 7, 1), create("newcomer"), create("NewComer"))
    assert str(said).endswith("请换一个"), said  # PostgreSQL: the index; SQLite: the check, after the commit
    with Session(own_database) as session:
        assert session.scalars(select(User.username).where(func.lower(User.username) == "newcomer")).all() == [
            "newcomer"]


def test_a_unit_replaced_in_a_reorganisation_takes_no_new_user(session, people) -> None:
    """辽宁银保监局 was succeeded on 2023-07-20: a reviewer is bound to its successor, not to it."""
    from datetime import date

    from huiqi import clock
    from huiqi.departments import repository as departments

    with clock.pinned(date(2025, 6, 30)), pytest.raises(InputError) as caught:
        users.create_user(session, actor=people.admin, username="x-user", display_name="某人", password=PASSWORD,
                          role="department", department="辽宁银保监局")
    assert caught.value.problems == [("department", "辽宁银保监局已于 2023-07-20 起不再承担政策职责（机构改革），"
                                                    "请选择承接其职责的单位")]
    now = {d.name for d in departments.departments_on(session, date(2025, 6, 30))}
    assert "辽宁银保监局" not in now and "省工业和信息化厅" in now
    assert "辽宁银保监局" in {d.name for d in departments.departments_on(session, date(2023, 7, 19))}


def test_disabling_an_admin_that_leaves_one_is_asked_again_and_the_last_is_refused(session, people) -> None:
    """Disabling the other of two admins went through without a word: it is asked again, naming the consequence,
    and done once confirmed; the admin left cannot disable themself, and is told why (no other admin to ask)."""
    second = second_admin(session)
    with pytest.raises(users.OneAdminLeft) as asked:
        users.set_active(session, actor=people.admin, username="admin2", active=False)
    assert str(asked.value).startswith("停用管理员 第二位管理员（admin2）后，只剩您本人一位启用的管理员：") and \
        asked.value.status_code == 409
    assert second.active, "nothing done before the confirmation"
    with pytest.raises(users.OneAdminLeft, match="将管理员 第二位管理员（admin2）改为其他角色后，只剩您本人一位"):
        users.change_role(session, actor=people.admin, username="admin2", role="auditor")
    users.set_active(session, actor=people.admin, username="admin2", active=False, confirmed=True)
    assert not second.active
    with pytest.raises(Conflict, match="不能停用：您是最后一位启用的管理员，停用后将没有人能创建用户"):
        users.set_active(session, actor=people.admin, username="admin", active=False, confirmed=True)
    assert people.admin.active
    users.set_active(session, actor=people.admin, username="bob", active=False)  # not an admin: nothing asked
    users.set_active(session, actor=people.admin, username="admin2", active=True)  # enabling: nothing asked


def test_three_admins_disable_one_without_a_question(session, people) -> None:
    second_admin(session)
    users.create_user(session, actor=people.admin, username="admin3", display_name="第三位管理员", role="admin",
                      password=PASSWORD)
    users.set_active(session, actor=people.admin, username="admin3", active=False)
    with pytest.raises(users.OneAdminLeft):  # two left: the next one is asked
        users.set_active(session, actor=people.admin, username="admin2", active=False)


def test_a_new_user_s_problems_are_all_said_at_once(session, people) -> None:
    """The display name was said first, the city only once it was mended, the name taken only after that."""
    with pytest.raises(InputError) as caught:
        users.create_user(session, actor=people.admin, username="bob", display_name="", role="city",
                          password="short")
    assert caught.value.status_code == 409 and isinstance(caught.value, Conflict), "a name taken is a clash"
    assert [f for f, _ in caught.value.problems] == ["username", "display_name", "password", "region"]
    assert ("username", "登录名 bob 已被使用，请换一个") in caught.value.problems
    with pytest.raises(InputError) as caught:
        users.create_user(session, actor=people.admin, username="a b", display_name="某人", role="enterprise",
                          password=PASSWORD, uscc="91210100MA0QC1B25X")
    assert caught.value.status_code == 422 and [f for f, _ in caught.value.problems] == ["username", "uscc"]
    with pytest.raises(InputError) as caught:  # a role refused: no binding asked for
        users.create_user(session, actor=people.admin, username="x-user", display_name="某人", role="king",
                          password=PASSWORD)
    assert [f for f, _ in caught.value.problems] == ["role"]
