"""People as others read them: display name with unit or role; system as 系统（自动）; unknown names as given."""

from huiqi.users.names import SYSTEM_NAME, name_of, people, person


def test_people_by_name_and_unit(session) -> None:
    from tests.dbtest import make_people

    cast = make_people(session)
    known = people(session, {"miit", "finance", "shenyang", "nobody"})
    assert known == {"miit": "省工信厅审核员（省工业和信息化厅）", "finance": "省财政厅经办人（财政人员）",
                     "shenyang": "沈阳市审核员（市级初审人员）"}
    assert name_of("system", known) == SYSTEM_NAME == "系统（自动）"
    assert name_of("nobody", known) == "nobody" and name_of(None, known) == "—"
    assert person(session, cast.admin.username) == "系统管理员"


def test_what_a_person_did_names_them_as_they_were_called_then(session, people) -> None:
    """The trail keeps the display name with the role: a person renamed since reads, for what they did before, by
    the name they bore."""
    from datetime import UTC, datetime

    from huiqi.users.names import people_then

    when = datetime(2100, 1, 1, tzinfo=UTC)  # after the fixture's events
    people.miit.display_name = "改名后的审核员"
    session.flush()
    assert people_then(session, {("miit", when)}) == {("miit", when): "省工信厅审核员（省工业和信息化厅）"}
