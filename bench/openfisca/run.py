"""Run the OpenFisca peer over a population and write per-measure totals.

    .venv/bin/python run.py POPULATION_DIR --out totals.json

POPULATION_DIR holds applicants and matters as .parquet (``codes`` a list column) or .csv
(``codes`` joined by ``;``), as huiqi writes them (DOMAIN.md, Interchange). The tables are read
with Polars, turned into NumPy input arrays (one per OpenFisca input variable), handed to
OpenFisca's SimulationBuilder (applicants are the group entity, matters its members), and the
grants are computed by OpenFisca. Inputs are expected to be valid (``huiqi`` validates them).
"""

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
from openfisca_core.simulations import SimulationBuilder

from openfisca_huiqi import CountryTaxBenefitSystem
from openfisca_huiqi.base import UNSPECIFIED
from openfisca_huiqi.inputs import CODES
from openfisca_huiqi.variables.stacking import MEASURES

KEY = "__key"
TRUE, FALSE = ("true", "1", "是", "yes"), ("false", "0", "否", "no")
APPLICANT = {"uscc": pl.String, "kind": pl.String, "region": pl.String, "industry": pl.String,
             "digital_core_confirmed": pl.Boolean}
MATTER = {
    "uscc": pl.String, "codes": pl.List(pl.String), "date": pl.Date, "level": pl.String, "institution": pl.String,
    "parent_industry": pl.String, "parent_size": pl.String, "build": pl.String, "sector": pl.String,
    "domain": pl.String, "digital_field": pl.Boolean, "listed": pl.Boolean, "investment": pl.Int64,
    "actual_investment": pl.Int64, "other_support": pl.Int64, "group_core": pl.Boolean,
    "institution_confirmed": pl.Boolean,
}
ENUMS = ("level", "institution", "parent_size", "build", "sector", "domain")
STRINGS = {"applicant": ("kind", "region", "industry"), "matter": ("parent_industry",)}
KNOWN = ("date", "digital_field", "listed", "investment", "actual_investment", "other_support", "group_core",
         "institution_confirmed")


def read(folder: Path, name: str, schema: dict) -> pl.DataFrame:
    """One table with the columns the measures read, in their types (text converted as huiqi does)."""
    if (folder / f"{name}.parquet").exists():
        frame = pl.scan_parquet(folder / f"{name}.parquet")
    else:
        frame = pl.scan_csv(folder / f"{name}.csv", infer_schema=False)
    present = frame.collect_schema()
    columns = []
    for column, dtype in schema.items():
        if column not in present:
            columns.append(pl.lit(None, dtype=dtype).alias(column))
        elif present[column] == dtype:
            columns.append(pl.col(column))
        else:
            columns.append(_from_text(column, dtype).alias(column))
    return frame.select(columns).collect()


def _from_text(column: str, dtype: pl.DataType) -> pl.Expr:
    text = pl.col(column).cast(pl.String).str.strip_chars()
    text = pl.when(text == "").then(None).otherwise(text)
    if dtype == pl.Int64:
        return pl.when(text.str.contains(r"^\d{1,16}$")).then(text.str.to_integer(strict=False))
    if dtype == pl.Boolean:
        lower = text.str.to_lowercase()
        return pl.when(lower.is_in(TRUE)).then(True).when(lower.is_in(FALSE)).then(False)
    if dtype == pl.Date:
        day = text.str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00(\.0+)?)?$", "$1")
        return day.str.to_date("%Y-%m-%d", strict=False)
    if column == "codes":
        return text.str.split(";").list.eval(pl.element().str.strip_chars()).list.eval(
            pl.element().filter(pl.element() != ""))
    return text


