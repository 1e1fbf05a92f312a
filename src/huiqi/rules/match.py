"""Match one case against loaded policies: which measures, up to how much, why, what is missing."""

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from huiqi.reference import divisions, industries
from huiqi.rules.answer import Answer, ConditionTrace, Opportunity, PolicyInfo, Result, Status
from huiqi.rules.case import Case, Matter
from huiqi.rules.expr import names_in
from huiqi.rules.facts import DERIVED_INPUTS, FACTS
from huiqi.rules.params import apply_rate
from huiqi.rules.policy import Ceiling, Condition, Policy, Rule
from huiqi.rules.scalar import NOTHING, Value, compile_node, kleene_and
from huiqi.rules.stacking import apply_no_stacking, stacks_of

STATUS_RANK = {"ineligible": 0, "undetermined": 1, "eligible": 2}


@dataclass
class CaseEnv:
    """The facts of one case, read by expressions; ``matter`` is None for applicant-level rules."""

    case: Case
    as_of: date
    matter: Matter | None = None

    def at(self, matter: Matter | None) -> "CaseEnv":
        return CaseEnv(self.case, self.as_of, matter)

    def fact(self, name: str) -> Value:
        owner = FACTS[name].owner
        if owner == "derived":
            return self._derived(name)
        if owner == "applicant":
            value = getattr(self.case.applicant, name)
            return value, (frozenset({f"applicant.{name}"}) if value is None else NOTHING)
        value = getattr(self.matter, name) if self.matter else None
        where = self.matter.id if self.matter else "matter"
        return value, (frozenset({f"{where}.{name}"}) if value is None else NOTHING)

    def _derived(self, name: str) -> Value:
        a = self.case.applicant
        if name == "core":
            value = industries.core_status(a.industry, a.digital_core_confirmed)
        else:
            value = divisions.in_liaoning(a.region)
        if value is not None:
            return value, NOTHING
        inputs = [f for f in DERIVED_INPUTS[name] if getattr(a, f) is None]
        return None, frozenset(f"applicant.{f}" for f in inputs[:1])

    def param(self, param: Any) -> Any:
        return param.at(self.matter.date if self.matter else None, self.as_of)

    def holds_before(self, codes: tuple[str, ...], where: str | None = None) -> Value:
        """Some matter of the applicant carries one of ``codes`` dated on or before this one (and, with
        ``where``, has that fact true): for each such matter, (date <= this date) and its fact, in Kleene logic."""
        held = [m for m in self.case.matters if set(m.codes) & set(codes)]
        day = self.matter.date if self.matter else None
        return _any_of([_all_of([self._on_or_before(m, day), *self._where(m, where)]) for m in held])

    def _on_or_before(self, held: Matter, day: date | None) -> Value:
        if day is None:
            return None, frozenset({f"{self._id()}.date"})
        if held.date is None:
            return None, frozenset({f"{held.id}.date"})
        return held.date <= day, NOTHING

    @staticmethod
    def _where(held: Matter, where: str | None) -> list[Value]:
        if where is None:
            return []
        value = getattr(held, where)
        return [(value, frozenset({f"{held.id}.{where}"}) if value is None else NOTHING)]

    def core_category(self, categories: tuple[str, ...]) -> Value:
        """The applicant's industry falls in one of the NBS 中类 ``categories``."""
        a = self.case.applicant
        value = industries.category_status(a.industry, a.digital_core_confirmed, categories)
        if value is not None:
            return value, NOTHING
        return None, frozenset({"applicant.industry" if a.industry is None else "applicant.digital_core_confirmed"})

    def first_entry(self, codes: tuple[str, ...]) -> Value:
        """No other matter with the same code dated strictly earlier (any of the codes it carries)."""
        mine = [c for c in codes if self.matter and c in self.matter.codes]
        return _any_of([self._first_entry(code) for code in mine])

    def _first_entry(self, code: str) -> Value:
        me = cast(Matter, self.matter)  # first_entry asks only when there is a matter
        others = [m for m in self.case.matters if code in m.codes and m is not me]
        if me.date is None:
            return (None, frozenset({f"{me.id}.date"})) if others else (True, NOTHING)
        if any(m.date is not None and m.date < me.date for m in others):
            return False, NOTHING
        undated = [f"{m.id}.date" for m in others if m.date is None]
        return (None, frozenset(undated)) if undated else (True, NOTHING)

    def _id(self) -> str:
        return self.matter.id if self.matter else "matter"


def _all_of(values: list[Value]) -> Value:
    if any(v is False for v, _ in values):
        return False, NOTHING
    unknown = [m for v, m in values if v is None]
    return (None, frozenset().union(*unknown)) if unknown else (True, NOTHING)


def _any_of(values: list[Value]) -> Value:
    if any(v is True for v, _ in values):
        return True, NOTHING
    unknown = [m for v, m in values if v is None]
    return (None, frozenset().union(*unknown)) if unknown else (False, NOTHING)


@dataclass
class Outcome:
    """A rule's outcome for one matter."""

    rule: Rule
    status: Status
    ceiling: int | None
    missing: list[str]
    trace: list[ConditionTrace]


def facts_read(condition: Condition) -> list[str]:
    """The facts a condition reads, as the applicant's or the matter's (``applicant.industry``, ``matter.level``)."""
    found = set()
    for name in names_in(condition.node):
        for read in DERIVED_INPUTS.get(name, (name,)):
            fact = FACTS.get(read)
            if fact is not None and fact.owner in ("applicant", "matter"):
                found.add(f"{fact.owner}.{read}")
    return sorted(found)


