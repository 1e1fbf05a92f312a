"""Database fixtures: every test that takes ``session`` runs on SQLite and on PostgreSQL.

Each database's schema is built by the Alembic migrations (``alembic upgrade head``), once per run;
on PostgreSQL in a schema of its own inside the ``test`` database, so parallel runs do not meet.
Each test runs inside a transaction that is rolled back at the end. PostgreSQL missing is a skip
with its reason, or a failure when ``HUIQI_REQUIRE_POSTGRES=1`` (as CI sets it).
``HUIQI_TEST_DATABASES=sqlite`` (as ``make test-fast`` sets it) runs on SQLite alone, and every test that
needs PostgreSQL is skipped and says why.
"""

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, create_engine, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import service as applicants
from huiqi.applications import payee
from huiqi.applications import service as applications
from huiqi.catalogue import service as catalogue
from huiqi.db import alembic_config, make_engine, writer
from huiqi.departments import service as departments
from huiqi.errors import Conflict, HuiqiError, NotFound
from huiqi.models import Application, Round, User
from huiqi.reference.uscc import make, org_check_char
from huiqi.rounds import opening
from huiqi.rules.loader import load_many
from huiqi.users import passwords
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from huiqi.workflow.runner import run
from huiqi.workflow.steps import Context

POSTGRES_URL = os.environ.get("HUIQI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATABASES = [kind.strip() for kind in os.environ.get("HUIQI_TEST_DATABASES", "sqlite,postgresql").split(",")]
assert set(DATABASES) <= {"sqlite", "postgresql"}, f"HUIQI_TEST_DATABASES: sqlite, postgresql or both, not {DATABASES}"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def migrate(engine: Engine) -> None:
    """Build the schema with the migrations, on this engine's connection."""
    with engine.connect() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()


def postgres_available() -> None:
    """Skip (or fail, when required) if PostgreSQL cannot be reached, or is left out by HUIQI_TEST_DATABASES."""
    if "postgresql" not in DATABASES:
        pytest.skip(f"HUIQI_TEST_DATABASES={','.join(DATABASES)} leaves PostgreSQL out (make test-fast)")
    try:
        probe = create_engine(POSTGRES_URL)
        with probe.connect():
            pass
        probe.dispose()
    except OperationalError as exc:
        reason = f"PostgreSQL 不可用（{POSTGRES_URL}）：{str(exc).splitlines()[0]}"
        if os.environ.get("HUIQI_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def postgres_schema() -> tuple[Engine, str]:
    """An engine whose connections use a fresh schema of their own in the ``test`` database."""
    postgres_available()
    schema = f"huiqi_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=20)
    return engine, schema


def drop_schema(engine: Engine, schema: str) -> None:
    engine.dispose()
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@contextmanager
def migrated(kind: str, folder: Path) -> Iterator[Engine]:
    """A migrated database of ``kind`` (SQLite in ``folder``, or a PostgreSQL schema of its own), gone after."""
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{folder / 'huiqi.db'}")
        migrate(engine)
        yield engine
        engine.dispose()
        return
    engine, schema = postgres_schema()
    migrate(engine)
    yield engine
    drop_schema(engine, schema)


@pytest.fixture(scope="session", params=DATABASES)
def database(request, tmp_path_factory) -> Iterator[Engine]:
    """A migrated database of each kind, for the whole run."""
    with migrated(request.param, tmp_path_factory.mktemp("sqlite")) as engine:
        yield engine


@pytest.fixture
def session(database: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test; services' savepoints nest in it."""
    with database.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            outer.rollback()


def unguard(connection: Session | Connection) -> None:
    """Lift the append-only guard of the audit trail (migration 0004) for the rest of the transaction, as the
    tables' owner could: the tests that tamper with the trail show what ``verify`` reports then."""
    bind = connection if isinstance(connection, Connection) else connection.get_bind()
    if bind.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        connection.execute(text("ALTER TABLE audit_head DISABLE TRIGGER USER"))
        return
    for name in ("audit_events_no_update", "audit_events_no_delete", "audit_head_advances", "audit_head_no_delete"):
        connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


@pytest.fixture(scope="session", autouse=True)
def _cheap_argon2():
    """Real argon2, with low cost, so the many personas of the suite hash quickly."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    saved = passwords.HASHER
    passwords.HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    yield
    passwords.HASHER = saved


def uscc_for(region: str, body: str) -> str:
    """A valid code: 91 (enterprise), the region, an organisation code body and both check characters."""
    return make(f"91{region}{body}{org_check_char(body)}")


ALICE_USCC = uscc_for("210100", "MA0A1CE1")  # 沈阳
BOB_USCC = uscc_for("210200", "MA0B0B01")  # 大连
MALLORY_USCC = uscc_for("211400", "MA0MA110")  # 葫芦岛, no records here
PASSWORD = "correct horse battery"


@dataclass
class People:
    """The personas of the record's tests."""

    alice: User  # 企业用户, 沈阳的示例科技
    bob: User  # 企业用户, 大连的数据公司
    mallory: User  # an outsider enterprise with no records here
    shenyang: User  # 沈阳市审核员
    dalian: User  # 大连市审核员
    miit: User  # 省工信厅审核员 (lead of measures 2–4, 6, 14 …)
    most: User  # 省科技厅审核员 (lead of measure 13)
    finance: User  # 省财政厅
    admin: User
    auditor: User
    analyst: User  # 政策分析人员: estimates and statistics, no applicant's record


def _person(session: Session, username: str, name: str, role: str, **binding) -> User:
    return users.create_user(session, actor=SYSTEM, username=username, display_name=name, role=role,
                             password=PASSWORD, **binding)


def make_people(session: Session) -> People:
    departments.sync(session, policies=load_many())
    return People(
        alice=_person(session, "alice", "示例科技（企业用户）", "enterprise", uscc=ALICE_USCC),
        bob=_person(session, "bob", "大连数据（企业用户）", "enterprise", uscc=BOB_USCC),
        mallory=_person(session, "mallory", "局外企业", "enterprise", uscc=MALLORY_USCC),
        shenyang=_person(session, "shenyang", "沈阳市审核员", "city", region="210100"),
        dalian=_person(session, "dalian", "大连市审核员", "city", region="210200"),
        miit=_person(session, "miit", "省工信厅审核员", "department", department="省工业和信息化厅"),
        most=_person(session, "most", "省科技厅审核员", "department", department="省科技厅"),
        finance=_person(session, "finance", "省财政厅经办人", "finance"),
        admin=_person(session, "admin", "系统管理员", "admin"),
        auditor=_person(session, "auditor", "审计人员", "auditor"),
        analyst=_person(session, "analyst", "政策分析人员", "analyst"),
    )


def make_records(session: Session, people: People) -> None:
    """Alice (沈阳, software, core) with a 小巨人 recognition and an expansion project; Bob (大连) with a
    listed key-technology project."""
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, name="示例科技有限公司",
                              kind="enterprise", region="210102", industry="6513", size="medium",
                              established=date(2016, 5, 1), independent_legal_entity=True, sound_accounts=True,
                              bad_credit=False, major_accident=False)
    applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
        "id": "h1", "type": "honour", "codes": ["little_giant"], "level": "national", "date": "2024-07-15"})
    applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
        "id": "p1", "type": "project", "codes": ["component_manufacturing", "smart_manufacturing"],
        "build": "expansion", "sector": "sensor", "investment": 80_000_000, "date": "2024-03-01"})
    applicants.record_profile(session, actor=people.bob, uscc=BOB_USCC, name="大连数据有限公司", kind="enterprise",
                              region="210202", industry="6520", size="small")
    applicants.save_matter(session, actor=people.bob, uscc=BOB_USCC, matter={
        "id": "p1", "type": "project", "codes": ["key_tech"], "listed": True, "date": "2024-04-01"})


