"""The impact analysis on a population small enough to work out by hand.

Six applicants, as of 2025-06-30, under a reform that raises measure 11's cap to 1500万元 from 2025,
lowers measure 3's to 50万元 from 2024 and extends the window to the end of 2026:

- A (沈阳, 6513 core, medium, 5000万): a1 smart_manufacturing 2025, 1亿 invested: 1000万 (11), reformed 1500万.
- B (大连, 6513, small, 1000万): b1 national 小巨人 2024: 100万 (3), reformed 50万.
- C (沈阳, 3973 core, large, 5亿): c1 component + smart 2023, 2亿: 3000万 (5; 11's 1000万 excluded); c2 smart 2024,
  2000万 with 200万 received elsewhere: 600万 − 200万. The same under the reform.
- D (鞍山, 0111 not core, micro, revenue missing): d1 smart_manufacturing 2026, 1000万: nothing (outside the
  window), reformed 300万 (the window extended).
- E (沈阳, 6513, medium, 5000万): no matter.
- F (北京, 6513, small, 100万): f1 national 小巨人 2024: nothing (not in Liaoning).
"""

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from huiqi.reference.uscc import make, org_check_char
from huiqi.rules.loader import load_many, vocabulary
from huiqi.simulate.engine import Runner, Scenario
from huiqi.simulate.impact import summarise, window_years
from huiqi.simulate.population import read_population
from huiqi.simulate.reform import Reform, apply_reform

WAN = 10_000
AS_OF = date(2025, 6, 30)
REFORM = Reform.model_validate({"name": "手算改革", "changes": [
    {"parameter": "11.cap", "since": "2025-01-01", "value": "1500万元", "source": "测试"},
    {"parameter": "3.cap", "since": "2024-01-01", "value": "50万元", "source": "测试"},
    {"parameter": "window_end", "since": "2025-12-01", "value": date(2026, 12, 31), "source": "测试"},
]})
CODES = {name: make(f"91210100MA0QC1B{i}{org_check_char(f'MA0QC1B{i}')}") for i, name in enumerate("ABCDEF", 1)}


def write(folder: Path) -> Path:
    folder.mkdir()
    people = [("A", "210100", "6513", "medium", 50_000_000), ("B", "210200", "6513", "small", 10_000_000),
              ("C", "210100", "3973", "large", 500_000_000), ("D", "210300", "0111", "micro", None),
              ("E", "210100", "6513", "medium", 50_000_000), ("F", "110101", "6513", "small", 1_000_000)]
    pl.DataFrame([{"uscc": CODES[n], "name": f"单位{n}", "kind": "enterprise", "region": r, "industry": i, "size": s,
                   "revenue": v} for n, r, i, s, v in people]).write_csv(folder / "applicants.csv")
    matters = [
        ("a1", "A", "project", "smart_manufacturing", "2025-03-01", None, None, None, 100_000_000, None),
        ("b1", "B", "honour", "little_giant", "2024-05-01", "national", None, None, None, None),
        ("c1", "C", "project", "component_manufacturing;smart_manufacturing", "2023-06-01", None, "new", "sensor",
         200_000_000, None),
        ("d1", "D", "project", "smart_manufacturing", "2026-03-01", None, None, None, 10_000_000, None),
        ("f1", "F", "honour", "little_giant", "2024-05-01", "national", None, None, None, None),
        ("c2", "C", "project", "smart_manufacturing", "2024-02-01", None, None, None, 20_000_000, 2_000_000),
    ]
    columns = ["id", "uscc", "type", "codes", "date", "level", "build", "sector", "investment", "other_support"]
    rows = [dict(zip(columns, (m[0], CODES[m[1]], *m[2:]), strict=True)) for m in matters]
    pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String) | {"investment": pl.Int64, "other_support": pl.Int64}
                 ).write_csv(folder / "matters.csv")
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("impact") / "pop")


def analyse(folder: Path, *, reform: bool = True, check: bool = True, chunk_rows: int = 2,
            changes: Reform = REFORM, baseline: Reform | None = None) -> dict:
    """The impact, evaluated two matters at a time: C's two projects fall in different chunks."""
    policies = load_many(None)
    base = apply_reform(policies, baseline) if baseline else policies
    scenarios = [Scenario("基线", base)] + ([Scenario("改革", apply_reform(policies, changes))] if reform else [])
    population = read_population(folder, vocabulary(), check=check)
    outcome = Runner(population, scenarios, AS_OF, ["measure"], chunk_rows, impact=True).outcome()
    assert outcome.detail is not None
    return summarise(population, outcome.detail, [s.policies for s in scenarios], AS_OF)


