"""Two admins publishing at once, on PostgreSQL and on SQLite: one version ends in force, the other gets a 409;
the catalogue never holds two published versions of one policy."""

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from huiqi.catalogue import service as catalogue
from huiqi.db import make_engine, writer
from huiqi.errors import Conflict
from huiqi.models import PolicyVersion, User
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from tests.dbtest import DATABASES, drop_schema, migrate, postgres_schema

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"


@pytest.fixture(params=DATABASES)
def engine(request, tmp_path):
    """A database of its own (these tests commit); on SQLite, writes take the lock up front as the app's do."""
    if request.param == "sqlite":
        found = make_engine(f"sqlite:///{tmp_path / 'race.db'}")
        migrate(found)
        yield writer(found)
        found.dispose()
        return
    found, schema = postgres_schema()
    migrate(found)
    yield found
    drop_schema(found, schema)


def _race(engine: Engine, people: list[int], act) -> list[str]:
    barrier = threading.Barrier(len(people))
    outcomes = [""] * len(people)

    def one(index: int, user_id: int) -> None:
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                barrier.wait()
                act(session, session.get(User, user_id), index)
            outcomes[index] = "done"
        except Conflict:
            outcomes[index] = "conflict"

    threads = [threading.Thread(target=one, args=(i, u)) for i, u in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _setup(engine: Engine) -> tuple[list[int], list[int]]:
    """Three admins (one drafts, two publish) and two drafts of the same policy."""
    text = SECOND.read_text("utf-8")
    with Session(engine, expire_on_commit=False) as session, session.begin():
        made = [users.create_user(session, actor=SYSTEM, username=f"admin{i}", display_name=f"管理员{i}",
                                  role="admin", password="long enough password") for i in range(3)]
        drafts = [catalogue.add(session, actor=made[0], text=t, file_name=f"{i}.yaml")
                  for i, t in enumerate((text, text.replace("测试〔2024〕1号", "测试〔2024〕2号")))]
        return [u.id for u in made[1:]], [d.id for d in drafts]


def _published(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(PolicyVersion).where(
            PolicyVersion.policy_id == "test-successor", PolicyVersion.state == "published"))


def test_the_same_draft_published_twice_at_once(engine) -> None:
    publishers, drafts = _setup(engine)
    outcomes = _race(engine, publishers,
                     lambda session, who, _: catalogue.publish(session, actor=who, version_id=drafts[0]))
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    assert _published(engine) == 1


def test_two_versions_of_one_policy_published_at_once(engine) -> None:
    publishers, drafts = _setup(engine)
    outcomes = _race(engine, publishers,
                     lambda session, who, i: catalogue.publish(session, actor=who, version_id=drafts[i]))
    assert "done" in outcomes and set(outcomes) <= {"done", "conflict"}, outcomes
    assert _published(engine) == 1  # the later one supersedes the earlier, or is refused: never both
