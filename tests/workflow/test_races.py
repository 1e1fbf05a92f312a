"""The race matrix: competing decisions on one application, sent at once to ``huiqi serve --workers 4``.

For every pair of decisions the workflow allows from one state (the same decision twice included), for
twenty submits of one draft, for approval against an objection and for two payments, a fresh application
is taken step by step over HTTP to that state, then the decisions are sent together from threads released
by a barrier, each thread with its own client and its own token (or, for the review desk's forms, its own
signed-in browser session). Whatever the interleaving, the outcome must be one of the table's: no answer
5xx, one decision wins and every other one is answered 409 (a page: 409 with the message in Chinese), and
the application's timeline is a path of the workflow table on which only the winners' decisions appear.

Runs on SQLite (a file) and on PostgreSQL (a database of its own, dropped afterwards). The records
(departments, personas, enterprises, matters, budgets) are written in-process with the services; the
applications move only through the running servers. Phase one serves on SUBMIT_DAY (submission, review,
公示 from STARTS_ON); phase two serves the same database on LATER_DAY, after the 公示's last working day,
for approval and payment. ``HUIQI_TEST_DATABASES=sqlite`` leaves PostgreSQL out; ``-m races`` selects these.
"""

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import combinations_with_replacement
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.orm import Session

from huiqi.announcements.calendar import last_working_day, next_working_day
from huiqi.applicants import service as applicants
from huiqi.db import make_engine, upgrade
from huiqi.funding import service as budgets
from huiqi.models import Disbursement, Grant
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from tests.dbtest import PASSWORD, PDF, POSTGRES_URL, a_round, make_people, postgres_available, uscc_for
from tests.racetest import (
    SYSTEM_ACTIONS,
    Answer,
    Server,
    Shot,
    Unexpected,
    api,
    chinese_page,
    expect,
    fire,
    page_csrf,
    path_problems,
    serving,
    signed_in,
    table_actions,
    token,
)

pytestmark = pytest.mark.races

SUBMIT_DAY = date(2025, 9, 1)  # a Monday inside the policy's window: submission and review
STARTS_ON = next_working_day(SUBMIT_DAY)  # the 公示 runs five working days from here
LATER_DAY = next_working_day(last_working_day(STARTS_ON, 5))  # the first day approval is allowed
AMOUNT = 500_000  # yuan: within measure 3's ceiling (100万) and measure 13's (1000万)
POLICY = "ln-2022-35"
CITY, DEPARTMENT, FINANCE, READER = "shenyang", "most", "finance", "auditor"
MATTER = {3: "h1", 13: "p1"}  # measure 3 (小巨人): 沈阳's city review first; 13 (key_tech): 省科技厅 directly
FIRST_REVIEW = {3: "city_review", 13: "department_review"}


@dataclass(frozen=True)
class Race:
    """Decisions sent at once on one application taken first to ``state``."""

    state: str
    shots: tuple[str, ...]
    measure: int
    phase: int = 1
    exclusive: bool = True  # exactly one may succeed (else the return or rejection always does)
    page: bool = False  # through the review desk's forms instead of the API

    @property
    def name(self) -> str:
        shots = f"{len(self.shots)}x{self.shots[0]}" if len(self.shots) > 2 else "+".join(self.shots)
        return f"{'page-' if self.page else ''}{self.state}-{shots}"


RACES = [
    Race("draft", ("submit",) * 20, 3),
    Race("draft", ("submit", "withdraw"), 3),
    Race("returned", ("submit", "withdraw"), 13),
    *[Race("city_review", pair, 3) for pair in combinations_with_replacement(("pass_city", "return", "reject"), 2)],
    *[Race("department_review", pair, 13, exclusive=not ("propose" in pair and len(set(pair)) == 2))
      for pair in combinations_with_replacement(("return", "reject", "propose"), 2)],
    # The score leaves the state as it is, and the department may still return or reject a proposed amount: each
    # may land before the return or rejection (both succeed) or be refused after it.
    Race("department_review", ("score", "reject"), 13, exclusive=False),
    Race("proposed", ("announce", "announce"), 13),
    Race("city_review", ("pass_city", "reject"), 3, page=True),
    Race("announced", ("approve", "object"), 13, phase=2),
    Race("announced", ("approve", "approve"), 13, phase=2),
    Race("approved", ("disburse", "disburse"), 13, phase=2),
]
BY_NAME = {race.name: race for race in RACES}
assert len(BY_NAME) == len(RACES)


