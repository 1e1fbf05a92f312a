"""The vectorised evaluator: the same compiled rules over whole tables of applicants and matters.

A population is two tables (DOMAIN.md): ``applicants`` and ``matters``, joined on ``uscc``. The
result has one row per (matter, monetary measure) that the matter's codes reach, with status,
ceiling and ``excluded_by`` exactly as ``match`` gives them for one case.
"""

from dataclasses import dataclass
from datetime import date

import polars as pl

from huiqi.reference import industries
from huiqi.rules.case import Case
from huiqi.rules.facts import APPLICANT_FIELDS, FACTS, MATTER_FIELDS
from huiqi.rules.policy import Policy, Rule
from huiqi.rules.vector import MASK, UNKNOWN, VectorContext, feature_name, rate_of

_DTYPES = {"bool": pl.Boolean, "int": pl.Int64, "date": pl.Date, "str": pl.String}
APPLICANT_SCHEMA = {name: _DTYPES[FACTS[name].type] for name in APPLICANT_FIELDS}
MATTER_SCHEMA = {
    "id": pl.String, "uscc": pl.String, "type": pl.String, "codes": pl.List(pl.String),
    **{name: _DTYPES[FACTS[name].type] for name in MATTER_FIELDS},
}
STATUS_NAMES = ["ineligible", "undetermined", "eligible"]
KEY = "__key"
OUTSIDE = "outside"  # the city of an applicant registered outside Liaoning, in reports


def case_frames(case: Case) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One case as the two population tables."""
    applicant = case.applicant.model_dump(mode="python")
    applicants = pl.DataFrame([{k: _plain(applicant[k]) for k in APPLICANT_SCHEMA}], schema=APPLICANT_SCHEMA)
    rows = []
    for matter in case.matters:
        data = matter.model_dump(mode="python")
        rows.append({k: _plain(data.get(k, applicant["uscc"])) for k in MATTER_SCHEMA})
    return applicants, pl.DataFrame(rows, schema=MATTER_SCHEMA)


def _plain(value: object) -> object:
    return value.value if hasattr(value, "value") and not isinstance(value, date) else value


def derived(applicants: pl.LazyFrame) -> pl.LazyFrame:
    """Add the derived facts ``core`` and ``in_liaoning``, the city for reports, and the join key."""
    table = industries.core_table()
    full = [c for c, e in table.items() if not e.partial]
    partial = [c for c, e in table.items() if e.partial]
    industry, region = pl.col("industry"), pl.col("region")
    liaoning = (region == "shenfu") | region.str.starts_with("21")
    return applicants.with_columns(
        core=pl.when(industry.is_null()).then(UNKNOWN)
        .when(industry.is_in(full)).then(True)
        .when(industry.is_in(partial)).then(pl.col("digital_core_confirmed"))
        .otherwise(False),
        in_liaoning=pl.when(region.is_null()).then(UNKNOWN).otherwise(liaoning),
        __city=pl.when(region == "shenfu").then(pl.lit("shenfu"))
        .when(liaoning).then(region.str.slice(0, 4) + "00")
        .when(region.is_not_null()).then(pl.lit(OUTSIDE)),
        **{KEY: pl.col("uscc").fill_null("")},
    )


@dataclass
class Plan:
    """The compiled monetary measures of the loaded policies, for one ``as_of``."""

    ctx: VectorContext
    measures: list[tuple[Policy, int, list[tuple[Rule, pl.Expr, pl.Expr, pl.Expr]]]]


def compile_plan(policies: list[Policy], as_of: date, ctx: VectorContext | None = None) -> Plan:
    """Compile every monetary rule to (reach, status, ceiling) expressions.

    Plans that share ``ctx`` share the code bits and features (a reform changes parameters only).
    """
    ctx = ctx or VectorContext(as_of)
    measures = []
    for policy in policies:
        for measure in policy.measures:
            if measure.rules:
                compiled = [(r, ctx.reach(r.reaches), *_rule(ctx, r, policy)) for r in measure.rules]
                measures.append((policy, measure.number, compiled))
    return Plan(ctx, measures)


def _rule(ctx: VectorContext, rule: Rule, policy: Policy) -> tuple[pl.Expr, pl.Expr]:
    conditions = [ctx.compile(c.node) for c in (*policy.general, *rule.conditions)]
    met = pl.all_horizontal(conditions) if conditions else pl.lit(True)
    ceiling = rule.ceiling
    base_missing = pl.col(ceiling.base).is_null() if ceiling and ceiling.rate else pl.lit(False)
    status = (
        pl.when(~met.fill_null(True)).then(0)
        .when(met.is_null() | base_missing).then(1)
        .otherwise(2)
    )
    return status, _ceiling(ctx, rule)


def _ceiling(ctx: VectorContext, rule: Rule) -> pl.Expr:
    c = rule.ceiling
    cap = ctx.dated(c.cap, lambda v: pl.lit(v, dtype=pl.Int64)) if c and c.cap else None
    if c is None or c.unspecified:
        return pl.lit(None, dtype=pl.Int64)
    if c.rate is None:
        return cap
    amount = rate_of(ctx, c.rate, c.base)
    if cap is None:
        return amount
    return pl.when(amount.is_null()).then(None).when(amount < cap).then(amount).otherwise(cap)


def with_mask(matters: pl.LazyFrame, ctx: VectorContext) -> pl.LazyFrame:
    """Add the code bitmask (one bit per code the rules read) and the join key."""
    bits = pl.element().replace_strict(ctx.bits, default=0, return_dtype=pl.Int64)
    return matters.with_columns(
        pl.col("codes").list.eval(bits).list.sum().fill_null(0).alias(MASK),
        pl.col("uscc").fill_null("").alias(KEY),
    )


def features(masked: pl.LazyFrame, ctx: VectorContext) -> pl.LazyFrame | None:
    """Per applicant, for each feature the rules read: earliest date, count and undated count.

    One pass over all matters, so the matters can then be evaluated in chunks of any size.
    """
    flags = _features(ctx)
    if not flags:
        return None
    date_ = pl.col("date")
    aggregates = []
    for name, flag in flags:
        aggregates += [date_.filter(flag).min().alias(f"{name}__min"), flag.sum().alias(f"{name}__n"),
                       (flag & date_.is_null()).sum().alias(f"{name}__undated")]
    return masked.filter(pl.any_horizontal(f for _, f in flags)).group_by(KEY).agg(aggregates)


def prepare(people: pl.LazyFrame, masked: pl.LazyFrame, feats: pl.LazyFrame | None,
            ctx: VectorContext) -> pl.LazyFrame:
    """Matters (with mask) joined with their applicant (``derived``) and the applicant's features."""
    frame = masked.join(people.drop("uscc"), on=KEY, how="left")
    if feats is None:
        return frame
    counts = [pl.col(f"{name}__{x}").fill_null(0) for name, _ in _features(ctx) for x in ("n", "undated")]
    return frame.join(feats, on=KEY, how="left").with_columns(counts)


