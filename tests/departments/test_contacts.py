"""Objection contacts are records: every department that ever leads a measure has a row, seeded from the shipped file
(which names the departments only: a 公示 shows what is filled in, never a placeholder); an admin sets a department's
phone, address and mail on a page (bounded, checked, audited), and the public 公示 pages show them at once. Two
admins at once end in one contact and a 409 for the other."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.audit import service as audit
from huiqi.departments import contacts
from huiqi.departments import repository as departments
from huiqi.errors import Conflict, Forbidden, InputError
from huiqi.models import AuditEvent, ObjectionContact, User
from tests.dbtest import at_once, make_people, to_announced

MIIT = "省工业和信息化厅"
FILLED = {"phone": "024-23456789转801", "address": "沈阳市和平区北京街 1 号", "mail": "gxt@example.cn"}


def _miit(session) -> int:
    return departments.by_name(session, MIIT).id


def test_every_department_that_ever_leads_a_measure_has_an_objection_contact_in_the_seed(policies) -> None:
    seeded = {c.department: c for c in contacts.seed()}
    leads = {dated.units[0] for p in policies for m in p.measures for dated in m.units} - {"各市政府"}
    assert "省数据局" in leads
    assert leads <= set(seeded), leads - set(seeded)
    for c in seeded.values():
        assert "未填写" not in f"{c.phone}{c.address}{c.mail}"  # empty until a deployment fills it in


def test_the_seed_is_the_records_rows(session) -> None:
    recorded = contacts.objection_contacts(session)
    assert recorded == {c.department: c for c in contacts.seed()}
    assert recorded[MIIT] == contacts.Contact(MIIT, "", "", "")


def test_an_admin_sets_a_contact_audited_and_it_is_what_the_records_say(session, people) -> None:
    assert contacts.set_contact(session, actor=people.admin, department_id=_miit(session), seen="", **FILLED)
    assert contacts.objection_contacts(session)[MIIT] == contacts.Contact(MIIT, *FILLED.values())
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "department.objection_contact")).all()
    assert (event.actor, event.entity, event.entity_id) == ("admin", "department", MIIT)
    assert event.before == {"phone": None, "address": None, "mail": None} and event.after == FILLED
    assert audit.verify(session).intact
    [shown] = [r for r in contacts.listed(session, actor=people.admin) if r.department.name == MIIT]
    assert shown.set_by.startswith("系统管理员（") and shown.stamp
    assert not contacts.set_contact(session, actor=people.admin, department_id=_miit(session), seen=shown.stamp,
                                    **FILLED), "unchanged: nothing recorded"
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "department.objection_contact")).all()
               ) == 1


def test_only_an_admin_sets_one(session, people) -> None:
    for who in (people.miit, people.finance, people.auditor, people.alice):
        with pytest.raises(Forbidden):
            contacts.set_contact(session, actor=who, department_id=_miit(session), **FILLED)
    with pytest.raises(Forbidden):
        contacts.listed(session, actor=people.miit)


@pytest.mark.parametrize(("field", "value", "said"), [
    ("phone", "12345", "请填写电话号码"),
    ("phone", "024-1234567x", "请填写电话号码"),
    ("phone", "0" * 51, "不能超过 50 个字（现为 51 个字）"),
    ("address", "沈阳" * 101, "不能超过 200 个字（现为 202 个字）"),
    ("address", "第一行\n第二行", "请写在一行内"),
    ("address", "沈阳\x1b", "不能含有控制字符（U+001B）"),
    ("mail", "gxt.example.cn", "请填写有效的电子邮箱地址"),
])
def test_a_wrong_field_is_refused_by_its_label_and_nothing_is_written(session, people, field, value, said) -> None:
    with pytest.raises(InputError) as refused:
        contacts.set_contact(session, actor=people.admin, department_id=_miit(session), **{**FILLED, field: value})
    [problem] = refused.value.problems
    assert problem == (contacts.LABELS[field], problem[1]) and said in problem[1] and problem.field == field
    assert contacts.objection_contacts(session)[MIIT].phone == ""


def test_full_width_digits_are_read_and_blanks_clear_a_field(session, people) -> None:
    contacts.set_contact(session, actor=people.admin, department_id=_miit(session), **FILLED)
    contacts.set_contact(session, actor=people.admin, department_id=_miit(session), phone=" ０２４-２３４５６７８９ ",
                         address="  ", mail="")
    assert contacts.objection_contacts(session)[MIIT] == contacts.Contact(MIIT, "024-23456789", "", "")
    row = session.scalar(select(ObjectionContact).where(ObjectionContact.department == MIIT))
    assert (row.address, row.mail) == (None, None)


def test_a_contact_set_since_the_form_was_shown_is_not_overwritten(session, people) -> None:
    contacts.set_contact(session, actor=people.admin, department_id=_miit(session), seen="", **FILLED)
    with pytest.raises(Conflict, match="刚刚已由系统管理员修改"):
        contacts.set_contact(session, actor=people.admin, department_id=_miit(session), seen="",
                             **{**FILLED, "phone": "024-11111111"})
    assert contacts.objection_contacts(session)[MIIT].phone == FILLED["phone"]


def test_a_department_with_no_row_gets_one(session, people) -> None:
    session.delete(session.scalar(select(ObjectionContact).where(ObjectionContact.department == MIIT)))
    session.flush()
    assert contacts.set_contact(session, actor=people.admin, department_id=_miit(session), seen="", **FILLED)
    assert contacts.objection_contacts(session)[MIIT].mail == FILLED["mail"]


@pytest.mark.anyio
async def test_the_page_sets_it_and_the_public_announcements_show_it(browser, session, people, tmp_path,
                                                                     set_today) -> None:
    from datetime import date

    to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3, amount=1_000_000,
                 store=tmp_path)  # 公示 2025-09-29 to 2025-10-11
    set_today(date(2025, 10, 9))
    public = browser(None)
    assert "异议受理：请向省工业和信息化厅提出</p>" in (await public.get("/announcements")).text
    admin = browser(people.admin)
    page = (await admin.get("/admin/objection-contacts")).text
    assert f'action="/admin/objection-contacts/{_miit(session)}"' in page and "随系统提供（未修改）" in page
    saved = await admin.post(f"/admin/objection-contacts/{_miit(session)}", data={**FILLED, "seen": ""})
    assert saved.status_code == 303 and saved.headers["location"].endswith(f"#department-{_miit(session)}")
    assert "异议受理联系方式已保存" in (await admin.get(saved.headers["location"])).text
    shown = (await public.get("/announcements")).text
    assert ("异议受理：省工业和信息化厅 · 电话 024-23456789转801 · 地址 沈阳市和平区北京街 1 号 · 邮箱 "
            '<a href="mailto:gxt@example.cn">gxt@example.cn</a>') in shown
    wrong = await admin.post(f"/admin/objection-contacts/{_miit(session)}", data={**FILLED, "phone": "024-1",
                                                                                  "seen": ""})
    assert wrong.status_code == 422 and '<span class="field-error" id="e-phone">' in wrong.text
    assert "未能保存（省工业和信息化厅），请修改以下内容" in wrong.text
    assert 'value="024-1"' in wrong.text, "what was typed is kept"
    again = await admin.post(f"/admin/objection-contacts/{_miit(session)}", data={**FILLED, "seen": ""})
    assert again.status_code == 409 and "刚刚已由系统管理员修改" in again.text


@pytest.mark.anyio
async def test_the_auditor_reads_the_page_without_its_forms(browser, session, people) -> None:
    page = await browser(people.auditor).get("/admin/objection-contacts")
    assert page.status_code == 200 and MIIT in page.text and "<form method=\"post\" action=\"/admin/objection" \
        not in page.text
    assert (await browser(people.miit).get("/admin/objection-contacts")).status_code == 403


def test_two_admins_at_once_end_in_one_contact_and_a_409(own_database) -> None:
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        make_people(session)
        session.add(User(username="admin2", display_name="第二位管理员", role="admin", password_hash="!"))
        unit = _miit(session)

    def setting(username: str, phone: str):
        def act(session) -> None:
            who = session.scalar(select(User).where(User.username == username))
            contacts.set_contact(session, actor=who, department_id=unit, seen="", **{**FILLED, "phone": phone})
        return act

    said = at_once(own_database, [setting("admin", "024-11111111"), setting("admin2", "024-22222222")])
    assert sorted(said) == ["conflict", "done"], said
    with Session(own_database) as session:
        phone = contacts.objection_contacts(session)[MIIT].phone
        won = "024-11111111" if said[0] == "done" else "024-22222222"
        assert phone == won
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "department.objection_contact")).all()
        assert len(events) == 1
