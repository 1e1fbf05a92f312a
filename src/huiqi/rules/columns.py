"""Measures as columns: one status and ceiling column per monetary measure, and no stacking row-wise.

Each matter is one row. For every (policy, measure), ``status`` (0 ineligible, 1 undetermined,
2 eligible, null when the matter's codes do not reach it) and ``ceiling`` are computed on the row;
no stacking is then a row-wise maximum over one Int64 key per measure that packs the order of
``stacking.rank_key`` (a numeric ceiling above a null one, the higher ceiling, then the lower
measure number, then the policy loaded first). No sort and no join: what a population costs is a
single group-by over these columns. Where a measure names policies whose support stacks with its own
(``stacks_with``), the kept results are found in rounds, one per policy at most, each keeping the best
result that stacks with every one kept before (``stacking.apply_no_stacking``'s order).
"""

from dataclasses import dataclass, field
from typing import cast

import polars as pl

from huiqi.money import MAX_YUAN
from huiqi.rules.policy import Policy, Rule
from huiqi.rules.spec import MAX_MEASURE
from huiqi.rules.stacking import stack
from huiqi.rules.vector import VectorContext

SLOTS = 4096  # tie-break slots in the key: measure number × 32 + policy order (rank_key's order)
MAX_POLICIES = SLOTS // (MAX_MEASURE + 1)  # MAX_MEASURE: what a policy file may number a measure (rules/spec.py)
assert (MAX_YUAN + 1) * SLOTS < 2**63, "the packed key must fit in Int64"


@dataclass
class MeasureColumns:
    """One monetary measure: its rules as (reach, status, ceiling) expressions, and its column names; for each
    rule, the code bits that reach it (a rule reaches a matter by its codes alone)."""

    policy: Policy
    number: int
    rules: list[tuple[pl.Expr, pl.Expr, pl.Expr]]
    rule_names: list[str]
    reaches: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"m{self.policy.order}_{self.number}"

    @property
    def stacks_with(self) -> tuple[str, ...]:
        found = self.policy.measure(self.number)
        return found.stacks_with if found else ()

    @property
    def tie(self) -> int:
        return self.number * MAX_POLICIES + self.policy.order


def measure_columns(ctx: VectorContext, policy: Policy, number: int,
                    compiled: list[tuple[Rule, pl.Expr, pl.Expr, pl.Expr]]) -> MeasureColumns:
    """A measure's compiled rules, checked to fit the packed stacking key."""
    if number > MAX_MEASURE or policy.order >= MAX_POLICIES:
        raise ValueError(f"向量化求值支持的措施编号至多 {MAX_MEASURE}、政策至多 {MAX_POLICIES} 项")
    reaches = [sum(ctx.bits[code] for code in c[0].reaches) for c in compiled]
    return MeasureColumns(policy, number, [c[1:] for c in compiled], [c[0].name for c in compiled], reaches)


def reached_by(measures: list[MeasureColumns], mask: int) -> list[MeasureColumns]:
    """The measures a matter whose code bitmask is ``mask`` reaches, each with only the rules that reach it (their
    reach then always true). Evaluating these alone on such matters gives what all measures give: the others'
    status is null, so they count nothing and no stacking never keeps them."""
    out = []
    for m in measures:
        keep = [i for i, bits in enumerate(m.reaches) if mask & bits]
        if keep:
            out.append(MeasureColumns(m.policy, m.number, [(pl.lit(True), *m.rules[i][1:]) for i in keep],
                                      [m.rule_names[i] for i in keep], [m.reaches[i] for i in keep]))
    return out


def read_columns(measures: list[MeasureColumns], ctx: VectorContext) -> set[str]:
    """The input columns ``with_measures`` reads for these measures (and ``totals`` after it)."""
    policies = {m.policy.order: m.policy for m in measures}
    exprs = [_general(ctx, p) for p in policies.values()] + [e for m in measures for rule in m.rules for e in rule]
    return {name for e in exprs for name in e.meta.root_names()} | {"other_support"}


def rule_status(met: pl.Expr, base_missing: pl.Expr) -> pl.Expr:
    """0 when a condition fails, 1 when one is unknown or the formula's base is missing, else 2."""
    return (pl.when(~met.fill_null(True)).then(0).when(met.is_null() | base_missing).then(1).otherwise(2)
            .cast(pl.Int8))


def general_column(policy: Policy) -> str:
    return f"__general{policy.order}"


