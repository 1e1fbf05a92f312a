"""Browser tests: Playwright driving Debian's Chromium against ``huiqi serve`` on a seeded database.

Chromium comes from Debian (``apt-get install chromium``; ``.ci/run`` installs it); Playwright never
downloads a browser. Without Chromium these tests are skipped with the reason, unless
``HUIQI_REQUIRE_BROWSER=1`` (as CI sets it), when they fail. Screenshots of every page visited are
kept in ``test-artifacts/screenshots/``; ``HUIQI_SERVER_LOG=FILE`` keeps what the servers print (tracebacks
included).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "huiqi-demo"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _huiqi(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(Path(sys.executable).parent / "huiqi"), *args], env=env, check=True, capture_output=True)


@pytest.fixture(scope="session")
def live_database(tmp_path_factory) -> str:
    """The URL of the live server's SQLite database (for a test to look up what a person would be told)."""
    return f"sqlite:///{tmp_path_factory.mktemp('live') / 'huiqi.db'}"


def _env(database: str, **extra: str) -> dict[str, str]:
    folder = Path(database.removeprefix("sqlite:///")).parent
    return {**os.environ, "HUIQI_DATABASE_URL": database, "HUIQI_MATERIALS_DIR": str(folder / "materials"),
            "HUIQI_JOBS_DIR": str(folder / "jobs"), "HUIQI_DEMO_PASSWORD": PASSWORD, **extra}


def _start(env: dict[str, str], log) -> tuple[subprocess.Popen | None, str]:
    """``huiqi serve`` on a free port, answering; or, if it stopped (its port taken in the meantime by another
    process: the port is only known free when asked), None. Fails with what it printed if it never answers."""
    port = _free_port()
    process = subprocess.Popen([str(Path(sys.executable).parent / "huiqi"), "serve", "--port", str(port)], env=env,
                               stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a loaded machine (the suite beside a browser) starts it slowly
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(url + "/api/v1/policies", timeout=2).read()
            return process, url
        except OSError:
            time.sleep(0.2)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        log.seek(0)
        pytest.fail(f"huiqi serve did not answer within 90 s; it printed: {log.read()[-2000:]}")
    return None, url


@contextmanager
def serving(database: str, today: date | None = None) -> Iterator[str]:
    """``huiqi serve`` on ``database`` (optionally with its day set by ``HUIQI_TODAY``); its base URL. What it
    prints goes to ``HUIQI_SERVER_LOG`` if set, else to a temporary file, shown if it does not start."""
    env = _env(database, **({"HUIQI_TODAY": today.isoformat()} if today else {}))
    named = os.environ.get("HUIQI_SERVER_LOG")
    log = open(named, "a+") if named else tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed with the server)
    try:
        for _ in range(3):
            process, url = _start(env, log)
            if process is not None:
                break
        else:
            log.seek(0)
            pytest.fail(f"huiqi serve stopped three times as it started; it printed: {log.read()[-2000:]}")
        try:
            yield url
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
    finally:
        log.close()


# The live server's business day: fixed, inside the policy's window and the holiday calendar's years, so
# that the 公示's working days are counted the same whenever the suite runs.
LIVE_DAY = date(2025, 11, 3)


@pytest.fixture(scope="session")
def server(live_database: str) -> Iterator[str]:
    """``huiqi serve`` on a fresh SQLite database holding the demo, on ``LIVE_DAY``; its base URL."""
    _huiqi("demo", "seed", env=_env(live_database, HUIQI_TODAY=LIVE_DAY.isoformat()))  # its open round: LIVE_DAY's
    with serving(live_database, today=LIVE_DAY) as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    """A headless Debian Chromium under Playwright (per module: Playwright's own event loop must be gone before
    the suite's async tests run theirs)."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        reason = f"没有 {CHROMIUM}（apt-get install -y chromium）"
        if os.environ.get("HUIQI_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, server):
    """A fresh browser context (no cookies) at the server, 1280 pixels wide."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=server, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.say_yes = True  # a person answers 确定…？ (data-confirm) with yes, unless a test says otherwise
    tab.on("dialog", lambda dialog: dialog.accept() if tab.say_yes else dialog.dismiss())
    yield tab
    context.close()


