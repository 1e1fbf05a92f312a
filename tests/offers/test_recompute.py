"""An offer's ceiling follows its matter: a matter changed through its own form (the enterprise's 已获其他省级政策支持
typed there, say) has its open offers computed again as a statement on the offer computes them (audited), or
withdrawn when the rules no longer support them; the lead department is told when a 免申即享 offer's ceiling
changes; and it confirms only the ceiling its page showed: one changed meanwhile is refused (409)."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import service as applicants
from huiqi.errors import Conflict
from huiqi.models import Application, AuditEvent, Matter, Message, Offer, User
from huiqi.offers import replies
from huiqi.offers import service as offers
from tests.dbtest import ALICE_USCC, an_offer, at_once, direct_offer, make_people, make_records
from tests.webtest import bearer

ON = date(2025, 7, 1)
LAKH = 10_000  # one 万元
H1 = {"id": "h1", "type": "honour", "codes": ["little_giant"], "level": "national", "date": "2024-07-15"}


def _h1_offer(session, people) -> Offer:
    """Alice's offer for h1, the 小巨人 recognition she declared herself (its form is hers to change)."""
    return next(o for o in offers.mine(session, actor=people.alice) if session.get(Matter, o.matter_id).key == "h1")


def _told(session, user: User, kind: str) -> list[Message]:
    return list(session.scalars(select(Message).where(Message.user_id == user.id, Message.kind == kind)))


def test_support_typed_on_the_matter_s_form_lowers_the_open_offer_as_the_offer_s_form_would(session, people) -> None:
    an_offer(session, people, ON)
    offer = _h1_offer(session, people)
    assert offer.ceiling == 100 * LAKH
    told: list[str] = []
    with clock.pinned(ON):
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={**H1, "other_support": 30 * LAKH},
                               told=told)
    assert offer.ceiling == 70 * LAKH and told == ["政策直达（措施3）的可获支持上限已按规则重算为 70 万元"]
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.ceiling"))
    assert (event.actor, event.entity_id, event.before) == ("alice", str(offer.id), {"ceiling": 100 * LAKH})
    assert event.after == {"ceiling": 70 * LAKH, "ceiling_before_deduction": 100 * LAKH, "other_support": 30 * LAKH,
                           "granted_elsewhere": 0}
    assert replies.shown(session, [offer], applicants.answer_for(session, actor=people.alice, uscc=ALICE_USCC)) == {
        offer.id: "措施上限 100 万元，扣除已获其他省级政策支持 30 万元后为 70 万元"}
    with clock.pinned(ON):
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={**H1, "other_support": 0},
                               told=told)
        assert offer.ceiling == 100 * LAKH, "a correction raises it again"
        assert offers.accept(session, actor=people.alice, offer_id=offer.id).amount_requested == 100 * LAKH


def test_support_at_the_ceiling_leaves_nothing_and_the_offer_is_not_accepted(session, people) -> None:
    an_offer(session, people, ON)
    offer = _h1_offer(session, people)
    told: list[str] = []
    with clock.pinned(ON):
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC,
                               matter={**H1, "other_support": 100 * LAKH}, told=told)
        assert (offer.state, offer.ceiling) == ("open", 0)
        assert told == ["政策直达（措施3）的可获支持上限已按规则重算为 0 万元：按从高不重复原则本政策不再支持"]
        with pytest.raises(Conflict, match="不能接受"):
            offers.accept(session, actor=people.alice, offer_id=offer.id)


def test_a_matter_changed_so_the_rules_no_longer_support_its_offer_withdraws_it(session, people) -> None:
    an_offer(session, people, ON)
    offer = _h1_offer(session, people)
    told: list[str] = []
    with clock.pinned(ON):
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, told=told, matter={
            "id": "h1", "type": "project", "codes": ["key_tech"], "listed": True, "date": "2024-04-01"})
    assert (offer.state, offer.reason) == ("withdrawn", "事项「h1」已修改，按修改后的信息不再由措施3支持")
    assert told == ["政策直达（措施3）已撤回：按修改后的事项信息不再符合条件"]
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.withdraw"))
    assert (event.actor, event.entity_id) == ("alice", str(offer.id))


