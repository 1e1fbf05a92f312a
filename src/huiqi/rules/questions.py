"""What to ask next, and what would change a "no": advice on top of a match (additive: ``match`` is unchanged).

**The next question.** Each undetermined result names the facts it misses. The question to ask first is the
fact that, once given (whatever its value), decides the most undetermined results: a result is decided by a
fact when that fact is the last one it misses, once the questions before it are answered. Ties go to the
money those results carry (per matter the highest of their ceilings, for 从高不重复: a matter is supported
once), then to the number of results still waiting on the fact, then to the order of the case. Every missing
fact is asked once, in that order.

**What would change a "no".** For each ineligible result, each failed condition is tried again with other
values of the facts of the matter it reads (a level or a kind from its choices, yes or no, a date at the
ends of the policy's window or of a date it compares with, an amount at a threshold it compares with). The
values that make the condition hold are the change, with the condition's clause; the facts of the applicant
(who it is, where, its industry) and conditions on other matters are not the matter's to change. When
every failed condition can be met, all the changes together are checked against the whole rule; when one
cannot, nothing this matter could state would change the answer, and the answer says which condition.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field

from huiqi.money import wan
from huiqi.rules.answer import Answer, Result, Status
from huiqi.rules.case import Case, Matter
from huiqi.rules.expr import Arith, BoolOp, Call, Compare, FactRef, Lit, Member, Node, Not, ParamRef, values_named
from huiqi.rules.facts import CHOICES, FACTS, label
from huiqi.rules.match import CaseEnv, evaluate_rule
from huiqi.rules.policy import Condition, Policy, Rule
from huiqi.rules.scalar import compile_node

# A matter's facts that are not for this advice to vary: its codes, the other support received, and the
# parent's industry (an open list of codes, not choices).
FIXED = frozenset({"other_support", "parent_industry"})
YES_NO = {True: "是", False: "否"}


class ResultRef(BaseModel):
    """One result of the answer: a matter under a measure of a policy."""

    matter: str
    measure: int
    policy: str


class Question(BaseModel):
    """A missing fact to ask, in order: what it decides and the money that rides on it."""

    fact: str = Field(description="缺少的事实，如 p1.investment 或 applicant.industry")
    label: str = Field(description="事实的中文名，如 事项p1·投资额（元）")
    ask: str = Field(description="向申报单位提出的问题（中文）")
    decides: list[ResultRef] = Field(description="回答此问题（及排在前面的问题）后即可确定的待定结果")
    waiting: list[ResultRef] = Field(description="仍缺此事实的全部待定结果")
    money: int | None = Field(description="可确定的结果最多涉及的金额（元，每个事项取最高，从高不重复）；无定额为空")


class Fix(BaseModel):
    """One failed condition and the values of one fact of the matter that would meet it."""

    fact: str = Field(description="事实，如 h1.level")
    label: str
    condition: str = Field(description="未满足的条件")
    clause: str = Field(description="条件依据的政策原文")
    would: str = Field(description="怎样才满足（中文），如 级别为国家级或省级")


class Change(BaseModel):
    """For one ineligible result: what would change the answer, or that nothing the matter states could."""

    matter: str
    measure: int
    policy: str
    possible: bool = Field(description="改变本事项的某些信息能否使结论不再是“不符合”")
    fixes: list[Fix] = Field(default=[], description="需要同时满足的改变")
    status_after: Status | None = Field(default=None, description="做出这些改变后的结论（仍可能待补充信息）")
    blocked: list[Fix] = Field(default=[], description="本事项的信息无法改变的条件（would 说明原因）")
    summary: str = Field(description="一句话说明（中文）")


class AdvisedAnswer(Answer):
    """The answer, with the questions to ask next and what would change each ineligible result."""

    questions: list[Question] = Field(default=[], description="按顺序提出的问题：先问能确定最多待定结果的事实")
    changes: list[Change] = Field(default=[], description="每个“不符合”的结果：什么改变能改变结论，或无法改变")


def advise(answer: Answer, case: Case, policies: list[Policy]) -> AdvisedAnswer:
    """The answer with its next questions and its changes (``answer`` is the match of ``case`` on ``policies``)."""
    rules = _RuleIndex(policies)
    env = CaseEnv(case, answer.as_of)
    return AdvisedAnswer(**dict(answer), questions=questions(answer, case, rules, env),
                         changes=[change(r, case, rules, env) for r in answer.results if r.status == "ineligible"])


# ---- the next question ----

def questions(answer: Answer, case: Case, rules: "_RuleIndex", env: CaseEnv) -> list[Question]:
    """The missing facts of the undetermined results, in the order to ask them."""
    open_results = [r for r in answer.results if r.status == "undetermined"]
    pending = {i: set(r.missing) for i, r in enumerate(open_results) if r.missing}
    order = _fact_order(case, open_results)
    most = {i: _most(r, rules, env) for i, r in enumerate(open_results)}
    asked: list[Question] = []
    while pending:
        facts = set().union(*pending.values())

        def rank(fact: str) -> tuple[int, int, int, int]:
            decided = [i for i, left in pending.items() if left == {fact}]
            waiting = [i for i, left in pending.items() if fact in left]
            return len(decided), _money(decided, open_results, most) or 0, len(waiting), -order.get(fact, 10**6)

        fact = max(sorted(facts), key=rank)
        decided = [i for i, left in pending.items() if left == {fact}]
        waiting = [i for i, left in pending.items() if fact in left]
        asked.append(Question(
            fact=fact, label=missing_label(fact), ask=ask(fact, case, rules.policies),
            decides=[_ref(open_results[i]) for i in decided], waiting=[_ref(open_results[i]) for i in waiting],
            money=_money(decided, open_results, most)))
        for i in waiting:
            pending[i].discard(fact)
            if not pending[i]:
                del pending[i]
    return asked


def _fact_order(case: Case, results: list[Result]) -> dict[str, int]:
    """Facts in the order of the case: the applicant's first, then each matter's, each in FACTS order."""
    owners = ["applicant", *(m.id for m in case.matters), "matter"]
    names = list(FACTS)
    seen = {x for r in results for x in r.missing}
    key = {x: (owners.index(o) if o in owners else len(owners), names.index(f) if f in names else len(names))
           for x in seen for o, _, f in [x.rpartition(".")]}
    return {x: n for n, x in enumerate(sorted(seen, key=lambda x: key[x]))}


def _most(result: Result, rules: "_RuleIndex", env: CaseEnv) -> int | None:
    """The most a result could carry: its ceiling, or its rule's cap (less support received) when a base is
    missing; None when the measure names no figure."""
    if result.ceiling is not None:
        return result.ceiling
    rule = rules.rule(result)
    if rule is None or rule.ceiling is None or rule.ceiling.cap is None:
        return None
    matter = _matter(env.case, result.matter)
    cap: int = env.at(matter).param(rule.ceiling.cap)
    return max(0, cap - (matter.other_support or 0)) if matter and matter.other_support else cap


def _money(indices: list[int], results: list[Result], most: dict[int, int | None]) -> int | None:
    """The money of these results: per matter the highest (a matter is supported once), summed."""
    per_matter: dict[str, int] = {}
    for i in indices:
        amount = most[i]
        if amount is not None:
            per_matter[results[i].matter] = max(per_matter.get(results[i].matter, 0), amount)
    return sum(per_matter.values()) if per_matter else None


def missing_label(path: str) -> str:
    """``p1.investment`` -> 事项p1·投资额（元）; ``applicant.industry`` -> 申报单位·所属行业….

    >>> missing_label("applicant.region")
    '申报单位·注册地（行政区划代码）'
    """
    owner, _, field = path.rpartition(".")
    who = "申报单位" if owner == "applicant" else f"事项{owner}"
    return f"{who}·{label(field)}"


def missing_typed(path: str) -> str:
    """A missing fact as a page's box asks for it: money in 万元 (the API and case files keep yuan).

    >>> missing_typed("p1.investment"), missing_typed("applicant.industry")
    ('事项p1·投资额（万元）', '申报单位·所属行业（GB/T 4754-2017 小类）')
    """
    return missing_label(path).replace("（元）", "（万元）")


def ask(path: str, case: Case, policies: Sequence[Policy] = ()) -> str:
    """The question for a missing fact, in plain Chinese; a matter's level offers only the levels that the rules of
    ``policies`` reaching its codes accept (小巨人: 国家级、省级), as the page's select does.

    >>> from huiqi.rules.case import read_case
    >>> c = read_case({"matters": [{"id": "p1", "type": "project", "codes": ["smart_manufacturing"]}]})
    >>> ask("p1.investment", c), ask("applicant.size", c)
    ('事项p1（智能制造项目）的投资额是多少（万元）？', '贵单位的企业规模是哪一种（大型、中型、小型、微型）？')
    >>> ask("applicant.region", c)
    '贵单位注册在哪个市、区县？'
    """
    owner, _, name = path.rpartition(".")
    who = "贵单位" if owner == "applicant" else _matter_name(case, owner)
    fact = FACTS.get(name)
    if fact is None:
        return f"{who}的{label(name)}是什么？"
    if name == "region":  # the page offers cities and their districts, not codes to type
        return f"{who}注册在哪个市、区县？"
    if name in CHOICES or name == "parent_size":
        values = CHOICES["size" if name == "parent_size" else name]
        matter = _matter(case, owner) if name == "level" else None
        offered = levels_accepted(policies, matter.codes) if matter else ()
        choices = "、".join(values[v] for v in offered or values)
        return f"{who}的{fact.label}是哪一种（{choices}）？"
    if fact.type == "bool":
        return f"{who}是否{fact.label}？"
    if fact.type == "date":
        return f"{who}的{fact.label}是哪一天？"
    if fact.type == "int" and fact.label.endswith("（元）"):
        return f"{who}的{fact.label.removesuffix('（元）')}是多少（万元）？"
    return f"{who}的{fact.label}是什么？"


def levels_accepted(policies: Iterable[Policy], codes: Iterable[str]) -> tuple[str, ...]:
    """The levels a matter of these codes can take under the rules reaching them: the values their conditions compare
    the level with, in the order of ``CHOICES``; every level for a code whose rules name none."""
    policies = list(policies)
    accepted: set[str] = set()
    for code in codes:
        named = {v for p in policies for m in p.measures for r in (*m.rules, *m.local) if code in r.reaches
                 for c in r.conditions for v in values_named(c.node, "level")}
        accepted |= named or set(CHOICES["level"])
    return tuple(v for v in CHOICES["level"] if v in accepted)


def _matter_name(case: Case, matter_id: str) -> str:
    from huiqi.rules.case import known_codes

    matter = _matter(case, matter_id)
    if matter is None:
        return f"事项{matter_id}"
    codes = known_codes()
    return f"事项{matter_id}（{'、'.join(codes[c].label if c in codes else c for c in matter.codes)}）"


# ---- what would change a "no" ----

def change(result: Result, case: Case, rules: "_RuleIndex", env: CaseEnv) -> Change:
    """What would make an ineligible result eligible (or at least undetermined), or why nothing could."""
    where: dict[str, Any] = {"matter": result.matter, "measure": result.measure, "policy": result.policy}
    found = rules.find(result)
    matter = _matter(case, result.matter)
    if found is None or matter is None:
        return Change(**where, possible=False, summary="无法分析此结果")
    policy, rule = found
    menv = env.at(matter)
    failed = [c for c in (*policy.general, *rule.conditions) if compile_node(c.node)(menv)[0] is False]
    fixes: list[Fix] = []
    blocked: list[Fix] = []
    chosen: dict[str, Any] = {}
    for condition in failed:
        options = _options(condition, matter, policy, env)
        if not options:
            blocked.append(Fix(fact="", label="", condition=condition.name, clause=condition.clause,
                               would=_why_fixed(condition)))
            continue
        name, values = options[0]
        past = getattr(matter, name)
        if FACTS[name].type == "date" and isinstance(past, date) and past <= env.as_of:  # an event cannot move
            blocked.append(Fix(fact=f"{matter.id}.{name}", label=missing_label(f"{matter.id}.{name}"),
                               condition=condition.name, clause=condition.clause,
                               would=_out_of_range(values, _holding(condition, matter, name, env))))
            continue
        chosen[name] = values[0]
        fixes.append(Fix(fact=f"{matter.id}.{name}", label=missing_label(f"{matter.id}.{name}"),
                         condition=condition.name, clause=condition.clause, would=_describe(name, values)))
    if blocked or not fixes:
        reasons = "；".join(b.would if b.fact else f"{b.condition}（{b.would}）" for b in blocked)
        lead = "" if blocked and all(b.fact for b in blocked) else "改变本事项的信息不能使其符合："
        also = "；此外还须" + "、".join(f.would for f in fixes) if fixes else ""
        return Change(**where, possible=False, fixes=fixes, blocked=blocked,
                      summary=f"{lead}{reasons}{also}")
    after = evaluate_rule(rule, policy.general, _with(env, matter, chosen)).status
    if after == "ineligible":  # the changes fight each other (one fact in two conditions)
        return Change(**where, possible=False, blocked=fixes,
                      summary="这些条件不能同时满足：" + "；".join(f.condition for f in fixes))
    joined = "，且".join(f.would for f in fixes)
    tail = "即可符合" if after == "eligible" else "可不再判为不符合，还须补充其余信息"
    return Change(**where, possible=True, fixes=fixes, status_after=after, summary=f"若{joined}，{tail}")


def _options(condition: Condition, matter: Matter, policy: Policy, env: CaseEnv) -> list[tuple[str, list[Any]]]:
    """For each fact of the matter the condition reads, the tried values that make it hold (facts in order)."""
    found = []
    for name in _facts_of(condition.node):
        fact = FACTS.get(name)
        if fact is None or fact.owner != "matter" or name in FIXED:
            continue
        holds = _holding(condition, matter, name, env)
        holding = [v for v in _candidates(name, condition.node, matter, policy, env)
                   if v != getattr(matter, name) and holds(v)]
        if holding:
            found.append((name, holding))
    return found


def _holding(condition: Condition, matter: Matter, name: str, env: CaseEnv) -> Callable[[Any], bool]:
    """Whether the condition would hold were the matter's fact ``name`` this value."""
    check = compile_node(condition.node)
    return lambda value: check(_with(env, matter, {name: value}))[0] is True


