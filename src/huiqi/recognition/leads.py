"""Who imports and withdraws a recognition list, and runs its failed matching again: an administrator any list; a
department only a list of a category that feeds a measure its unit leads (牵头) on the business day, the lead unit
as review reads it (``lead_unit``: the first unit the measure names that day).

A category feeds a measure when one of the measure's rules (those that make offers, 政策直达) reaches it or names it in
a condition (its own or its policy's general ones): 瞪羚 feeds 措施2, 世界500强 措施1 through its holder's condition. A
category may feed measures of several units, even of several policies: a department leading at least one of them may
act, on the whole list. A list is one published document whose rows are facts, not one unit's offers, so importing
it makes every offer its rows support and withdrawing it withdraws all of them, whichever units lead those measures;
the units whose measures it feeds are the ones who answer for it. A category that feeds no measure is for an
administrator alone. Refusals name the measures and their lead units."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.departments.service import lead_unit
from huiqi.errors import Forbidden
from huiqi.labels import measure_cited
from huiqi.models import Department, RecognitionList, User
from huiqi.rules.expr import codes_named
from huiqi.rules.policy import Policy
from huiqi.users.roles import ROLE_LABELS, Role


@dataclass(frozen=True)
class Fed:
    """A measure a category feeds: as messages cite it (措施N), and its lead unit on the day."""

    cited: str
    lead: str


def fed(session: Session, code: str, day: date) -> list[Fed]:
    """The measures (of the policies in force) a category feeds, in the catalogue's order, each with its lead unit."""
    policies = catalogue.published(session)
    numbers = {p.id: p.number for p in policies}
    return [Fed(measure_cited(m.number, p.id, numbers), lead_unit(m, day))
            for p in policies for m in p.measures if m.rules and _feeds(p, m.rules, code)]


def _feeds(policy: Policy, rules: Iterable, code: str) -> bool:
    """Whether the rules (a measure's, under ``policy``'s general conditions) reach the code or read it."""
    if any(code in codes_named(c.node) for c in policy.general):
        return True
    return any(code in r.reaches or any(code in codes_named(c.node) for c in r.conditions) for r in rules)


def _unit(session: Session, actor: User) -> str | None:
    """The unit a department reviewer acts for (None for anyone else)."""
    unit = session.get(Department, actor.department_id) if actor.role == Role.DEPARTMENT else None
    return unit.name if unit is not None else None


def permitted(session: Session, actor: User, codes: Iterable[str]) -> set[str]:
    """Of ``codes``, the categories whose lists ``actor`` may import and withdraw (all of them for an admin)."""
    if actor.role in (Role.ADMIN, Role.SYSTEM):
        return set(codes)
    unit, day = _unit(session, actor), clock.today()
    if unit is None:
        return set()
    return {code for code in codes if any(f.lead == unit for f in fed(session, code, day))}


@dataclass(frozen=True)
class Allowed:
    """What the caller may do with one imported list, as the lists page offers it (its buttons) and the API says it:
    withdraw it (in force), run its failed matching again (in force, its matching failed). Both are for whoever may
    act on lists of its category (``permitted``), which the steps themselves require."""

    withdraw: bool
    match_again: bool


def allowed(session: Session, actor: User, lists: Sequence[RecognitionList]) -> dict[int, Allowed]:
    """By list id, what ``actor`` may do with each of ``lists`` (``Allowed``)."""
    mine = permitted(session, actor, {x.code for x in lists}) if lists else set()
    return {x.id: Allowed(withdraw=x.state == "active" and x.code in mine,
                          match_again=x.state == "active" and x.code in mine and x.matching == "failed")
            for x in lists}


def require(session: Session, actor: User, code: str, *, doing: str) -> None:
    """Refuse (403) unless ``actor`` may ``doing`` (导入, 撤回, 重新匹配) a list of the category, naming its lead
    units."""
    if permitted(session, actor, [code]):
        return
    found = catalogue.codes(session).get(code)
    label = found.label if found is not None else f"“{code[:40]}”"
    feeds = fed(session, code, clock.today())
    if not feeds:
        raise Forbidden(f"{label}不对应任何措施的支持条件，其认定名单只能由管理员{doing}")
    who = _unit(session, actor) or ROLE_LABELS.get(actor.role, actor.role)
    cited, leads = "、".join(dict.fromkeys(f.cited for f in feeds)), "、".join(dict.fromkeys(f.lead for f in feeds))
    raise Forbidden(f"{label}的认定名单由{cited}的牵头单位（{leads}）或管理员{doing}；{who}不是这些措施的牵头单位，"
                    f"无权{doing}")
