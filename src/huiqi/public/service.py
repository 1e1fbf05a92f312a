"""Policies as the public reads them: each measure with its units and parameters in force on a day."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from huiqi.catalogue import service as catalogue
from huiqi.money import wan
from huiqi.public.schemas import DatedRead, MeasureRead, ParameterRead, PolicyDetail, PolicyRead
from huiqi.rules.case import Case
from huiqi.rules.match import match
from huiqi.rules.params import Parameter
from huiqi.rules.policy import Measure, Policy
from huiqi.rules.questions import AdvisedAnswer, advise


def policies(session: Session) -> list[Policy]:
    """The policies in force (the catalogue's published versions)."""
    return catalogue.published(session)


def answer(case: Case, as_of: date, policies: list[Policy]) -> AdvisedAnswer:
    """The case matched against ``policies`` (the catalogue's in force) on ``as_of``, with the questions to ask
    next and what would change each "no" (run here or in a match process)."""
    return advise(match(case, policies, as_of), case, policies)


def answer_sent(case: str, as_of: date, texts: tuple[str, ...]) -> AdvisedAnswer:
    """``answer`` in a match process: the policies arrive as their texts (parsed once per process, by digest) and
    the case as its JSON (``Case.model_dump_json()``: a case's choice enums do not pickle), validated again there."""
    policies = catalogue.from_texts(texts)
    return answer(Case.model_validate_json(case), as_of, policies)


def answer_json(case: str, as_of: date, texts: tuple[str, ...]) -> bytes:
    """The same answer as JSON, serialized where it was computed (a match process sends bytes back)."""
    return answer_sent(case, as_of, texts).model_dump_json().encode()


def measure_titles(session: Session) -> dict[tuple[str, int], str]:
    """Each measure's title by (policy id, number), for lists that name measures."""
    return {(p.id, m.number): m.title for p in policies(session) for m in p.measures}


def policy(session: Session, policy_id: str) -> Policy:
    return catalogue.policy(session, policy_id)


def read(p: Policy, day: date) -> PolicyRead:
    return PolicyRead(id=p.id, number=p.number, title=p.title, issuer=p.issuer, issued=p.issued,
                      window_start=p.window_start.at(day, day), window_end=p.window_end_at(day),
                      expired=p.expired(day), version=p.version, stacking=p.stacking, succeeds=p.succeeds)


def detail(p: Policy, day: date) -> PolicyDetail:
    return PolicyDetail(**read(p, day).model_dump(), preamble=p.preamble, closing=p.closing, validity=p.validity,
                        measures=[measure(m, day) for m in p.measures])


def measure(m: Measure, day: date) -> MeasureRead:
    return MeasureRead(
        number=m.number, chapter=m.chapter, title=m.title, kind=m.kind, clause=m.clause,
        units=list(m.units_at(day)), parameters=[_parameter(x, day) for x in m.parameters.values()],
        rules=[r.name for r in m.rules], services=[r.name for r in m.services], local=[r.name for r in m.local],
    )


def _parameter(param: Parameter, day: date) -> ParameterRead:
    current = [v for v in param.values if v.since <= day] or [param.values[0]]
    shown, raw = _shown(param.kind, param.at(day, day))
    dated = [DatedRead(value=_shown(param.kind, v.value)[0], raw=_shown(param.kind, v.value)[1], since=v.since,
                       until=after.since - timedelta(days=1) if after else None, source=v.source)
             for v, after in zip(param.values, [*param.values[1:], None], strict=True)]
    return ParameterRead(name=param.name, label=param.label, kind=param.kind, value=shown, raw=raw,
                         since=current[-1].since, source=current[-1].source, values=dated)


def _shown(kind: str, value: Any) -> tuple[str, int | str]:
    """A parameter's value as people read it (1000万元, 30%, 2025-12-31) and as the API carries it (yuan, the
    fraction, ISO).

    >>> from fractions import Fraction
    >>> _shown("money", 1_400_000), _shown("rate", Fraction(3, 10)), _shown("date", date(2025, 12, 31))
    (('140万元', 1400000), ('30%', '3/10'), ('2025-12-31', '2025-12-31'))
    """
    if kind == "money":
        return f"{wan(value)}万元", value
    if kind == "rate":
        return f"{value.numerator * 100 / value.denominator:g}%", f"{value.numerator}/{value.denominator}"
    return str(value), value if isinstance(value, int) else str(value)