FIXTURES = Path(__file__).parent / "fixtures"


def second_admin(session: Session) -> User:
    """The second admin ("admin2"), made on first use: what one admin drafts (a policy version, a whitelist) another
    publishes."""
    found = session.scalars(select(User).where(User.username == "admin2")).first()
    return found or users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员",
                                      role="admin", password=PASSWORD)


def publish_whitelist_successor(session: Session, people: People, *, own_conditions: bool = True,
                                start: str = "2026-01-01") -> None:
    """Publish the fixture successor (window ``start`` to 2027) serving the whitelist: by its own service measure 6
    (above scale, any industry), or, without it, by its fund measure 1, which states nothing about the enterprise
    itself."""
    text = (FIXTURES / "second-policy.yaml").read_text("utf-8").replace("issued: 2024-01-01", "issued: 2025-10-01")
    text = text.replace("  start: 2024-01-01\n  end: 2026-12-31", f"  start: {start}\n  end: 2027-12-31")
    text = text.replace("as_of: 2025-06-30", "as_of: 2026-06-30").replace("date: 2025-03-01", "date: 2026-03-01")
    if own_conditions:
        measure = (FIXTURES / "whitelist-successor.yaml").read_text("utf-8")
        text = text.replace("\nsituations:", "\n" + measure[measure.index("  - number:"):] + "situations:", 1)
    else:
        text = text.replace("    units: [测试厅]\n", "    units: [测试厅]\n    serves: [whitelist]\n", 1)
    catalogue.publish(session, actor=second_admin(session),
                      version_id=catalogue.add(session, actor=people.admin, text=text, file_name="successor.yaml").id)


