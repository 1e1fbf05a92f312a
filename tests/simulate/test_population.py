"""Populations: the three file formats round-trip exactly, and bad rows are named."""

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huiqi.errors import InputError
from huiqi.reference import uscc
from huiqi.rules.loader import vocabulary
from huiqi.simulate.population import ROW, link, read_population, write_population
from huiqi.simulate.synth import synthesise


@pytest.fixture(scope="module")
def small() -> tuple[pl.DataFrame, pl.DataFrame]:
    return synthesise(300, 4, vocabulary())


@pytest.mark.parametrize(("fmt", "name"), [("csv", "csv"), ("parquet", "parquet"), ("xlsx", "pop.xlsx")])
def test_round_trip(small, tmp_path: Path, fmt: str, name: str) -> None:
    people, matters = small
    path = write_population(people, matters, tmp_path / name, fmt)
    pop = read_population(path, vocabulary())
    assert pop.applicants.collect().equals(people)
    assert pop.matters.collect().equals(matters)


def test_synth_is_deterministic_and_covers_every_code() -> None:
    a1, m1 = synthesise(2000, 9, vocabulary())
    a2, m2 = synthesise(2000, 9, vocabulary())
    assert a1.equals(a2) and m1.equals(m2)
    assert not synthesise(2000, 10, vocabulary())[1].equals(m1)
    assert set(m1["codes"].explode()) == set(vocabulary())
    assert (m1["codes"].list.len() == 2).any(), "some projects carry two codes"
    assert m1["other_support"].is_not_null().any() and m1["date"].is_null().any()
    assert all(uscc.is_valid(c) for c in a1["uscc"]) and a1["uscc"].n_unique() == a1.height
    assert a1["name"].str.starts_with("合成单位").all(), "synthetic data says so"


def _csv(tmp_path: Path, small, edit) -> Path:
    people, matters = small
    folder = write_population(people, matters, tmp_path / "bad", "csv")
    frame = pl.read_csv(folder / "matters.csv", infer_schema=False)
    edit(frame).write_csv(folder / "matters.csv")
    return folder


@pytest.mark.parametrize(("column", "value", "field", "reason"), [
    ("investment", "-5", "investment", "应为非负整数"),
    ("investment", "1.5", "investment", "应为非负整数"),
    ("date", "2024-02-30", "date", "应为日期"),
    ("codes", "little_gaint", "codes", "未知事项代码"),
    ("listed", "maybe", "listed", "true 或 false"),
    ("level", "nation", "level", "取值应为"),
    ("uscc", "91210100MA0QC1B25F", "uscc", "申请人表中没有"),
    ("type", "honour", "codes", "事项代码与事项类型不符"),
])
def test_bad_rows_are_named(tmp_path: Path, small, column: str, value: str, field: str, reason: str) -> None:
    row = 7
    if column == "type":
        row = small[1].with_row_index().filter(pl.col("type") == "project")["index"][0]

    def edit(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value))
                                  .otherwise(pl.col(column)).alias(column))

    with pytest.raises(InputError) as caught:
        read_population(_csv(tmp_path, small, edit), vocabulary())
    where = f"matters 第{row + 1}条（表格第{row + 2}行） {field}"
    assert any(w == where and reason in why for w, why in caught.value.problems), caught.value.problems


def test_unknown_column_and_missing_table(tmp_path: Path, small) -> None:
    with pytest.raises(InputError, match="不认识的列"):
        read_population(_csv(tmp_path, small, lambda f: f.rename({"investment": "investmnet"})), vocabulary())
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"applicants\.csv 或 applicants\.parquet"):
        read_population(tmp_path / "empty", vocabulary())


def test_many_problems_are_counted(tmp_path: Path, small) -> None:
    folder = _csv(tmp_path, small, lambda f: f.with_columns(pl.lit("x").alias("date")))
    with pytest.raises(InputError) as caught:
        read_population(folder, vocabulary())
    assert caught.value.problems[-1][1].startswith(f"共有 {small[1].height} 条记录有问题")


ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXYZIOSV"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=17, max_size=19), st.booleans())
def test_vectorised_uscc_check_equals_the_scalar_one(text: str, complete: bool) -> None:
    code = uscc.make(text[:17]) if complete and len(text) >= 17 and all(
        c in uscc.ALPHABET for c in text[:17]) else text
    column = pl.Series([code, "91110000600037341L", None, code[:5]])
    assert uscc.valid_series(column).to_list() == [uscc.is_valid(code), True, False, uscc.is_valid(code[:5])]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab", max_size=3), unique=True),
       st.lists(st.none() | st.text(alphabet="abc", max_size=3)))
def test_link_finds_the_rows_a_join_on_the_text_finds(keys: list[str], wanted: list[str | None]) -> None:
    people = pl.Series("uscc", keys, dtype=pl.String)
    matters = pl.DataFrame({"uscc": wanted}, schema={"uscc": pl.String})
    rows = link(people, matters.lazy())
    expected = matters.join(people.to_frame().with_row_index(ROW), on="uscc", how="left", maintain_order="left")
    assert rows is not None and rows.dtype == pl.UInt32
    assert rows.to_list() == expected[ROW].to_list()


def test_link_gives_up_on_keys_given_twice() -> None:
    assert link(pl.Series(["a", "b", "a"]), pl.LazyFrame({"uscc": ["a"]})) is None


def test_a_valid_population_carries_each_matters_applicant_row(tmp_path: Path, small) -> None:
    people, matters = small
    pop = read_population(write_population(people, matters, tmp_path / "pop", "parquet"), vocabulary())
    assert pop.rows is not None
    assert people["uscc"].gather(pop.rows).equals(matters["uscc"])
    assert read_population(tmp_path / "pop", vocabulary(), check=False).rows is None


def test_a_matter_given_twice_is_named_both_times(tmp_path: Path, small) -> None:
    people, matters = small
    twice = (people, pl.concat([matters, matters.head(1)]))
    with pytest.raises(InputError) as caught:
        read_population(write_population(*twice, tmp_path / "pop", "parquet"), vocabulary())
    named = [w for w, why in caught.value.problems if why == "同一申请人的事项编号重复"]
    last = matters.height
    assert named == ["matters 第1条（表格第2行） id", f"matters 第{last + 1}条（表格第{last + 2}行） id"]