def _candidates(name: str, node: Node, matter: Matter, policy: Policy, env: CaseEnv) -> list[Any]:
    fact = FACTS[name]
    if name in CHOICES or name == "parent_size":
        return list(CHOICES["size" if name == "parent_size" else name])
    if fact.type == "bool":
        return [True, False]
    menv = env.at(matter)
    constants = [c for c in _constants(node, menv) if isinstance(c, int | date) and not isinstance(c, bool)]
    if fact.type == "date":
        ends = [policy.window_start.at(env.as_of, env.as_of), policy.window_end_at(env.as_of)]
        days = {d for c in [*constants, *ends] if isinstance(c, date) for d in (c, c - timedelta(1), c + timedelta(1))}
        return sorted(days)
    if fact.type == "int":
        numbers = {n for c in constants if isinstance(c, int) for n in (c, c + 1) if n >= 0}
        return sorted(numbers)
    return []


def _describe(name: str, values: list[Any]) -> str:
    fact = FACTS[name]
    if name in CHOICES or name == "parent_size":
        labels = CHOICES["size" if name == "parent_size" else name]
        return f"{fact.label}为{'或'.join(labels[v] for v in values)}"
    if fact.type == "bool":
        return f"{fact.label}：{YES_NO[values[0]]}"
    if fact.type == "date":
        first, last = min(values), max(values)
        return f"{fact.label}在 {first.isoformat()} 至 {last.isoformat()} 之间" if first != last else \
            f"{fact.label}为 {first.isoformat()}"
    if fact.type == "int":
        return f"{fact.label.removesuffix('（元）')}不低于 {wan(min(values))} 万元"
    return f"{fact.label}为{'、'.join(map(str, values))}"


