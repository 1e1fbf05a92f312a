"""Run the vectorised rules over a population in chunks, and total what each group would cost.

The per-applicant features (honours held, first entries) are computed in one pass over all
matters; the matters are then evaluated in chunks of ``chunk_rows``, so memory stays bounded
whatever the population's size. Each chunk is evaluated for every scenario (the baseline and a
reform share the masks and features, since a reform changes parameters only), aggregated to the
groups asked for, and the partial totals are summed. The same chunk function runs in this
process or on Dask workers (``dask_runner``).

For an impact analysis (``impact``), each chunk also gives its totals per measure and year with what
no stacking left out, and each applicant's granted sum (only applicants with a grant in the chunk):
these are added into one Int64 array per scenario, sized by the applicant count (``Collector``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from huiqi.rules.batch import (
    KEY,
    Plan,
    combine_features,
    compile_plan,
    derived,
    features,
    lookup,
    prepare,
    sparse,
    with_mask,
)
from huiqi.rules.columns import (
    STACKING_METRICS,
    MeasureColumns,
    granted_amount,
    long_results,
    reached_by,
    read_columns,
    stacking_totals,
    supporting,
    totals,
    with_measures,
)
from huiqi.rules.expr import names_in
from huiqi.rules.facts import FACTS
from huiqi.rules.policy import Policy
from huiqi.rules.vector import MASK as MASK_COLUMN
from huiqi.rules.vector import VectorContext
from huiqi.simulate.population import ROW, Population, link

METRICS = ("matters", "eligible", "undetermined", "grants", "ceiling_sum", "unspecified_grants")
GROUPINGS = {"measure": "measure", "region": "__city", "year": "__year"}
CARRY = ("__city", "__year")
CHUNK_ROWS = 2_000_000
APPLICANT = "__applicant"  # an applicant's row in the applicants' table, carried to its matters
DETAIL_KEYS = ["policy", "measure", "__year"]
KEY_TYPES = {"policy": pl.String, "measure": pl.Int32, "__city": pl.String, "__year": pl.Int32}
DETAIL_METRICS = (*METRICS, *STACKING_METRICS)


def too_early(as_of: date, policies: list[Policy]) -> str | None:
    """Why a 判断日期 cannot be taken: before the earliest policy run was issued (自发布之日起施行), no policy applies
    on it, and the calculator refuses it too; None when it can."""
    if not policies:
        return None
    first = min(policies, key=lambda p: p.issued)
    if as_of >= first.issued:
        return None
    return (f"{as_of} 早于所测政策中最早的发布日期 {first.issued}（{first.number}自发布之日起施行）："
            f"请填写 {first.issued} 或以后的日期")


@dataclass
class Scenario:
    """A named set of policies to evaluate: the baseline, or the policies under a reform."""

    name: str
    policies: list[Policy]


def group_keys(by: list[str], scenarios: list[Scenario]) -> list[str]:
    """Result columns to group on; the policy joins ``measure`` when several policies are loaded."""
    unknown = [b for b in by if b not in GROUPINGS]
    if unknown:
        from huiqi.errors import InputError

        raise InputError([("--by", f"不能按“{unknown[0]}”分组（可选：{', '.join(GROUPINGS)}）")])
    several = len(scenarios[0].policies) > 1
    return [k for b in by for k in (["policy", "measure"] if b == "measure" and several else [GROUPINGS[b]])]


def aggregate(frame: pl.LazyFrame, measures: list[MeasureColumns], keys: list[str],
              stacking: bool = False) -> pl.DataFrame:
    """Totals of one chunk (matters with measure columns) per group, one row per measure and group;
    with ``stacking``, also what no stacking left out (``STACKING_METRICS``)."""
    return long_totals(wide_totals(frame, measures, keys, stacking).collect(engine="streaming"), measures, keys,
                       stacking)


def wide_totals(frame: pl.LazyFrame, measures: list[MeasureColumns], keys: list[str],
                stacking: bool) -> pl.LazyFrame:
    """The query of ``aggregate``: one row per group, one column per measure and metric."""
    groups = [k for k in keys if k in CARRY]
    exprs = totals(measures) + (stacking_totals(measures) if stacking else [])
    return frame.group_by(groups).agg(exprs) if groups else frame.select(exprs)


def long_totals(wide: pl.DataFrame, measures: list[MeasureColumns], keys: list[str], stacking: bool) -> pl.DataFrame:
    """``wide_totals``' result as one row per measure and group."""
    groups = [k for k in keys if k in CARRY]
    metrics = DETAIL_METRICS if stacking else METRICS
    parts = [wide.select(*groups, pl.lit(m.policy.id).alias("policy"), pl.lit(m.number, dtype=pl.Int32)
                         .alias("measure"), *[pl.col(f"{m.name}|{x}").cast(pl.Int64).alias(x) for x in metrics])
             for m in measures]
    return pl.concat(parts) if parts else pl.DataFrame()


