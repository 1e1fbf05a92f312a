"""Policies as the public reads them: each measure with its units and parameters in force on a day."""

from datetime import date
from functools import cache

from huiqi.errors import NotFound
from huiqi.money import wan
from huiqi.public.schemas import MeasureRead, ParameterRead, PolicyDetail, PolicyRead
from huiqi.rules.case import Case
from huiqi.rules.loader import load_many
from huiqi.rules.match import match
from huiqi.rules.policy import Measure, Policy
from huiqi.rules.questions import AdvisedAnswer, advise


def policies() -> list[Policy]:
    """The shipped policies (loaded and checked once per process)."""
    return load_many()


def answer(case: Case, as_of: date) -> AdvisedAnswer:
    """The case matched against the shipped policies on ``as_of``, with the questions to ask next and what would
    change each "no" (run here or in a match process)."""
    shipped = policies()
    return advise(match(case, shipped, as_of), case, shipped)


def answer_sent(case: str, as_of: date) -> AdvisedAnswer:
    """``answer`` for a case sent to a match process as its JSON (``Case.model_dump_json()``: a case's choice
    enums are made at import and do not pickle), validated again there."""
    return answer(Case.model_validate_json(case), as_of)


def answer_json(case: str, as_of: date) -> bytes:
    """The same answer as JSON, serialized where it was computed (a match process sends bytes back)."""
    return answer_sent(case, as_of).model_dump_json().encode()


@cache
def measure_titles() -> dict[tuple[str, int], str]:
    """Each measure's title by (policy id, number), for lists that name measures."""
    return {(p.id, m.number): m.title for p in policies() for m in p.measures}


def policy(policy_id: str) -> Policy:
    found = next((p for p in policies() if p.id == policy_id), None)
    if found is None:
        raise NotFound(f"没有政策 {policy_id}")
    return found


def read(p: Policy, day: date) -> PolicyRead:
    return PolicyRead(id=p.id, number=p.number, title=p.title, issuer=p.issuer, issued=p.issued,
                      window_start=p.window_start.at(day, day), window_end=p.window_end_at(day),
                      expired=p.expired(day), version=p.version, stacking=p.stacking)


def detail(p: Policy, day: date) -> PolicyDetail:
    return PolicyDetail(**read(p, day).model_dump(), preamble=p.preamble, closing=p.closing, validity=p.validity,
                        measures=[measure(m, day) for m in p.measures])


def measure(m: Measure, day: date) -> MeasureRead:
    return MeasureRead(
        number=m.number, chapter=m.chapter, title=m.title, kind=m.kind, clause=m.clause,
        units=list(m.units_at(day)), parameters=[_parameter(x, day) for x in m.parameters.values()],
        rules=[r.name for r in m.rules], services=[r.name for r in m.services], local=[r.name for r in m.local],
    )


def _parameter(param, day: date) -> ParameterRead:
    value = param.at(day, day)
    current = [v for v in param.values if v.since <= day] or [param.values[0]]
    if param.kind == "money":
        shown, raw = f"{wan(value)}万元", value
    elif param.kind == "rate":
        shown, raw = f"{value.numerator * 100 / value.denominator:g}%", f"{value.numerator}/{value.denominator}"
    else:
        shown, raw = str(value), value if isinstance(value, int) else str(value)
    return ParameterRead(name=param.name, label=param.label, kind=param.kind, value=shown, raw=raw,
                         since=current[-1].since, source=current[-1].source)
