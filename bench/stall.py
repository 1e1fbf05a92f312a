"""Does one heavy request stall everyone? The p99 of a small public match while large cases and exports run beside it.

Usage (from the project root, after ``make install``):
    .venv/bin/python bench/stall.py [--seconds 15] [--large 2] [--exports 4] [--workers 1] [--match-processes N]
                                    [--src DIR]

It seeds the demo on a fresh SQLite database in a temporary folder, starts the server (``--workers`` processes,
one by default: ``uvicorn huiqi.app:create_app``, as ``huiqi serve`` does), and then measures, one after the other:

- quiet: one client posting the small case of ``examples/case.json`` to ``POST /api/v1/match``, back to back;
- loaded: the same client, while ``--large`` clients post the largest case the server accepts (the
  setting ``HUIQI_MAX_MATCH_MATTERS`` matters, 100 by default) and ``--exports`` clients download the
  applications and statistics workbooks as the admin, all back to back, and one more client keeps sending
  a 10 MiB body (refused: 413).

It prints the small match's p50, p99 and worst latency in each phase, with how many large cases, exports
and refused bodies went through beside it. ``--src`` serves another source tree (``git archive <commit> |
tar -x -C DIR``) with this project's environment, to compare with the code before a change.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PORT = 8091
EXPORTS = ("/api/v1/applications/export.xlsx", "/api/v1/statistics.xlsx")


def large_case(small: dict, matters: int) -> dict:
    """The small case with ``matters`` matters (copies of its own, renumbered)."""
    own = small["matters"]
    return {**small, "matters": [{**own[i % len(own)], "id": f"m{i}"} for i in range(matters)]}


def start(src: Path, folder: Path, args: argparse.Namespace) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "HUIQI_DATABASE_URL": f"sqlite:///{folder}/bench.db", "PYTHONPATH": str(src),
           "HUIQI_MATERIALS_DIR": str(folder / "materials"), "HUIQI_JOBS_DIR": str(folder / "jobs")}
    cli = [sys.executable, "-c", "from huiqi.cli import main; main()"]
    subprocess.run([*cli, "demo", "seed"], env=env, check=True, capture_output=True)
    if args.match_processes is not None:
        env["HUIQI_MATCH_PROCESSES"] = str(args.match_processes)
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "huiqi.app:create_app", "--factory", "--port",
                               str(PORT), "--log-level", "warning", "--workers", str(args.workers)],
                              env=env, cwd=folder)
    url = f"http://127.0.0.1:{PORT}"
    for _ in range(150):
        try:
            httpx.get(url + "/api/v1/policies", timeout=1)
            return server, url
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    sys.exit("the server did not start")


def smalls(url: str, case: dict, seconds: float) -> list[float]:
    """Latencies (ms) of small matches sent back to back for ``seconds``."""
    found = []
    with httpx.Client(base_url=url, timeout=120) as client:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            began = time.perf_counter()
            response = client.post("/api/v1/match", json=case)
            found.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                sys.exit(f"the small match answered {response.status_code}: {response.text[:200]}")
    return found


def keep_sending(url: str, send, stop: threading.Event, counts: dict, name: str) -> None:
    with httpx.Client(base_url=url, timeout=300) as client:
        while not stop.is_set():
            status = send(client)
            counts[f"{name} {status}"] = counts.get(f"{name} {status}", 0) + 1


def token(url: str) -> str:
    response = httpx.post(url + "/api/v1/tokens", json={"username": "admin", "password": "huiqi-demo",
                                                        "name": "bench"}, timeout=30)
    response.raise_for_status()
    return response.json()["token"]


def download(path: str, headers: dict[str, str]):
    return lambda client: client.get(path, headers=headers).status_code


def loaded(url: str, case: dict, args: argparse.Namespace) -> tuple[list[float], dict]:
    big = large_case(case, args.matters)
    bearer = {"Authorization": f"Bearer {token(url)}"}
    huge = b'{"matters": [' + b" " * (10 * 1024 * 1024) + b"]}"
    stop, counts = threading.Event(), {}
    senders = [("large", lambda c: c.post("/api/v1/match", json=big).status_code)] * args.large
    senders += [(f"export {u}", download(u, bearer)) for u in (EXPORTS * args.exports)[:args.exports]]
    senders += [("10 MiB body", lambda c: c.post("/api/v1/match", content=huge,
                                                 headers={"content-type": "application/json"}).status_code)]
    threads = [threading.Thread(target=keep_sending, args=(url, send, stop, counts, name), daemon=True)
               for name, send in senders]
    for thread in threads:
        thread.start()
    time.sleep(1)  # let the heavy requests get going
    try:
        return smalls(url, case, args.seconds), counts
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)


def summary(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"{len(ordered)} requests, p50 {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms, "
            f"worst {ordered[-1]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--large", type=int, default=2, help="clients posting the largest accepted case")
    parser.add_argument("--matters", type=int, default=100, help="matters in the large case")
    parser.add_argument("--exports", type=int, default=4, help="clients downloading workbooks")
    parser.add_argument("--workers", type=int, default=1, help="server processes (uvicorn --workers)")
    parser.add_argument("--match-processes", type=int, help="HUIQI_MATCH_PROCESSES (unset: the default)")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the source tree to serve")
    args = parser.parse_args()
    case = json.loads((ROOT / "examples" / "case.json").read_text("utf-8"))
    with tempfile.TemporaryDirectory(prefix="huiqi-stall-") as folder:
        server, url = start(args.src.resolve(), Path(folder), args)
        try:
            quiet = smalls(url, case, args.seconds)
            busy, counts = loaded(url, case, args)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"quiet:  {summary(quiet)}")
    print(f"loaded: {summary(busy)}")
    print("beside it: " + ", ".join(f"{name}: {n}" for name, n in sorted(counts.items())))


if __name__ == "__main__":
    main()
