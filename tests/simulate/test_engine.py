"""The engine: what validation found (rows, code bits) gives the totals of finding them again."""

from datetime import date
from pathlib import Path

import polars as pl

from huiqi.rules.batch import with_mask
from huiqi.rules.loader import load_many, vocabulary
from huiqi.rules.vector import MASK
from huiqi.simulate.engine import Runner, Scenario, rule_bits
from huiqi.simulate.population import read_population, write_population
from huiqi.simulate.synth import synthesise


def test_validated_rows_and_bits_give_the_totals_of_reading_again(tmp_path: Path) -> None:
    folder = write_population(*synthesise(800, 6, vocabulary(), 1.6), tmp_path / "pop", "parquet")
    policies = load_many(None)
    checked, unchecked = read_population(folder, vocabulary()), read_population(folder, vocabulary(), check=False)
    assert checked.rows is not None and checked.masks is not None and checked.mask_bits is not None
    assert unchecked.rows is None and unchecked.masks is None

    def totals(population) -> list[pl.DataFrame]:
        return Runner(population, [Scenario("基线", policies)], date(2025, 6, 30), ["measure", "region", "year"],
                      chunk_rows=1000).run()

    runner = Runner(checked, [Scenario("基线", policies)], date(2025, 6, 30), ["measure"])
    ctx = runner.plans[0].ctx
    expected = with_mask(checked.matters, ctx).select(MASK).collect()[MASK]
    assert rule_bits(checked.masks, checked.mask_bits, ctx.bits).equals(expected, check_names=False)
    assert totals(checked)[0].equals(totals(unchecked)[0])
    assert totals(checked)[0]["matters"].sum() > 0
