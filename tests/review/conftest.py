"""The review tests' application: Alice's, waiting for 沈阳."""

from datetime import date

import pytest

from tests.dbtest import apply

ON = date(2025, 9, 1)


@pytest.fixture
def alice_h1(session, people, tmp_path):
    """Alice's 小巨人 honour under measure 3: 沈阳 pre-reviews, then 工信厅."""
    return apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=ON, store=tmp_path / "materials")