GRANTED = {APPLICANT: pl.UInt32, "amount": pl.Int64, "support": pl.Boolean}


def granted_rows(frame: pl.LazyFrame, measures: list[MeasureColumns]) -> pl.LazyFrame:
    """The granted matters of a part of a chunk: each one's applicant row, granted amount, and whether it is support
    (``supporting``: a grant above 0元, or one whose amount the text leaves to implementing rules)."""
    if not measures:
        return pl.LazyFrame(schema=GRANTED)
    grant, amount = granted_amount(measures)
    return frame.filter(grant & pl.col(APPLICANT).is_not_null()).select(
        pl.col(APPLICANT), amount.cast(pl.Int64).alias("amount"), supporting(measures).alias("support"))


def per_applicant(granted: list[pl.DataFrame]) -> pl.DataFrame:
    """Each applicant's granted sum and count of grants that are support (a grant of 0元, as under a cap cut to 0,
    is none), from ``granted_rows`` of the parts of a chunk."""
    return pl.concat([pl.DataFrame(schema=GRANTED), *granted]).group_by(APPLICANT).agg(
        pl.col("amount").sum(), pl.col("support").sum().cast(pl.Int64).alias("grants"))


def combine(partials: list[pl.DataFrame], keys: list[str], metrics: tuple[str, ...] = METRICS) -> pl.DataFrame:
    """Sum partial totals from chunks; rows sorted by the keys."""
    frames = [p for p in partials if p.height]
    if not frames:  # no matter at all: the same columns, empty
        frames = [pl.DataFrame(schema={**{k: KEY_TYPES[k] for k in keys}, **dict.fromkeys(metrics, pl.Int64)})]
    both = pl.concat(frames, how="vertical_relaxed").filter(pl.col("matters") > 0)
    total = both.group_by(keys).agg(pl.col(m).sum() for m in metrics) if keys else both.select(
        pl.col(m).sum() for m in metrics)
    total = total.with_columns(pl.col(m).cast(pl.Int64) for m in metrics)
    renamed = total.rename({v: k for k, v in GROUPINGS.items() if v in keys and v != k})
    order = [k if k not in ("__city", "__year") else {"__city": "region", "__year": "year"}[k] for k in keys]
    return renamed.sort(order, nulls_last=True) if order else renamed


def used_columns(policies: list[Policy]) -> tuple[list[str], list[str]]:
    """The applicant and matter columns the monetary rules read (plus keys), for projection."""
    facts: set[str] = set()
    for policy in policies:
        for rule in (r for m in policy.measures for r in m.rules):
            for condition in (*policy.general, *rule.conditions):
                facts |= names_in(condition.node)
            if rule.ceiling and rule.ceiling.base:
                facts.add(rule.ceiling.base)
    derived_inputs = {"industry", "digital_core_confirmed", "region"}
    applicant = {"uscc", *derived_inputs, *(f for f in facts if FACTS[f].owner == "applicant")}
    matter = {"id", "uscc", "codes", "date", "other_support", *(f for f in facts if FACTS[f].owner == "matter")}
    return sorted(applicant), sorted(matter)


