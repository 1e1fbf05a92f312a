"""Statistics by measure, city, department, year and state, with money in whole yuan."""

from datetime import date

import pytest

from huiqi.errors import InputError
from huiqi.statistics import service as statistics
from tests.dbtest import apply


def test_counts_and_money_by_every_dimension(session, people, tmp_path) -> None:
    apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    apply(session, people.bob, matter="p1", measure=13, amount=6_000_000, on=date(2025, 9, 1), store=tmp_path)
    rows = statistics.summary(session, actor=people.finance, by=("measure", "city", "department", "year", "state"))
    assert [(r.group, r.applications, r.requested) for r in rows] == [
        (
            {
                "policy": "ln-2022-35",
                "measure": 3,
                "city": "210100",
                "department": "省工业和信息化厅",
                "year": 2025,
                "state": "city_review",
            },
            1,
            1_000_000,
        ),
        (
            {
                "policy": "ln-2022-35",
                "measure": 13,
                "city": "210200",
                "department": "省科技厅",
                "year": 2025,
                "state": "department_review",
            },
            1,
            6_000_000,
        ),
    ]
    with pytest.raises(InputError):
        statistics.summary(session, actor=people.finance, by=("colour",))


def test_the_public_is_never_narrowed_by_state(session, people, tmp_path) -> None:
    """A filter the public may not use is refused by the service itself, not only left off its form."""
    with pytest.raises(InputError):
        statistics.summary(session, actor=None, by=("city",), where={"state": "approved"})
    where, problems = statistics.narrowing(session, {"state": "approved", "city": "shenfu"}, public=True)
    assert (where, problems) == ({"city": "shenfu"}, [])
