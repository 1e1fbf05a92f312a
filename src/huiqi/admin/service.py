"""The policy catalogue for the admin: every version loaded and checked as ``huiqi policy check`` does, with
each parameter's dated values and each measure's responsible units over time."""

from datetime import date

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.admin.schemas import DatedValueRead, ParameterHistory, PolicyFileRead, UnitsRead
from huiqi.catalogue import service as catalogue
from huiqi.errors import PolicyFileError
from huiqi.models import PolicyVersion, User
from huiqi.money import wan
from huiqi.rules.loader import load_text
from huiqi.rules.params import Parameter
from huiqi.rules.policy import Policy


def policy_files(session: Session, *, actor: User) -> list[PolicyFileRead]:
    """Every version in the catalogue, by policy then age: what it holds, or why it does not load."""
    return [version(row) for row in catalogue.versions(session, actor=actor)]


def draft_texts(session: Session, *, actor: User) -> dict[int, str]:
    """Each draft's stored text, by version: its edit form opens with it, to be mended rather than pasted whole."""
    return {row.id: row.text for row in catalogue.versions(session, actor=actor) if row.state == "draft"}


def version(row: PolicyVersion) -> PolicyFileRead:
    about = {"version_id": row.id, "state": row.state, "drafted_by": row.drafted_by, "published_by": row.published_by,
             "published_at": row.published_at, "published_on": row.published_on, "note": row.note,
             "file": row.file_name}
    try:
        policy = load_text(row.text, row.file_name)
    except PolicyFileError as error:
        return PolicyFileRead(**about, state_label=catalogue.STATE_LABELS[row.state], ok=False,
                              problems=error.problems, id=row.policy_id, number=row.number, title=row.title)
    return read(policy, about | {"state_label": catalogue.status(row, policy, clock.today())})


def read(policy: Policy, about: dict) -> PolicyFileRead:
    rules = sum(len(m.rules) + len(m.services) + len(m.local) for m in policy.measures)
    today = clock.today()
    window = [history(None, policy.window_start), history(None, policy.window_end)]
    params = window + [history(None, p) for p in policy.parameters.values()]
    params += [history(m.number, p) for m in policy.measures for p in m.parameters.values()]
    units = [UnitsRead(measure=m.number, since=u.since, units=list(u.units), source=u.source)
             for m in policy.measures for u in m.units]
    return PolicyFileRead(**about, ok=True, problems=[], situations=len(policy.situations),
                          failing=catalogue.failing(policy), warnings=list(policy.warnings),
                          succeeds=policy.succeeds, id=policy.id, number=policy.number, title=policy.title,
                          version=policy.version, window_start=policy.window_start.at(today, today),
                          window_end=policy.window_end_at(today), measures=len(policy.measures), rules=rules,
                          parameters=params, units=units)


def history(measure: int | None, param: Parameter) -> ParameterHistory:
    return ParameterHistory(measure=measure, name=param.name, label=param.label, kind=param.kind,
                            values=[shown(param.kind, v.since, v.value, v.source) for v in param.values])


def shown(kind: str, since: date, value, source: str) -> DatedValueRead:
    """A value as people read it and as machines take it (money in yuan, rates as fractions)."""
    if kind == "money":
        return DatedValueRead(since=since, value=f"{wan(value)}万元", raw=value, source=source)
    if kind == "rate":
        return DatedValueRead(since=since, value=f"{value.numerator * 100 / value.denominator:g}%",
                              raw=f"{value.numerator}/{value.denominator}", source=source)
    raw = value if isinstance(value, int) else str(value)
    return DatedValueRead(since=since, value=str(value), raw=raw, source=source)
