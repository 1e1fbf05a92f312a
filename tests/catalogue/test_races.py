"""Two admins publishing at once, on PostgreSQL and on SQLite: one version ends in force, the other gets a 409;
the catalogue never holds two published versions of one policy, and neither admin is told 已发布 of a version
that the other's replaced at once."""

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, InputError
from huiqi.models import PolicyVersion, RoundMeasure, User
from huiqi.rounds import editing, opening
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from tests.dbtest import at_once

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"
DAY = date(2025, 9, 1)


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


def _round_with_measure_1(engine: Engine, publishers: list[int], first: int) -> tuple[int, int]:
    """The fixture policy in force with a round open for its measure 1, and a draft that drops its measure 5."""
    text = SECOND.read_text("utf-8")
    with Session(engine, expire_on_commit=False) as session, session.begin(), clock.pinned(DAY):
        admin, other = (session.get(User, who) for who in publishers)
        catalogue.publish(session, actor=other, version_id=first)
        found = opening.open_round(session, actor=admin, policy_id="test-successor", title="测试批次", opens_on=DAY,
                                   closes_on=date(2025, 9, 30), measures=[opening.MeasureIn(1)])
        dropped = text.split("  - number: 5")[0] + "situations:" + text.split("situations:")[1]
        return found.id, catalogue.add(session, actor=admin, text=dropped, file_name="1.yaml").id


def test_a_measure_added_to_a_round_while_a_version_dropping_it_is_published(own_database) -> None:
    """One of the two: the measure is added and the version refused, or the version in force and no round offers a
    measure it no longer has."""
    engine = own_database
    publishers, drafts = _setup(engine)
    round_id, draft = _round_with_measure_1(engine, publishers, drafts[0])

    def add(session) -> None:
        with clock.pinned(DAY):
            try:
                editing.add_measure(session, actor=session.get(User, publishers[0]), round_id=round_id,
                                    measure=opening.MeasureIn(5))
            except InputError as refused:  # the version came first: measure 5 is no longer there to add
                raise Conflict(refused.message) from None

    def publish(session) -> None:
        with clock.pinned(DAY):
            catalogue.publish(session, actor=session.get(User, publishers[1]), version_id=draft)

    outcomes = at_once(engine, [add, publish])
    assert outcomes.count("done") == 1, outcomes
    with Session(engine) as session:
        offered = {m.measure for m in session.scalars(select(RoundMeasure).where(RoundMeasure.round_id == round_id))}
        in_force = session.get(PolicyVersion, draft).state == "published"
    assert offered == ({1} if in_force else {1, 5}), (outcomes, offered)


def test_one_document_under_two_ids_published_at_once(own_database) -> None:
    """The same 文号 drafted under two policy ids, published at once: one goes in force, the other is refused."""
    engine = own_database
    publishers, drafts = _setup(engine)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        text = SECOND.read_text("utf-8").replace("id: test-successor", "id: test-successor-b", 1)
        other = catalogue.add(session, actor=session.get(User, publishers[0]), text=text, file_name="b.yaml").id
    outcomes = at_once(engine, [_publishing(publishers[0], drafts[0]), _publishing(publishers[1], other)])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(engine) as session:
        numbers = session.scalars(select(PolicyVersion.number).where(PolicyVersion.state == "published")).all()
    assert list(numbers).count("测试〔2024〕1号") == 1, numbers