@dataclass
class Outcome:
    """What a race left: the answers, and the application as read afterwards."""

    application_id: int
    before: int  # steps on its timeline before the race
    answers: list[Answer]
    state: str
    timeline: list[dict]
    grants: int
    disbursements: int
    log: str  # the end of the server's output


# ---------------------------------------------------------------- the databases


def _kinds() -> list:
    chosen = os.environ.get("HUIQI_TEST_DATABASES", "sqlite,postgresql")
    wanted = {k.strip() for k in chosen.split(",") if k.strip()}
    return [pytest.param(kind, marks=() if kind in wanted else pytest.mark.skip(
        reason=f"HUIQI_TEST_DATABASES={chosen} 不包括 {kind}")) for kind in ("sqlite", "postgresql")]




def _database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh database's URL: a SQLite file, or a PostgreSQL database of its own (dropped at the end)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'huiqi.db'}"
        return
    postgres_available()
    name = f"huiqi_race_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _records(url: str) -> None:
    """Departments and personas, one enterprise per race (its own USCC, a 小巨人 and a key_tech project), budgets."""
    upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            people = make_people(session)
            for index in range(len(RACES)):
                code = uscc_for("210100", f"CC{index:06d}")
                firm = users.create_user(session, actor=SYSTEM, username=f"firm{index}", role="enterprise",
                                         display_name=f"竞争测试企业{index}", password=PASSWORD, uscc=code)
                applicants.record_profile(session, actor=firm, uscc=code, name=f"竞争测试企业{index}有限公司",
                                          kind="enterprise", region="210102", industry="6513")
                applicants.save_matter(session, actor=firm, uscc=code, matter={
                    "id": "h1", "type": "honour", "codes": ["little_giant"], "level": "national",
                    "date": "2024-07-15"})
                applicants.save_matter(session, actor=firm, uscc=code, matter={
                    "id": "p1", "type": "project", "codes": ["key_tech"], "listed": True, "date": "2024-04-01"})
            for measure in MATTER:
                budgets.set_budget(session, actor=people.finance, year=LATER_DAY.year, policy_id=POLICY,
                                   measure=measure, amount=100_000_000)
            a_round(session)  # the one round, open over every day the races take their steps in
    finally:
        engine.dispose()


def _rows(url: str, application_id: int) -> tuple[int, int]:
    """The application's grants and disbursements, read from the database."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            grants = session.scalar(select(func.count()).select_from(Grant).where(
                Grant.application_id == application_id))
            paid = session.scalar(select(func.count()).select_from(Disbursement).where(
                Disbursement.application_id == application_id))
            return grants or 0, paid or 0
    finally:
        engine.dispose()


# ---------------------------------------------------------------- taking an application to its state


class Desk:
    """One server's clients: a bearer client per persona for the steps taken one at a time."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.clients: dict[str, httpx.Client] = {}

    def client(self, username: str) -> httpx.Client:
        if username not in self.clients:
            self.clients[username] = api(self.server.url, token(self.server.url, username, PASSWORD))
        return self.clients[username]

    def fresh(self, username: str) -> httpx.Client:
        """A client with a token of its own, for one shot of a race."""
        return api(self.server.url, token(self.server.url, username, PASSWORD))

    def close(self) -> None:
        for client in self.clients.values():
            client.close()

    def read(self, application_id: int) -> dict:
        return expect(self.client(READER).get(f"/api/v1/applications/{application_id}"), 200).json()

    def step(self, username: str, path: str, body: dict | None = None, status: int = 200) -> dict:
        return expect(self.client(username).post(path, json=body), status).json()


def _check_state(desk: Desk, application_id: int, state: str) -> None:
    found = desk.read(application_id)["state"]
    if found != state:
        raise Unexpected(f"application {application_id} is in {found}, expected {state}")