def evaluate_rule(rule: Rule, general: tuple[Condition, ...], env: CaseEnv) -> Outcome:
    """Evaluate a rule's conditions (after the policy's general ones) and its ceiling."""
    trace = [ConditionTrace(text=f"事项属于：{rule.name}", value=True, clause=rule.clause)]
    values: list[Any] = []
    missing: set[str] = set()
    for condition in (*general, *rule.conditions):
        value, why = compile_node(condition.node)(env)
        values.append(value)
        missing |= why
        trace.append(ConditionTrace(text=condition.name, value=value, clause=condition.clause,
                                    reading=condition.reading, missing=sorted(why), facts=facts_read(condition)))
    ceiling, base_missing = ceiling_of(rule.ceiling, env) if rule.ceiling else (None, None)
    met = kleene_and(values)
    status: Status
    if met is False:
        status, missing = "ineligible", set()
    elif met is None or base_missing:
        status = "undetermined"
        missing |= {base_missing} if base_missing else set()
    else:
        status = "eligible"
    return Outcome(rule, status, ceiling, sorted(missing), trace)


def ceiling_of(ceiling: Ceiling, env: CaseEnv) -> tuple[int | None, str | None]:
    """The ceiling in yuan, and the name of a missing base (then the ceiling is None)."""
    cap = env.param(ceiling.cap) if ceiling.cap else None
    if ceiling.rate is None:
        return cap, None
    base, missing = env.fact(cast(str, ceiling.base))  # a rate always comes with its base
    if base is None:
        return None, next(iter(missing))
    amount = apply_rate(base, env.param(ceiling.rate))
    return (amount if cap is None else min(cap, amount)), None


def best(outcomes: list[Outcome]) -> Outcome:
    """Of a measure's rules that reach one matter, the best: status first, then the higher ceiling."""
    return max(outcomes, key=lambda o: (STATUS_RANK[o.status], -1 if o.ceiling is None else o.ceiling))


def reached(rules: tuple[Rule, ...], matter: Matter) -> list[Rule]:
    """The rules whose codes the matter carries."""
    return [r for r in rules if set(r.reaches) & set(matter.codes)]


def monetary_results(policy: Policy, env: CaseEnv) -> list[Result]:
    """One result per (matter, monetary measure) the matter's codes reach."""
    results = []
    for matter in env.case.matters:
        menv = env.at(matter)
        for measure in policy.measures:
            rules = reached(measure.rules, matter)
            if not rules:
                continue
            outcome = best([evaluate_rule(r, policy.general, menv) for r in rules])
            results.append(Result(
                matter=matter.id, measure=measure.number, status=outcome.status,
                ceiling=outcome.ceiling, missing=outcome.missing, conditions=outcome.trace,
                policy=policy.id, title=measure.title, rule=outcome.rule.name, kind=outcome.rule.kind,
            ))
    return results


def opportunities(policy: Policy, env: CaseEnv, which: str) -> list[Opportunity]:
    """Service measures (``services``) or city encouragements (``local``) that apply or may apply."""
    found = []
    for measure in policy.measures:
        for rule in getattr(measure, which):
            outcomes = [(m, evaluate_rule(rule, (), env.at(m))) for m in _matters(rule, env)]
            outcomes = [(m, o) for m, o in outcomes if o.status != "ineligible"]
            if not outcomes:
                continue
            status = max((o.status for _, o in outcomes), key=STATUS_RANK.__getitem__)
            found.append(Opportunity(
                measure=measure.number, policy=policy.id, title=measure.title, name=rule.name,
                clause=rule.clause, status=status, units=list(measure.units_at(env.as_of)),
                matters=[m.id for m, o in outcomes if m is not None and o.status == status],
                missing=sorted({x for _, o in outcomes if o.status == status for x in o.missing}),
                expired=policy.expired(env.as_of),
            ))
    return found


def _matters(rule: Rule, env: CaseEnv) -> list[Matter | None]:
    if not rule.reaches:
        return [None]
    return [m for m in env.case.matters if set(rule.reaches) & set(m.codes)]


def policy_info(policy: Policy, as_of: date) -> PolicyInfo:
    return PolicyInfo(
        id=policy.id, number=policy.number, title=policy.title, version=policy.version,
        window_start=policy.window_start.at(as_of, as_of), window_end=policy.window_end_at(as_of),
        in_force=policy.issued <= as_of <= policy.window_end_at(as_of), expired=policy.expired(as_of),
    )


def match(case: Case, policies: list[Policy], as_of: date | None = None) -> Answer:
    """Evaluate every loaded policy for one case and apply no stacking across them.

    The day is the caller's (``as_of``, else the case's own): the rules never read a clock."""
    as_of = as_of or case.as_of
    if as_of is None:
        raise ValueError("match needs a day: as_of or the case's own as_of")
    env = CaseEnv(case, as_of)
    results = [r for p in policies for r in monetary_results(p, env)]
    other_support = {m.id: m.other_support for m in case.matters}
    grants = apply_no_stacking(results, other_support, {p.id: p.order for p in policies}, stacks_of(policies))
    infos = [policy_info(p, as_of) for p in policies]
    # Services and encouragements to cities describe what is in force: after the window, expired; before the
    # issue date (自发布之日起施行) not yet in force, so not listed at all.
    live = [p for p in policies if p.issued <= as_of and not p.expired(as_of)]
    ended = [p for p in policies if p.expired(as_of)]
    return Answer(
        policy="；".join(f"{p.title}（{p.number}）" for p in policies),
        as_of=as_of, expired=all(i.expired for i in infos), results=results, grants=grants,
        total_ceiling=sum(g.ceiling or 0 for g in grants),
        services=[o for p in live for o in opportunities(p, env, "services")],
        local=[o for p in live for o in opportunities(p, env, "local")],
        expired_services=[o for p in ended for o in opportunities(p, env, "services")],
        expired_local=[o for p in ended for o in opportunities(p, env, "local")],
        policies=infos,
    )
