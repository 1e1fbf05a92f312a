"""Load benchmark of ``POST /api/v1/match`` on the example case of DOMAIN.md.

Usage (from the project root, after ``make install``; wrk from Debian: ``apt-get install -y wrk``):
    .venv/bin/python bench/load.py [--workers 2] [--seconds 10] [--connections 8,32]

It starts ``huiqi serve`` (uvicorn, ``--workers`` processes) on a fresh SQLite database in a
temporary folder, waits until it answers, runs wrk from a separate process against it at each
number of connections (``bench/match.lua`` posts ``examples/case.json``), checks that every
response was 200, and prints requests per second with the 50th and 99th percentile latency.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8090


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"the server did not answer at {url}")


def wrk(connections: int, seconds: int) -> dict[str, str]:
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(ROOT / "bench" / "match.lua"),
         f"http://127.0.0.1:{PORT}/api/v1/match"], capture_output=True, text=True, check=True, cwd=ROOT)
    if "Non-2xx" in done.stdout or "Socket errors" in done.stdout:
        sys.exit(f"wrk saw errors:\n{done.stdout}")
    return {
        "rps": re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1),
        "p50": re.search(r"50%\s+([\d.]+\w+)", done.stdout).group(1),
        "p99": re.search(r"99%\s+([\d.]+\w+)", done.stdout).group(1),
        "requests": re.search(r"(\d+) requests in", done.stdout).group(1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", default="8,32")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")
    folder = Path(tempfile.mkdtemp(prefix="huiqi-load-"))
    env = {**os.environ, "HUIQI_DATABASE_URL": f"sqlite:///{folder / 'load.db'}"}
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "huiqi"), "serve", "--port", str(PORT), "--workers",
                               str(args.workers)], env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/api/v1/policies")
        wrk(8, 2)  # warm up every worker
        print(f"{'connections':>12} {'requests':>10} {'req/s':>10} {'p50':>9} {'p99':>9}   "
              f"(uvicorn workers: {args.workers}; wrk: 1 thread, {args.seconds} s)")
        for connections in (int(c) for c in args.connections.split(",")):
            row = wrk(connections, args.seconds)
            print(f"{connections:>12} {row['requests']:>10} {row['rps']:>10} {row['p50']:>9} {row['p99']:>9}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
