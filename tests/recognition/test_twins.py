"""One recognition, one matter, one grant (DOMAIN.md: per matter, support is given once). A second list naming a
recognition the applicant already has (the same code and date, under another document number) confirms that matter
instead of making a twin, so no second offer or application arises; the importing officer is told how many rows it
matched. Twins made before that (existing data) are weighed as one matter: approval of the second is refused, naming
the first. A step on an application whose list was withdrawn says so, not that its codes reach no measure."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import service as applicants
from huiqi.audit import service as audit
from huiqi.errors import Conflict
from huiqi.funding import service as budgets
from huiqi.models import Application, Grant, Matter, MatterListing, Offer, RecognitionList
from huiqi.offers import service as offers
from huiqi.recognition import service as lists
from huiqi.review import reading
from tests.dbtest import ALICE_USCC, a_round, apply, direct_offer, make_people, make_records, step

ON = date(2025, 7, 1)
FIRST = "工信部企业函〔2025〕测试号"  # the document of direct_offer's list
SECOND = "工信部企业函〔2025〕补充号"
CITED = "辽政办〔2022〕35号 措施3"


def _import(session, people, document: str, day: str = "2025-06-01", level: str = "national") -> lists.Imported:
    """A single-champion list naming alice, recognised on ``day``, imported under ``document``."""
    with clock.pinned(ON):
        checked = lists.check(session, [["uscc", "name", "date"], [ALICE_USCC, "示例科技有限公司", day]],
                              code="single_champion", level=level, published_on=date(2025, 6, 1))
        return lists.import_list(session, actor=people.miit, rows=checked, code="single_champion", level=level,
                                 document=document, published_on=date(2025, 6, 1))


def _champions(session, applicant_id: int) -> list[Matter]:
    return [m for m in session.scalars(select(Matter).where(Matter.applicant_id == applicant_id).order_by(Matter.id))
            if "single_champion" in m.codes]


def test_a_second_list_naming_the_same_recognition_confirms_the_matter_and_offers_nothing_more(session,
                                                                                                people) -> None:
    offer = direct_offer(session, people, ON)
    first = session.get(Matter, offer.matter_id)
    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    made = session.query(Offer).count()
    again = _import(session, people, SECOND)
    assert (again.matters, again.existing, again.offers) == (1, 1, 0)
    assert again.said == ("1 行，新建申报单位 0 家；其中 1 行与申报单位已有的事项为同一认定（类别和认定日期相同），"
                          "已并入原事项，不另建事项，也不重复产生政策直达；名单各行产生政策直达 0 项；"
                          "1 行未产生政策直达（已有政策直达或申报 1 行），逐行原因见认定名单页")
    assert _champions(session, first.applicant_id) == [first]  # no gazelle-L2 beside gazelle-L1
    assert session.query(Offer).count() == made and session.query(Offer).filter_by(matter_id=first.id).count() == 1
    assert session.query(Application).filter_by(uscc=ALICE_USCC, measure=3).all() == [app]
    listings = session.scalars(select(MatterListing).where(MatterListing.matter_id == first.id)
                               .order_by(MatterListing.id)).all()
    assert [(x.list_id, x.was) for x in listings] == [(first.list_id, "created"), (again.list.id, "imported")]
    assert (listings[1].offers, listings[1].outcome) == (0, "offered")  # the row says why it made none
    assert f"该事项已有在办申报 #{app.id}" in listings[1].why, listings[1].why
    assert lists.existing(session) == {again.list.id: 1}
    event = audit.history(session, entity="recognition_list", entity_id=again.list.id)[-1]
    assert (event.action, event.after["existing"]) == ("list.import", 1)

    # Withdrawn one after the other: the matter counts while either list is in force.
    lists.withdraw(session, actor=people.miit, list_id=first.list_id, reason="文号有误")
    assert (first.source, first.list_id) == ("imported", again.list.id)
    lists.withdraw(session, actor=people.miit, list_id=again.list.id, reason="名单更正")
    assert (first.source, first.list_id) == ("withdrawn", again.list.id)


def test_a_declared_recognition_a_list_names_becomes_published_and_comes_back_when_the_list_goes(session,
                                                                                                 people) -> None:
    a_round(session)
    with clock.pinned(ON):
        declared = applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
            "id": "sc", "type": "honour", "codes": ["single_champion"], "level": "provincial", "date": "2025-06-01"})
    done = _import(session, people, FIRST)
    assert (done.existing, _champions(session, declared.applicant_id)) == (1, [declared])
    assert (declared.source, declared.list_id, declared.facts) == ("imported", done.list.id, {"level": "national"})
    listed = audit.history(session, entity="matter", entity_id=declared.id)[-1]
    assert (listed.action, listed.before["source"], listed.after["level"]) == ("matter.listed", "declared", "national")
    made = session.query(Offer).filter_by(matter_id=declared.id).all()
    assert [(o.measure, o.state) for o in made] == [(3, "open")]

    lists.withdraw(session, actor=people.miit, list_id=done.list.id, reason="名单更正")
    assert (declared.source, declared.list_id, declared.facts) == ("declared", None, {"level": "provincial"})
    assert [o.state for o in made] == ["withdrawn"]
    assert audit.history(session, entity="matter", entity_id=declared.id)[-1].action == "matter.unlisted"


def test_a_recognition_of_another_date_is_another_matter(session, people) -> None:
    offer = direct_offer(session, people, ON)
    other = _import(session, people, SECOND, day="2024-06-01")
    assert other.existing == 0
    assert len(_champions(session, session.get(Matter, offer.matter_id).applicant_id)) == 2


def _twins(session, people) -> tuple[Application, Application, Matter]:
    """Alice's single-champion recognition recorded twice, as two lists under different document numbers recorded it
    before imports learned to confirm the matter already there, each confirmed into an application (免申即享): the
    first application and matter, and the twin's application."""
    offer = direct_offer(session, people, ON)
    first = session.get(Matter, offer.matter_id)
    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    legacy = RecognitionList(code="single_champion", level="national", document=SECOND, published_on=date(2025, 6, 1),
                             rows=1, state="active", imported_by="miit", matching="done", matched=1, offers=1)
    session.add(legacy)
    session.flush()
    twin = Matter(applicant_id=first.applicant_id, key=f"single_champion-L{legacy.id}", type="honour",
                  codes=["single_champion"], date=date(2025, 5, 31), facts={"level": "national"}, source="imported",
                  list_id=legacy.id)
    session.add(twin)
    session.flush()
    made = Offer(applicant_id=first.applicant_id, uscc=ALICE_USCC, matter_id=twin.id, round_id=offer.round_id,
                 policy_id=offer.policy_id, measure=3, ceiling=1_000_000, state="open")
    session.add(made)
    session.flush()
    with clock.pinned(ON):
        other = offers.confirm(session, actor=people.miit, offer_id=made.id)
    twin.date = first.date  # the twin as the old import left it: the same recognition day (confirmed before)
    session.flush()
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id=offer.policy_id, measure=3,
                       amount=5_000_000)
    return app, other, first