def test_an_unchanged_matter_leaves_its_offer_alone(session, people) -> None:
    an_offer(session, people, ON)
    offer = _h1_offer(session, people)
    told: list[str] = []
    with clock.pinned(ON):
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter=dict(H1), told=told)
    assert (offer.state, offer.ceiling, told) == ("open", 100 * LAKH, [])
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.ceiling")).all() == []


@pytest.mark.anyio
async def test_the_matter_form_says_what_became_of_the_offer(browser, session, people) -> None:
    an_offer(session, people, ON)
    offer = _h1_offer(session, people)
    stamp = applicants.stamp(session.get(Matter, offer.matter_id))
    alice = browser(people.alice)
    with clock.pinned(ON):
        saved = await alice.post("/me/matters", data={
            "key": "h1", "editing": "h1", "seen": stamp, "matters-0-codes": "little_giant",
            "matters-0-level": "national", "matters-0-date": "2024-07-15", "matters-0-other_support": "30"})
        assert saved.status_code == 303, saved.text
        after = (await alice.get("/me")).text
    assert "事项 h1 已保存；政策直达（措施3）的可获支持上限已按规则重算为 70 万元" in after
    row = next(r for r in after.split("<tr>") if f"/offers/{offer.id}/other-support" in r)
    assert f'id="deduction-{offer.id}">措施上限 100 万元，扣除已获其他省级政策支持 30 万元后为 70 万元' in row
    session.expire_all()
    assert session.get(Offer, offer.id).ceiling == 70 * LAKH


def test_the_lead_department_is_told_when_a_direct_offer_s_ceiling_changes(session, people) -> None:
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=30 * LAKH)
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=30 * LAKH)  # the same
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=100 * LAKH)
    lowered, none_left = _told(session, people.miit, "offer.ceiling")
    assert lowered.subject == "免申即享可获支持上限已变更：示例科技有限公司，措施3"
    assert f"示例科技有限公司（{ALICE_USCC}）登记了已获其他省级政策支持 30 万元：事项「" in lowered.body
    assert "可获支持上限由 100 万元改为 70 万元。确认时以新的上限为准。" in lowered.body
    assert lowered.link == "/offers/pending"
    assert "由 70 万元改为 0 万元。按从高不重复原则本政策不再支持，该事项不再等待本单位确认。" in none_left.body
    assert _told(session, people.most, "offer.ceiling") == [], "only the lead department"


def test_a_direct_offer_changed_through_the_matter_form_is_told_too(session, people) -> None:
    direct_offer(session, people, ON)
    offer = _h1_offer(session, people)
    with clock.pinned(ON):
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={**H1, "other_support": 40 * LAKH})
    [told] = _told(session, people.miit, "offer.ceiling")
    assert "修改了事项信息：" in told.body and "由 100 万元改为 60 万元" in told.body
    assert offer.ceiling == 60 * LAKH


def test_an_applied_for_offer_s_change_is_not_the_department_s_business(session, people) -> None:
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=30 * LAKH)
    assert offer.ceiling == 70 * LAKH and _told(session, people.miit, "offer.ceiling") == []


def test_the_department_confirms_only_the_ceiling_it_saw(session, people) -> None:
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=30 * LAKH)
        with pytest.raises(Conflict, match=r"可获支持上限刚刚已改为 70 万元（页面显示为 100 万元）：请刷新页面"):
            offers.confirm(session, actor=people.miit, offer_id=offer.id, seen_ceiling=100 * LAKH)
        assert offer.state == "open"
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id, seen_ceiling=70 * LAKH)
    assert (offer.state, app.amount_requested) == ("confirmed", 70 * LAKH)