def _prepare(desk: Desk, index: int, race: Race) -> int:
    """A new application of enterprise ``index`` taken over HTTP, one step at a time, to the race's state
    (for a race of phase two: to 公示, the last step being taken by ``_approve``)."""
    firm = f"firm{index}"
    created = desk.step(firm, "/api/v1/applications", {
        "uscc": uscc_for("210100", f"CC{index:06d}"), "matter": MATTER[race.measure], "round": 1,
        "measure": race.measure, "amount_requested": AMOUNT}, 201)
    number = created["id"]
    expect(desk.client(firm).post(f"/api/v1/applications/{number}/materials",
                                  files={"file": ("申报书.pdf", PDF, "application/pdf")}), 201)
    desk.step(firm, f"/api/v1/applications/{number}/declaration")
    desk.step(firm, f"/api/v1/applications/{number}/payee", {"bank": "中国工商银行沈阳分行",
                                                             "account": "6222000012345678"})
    if race.state == "draft":
        return number
    desk.step(firm, f"/api/v1/applications/{number}/submit")
    _check_state(desk, number, FIRST_REVIEW[race.measure])
    if race.state in ("city_review", "department_review"):
        return number
    if race.state == "returned":
        desk.step(DEPARTMENT, f"/api/v1/reviews/{number}/return", {"reasons": "请补充项目立项文件"})
        _check_state(desk, number, "returned")
        return number
    desk.step(DEPARTMENT, f"/api/v1/reviews/{number}/propose", {"amount": AMOUNT})
    if race.state == "proposed":
        return number
    desk.step(DEPARTMENT, "/api/v1/announcements", {"application_ids": [number], "starts_on": STARTS_ON.isoformat()},
              201)
    _check_state(desk, number, "announced")
    return number


def _approve(desk: Desk, number: int) -> None:
    """Phase two: approve (alone) an application that waits for a payment race."""
    desk.step(FINANCE, "/api/v1/approvals", {"application_id": number}, 201)
    _check_state(desk, number, "approved")


# ---------------------------------------------------------------- the shots


REASONS = {"return": "请补充项目立项文件（竞争测试）", "reject": "不符合支持条件（竞争测试）",
           "object": "收到实名异议：项目未按期建成（竞争测试）"}


def _shot(desk: Desk, race: Race, number: int, action: str, index: int) -> Shot:
    """One decision of the race, with a client (and a token or a browser session) of its own."""
    if race.page:
        client = signed_in(desk.server.url, CITY, PASSWORD)
        csrf = page_csrf(client, f"/review/{number}")
        return Shot(action, client, f"/review/{number}/{action}", data={
            "reasons": REASONS.get(action, ""), "csrf_token": csrf}, page=True)
    reviewer = CITY if race.state == "city_review" else DEPARTMENT
    if action in ("submit", "withdraw"):
        return Shot(action, desk.fresh(f"firm{RACES.index(race)}"), f"/api/v1/applications/{number}/{action}")
    if action == "pass_city":
        return Shot(action, desk.fresh(CITY), f"/api/v1/reviews/{number}/pass")
    if action in ("return", "reject"):
        return Shot(action, desk.fresh(reviewer), f"/api/v1/reviews/{number}/{action}", {"reasons": REASONS[action]})
    if action == "score":
        return Shot(action, desk.fresh(DEPARTMENT), f"/api/v1/reviews/{number}/score", {"score": 80})
    if action == "propose":
        return Shot(action, desk.fresh(DEPARTMENT), f"/api/v1/reviews/{number}/propose", {"amount": AMOUNT})
    if action == "announce":
        return Shot(action, desk.fresh(DEPARTMENT), "/api/v1/announcements",
                    {"application_ids": [number], "starts_on": STARTS_ON.isoformat()})
    if action == "object":
        return Shot(action, desk.fresh(DEPARTMENT), "/api/v1/announcements/objections",
                    {"application_id": number, "reasons": REASONS["object"]})
    if action == "approve":
        return Shot(action, desk.fresh(FINANCE), "/api/v1/approvals", {"application_id": number})
    if action == "disburse":
        return Shot(action, desk.fresh(FINANCE), "/api/v1/disbursements", {
            "application_id": number, "paid_on": desk.server.today.isoformat(), "reference": f"RACE-{index + 1}"})
    raise ValueError(action)


def _warm(shot: Shot) -> None:
    shot.client.get("/api/v1/policies")


def _run(desk: Desk, url: str, race: Race, number: int) -> Outcome:
    before = len(desk.read(number)["timeline"])
    shots = [_shot(desk, race, number, action, i) for i, action in enumerate(race.shots)]
    try:
        answers = fire(shots, warm=_warm)
    finally:
        for shot in shots:
            shot.client.close()
    after = desk.read(number)
    grants, paid = _rows(url, number)
    return Outcome(number, before, answers, after["state"], after["timeline"], grants, paid, desk.server.tail(40))