@dataclass
class Detail:
    """What an impact analysis reads, per scenario: totals per measure and year (``DETAIL_METRICS``), and each
    applicant's granted sum (元) and count of grants that are support (above 0元 or unspecified), indexed by its row
    in the applicants' table."""

    by_year: list[pl.DataFrame]
    amounts: list[np.ndarray]
    grants: list[np.ndarray]
    applicants: pl.DataFrame | None = None  # the applicants with their derived facts, in row order, when at hand


@dataclass
class Outcome:
    """A run's totals per group (one frame per scenario), and its detail when an impact analysis was asked."""

    totals: list[pl.DataFrame]
    detail: Detail | None = None


class Collector:
    """Adds up the chunks' partial results, in whatever order they arrive."""

    def __init__(self, scenarios: int, keys: list[str], applicants: int | None):
        self.keys = keys
        self.partials: list[list[pl.DataFrame]] = [[] for _ in range(scenarios)]
        sized = applicants is not None
        self.amounts = [np.zeros(applicants, np.int64) for _ in range(scenarios)] if sized else []
        self.grants = [np.zeros(applicants, np.int64) for _ in range(scenarios)] if sized else []

    def add(self, totals: list[pl.DataFrame], people: list[pl.DataFrame] | None) -> None:
        for bucket, part in zip(self.partials, totals, strict=True):
            bucket.append(part)
        for amounts, grants, part in zip(self.amounts, self.grants, people or [], strict=True):
            rows = part[APPLICANT].to_numpy()  # one row per applicant in a chunk's part: no repeated index
            amounts[rows] += part["amount"].to_numpy()
            grants[rows] += part["grants"].to_numpy()

    def outcome(self) -> Outcome:
        totals = [combine(p, self.keys) for p in self.partials]
        if not self.amounts:
            return Outcome(totals)
        by_year = [combine(p, DETAIL_KEYS, DETAIL_METRICS) for p in self.partials]
        return Outcome(totals, Detail(by_year, self.amounts, self.grants))