def test_the_twin_of_an_approved_recognition_is_not_approved(session, people) -> None:
    app, other, first = _twins(session, people)
    for each in (app, other):
        step(session, "propose", people.miit, each, on=date(2025, 7, 2), amount=1_000_000)
        step(session, "announce", people.miit, each, on=date(2025, 7, 2), starts_on=date(2025, 7, 3))
    assert step(session, "approve", people.finance, app, on=date(2025, 7, 15)).application.state == "approved"
    said = f"申报 #{app.id} 已就同一认定获批（事项「{first.key}」，{CITED} 100 万元），按从高不重复原则不再支持"
    with pytest.raises(Conflict) as caught:
        step(session, "approve", people.finance, other, on=date(2025, 7, 15))
    assert caught.value.message == f"{said}，不能批准"
    assert other.state == "announced" and session.query(Grant).filter_by(application_id=other.id).count() == 0
    with clock.pinned(date(2025, 7, 15)):
        shown = reading.dossier(session, actor=people.finance, application_id=other.id)
    assert shown.blocked == said
    assert any(w.startswith(f"同一认定的另一事项「{first.key}」有申报 #{app.id}：") for w in shown.warnings)


def test_no_amount_is_proposed_for_the_twin_of_an_approved_recognition(session, people) -> None:
    app, other, first = _twins(session, people)
    step(session, "propose", people.miit, app, on=date(2025, 7, 2), amount=1_000_000)
    step(session, "announce", people.miit, app, on=date(2025, 7, 2), starts_on=date(2025, 7, 3))
    step(session, "approve", people.finance, app, on=date(2025, 7, 15))
    with pytest.raises(Conflict) as caught:
        step(session, "propose", people.miit, other, on=date(2025, 7, 16), amount=1_000_000)
    assert caught.value.message == (f"申报 #{app.id} 已就同一认定获批（事项「{first.key}」，{CITED} 100 万元），"
                                    "按从高不重复原则不再支持，不能拟定金额")
    assert (other.state, other.amount_proposed) == ("department_review", None)