def with_measures(frame: pl.LazyFrame, measures: list[MeasureColumns], ctx: VectorContext) -> pl.LazyFrame:
    """Add ``<m>__status``, ``<m>__ceiling``, ``<m>__rule`` for every measure, then no stacking.

    Built in stages (general conditions, rules, measures, keys), each reading the columns of the one
    before, so every expression stays small and each condition is computed once.
    """
    policies = {m.policy.order: m.policy for m in measures}
    general = [_general(ctx, p).alias(general_column(p)) for p in policies.values()]
    rules = [expr.alias(f"{m.name}__r{i}__{part}") for m in measures for i, rule in enumerate(m.rules)
             for part, expr in zip(("reach", "status", "ceiling"), rule, strict=True)]
    folded = [c for m in measures for c in _fold(m)]
    keys, best = _keys(measures)
    frame = frame.with_columns(general).with_columns(rules).with_columns(folded).with_columns(keys).with_columns(best)
    if not stacked(measures):
        return frame.with_columns(_stacking(measures))
    conflicts = _conflicts(measures)
    return _rounds(frame, measures, conflicts).with_columns(_stacked_columns(measures, conflicts))


def stacked(measures: list[MeasureColumns]) -> bool:
    """Whether some measure names policies whose support stacks with its own (else one grant per matter)."""
    return any(m.stacks_with for m in measures)


Conflicts = dict[str, list[MeasureColumns]]  # a measure's name → the measures whose support does not stack with its


def _conflicts(measures: list[MeasureColumns]) -> Conflicts:
    """For every measure, the measures whose support does not stack with its own."""
    named = {(n.policy.id, n.number): n.stacks_with for n in measures if n.stacks_with}
    return {m.name: [n for n in measures
                     if n is not m and not stack((m.policy.id, m.number), (n.policy.id, n.number), named)]
            for m in measures}


def _rounds(frame: pl.LazyFrame, measures: list[MeasureColumns], conflicts: Conflicts) -> pl.LazyFrame:
    """``<m>__kept``: first the best result, then in each round the best one that stacks with every one kept."""
    best = pl.col("__best")
    frame = frame.with_columns(((best >= 0) & (pl.col(f"{m.name}__key") == best)).alias(f"{m.name}__kept")
                               for m in measures)
    for _ in range(len({m.policy.order for m in measures}) - 1):
        free = {m.name: pl.when(~pl.col(f"{m.name}__kept") & ~_any_kept(conflicts[m.name]))
                .then(pl.col(f"{m.name}__key")).otherwise(-1) for m in measures}
        top = pl.max_horizontal(list(free.values()))
        frame = frame.with_columns((pl.col(f"{m.name}__kept") | ((top >= 0) & (free[m.name] == top)))
                                   .alias(f"{m.name}__kept") for m in measures)
    return frame


def _any_kept(measures: list[MeasureColumns]) -> pl.Expr:
    return pl.any_horizontal([pl.col(f"{n.name}__kept") for n in measures]) if measures else pl.lit(False)


def _stacked_columns(measures: list[MeasureColumns], conflicts: Conflicts) -> list[pl.Expr]:
    """Per measure: support received elsewhere leaves its kept result nothing (``<m>__blocked``), and the key of
    the best kept result it does not stack with (``<m>__against``, what excludes it)."""
    out = []
    for m in measures:
        out.append(_blocked_by_support(pl.col(f"{m.name}__ceiling")).alias(f"{m.name}__blocked"))
        against = [pl.when(pl.col(f"{n.name}__kept")).then(pl.col(f"{n.name}__key")).otherwise(-1)
                   for n in conflicts[m.name]]
        out.append((pl.max_horizontal(against) if against else pl.lit(-1, dtype=pl.Int64)).alias(f"{m.name}__against"))
    return out


def _blocked(m: MeasureColumns, measures: list[MeasureColumns]) -> pl.Expr:
    """Support received elsewhere leaves nothing to the measure's kept result."""
    return pl.col(f"{m.name}__blocked") if stacked(measures) else pl.col("__blocked")


def _against(m: MeasureColumns, measures: list[MeasureColumns]) -> tuple[pl.Expr, pl.Expr]:
    """The measure number and policy order of the kept result that excludes the measure's."""
    key = pl.col(f"{m.name}__against") if stacked(measures) else pl.col("__best")
    tie = SLOTS - 1 - key % SLOTS
    return tie // MAX_POLICIES, tie % MAX_POLICIES


def _general(ctx: VectorContext, policy: Policy) -> pl.Expr:
    conditions = [ctx.compile(c.node) for c in policy.general]
    return pl.all_horizontal(conditions) if conditions else pl.lit(True)


