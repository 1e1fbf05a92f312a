"""Rounds of one policy that take the same measure on the same days: both are opened, and whoever opens the later
is told which rounds, measures and dates it meets. An application names its round and a matter has one live
application, so the overlap leaves no application's round in doubt; where one round must be chosen for a measure
(立即申报, 政策直达) it is the one closing last."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications import service as applications
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict
from huiqi.models import Round, User
from huiqi.rounds import editing, opening, overlapping
from huiqi.rounds import service as rounds
from huiqi.users.scope import SYSTEM
from tests.dbtest import ALICE_USCC, make_people, while_held

OPENS, CLOSES = date(2025, 7, 1), date(2025, 8, 18)
MEANS = "同一事项只能在其中一个批次申报，“立即申报”和政策直达指向截止较晚的批次"
SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"


def _open(session, who, title, *numbers, opens=OPENS, closes=CLOSES, on=None, policy="ln-2022-35"):
    """The round opened on ``on`` (its first day when not given), and what its opener is told."""
    with clock.pinned(on or opens):
        found = opening.open_round(session, actor=who, policy_id=policy, title=title, opens_on=opens, closes_on=closes,
                                   measures=[opening.MeasureIn(n) for n in numbers])
        return found, overlapping.overlap_warnings(session, found)


def test_whoever_opens_a_round_beside_another_taking_the_same_measures_is_told(session, people) -> None:
    assert _open(session, people.admin, "2025年度申报", 3, 4, 13)[1] == []
    _, told = _open(session, people.miit, "2025年度补报", 3, 4, 6, opens=date(2025, 8, 1), closes=date(2025, 9, 30))
    assert told == [f"措施3、措施4也在批次「2025年度申报」（2025-07-01 至 2025-08-18）中受理，时间重叠：{MEANS}"]
    # Both dates count: a round opening on the other's deadline meets it on that day.
    _, both = _open(session, people.admin, "第三批", 3, 13, opens=CLOSES, closes=date(2025, 8, 31))
    assert [w.split("，时间重叠")[0] for w in both] == [
        "措施3、措施13也在批次「2025年度申报」（2025-07-01 至 2025-08-18）中受理",
        "措施3也在批次「2025年度补报」（2025-08-01 至 2025-09-30）中受理"]
    assert len(rounds.listed(session)) == 3  # all opened


def test_no_word_for_other_days_other_measures_or_another_policy(session, people) -> None:
    _open(session, people.admin, "2025年度申报", 3, 5)
    assert _open(session, people.admin, "秋季批次", 3, 5, opens=date(2025, 8, 19), closes=date(2025, 9, 30))[1] == []
    assert _open(session, people.admin, "其他措施", 4, 13)[1] == []
    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second-policy.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=draft.id)
    assert _open(session, people.admin, "新政策批次", 5, policy="test-successor")[1] == []


def test_a_round_closed_or_past_its_deadline_is_not_named(session, people) -> None:
    early, _ = _open(session, people.admin, "提前结束的批次", 3)
    with clock.pinned(date(2025, 7, 10)):
        editing.close(session, actor=people.admin, round_id=early.id)  # its deadline is now 2025-07-10
    assert _open(session, people.admin, "接续批次", 3, opens=date(2025, 7, 5), on=date(2025, 7, 10))[1] == []
    _open(session, people.admin, "已截止的批次", 13, closes=date(2025, 7, 31))
    # Opened on 2025-08-05 with its dates from 2025-07-20: the other stopped taking applications on 2025-07-31.
    assert _open(session, people.admin, "补开批次", 13, opens=date(2025, 7, 20), on=date(2025, 8, 5))[1] == []


def test_a_matter_is_applied_for_in_one_of_two_overlapping_rounds(session, people) -> None:
    """What the warning says: one live application per matter whichever round it names; 立即申报 leads to the
    round closing last."""
    first, _ = _open(session, people.admin, "2025年度申报", 3)
    later, _ = _open(session, people.admin, "2025年度补报", 3, opens=date(2025, 8, 1), closes=date(2025, 9, 30))
    with clock.pinned(date(2025, 8, 5)):
        applications.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key="h1", round_id=first.id,
                                  measure=3, amount_requested=1_000_000)
        with pytest.raises(Conflict, match="已有在办申报"):
            applications.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key="h1",
                                      round_id=later.id, measure=3, amount_requested=1_000_000)
        assert rounds.open_by_measure(session)[("ln-2022-35", 3)].id == later.id


def test_two_overlapping_rounds_opened_at_once_the_later_is_told_of_the_earlier(own_database) -> None:
    """Opened while the first's transaction is still open, the second waits for it (the policy's lock, taken before
    the round is written) and is then told of it: one outcome, as if they had come one after the other."""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        make_people(session)
    told: dict[str, list[str]] = {}

    def open_titled(title: str):
        def act(session: Session) -> None:
            admin = session.scalar(select(User).where(User.username == "admin"))
            told[title] = _open(session, admin, title, 3)[1]
        return act

    assert while_held(own_database, OPENS, open_titled("先开的批次"), open_titled("后开的批次")) == 201
    assert told == {"先开的批次": [],
                    "后开的批次": [f"措施3也在批次「先开的批次」（2025-07-01 至 2025-08-18）中受理，时间重叠：{MEANS}"]}
    with Session(own_database) as session:
        assert sorted(session.scalars(select(Round.title))) == ["先开的批次", "后开的批次"]


def test_a_deadline_extended_while_a_round_is_opened_waits_and_is_told_of_it(own_database) -> None:
    """Extending waits for a round of its policy being opened (the policy's lock, taken before the round's row, in
    the order ``open_round`` takes them) and is then told of the overlap the extension makes."""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        early, _ = _open(session, people.admin, "早批次", 3, closes=date(2025, 7, 31))
    told: list[str] = []

    def extending(session: Session) -> None:
        admin = session.scalar(select(User).where(User.username == "admin"))
        found = editing.extend(session, actor=admin, round_id=early.id, closes_on=date(2025, 8, 31),
                               seen=date(2025, 7, 31), reason="企业申请延期")
        told.extend(overlapping.overlap_warnings(session, found))

    def open_later(session: Session) -> None:
        admin = session.scalar(select(User).where(User.username == "admin"))
        _open(session, admin, "晚批次", 3, opens=date(2025, 8, 15), closes=date(2025, 9, 30), on=OPENS)

    assert while_held(own_database, OPENS, open_later, extending) == 201
    assert told == [f"措施3也在批次「晚批次」（2025-08-15 至 2025-09-30）中受理，时间重叠：{MEANS}"]