STEPS = [("propose", date(2025, 7, 2), {"amount": 1_000_000}), ("announce", date(2025, 7, 2),
                                                                 {"starts_on": date(2025, 7, 3)}),
         ("approve", date(2025, 7, 15), {})]


@pytest.mark.parametrize("refused", ["propose", "announce", "approve"])
def test_a_step_on_an_application_whose_list_was_withdrawn_says_so(session, people, refused) -> None:
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id=offer.policy_id, measure=3,
                       amount=5_000_000)
    listed = session.get(Matter, offer.matter_id).list_id
    for action, on, params in STEPS:
        who = people.finance if action == "approve" else people.miit
        if action != refused:
            step(session, action, who, app, on=on, **params)
            continue
        before = app.state
        lists.withdraw(session, actor=people.miit, list_id=listed, reason="名单更正")
        with pytest.raises(Conflict) as caught:
            step(session, action, who, app, on=on, **params)
        said = f"该事项所依据的认定名单（{FIRST}，认定名单 {listed}）已撤回（理由：名单更正），不再作为认定的依据"
        doing = {"propose": "拟定金额", "announce": "列入公示", "approve": "批准"}[action]
        assert caught.value.message == f"{said}，不能{doing}"
        assert app.state == before
        with clock.pinned(on):
            shown = reading.dossier(session, actor=who, application_id=app.id)
        assert shown.blocked == said and shown.today is not None and shown.today.withdrawn == said
        break


def test_a_declared_recognition_whose_list_was_withdrawn_goes_on_with_a_warning(session, people, tmp_path) -> None:
    """The enterprise had declared the recognition before the list confirmed it: withdrawn, the list leaves the
    declaration, and review goes on, the reviewer told that the list is gone."""
    a_round(session)
    with clock.pinned(ON):
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
            "id": "sc", "type": "honour", "codes": ["single_champion"], "level": "national", "date": "2025-06-01"})
    done = _import(session, people, FIRST)
    app = apply(session, people.alice, matter="sc", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    if app.state == "city_review":
        step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 2))
    lists.withdraw(session, actor=people.miit, list_id=done.list.id, reason="名单更正")
    with clock.pinned(date(2025, 9, 3)):
        shown = reading.dossier(session, actor=people.miit, application_id=app.id)
    assert shown.blocked is None
    assert f"曾确认该事项的认定名单（{FIRST}）已撤回：该事项现为企业填报，请核对证明材料" in shown.warnings
    assert step(session, "propose", people.miit, app, on=date(2025, 9, 3), amount=900_000).application.state == \
        "proposed"


def test_twin_approvals_at_once_grant_once(own_database) -> None:
    """Two finance officers approve the twins at the same moment: one grant, the other refused (409)."""
    from huiqi.workflow.runner import run
    from tests.dbtest import at_once

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        app, other, _ = _twins(session, people)
        for each in (app, other):
            step(session, "propose", people.miit, each, on=date(2025, 7, 2), amount=1_000_000)
            step(session, "announce", people.miit, each, on=date(2025, 7, 2), starts_on=date(2025, 7, 3))

    def approving(application_id: int):
        def act(session) -> None:
            with clock.pinned(date(2025, 7, 15)):
                run(session, "approve", actor=people.finance, application_id=application_id)
        return act

    assert sorted(at_once(own_database, [approving(app.id), approving(other.id)])) == ["conflict", "done"]
    with Session(own_database) as session:
        assert len(session.scalars(select(Grant).where(Grant.application_id.in_([app.id, other.id]))).all()) == 1


