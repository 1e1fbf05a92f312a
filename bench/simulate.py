"""Benchmark ``huiqi simulate`` on populations of two shapes, and against an OpenFisca peer.

Usage (from the project root, after ``make install``):
    .venv/bin/python bench/simulate.py [--sizes applicants,matters] [--data DIR] [--openfisca]

Sizes (``SIZES``): ``applicants`` is applicant-heavy, the shape of a province where most enterprises
hold one or two recognitions (5M applicants, 1.6 matters each, about 8M matters); ``matters`` is
matter-heavy (2M applicants, five matters each, about 10M matters); ``100k``, ``1m`` and ``50m`` are
matter-heavy too. For each it generates a synthetic population (``huiqi population synth``, seed 1,
Parquet), then runs ``huiqi simulate`` under ``/usr/bin/time -v`` three times: as it runs by default
(validation and the impact analysis), with ``--no-check``, and with ``--no-impact`` (validated totals only:
what the OpenFisca peer gives, though the peer validates nothing; the totals must be the default run's). It
prints wall time, peak RSS and throughput, and the load average before each run (the machine may be shared).
With ``--openfisca`` it also runs the OpenFisca country package of bench/openfisca/ on the same files (not at
50m: it would need some 20 GB), first checks that both give equal per-measure totals (grants, ceiling sum,
unspecified grants), then prints the speed ratio of whole processes, validation included: of the default run
("ratio") and of the totals-only run ("totals only": the same output on both sides, huiqi's still validated).
``--src DIR/src`` times another version of the code (for before/after runs under the same load). Copy the
printed table into bench/README.md.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HUIQI = ROOT / ".venv" / "bin" / "huiqi"
OPENFISCA = ROOT / "bench" / "openfisca"
SIZES = {  # applicants, matters per applicant
    "applicants": (5_000_000, 1.6), "matters": (2_000_000, 5.0),
    "100k": (20_000, 5.0), "1m": (200_000, 5.0), "10m": (2_000_000, 5.0), "50m": (10_000_000, 5.0),
}
FOLDERS = {"matters": "10m"}  # the same population under two names


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[str, float, float]:
    """Run under /usr/bin/time -v; return stdout, wall seconds, peak RSS in MB."""
    done = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=False,
                          env=env)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", done.stderr)
    hours, minutes, seconds = (float(x) if x else 0.0 for x in wall.groups())
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    return done.stdout, hours * 3600 + minutes * 60 + seconds, rss / 1024


def population(data: Path, size: str) -> Path:
    folder = data / f"pop-{FOLDERS.get(size, size)}"
    applicants, each = SIZES[size]
    if not (folder / "matters.parquet").exists():
        subprocess.run([str(HUIQI), "population", "synth", "--applicants", str(applicants), "--per-applicant",
                        str(each), "--seed", "1", "--out", str(folder)], check=True)
    return folder


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def totals(groups: list[dict]) -> dict[str, dict[str, int]]:
    return {str(g["measure"]): {k: g[k] for k in ("grants", "ceiling_sum", "unspecified_grants")} for g in groups}


def run_huiqi(folder: Path, check: bool, src: Path | None = None,
              impact: bool = True) -> tuple[dict, float, float, int]:
    command = [str(HUIQI), "simulate", str(folder), "--by", "measure", "--as-of", "2025-06-30", "--format", "json"]
    env = None if src is None else {**os.environ, "PYTHONPATH": str(src.resolve())}
    out, wall, rss = timed(command + ([] if check else ["--no-check"]) + ([] if impact else ["--no-impact"]), env)
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
    parser.add_argument("--sizes", default="applicants,matters", help=f"some of {', '.join(SIZES)}")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--openfisca", action="store_true")
    parser.add_argument("--src", type=Path, help="time another source tree (git archive COMMIT src | tar -x -C DIR)")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    print(f"{'size':>10} {'applicants':>10} {'matters':>10} {'load':>5} {'huiqi (s)':>10} {'RSS (MB)':>9} "
          f"{'no-check (s)':>13} {'RSS (MB)':>9} {'no-impact (s)':>14} {'RSS (MB)':>9} {'matters/s':>12}"
          + (f" {'load':>5} {'OpenFisca (s)':>14} {'RSS (MB)':>9} {'equal':>6} {'ratio':>7} {'totals only':>12}"
             if args.openfisca else ""), flush=True)
    for size in args.sizes.split(","):
        folder = population(args.data, size)
        before = load()
        mine, wall, rss, _ = run_huiqi(folder, True, args.src)
        _, wall_nc, rss_nc, _ = run_huiqi(folder, False, args.src)
        totals_only, wall_ni, rss_ni, _ = run_huiqi(folder, True, args.src, impact=False)
        if totals_only != mine:
            sys.exit(f"totals differ with --no-impact at {size}")
        import polars as pl

        matters = pl.scan_parquet(folder / "matters.parquet").select(pl.len()).collect().item()
        applicants = pl.scan_parquet(folder / "applicants.parquet").select(pl.len()).collect().item()
        line = (f"{size:>10} {applicants:>10} {matters:>10} {before:>5} {wall:>10.2f} {rss:>9.0f} {wall_nc:>13.2f} "
                f"{rss_nc:>9.0f} {wall_ni:>14.2f} {rss_ni:>9.0f} {matters / wall:>12.0f}")
        if args.openfisca and size != "50m":
            before = load()
            theirs, of_wall, of_rss = run_openfisca(folder, args.data / f"openfisca-{size}.json")
            equal = theirs == mine
            line += (f" {before:>5} {of_wall:>14.2f} {of_rss:>9.0f} {equal!s:>6} {of_wall / wall:>7.1f}"
                     f" {of_wall / wall_ni:>12.1f}")
            if not equal:
                print(line)
                sys.exit(f"totals differ at {size}:\nhuiqi     {mine}\nOpenFisca {theirs}")
        print(line, flush=True)


if __name__ == "__main__":
    main()
