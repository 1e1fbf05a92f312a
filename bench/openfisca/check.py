"""Hold the OpenFisca peer equal to huiqi's vectorised evaluator, measure by measure.

Run with the project's Python (it imports huiqi); it runs the peer with bench/openfisca/.venv:

    .venv/bin/python bench/openfisca/check.py --applicants 20000 200000 --seeds 1 2 3 [--csv] [--harsh]
    .venv/bin/python bench/openfisca/check.py --population DIR [DIR ...]

For each size and seed it synthesises a population (huiqi's generator; ``--harsh`` then rewrites
it with edge values, random code mixes and matters of unknown applicants), writes it, evaluates it
with ``huiqi.rules.batch.evaluate`` at 2025-06-30, runs ``run.py`` on the same files, and compares
per measure: matters reached, eligible, undetermined, grants that are support (above 0元 or unspecified, as
``huiqi simulate`` counts them: a grant of 0元 is none), sum of numeric ceilings and grants with an unspecified
ceiling. ``--population`` compares on existing folders (read and validated by
huiqi). Exit status 1 on any difference.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
from huiqi.reference import industries
from huiqi.rules.batch import evaluate
from huiqi.rules.columns import supports
from huiqi.rules.loader import load_many, vocabulary
from huiqi.simulate.population import read_population, write_population
from huiqi.simulate.synth import synthesise

HERE = Path(__file__).resolve().parent
PEER = HERE / ".venv" / "bin" / "python"
AS_OF = date(2025, 6, 30)
FIELDS = ("matters", "eligible", "undetermined", "grants", "ceiling_sum", "unspecified_grants")


def harsh(applicants: pl.DataFrame, matters: pl.DataFrame, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The synthetic population made harder: random code combinations, values at every threshold and
    window edge, many missing facts, matters of unknown applicants, support equal to ceilings."""
    rng = np.random.default_rng(seed + 1000)

    def pick(values: list, n: int, dtype=None) -> pl.Series:
        return pl.Series(values, dtype=dtype).gather(rng.integers(0, len(values), n))

    n, codes = matters.height, list(vocabulary())
    combos = pl.Series([list(dict.fromkeys(rng.choice(codes, rng.integers(1, 4)))) for _ in range(n)])
    table = industries.core_table()
    classes = [*sorted(table)[:20], "1311", "3411", "5176", "6513", "6520", "2462", "3911", "3973", "3569", "7211",
               "8760", "4999", None]
    day = [date(2019, 1, 1), date(2022, 7, 22), date(2022, 7, 23), date(2023, 5, 1), date(2023, 5, 1),
           date(2025, 12, 31), date(2026, 1, 1), None]
    uscc = matters["uscc"].to_list()
    for i in rng.choice(n, n // 50, replace=False):
        uscc[i] = None if i % 2 else "91210100XXXXXXXXX" + str(i % 7)
    matters = matters.with_columns(
        uscc=pl.Series(uscc), codes=combos, date=pick(day, n, pl.Date),
        level=pick(["international", "national", "industry", "provincial", None], n),
        institution=pick(["headquarters", "rnd_center", "settlement_center", "other_function", None], n),
        institution_confirmed=pick([True, False, None], n), group_core=pick([True, False, None], n),
        parent_industry=pick(["1311", "4390", "4411", "6513", "3411", "12", "65", None], n),
        parent_size=pick(["large", "medium", "small", None], n), build=pick(["new", "expansion", None], n),
        sector=pick(["sensor", "circuit", "other", None], n), domain=pick(["energy", "city", None], n),
        digital_field=pick([True, False, None], n), listed=pick([True, False, None], n),
        investment=pick([0, 1, 99_999_999, 100_000_000, 33_333_333, 33_333_334, 2**31, 10**12, None], n, pl.Int64),
        actual_investment=pick([0, 16_666_666, 16_666_667, 10**10, None], n, pl.Int64),
        other_support=pick([None, 0, 1_000_000, 3_000_000, 5_000_000, 10_000_000, 20_000_000, 30_000_000], n,
                           pl.Int64),
    )
    m = applicants.height
    applicants = applicants.with_columns(
        region=pick(["210100", "210102", "211481", "shenfu", "110105", "220102", None], m),
        industry=pick(classes, m), digital_core_confirmed=pick([True, False, None], m),
        kind=pick(["enterprise", "park", "city", "university", None], m),
    )
    return applicants, matters


def huiqi_totals(applicants: pl.DataFrame, matters: pl.DataFrame) -> dict[str, dict[str, int]]:
    results = evaluate(applicants.lazy(), matters.lazy(), load_many(), AS_OF)
    granted = pl.col("granted")
    table = results.group_by("measure").agg(
        matters=pl.len(),
        eligible=(pl.col("status") == "eligible").sum(),
        undetermined=(pl.col("status") == "undetermined").sum(),
        grants=supports(granted, pl.col("ceiling")).sum(),
        ceiling_sum=pl.col("ceiling").filter(granted).sum(),
        unspecified_grants=(granted & pl.col("ceiling").is_null()).sum(),
    )
    return {str(row["measure"]): {f: int(row[f]) for f in FIELDS} for row in table.iter_rows(named=True)}


def peer_totals(folder: Path, out: Path | None = None) -> dict[str, dict[str, int]]:
    out = out or Path(tempfile.mkdtemp()) / "openfisca.json"
    subprocess.run([str(PEER), str(HERE / "run.py"), str(folder), "--out", str(out), "--as-of", AS_OF.isoformat()],
                   check=True)
    data = json.loads(out.read_text())
    return {m: {f: v[f] for f in FIELDS} for m, v in data["measures"].items()}


def differences(ours: dict, theirs: dict) -> list[str]:
    found = []
    for measure in sorted(set(ours) | set(theirs), key=int):
        a = ours.get(measure, dict.fromkeys(FIELDS, 0))
        b = theirs.get(measure, dict.fromkeys(FIELDS, 0))
        found += [f"measure {measure} {f}: huiqi {a[f]} openfisca {b[f]}" for f in FIELDS if a[f] != b[f]]
    return found


def report(label: str, ours: dict, theirs: dict) -> bool:
    """Print one line (and any differences); True when equal."""
    diff = differences(ours, theirs)
    grants = sum(v["grants"] for v in ours.values())
    money = sum(v["ceiling_sum"] for v in ours.values())
    print(f"{label}: {grants} grants, {money} 元: {'equal' if not diff else f'{len(diff)} DIFFERENCES'}")
    for line in diff:
        print("   ", line)
    return not diff


def main() -> int:
    parser = argparse.ArgumentParser(description="OpenFisca peer vs huiqi: per-measure totals must be equal")
    parser.add_argument("--applicants", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--csv", action="store_true", help="write CSV instead of Parquet")
    parser.add_argument("--harsh", action="store_true", help="edge values, random code mixes, unknown applicants")
    parser.add_argument("--population", type=Path, nargs="+", help="compare on these population folders instead")
    args = parser.parse_args()
    equal = []
    for folder in args.population or []:
        population = read_population(folder, vocabulary())
        ours = huiqi_totals(population.applicants.collect(), population.matters.collect())
        equal.append(report(str(folder), ours, peer_totals(folder)))
    for size in [] if args.population else args.applicants:
        for seed in args.seeds:
            applicants, matters = synthesise(size, seed, vocabulary())
            if args.harsh:
                applicants, matters = harsh(applicants, matters, seed)
            ours = huiqi_totals(applicants, matters)
            with tempfile.TemporaryDirectory() as tmp:
                folder = write_population(applicants, matters, Path(tmp) / "population",
                                          "csv" if args.csv else "parquet")
                theirs = peer_totals(folder, Path(tmp) / "openfisca.json")
            kind = "harsh " if args.harsh else ""
            equal.append(report(f"{kind}applicants {size} seed {seed} ({matters.height} matters)", ours, theirs))
    return 0 if all(equal) else 1


if __name__ == "__main__":
    sys.exit(main())