def by_group(rows: list[dict]) -> dict:
    return {r["group"]: r for r in rows}


def test_gainers_losers_and_sums(folder: Path) -> None:
    total = analyse(folder)["total"]
    assert total["ceiling_sum"] == (1000 + 100 + 3000 + 400) * WAN
    assert total["reform_ceiling_sum"] == (1500 + 50 + 3000 + 400 + 300) * WAN
    assert (total["gain"], total["lose"], total["unchanged"], total["not_reached"]) == (2, 1, 1, 2)  # A D, B, C, E F
    assert (total["gain_sum"], total["loss_sum"]) == (800 * WAN, -50 * WAN)
    assert total["diff_ceiling_sum"] == 750 * WAN


def test_groups_by_size_section_city_and_revenue(folder: Path) -> None:
    groups = analyse(folder)["groups"]
    size = by_group(groups["size"])
    assert [r["group"] for r in groups["size"]] == ["large", "medium", "small", "micro"]
    assert (size["medium"]["gain"], size["medium"]["not_reached"], size["medium"]["gain_sum"]) == (1, 1, 500 * WAN)
    assert (size["small"]["lose"], size["small"]["not_reached"], size["small"]["loss_sum"]) == (1, 1, -50 * WAN)
    assert (size["large"]["unchanged"], size["micro"]["gain"]) == (1, 1)
    section = by_group(groups["section"])
    assert set(section) == {"I", "C", "A"}  # 6513 信息传输、软件和信息技术服务业; 3973 制造业; 0111 农、林、牧、渔业
    assert (section["I"]["applicants"], section["I"]["diff_ceiling_sum"]) == (4, 450 * WAN)
    assert section["A"]["diff_ceiling_sum"] == 300 * WAN
    city = by_group(groups["city"])
    assert (city["210100"]["applicants"], city["210100"]["ceiling_sum"]) == (3, 4400 * WAN)
    assert (city["outside"]["applicants"], city["outside"]["reached"]) == (1, 0)
    band = by_group(groups["revenue_band"])
    assert band["20m-100m"]["applicants"] == 2 and band["ge400m"]["unchanged"] == 1
    assert band[None]["gain_sum"] == 300 * WAN and band["lt3m"]["not_reached"] == 1


def test_coverage_counts_core_enterprises_in_liaoning(folder: Path) -> None:
    """A, B, C and E are core and in Liaoning (D is not core, F is in 北京); E has no grant."""
    total = analyse(folder)["total"]
    assert (total["core_enterprises"], total["core_reached"], total["reform_core_reached"]) == (4, 3, 3)


def test_cost_by_year_over_the_window_and_its_extension(folder: Path) -> None:
    data = analyse(folder)
    assert data["windows"] == [[2022, 2025], [2022, 2026]]
    years = {r["year"]: (r["ceiling_sum"], r["reform_ceiling_sum"]) for r in data["years"]}
    assert years == {2022: (0, 0), 2023: (3000 * WAN, 3000 * WAN), 2024: (500 * WAN, 450 * WAN),
                     2025: (1000 * WAN, 1500 * WAN), 2026: (0, 300 * WAN)}
    assert next(r for r in data["years"] if r["year"] == 2026)["in_window"] == [False, True]


def test_what_no_stacking_saves(folder: Path) -> None:
    """c1 meets 5 (3000万) and 11 (1000万): 11 is excluded; c2's 600万 less the 200万 received elsewhere."""
    stacking = analyse(folder)["stacking"][0]
    assert stacking["eligible_ceiling_sum"] == (3000 + 1000 + 600 + 1000 + 100) * WAN
    assert stacking["ceiling_sum"] == 4500 * WAN
    assert (stacking["saving"], stacking["by_other_measures"], stacking["by_other_support"]) == (
        1200 * WAN, 1000 * WAN, 200 * WAN)
    assert (stacking["excluded"], stacking["blocked"]) == (1, 0)
    m11 = next(r for r in stacking["measures"] if r["measure"] == 11)
    assert (m11["eligible_ceiling_sum"], m11["ceiling_sum"], m11["excluded"]) == (2600 * WAN, 1400 * WAN, 1)


