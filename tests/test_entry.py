"""The ``huiqi`` command's entry point: ``huiqi simulate`` runs alone, the other commands as before."""

import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).parents[1] / "src")  # the code under test, not whichever copy the environment installed

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
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, check=False, timeout=120,
                          env=env)


def test_simulate_starts_without_the_web_service_or_the_database() -> None:
    done = run("simulate", "--help")
    assert "测算" in done.stdout and "exit 0" in done.stdout
    assert "loaded []" in done.stdout


def test_a_bad_population_is_refused_as_by_the_whole_command(tmp_path) -> None:
    done = run("simulate", str(tmp_path / "none"))
    assert "exit 2" in done.stdout
    assert "不是文件夹" in done.stderr + done.stdout


def test_a_day_before_the_policy_was_issued_is_refused_without_the_database(tmp_path) -> None:
    done = run("simulate", str(tmp_path), "--as-of", "2020-01-01")
    assert "exit 2" in done.stdout and "loaded []" in done.stdout
    assert "早于所测政策中最早的发布日期 2022-07-23" in done.stderr, done.stderr


def test_other_commands_still_load_everything() -> None:
    done = run("--help")
    assert "exit 0" in done.stdout and "simulate" in done.stdout and "population" in done.stdout


def test_a_database_without_tables_is_said_in_one_sentence(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HUIQI_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    for command in (["demo", "logins"], ["round", "list"], ["audit", "verify"]):
        done = run(*command)
        assert "exit 2" in done.stdout, done.stderr
        assert "还没有建立表结构" in done.stderr and "huiqi db upgrade" in done.stderr
        assert "Traceback" not in done.stderr


def test_a_database_out_of_reach_is_said_in_one_sentence(monkeypatch) -> None:
    monkeypatch.setenv("HUIQI_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    done = run("stats")
    assert "exit 2" in done.stdout, done.stderr
    assert "无法使用数据库" in done.stderr and "Traceback" not in done.stderr
