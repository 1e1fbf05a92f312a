"""What a validated run over a population cannot do without, timed on its own: the floor under ``huiqi simulate``.

Usage (from the project root, after ``make install`` and with the populations of bench/simulate.py present):
    .venv/bin/python bench/floor.py [POPULATION ...] [--repeat N]

For each population folder (default: the two shapes, ``bench/data/pop-applicants`` and ``bench/data/pop-10m``)
it times, in this process, the steps any complete run must take, each with the library calls the
simulation uses, best of ``--repeat`` runs:

- start-up: a fresh interpreter importing Polars, NumPy and the simulation (a subprocess);
- decoding every column of both tables once (validation must look at every value);
- the credit codes' check characters of every applicant (``uscc.valid_series``);
- linking every matter to its applicant: a join of the codes' 64-bit hashes, then the text compared
  (``population.link``).

Their sum is a floor for one core; with two cores the decoding and the check characters can overlap, so the
script also prints the sum less the shorter of those two. A run that is to take 1/20 of OpenFisca's time
has to fit all of its evaluation and the rest of its validation into what is left.
"""

import argparse
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import polars as pl

from huiqi.reference.uscc import valid_series
from huiqi.simulate.population import link

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT / "bench" / "data" / "pop-applicants", ROOT / "bench" / "data" / "pop-10m"]


def best(step, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return min(times)


def read_all(paths: list[Path]) -> list[pl.DataFrame]:
    return [pl.read_parquet(path) for path in paths]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("populations", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    python = [sys.executable, "-c", "import polars, numpy, huiqi.simulate.cli"]
    start = best(lambda: subprocess.run(python, check=True), args.repeat)
    print(f"start-up (import): {start:.2f} s")
    print(f"{'population':<16} {'applicants':>10} {'matters':>10} {'decode':>7} {'check':>7} {'link':>7} "
          f"{'sum':>7} {'2 cores':>7}")
    for folder in args.populations:
        tables = {name: folder / f"{name}.parquet" for name in ("applicants", "matters")}
        decode = best(partial(read_all, list(tables.values())), args.repeat)
        codes = pl.read_parquet(tables["applicants"], columns=["uscc"])["uscc"]
        matters = pl.scan_parquet(tables["matters"]).select("uscc")
        check = best(partial(valid_series, codes), args.repeat)
        linked = best(partial(link, codes, matters), args.repeat)
        total = start + decode + check + linked
        height = matters.select(pl.len()).collect().item()
        print(f"{folder.name:<16} {codes.len():>10,} {height:>10,} {decode:>7.2f} {check:>7.2f} {linked:>7.2f} "
              f"{total:>7.2f} {total - min(decode, check):>7.2f}")


if __name__ == "__main__":
    main()