def test_largest_changes_by_measure_and_enterprise(folder: Path) -> None:
    data = analyse(folder)
    assert [(r["measure"], r["diff_ceiling_sum"]) for r in data["measures"]] == [(11, 800 * WAN), (3, -50 * WAN)]
    assert [(r["name"], r["diff_ceiling_sum"]) for r in data["enterprises"]] == [
        ("单位A", 500 * WAN), ("单位D", 300 * WAN), ("单位B", -50 * WAN)]
    assert data["enterprises"][0]["uscc"] == CODES["A"] and data["enterprises"][0]["city"] == "210100"


def test_the_same_in_one_chunk_and_without_validation(folder: Path) -> None:
    """Unchecked populations join on the credit code instead of gathering rows: the same figures."""
    assert analyse(folder, check=False, chunk_rows=1000) == analyse(folder)


def test_baseline_alone(folder: Path) -> None:
    data = analyse(folder, reform=False)
    assert "measures" not in data and "reform_ceiling_sum" not in data["total"]
    assert data["windows"] == [[2022, 2025]] and [r["year"] for r in data["years"]] == [2022, 2023, 2024, 2025]
    assert (data["total"]["core_reached"], data["stacking"][0]["saving"]) == (3, 1200 * WAN)
    [policy] = data["policies"]
    assert (policy["number"], policy["ceiling_sum"]) == ("辽政办〔2022〕35号", 4500 * WAN)
    assert "reform_ceiling_sum" not in policy


def test_each_policy_s_part(folder: Path) -> None:
    """Each policy's cost in each scenario, with its version: the reform's version says so."""
    [policy] = analyse(folder)["policies"]
    assert (policy["ceiling_sum"], policy["reform_ceiling_sum"]) == (4500 * WAN, 5250 * WAN)
    assert policy["version"] == load_many(None)[0].version


def test_a_window_cut_back_ends_earlier() -> None:
    """A reform that ends the window at the end of 2024 (from 2024-06-01) shows no year after 2024."""
    policies = load_many(None)
    cut = Reform.model_validate({"name": "缩短", "changes": [
        {"parameter": "window_end", "since": "2024-06-01", "value": date(2024, 12, 31), "source": "测试"}]})
    assert window_years(policies) == (2022, 2025)
    assert window_years(apply_reform(policies, cut)) == (2022, 2024)
    assert window_years(apply_reform(policies, REFORM)) == (2022, 2026)


def test_the_run_s_applicants_give_what_reading_the_file_again_gives(folder: Path) -> None:
    """``cells`` groups the run's own lookup table (already in memory); without it, it reads the file again."""
    population = read_population(folder, vocabulary())
    policies = load_many()
    scenarios = [Scenario("基线", policies), Scenario(REFORM.name, apply_reform(policies, REFORM))]
    outcome = Runner(population, scenarios, AS_OF, ["measure"], 2, impact=True).outcome()
    assert outcome.detail is not None and outcome.detail.applicants is not None
    kept = summarise(population, outcome.detail, [s.policies for s in scenarios], AS_OF)
    outcome.detail.applicants = None
    assert summarise(population, outcome.detail, [s.policies for s in scenarios], AS_OF) == kept


def test_groups_outside_the_known_values_come_last_in_a_fixed_order() -> None:
    """An unchecked population may hold a size no rule knows: it follows the known sizes, before the missing ones."""
    from huiqi.simulate.impact import DIMENSIONS, groups

    cells = pl.DataFrame({"size": [None, "huge", "small", "large"], "section": ["I"] * 4, "city": ["210100"] * 4,
                          "revenue_band": ["lt3m"] * 4, "applicants": [1, 2, 3, 4]})
    for _ in range(5):
        order = [g["group"] for g in groups(cells.sample(fraction=1.0, shuffle=True))["size"]]
        assert order == ["large", "small", "huge", None]
    assert set(DIMENSIONS) <= set(cells.columns)


ZERO = Reform.model_validate({"name": "取消措施11", "changes": [
    {"parameter": "11.cap", "since": "2022-07-23", "value": "0元", "source": "测试"}]})


