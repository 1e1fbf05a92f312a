"""One step on many applications (finance's batch approval): each application approved or refused on its own."""

from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.audit import service as audit
from huiqi.errors import Forbidden, InputError
from huiqi.funding import service as budgets
from huiqi.models import Budget, Grant
from huiqi.workflow.batch import MAX_BATCH, each
from huiqi.workflow.runner import run
from huiqi.workflow.states import Action
from tests.dbtest import batch_beside_one, little_giant_firm, make_people, to_announced

APPROVE_ON = date(2025, 10, 13)  # the 公示 from 2025-09-29 ended on 2025-10-11 (a make-up working day)


def announced(session: Session, people, store, n: int, *, starts_on: date = date(2025, 9, 29)) -> list[int]:
    """``n`` applications under measure 3 in a 公示 from ``starts_on``, each proposing 70万."""
    return [to_announced(session, little_giant_firm(session, i), [people.shenyang, people.miit], matter="h1",
                         measure=3, amount=1_000_000, proposed=700_000, store=store, starts_on=starts_on).id
            for i in range(n)]


def test_each_application_is_approved_or_refused_on_its_own(session, people, tmp_path) -> None:
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                       amount=1_500_000)
    first, second, short = announced(session, people, tmp_path, 3)
    with clock.pinned(date(2025, 9, 10)):
        running = to_announced(session, little_giant_firm(session, 9), [people.shenyang, people.miit], matter="h1",
                               measure=3, amount=1_000_000, proposed=700_000, store=tmp_path,
                               starts_on=date(2025, 10, 10)).id
    with clock.pinned(APPROVE_ON):
        outcomes = each(session, Action.APPROVE, actor=people.finance,
                        items={i: {} for i in (running, short, 99_999, second, first)})
    said = {o.application_id: (o.status, o.detail) for o in outcomes}
    assert [o.application_id for o in outcomes] == sorted([first, second, short, running, 99_999]), "in id order"
    assert said[first] == (201, "已批准") and said[second] == (201, "已批准")
    assert said[short][0] == 409 and "预算" in said[short][1], "the budget fits two: the third is refused alone"
    assert said[running][0] == 409 and "公示期至 2025-10-15" in said[running][1]
    assert said[99_999][0] == 404
    assert [o.written.amount for o in outcomes if o.done] == [700_000, 700_000]
    granted = session.scalars(select(Grant.application_id).order_by(Grant.application_id)).all()
    assert granted == [first, second]
    assert session.scalars(select(Budget.committed)).one() == 1_400_000
    checked = audit.verify(session)
    assert checked.intact and not checked.differences, (checked.problems, checked.differences)


def test_a_batch_is_refused_whole_only_for_the_role_or_its_size(session, people, tmp_path) -> None:
    ids = announced(session, people, tmp_path, 1)
    with clock.pinned(APPROVE_ON), pytest.raises(Forbidden, match="财政"):
        each(session, Action.APPROVE, actor=people.miit, items={ids[0]: {}})
    for items in ({}, {i: {} for i in range(1, MAX_BATCH + 2)}):
        with clock.pinned(APPROVE_ON), pytest.raises(InputError) as refused:
            each(session, Action.APPROVE, actor=people.finance, items=items)
        assert refused.value.problems[0][0] == "application_ids"
    assert session.scalar(select(func.count(Grant.id))) == 0


def test_a_batch_and_a_single_approval_at_once_end_in_one_grant(own_database: Engine, tmp_path) -> None:
    """Finance approves two applications in a batch while a colleague approves the second alone: the second ends
    with one grant, and whoever came later is told 409; the first is approved by the batch either way."""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                           amount=5_000_000)
        first, second = announced(session, people, tmp_path, 2)
    outcomes, single = batch_beside_one(
        own_database, APPROVE_ON,
        lambda session: {o.application_id: o.status for o in each(session, Action.APPROVE, actor=people.finance,
                                                                   items={first: {}, second: {}})},
        lambda session: run(session, Action.APPROVE, actor=people.finance, application_id=second))
    assert outcomes[first] == 201
    assert sorted([outcomes[second], single]) == [201, 409], (outcomes, single)
    with Session(own_database) as session:
        assert session.scalars(select(Grant.application_id).order_by(Grant.application_id)).all() == [first, second]
        assert session.scalars(select(Budget.committed)).one() == 1_400_000
        assert audit.verify(session).intact