def _fold(m: MeasureColumns) -> list[pl.Expr]:
    """The best of the measure's rules that reach the matter: status first, then the higher ceiling."""
    status, ceiling, chosen = pl.lit(-1, dtype=pl.Int8), pl.lit(None, dtype=pl.Int64), pl.lit(None, dtype=pl.Int8)
    for i in range(len(m.rules)):
        reach, rule_s, rule_c = (pl.col(f"{m.name}__r{i}__{x}") for x in ("reach", "status", "ceiling"))
        if i == 0:
            status, ceiling = pl.when(reach).then(rule_s).otherwise(-1), pl.when(reach).then(rule_c)
            chosen = pl.when(reach).then(pl.lit(0, dtype=pl.Int8))
            continue
        better = reach & ((rule_s > status) | ((rule_s == status) & (rule_c.fill_null(-1) > ceiling.fill_null(-1))))
        status = pl.when(better).then(rule_s).otherwise(status)
        ceiling = pl.when(better).then(rule_c).otherwise(ceiling)
        chosen = pl.when(better).then(pl.lit(i, dtype=pl.Int8)).otherwise(chosen)
    reached = status >= 0
    return [pl.when(reached).then(status).cast(pl.Int8).alias(f"{m.name}__status"),
            pl.when(reached).then(ceiling).cast(pl.Int64).alias(f"{m.name}__ceiling"),
            chosen.alias(f"{m.name}__rule")]


def _keys(measures: list[MeasureColumns]) -> tuple[list[pl.Expr], pl.Expr]:
    keys = []
    for m in measures:
        ceiling = pl.col(f"{m.name}__ceiling").fill_null(-1) + 1
        keys.append(pl.when(pl.col(f"{m.name}__status") == 2).then(ceiling * SLOTS + (SLOTS - 1 - m.tie))
                    .otherwise(-1).alias(f"{m.name}__key"))
    best = pl.max_horizontal([pl.col(f"{m.name}__key") for m in measures]) if keys else pl.lit(-1, dtype=pl.Int64)
    return keys, best.alias("__best")


