"""Proof of sameness: ``simulate`` and ``match`` agree matter by matter.

A synthetic population (a thousand applicants, about five thousand matters, every code, missing
facts, two-code projects, support received elsewhere) goes through the population path (files,
validation, small chunks that split applicants across chunk boundaries); every applicant also goes
through ``match`` as one case. Every (matter, measure) must have the same status, ceiling and
``excluded_by``, and the totals must be the sums of the scalar answers.
"""

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from huiqi.rules.case import read_case
from huiqi.rules.loader import load_many, vocabulary
from huiqi.rules.match import match
from huiqi.simulate.engine import Runner, Scenario
from huiqi.simulate.population import read_population, write_population
from huiqi.simulate.reform import Reform, apply_reform
from huiqi.simulate.synth import synthesise

AS_OF = date(2025, 6, 30)


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> Path:
    people, matters = synthesise(1000, 11, vocabulary())
    return write_population(people, matters, tmp_path_factory.mktemp("pop") / "csv", "csv")


def _vector(path: Path, policies, by: list[str], chunk_rows: int):
    runner = Runner(read_population(path, vocabulary()), [Scenario("基线", policies)], AS_OF, by, chunk_rows)
    table, count = runner.shared()
    chunks = runner.chunks(count)
    return chunks, pl.concat([runner.results(table, s, n)[0] for s, n in chunks])


def _scalar(path: Path, policies) -> dict:
    pop = read_population(path, vocabulary())
    matters = pop.matters.collect().partition_by("uscc", as_dict=True)
    found = {}
    for applicant in pop.applicants.collect().iter_rows(named=True):
        items = [{k: v for k, v in m.items() if k != "uscc" and v is not None}
                 for m in matters.get((applicant["uscc"],), pl.DataFrame()).iter_rows(named=True)]
        case = read_case({"applicant": {k: v for k, v in applicant.items() if v is not None}, "matters": items})
        for r in match(case, policies, AS_OF).results:
            excluded = None if r.excluded_by is None else str(r.excluded_by)
            found[(applicant["uscc"], r.matter, r.measure)] = (r.status, r.ceiling, excluded)
    return found


def test_simulate_and_match_agree_matter_by_matter(population: Path) -> None:
    policies = load_many()
    chunks, results = _vector(population, policies, ["measure"], chunk_rows=777)
    assert len(chunks) > 5, "several chunks, so applicants are split across chunk boundaries"
    vector = {(r["uscc"], r["matter"], r["measure"]): (r["status"], r["ceiling"], r["excluded_by"])
              for r in results.iter_rows(named=True)}
    scalar = _scalar(population, policies)
    assert len(scalar) > 4000
    assert {s for s, _, _ in scalar.values()} == {"eligible", "ineligible", "undetermined"}
    assert vector == scalar


ZERO = Reform.model_validate({"name": "措施11上限为0", "changes": [
    {"parameter": "11.cap", "since": "2022-07-23", "value": "0元", "source": "测试"}]})


@pytest.mark.parametrize("reform", [None, ZERO], ids=["baseline", "cap-cut-to-0"])
def test_totals_are_the_sums_of_the_answers(population: Path, reform: Reform | None) -> None:
    """Grants are counted as support: a grant of 0元 (measure 11's under a cap cut to 0) is granted by ``match`` but
    is no 可支持 item."""
    policies = load_many() if reform is None else apply_reform(load_many(), reform)
    runner = Runner(read_population(population, vocabulary()), [Scenario("基线", policies)], AS_OF,
                    ["measure"], chunk_rows=1000)
    [totals] = runner.run()
    scalar = _scalar(population, policies)
    nothing = 0
    for row in totals.iter_rows(named=True):
        mine = [v for (_, _, measure), v in scalar.items() if measure == row["measure"]]
        assert row["matters"] == len(mine)
        assert row["eligible"] == sum(s == "eligible" for s, _, _ in mine)
        assert row["undetermined"] == sum(s == "undetermined" for s, _, _ in mine)
        granted = [c for s, c, x in mine if s == "eligible" and x is None]
        assert row["grants"] == sum(c is None or c > 0 for c in granted)
        assert row["ceiling_sum"] == sum(c or 0 for c in granted)
        assert row["unspecified_grants"] == sum(c is None for c in granted)
        nothing += sum(c == 0 for c in granted)
    assert (nothing > 0) == (reform is not None), "the cut cap leaves grants of 0元 (and only it)"
