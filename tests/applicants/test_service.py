"""The enterprise's record: a name once given is never cleared, dates after today are refused, and a matter edited
while its application is being submitted waits for the submission and is then refused."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.announcements import service as announcements
from huiqi.applicants import service as applicants
from huiqi.errors import InputError
from huiqi.models import Application, Matter, User
from tests.dbtest import ALICE_USCC, PDF, a_round, make_people, make_records, step, to_announced, while_held

H1 = {"id": "h1", "type": "honour", "codes": ["little_giant"], "level": "national", "date": "2024-07-15"}


def test_a_name_once_given_is_not_cleared(session, people) -> None:
    with pytest.raises(InputError) as caught:
        applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, name=None, kind="enterprise",
                                  region="210102", industry="6513")
    assert caught.value.problems == [("applicant.name", "单位名称不能清空：名称有变更的，请填写新名称")]
    renamed = applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, name="示例数字科技有限公司",
                                        kind="enterprise", region="210102", industry="6513")
    assert renamed.name == "示例数字科技有限公司"


def test_dates_after_today_are_refused(session, people) -> None:
    with clock.pinned(date(2025, 6, 30)):
        with pytest.raises(InputError) as caught:
            applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, name="示例科技有限公司",
                                      established=date(2025, 7, 1))
        assert caught.value.problems == [("applicant.established", "成立日期 2025-07-01 晚于今天（2025-06-30）")]
        with pytest.raises(InputError) as caught:
            applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={**H1, "date": "2025-07-01"})
        assert caught.value.problems[0][0] == "matters[0].date" and "晚于今天" in caught.value.problems[0][1]
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={**H1, "date": "2025-06-30"})


def test_a_published_announcement_keeps_the_name_it_was_published_with(session, people, tmp_path) -> None:
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, name="改名后的公司",
                              kind="enterprise", region="210102", industry="6513")
    listed = [e for b in announcements.public_listing(session) for e in b.entries if e.application_id == app.id]
    assert [e.applicant for e in listed] == ["示例科技有限公司"]


def test_a_matter_edited_as_its_application_is_submitted_waits_and_is_refused(own_database, tmp_path) -> None:
    """(On PostgreSQL the edit used to pass its check on the draft, wait, and then change the submitted facts.)"""
    from huiqi.applications import service as applications

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        make_records(session, make_people(session))
        alice = session.scalar(select(User).where(User.username == "alice"))
        with clock.pinned(date(2025, 9, 1)):
            draft = applications.create_draft(session, actor=alice, uscc=ALICE_USCC, matter_key="h1",
                                              round_id=a_round(session), measure=3, amount_requested=1_000_000)
        applications.add_material(session, actor=alice, application_id=draft.id, filename="申报书.pdf",
                                  content=PDF, store=tmp_path)
        applications.declare(session, actor=alice, application_id=draft.id)

    def alice_of(session) -> User:
        return session.scalar(select(User).where(User.username == "alice"))

    said = while_held(own_database, date(2025, 9, 1),
                      lambda session: step(session, "submit", alice_of(session), draft.id),
                      lambda session: applicants.save_matter(session, actor=alice_of(session), uscc=ALICE_USCC,
                                                             matter={**H1, "level": "provincial"}))
    assert "事项内容不能修改" in str(said), said
    with Session(own_database) as session:
        assert session.get(Application, draft.id).state != "draft"
        matter = session.scalar(select(Matter).where(Matter.key == "h1", Matter.applicant_id == session.get(
            Application, draft.id).applicant_id))
        assert matter.facts["level"] == "national"
