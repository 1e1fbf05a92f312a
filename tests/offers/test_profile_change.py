"""An offer's ceiling follows its applicant too: a change of the applicant's profile (its industry, its revenue…) has
every open offer of the applicant computed again by the rules on the new version, as a change of the offer's matter
does (tests/offers/test_recompute.py): the ceiling recomputed (audited), or the offer withdrawn with the reason, the
lead department told of a 免申即享 one, and the page says what became of them. A confirmation at the same moment ends
in one valid outcome: the profile's change waits for it, or it waits for the change and sees it."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import repository as records
from huiqi.applicants import service as applicants
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict
from huiqi.models import Application, AuditEvent, Matter, Message, Offer, User
from huiqi.offers import service as offers
from huiqi.rounds import opening
from huiqi.users.scope import SYSTEM
from tests.dbtest import ALICE_USCC, an_offer, direct_offer, make_people, make_records, while_held
from tests.webtest import bearer

ON = date(2025, 7, 1)
LAKH = 10_000  # one 万元
# Alice's profile as make_records recorded it (version 1): each save states the whole profile.
ALICE = {"name": "示例科技有限公司", "kind": "enterprise", "region": "210102", "industry": "6513", "size": "medium",
         "established": date(2016, 5, 1), "independent_legal_entity": True, "sound_accounts": True,
         "bad_credit": False, "major_accident": False}
NOT_CORE = "1311"  # 稻谷加工: not in the NBS digital-economy core table, so measure 3 no longer holds
REVENUE = Path(__file__).parents[1] / "fixtures" / "revenue-policy.yaml"


def _profile(session, who: User, told: list[str] | None = None, **changed) -> int:
    """Alice's profile saved with ``changed`` (as ``who``), on ON; the version it stands at."""
    with clock.pinned(ON):
        return applicants.record_profile(session, actor=who, uscc=ALICE_USCC, told=told, **{**ALICE, **changed}).version


def _open(session) -> list[Offer]:
    return list(session.scalars(select(Offer).where(Offer.uscc == ALICE_USCC, Offer.state == "open")
                                .order_by(Offer.id)))


def _key(session, offer: Offer) -> str:
    return session.get(Matter, offer.matter_id).key


def _events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_an_industry_no_longer_core_withdraws_every_open_offer_of_the_applicant(session, people) -> None:
    an_offer(session, people, ON)
    waiting = _open(session)
    keys = [_key(session, o) for o in waiting]
    assert len(waiting) == 2 and "h1" in keys, "her declared 小巨人 and the list's 单项冠军"
    told: list[str] = []
    assert _profile(session, people.alice, told, industry=NOT_CORE) == 2
    assert [o.state for o in waiting] == ["withdrawn", "withdrawn"] and _open(session) == []
    assert [o.reason for o in waiting] == [f"单位信息已修改（第 2 版），按修改后的信息，事项「{k}」不再由措施3支持"
                                           for k in keys]
    assert told == [f"事项「{k}」的政策直达（措施3）已撤回：按修改后的单位信息不再符合条件" for k in keys]
    withdrawn = _events(session, "offer.withdraw")
    assert [(e.actor, e.entity_id) for e in withdrawn] == [("alice", str(o.id)) for o in waiting]
    profile = _events(session, "applicant.profile")[-1]
    assert profile.seq < withdrawn[0].seq, "the profile's change first, then what it did to the offers"
    with clock.pinned(ON), pytest.raises(Conflict, match="已撤回：单位信息已修改（第 2 版）"):
        offers.accept(session, actor=people.alice, offer_id=waiting[0].id)


def test_a_change_the_rules_do_not_read_leaves_the_offers_alone(session, people) -> None:
    an_offer(session, people, ON)
    waiting = _open(session)
    told: list[str] = []
    assert _profile(session, people.alice, told) == 1, "unchanged: no new version"
    assert _profile(session, people.alice, told, name="示例科技股份有限公司", size="large") == 2
    assert told == [] and [(o.state, o.ceiling) for o in waiting] == [("open", 100 * LAKH)] * 2
    assert _events(session, "offer.ceiling") == [] and _events(session, "offer.withdraw") == []


def test_the_lead_department_is_told_of_a_direct_offer_withdrawn_by_a_profile_change(session, people) -> None:
    direct_offer(session, people, ON)
    waiting = _open(session)
    with clock.pinned(ON):
        assert {o.id for o in offers.pending(session, actor=people.miit)} == {o.id for o in waiting}
    _profile(session, people.alice, industry=NOT_CORE)
    told = list(session.scalars(select(Message).where(Message.user_id == people.miit.id,
                                                      Message.kind == "offer.withdraw").order_by(Message.id)))
    assert len(told) == 2 and told[0].subject == "免申即享已撤回：示例科技有限公司，措施3"
    assert told[0].body.startswith(f"示例科技有限公司（{ALICE_USCC}）修改了单位信息（第 2 版）：按修改后的信息，事项「")
    assert told[0].body.endswith("不再符合措施3的条件，这项免申即享已撤回，不再等待本单位确认。")
    assert told[0].link == "/offers/pending"
    with clock.pinned(ON):
        assert offers.pending(session, actor=people.miit) == []
        with pytest.raises(Conflict, match="这项政策直达已撤回：单位信息已修改（第 2 版）"):
            offers.confirm(session, actor=people.miit, offer_id=waiting[0].id, seen_ceiling=100 * LAKH)


