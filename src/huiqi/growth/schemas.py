"""A growth file as the services give it."""

from datetime import date

from pydantic import BaseModel, ConfigDict

# The most people a year's figures may count, for the page and the API alike: no enterprise employs more; a figure
# beyond it is a slip (an amount typed into the wrong box).
MAX_EMPLOYEES = 10_000_000


class Figures(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    year: int
    revenue: int | None
    rnd_spending: int | None
    profit: int | None
    employees: int | None


class Recognition(BaseModel):
    matter: str
    code: str
    label: str
    level: str | None
    date: date | None


class GrowthFile(BaseModel):
    uscc: str
    name: str | None
    figures: list[Figures]
    recognitions: list[Recognition]
    grants: list[dict]