@pytest.mark.anyio
async def test_the_pending_page_sends_the_ceiling_it_shows(browser, session, people) -> None:
    offer = direct_offer(session, people, ON)
    miit = browser(people.miit)
    with clock.pinned(ON):
        page = (await miit.get("/offers/pending")).text
        form = page[page.index(f'action="/offers/{offer.id}/confirm"'):]
        assert f'<input type="hidden" name="seen_ceiling" value="{100 * LAKH}">' in form[:form.index("</form>")]
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=30 * LAKH)
        session.commit()
        late = await miit.post(f"/offers/{offer.id}/confirm", data={"seen_ceiling": str(100 * LAKH)})
        assert late.status_code == 409 and "可获支持上限刚刚已改为 70 万元（页面显示为 100 万元）" in late.text
        done = await miit.post(f"/offers/{offer.id}/confirm", data={"seen_ceiling": str(70 * LAKH)})
    assert done.status_code == 303
    session.expire_all()
    assert session.get(Offer, offer.id).state == "confirmed"


@pytest.mark.anyio
@pytest.mark.parametrize("forged", ["很多", "1" * 16, "7\x000", str(10**30)])
async def test_a_forged_ceiling_shown_is_said_on_the_page_and_nothing_confirmed(browser, session, people,
                                                                               forged) -> None:
    """The hidden 页面显示的可获支持上限 that no page wrote: the pending list again saying it cannot be checked, the
    offer still open; it was the generic error page."""
    offer = direct_offer(session, people, ON)
    miit = browser(people.miit)
    with clock.pinned(ON):
        refused = await miit.post(f"/offers/{offer.id}/confirm", data={"seen_ceiling": forged})
    assert refused.status_code == 422 and "<h1>输入有误</h1>" not in refused.text, refused.text[:500]
    assert "页面显示的可获支持上限（请刷新页面后再试）：无法核对，未确认" in refused.text
    assert f'action="/offers/{offer.id}/confirm"' in refused.text, "the list, again"
    session.expire_all()
    assert session.get(Offer, offer.id).state == "open"


@pytest.mark.anyio
async def test_the_api_checks_the_ceiling_when_given(client, session, people, set_today) -> None:
    offer = direct_offer(session, people, ON)
    set_today(ON)
    with clock.pinned(ON):
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=30 * LAKH)
    session.commit()
    miit = bearer(session, people.miit)
    url = f"/api/v1/offers/{offer.id}/confirm"
    for wrong in (-1, replies.MOST + 1, "70"):
        assert (await client.post(url, headers=miit, json={"seen_ceiling": wrong})).status_code == 422, wrong
    stale = await client.post(url, headers=miit, json={"seen_ceiling": 100 * LAKH})
    assert stale.status_code == 409 and "页面显示为 100 万元" in stale.json()["detail"]
    done = await client.post(url, headers=miit, json={"seen_ceiling": 70 * LAKH})
    assert done.status_code == 201 and done.json()["amount_requested"] == 70 * LAKH


def _world(engine) -> int:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        return direct_offer(session, people, ON).id


def _as(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def test_support_stated_and_the_department_s_confirmation_at_once_end_in_one(own_database) -> None:
    """The enterprise states support received elsewhere while its department confirms the ceiling it saw: either
    the statement is taken and the confirmation refused (the ceiling it saw is gone), or the confirmation is taken
    at that ceiling and the statement refused (the offer no longer open)."""
    offer_id = _world(own_database)

    def state(session) -> None:
        with clock.pinned(ON):
            replies.record_other_support(session, actor=_as(session, "alice"), offer_id=offer_id, amount=30 * LAKH,
                                         seen="")

    def confirm(session) -> None:
        with clock.pinned(ON):
            offers.confirm(session, actor=_as(session, "miit"), offer_id=offer_id, seen_ceiling=100 * LAKH)

    outcomes = at_once(own_database, [state, confirm])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(own_database) as session:
        offer = session.get(Offer, offer_id)
        made = session.scalars(select(Application).where(Application.matter_id == offer.matter_id)).all()
        received = session.get(Matter, offer.matter_id).facts.get("other_support")
        if outcomes[0] == "done":
            assert (offer.state, offer.ceiling, received, made) == ("open", 70 * LAKH, 30 * LAKH, [])
        else:
            assert (offer.state, offer.ceiling, received) == ("confirmed", 100 * LAKH, None)
            assert [a.amount_requested for a in made] == [100 * LAKH]