def _stacking(measures: list[MeasureColumns]) -> list[pl.Expr]:
    best = pl.col("__best")
    kept_ceiling = pl.when(best >= SLOTS).then(best // SLOTS - 1)  # null when the kept ceiling is null
    out = [((best >= 0) & _blocked_by_support(kept_ceiling)).alias("__blocked")]
    for m in measures:
        kept = (best >= 0) & (pl.col(f"{m.name}__key") == best)
        out.append(kept.alias(f"{m.name}__kept"))
    return out


def _blocked_by_support(ceiling: pl.Expr) -> pl.Expr:
    """Support received elsewhere leaves nothing under ``ceiling`` (``stacking.blocked_by_other_support``)."""
    support = pl.col("other_support").fill_null(0)
    return (support > 0) & (ceiling.is_null() | (ceiling <= support))


def after_deduction(ceiling: pl.Expr) -> pl.Expr:
    """A ceiling less the support already received for the matter elsewhere (``stacking.deducted``)."""
    support = pl.col("other_support").fill_null(0)
    return (pl.when(ceiling.is_not_null() & (support > 0))
            .then(pl.max_horizontal(ceiling - support, pl.lit(0, dtype=pl.Int64))).otherwise(ceiling))


def granted(m: MeasureColumns, measures: list[MeasureColumns]) -> pl.Expr:
    """The measure's result is a grant of the matter."""
    return pl.col(f"{m.name}__kept") & ~_blocked(m, measures)


def supports(grant: pl.Expr, ceiling: pl.Expr) -> pl.Expr:
    """A grant that is support: its amount above 0元, or one the text leaves to implementing rules (null). A grant of
    0元, as under a cap a reform cuts to 0, supports nothing. The one rule of the simulation's counts (可支持, 支持项数:
    ``totals``' grants) and of whom it reaches (``supporting``).

    ``ceiling`` may be taken before the deduction of support received elsewhere (the column as it is, which costs
    nothing to read): the deduction never leaves a grant 0元, since support that leaves nothing blocks the result
    (``_blocked_by_support``), so a grant is 0元 after it exactly when it was before."""
    return grant & (ceiling.is_null() | (ceiling > 0))


def totals(measures: list[MeasureColumns]) -> list[pl.Expr]:
    """Per measure: matters reached, eligible, undetermined, grants that are support (``supports``), ceiling sum
    (after the deduction of support received elsewhere), unspecified grants."""
    out = []
    for m in measures:
        status, grant = pl.col(f"{m.name}__status"), granted(m, measures)
        ceiling = after_deduction(pl.col(f"{m.name}__ceiling"))
        out += [
            status.is_not_null().sum().alias(f"{m.name}|matters"),
            (status == 2).sum().alias(f"{m.name}|eligible"),
            (status == 1).sum().alias(f"{m.name}|undetermined"),
            supports(grant, pl.col(f"{m.name}__ceiling")).sum().alias(f"{m.name}|grants"),
            ceiling.filter(grant).sum().alias(f"{m.name}|ceiling_sum"),
            (grant & ceiling.is_null()).sum().alias(f"{m.name}|unspecified_grants"),
        ]
    return out


STACKING_METRICS = ("eligible_ceiling_sum", "kept_ceiling_sum", "excluded", "blocked")


def stacking_totals(measures: list[MeasureColumns]) -> list[pl.Expr]:
    """Per measure, what no stacking (从高不重复) leaves out: the eligible ceilings before it (before the
    deduction of support received elsewhere), the kept ones, the eligible results excluded by a higher
    measure of the same matter, and the kept ones that support received elsewhere leaves nothing."""
    out = []
    for m in measures:
        status, kept, ceiling = pl.col(f"{m.name}__status"), pl.col(f"{m.name}__kept"), pl.col(f"{m.name}__ceiling")
        out += [
            ceiling.filter(status == 2).sum().alias(f"{m.name}|eligible_ceiling_sum"),
            ceiling.filter(kept).sum().alias(f"{m.name}|kept_ceiling_sum"),
            ((status == 2) & ~kept).sum().alias(f"{m.name}|excluded"),
            (kept & _blocked(m, measures)).sum().alias(f"{m.name}|blocked"),
        ]
    return out


def granted_amount(measures: list[MeasureColumns]) -> tuple[pl.Expr, pl.Expr]:
    """Per matter: whether it is granted (under any measure), and the amount (the kept ceiling after the
    deduction; 0 when the text names no figure)."""
    grant = pl.any_horizontal([granted(m, measures) for m in measures])
    amount = pl.sum_horizontal([pl.when(granted(m, measures)).then(after_deduction(pl.col(f"{m.name}__ceiling")))
                                for m in measures])
    return grant, amount


def supporting(measures: list[MeasureColumns]) -> pl.Expr:
    """Per matter: it is granted under a measure whose amount is above 0元 (after the deduction of support received
    elsewhere) or unspecified (eligible, the amount set by implementing rules). A grant of 0元, as under a cap cut to
    0 by a reform, supports nothing."""
    return pl.any_horizontal([supports(granted(m, measures), pl.col(f"{m.name}__ceiling")) for m in measures])


def long_results(frame: pl.DataFrame, measures: list[MeasureColumns], carry: tuple[str, ...]) -> pl.DataFrame:
    """One row per (matter, measure) reached, with status, ceiling, ``excluded_by`` and ``granted``."""
    orders = {m.policy.order: m.policy.id for m in measures}
    parts = []
    for m in measures:
        status, kept, blocked = pl.col(f"{m.name}__status"), pl.col(f"{m.name}__kept"), _blocked(m, measures)
        against, against_order = _against(m, measures)
        parts.append(frame.lazy().filter(status.is_not_null()).select(
            pl.col("uscc"), pl.col("id").alias("matter"), pl.lit(m.policy.id).alias("policy"),
            pl.lit(m.number, dtype=pl.Int32).alias("measure"),
            status.replace_strict([0, 1, 2], ["ineligible", "undetermined", "eligible"],
                                  return_dtype=pl.String).alias("status"),
            after_deduction(pl.col(f"{m.name}__ceiling")).alias("ceiling"),
            pl.col(f"{m.name}__ceiling").alias("ceiling_before_deduction"),
            pl.when(kept & blocked).then(pl.lit("other_support"))
            .when((status == 2) & ~kept).then(against.cast(pl.String)).alias("excluded_by"),
            pl.when((status == 2) & ~kept).then(against_order.replace_strict(
                orders, return_dtype=pl.String)).alias("excluded_by_policy"),
            granted(m, measures).alias("granted"),
            pl.col(f"{m.name}__rule").replace_strict(list(range(len(m.rule_names))), m.rule_names,
                                                     return_dtype=pl.String).alias("rule"),
            *[pl.col(c) for c in carry],
        ))
    return pl.concat(parts).collect() if parts else pl.DataFrame()


def compile_rule(ctx: VectorContext, rule: Rule, policy: Policy) -> tuple[pl.Expr, pl.Expr]:
    """A rule's status (its conditions and the policy's general column) and ceiling, as expressions."""
    conditions = [pl.col(general_column(policy)), *(ctx.compile(c.node) for c in rule.conditions)]
    c = rule.ceiling
    base_missing = pl.col(cast(str, c.base)).is_null() if c and c.rate else pl.lit(False)
    return rule_status(pl.all_horizontal(conditions), base_missing), _ceiling(ctx, rule)


def _ceiling(ctx: VectorContext, rule: Rule) -> pl.Expr:
    c = rule.ceiling
    if c is None or c.unspecified:
        return pl.lit(None, dtype=pl.Int64)
    cap = ctx.dated(c.cap, lambda v: pl.lit(v, dtype=pl.Int64)) if c.cap else None
    if c.rate is None:
        return cast(pl.Expr, cap)  # not unspecified, so a cap
    amount = ctx.dated(c.rate, lambda r: pl.col(cast(str, c.base)) * r.numerator // r.denominator)
    if cap is None:
        return amount
    return pl.when(amount.is_null()).then(None).when(amount < cap).then(amount).otherwise(cap)