class Runner:
    """Evaluates scenarios over one population, chunk by chunk."""

    def __init__(self, population: Population, scenarios: list[Scenario], as_of: date, by: list[str],
                 chunk_rows: int = CHUNK_ROWS, impact: bool = False):
        self.population, self.scenarios, self.as_of = population, scenarios, as_of
        self.keys = group_keys(by, scenarios)
        self.impact = impact
        self.chunk_keys = [*self.keys, *(["__year"] if impact and "__year" not in self.keys else [])]
        self.chunk_rows = chunk_rows
        # Bits as validation gave them, so its bitmasks serve the rules as they are.
        first = compile_plan(scenarios[0].policies, as_of, VectorContext(as_of, population.codes))
        self.plans = [first] + [compile_plan(s.policies, as_of, first.ctx) for s in scenarios[1:]]
        self.applicant_columns, self.matter_columns = used_columns([p for s in scenarios for p in s.policies])
        self.rows: pl.Series | None = None  # each matter's row in the lookup table (see ``shared``)
        self.masks: pl.Series | None = None  # and its code bitmask, so chunks need not read the codes again
        self.features: pl.DataFrame | None = None  # the applicants' features, apart (``sparse``), with the row
        self.slots: np.ndarray | None = None  # of each applicant in them
        self._reach_cache: dict[tuple[int, int], list[MeasureColumns]] = {}
        self._columns_cache: dict[int, set[str]] = {}  # by the identity of a cached list of ``_reached``

    def matters(self) -> pl.LazyFrame:
        """The matters with mask, key and year: the input every chunk slices."""
        lazy = self.population.matters.select(self.matter_columns)
        return with_mask(lazy, self.plans[0].ctx).with_columns(pl.col("date").dt.year().alias("__year"))

    def people(self, key: bool = True) -> pl.LazyFrame:
        """The applicants with their derived facts, numbered by their row (``APPLICANT``); without ``key`` (when
        every matter's row is known), not the credit code: millions of texts no chunk reads."""
        columns = [c for c in self.applicant_columns if key or c != "uscc"]
        return derived(self.population.applicants.select(columns).with_row_index(APPLICANT), key)

    def shared(self) -> tuple[pl.DataFrame, int]:
        """What every chunk needs: the applicants with their facts and features, and the row count.

        Each matter's applicant is found once here, by its row in the table (``link``): chunks then
        gather those rows instead of joining on the (text) credit code again, and the features are
        grouped by that integer. Only when a matter meets two applicants of the same key (never
        in a validated population) do chunks join on the key instead, as the Dask workers do.
        """
        ctx = self.plans[0].ctx
        rows = self.population.rows
        people = self.people(key=rows is None).collect()
        count = self.population.matters.select(pl.len()).collect().item()
        if rows is None:
            rows = link(people[KEY], self.matters().select(KEY))
        if rows is None:
            self.rows = self.masks = None
            return lookup(people.lazy(), features(self.matters(), ctx), ctx).collect(), count
        if self.population.masks is not None:  # validation's bitmasks: the rules' bits are the same (``__init__``)
            masks = self.population.masks.alias(MASK_COLUMN)
        else:
            masks = self.matters().select(MASK_COLUMN).collect().to_series()
        self.rows, self.masks = rows.alias(ROW), masks
        parts = []  # the features in slices of the matters, added up by applicant: memory stays bounded
        for start, length in self.chunks(count):
            frame = self.population.matters.select(ctx.feature_columns).slice(start, length).with_columns(
                pl.lit(masks.slice(start, length)), pl.lit(self.rows.slice(start, length)))
            part = features(frame, ctx, ROW)
            parts.append(None if part is None else part.collect())
        apart = sparse(combine_features(parts, ctx, ROW), ctx, people.height, ROW)
        if apart is not None:
            self.features, self.slots = apart
        # Chunks gather rows by number: the text key would only take memory.
        return people.drop(KEY, "uscc", strict=False), count

    def chunks(self, count: int) -> list[tuple[int, int]]:
        return [(start, min(self.chunk_rows, count - start)) for start in range(0, count, self.chunk_rows)]

    def chunk(self, table: pl.DataFrame, start: int, length: int) -> pl.LazyFrame:
        """One chunk of matters with their applicant's row of the lookup table.

        Lazy, so a query reads (and gathers) only the columns it uses.
        """
        if self.rows is None:
            return prepare(table.lazy(), self.matters().slice(start, length))
        columns = [c for c in self.matter_columns if c != "codes"]
        chunk = self.population.matters.select(columns).slice(start, length).with_columns(
            pl.lit(self.masks.slice(start, length)).alias(MASK_COLUMN), pl.col("date").dt.year().alias("__year"))
        owners = self.rows.slice(start, length)
        parts = [chunk, table.lazy().select(pl.all().gather(pl.lit(owners)))]
        if self.features is not None:
            parts.append(self.features_of(owners.to_numpy()).lazy())
        return pl.concat(parts, how="horizontal")

    def features_of(self, owners: np.ndarray, columns: list[str] | None = None) -> pl.DataFrame:
        """The features (all, or ``columns``) of the applicants at rows ``owners``, one row each (``sparse``)."""
        assert self.features is not None and self.slots is not None
        table = self.features if columns is None else self.features.select(columns)
        return table[self.slots[owners]]

    def prepared(self, table: pl.DataFrame, start: int, length: int) -> pl.DataFrame:
        """One chunk of matters joined with the applicant lookup, collected once for every scenario."""
        return self.chunk(table, start, length).collect()

    def results(self, table: pl.DataFrame, start: int, length: int) -> list[pl.DataFrame]:
        """Every (matter, measure) result of one chunk, one frame per scenario."""
        frame = self.prepared(table, start, length)
        return [long_results(with_measures(frame.lazy(), p.measures, p.ctx).collect(), p.measures, CARRY)
                for p in self.plans]

    def evaluate_chunk(self, table: pl.DataFrame, start: int, length: int) -> list[pl.DataFrame]:
        """Partial totals of one chunk, one frame per scenario."""
        return self.step(table, start, length)[0]

    def step(self, table: pl.DataFrame, start: int, length: int) -> tuple[list[pl.DataFrame],
                                                                           list[pl.DataFrame] | None]:
        """Partial totals of one chunk per scenario, and for an impact analysis each applicant's sums.

        The chunk's matters are split by the measures their codes reach (``reached_by``): each part is
        evaluated for those measures only, reading only the columns they need. A matter reaches one or
        two of the measures, so this is a fraction of evaluating every measure on every matter.
        """
        gather, masks = self._source(table, start, length)
        totals: list[list[pl.DataFrame]] = [[] for _ in self.plans]
        people: list[list[pl.DataFrame]] = [[] for _ in self.plans]
        for subsets, rows in self._parts(masks):
            frame = gather(set().union(*(self._columns(p, m) for p, m in zip(self.plans, subsets, strict=True))),
                           rows).lazy()
            for i, (p, measures) in enumerate(zip(self.plans, subsets, strict=True)):
                if not measures:
                    continue
                evaluated = with_measures(frame, measures, p.ctx)
                if not self.impact:
                    totals[i].append(aggregate(evaluated, measures, self.keys))
                    continue
                wide, sums = pl.collect_all([wide_totals(evaluated, measures, self.chunk_keys, True),
                                             granted_rows(evaluated, measures)])
                totals[i].append(long_totals(wide, measures, self.chunk_keys, True))
                people[i].append(sums)
        merged = [pl.concat(t, how="vertical_relaxed") if t else pl.DataFrame() for t in totals]
        if not self.impact:
            return merged, None
        return merged, [per_applicant(p) for p in people]

    def _source(self, table: pl.DataFrame, start: int,
                length: int) -> tuple[Callable[[set[str], np.ndarray], pl.DataFrame], pl.Series]:
        """How to gather given columns of given matters of a chunk (with their applicant's row of the lookup
        table), and the chunk's code bitmasks."""
        if self.rows is None:  # joined on the key: every column at once
            joined = self.chunk(table, start, length).collect()
            return (lambda columns, rows: joined.select(c for c in joined.columns if c in columns)[rows],
                    joined[MASK_COLUMN])
        own = [c for c in self.matter_columns if c not in ("codes", "uscc", "id")]
        matters = self.population.matters.select(own).slice(start, length).with_columns(
            pl.col("date").dt.year().alias("__year")).collect()
        masks, owners = self.masks.slice(start, length), self.rows.slice(start, length).to_numpy()

        def gather(columns: set[str], rows: np.ndarray) -> pl.DataFrame:
            mine = [c for c in matters.columns if c in columns]
            theirs = [c for c in table.columns if c in columns and c not in mine]
            parts = [matters.select(mine)[rows], table.select(theirs)[owners[rows]]]
            featured = [c for c in self.features.columns if c in columns] if self.features is not None else []
            if featured:
                parts.append(self.features_of(owners[rows], featured))
            if MASK_COLUMN in columns:
                parts.append(masks.gather(rows).to_frame())
            return pl.concat(parts, how="horizontal")

        return gather, masks

    def _parts(self, masks: pl.Series) -> list[tuple[list[list[MeasureColumns]], np.ndarray]]:
        """The chunk's matters grouped by the measures they reach: per group, the reached measures of every
        plan and the rows (positions in the chunk); matters that reach no measure are left out."""
        groups: dict[tuple, int] = {}
        subsets: list[list[list[MeasureColumns]]] = []
        distinct = masks.fill_null(0).unique().to_list()
        ids = []
        for mask in distinct:
            reached = [self._reached(p, mask) for p in self.plans]
            key = tuple(tuple((m.number, m.policy.order, tuple(m.rule_names)) for m in r) for r in reached)
            if any(reached) and key not in groups:
                groups[key] = len(subsets)
                subsets.append(reached)
            ids.append(groups[key] if any(reached) else -1)
        if not subsets:
            return []
        part = masks.fill_null(0).replace_strict(distinct, ids, return_dtype=pl.Int16).to_numpy()
        order = np.argsort(part, kind="stable")  # a radix sort on 16-bit keys
        bounds = np.searchsorted(part[order], np.arange(-1, len(subsets) + 1))
        return [(subsets[g], order[bounds[g + 1]:bounds[g + 2]]) for g in range(len(subsets))]

    def _reached(self, plan: Plan, mask: int) -> list[MeasureColumns]:
        key = (id(plan), mask)
        if key not in self._reach_cache:
            self._reach_cache[key] = reached_by(plan.measures, mask)
        return self._reach_cache[key]

    def _columns(self, plan: Plan, measures: list[MeasureColumns]) -> set[str]:
        """The columns a part reaching ``measures`` (a list ``_reached`` keeps) reads: worked out once per list, not
        once per part of every chunk."""
        if not measures:
            return set()
        if id(measures) not in self._columns_cache:
            extra = [k for k in self.chunk_keys if k in CARRY] + ([APPLICANT] if self.impact else [])
            self._columns_cache[id(measures)] = read_columns(measures, plan.ctx) | set(extra)
        return self._columns_cache[id(measures)]

    def collector(self, applicants: int) -> Collector:
        return Collector(len(self.scenarios), self.keys, applicants if self.impact else None)

    def outcome(self, progress: Callable[[int, int], None] | None = None) -> Outcome:
        """Totals per group per scenario (and the impact detail); ``progress(done, total)`` once the chunks are known
        (``done`` 0: the data read, the computing begun) and after each chunk."""
        table, count = self.shared()
        chunks = self.chunks(count)
        collector = self.collector(table.height)
        if progress:
            progress(0, len(chunks))
        for done, (start, length) in enumerate(chunks, start=1):
            collector.add(*self.step(table, start, length))
            if progress:
                progress(done, len(chunks))
        outcome = collector.outcome()
        if outcome.detail is not None and self.rows is not None:  # the applicants in their order
            outcome.detail.applicants = table
        return outcome

    def run(self, progress: Callable[[int, int], None] | None = None) -> list[pl.DataFrame]:
        """Totals per group, one frame per scenario; ``progress(done, total)`` after each chunk."""
        return self.outcome(progress).totals


def difference(baseline: pl.DataFrame, reform: pl.DataFrame) -> pl.DataFrame:
    """Reform minus baseline for every metric, on the union of groups."""
    keys = [c for c in baseline.columns if c not in METRICS]
    if not keys:  # the totals alone (no grouping): one row each, side by side
        joined = pl.concat([baseline, reform.rename({m: f"{m}__reform" for m in METRICS})], how="horizontal")
    else:
        joined = baseline.join(reform, on=keys, how="full", coalesce=True, suffix="__reform", nulls_equal=True)
    return joined.select(
        *keys, *[(pl.col(f"{m}__reform").fill_null(0) - pl.col(m).fill_null(0)).alias(m) for m in METRICS]
    ).sort(keys, nulls_last=True) if keys else joined.select(
        *[(pl.col(f"{m}__reform").fill_null(0) - pl.col(m).fill_null(0)).alias(m) for m in METRICS])

