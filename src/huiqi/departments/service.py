"""Departments from the policies: every provincial unit a measure names, with the dates it was named.

'各市政府' is not one unit but the city governments: their review is done by city reviewers bound
to a city (and 沈抚示范区管委会 for ``shenfu``), so it is not a department here.
"""

from datetime import date

from sqlalchemy.orm import Session

from huiqi.departments import repository
from huiqi.errors import Conflict
from huiqi.models import Department
from huiqi.rules.policy import Measure, Policy

CITY_GOVERNMENTS = "各市政府"


def unit_periods(policies: list[Policy]) -> dict[str, tuple[date, date | None]]:
    """Each unit named by any measure: the first day it was named, and the day it stopped being named
    anywhere (None while some measure still names it)."""
    periods: dict[str, tuple[date, date | None]] = {}
    for policy in policies:
        for measure in policy.measures:
            for name, since, until in _named(measure):
                first, last = periods.get(name, (since, until))
                periods[name] = (min(first, since), None if until is None or last is None else max(last, until))
    periods.pop(CITY_GOVERNMENTS, None)
    return periods


def _named(measure: Measure) -> list[tuple[str, date, date | None]]:
    spans = []
    for i, dated in enumerate(measure.units):
        until = measure.units[i + 1].since if i + 1 < len(measure.units) else None
        spans += [(name, dated.since, until) for name in dated.units]
    return spans


def sync(session: Session, *, policies: list[Policy]) -> list[Department]:
    """Add the units the policies name and update their dates; nothing is deleted."""
    for name, (since, until) in unit_periods(policies).items():
        unit = repository.by_name(session, name)
        if unit is None:
            repository.add(session, Department(name=name, since=since, until=until))
        else:
            unit.since, unit.until = min(unit.since, since), until
    session.flush()
    return repository.all_departments(session)


def city_reviews(measure: Measure, day: date) -> bool:
    """Whether an application under the measure goes first to the city's pre-review (初审) on ``day``: its units
    then include 各市政府."""
    return CITY_GOVERNMENTS in measure.units_at(day)


def lead_unit(measure: Measure, day: date) -> str:
    """The lead unit (牵头) of a measure on ``day``: the first one listed."""
    return measure.units_at(day)[0]


def lead_department(session: Session, *, measure: Measure, day: date) -> Department:
    """The department row of the measure's lead unit on ``day``."""
    name = lead_unit(measure, day)
    unit = repository.by_name(session, name)
    if unit is None:
        raise Conflict(f"责任单位 {name} 尚未登记，请先运行 huiqi db upgrade 后同步部门（huiqi demo seed 会同步）")
    return unit