def _features(ctx: VectorContext) -> list[tuple[str, pl.Expr]]:
    holds = [(feature_name("holds", c), pl.any_horizontal([ctx.has(x) for x in c])) for c in sorted(ctx.holds)]
    firsts = [(feature_name("first", (c,)), ctx.has(c)) for c in sorted(ctx.firsts)]
    return holds + firsts


def evaluate_frame(frame: pl.DataFrame, plan: "Plan", carry: tuple[str, ...] = ()) -> pl.DataFrame:
    """Results for prepared matters (``prepare``, collected), with no stacking applied."""
    parts = [_measure_rows(frame, policy, number, rules, carry) for policy, number, rules in plan.measures]
    parts = [p for p in parts if p.height]
    return no_stacking(pl.concat(parts, how="vertical") if parts else _empty(frame, carry))


def evaluate(applicants: pl.LazyFrame, matters: pl.LazyFrame, policies: list[Policy], as_of: date,
             carry: tuple[str, ...] = ()) -> pl.DataFrame:
    """Every (matter, monetary measure) result of a population held in memory, with no stacking."""
    plan = compile_plan(policies, as_of)
    masked = with_mask(matters, plan.ctx)
    feats = features(masked, plan.ctx)
    frame = prepare(derived(applicants), masked, feats, plan.ctx).collect()
    return evaluate_frame(frame, plan, carry)