def _out_of_range(values: list[date], holds: Callable[[date], bool]) -> str:
    """A date already past (a recognition, an establishment) outside the days the policy supports: ``values`` the
    tried days that ``holds``, whose ends are the condition's own bounds unless the day beyond holds too (no bound).

    >>> _out_of_range([date(2025, 1, 1)], lambda d: d == date(2025, 1, 1))
    '本政策只支持 2025-01-01 当日认定、备案、设立或批准的事项，本事项不在支持范围'
    >>> _out_of_range([date(2022, 7, 23), date(2026, 1, 1)], lambda d: d >= date(2022, 7, 23))
    '本政策只支持 2022-07-23 及以后认定、备案、设立或批准的事项，本事项不在支持范围'
    """
    first, last = min(values), max(values)
    since = None if holds(first - timedelta(1)) else first.isoformat()
    until = None if holds(last + timedelta(1)) else last.isoformat()
    days = (f"{since} 当日" if since == until else f"{since} 至 {until} 之间") if since and until else \
        f"{since} 及以后" if since else f"{until} 及以前" if until else f"{first} 至 {last} 之间"
    return f"本政策只支持 {days}认定、备案、设立或批准的事项，本事项不在支持范围"


def _why_fixed(condition: Condition) -> str:
    names = [n for n in _facts_of(condition.node) if n in FACTS]
    if any(FACTS[n].owner in ("applicant", "derived") for n in names):
        return "取决于申报单位本身：" + "、".join(FACTS[n].label for n in names if FACTS[n].owner != "matter")
    if _calls(condition.node):
        return "取决于申报单位的其他事项：如已具备，请作为另一个事项填写"
    return "本事项的任何信息都不能满足"


