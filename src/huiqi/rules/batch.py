"""The vectorised evaluator: the same compiled rules over whole tables of applicants and matters.

A population is two tables (DOMAIN.md): ``applicants`` and ``matters``, joined on ``uscc``. Matters
get a bitmask of their codes and their applicant's facts and features (``prepare``); ``columns``
then evaluates every measure on the row. ``evaluate`` gives one row per (matter, monetary measure)
reached, with status, ceiling and ``excluded_by`` exactly as ``match`` gives them for one case.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from huiqi.reference import industries
from huiqi.rules.case import Case
from huiqi.rules.columns import MeasureColumns, compile_rule, long_results, measure_columns, with_measures
from huiqi.rules.facts import APPLICANT_FIELDS, FACTS, MATTER_FIELDS
from huiqi.rules.policy import Policy
from huiqi.rules.vector import MASK, UNKNOWN, VectorContext, feature_name, held_name

_DTYPES = {"bool": pl.Boolean, "int": pl.Int64, "date": pl.Date, "str": pl.String}
APPLICANT_SCHEMA = {name: _DTYPES[FACTS[name].type] for name in APPLICANT_FIELDS}
MATTER_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "id": pl.String, "uscc": pl.String, "type": pl.String, "codes": pl.List(pl.String),
    **{name: _DTYPES[FACTS[name].type] for name in MATTER_FIELDS},
}
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


def derived(applicants: pl.LazyFrame, key: bool = True) -> pl.LazyFrame:
    """Add the derived facts ``core`` and ``in_liaoning``, the city for reports, and (with ``key``) the join key."""
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
        **({KEY: pl.col("uscc").fill_null("")} if key else {}),
    )


@dataclass
class Plan:
    """The compiled monetary measures of the loaded policies, for one ``as_of``."""

    ctx: VectorContext
    measures: list[MeasureColumns]


def compile_plan(policies: list[Policy], as_of: date, ctx: VectorContext | None = None) -> Plan:
    """Compile every monetary measure to its status and ceiling columns.

    Plans that share ``ctx`` share the code bits and features (a reform changes parameters only).
    """
    ctx = ctx or VectorContext(as_of)
    measures = []
    for policy in policies:
        for measure in policy.measures:
            if measure.rules:
                compiled = [(r, ctx.reach(r.reaches), *compile_rule(ctx, r, policy)) for r in measure.rules]
                measures.append(measure_columns(ctx, policy, measure.number, compiled))
    return Plan(ctx, measures)


def with_mask(matters: pl.LazyFrame, ctx: VectorContext) -> pl.LazyFrame:
    """Add the code bitmask (one bit per code the rules read) and the join key."""
    bits = pl.element().replace_strict(ctx.bits, default=0, return_dtype=pl.Int64)
    return matters.with_columns(
        pl.col("codes").list.eval(bits).list.sum().fill_null(0).alias(MASK),
        pl.col("uscc").fill_null("").alias(KEY),
    )


def features(masked: pl.LazyFrame, ctx: VectorContext, key: str = KEY) -> pl.LazyFrame | None:
    """Per applicant (by ``key``), for each feature the rules read: earliest date, count and undated count.

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
    return masked.filter(pl.any_horizontal(f for _, f in flags)).group_by(key).agg(aggregates)


def lookup(people: pl.LazyFrame, feats: pl.LazyFrame | None, ctx: VectorContext, key: str = KEY) -> pl.LazyFrame:
    """Applicants (``derived``) with their features: what a matter reads of its applicant, by ``key``."""
    if feats is None:
        return people.drop("uscc")
    counts = [pl.col(f"{name}__{x}").fill_null(0) for name, _ in _features(ctx) for x in ("n", "undated")]
    return people.drop("uscc").join(feats, on=key, how="left").with_columns(counts)


def sparse(feats: pl.DataFrame | None, ctx: VectorContext, applicants: int,
           key: str) -> tuple[pl.DataFrame, np.ndarray] | None:
    """``lookup``'s feature columns when ``feats`` are keyed by row number among ``applicants``: kept apart, not
    joined or spread over every applicant (most have none). Returns the features with one more row, that of an
    applicant without any (no date, counts 0, as ``lookup`` fills them), and each applicant's row in them."""
    if feats is None:
        return None
    counts = [f"{name}__{x}" for name, _ in _features(ctx) for x in ("n", "undated")]
    values = feats.drop(key)
    none = values.clear(1).with_columns(pl.lit(0, dtype=values.schema[c]).alias(c) for c in counts)
    slots = np.full(applicants, feats.height, dtype=np.uint32)
    slots[feats[key].to_numpy()] = np.arange(feats.height, dtype=np.uint32)
    return pl.concat([values, none]), slots


def prepare(table: pl.LazyFrame, masked: pl.LazyFrame) -> pl.LazyFrame:
    """Matters (with mask) joined with their applicant's row of the ``lookup`` table."""
    return masked.join(table, on=KEY, how="left")


def _features(ctx: VectorContext) -> list[tuple[str, pl.Expr]]:
    keys = sorted(ctx.holds, key=lambda k: (k[0], k[1] or "", k[2]))
    holds = [(held_name(k), ctx.held(k)) for k in keys]
    firsts = [(feature_name("first", (c,)), ctx.has(c)) for c in sorted(ctx.firsts)]
    return holds + firsts


def evaluate(applicants: pl.LazyFrame, matters: pl.LazyFrame, policies: list[Policy], as_of: date,
             carry: tuple[str, ...] = ()) -> pl.DataFrame:
    """Every (matter, monetary measure) result of a population held in memory, with no stacking."""
    plan = compile_plan(policies, as_of)
    masked = with_mask(matters, plan.ctx)
    frame = prepare(lookup(derived(applicants), features(masked, plan.ctx), plan.ctx), masked)
    return long_results(with_measures(frame, plan.measures, plan.ctx).collect(), plan.measures, carry)


def evaluate_case(case: Case, policies: list[Policy], as_of: date) -> pl.DataFrame:
    """The vectorised evaluator on one case (used to hold it equal to ``match``)."""
    applicants, matters = case_frames(case)
    return evaluate(applicants.lazy(), matters.lazy(), policies, as_of)


def combine_features(partials: list[pl.DataFrame | None], ctx: VectorContext, key: str = KEY) -> pl.DataFrame | None:
    """Merge per-partition features (by ``key``): earliest of the earliest dates, sums of the counts."""
    frames = [p for p in partials if p is not None and p.height]
    names = [name for name, _ in _features(ctx)]
    if not names:
        return None
    if not frames:
        key_type = pl.String if key == KEY else pl.UInt32
        return pl.DataFrame(schema={key: key_type, **{f"{n}__{x}": t for n in names
                                                       for x, t in (("min", pl.Date), ("n", pl.UInt32),
                                                                    ("undated", pl.UInt32))}})
    if len(frames) == 1:
        return frames[0]
    return pl.concat(frames).group_by(key).agg(
        *[pl.col(f"{n}__min").min() for n in names],
        *[pl.col(f"{n}__{x}").sum() for n in names for x in ("n", "undated")],
    )
