"""``huiqi simulate --engine dask --scheduler tcp://…`` against a real cluster: a ``dask scheduler`` and two
``dask worker`` processes on 127.0.0.1, started as a cluster's machines would start them."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def start(args: list[str], log: Path) -> subprocess.Popen:
    """A process in its own session, so that it and the processes it starts can be ended together."""
    with log.open("wb") as out:
        return subprocess.Popen([str(BIN / "dask"), *args], stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[str]:
    """The address of a scheduler with two single-threaded workers, all on 127.0.0.1."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [start(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                       tmp_path / "scheduler.log")]
    try:
        deadline = time.monotonic() + 60
        while not listening(port):
            assert processes[0].poll() is None, (tmp_path / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        for i in range(2):
            processes.append(start(["worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                                    "--no-dashboard", "--name", f"w{i}"], tmp_path / f"worker{i}.log"))
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=90)
        yield address
    finally:
        for process in reversed(processes):
            stop(process)


def simulate(*args: str) -> dict:
    done = subprocess.run([str(BIN / "huiqi"), "simulate", *args, "--as-of", "2025-06-30", "--format", "json"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_real_cluster_gives_the_totals_of_one_machine(cluster: str, tmp_path: Path) -> None:
    from huiqi.rules.loader import vocabulary
    from huiqi.simulate.population import write_population
    from huiqi.simulate.synth import synthesise

    folder = write_population(*synthesise(1200, 5, vocabulary()), tmp_path / "pop", "parquet")
    args = [str(folder), "--by", "measure,region,year", "--chunk-rows", "2000"]
    here = simulate(*args)
    there = simulate(*args, "--engine", "dask", "--scheduler", cluster)
    assert there == here
    assert len(here["groups"]) > 100
