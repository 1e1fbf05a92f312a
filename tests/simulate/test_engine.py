"""The engine: the applicant rows validation found give the totals of finding them again."""

from datetime import date
from pathlib import Path

import polars as pl

from huiqi.rules.loader import load_many, vocabulary
from huiqi.simulate.engine import Runner, Scenario
from huiqi.simulate.population import read_population, write_population
from huiqi.simulate.synth import synthesise


def test_validated_rows_give_the_totals_of_finding_them_again(tmp_path: Path) -> None:
    folder = write_population(*synthesise(800, 6, vocabulary(), 1.6), tmp_path / "pop", "parquet")
    policies = load_many(None)
    checked, unchecked = read_population(folder, vocabulary()), read_population(folder, vocabulary(), check=False)
    assert checked.rows is not None and unchecked.rows is None

    def totals(population) -> pl.DataFrame:
        return Runner(population, [Scenario("基线", policies)], date(2025, 6, 30), ["measure", "region", "year"],
                      chunk_rows=1000).run()[0]

    assert totals(checked).equals(totals(unchecked))
    assert totals(checked)["matters"].sum() > 0
