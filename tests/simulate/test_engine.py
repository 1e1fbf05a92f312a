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


def test_an_applicant_holding_hundreds_of_one_honour_counts_as_on_the_join_path(tmp_path: Path, monkeypatch) -> None:
    """``spread`` keeps feature counts in one byte, held at 255: 300 百强 entries (some undated) still read as
    "more than one" and "some undated", exactly as the join path's full counts do (the path of the Dask workers,
    and of a population whose matters cannot be linked by row)."""
    applicants, matters = synthesise(200, 3, vocabulary(), 1.6)
    uscc = applicants["uscc"][0]
    first = pl.int_range(pl.len()) == 0  # a software firm of 沈阳, so the 百强 measures reach it
    applicants = applicants.with_columns(pl.when(first).then(pl.lit(v)).otherwise(pl.col(c)).alias(c) for c, v in (
        ("kind", "enterprise"), ("region", "210102"), ("industry", "6513")))
    template = matters.filter(pl.col("uscc") == uscc).head(1) if matters["uscc"].is_in([uscc]).any() else \
        matters.head(1).with_columns(pl.lit(uscc).alias("uscc"))
    many = pl.concat([template.with_columns(
        pl.lit(f"t{i}").alias("id"), pl.lit("honour").alias("type"), pl.lit(["top100_software"]).alias("codes"),
        pl.lit(None if i % 7 == 0 else date(2022, 9, 1 + i % 28), dtype=pl.Date).alias("date"))
        for i in range(300)])
    folder = write_population(applicants, pl.concat([matters, many], how="vertical_relaxed"), tmp_path / "pop",
                              "parquet")
    policies = load_many(None)

    def totals(population) -> pl.DataFrame:
        return Runner(population, [Scenario("基线", policies)], date(2025, 6, 30), ["measure"], chunk_rows=500).run()[0]

    population = read_population(folder, vocabulary())
    by_row = totals(population)
    monkeypatch.setattr(population, "rows", None)
    monkeypatch.setattr("huiqi.simulate.engine.link", lambda keys, matters: None)
    assert by_row.equals(totals(population))
    top100 = by_row.filter(pl.col("measure") == 2)
    assert top100["undetermined"].item() >= 300 // 7  # the undated entries: first or not cannot be told
