"""Two admins publishing at once, on PostgreSQL and on SQLite: one version ends in force, the other gets a 409;
the catalogue never holds two published versions of one policy, and neither admin is told 已发布 of a version
that the other's replaced at once."""

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
                  for i, t in enumerate((text, text.replace("title: （测试用）", "title: （测试用，修订）")))]
        return [u.id for u in made[1:]], [d.id for d in drafts]


def _published(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(PolicyVersion).where(
            PolicyVersion.policy_id == "test-successor", PolicyVersion.state == "published"))


def _publishing(who: int, version: int, seen: int | None = None):
    return lambda session: catalogue.publish(session, actor=session.get(User, who), version_id=version, seen=seen)


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


def test_two_versions_published_at_once_over_the_one_in_force(own_database) -> None:
    """Both admins saw the same version in force: the one published second must not replace the first's at once
    (it was in force for 60 ms, both told 已发布)."""
    engine = own_database
    publishers, drafts = _setup(engine)
    text = SECOND.read_text("utf-8").replace("title: （测试用）", "title: （测试用，再修订）")
    with Session(engine, expire_on_commit=False) as session, session.begin():
        third = catalogue.add(session, actor=session.get(User, publishers[0]), text=text, file_name="2.yaml").id
        catalogue.publish(session, actor=session.get(User, publishers[1]), version_id=third, seen=0)
    outcomes = at_once(engine, [_publishing(who, drafts[i], seen=third) for i, who in enumerate(publishers)])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    assert _published(engine) == 1
    with Session(engine) as session:
        states = [session.get(PolicyVersion, d).state for d in (third, *drafts)]
    assert states[0] == "superseded" and sorted(states[1:]) == ["draft", "published"], states