@pytest.fixture
def people(session: Session) -> People:
    found = make_people(session)
    make_records(session, found)
    return found


def step(session: Session, action: str, who: User, app: Application | int, *, on: date | None = None,
         **params) -> Context:
    """Take a workflow step through the step runner as ``who``, recorded on ``on`` (today when not given); an
    enterprise submitting its own application confirms its account first (``with_payee``), as every submission
    needs (the tests of that rule call the runner themselves)."""
    app_id = app if isinstance(app, int) else app.id
    with clock.pinned(on or clock.today()):
        if action == "submit":
            with_payee(session, who, app_id)
        return run(session, action, actor=who, application_id=app_id, application_ids=[app_id], **params)


TEST_PAYEE = ("中国工商银行沈阳分行（测试）", "6222000011112222")  # a made-up account


def with_payee(session: Session, who: User, app_id: int) -> None:
    """The application's account confirmed by ``who``, its enterprise, unless one already is (another's
    application is left as it is: the step refuses it)."""
    found = session.get(Application, app_id)
    if found is not None and found.payee_confirmed_at is None and who.uscc == found.uscc:
        payee.confirm(session, actor=who, application_id=app_id, bank=TEST_PAYEE[0], account=TEST_PAYEE[1])


TEST_ROUND = "测试用申报批次（覆盖测试涉及的全部日期）"


def little_giant_firm(session: Session, i: int) -> User:
    """Enterprise number ``i``: a 沈阳 software firm with its user ``firm{i}`` and a national 小巨人 recognition (matter
    h1, measure 3), for tests that need many applicants."""
    code = uscc_for("210100", f"CC{i:06d}")
    who = users.create_user(session, actor=SYSTEM, username=f"firm{i}", display_name=f"并发测试企业{i}",
                            role="enterprise", password="long enough", uscc=code)
    applicants.record_profile(session, actor=who, uscc=code, name=f"并发测试企业{i}", kind="enterprise",
                              region="210102", industry="6513")
    applicants.save_matter(session, actor=who, uscc=code, matter={
        "id": "h1", "type": "honour", "codes": ["little_giant"], "level": "national", "date": "2024-07-15"})
    return who


def direct_offer(session: Session, people, on: date = date(2025, 7, 1)):
    """A 免申即享 offer to alice under measure 3: a round delivering it directly opened on ``on``, and an imported
    (invented) national 单项冠军 list naming alice."""
    return an_offer(session, people, on, mode="direct")