def test_a_grant_of_nothing_is_no_support(folder: Path) -> None:
    """With measure 11's cap at 0: A's only grant (a1 under 11) is 0元, so A is no longer supported nor covered, and
    loses; c2's 0元 is left nothing by the 200万 received elsewhere; C keeps c1 under 5."""
    data = analyse(folder, changes=ZERO)
    total = data["total"]
    assert (total["reached"], total["reform_reached"]) == (3, 2)  # A B C; B C
    assert (total["core_reached"], total["reform_core_reached"]) == (3, 2)
    assert (total["gain"], total["lose"], total["unchanged"], total["not_reached"]) == (0, 2, 1, 3)  # A C; B; D E F
    city = by_group(data["groups"]["city"])["210100"]  # A C E
    assert (city["reached"], city["reform_reached"], city["reform_core_reached"]) == (2, 1, 1)


def test_nothing_in_either_scenario_is_not_reached(folder: Path) -> None:
    """A 0元 grant in both scenarios is not an unchanged support: A counts as reached by neither."""
    total = analyse(folder, changes=ZERO, baseline=ZERO)["total"]
    assert (total["reached"], total["reform_reached"], total["core_reached"]) == (2, 2, 2)  # B C
    assert (total["unchanged"], total["not_reached"]) == (2, 4)  # B C; A D E F


def test_a_grant_of_nothing_is_no_supported_item_by_measure_or_year(folder: Path) -> None:
    """With measure 11's cap at 0, a1's grant under 11 is 0元 and c2's is blocked: 11 supports nothing. The counts by
    measure (可支持) and by year (支持项数) say so, as who is reached does: a1 no longer counts in 2025."""
    data = analyse(folder, changes=ZERO)
    years = {r["year"]: (r["grants"], r["reform_grants"]) for r in data["years"]}
    assert years == {2022: (0, 0), 2023: (1, 1), 2024: (2, 1), 2025: (1, 0)}  # c1; b1 c2 → b1; a1 → none
    m11 = next(r for r in data["measures"] if r["measure"] == 11)
    assert (m11["grants"], m11["reform_grants"], m11["diff_grants"]) == (2, 0, -2)
    population = read_population(folder, vocabulary())
    policies = load_many()
    scenarios = [Scenario("基线", policies), Scenario(ZERO.name, apply_reform(policies, ZERO))]
    _, reformed = Runner(population, scenarios, AS_OF, ["measure"], 2).run()  # the totals alone, without the impact
    row = next(r for r in reformed.iter_rows(named=True) if r["measure"] == 11)
    assert (row["eligible"], row["grants"], row["ceiling_sum"]) == (3, 0, 0)  # a1 c1 c2 eligible, none supported


def test_a_measure_without_an_amount_is_listed_so_the_counts_sum(tmp_path: Path) -> None:
    """Measure 12 names no amount: a platform with support received elsewhere is no longer supported (blocked) and one
    without is granted 未定额. Its row is listed (money 未定额, not dropped for its 0 ceilings), so the list's counts
    sum to the totals the sentence above the table gives."""
    folder = write(tmp_path / "pop")
    matters = pl.read_csv(folder / "matters.csv", infer_schema=False)
    extra = pl.DataFrame([
        {"id": "p1", "uscc": CODES["E"], "type": "honour", "codes": "national_platform", "date": "2024-03-01",
         "platform": "key_lab", "digital_field": "true", "other_support": "500000"},
        {"id": "p2", "uscc": CODES["A"], "type": "honour", "codes": "national_platform", "date": "2024-03-01",
         "platform": "key_lab", "digital_field": "true"}], schema=dict.fromkeys(
        ["id", "uscc", "type", "codes", "date", "platform", "digital_field", "other_support"], pl.String))
    pl.concat([matters, extra], how="diagonal").write_csv(folder / "matters.csv")
    stacking = analyse(folder, reform=False)["stacking"][0]
    m12 = next(r for r in stacking["measures"] if r["measure"] == 12)
    assert (m12["blocked"], m12["unspecified"], m12["eligible_ceiling_sum"]) == (1, True, 0)
    assert not next(r for r in stacking["measures"] if r["measure"] == 11)["unspecified"]
    assert stacking["blocked"] == 1
    for key in ("excluded", "blocked", "eligible_ceiling_sum", "ceiling_sum", "saving"):
        assert sum(r[key] for r in stacking["measures"]) == stacking[key], key
