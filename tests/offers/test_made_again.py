"""An offer withdrawn because its enterprise changed its own record (its profile, or the offer's matter) comes back when
a later change makes the rules support it again: made again as a new offer (the withdrawn one stays withdrawn with
its reason; the trail records the new one, by the person whose change made it, following it), the enterprise and, for
a 免申即享 one, its lead department told. Not when the matter was rejected under the measure meanwhile, nor for an
offer withdrawn with its list. A correction and a list's offers at the same moment end in one open offer per matter."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import repository as records
from huiqi.applicants import service as applicants
from huiqi.audit import service as audit
from huiqi.models import Application, AuditEvent, Matter, Message, Offer, User
from huiqi.offers import service as offers
from huiqi.recognition import service as lists
from tests.dbtest import ALICE_USCC, an_offer, at_once, direct_offer, make_people, make_records

ON = date(2025, 7, 1)
LAKH = 10_000  # one 万元
# Alice's profile as make_records recorded it (version 1): each save states the whole profile.
ALICE = {"name": "示例科技有限公司", "kind": "enterprise", "region": "210102", "industry": "6513", "size": "medium",
         "established": date(2016, 5, 1), "independent_legal_entity": True, "sound_accounts": True,
         "bad_credit": False, "major_accident": False}
NOT_CORE = "1311"  # 稻谷加工: not in the NBS digital-economy core table, so measure 3 no longer holds
H1 = {"id": "h1", "type": "honour", "codes": ["little_giant"], "level": "national", "date": "2024-07-15"}


def _profile(session, who: User, told: list[str] | None = None, **changed) -> int:
    with clock.pinned(ON):
        return applicants.record_profile(session, actor=who, uscc=ALICE_USCC, told=told, **{**ALICE, **changed}).version


def _offers(session) -> list[tuple[str, str]]:
    """Alice's offers, oldest first: (matter key, state)."""
    found = session.scalars(select(Offer).where(Offer.uscc == ALICE_USCC).order_by(Offer.id))
    return [(session.get(Matter, o.matter_id).key, o.state) for o in found]


def _events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def test_a_corrected_profile_makes_the_withdrawn_offers_again(session, people) -> None:
    an_offer(session, people, ON)
    first = list(session.scalars(select(Offer).where(Offer.uscc == ALICE_USCC).order_by(Offer.id)))
    keys = [session.get(Matter, o.matter_id).key for o in first]
    _profile(session, people.alice, industry=NOT_CORE)
    assert [o.state for o in first] == ["withdrawn", "withdrawn"]
    told: list[str] = []
    assert _profile(session, people.alice, told) == 3, "the industry corrected"
    assert told == [f"事项「{k}」的政策直达（措施3）已按修改后的单位信息重新产生，可获支持最高 100 万元" for k in keys]
    assert _offers(session) == [(k, "withdrawn") for k in keys] + [(k, "open") for k in keys]
    assert [o.reason.startswith("单位信息已修改（第 2 版）") for o in first] == [True, True], "kept as withdrawn"
    assert [o.withdrawn_by for o in first] == ["profile", "profile"]
    made = _events(session, "offer.make")[-2:]
    assert [(e.actor, e.after["again"], e.after["ceiling"]) for e in made] == [("alice", o.id, 100 * LAKH)
                                                                              for o in first]
    assert _events(session, "applicant.profile")[-1].seq < made[0].seq, "the change first, then what it made"
    assert audit.verify(session).intact
    mail = list(session.scalars(select(Message).where(Message.user_id == people.alice.id,
                                                      Message.subject.like("政策直达已重新产生%"))))
    assert len(mail) == 2 and mail[0].subject == "政策直达已重新产生：措施3，最高 100 万元"
    with clock.pinned(ON):
        draft = offers.accept(session, actor=people.alice, offer_id=int(made[0].entity_id))
    assert draft.amount_requested == 100 * LAKH


def test_a_change_that_does_not_restore_eligibility_makes_nothing(session, people) -> None:
    an_offer(session, people, ON)
    _profile(session, people.alice, industry=NOT_CORE)
    told: list[str] = []
    _profile(session, people.alice, told, industry=NOT_CORE, size="large")
    assert told == [] and [state for _, state in _offers(session)] == ["withdrawn", "withdrawn"]


def test_a_direct_offer_made_again_waits_for_the_department_again(session, people) -> None:
    direct_offer(session, people, ON)
    _profile(session, people.alice, industry=NOT_CORE)
    with clock.pinned(ON):
        assert offers.pending(session, actor=people.miit) == []
    _profile(session, people.alice)
    with clock.pinned(ON):
        waiting = offers.pending(session, actor=people.miit)
    assert len(waiting) == 2 and all(o.state == "open" for o in waiting)
    told = list(session.scalars(select(Message).where(Message.user_id == people.miit.id,
                                                      Message.subject.like("免申即享重新等待确认%"))))
    assert len(told) == 2 and told[0].body.endswith("这项免申即享重新等待本单位确认。")
    assert told[0].body.startswith(f"示例科技有限公司（{ALICE_USCC}）修改了单位信息：")