def an_offer(session: Session, people, on: date = date(2025, 7, 1), mode: str = "apply"):
    """An offer to alice under measure 3, delivered ``mode`` (apply: 申请即享; direct: 免申即享) by a round opened on
    ``on``, made by an imported (invented) national 单项冠军 list naming alice."""
    from huiqi.offers import service as offers
    from huiqi.recognition import service as lists

    policy = catalogue.published(session)[0]
    with clock.pinned(on):
        title = "2025年度免申即享" if mode == "direct" else "2025年度政策直达"
        opening.open_round(session, actor=people.admin, policy_id=policy.id, title=title,
                           opens_on=on, closes_on=date(2025, 12, 31), measures=[opening.MeasureIn(3, mode=mode)])
        checked = lists.check(session, [["uscc", "name"], [ALICE_USCC, "示例科技有限公司"]], code="single_champion",
                              level="national", published_on=date(2025, 6, 1))
        lists.import_list(session, actor=people.miit, rows=checked, code="single_champion", level="national",
                          document="工信部企业函〔2025〕测试号", published_on=date(2025, 6, 1))
    return next(o for o in offers.mine(session, actor=people.alice) if o.measure == 3)


def a_round(session: Session) -> int:
    """The id of a round of the oldest policy in the catalogue (the shipped one) with every monetary measure,
    open from the policy's start to 2030 (made once per test)."""
    found = session.scalar(select(Round.id).where(Round.title == TEST_ROUND))
    if found is not None:
        return found
    policy = catalogue.published(session)[0]
    with clock.pinned(date(2024, 1, 1)):
        made = opening.open_round(session, actor=SYSTEM, policy_id=policy.id, title=TEST_ROUND,
                                  opens_on=date(2022, 7, 23), closes_on=date(2030, 12, 31),
                                  measures=[opening.MeasureIn(m.number) for m in policy.measures if m.monetary])
    return made.id


def apply(session: Session, who: User, *, matter: str, measure: int, amount: int, on: date,
          store: Path) -> Application:
    """A submitted application: draft, one PDF, the declaration, submission."""
    draft = applications.create_draft(session, actor=who, uscc=who.uscc, matter_key=matter,
                                      round_id=a_round(session), measure=measure, amount_requested=amount)
    applications.add_material(session, actor=who, application_id=draft.id, filename="申报书.pdf", content=PDF,
                              store=store)
    applications.declare(session, actor=who, application_id=draft.id)
    return step(session, "submit", who, draft, on=on).application


def resubmit(session: Session, who: User, app: Application, *, on: date) -> Application:
    """An application returned for correction submitted again: the declaration made again first (the earlier one
    answered for what was returned), then the submission."""
    applications.declare(session, actor=who, application_id=app.id)
    return step(session, "submit", who, app, on=on).application


def proposed_giants(session: Session, people, count: int, store: Path, *, proposing: int | None = None
                    ) -> list[Application]:
    """``count`` little giants' applications under measure 3, past the city; the first ``proposing`` (all unless
    said) with 80 万元 proposed by the department, ready for one 公示."""
    apps = []
    for i in range(count):
        app = apply(session, little_giant_firm(session, i), matter="h1", measure=3, amount=1_000_000,
                    on=date(2025, 9, 1), store=store)
        if app.state == "city_review":
            step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
        if i < (count if proposing is None else proposing):
            step(session, "propose", people.miit, app, on=date(2025, 9, 10), amount=800_000)
        apps.append(app)
    return apps


def to_announced(session: Session, who: User, reviewers: list[User], *, matter: str, measure: int, amount: int,
                 store: Path, proposed: int | None = None, starts_on: date = date(2025, 9, 29)) -> Application:
    """An application taken through review to 公示 (five working days from ``starts_on``)."""
    app = apply(session, who, matter=matter, measure=measure, amount=amount, on=date(2025, 9, 1), store=store)
    department = reviewers[-1]
    if app.state == "city_review":
        step(session, "pass_city", reviewers[0], app, on=date(2025, 9, 3))
    step(session, "propose", department, app, on=date(2025, 9, 10), amount=proposed or amount)
    step(session, "announce", department, app, on=date(2025, 9, 10), starts_on=starts_on)
    return app


