"""A decision taken from a page that was shown before someone else decided (a stale tab) is refused with 409: the
form says what the reviewer saw (the state and the amount proposed), and the runner compares it with the row it
locked. Said or not, a step the table does not allow is refused as before."""

from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from huiqi.errors import Conflict
from huiqi.models import Application
from huiqi.workflow import repository as steps
from huiqi.workflow.runner import Seen, run
from huiqi.workflow.states import Action, State
from tests.dbtest import apply, make_people, make_records, step, while_held

ON = date(2025, 9, 10)
REVIEWING = Seen(state=State.DEPARTMENT_REVIEW, amount=None, amount_said=True)


def _reviewing(session, people, store) -> Application:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=store)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    return app


@pytest.mark.parametrize("action", ["reject", "return"])
def test_a_tab_that_never_saw_the_proposal_cannot_reject_or_return(session, people, tmp_path, action) -> None:
    app = _reviewing(session, people, tmp_path)
    step(session, "propose", people.miit, app, on=ON, amount=500_000, seen=REVIEWING)
    with pytest.raises(Conflict) as refused:
        step(session, action, people.miit, app, on=ON, reasons="材料不全", seen=REVIEWING)
    assert refused.value.message == (f"申报 #{app.id} 已在其他页面或由他人办理（现为「已拟定金额」，"
                                     "拟定金额 50 万元），请刷新后查看")
    assert app.state == State.PROPOSED
    assert [t.action for t in steps.of_application(session, app.id)][-1] == "propose"


def test_a_tab_that_saw_the_old_amount_cannot_announce_the_corrected_one(session, people, tmp_path) -> None:
    app = _reviewing(session, people, tmp_path)
    step(session, "propose", people.miit, app, on=ON, amount=90_000)
    saw = Seen(state=State.PROPOSED, amount=90_000, amount_said=True)
    step(session, "amend", people.miit, app, on=ON, amount=900_000, seen=saw)
    with pytest.raises(Conflict, match="拟定金额 90 万元"):
        step(session, "announce", people.miit, app, on=ON, starts_on=date(2025, 9, 29), seen=saw)
    assert app.state == State.PROPOSED


def test_a_tab_that_saw_another_score_cannot_overwrite_it(session, people, tmp_path) -> None:
    """A score leaves the state and the amount as they were: only the score seen tells a stale tab."""
    app = _reviewing(session, people, tmp_path)
    saw = Seen(state=State.DEPARTMENT_REVIEW, amount=None, amount_said=True, score=None, score_said=True)
    step(session, "score", people.miit, app, on=ON, score=80, seen=saw)
    with pytest.raises(Conflict, match="评审得分 80"):
        step(session, "score", people.miit, app, on=ON, score=30, seen=saw)
    assert app.expert_score == 80
    step(session, "score", people.miit, app, on=ON, score=30, seen=Seen(state=State.DEPARTMENT_REVIEW))
    assert app.expert_score == 30, "a score not said is not checked"


def test_what_was_seen_is_optional_and_the_state_alone_is_checked_when_said_alone(session, people, tmp_path) -> None:
    app = _reviewing(session, people, tmp_path)
    step(session, "propose", people.miit, app, on=ON, amount=90_000)
    step(session, "amend", people.miit, app, on=ON, amount=900_000, seen=Seen(state=State.PROPOSED))
    step(session, "reject", people.miit, app, on=ON, reasons="经复核不符合条件")
    assert app.state == State.REJECTED


def test_a_decision_waiting_behind_another_is_refused_when_it_saw_the_state_before(own_database: Engine,
                                                                                    tmp_path) -> None:
    """Two tabs on 责任单位审核: one proposes, the other (holding the same page) rejects while the proposal's
    transaction holds the row. The rejection waits for the lock, then finds the proposal and is refused."""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        number = _reviewing(session, people, tmp_path).id
    said = while_held(own_database, ON,
                      lambda s: run(s, Action.PROPOSE, actor=people.miit, application_id=number, amount=500_000,
                                    seen=REVIEWING),
                      lambda s: run(s, Action.REJECT, actor=people.miit, application_id=number, reasons="不符合",
                                    seen=REVIEWING))
    assert said == f"申报 #{number} 已在其他页面或由他人办理（现为「已拟定金额」，拟定金额 50 万元），请刷新后查看"
    with Session(own_database) as session:
        found = session.scalars(select(Application).where(Application.id == number)).one()
        assert (found.state, found.amount_proposed) == (State.PROPOSED, 500_000)
        assert [t.action for t in steps.of_application(session, number)][-1] == "propose"


def test_a_tab_that_lost_to_an_approval_is_told_the_amount_approved(session, people, tmp_path) -> None:
    """Once approved, the amount stands as the amount approved: the loser of a race is told 批准金额, not 拟定金额."""
    from huiqi.funding import service as budgets
    from tests.dbtest import to_announced

    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=720_000, store=tmp_path)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=5_000_000)
    saw = Seen(state=State.ANNOUNCED, amount=720_000, amount_said=True)
    step(session, "approve", people.finance, app, on=date(2025, 10, 13), seen=saw)
    with pytest.raises(Conflict) as refused:
        step(session, "approve", people.finance, app, on=date(2025, 10, 13), seen=saw)
    assert refused.value.message == (f"申报 #{app.id} 已在其他页面或由他人办理（现为「已批准」，批准金额 72 万元），"
                                     "请刷新后查看")
