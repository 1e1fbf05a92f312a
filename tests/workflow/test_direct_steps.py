"""免申即享 in the workflow table: the lead department confirms an offer from a published list and the enterprise files
nothing, so nothing is returned to it for correction (退回补正) nor submitted by it. The department that finds such an
application should not be supported rejects it with reasons; the table, the runner, the desk, the API and the
enterprise's page say the same. An application its enterprise applied for is returned as before."""

from datetime import date

import pytest

from huiqi import clock
from huiqi.errors import Conflict
from huiqi.offers import service as offers
from huiqi.workflow.states import State, allowed
from tests.dbtest import direct_offer, step
from tests.webtest import bearer

ON = date(2025, 7, 1)
NEVER = "为免申即享（由责任单位依据公布的认定名单确认，企业无需填报、上传材料或作出承诺），不能退回补正"


@pytest.fixture
def confirmed(session, people):
    """Alice's 单项冠军 under measure 3, confirmed by 工信厅 from the list: in its review (no city review)."""
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        return offers.confirm(session, actor=people.miit, offer_id=offer.id)


def test_the_table_never_returns_a_direct_application() -> None:
    for state in (State.DEPARTMENT_REVIEW, State.PROPOSED):
        assert "return" in [s.action for s in allowed(state, "department")]
        assert "return" not in [s.action for s in allowed(state, "department", direct=True)]
        assert "reject" in [s.action for s in allowed(state, "department", direct=True)]
    assert "submit" not in [s.action for s in allowed(State.RETURNED, "enterprise", direct=True)]


@pytest.mark.parametrize("proposed", [False, True], ids=["in review", "amount proposed"])
def test_the_department_rejects_it_with_reasons_rather_than_return_it(session, people, confirmed, proposed) -> None:
    """The walk-through's 退回补正 sent it to the enterprise, whose page then asked for a 申报书 and whose upload routed
    it to the city, although the confirmation had skipped the city's review."""
    assert (confirmed.state, confirmed.city_review) == (State.DEPARTMENT_REVIEW, False)
    if proposed:
        step(session, "propose", people.miit, confirmed, on=date(2025, 7, 2), amount=800_000)
    with pytest.raises(Conflict, match=f"申报 #{confirmed.id} {NEVER}；经核查不予支持的，请写明理由作出「不予支持」"):
        step(session, "return", people.miit, confirmed, on=date(2025, 7, 2), reasons="请补充申报书")
    assert confirmed.state == (State.PROPOSED if proposed else State.DEPARTMENT_REVIEW)
    step(session, "reject", people.miit, confirmed, on=date(2025, 7, 2), reasons="名单核查：该企业已迁出辽宁")
    assert confirmed.state == State.REJECTED


@pytest.mark.anyio
async def test_the_desk_and_the_api_offer_no_return_for_it(browser, client, session, people, confirmed) -> None:
    miit = browser(people.miit)
    desk = (await miit.get(f"/review/{confirmed.id}")).text
    assert 'id="form-reject"' in desk and 'id="form-propose"' in desk and 'id="form-return"' not in desk
    posted = await miit.post(f"/review/{confirmed.id}/return",
                             data={"reasons": "请补充申报书", "seen_state": "department_review", "seen_amount": ""})
    assert posted.status_code == 409 and NEVER in posted.text and confirmed.state == State.DEPARTMENT_REVIEW
    headers = bearer(session, people.miit)
    read = (await client.get(f"/api/v1/reviews/{confirmed.id}", headers=headers)).json()
    assert "reject" in read["actions"] and "return" not in read["actions"]
    answered = await client.post(f"/api/v1/reviews/{confirmed.id}/return", headers=headers,
                                 json={"reasons": "请补充申报书"})
    assert answered.status_code == 409 and NEVER in answered.json()["detail"]
    rejected = await client.post(f"/api/v1/reviews/{confirmed.id}/reject", headers=headers,
                                 json={"reasons": "名单核查：该企业已注销"})
    assert rejected.status_code == 200 and confirmed.state == State.REJECTED


@pytest.mark.anyio
async def test_one_returned_before_asks_the_enterprise_for_nothing(browser, client, session, people,
                                                                  confirmed) -> None:
    """One returned before the table said so (the walk-through's): its page no longer asks for materials or a
    submission, nor says both that nothing is to be filed and what must be uploaded; a submission is refused, page
    and API alike, rather than routed to the city."""
    from huiqi.workflow import runner

    with clock.pinned(date(2025, 7, 2)):
        runner.move(session, confirmed, runner.Step("return", "退回补正", (State.DEPARTMENT_REVIEW,), State.RETURNED,
                                                    ("department",), True), actor=people.miit, on=date(2025, 7, 2),
                    reasons="请补充申报书")
    session.flush()
    alice = browser(people.alice)
    with clock.pinned(date(2025, 7, 3)):
        page = (await alice.get(f"/applications/{confirmed.id}")).text
        submitted = await alice.post(f"/applications/{confirmed.id}/submit")
        answered = await client.post(f"/api/v1/applications/{confirmed.id}/submit",
                                     headers=bearer(session, people.alice))
    assert "企业无需补正、上传材料或重新提交" in page and "请补充申报书" in page
    assert "提交前须上传" not in page and "/submit" not in page and "/materials\"" not in page
    assert "只需在下方确认收款账户" not in page, "one message, not two that disagree"
    assert submitted.status_code == 409 and "为免申即享" in submitted.text and "不能提交申报" in submitted.text
    assert answered.status_code == 409 and "不能提交申报" in answered.json()["detail"]
    assert confirmed.state == State.RETURNED and confirmed.city_review is False
