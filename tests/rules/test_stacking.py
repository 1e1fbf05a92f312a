"""从高不重复 and its exception (另有规定的除外): a measure naming a policy in ``stacks_with`` is granted beside it."""

from datetime import date
from pathlib import Path

from huiqi.rules.batch import evaluate_case
from huiqi.rules.case import read_case
from huiqi.rules.loader import load_many
from huiqi.rules.match import match

FIXTURES = Path(__file__).parents[1] / "fixtures"
AS_OF = date(2025, 6, 30)


def _case(other_support: int | None = None):
    matter = {"id": "p1", "type": "project", "codes": ["smart_manufacturing"], "build": "expansion",
              "investment": 80_000_000, "date": "2025-03-01", "other_support": other_support}
    return read_case({"applicant": {"region": "210102", "industry": "6513", "kind": "enterprise"},
                      "matters": [matter]})


def _both(case, policies):
    """The grants as the scalar matcher and as the columns give them: {(policy, measure): ceiling}."""
    answer = match(case, policies, AS_OF)
    frame = evaluate_case(case, policies, AS_OF).filter("granted")
    vector = {(r["policy"], r["measure"]): r["ceiling"] for r in frame.iter_rows(named=True)}
    return {(g.policy, g.measure): g.ceiling for g in answer.grants}, vector, answer


def test_without_stacks_with_one_grant_the_highest() -> None:
    policies = load_many(["ln-2022-35", str(FIXTURES / "second-policy.yaml")])
    scalar, vector, answer = _both(_case(), policies)
    assert scalar == vector == {("test-successor", 1): 25_000_000}
    excluded = next(r for r in answer.results if r.policy == "ln-2022-35")
    assert (excluded.excluded_by, excluded.excluded_by_policy) == (1, "test-successor")


def test_a_measure_naming_the_policy_stacks_with_it_and_not_with_a_third() -> None:
    policies = load_many(["ln-2022-35", str(FIXTURES / "stacking-policy.yaml"), str(FIXTURES / "second-policy.yaml")])
    scalar, vector, answer = _both(_case(), policies)
    assert scalar == vector == {("test-stacking", 1): 25_000_000, ("ln-2022-35", 11): 10_000_000}
    assert answer.total_ceiling == 35_000_000
    third = next(r for r in answer.results if r.policy == "test-successor")
    assert (third.excluded_by, third.excluded_by_policy) == (1, "test-stacking"), "equal ceilings: loaded first"


def test_support_received_elsewhere_is_deducted_from_every_kept_result() -> None:
    policies = load_many(["ln-2022-35", str(FIXTURES / "stacking-policy.yaml")])
    scalar, vector, _ = _both(_case(other_support=12_000_000), policies)
    # 35号's 1000万 is at or below the 1200万 received: nothing there; the stacking measure tops up to 2500万.
    assert scalar == vector == {("test-stacking", 1): 13_000_000}