def test_a_matter_rejected_under_the_measure_meanwhile_is_not_offered_again(session, people) -> None:
    an_offer(session, people, ON)
    _profile(session, people.alice, industry=NOT_CORE)
    h1 = records.matter(session, records.by_uscc(session, ALICE_USCC).id, "h1")
    # an earlier application of the matter under measure 3, rejected (不予支持: a final decision on it)
    session.add(Application(applicant_id=h1.applicant_id, uscc=ALICE_USCC, matter_id=h1.id, policy_id="ln-2022-35",
                            measure=3, amount_requested=LAKH, state="rejected", created_by="alice"))
    session.flush()
    told: list[str] = []
    _profile(session, people.alice, told)
    assert len(told) == 1 and not told[0].startswith("事项「h1」"), told
    remade = [k for k, state in _offers(session) if state == "open"]
    assert len(remade) == 1 and "h1" not in remade, "the list's matter only"


def test_an_offer_withdrawn_with_its_list_is_not_made_again_by_a_profile_change(session, people) -> None:
    an_offer(session, people, ON)
    [listed] = [o for o in session.scalars(select(Offer).where(Offer.uscc == ALICE_USCC))
                if session.get(Matter, o.matter_id).key != "h1"]
    with clock.pinned(ON):
        lists.withdraw(session, actor=people.miit, list_id=session.get(Matter, listed.matter_id).list_id,
                       reason="名单有误")
    assert listed.state == "withdrawn" and listed.reason.startswith("认定名单已撤回") and listed.withdrawn_by == "list"
    _profile(session, people.alice, industry=NOT_CORE)
    _profile(session, people.alice)
    assert listed.state == "withdrawn"
    assert [o.id for o in session.scalars(select(Offer).where(Offer.matter_id == listed.matter_id))] == [listed.id]


def test_a_matter_corrected_through_its_form_has_its_offer_made_again(session, people) -> None:
    an_offer(session, people, ON)
    told: list[str] = []
    with clock.pinned(ON):
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, told=told, matter={
            "id": "h1", "type": "project", "codes": ["key_tech"], "listed": True, "date": "2024-04-01"})
        assert told == ["政策直达（措施3）已撤回：按修改后的事项信息不再符合条件"]
        told.clear()
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, told=told, matter=H1)
    assert told == ["政策直达（措施3）已按修改后的事项信息重新产生，可获支持最高 100 万元"]
    assert [s for k, s in _offers(session) if k == "h1"] == ["withdrawn", "open"]
    first = session.scalars(select(Offer).where(Offer.uscc == ALICE_USCC, Offer.state == "withdrawn")).one()
    assert first.withdrawn_by == "matter"


def test_what_withdrew_an_offer_is_read_from_its_field_not_its_reason_s_words(session, people) -> None:
    """An offer is made again by what withdrew it, as recorded when it was withdrawn: a reason whose words were
    written otherwise (an earlier wording, a note added before it) does not decide it."""
    an_offer(session, people, ON)
    _profile(session, people.alice, industry=NOT_CORE)
    first = list(session.scalars(select(Offer).where(Offer.uscc == ALICE_USCC).order_by(Offer.id)))
    first[0].reason = "（补记）" + first[0].reason  # withdrawn by the change all the same
    first[1].withdrawn_by = "list"  # as a list's withdrawal records it: only a list brings it back
    session.flush()
    told: list[str] = []
    _profile(session, people.alice, told)
    key = session.get(Matter, first[0].matter_id).key
    assert told == [f"事项「{key}」的政策直达（措施3）已按修改后的单位信息重新产生，可获支持最高 100 万元"]
    assert [o.matter_id for o in session.scalars(select(Offer).where(Offer.uscc == ALICE_USCC, Offer.state == "open"))
            ] == [first[0].matter_id]


def _world(engine) -> None:
    """Alice's two offers withdrawn by a change of her industry (version 2)."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        an_offer(session, people, ON)
        _profile(session, people.alice, industry=NOT_CORE)


def _correct(session) -> None:
    alice = session.scalar(select(User).where(User.username == "alice"))
    with clock.pinned(ON):
        applicants.record_profile(session, actor=alice, uscc=ALICE_USCC, seen=2, **ALICE)


def _listed(session) -> None:
    with clock.pinned(ON):
        offers.make_for(session, [records.by_uscc(session, ALICE_USCC)], ON)


def test_a_correction_and_an_import_s_offers_at_once_end_in_one_open_offer_per_matter(own_database) -> None:
    _world(own_database)
    assert at_once(own_database, [_correct, _listed]) == ["done", "done"]
    with Session(own_database) as session:
        open_ = session.scalars(select(Offer.matter_id).where(Offer.uscc == ALICE_USCC, Offer.state == "open")).all()
        assert len(open_) == 2 and len(set(open_)) == 2, open_
        assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.make")).all()) == 4
        assert audit.verify(session).intact
