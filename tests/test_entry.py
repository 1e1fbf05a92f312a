"""The ``huiqi`` command's entry point: ``huiqi simulate`` runs alone, the other commands as before."""

import subprocess
import sys

RUN = """
import sys
sys.argv = ["huiqi", *sys.argv[1:]]
from huiqi.entry import main
try:
    main()
except SystemExit as done:
    print("exit", done.code)
print("loaded", sorted(m for m in ("sqlalchemy", "fastapi", "huiqi.web", "huiqi.models") if m in sys.modules))
"""


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, check=False, timeout=120)


def test_simulate_starts_without_the_web_service_or_the_database() -> None:
    done = run("simulate", "--help")
    assert "测算" in done.stdout and "exit 0" in done.stdout
    assert "loaded []" in done.stdout


def test_a_bad_population_is_refused_as_by_the_whole_command(tmp_path) -> None:
    done = run("simulate", str(tmp_path / "none"))
    assert "exit 2" in done.stdout
    assert "不是文件夹" in done.stderr + done.stdout


def test_other_commands_still_load_everything() -> None:
    done = run("--help")
    assert "exit 0" in done.stdout and "simulate" in done.stdout and "population" in done.stdout
