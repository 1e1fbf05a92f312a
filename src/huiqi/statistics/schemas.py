"""One row of statistics."""

from pydantic import BaseModel

DIMENSIONS = ("policy", "measure", "city", "department", "year", "state")


class StatRow(BaseModel):
    """Counts and sums (元) for one group; the group's keys are in ``group``."""

    group: dict[str, str | int | None]
    applications: int
    requested: int
    approved: int
    approved_amount: int
    disbursed_amount: int
