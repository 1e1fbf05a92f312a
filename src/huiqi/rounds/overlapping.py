"""Rounds that overlap: another round of the same policy, not closed, taking one of a round's measures on one of
its days. Allowed (a supplementary round beside the yearly one), and said to whoever opens or extends one."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.models import Round
from huiqi.rounds import repository


@dataclass(frozen=True)
class Overlap:
    """Another round, not closed, of the same policy that takes some of a round's measures on some of its days."""

    other: Round
    measures: tuple[int, ...]

    def __str__(self) -> str:
        listed = "、".join(f"措施{n}" for n in self.measures)
        return (f"{listed}也在批次「{self.other.title}」（{self.other.opens_on} 至 {self.other.closes_on}）中受理，"
                "时间重叠")


SAME_MEASURE = "同一事项只能在其中一个批次申报，“立即申报”和政策直达指向截止较晚的批次"


def overlaps(session: Session, found: Round) -> list[Overlap]:
    """The other rounds of ``found``'s policy, not closed, that take one of its measures on one of its days (oldest
    first): allowed, and said to whoever opens ``found`` (``SAME_MEASURE``: what it means for the enterprises)."""
    numbers = [m.measure for m in repository.measures(session, found.id)]
    taken: dict[int, tuple[Round, list[int]]] = {}
    for other, number in repository.overlapping(session, found, numbers, clock.today()):
        taken.setdefault(other.id, (other, []))[1].append(number)
    return [Overlap(other, tuple(shared)) for other, shared in taken.values()]


def overlap_warnings(session: Session, found: Round, measure: int | None = None) -> list[str]:
    """What the person who opened or extended ``found`` is told of the rounds it overlaps, one sentence each; who
    added ``measure`` to it, of the rounds that take that measure on its days (not again of those it overlapped)."""
    found_overlaps = overlaps(session, found)
    if measure is not None:
        found_overlaps = [Overlap(o.other, (measure,)) for o in found_overlaps if measure in o.measures]
    return [f"{o}：{SAME_MEASURE}" for o in found_overlaps]


def standing_overlaps(session: Session, found: list[Round]) -> dict[int, list[Overlap]]:
    """The overlaps of each round that still takes applications or will (the rounds page says them on the round)."""
    today = clock.today()
    return {r.id: shared for r in found if r.closed_at is None and r.closes_on >= today
            if (shared := overlaps(session, r))}
