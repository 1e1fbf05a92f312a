"""Benchmark ``huiqi simulate`` at 100k, 1M and 10M matters, and against an OpenFisca peer.

Usage (from the project root, after ``make install``):
    .venv/bin/python bench/simulate.py [--sizes 100k,1m,10m] [--data DIR] [--openfisca]

For each size it generates a synthetic population (``huiqi population synth``, five matters per
applicant on average, seed 1, Parquet), then runs ``huiqi simulate`` under ``/usr/bin/time -v``
twice: with validation (the default) and with ``--no-check``. It prints wall time, peak RSS and
throughput. With ``--openfisca`` it also runs the OpenFisca country package of bench/openfisca/
on the same files, first checks that both give equal per-measure totals (grants, ceiling sum,
unspecified grants), then prints the speed ratio. Figures vary with the machine's load: run it
on a quiet machine and copy the printed table into bench/README.md.
"""

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HUIQI = ROOT / ".venv" / "bin" / "huiqi"
OPENFISCA = ROOT / "bench" / "openfisca"
SIZES = {"100k": 20_000, "1m": 200_000, "10m": 2_000_000}  # applicants; about five matters each


def timed(command: list[str]) -> tuple[str, float, float]:
    """Run under /usr/bin/time -v; return stdout, wall seconds, peak RSS in MB."""
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    hours, minutes, seconds = (float(x) if x else 0.0 for x in wall.groups())
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return done.stdout, hours * 3600 + minutes * 60 + seconds, rss / 1024


def population(data: Path, size: str) -> Path:
    folder = data / f"pop-{size}"
    if not (folder / "matters.parquet").exists():
        subprocess.run([str(HUIQI), "population", "synth", "--applicants", str(SIZES[size]), "--seed", "1",
                        "--out", str(folder)], check=True)
    return folder


def totals(groups: list[dict]) -> dict[str, dict[str, int]]:
    return {str(g["measure"]): {k: g[k] for k in ("grants", "ceiling_sum", "unspecified_grants")} for g in groups}


def run_huiqi(folder: Path, check: bool) -> tuple[dict, float, float, int]:
    command = [str(HUIQI), "simulate", str(folder), "--by", "measure", "--as-of", "2025-06-30", "--format", "json"]
    out, wall, rss = timed(command + ([] if check else ["--no-check"]))
    groups = json.loads(out)["groups"]
    return totals(groups), wall, rss, sum(g["matters"] for g in groups)


def run_openfisca(folder: Path, out: Path) -> tuple[dict, float, float]:
    python = OPENFISCA / ".venv" / "bin" / "python"
    if not python.exists():
        sys.exit("the OpenFisca peer is not set up: run bench/openfisca/setup.sh first")
    _, wall, rss = timed([str(python), str(OPENFISCA / "run.py"), str(folder), "--out", str(out)])
    measures = json.loads(out.read_text("utf-8"))["measures"]
    return {m: {k: v[k] for k in ("grants", "ceiling_sum", "unspecified_grants")} for m, v in measures.items()}, \
        wall, rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m,10m")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--openfisca", action="store_true")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    print(f"{'matters':>10} {'huiqi (s)':>10} {'RSS (MB)':>9} {'no-check (s)':>13} {'RSS (MB)':>9} "
          f"{'matters/s':>12}" + (f" {'OpenFisca (s)':>14} {'RSS (MB)':>9} {'equal':>6} {'ratio':>7}"
                                  if args.openfisca else ""))
    for size in args.sizes.split(","):
        folder = population(args.data, size)
        mine, wall, rss, _ = run_huiqi(folder, check=True)
        _, wall_nc, rss_nc, _ = run_huiqi(folder, check=False)
        import polars as pl

        matters = pl.scan_parquet(folder / "matters.parquet").select(pl.len()).collect().item()
        line = f"{matters:>10} {wall:>10.2f} {rss:>9.0f} {wall_nc:>13.2f} {rss_nc:>9.0f} {matters / wall:>12.0f}"
        if args.openfisca:
            theirs, of_wall, of_rss = run_openfisca(folder, args.data / f"openfisca-{size}.json")
            equal = theirs == mine
            line += f" {of_wall:>14.2f} {of_rss:>9.0f} {equal!s:>6} {of_wall / wall:>7.1f}"
            if not equal:
                print(line)
                sys.exit(f"totals differ at {size}:\nhuiqi     {mine}\nOpenFisca {theirs}")
        print(line, flush=True)


if __name__ == "__main__":
    main()
