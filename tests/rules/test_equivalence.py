"""The scalar and the Polars evaluators agree, result for result, on random cases.

Both compile the same expression trees; this property test draws applicants and matters with
any field missing, edge amounts and dates around the window, and compares status, ceiling (before
and after the deduction of support received elsewhere), ``excluded_by`` and grants for every (matter, measure).
"""

from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiqi.reference import uscc
from huiqi.rules.batch import evaluate_case
from huiqi.rules.case import Applicant, Case, Matter
from huiqi.rules.facts import CHOICES
from huiqi.rules.loader import load_many, vocabulary
from huiqi.rules.match import match

SECOND = str(Path(__file__).parents[1] / "fixtures" / "second-policy.yaml")
STACKING = str(Path(__file__).parents[1] / "fixtures" / "stacking-policy.yaml")  # its measure 1 stacks with 35号
POLICIES = load_many(["ln-2022-35", SECOND])
WITH_STACKING = load_many(["ln-2022-35", SECOND, STACKING])
CODES = {code: info for p in POLICIES for code, info in p.codes.items()}
BY_TYPE = {t: sorted(c for c, i in CODES.items() if i.type == t) for t in ("honour", "project")}
DAY0 = date(2021, 6, 1)


def maybe(strategy):
    return st.none() | strategy


days = st.integers(0, 365 * 5).map(lambda n: DAY0 + timedelta(days=n))
edge_days = st.sampled_from([date(2022, 7, 22), date(2022, 7, 23), date(2025, 12, 31), date(2026, 1, 1)])
money = st.sampled_from([0, 1, 99_999_999, 100_000_000, 100_000_019, 16_666_667, 33_333_333]) | st.integers(0, 10**9)
industries = st.sampled_from(["6513", "6511", "3983", "2462", "6930", "1311", "3411", "6421", "5176", "8341",
                              "3973", "7211"])
regions = st.sampled_from(["210100", "210102", "211321", "shenfu", "110101", "210300"])


def choice(name: str):
    return maybe(st.sampled_from(sorted(CHOICES[name])))


applicants = st.builds(
    Applicant,
    uscc=st.just(uscc.make("91210100MA0QC1B25")), kind=choice("kind"), region=maybe(regions),
    industry=maybe(industries), digital_core_confirmed=maybe(st.booleans()), size=choice("size"),
    above_scale=maybe(st.booleans()), revenue=maybe(money), revenue_prior=maybe(money),
)


# Codes whose rules read other matters or the fields of issue 11, drawn often together below.
FOCUS = {"honour": ["global_500", "top100_software", "software_park", "standard_lead"],
         "project": ["establishment", "component_manufacturing"]}


@st.composite
def matters(draw, index: int, pool: dict[str, list[str]] | None = None) -> Matter:
    kind = draw(st.sampled_from(["honour", "project"]))
    codes = draw(st.lists(st.sampled_from((pool or BY_TYPE)[kind]), min_size=1, max_size=2, unique=True))
    kinds = [set(dict(CODES[c].choices)["platform"]) for c in codes if dict(CODES[c].choices).get("platform")]
    platforms = sorted(set.intersection(*kinds)) if kinds else sorted(CHOICES["platform"])  # a code's own kinds
    return Matter.model_validate({
        "id": f"m{index}", "type": kind, "codes": codes, "date": draw(maybe(days | edge_days)),
        **{f: draw(choice(f)) for f in ("level", "field", "institution", "build", "sector", "domain")},
        "platform": draw(maybe(st.sampled_from(platforms))),
        "parent_size": draw(choice("size")),
        "parent_industry": draw(maybe(st.sampled_from(["34", "3411", "5176", "13", "43", "44"]))),
        "digital_field": draw(maybe(st.booleans())), "listed": draw(maybe(st.booleans())),
        "group_core": draw(maybe(st.booleans())), "institution_confirmed": draw(maybe(st.booleans())),
        "investment": draw(maybe(money)), "actual_investment": draw(maybe(money)),
        "other_support": draw(maybe(st.sampled_from([0, 1, 1_000_000, 5_000_000, 30_000_000]))),
    }, context={"codes": CODES})


@st.composite
def cases(draw, pool: dict[str, list[str]] | None = None) -> tuple[Case, date]:
    count = draw(st.integers(0, 6))
    items = [draw(matters(i, pool)) for i in range(count)]
    return Case.model_construct(as_of=None, applicant=draw(applicants), matters=items), draw(days | edge_days)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_scalar_and_vector_agree(drawn) -> None:
    _agree(*drawn)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(FOCUS))
def test_agree_on_group_honours_and_open_lists(drawn) -> None:
    """Measure 1's group test and listed institutions, 5's open sector list, 9's subject, 14's level."""
    _agree(*drawn)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_agree_where_a_policy_names_one_whose_support_stacks(drawn) -> None:
    """Kept in rounds (columns) as in rank order (scalar): two grants on a matter where support stacks."""
    _agree(*drawn, policies=WITH_STACKING)


def _agree(case: Case, as_of: date, policies=POLICIES) -> None:
    answer = match(case, policies, as_of)
    scalar = {
        (r.policy, r.matter, r.measure): (r.status, r.ceiling, r.ceiling_before_deduction,
                                          None if r.excluded_by is None else str(r.excluded_by))
        for r in answer.results
    }
    frame = evaluate_case(case, policies, as_of)
    vector = {
        (r["policy"], r["matter"], r["measure"]): (r["status"], r["ceiling"], r["ceiling_before_deduction"],
                                                    r["excluded_by"])
        for r in frame.iter_rows(named=True)
    }
    assert vector == scalar
    granted = {(r["policy"], r["matter"], r["measure"]) for r in frame.iter_rows(named=True) if r["granted"]}
    assert granted == {(g.policy, g.matter, g.measure) for g in answer.grants}
    # What ``columns.supports`` reads: the deduction never leaves a grant 0元 (0元 after it only when 0元 before)
    assert all((r["ceiling"] == 0) == (r["ceiling_before_deduction"] == 0)
               for r in frame.iter_rows(named=True) if r["granted"])


def test_vocabulary_codes_all_drawn() -> None:
    """Every shipped code can be drawn, so the property test reaches every measure."""
    assert set(vocabulary()) <= set(CODES)
