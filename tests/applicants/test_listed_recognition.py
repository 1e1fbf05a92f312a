"""A recognition a published list already recorded is not declared again (DOMAIN.md, 从高不重复: support is given once
per recognition, and the list's matter is the one offered and judged). Declaring the same recognition (the same
applicant, code and date: ``same_recognition``) is refused beside the date, in Chinese, naming the list's document
and the matter it recorded and what became of its offer; nothing is written. The page form and the API alike; an
import and a declaration at the same moment make one matter."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import service as applicants
from huiqi.errors import InputError
from huiqi.models import AuditEvent, Matter, Offer, User
from huiqi.recognition import service as lists
from tests.dbtest import ALICE_USCC, an_offer, make_people, make_records, while_held
from tests.webtest import bearer

ON = date(2025, 7, 1)
DOCUMENT = "工信部企业函〔2025〕测试号"  # an_offer's list: alice, 单项冠军 (national), recognised 2025-06-01
SAME = {"id": "sc", "type": "honour", "codes": ["single_champion"], "level": "national", "date": "2025-06-01"}


def _listed(session) -> Matter:
    return session.scalars(select(Matter).where(Matter.source == "imported")).one()


def _said(listed: Matter, offer: str = "（措施3）待接受") -> str:
    return (f"制造业单项冠军企业（新认定，国家级，2025-06-01）已由认定名单（{DOCUMENT}，2025-06-01 公布）记录为本单位的"
            f"事项「{listed.key}」，不能重复登记；据此产生的政策直达{offer}，请到“本单位”页面的“政策直达”查看")


def _saves(session) -> int:
    return len(session.scalars(select(AuditEvent).where(AuditEvent.action == "matter.save")).all())


def test_declaring_a_recognition_a_list_recorded_is_refused_naming_the_list_and_nothing_is_written(session,
                                                                                                   people) -> None:
    an_offer(session, people, ON)
    listed, saves = _listed(session), _saves(session)
    for level in ("national", "provincial"):  # the same recognition, whatever level the enterprise gives it
        with clock.pinned(ON), pytest.raises(InputError) as caught:
            applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={**SAME, "level": level},
                                   new=True)
        assert caught.value.problems == [("matters[0].date", _said(listed))]
    assert session.scalars(select(Matter).where(Matter.key == "sc")).all() == [] and _saves(session) == saves


def test_the_refusal_says_what_became_of_the_list_s_offer(session, people) -> None:
    an_offer(session, people, ON)
    listed = _listed(session)
    offer = session.scalars(select(Offer).where(Offer.matter_id == listed.id)).one()
    offer.state = "declined"
    session.flush()
    with clock.pinned(ON), pytest.raises(InputError) as caught:
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter=SAME)
    assert caught.value.problems[0][1] == _said(listed, "（措施3）已放弃")


def test_a_list_with_no_offer_points_at_what_may_be_claimed(session, people) -> None:
    with clock.pinned(ON):  # no round open: the list makes no offer
        checked = lists.check(session, [["uscc", "name"], [ALICE_USCC, "示例科技有限公司"]], code="single_champion",
                              level="national", published_on=date(2025, 6, 1))
        lists.import_list(session, actor=people.miit, rows=checked, code="single_champion", level="national",
                          document=DOCUMENT, published_on=date(2025, 6, 1))
        with pytest.raises(InputError) as caught:
            applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter=SAME)
    assert caught.value.problems[0][1].endswith(
        "不能重复登记；该事项可申请的措施，请到“本单位”页面的“可以申请什么”查看")


def test_an_edit_into_the_listed_recognition_is_refused_and_other_recognitions_are_taken(session, people) -> None:
    an_offer(session, people, ON)
    listed = _listed(session)
    with clock.pinned(ON):
        other_day = applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC,
                                           matter={**SAME, "date": "2024-06-01"})  # an earlier recognition
        other_kind = applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC,
                                            matter={**SAME, "id": "lg", "codes": ["little_giant"]})
        project = applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
            "id": "kt", "type": "project", "codes": ["key_tech"], "listed": True, "date": "2025-06-01"})
        with pytest.raises(InputError) as caught:
            applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter=SAME,
                                   seen=applicants.stamp(other_day))
    assert caught.value.problems == [("matters[0].date", _said(listed))]
    assert (other_day.date, other_kind.codes, project.type) == (date(2024, 6, 1), ["little_giant"], "project")


def test_a_withdrawn_list_no_longer_records_the_recognition(session, people) -> None:
    an_offer(session, people, ON)
    lists.withdraw(session, actor=people.miit, list_id=_listed(session).list_id, reason="名单更正")
    with clock.pinned(ON):
        saved = applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter=SAME)
    assert saved.source == "declared"


@pytest.mark.anyio
async def test_the_matter_form_says_it_beside_the_date(browser, session, people) -> None:
    an_offer(session, people, ON)
    listed = _listed(session)
    with clock.pinned(ON):
        refused = await browser(people.alice).post("/me/matters", data={
            "key": "sc", "matters-0-codes": "single_champion", "matters-0-level": "national",
            "matters-0-date": "2025-06-01"})
    assert refused.status_code == 422
    assert f'<span class="field-error" id="e-matters-0-date">{_said(listed)}</span>' in refused.text
    assert '<a href="#f-matters-0-date">认定、备案、设立或批准日期：' in refused.text
    assert 'value="2025-06-01"' in refused.text and 'value="sc"' in refused.text, "what was typed is kept"
    session.expire_all()
    assert session.scalars(select(Matter).where(Matter.key == "sc")).all() == []


@pytest.mark.anyio
async def test_the_api_refuses_it_naming_the_field(client, session, people, set_today) -> None:
    an_offer(session, people, ON)
    listed = _listed(session)
    set_today(ON)
    session.commit()
    body = {key: value for key, value in SAME.items() if key != "id"}
    refused = await client.put(f"/api/v1/applicants/{ALICE_USCC}/matters/sc", headers=bearer(session, people.alice),
                               json=body)
    assert refused.status_code == 422
    assert refused.json()["problems"] == [{"field": "matters[0].date", "reason": _said(listed)}]
    session.expire_all()
    assert session.scalars(select(Matter).where(Matter.key == "sc")).all() == []


def _as(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _import(session) -> None:
    checked = lists.check(session, [["uscc", "name"], [ALICE_USCC, "示例科技有限公司"]], code="single_champion",
                          level="national", published_on=date(2025, 6, 1))
    lists.import_list(session, actor=_as(session, "miit"), rows=checked, code="single_champion", level="national",
                      document=DOCUMENT, published_on=date(2025, 6, 1))


def _declare(session) -> None:
    applicants.save_matter(session, actor=_as(session, "alice"), uscc=ALICE_USCC, matter=SAME, new=True)


def _world(engine) -> None:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        make_records(session, make_people(session))


def _champions(engine) -> list[tuple[str, str]]:
    with Session(engine) as session:
        found = session.scalars(select(Matter).where(Matter.type == "honour").order_by(Matter.id))
        return [(m.key, m.source) for m in found if "single_champion" in m.codes]


def test_a_declaration_waiting_for_an_import_of_the_same_recognition_is_refused(own_database) -> None:
    _world(own_database)
    said = while_held(own_database, ON, _import, _declare)
    assert isinstance(said, str) and f"已由认定名单（{DOCUMENT}，2025-06-01 公布）记录为本单位的事项「" in said, said
    assert [source for _, source in _champions(own_database)] == ["imported"]


def test_an_import_waiting_for_a_declaration_confirms_the_declared_matter(own_database) -> None:
    _world(own_database)
    assert while_held(own_database, ON, _declare, _import) == 201
    assert _champions(own_database) == [("sc", "imported")], "one matter: the declaration, confirmed by the list"