def _measure_rows(frame: pl.DataFrame, policy: Policy, number: int, rules: list,
                  carry: tuple[str, ...]) -> pl.DataFrame:
    status, ceiling, chosen = pl.lit(-1), pl.lit(None, dtype=pl.Int64), pl.lit(-1)
    for index, (_, reach, rule_status, rule_ceiling) in enumerate(rules):
        better = reach & (
            (rule_status > status)
            | ((rule_status == status) & (rule_ceiling.fill_null(-1) > ceiling.fill_null(-1)))
        )
        status = pl.when(better).then(rule_status).otherwise(status)
        ceiling = pl.when(better).then(rule_ceiling).otherwise(ceiling)
        chosen = pl.when(better).then(index).otherwise(chosen)
    reached = pl.any_horizontal([reach for _, reach, _, _ in rules])
    names = [rule.name for rule, *_ in rules]
    return frame.filter(reached).select(
        pl.col(KEY), pl.col("uscc"), pl.col("id").alias("matter"), pl.col("other_support"),
        pl.lit(policy.id).alias("policy"), pl.lit(policy.order).alias("policy_order"),
        pl.lit(number).alias("measure"),
        status.cast(pl.Int8).alias("status_code"), ceiling.cast(pl.Int64).alias("ceiling"),
        chosen.replace_strict(list(range(len(names))), names, return_dtype=pl.String).alias("rule"),
        *[pl.col(c) for c in carry],
    )


def _empty(frame: pl.DataFrame, carry: tuple[str, ...]) -> pl.DataFrame:
    return pl.DataFrame(schema={
        KEY: pl.String, "uscc": pl.String, "matter": pl.String, "other_support": pl.Int64,
        "policy": pl.String, "policy_order": pl.Int32, "measure": pl.Int32, "status_code": pl.Int8,
        "ceiling": pl.Int64, "rule": pl.String, **{c: frame.schema[c] for c in carry},
    })


def no_stacking(results: pl.DataFrame) -> pl.DataFrame:
    """Add ``status``, ``excluded_by``, ``excluded_by_policy`` and ``granted`` (see ``stacking``)."""
    matter = [KEY, "matter"]
    eligible = results.filter(pl.col("status_code") == 2)
    kept = (
        eligible.sort([*matter, pl.col("ceiling").is_null(), pl.col("ceiling"), "measure", "policy_order"],
                      descending=[False, False, False, True, False, False])
        .group_by(matter, maintain_order=True)
        .agg(pl.col("measure").first().alias("__kept_measure"), pl.col("policy").first().alias("__kept_policy"),
             pl.col("ceiling").first().alias("__kept_ceiling"))
    )
    out = results.join(kept, on=matter, how="left")
    is_kept = (pl.col("status_code") == 2) & (pl.col("measure") == pl.col("__kept_measure")) & (
        pl.col("policy") == pl.col("__kept_policy"))
    support = pl.col("other_support").fill_null(0)
    blocked = (support > 0) & (pl.col("ceiling").is_null() | (pl.col("ceiling") <= support))
    return out.with_columns(
        status=pl.col("status_code").replace_strict([0, 1, 2], STATUS_NAMES, return_dtype=pl.String),
        excluded_by=pl.when(is_kept & blocked).then(pl.lit("other_support"))
        .when((pl.col("status_code") == 2) & ~is_kept).then(pl.col("__kept_measure").cast(pl.String))
        .otherwise(None),
        excluded_by_policy=pl.when((pl.col("status_code") == 2) & ~is_kept).then(pl.col("__kept_policy"))
        .otherwise(None),
        granted=is_kept & ~blocked,
    ).drop("__kept_measure", "__kept_policy", "__kept_ceiling")


def evaluate_case(case: Case, policies: list[Policy], as_of: date) -> pl.DataFrame:
    """The vectorised evaluator on one case (used to hold it equal to ``match``)."""
    applicants, matters = case_frames(case)
    return evaluate(applicants.lazy(), matters.lazy(), policies, as_of)


def combine_features(partials: list[pl.DataFrame], ctx: VectorContext) -> pl.DataFrame | None:
    """Merge per-partition features: earliest of the earliest dates, sums of the counts."""
    frames = [p for p in partials if p is not None and p.height]
    names = [name for name, _ in _features(ctx)]
    if not names:
        return None
    if not frames:
        return pl.DataFrame(schema={KEY: pl.String, **{f"{n}__{x}": t for n in names
                                                        for x, t in (("min", pl.Date), ("n", pl.UInt32),
                                                                     ("undated", pl.UInt32))}})
    return pl.concat(frames).group_by(KEY).agg(
        *[pl.col(f"{n}__min").min() for n in names],
        *[pl.col(f"{n}__{x}").sum() for n in names for x in ("n", "undated")],
    )
