"""Statistics within the actor's scope: submitted applications, approvals and money, grouped by any
of measure, city, department, year (of submission) and state. Drafts never submitted are the
applicant's own business and are not counted. A policy analyst, who reads no application, reads the
province's sums."""

from collections.abc import Mapping

from sqlalchemy.orm import Session

from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.labels import Problem
from huiqi.models import User
from huiqi.reference.divisions import cities
from huiqi.statistics import repository
from huiqi.statistics.schemas import DIMENSIONS, StatRow
from huiqi.users.scope import Scope, sums_scope
from huiqi.validation import ascii_digits
from huiqi.workflow.states import STATES

# What the public reads (数据公开): the province's sums by policy, measure, city, responsible department (责任单位,
# who answers for them) and year, never by state (where an application stands is its applicant's business until its
# 公示); a group is shown only where something was approved (``statistics.pages``).
PUBLIC_DIMENSIONS = ("policy", "measure", "city", "department", "year")


# What the figures may be narrowed to (one value each), with the label the forms and the Excel title say; the public
# narrows by what it may group by (never by state).
FILTER_LABELS = {"year": "申报年度", "policy": "政策", "city": "城市", "state": "状态"}
PUBLIC_FILTERS = tuple(name for name in FILTER_LABELS if name in PUBLIC_DIMENSIONS)


def narrowing(session: Session, given: Mapping[str, str | None], *,
              public: bool) -> tuple[dict[str, str | int], list[Problem]]:
    """The filters asked for (blank ones are none), each checked: a year as a number, a policy published, a city of
    Liaoning (沈抚示范区 included), a state the workflow knows; the wrong ones said by their field."""
    where: dict[str, str | int] = {}
    problems = []
    for name in PUBLIC_FILTERS if public else tuple(FILTER_LABELS):
        value = (given.get(name) or "").strip()
        if name == "year":  # a year typed with a Chinese input method (２０２５) reads as typed in ASCII
            value = ascii_digits(value)
        if not value:
            continue
        reason = _filter_problem(session, name, value)
        if reason:
            problems.append(Problem(FILTER_LABELS[name], reason, name))
        else:
            where[name] = int(value) if name == "year" else value
    return where, problems


def narrowed(session: Session, given: Mapping[str, str | None], *, public: bool) -> dict[str, str | int]:
    """The filters asked for (``narrowing``), a wrong one refused by its Chinese name (an Excel, the API)."""
    where, problems = narrowing(session, given, public=public)
    if problems:
        raise InputError(list(problems))
    return where


def _filter_problem(session: Session, name: str, value: str) -> str | None:
    if name == "year":
        whole = value.isascii() and value.isdigit()
        return None if whole and 2000 <= int(value) <= 2100 else "应为 2000 至 2100 的年份"
    if name == "policy":
        return None if value in {p.id for p in catalogue.published(session)} else "应为已发布的政策之一"
    if name == "city":
        return None if value in cities() else "应为辽宁省的市（含沈抚示范区）之一"
    return None if value in STATES or value in repository.STANDING_LABELS else "不是申报的状态之一"


def summary(session: Session, *, actor: User | None, by: tuple[str, ...] = ("measure",),
            where: Mapping[str, str | int] | None = None) -> list[StatRow]:
    """Counts and sums grouped by ``by``, over what the actor may see narrowed by ``where`` (checked by
    ``narrowing``); for the public (no actor), the province's, by ``PUBLIC_DIMENSIONS`` only."""
    if set(where or {}) - set(FILTER_LABELS if actor is not None else PUBLIC_FILTERS):
        raise InputError([("筛选", f"应为 {', '.join(FILTER_LABELS if actor is not None else PUBLIC_FILTERS)}")])
    allowed = DIMENSIONS if actor is not None else PUBLIC_DIMENSIONS
    unknown = [name for name in by if name not in allowed]
    if unknown or not by:
        raise InputError([("by", f"分组应为 {', '.join(allowed)} 中的一项或几项")])
    if "measure" in by and "policy" not in by:  # a measure's number means something only within its policy
        at = by.index("measure")
        by = (*by[:at], "policy", *by[at:])
    rows = repository.grouped(session, sums_scope(actor) if actor is not None else Scope(), tuple(by), where)
    n = len(by)
    return [StatRow(group=dict(zip(by, row[:n], strict=True)), applications=row[n], requested=int(row[n + 1]),
                    proposed_amount=int(row[n + 2]), approved=row[n + 3], approved_amount=int(row[n + 4]),
                    disbursed_amount=int(row[n + 5]))
            for row in rows]