def inputs(applicants: pl.DataFrame, matters: pl.DataFrame, system) -> tuple[np.ndarray, int, dict, dict]:
    """The group index of each matter, the number of groups, and the input arrays per entity."""
    keys = matters.select(pl.col("uscc").fill_null("").alias(KEY))
    groups = keys.unique().with_row_index("__group")
    group = keys.join(groups, on=KEY, how="left", maintain_order="left")["__group"].to_numpy()
    people = groups.join(
        applicants.with_columns(pl.col("uscc").fill_null("").alias(KEY)).unique(KEY, keep="first"),
        on=KEY, how="left", maintain_order="left",
    )
    applicant = {"digital_core_confirmed": people["digital_core_confirmed"].fill_null(False).to_numpy(),
                 "digital_core_confirmed_known": people["digital_core_confirmed"].is_not_null().to_numpy()}
    for name in STRINGS["applicant"]:
        applicant[name] = people[name].fill_null("").to_numpy()
        applicant[f"{name}_known"] = people[name].is_not_null().to_numpy()
    matter = code_flags(matters)
    for name in KNOWN:
        column = matters[name]
        fill = date(1970, 1, 1) if column.dtype == pl.Date else (False if column.dtype == pl.Boolean else 0)
        matter[name] = column.fill_null(fill).to_numpy()
        matter[f"{name}_known"] = matters[name].is_not_null().to_numpy()
    for name in STRINGS["matter"]:
        matter[name] = matters[name].fill_null("").to_numpy()
        matter[f"{name}_known"] = matters[name].is_not_null().to_numpy()
    for name in ENUMS:
        members = system.variables[name].possible_values
        index = {m.name: m.index for m in members if m.name not in ("unknown", "other")}
        column = pl.col(name)
        encoded = matters.select(pl.when(column.is_null()).then(members.unknown.index).otherwise(
            column.replace_strict(index, default=members.other.index, return_dtype=pl.Int16)).cast(pl.Int16))
        matter[name] = encoded.to_series().to_numpy()
    return group, groups.height, applicant, matter


def code_flags(matters: pl.DataFrame) -> dict[str, np.ndarray]:
    """``code_<name>``: whether each matter's codes include the code (one pass over the exploded lists)."""
    index = {code: i for i, code in enumerate(CODES)}
    flat = (matters.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"), "codes").explode("codes")
            .filter(pl.col("codes").is_not_null()))
    rows = flat["row"].to_numpy()
    which = flat["codes"].replace_strict(index, default=-1, return_dtype=pl.Int8).to_numpy()
    flags = {}
    for code, i in index.items():
        flags[f"code_{code}"] = np.zeros(matters.height, dtype=bool)
        flags[f"code_{code}"][rows[which == i]] = True
    return flags


def simulate(system, group: np.ndarray, count: int, applicant: dict, matter: dict, period: str):
    builder = SimulationBuilder()
    builder.create_entities(system)
    builder.declare_person_entity("matter", np.arange(len(group)))
    applicants = builder.declare_entity("applicant", np.arange(count))
    builder.join_with_persons(applicants, group, np.zeros(len(group), dtype=np.int64))
    simulation = builder.build(system)
    for name, values in (*applicant.items(), *matter.items()):
        simulation.set_input(name, period, values)
    return simulation


def totals(simulation, period: str) -> dict:
    grant = simulation.calculate("grant_measure", period)
    ceiling = simulation.calculate("grant_ceiling", period)
    out = {}
    for number in MEASURES:
        status = simulation.calculate(f"m{number}_status", period)
        mine = grant == number
        out[str(number)] = {
            "matters": int((status >= 0).sum()), "eligible": int((status == 2).sum()),
            "undetermined": int((status == 1).sum()), "grants": int((mine & (ceiling != 0)).sum()),
            "ceiling_sum": int(ceiling[mine & (ceiling != UNSPECIFIED)].sum()),
            "unspecified_grants": int((mine & (ceiling == UNSPECIFIED)).sum()),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("population", type=Path)
    parser.add_argument("--out", type=Path, default=Path("totals.json"))
    parser.add_argument("--as-of", default="2025-06-30", help="the day the simulation is evaluated for")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    phases = {}
    system = CountryTaxBenefitSystem()
    applicants = read(args.population, "applicants", APPLICANT)
    matters = read(args.population, "matters", MATTER)
    phases["read"] = time.perf_counter() - start
    group, count, applicant, matter = inputs(applicants, matters, system)
    del applicants, matters
    phases["inputs"] = time.perf_counter() - start - sum(phases.values())
    simulation = simulate(system, group, count, applicant, matter, args.as_of)
    del applicant, matter
    phases["build"] = time.perf_counter() - start - sum(phases.values())
    measures = totals(simulation, args.as_of)
    phases["calculate"] = time.perf_counter() - start - sum(phases.values())
    seconds = time.perf_counter() - start
    result = {"measures": measures, "seconds": round(seconds, 3), "phases": {k: round(v, 3) for k, v in phases.items()},
              "matters": len(group), "applicants": count, "as_of": args.as_of}
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"openfisca: {len(group)} matters, {count} applicants in {seconds:.2f} s wall "
          f"({', '.join(f'{k} {v:.2f}' for k, v in phases.items())})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
