"""Helpers of the race matrix (tests/workflow/test_races.py): ``huiqi serve --workers N`` as a subprocess on a
fixed business day, HTTP clients for the API (bearer tokens) and the pages (cookie and CSRF), requests fired
at once from threads behind a barrier, and the workflow table read as the set of its transitions.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

from huiqi.workflow.states import STEPS

HUIQI = Path(sys.executable).parent / "huiqi"
SYSTEM_ACTIONS = ("route_city", "route_department")  # the system's steps, taken with the enterprise's submit
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CJK = re.compile(r"[\u4e00-\u9fff]")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running ``huiqi serve``: its base URL, its day and the file its output goes to."""

    url: str
    today: date
    log: Path

    def tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@contextmanager
def serving(database_url: str, today: date, folder: Path, workers: int = 4) -> Iterator[Server]:
    """``huiqi serve --workers N`` on ``database_url`` with its business day set to ``today``; stopped at the end
    (SIGTERM, then SIGKILL to its process group when it does not stop within 20 s)."""
    port = free_port()
    log = folder / f"serve-{today.isoformat()}-{port}.log"
    env = {**os.environ, "HUIQI_DATABASE_URL": database_url, "HUIQI_TODAY": today.isoformat(),
           "HUIQI_MATERIALS_DIR": str(folder / "materials"), "HUIQI_JOBS_DIR": str(folder / "jobs"),
           "HUIQI_ENVIRONMENT": "development"}
    with log.open("wb") as output:
        process = subprocess.Popen([str(HUIQI), "serve", "--port", str(port), "--workers", str(workers)], env=env,
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", today, log)
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        _stop(process)


def _wait_until_up(server: Server, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"huiqi serve stopped with status {process.returncode}:\n{server.tail()}")
        try:
            if httpx.get(server.url + "/api/v1/policies", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"huiqi serve did not answer within {seconds:.0f} s:\n{server.tail()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class Unexpected(AssertionError):
    """A step of the preparation (taken one at a time, before a race) did not answer as it should."""


def expect(response: httpx.Response, *statuses: int) -> httpx.Response:
    if response.status_code not in statuses:
        raise Unexpected(f"{response.request.method} {response.request.url.path} answered {response.status_code}"
                         f" (expected {statuses}): {response.text[:500]}")
    return response


def token(base: str, username: str, password: str) -> str:
    """A fresh bearer token of ``username``."""
    answer = httpx.post(base + "/api/v1/tokens", json={"username": username, "password": password}, timeout=60)
    return expect(answer, 201).json()["token"]


def api(base: str, bearer: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {bearer}"}, timeout=90)


def signed_in(base: str, username: str, password: str) -> httpx.Client:
    """A browser-like client signed in through the sign-in form (its CSRF token comes from the form)."""
    client = httpx.Client(base_url=base, timeout=90)
    form = expect(client.get("/login"), 200)
    csrf = CSRF.search(form.text)
    if csrf is None:
        raise Unexpected("the sign-in page carries no csrf_token")
    expect(client.post("/login", data={"username": username, "password": password, "csrf_token": csrf.group(1),
                                       "next": ""}), 303)
    return client


def page_csrf(client: httpx.Client, path: str) -> str:
    """The CSRF token the page at ``path`` carries in its forms (the session's)."""
    found = CSRF.search(expect(client.get(path), 200).text)
    if found is None:
        raise Unexpected(f"{path} carries no csrf_token")
    return found.group(1)


@dataclass
class Shot:
    """One request of a race: who sends it (a ready client), the workflow action it asks for, the request."""

    action: str
    client: httpx.Client
    path: str
    json: dict | None = None
    data: dict | None = None  # a form (the pages)
    page: bool = False


@dataclass
class Answer:
    action: str
    status: int  # 0: no answer (the connection failed or timed out)
    body: str
    page: bool = False
    content_type: str = ""

    @property
    def won(self) -> bool:
        return 200 <= self.status < 300 or (self.page and self.status == 303)

    def __str__(self) -> str:
        return f"{self.action}→{self.status or 'no answer'}"


def fire(shots: list[Shot], warm: Callable[[Shot], None] | None = None) -> list[Answer]:
    """Send every shot from its own thread, all released at once by a barrier; the answers in order.

    Before the barrier each thread opens its connection (``warm``: a GET on the client), so that the
    requests leave together rather than one TCP handshake apart."""
    barrier = threading.Barrier(len(shots))
    answers: list[Answer | None] = [None] * len(shots)

    def run(index: int, shot: Shot) -> None:
        try:
            if warm is not None:
                warm(shot)
        except httpx.HTTPError:
            pass
        try:
            barrier.wait(timeout=60)
            sent = shot.client.post(shot.path, json=shot.json, data=shot.data)
            answers[index] = Answer(shot.action, sent.status_code, sent.text[:2000], shot.page,
                                    sent.headers.get("content-type", ""))
        except (httpx.HTTPError, threading.BrokenBarrierError) as error:
            answers[index] = Answer(shot.action, 0, f"{type(error).__name__}: {error}", shot.page)

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(shots)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return [a or Answer(s.action, 0, "the thread did not finish", s.page) for a, s in zip(answers, shots, strict=True)]


# The workflow table as the transitions it allows: (action, from_state, to_state).
def table_rows() -> set[tuple[str, str, str]]:
    return {(str(s.action), str(source), str(s.target)) for s in STEPS for source in s.sources}


def table_actions() -> set[str]:
    """The actions of the table: each appears on the timeline (the expert score and a corrected amount, in place)."""
    return {str(s.action) for s in STEPS}


def path_problems(state: str, timeline: list[dict]) -> list[str]:
    """What is wrong with ``timeline`` as a path of the workflow table from a draft to ``state``."""
    rows, problems, at = table_rows(), [], "draft"
    for number, step in enumerate(timeline, 1):
        move = (step["action"], step["from_state"], step["to_state"])
        if step["from_state"] != at:
            problems.append(f"step {number} {move} starts from {step['from_state']}, but the previous step "
                            f"left the application in {at}")
        if move not in rows:
            problems.append(f"step {number} {move} is not a row of the workflow table")
        at = step["to_state"]
    if at != state:
        problems.append(f"the last step leaves the application in {at}, but its state is {state}")
    return problems


def chinese_page(answer: Answer) -> bool:
    return answer.content_type.startswith("text/html") and CJK.search(answer.body) is not None