@pytest.fixture(params=DATABASES)
def own_database(request, tmp_path) -> Iterator[Engine]:
    """A database of the test's own, for tests that commit (races); on SQLite, writes take the lock up front as
    the app's do."""
    with migrated(request.param, tmp_path) as engine:
        yield writer(engine) if request.param == "sqlite" else engine


@pytest.fixture
def pg() -> Iterator[Engine]:
    """A PostgreSQL schema of the test's own: tests that commit from threads (races) cannot share the rolled-back
    one."""
    engine, schema = postgres_schema()
    migrate(engine)
    yield engine
    drop_schema(engine, schema)


def batch_beside_one(engine: Engine, day: date, batch: Callable[[Session], dict[int, int]],
                     one: Callable[[Session], object]) -> tuple[dict[int, int], object]:
    """A batch and one step taken at the same moment on ``day``, each in a session of its own (threads behind a
    barrier, passed before any statement): what the batch said of each application (its status), and the single
    step's status (201, or its refusal's; anything else as its repr, for the assertion to show)."""
    barrier = threading.Barrier(2)
    said: dict[str, object] = {}

    def many() -> None:
        with Session(engine, expire_on_commit=False) as session, clock.pinned(day):
            barrier.wait()  # before any statement: on SQLite the first one takes the write lock
            said["batch"] = batch(session)

    def single() -> None:
        with Session(engine, expire_on_commit=False) as session, clock.pinned(day):
            barrier.wait()
            try:
                with session.begin_nested():
                    one(session)
                session.commit()
                said["single"] = 201
            except Exception as refused:  # the outcome is the caller's to assert
                said["single"] = getattr(refused, "status_code", repr(refused))

    threads = [threading.Thread(target=many), threading.Thread(target=single)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = said.get("batch")
    assert isinstance(outcomes, dict), said
    return outcomes, said.get("single")


def at_once(engine: Engine, acts: list[Callable[[Session], object]]) -> list[str]:
    """Each act in a transaction of its own, all started at the same moment (threads behind a barrier, passed
    before any statement: on SQLite the first statement takes the write lock); each outcome "done", "conflict"
    (409) or "not found" (404: the other had committed before this one read the record)."""
    barrier = threading.Barrier(len(acts))
    outcomes = [""] * len(acts)

    def one(index: int) -> None:
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                barrier.wait()
                acts[index](session)
            outcomes[index] = "done"
        except Conflict:
            outcomes[index] = "conflict"
        except NotFound:
            outcomes[index] = "not found"

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(acts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def while_held(engine: Engine, day: date, hold: Callable[[Session], object],
               other: Callable[[Session], object]) -> object:
    """``other`` begun, in a session of its own, while ``hold``'s transaction is open after its statements (held
    half a second more, then committed): what ``other`` came to, 201 or its refusal's message. For a step that
    must wait for a lock another step holds, and then see what that step did."""
    holding, said = threading.Event(), {}

    def second() -> None:
        holding.wait()
        with Session(engine, expire_on_commit=False) as session, clock.pinned(day):
            try:
                with session.begin():
                    other(session)
                said["other"] = 201
            except HuiqiError as refused:
                said["other"] = refused.message

    thread = threading.Thread(target=second)
    thread.start()
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin(), clock.pinned(day):
            hold(session)
            holding.set()
            time.sleep(0.5)  # the other has begun and waits for this transaction
    finally:
        holding.set()
        thread.join()
    return said.get("other")


def notice_days(year: int) -> list[tuple[str, str, str]]:
    """A test notice of ``year``'s holidays (invented dates, not a real notice): one day of each festival every
    notice names, as (date, kind, name)."""
    festivals = (("01-01", "元旦"), ("02-10", "春节"), ("04-05", "清明节"), ("05-01", "劳动节"), ("06-09", "端午节"),
                 ("09-15", "中秋节"), ("10-01", "国庆节"))
    return [(f"{year}-{day}", "holiday", name) for day, name in festivals]


def notice_lines(year: int) -> str:
    """``notice_days`` as the lines of the page's form, with the header."""
    return "date,kind,name\n" + "\n".join(",".join(day) for day in notice_days(year))
