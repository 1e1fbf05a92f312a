"""Concurrent approvals on PostgreSQL: a budget that fits only some of them is never overspent.

Twelve applications under measure 3, each proposing 70万, wait for approval against a budget of
300万, which fits four. Twelve threads, each with its own connection and transaction, approve one
each at the same moment. Exactly four succeed, the others are refused for the budget, and the
committed sum is 280万. Two more threads race to open applications for one matter under two measures:
one live application per matter, so the database keeps one.
"""

import threading
from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.errors import BudgetExceeded, Conflict
from huiqi.funding import service as budgets
from huiqi.models import Application, AuditEvent, Budget, Grant, User
from huiqi.workflow.runner import run
from tests.dbtest import a_round, little_giant_firm, make_people, to_announced

N, PROPOSED, BUDGET = 12, 700_000, 3_000_000
APPROVE_ON = date(2025, 10, 13)


def _race(engine: Engine, user_id: int, items: list, act) -> list[str]:
    """``act(session, user, item)`` for each item in its own thread, all released at once; the outcome of each."""
    barrier = threading.Barrier(len(items))
    outcomes: list[str] = [""] * len(items)

    def one(index: int, item) -> None:
        with Session(engine, expire_on_commit=False) as session:
            try:
                with session.begin(), clock.pinned(APPROVE_ON):
                    user = session.get(User, user_id)
                    barrier.wait()
                    act(session, user, item)
                outcomes[index] = "done"
            except BudgetExceeded:
                outcomes[index] = "budget"
            except Conflict:
                outcomes[index] = "conflict"

    threads = [threading.Thread(target=one, args=(i, a)) for i, a in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_concurrent_approvals_never_overspend(pg: Engine, tmp_path) -> None:
    with Session(pg, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                           amount=BUDGET)
        ids = [to_announced(session, little_giant_firm(session, i), [people.shenyang, people.miit], matter="h1",
                            measure=3, amount=1_000_000, proposed=PROPOSED, store=tmp_path).id for i in range(N)]
    outcomes = _race(pg, people.finance.id, ids,
                     lambda session, finance, app: run(session, "approve", actor=finance, application_id=app))
    fits = BUDGET // PROPOSED
    assert outcomes.count("done") == fits and outcomes.count("budget") == N - fits, outcomes
    with Session(pg) as session:
        budget = session.scalars(select(Budget)).one()
        assert budget.committed == fits * PROPOSED <= budget.amount
        assert session.scalar(select(func.sum(Grant.amount))) == fits * PROPOSED
        draws = session.scalars(select(AuditEvent).where(AuditEvent.action == "budget.draw")).all()
        # each draw says what was committed just before it and just after: the trail adds up, in some order
        assert sorted((e.before["committed"], e.after["committed"]) for e in draws) == [
            (i * PROPOSED, (i + 1) * PROPOSED) for i in range(fits)]
        checked = audit.verify(session)
        assert checked.intact, checked.problems


def test_one_matter_two_measures_one_application(pg: Engine, tmp_path) -> None:
    with Session(pg, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        from tests.dbtest import make_records

        make_records(session, people)
        round_id = a_round(session)

    def draft(session: Session, alice: User, measure: int) -> None:
        applications.create_draft(session, actor=alice, uscc=alice.uscc, matter_key="p1", round_id=round_id,
                                  measure=measure, amount_requested=1_000_000)

    outcomes = _race(pg, people.alice.id, [5, 11], draft)
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(pg) as session:
        assert session.scalar(select(func.count(Application.id))) == 1
