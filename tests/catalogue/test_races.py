"""Two admins publishing at once, on PostgreSQL and on SQLite: one version ends in force, the other gets a 409;
the catalogue never holds two published versions of one policy."""

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from huiqi.catalogue import service as catalogue
from huiqi.models import PolicyVersion, User
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from tests.dbtest import at_once

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"


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


def _publishing(who: int, version: int):
    return lambda session: catalogue.publish(session, actor=session.get(User, who), version_id=version)


def test_the_same_draft_published_twice_at_once(own_database) -> None:
    engine = own_database
    publishers, drafts = _setup(engine)
    outcomes = at_once(engine, [_publishing(who, drafts[0]) for who in publishers])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    assert _published(engine) == 1


def test_two_versions_of_one_policy_published_at_once(own_database) -> None:
    engine = own_database
    publishers, drafts = _setup(engine)
    outcomes = at_once(engine, [_publishing(who, drafts[i]) for i, who in enumerate(publishers)])
    assert "done" in outcomes and set(outcomes) <= {"done", "conflict"}, outcomes
    assert _published(engine) == 1  # the later one supersedes the earlier, or is refused: never both