def _facts_of(node: Node) -> list[str]:
    """The facts an expression reads, in the order it reads them."""
    found: list[str] = []
    for child in _walk(node):
        if isinstance(child, FactRef) and child.name not in found:
            found.append(child.name)
    return found


def _calls(node: Node) -> bool:
    return any(isinstance(child, Call) for child in _walk(node))


def _constants(node: Node, env: CaseEnv) -> list[Any]:
    """Literals and parameter values an expression compares with."""
    out: list[Any] = []
    for child in _walk(node):
        if isinstance(child, Lit):
            out.append(child.value)
        elif isinstance(child, ParamRef):
            out.append(env.param(child.param))
    return out


def _walk(node: Node) -> list[Node]:
    children: list[Node] = []
    if isinstance(node, Not):
        children = [node.operand]
    elif isinstance(node, BoolOp):
        children = list(node.operands)
    elif isinstance(node, Compare | Arith):
        children = [node.left, node.right]
    elif isinstance(node, Member):
        children = [node.operand]
    elif isinstance(node, Call):
        children = list(node.args)
    return [node, *(n for c in children for n in _walk(c))]


def _with(env: CaseEnv, matter: Matter, values: dict[str, Any]) -> CaseEnv:
    """The case with one matter's facts changed, at that matter (the same object in the case and the env)."""
    changed = matter.model_copy(update=values)
    case = env.case.model_copy(update={"matters": [changed if m is matter else m for m in env.case.matters]})
    return CaseEnv(case, env.as_of, changed)


def _matter(case: Case, matter_id: str) -> Matter | None:
    return next((m for m in case.matters if m.id == matter_id), None)


def _ref(result: Result) -> ResultRef:
    return ResultRef(matter=result.matter, measure=result.measure, policy=result.policy)


@dataclass
class _RuleIndex:
    """Finds the policy and rule a result names."""

    policies: list[Policy]

    def find(self, result: Result) -> tuple[Policy, Rule] | None:
        policy = next((p for p in self.policies if p.id == result.policy), None)
        measure = policy.measure(result.measure) if policy else None
        rule = next((r for r in measure.rules if r.name == result.rule), None) if measure else None
        return (policy, rule) if policy and rule else None

    def rule(self, result: Result) -> Rule | None:
        found = self.find(result)
        return found[1] if found else None