def shoot(page, name: str) -> Path:
    """Keep a full-page screenshot of what the page shows now."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def at_application(page) -> int:
    """Wait until the browser shows an application's own page; its number. (Not ``wait_for_url("**/applications/*")``,
    which /applications/new matches before its form is sent; and the document's own location, which Playwright's
    ``page.url`` was seen to leave behind after a form sent by the Enter key.)"""
    page.wait_for_function(r"() => /^\/applications\/\d+$/.test(location.pathname)")
    page.wait_for_load_state()
    return int(page.evaluate("location.pathname").rsplit("/", 1)[1])


def sign_in(page, username: str, base: str = "") -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def settled(page) -> None:
    """Wait until HTMX has finished every request and swap (new content gets its handlers at settle)."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping, .htmx-added')")


def fill_applicant(page) -> None:
    """The calculator's applicant: an enterprise in 沈阳, software (6513)."""
    page.select_option("select[name=applicant-kind]", "enterprise")
    page.select_option("select[name=applicant-city]", "210100")
    settled(page)  # the district list follows the city
    page.fill("input[name=applicant-industry]", "6513")


def fill_little_giant(page, on: str, form: str = "") -> None:
    """Matter 0 of a form (the calculator's, or one named by the ``form`` selector) as a national 小巨人
    recognition dated ``on``."""
    page.check(f"{form} input[name=matters-0-codes][value=little_giant]".strip())
    page.select_option(f"{form} select[name=matters-0-level]".strip(), "national")
    page.fill(f"{form} input[name=matters-0-date]".strip(), on)


PDF = b"%PDF-1.4\n% huiqi browser test material\n1 0 obj <</Type/Catalog>> endobj\ntrailer <<>>\n%%EOF\n"


def attach_declare_submit(page, tmp_path: Path) -> None:
    """On a draft's page: attach a PDF 申报书, make the declaration, confirm the account and submit (the enterprise's
    last four steps)."""
    material = tmp_path / "申报书.pdf"
    material.write_bytes(PDF)
    page.select_option("select[name=kind]", "申报书")
    page.set_input_files("input[name=file]", str(material))
    page.click("form[action$='/materials'] button[type=submit]")
    page.wait_for_load_state()
    assert "申报书.pdf" in page.inner_text("main")
    page.check("input[name=agree]")
    page.click("form[action$='/declaration'] button[type=submit]")
    page.wait_for_load_state()
    page.fill("#payee input[name=bank]", "中国工商银行沈阳分行")
    page.fill("#payee input[name=account]", "6222 0000 1234 5678")
    page.click("#payee button[type=submit]")
    page.wait_for_load_state()
    with page.expect_event("dialog") as asked:  # final: the page asks first (the tab's handler says yes)
        page.click("form[action$='/submit'] button[type=submit]")
    assert "不能再修改，也不能撤回" in asked.value.message
    page.wait_for_load_state()


def propose_and_announce(page, application: int, amount_wan: str) -> None:
    """The lead department, on the application's review page: propose the amount (万元) and open the 公示."""
    page.goto(f"/review/{application}")
    page.fill("#form-propose input[name=amount]", amount_wan)
    page.click("#form-propose button[type=submit]")
    page.wait_for_load_state()
    page.click("#form-announce button[type=submit]")
    page.wait_for_load_state()
    assert "公示未开始" in page.inner_text("main")  # it runs from the next working day


def approve_and_pay(page, base: str, application: int, reference: str) -> None:
    """Finance, on a server whose day is past the 公示: approve the application, then record its payment."""
    sign_in(page, "finance", base)
    page.goto(f"{base}/review/{application}")
    page.click("#form-approve button[type=submit]")
    page.wait_for_load_state()
    assert "已批准" in page.inner_text("main")
    page.fill("#form-disburse input[name=reference]", reference)
    page.click("#form-disburse button[type=submit]")
    page.wait_for_load_state()
    assert "已拨付" in page.inner_text("main")


def scalar(database: str, sql: str, **params):
    """One value read straight from the server's database (to find a record or a user a page would link to)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar_one()
    finally:
        engine.dispose()


def reviewer_of(database: str, application_id: int) -> str:
    """The user name of the lead department's reviewer of an application (the demo's dept-NN for that unit)."""
    return scalar(database, "SELECT u.username FROM users u JOIN applications a ON a.department_id = u.department_id "
                            "WHERE a.id = :id AND u.role = 'department' ORDER BY u.username LIMIT 1", id=application_id)