def _phase(url: str, folder: Path, day: date, races: list[Race], numbers: dict[str, int],
           outcomes: dict[str, Outcome | str]) -> None:
    """Serve ``url`` on ``day``; prepare every application of the phase, then run its races one after another.

    A step of the preparation that fails is that race's outcome (a message), and the others go on."""
    with serving(url, day, folder) as server:
        desk = Desk(server)

        def attempt(race: Race, doing, *args) -> object:
            try:
                return doing(*args)
            except (Unexpected, httpx.HTTPError) as error:
                outcomes[race.name] = f"preparing {race.name} on {day} failed: {error}\n--- huiqi serve:\n" \
                                      f"{server.tail()}"
                return None

        try:
            if not numbers:  # phase one prepares the applications of both phases
                for race in RACES:
                    numbers[race.name] = attempt(race, _prepare, desk, RACES.index(race), race)
            waiting = [r for r in races if numbers.get(r.name) is not None]
            for race in waiting:
                if race.state == "approved":
                    attempt(race, _approve, desk, numbers[race.name])
            for race in waiting:
                if race.name not in outcomes:  # its preparation went through
                    outcome = attempt(race, _run, desk, url, race, numbers[race.name])
                    if outcome is not None:
                        outcomes[race.name] = outcome
        finally:
            desk.close()


@pytest.fixture(scope="module", params=_kinds())
def outcomes(request, tmp_path_factory) -> Iterator[dict[str, Outcome | str]]:
    """Every race of the matrix run on one database, by name (a message where its preparation failed)."""
    folder = tmp_path_factory.mktemp(f"races-{request.param}")
    databases = _database(request.param, folder)
    url = next(databases)
    try:
        _records(url)
        found: dict[str, Outcome | str] = {}
        numbers: dict[str, int] = {}
        _phase(url, folder, SUBMIT_DAY, [r for r in RACES if r.phase == 1], numbers, found)
        _phase(url, folder, LATER_DAY, [r for r in RACES if r.phase == 2], numbers, found)
        yield found
    finally:
        databases.close()


# ---------------------------------------------------------------- the checks


@pytest.mark.parametrize("name", list(BY_NAME))
def test_race(outcomes: dict[str, Outcome | str], name: str) -> None:
    race, found = BY_NAME[name], outcomes[name]
    if isinstance(found, str):
        pytest.fail(found, pytrace=False)
    answers = found.answers
    told = f"application {found.application_id}, answers {[str(a) for a in answers]}"
    print(f"{name}: {told}, state {found.state}")  # shown with -rP
    problems = [f"{a.action} answered {a.status or 'nothing'}: {a.body[:300]}" for a in answers
                if a.status >= 500 or a.status == 0]
    winners = [a for a in answers if a.won]
    losers = [a for a in answers if not a.won]
    if race.exclusive and len(winners) != 1:
        problems.append(f"{len(winners)} decisions succeeded, exactly one should: {[str(a) for a in winners]}")
    if not race.exclusive and not any(a.won for a in answers if a.action in ("reject", "return")):
        problems.append("the return or rejection did not succeed, though the other step leaves it to the department")
    for loser in losers:
        if loser.status != 409 and 0 < loser.status < 500:
            problems.append(f"the loser {loser.action} answered {loser.status}, not 409: {loser.body[:300]}")
        if loser.page and loser.status == 409 and not chinese_page(loser):
            problems.append(f"the refused page {loser.action} is not a Chinese HTML page: {loser.body[:200]}")
    problems += path_problems(found.state, found.timeline)
    recorded = Counter(s["action"] for s in found.timeline[found.before:] if s["action"] not in SYSTEM_ACTIONS)
    expected = Counter(a.action for a in winners if a.action in table_actions())
    if recorded != expected:
        problems.append(f"the timeline records {dict(recorded)} after the race, but the winners were "
                        f"{dict(expected)}")
    if "approve" in race.shots and found.grants != (1 if expected["approve"] else 0):
        problems.append(f"{found.grants} grants recorded for the application")
    if "disburse" in race.shots and found.disbursements != 1:
        problems.append(f"{found.disbursements} disbursements recorded for the application, exactly one should be")
    if problems:
        listed = "\n- ".join(p if n == 1 else f"{p} (×{n})" for p, n in Counter(problems).items())
        pytest.fail(f"{name} ({told}):\n- {listed}\n--- the end of the server's log:\n{found.log}", pytrace=False)