def test_a_ceiling_that_reads_the_revenue_is_computed_again_and_withdrawn_once_the_revenue_is_unknown(
        session, people) -> None:
    """The fixture policy's measure 1: 10% of the revenue, at most 100 万元 (invented for the test)."""
    draft = catalogue.add(session, actor=people.admin, text=REVENUE.read_text("utf-8"), file_name="revenue-policy.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=draft.id)
    _profile(session, people.alice, revenue=500 * LAKH)
    with clock.pinned(ON):
        opening.open_round(session, actor=people.admin, policy_id="test-revenue", title="测试营收批次", opens_on=ON,
                           closes_on=date(2025, 12, 31), measures=[opening.MeasureIn(1)])
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
            "id": "r1", "type": "honour", "codes": ["test_revenue_award"], "date": "2025-03-01"})
        assert offers.make_for(session, [records.by_uscc(session, ALICE_USCC)], ON).made == 1
    [offer] = _open(session)
    assert offer.ceiling == 50 * LAKH
    told: list[str] = []
    assert _profile(session, people.alice, told, revenue=300 * LAKH) == 3
    assert (offer.state, offer.ceiling) == ("open", 30 * LAKH)
    assert told == ["事项「r1」的政策直达（测试〔2024〕2号措施1）的可获支持上限已按规则重算为 30 万元"]
    [event] = _events(session, "offer.ceiling")
    assert (event.actor, event.entity_id, event.before) == ("alice", str(offer.id), {"ceiling": 50 * LAKH})
    assert event.after["ceiling"] == 30 * LAKH and event.after["ceiling_before_deduction"] == 30 * LAKH
    told.clear()
    _profile(session, people.alice, told, revenue=None)  # the base of the formula missing: undetermined
    assert offer.state == "withdrawn" and told == [
        "事项「r1」的政策直达（测试〔2024〕2号措施1）已撤回：按修改后的单位信息不再符合条件"]


@pytest.mark.anyio
async def test_the_profile_form_says_what_became_of_the_offers(browser, session, people) -> None:
    an_offer(session, people, ON)
    keys = [_key(session, o) for o in _open(session)]
    alice = browser(people.alice)
    with clock.pinned(ON):
        typed = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in ALICE.items()}
        saved = await alice.post("/me/profile", data={**typed, "industry": NOT_CORE, "version": "1"})
        assert saved.status_code == 303, saved.text
        page = (await alice.get("/me")).text
    said = "；".join([f"事项「{k}」的政策直达（措施3）已撤回：按修改后的单位信息不再符合条件" for k in keys])
    assert f"单位信息已保存（第 2 版）；{said}" in page
    session.expire_all()
    assert _open(session) == []


@pytest.mark.anyio
async def test_a_profile_changed_over_the_api_withdraws_the_offers_too(client, session, people, set_today) -> None:
    an_offer(session, people, ON)
    set_today(ON)
    session.commit()
    body = {**ALICE, "established": "2016-05-01", "industry": NOT_CORE, "version": 1}
    saved = await client.put(f"/api/v1/applicants/{ALICE_USCC}", headers=bearer(session, people.alice), json=body)
    assert saved.status_code == 200 and saved.json()["profile"]["version"] == 2
    session.expire_all()
    assert _open(session) == [] and len(_events(session, "offer.withdraw")) == 2


def _world(engine) -> tuple[int, int]:
    """Alice with two 免申即享 offers; the one the department confirms, and the other."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        confirmed = direct_offer(session, people, ON).id
        other = next(o.id for o in _open(session) if o.id != confirmed)
        return confirmed, other


def _as(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _change(session) -> None:
    applicants.record_profile(session, actor=_as(session, "alice"), uscc=ALICE_USCC, seen=1,
                              **{**ALICE, "industry": NOT_CORE})


def _confirm(offer_id: int):
    def act(session) -> None:
        offers.confirm(session, actor=_as(session, "miit"), offer_id=offer_id, seen_ceiling=100 * LAKH)
    return act


def test_a_confirmation_waiting_for_a_profile_change_sees_its_offer_withdrawn(own_database) -> None:
    offer_id, other_id = _world(own_database)
    said = while_held(own_database, ON, _change, _confirm(offer_id))
    assert isinstance(said, str) and said.startswith("这项政策直达已撤回：单位信息已修改（第 2 版）"), said
    with Session(own_database) as session:
        assert [session.get(Offer, i).state for i in (offer_id, other_id)] == ["withdrawn", "withdrawn"]
        assert session.scalars(select(Application).where(Application.uscc == ALICE_USCC)).all() == []
        assert records.current_profile(session, records.by_uscc(session, ALICE_USCC).id).industry == NOT_CORE


def test_a_profile_change_waiting_for_a_confirmation_leaves_the_confirmed_offer_and_withdraws_the_other(
        own_database) -> None:
    offer_id, other_id = _world(own_database)
    assert while_held(own_database, ON, _confirm(offer_id), _change) == 201
    with Session(own_database) as session:
        offer = session.get(Offer, offer_id)
        assert (offer.state, session.get(Offer, other_id).state) == ("confirmed", "withdrawn")
        made = session.get(Application, offer.application_id)
        assert made.amount_requested == 100 * LAKH, "confirmed at the ceiling the department saw"
        withdrawn = session.scalars(select(AuditEvent.entity_id).where(AuditEvent.action == "offer.withdraw")).all()
        assert withdrawn == [str(other_id)]
