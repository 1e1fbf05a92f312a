"""A small record for the statistics doors: Alice (沈阳) approved and paid under measure 3, Bob (大连)
waiting under measure 13."""

from datetime import date

from huiqi.funding import service as budgets
from tests.dbtest import apply, step, to_announced


def make_figures(session, people, store) -> None:
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=5_000_000)
    alice = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                         amount=1_000_000, proposed=800_000, store=store)
    step(session, "approve", people.finance, alice.id, on=date(2025, 10, 13))
    step(session, "disburse", people.finance, alice.id, on=date(2025, 10, 20), paid_on=date(2025, 10, 20),
                           reference="PAY-001")
    apply(session, people.bob, matter="p1", measure=13, amount=6_000_000, on=date(2025, 9, 1), store=store)