def test_two_lists_naming_one_recognition_at_once_make_one_matter(own_database) -> None:
    """The second import waits for the first, then sees its matter and confirms it."""
    from tests.dbtest import while_held

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
    said = while_held(own_database, ON, lambda session: _import(session, people, FIRST),
                      lambda session: _import(session, people, SECOND))
    assert said == 201, said
    with Session(own_database) as session:
        alice = session.scalar(select(Matter.applicant_id).where(Matter.key == "h1"))
        champions = _champions(session, alice)
        assert len(champions) == 1
        assert session.query(MatterListing).filter_by(matter_id=champions[0].id).count() == 2


def test_an_application_whose_list_was_withdrawn_goes_on_where_a_twin_still_records_the_recognition(session,
                                                                                                    people) -> None:
    """Existing twins: the list behind the application withdrawn, the same recognition still recorded by another list
    in force. The rules judge it there; the reviewer is told; approval goes through once."""
    offer = direct_offer(session, people, ON)
    first = session.get(Matter, offer.matter_id)
    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    legacy = RecognitionList(code="single_champion", level="national", document=SECOND, published_on=date(2025, 6, 1),
                             rows=1, state="active", imported_by="miit", matching="done", matched=1, offers=0)
    session.add(legacy)
    session.flush()
    twin = Matter(applicant_id=first.applicant_id, key=f"single_champion-L{legacy.id}", type="honour",
                  codes=["single_champion"], date=first.date, facts={"level": "national"}, source="imported",
                  list_id=legacy.id)
    session.add(twin)
    session.flush()
    lists.withdraw(session, actor=people.miit, list_id=first.list_id, reason="重复导入")
    assert first.source == "withdrawn"
    with clock.pinned(date(2025, 7, 2)):
        shown = reading.dossier(session, actor=people.miit, application_id=app.id)
    assert shown.blocked is None and shown.today is not None and shown.today.instead == twin.key
    assert shown.warnings == [f"该事项所依据的认定名单（{FIRST}，认定名单 {first.list_id}）已撤回（理由：重复导入），"
                              f"不再作为认定的依据；同一认定仍记录在事项「{twin.key}」（公布名单：{SECOND}（2025-06-01，"
                              "省工信厅审核员（省工业和信息化厅） 导入）），按该事项复核"]
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id=offer.policy_id, measure=3,
                       amount=5_000_000)
    step(session, "propose", people.miit, app, on=date(2025, 7, 2), amount=1_000_000)
    step(session, "announce", people.miit, app, on=date(2025, 7, 2), starts_on=date(2025, 7, 3))
    assert step(session, "approve", people.finance, app, on=date(2025, 7, 15)).application.state == "approved"


@pytest.mark.anyio
async def test_the_review_page_says_the_list_was_withdrawn_beside_the_steps(browser, session, people,
                                                                             set_today) -> None:
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    listed = session.get(Matter, offer.matter_id).list_id
    lists.withdraw(session, actor=people.miit, list_id=listed, reason="名单更正")
    set_today(date(2025, 7, 2))
    page = (await browser(people.miit).get(f"/review/{app.id}")).text
    said = f"该事项所依据的认定名单（{FIRST}，认定名单 {listed}）已撤回（理由：名单更正），不再作为认定的依据"
    assert f'<p class="notice" id="blocked-propose">{said}</p>' in page
    assert f'<span class="mark-false">{said}</span>' in page and "不属于本措施的支持范围" not in page
    refused = await browser(people.miit).post(f"/review/{app.id}/propose", data={"amount": "100"})
    assert refused.status_code == 409 and f"{said}，不能拟定金额" in refused.text
