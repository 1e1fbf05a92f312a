"""Large matches run in a pool of processes made in the app's lifespan and shut down with it; the answer is the
same as in the thread pool; a pool process that dies is replaced; PostgreSQL's connections are checked at start."""

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import openpyxl
import pytest
from sqlalchemy.orm import Session, sessionmaker

from huiqi.app import create_app
from huiqi.config import Settings, get_settings
from huiqi.db import engine
from huiqi.web.cli import connections_short
from huiqi.web.deps import CSRF_COOKIE
from huiqi.web.excel import _reads_configured_database
from huiqi.web.offload import INLINE, Offload

EXAMPLE = json.loads((Path(__file__).parents[2] / "examples" / "case.json").read_text("utf-8"))


def pid() -> int:
    return os.getpid()


def die_unless_in(parent: int) -> str:
    """Kills a pool process (as the out-of-memory killer would); harmless where ``parent`` runs it."""
    if os.getpid() != parent:
        os._exit(1)
    return "here"


def running(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def large_case(matters: int) -> dict:
    own = EXAMPLE["matters"]
    return {**EXAMPLE, "matters": [{**own[i % len(own)], "id": f"m{i}"} for i in range(matters)]}


@pytest.fixture(scope="module")
def pool():
    offload = Offload(1)
    yield offload
    offload.shutdown()


def test_without_processes_the_work_runs_here() -> None:
    assert not INLINE.pooled and INLINE.run(pid) == os.getpid()


def test_with_processes_the_work_runs_in_another(pool) -> None:
    assert pool.pooled and pool.run(pid) != os.getpid()


def test_a_dead_pool_process_is_replaced(pool) -> None:
    assert pool.run(die_unless_in, os.getpid()) == "here"  # this request: run here instead
    assert pool.pooled and pool.run(pid) != os.getpid()  # the next: a new pool


def test_a_pool_process_leaves_with_a_killed_server() -> None:
    # A server killed outright (kill -9, the out-of-memory killer) cannot shut its pool down: its processes go too.
    code = ("import os, sys; from huiqi.web.offload import Offload; pool = Offload(1); "
            "print(pool.run(os.getpid), flush=True); os._exit(0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    child = int(done.stdout.strip())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and running(child):
        time.sleep(0.2)
    assert not running(child), "the pool process outlived its server"


def test_after_shutdown_the_work_runs_here() -> None:
    offload = Offload(1)
    offload.shutdown()
    assert not offload.pooled and offload.run(pid) == os.getpid()


async def _answers(app, case: dict, form: dict) -> tuple[dict, str]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        api = await client.post("/api/v1/match", json=case)
        assert api.status_code == 200 and api.headers["content-type"] == "application/json"
        await client.get("/calculator")
        page = await client.post("/calculator", data={**form, "csrf_token": client.cookies.get(CSRF_COOKIE)},
                                 headers={"HX-Request": "true"})
        assert page.status_code == 200
        return api.json(), page.text


@pytest.mark.anyio
async def test_a_large_match_in_a_process_answers_as_in_the_thread_pool(monkeypatch, tmp_path) -> None:
    from huiqi import db

    monkeypatch.setenv("HUIQI_MATCH_INLINE_MATTERS", "3")
    monkeypatch.setenv("HUIQI_DATABASE_URL", f"sqlite:///{tmp_path / 'huiqi.db'}")  # the policies are its catalogue's
    get_settings.cache_clear()
    db.engine.cache_clear()
    db.upgrade()
    case = large_case(20)
    form = {"applicant-region": "210100", "applicant-industry": "6513", "as_of": "2025-06-30",
            **{f"matters-{i}-codes": "key_tech" for i in range(5)},
            **{f"matters-{i}-investment": str(100 * (i + 1)) for i in range(5)}}
    try:
        expected = await _answers(create_app(), case, form)  # its lifespan has not run: no pool, all in threads
        pooled = create_app()
        async with pooled.router.lifespan_context(pooled):
            assert pooled.state.offload.pooled
            found = await _answers(pooled, case, form)
        assert not pooled.state.offload.pooled  # shut down with the app
    finally:
        db.engine().dispose()
        get_settings.cache_clear()
        db.engine.cache_clear()
    assert found[0] == expected[0] and len(expected[0]["results"]) >= 20
    strip = re.compile(r'name="csrf_token" value="[^"]*"')
    assert strip.sub("", found[1]) == strip.sub("", expected[1]) and "计算结果" in found[1]


def test_max_connections_checked_on_postgresql(session: Session) -> None:
    needed = Settings().pool_size + 10 + Settings().match_processes
    if session.get_bind().dialect.name != "postgresql":
        assert connections_short(session, 1000) is None  # SQLite has no connection limit to check
        return
    assert connections_short(session, 1) is None or "max_connections" in connections_short(session, 1)
    warning = connections_short(session, 100_000)
    assert warning is not None and f"{100_000 * needed}" in warning and "--workers" in warning


def test_the_pool_follows_the_threads_unless_set() -> None:
    assert Settings(threads=12).pool_size == 12
    assert Settings(threads=12, db_pool_size=30).pool_size == 30


def cells(content: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [row for sheet in book for row in sheet.iter_rows(values_only=True)]


@pytest.mark.anyio
async def test_exports_built_in_a_process_hold_what_the_thread_pool_builds(tmp_path, monkeypatch) -> None:
    # The pool reads the database itself: a seeded file database, as a server has.
    env = {"HUIQI_DATABASE_URL": f"sqlite:///{tmp_path}/seeded.db", "HUIQI_MATERIALS_DIR": str(tmp_path / "m"),
           "HUIQI_JOBS_DIR": str(tmp_path / "j"), "HUIQI_SHARED_DIR": str(tmp_path / "s")}
    subprocess.run([sys.executable, "-c", "from huiqi.cli import main; main()", "demo", "seed"],
                   env={**os.environ, **env}, check=True, capture_output=True, timeout=300)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    engine.cache_clear()
    paths = ("/api/v1/applications/export.xlsx", "/api/v1/statistics.xlsx?by=measure,city", "/statistics.xlsx")
    try:
        async def fetch(app) -> list[bytes]:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
                token = (await client.post("/api/v1/tokens", json={
                    "username": "admin", "password": "huiqi-demo", "name": "测试"})).json()["token"]
                found = [await client.get(p, headers={"Authorization": f"Bearer {token}"}) for p in paths]
            assert all(r.status_code == 200 for r in found), [r.text[:200] for r in found]
            return [r.content for r in found]

        with sessionmaker(bind=engine())() as seeded:
            assert _reads_configured_database(seeded)  # so the pool builds these workbooks
        inline = await fetch(create_app())
        pooled_app = create_app()
        async with pooled_app.router.lifespan_context(pooled_app):
            pooled = await fetch(pooled_app)
    finally:
        get_settings.cache_clear()
        engine.cache_clear()
    for here, there in zip(inline, pooled, strict=True):
        assert cells(here) == cells(there) and len(cells(here)) > 2


def test_a_session_on_another_database_builds_its_workbook_here(session: Session) -> None:
    # A test's session (a dependency override) is not the database a pool process would open.
    assert not _reads_configured_database(session)
