"""The impact of a reform: who gains and who loses, what each year costs, whom the policy reaches.

From a run's ``Detail`` (each applicant's granted sum and grant count per scenario, and the totals per
measure and year), as data for programs (``summarise`` gives JSON-ready dicts, whole yuan):

- cost by year: the grants' ceilings by the year of the matter's date (DOMAIN.md: support is per matter,
  and a matter counts when its date lies in the window), over the window of the policies and of the
  reform (a reform that extends the window adds its years);
- enterprises that gain, lose or keep the same amount, and by how much, by size, GB/T 4754 门类
  (section) of the applicant's industry, city and revenue band (``BANDS``);
- coverage: the share of core enterprises in Liaoning (数字经济核心产业企业, registered in Liaoning,
  kind enterprise or not recorded) with at least one grant;
- what 从高不重复 saves: the eligible ceilings before the rule less the grants' ceilings after it, split
  into the results a higher measure of the same matter excluded and the support received elsewhere;
- the ten largest changes by measure, and the ten enterprises whose amount changes most;
- each policy's part of the cost (``by_policy``), with its version.

Without a reform the baseline's parts are given (cost by year, coverage, the saving, who is reached).
"""

from collections.abc import Collection
from datetime import date, timedelta
from functools import cache
from typing import Any

import numpy as np
import polars as pl

from huiqi.reference.industries import industries
from huiqi.rules.batch import derived
from huiqi.rules.policy import Policy
from huiqi.simulate.engine import Detail
from huiqi.simulate.population import Population

# Revenue bands (营业收入, 元): the thresholds of the SME classification (工业企业划型: 300万, 2000万, 4亿) and 1亿.
BANDS = (("lt3m", "300万元以下", 0, 3_000_000), ("3m-20m", "300万至2000万元", 3_000_000, 20_000_000),
         ("20m-100m", "2000万至1亿元", 20_000_000, 100_000_000),
         ("100m-400m", "1亿至4亿元", 100_000_000, 400_000_000), ("ge400m", "4亿元及以上", 400_000_000, None))
DIMENSIONS = {"size": "企业规模", "section": "行业门类", "city": "城市", "revenue_band": "营业收入"}
TOP = 10
NON_ENTERPRISE = ("university", "institute", "association", "park", "city")


@cache
def sections() -> dict[str, str]:
    """GB/T 4754-2017 division (two digits) to its section (门类) letter."""
    return {code: row["parent"] for code, row in industries().items() if row["level"] == "division"}


COLUMNS = ["kind", "region", "industry", "digital_core_confirmed", "size", "revenue"]


def groupings(applicants: pl.LazyFrame, derive: bool = True) -> pl.LazyFrame:
    """Each applicant's groupings (size, 门类, city, revenue band) and whether it is a core enterprise in Liaoning;
    without ``derive``, the applicants already have their derived facts (``core``, ``in_liaoning``, ``__city``)."""
    return (derived(applicants.select(COLUMNS), key=False) if derive else applicants).select(
        pl.col("size"),
        pl.col("industry").str.slice(0, 2).replace_strict(sections(), default=None).alias("section"),
        pl.col("__city").alias("city"),
        _band(pl.col("revenue")).alias("revenue_band"),
        (pl.col("core").fill_null(False) & pl.col("in_liaoning").fill_null(False)
         & ~pl.col("kind").is_in(NON_ENTERPRISE).fill_null(False)).alias("core_enterprise"),
    )


def cells(population: Population, detail: Detail) -> pl.DataFrame:
    """The metrics per combination of the four groupings (a few thousand rows at most, whatever the population):
    every metric is a count or a sum, so the totals of any grouping are sums of these cells."""
    sums = []
    for i, prefix in enumerate(("", "reform_")[:len(detail.amounts)]):
        sums += [pl.Series(f"{prefix}amount", detail.amounts[i], dtype=pl.Int64),
                 pl.Series(f"{prefix}reached", detail.grants[i] > 0, dtype=pl.Boolean)]
    people = groupings(population.applicants) if detail.applicants is None else groupings(
        _completed(population, detail.applicants), derive=False)
    people = people.with_columns(sums)
    coded = people.with_columns(pl.col(k).cast(pl.Categorical) for k in DIMENSIONS)  # grouped as integers
    return coded.group_by(list(DIMENSIONS)).agg(_metrics(len(detail.amounts) > 1)).collect(
        engine="streaming").cast(dict.fromkeys(DIMENSIONS, pl.String))


def _completed(population: Population, table: pl.DataFrame) -> pl.LazyFrame:
    """The run's lookup table (in row order, with the derived facts) and the groupings' columns it lacks (those no
    rule reads, such as size and revenue), read from the file: the rest is not read or derived a second time."""
    lacking = [c for c in COLUMNS if c not in table.columns]
    return table.hstack(population.applicants.select(lacking).collect()).lazy() if lacking else table.lazy()


def _band(revenue: pl.Expr) -> pl.Expr:
    expr = pl.when(revenue.is_null()).then(None)
    for code, _, low, high in BANDS:
        expr = expr.when(revenue < high if high is not None else revenue >= low).then(pl.lit(code))
    return expr


def _metrics(reformed: bool) -> list[pl.Expr]:
    """Per group of applicants: how many, reached, core enterprises and those reached, sums, and the changes."""
    core = pl.col("core_enterprise")
    out = [pl.len().alias("applicants"), pl.col("reached").sum().alias("reached"),
           core.sum().alias("core_enterprises"), (core & pl.col("reached")).sum().alias("core_reached"),
           pl.col("amount").sum().alias("ceiling_sum")]
    if not reformed:
        return out
    diff = pl.col("reform_amount") - pl.col("amount")
    either = pl.col("reached") | pl.col("reform_reached")
    return out + [
        pl.col("reform_reached").sum().alias("reform_reached"),
        (core & pl.col("reform_reached")).sum().alias("reform_core_reached"),
        pl.col("reform_amount").sum().alias("reform_ceiling_sum"),
        diff.sum().alias("diff_ceiling_sum"),
        (diff > 0).sum().alias("gain"), (diff < 0).sum().alias("lose"),
        ((diff == 0) & either).sum().alias("unchanged"), (~either).sum().alias("not_reached"),
        diff.filter(diff > 0).sum().alias("gain_sum"), diff.filter(diff < 0).sum().alias("loss_sum"),
    ]


def _plain(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows with every count and sum as a plain int."""
    return [{k: int(v) if isinstance(v, int | np.integer) and not isinstance(v, bool) else v for k, v in row.items()}
            for row in frame.to_dicts()]


def _sums() -> pl.Expr:
    return pl.exclude(*DIMENSIONS).sum().cast(pl.Int64)


def groups(cells: pl.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The metrics by each dimension, ordered as people read them (missing values last)."""
    order = {"size": ["large", "medium", "small", "micro"], "revenue_band": [b[0] for b in BANDS]}
    out = {}
    for key in DIMENSIONS:
        table = cells.group_by(key).agg(_sums()).rename({key: "group"})
        ranks = order.get(key)
        rank = (pl.col("group").replace_strict(ranks, list(range(len(ranks))), default=None) if ranks
                else pl.col("group"))
        ordered = table.sort([rank, pl.col("group").cast(pl.String)], nulls_last=True)  # the same order every run
        out[key] = _plain(ordered.cast({"group": pl.String}))
    return out


def total(cells: pl.DataFrame) -> dict[str, Any]:
    return _plain(cells.select(_sums()))[0]


def years(detail: Detail, windows: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Cost and grants by the year of the matter's date, every year of the windows shown (even at 0)."""
    frames = []
    for i, prefix in enumerate(("", "reform_")[:len(detail.by_year)]):
        by = detail.by_year[i].group_by("year").agg(pl.col("ceiling_sum").sum(), pl.col("grants").sum(),
                                                    pl.col("unspecified_grants").sum())
        frames.append(by.rename({c: f"{prefix}{c}" for c in by.columns if c != "year"}))
    shown = sorted({y for low, high in windows for y in range(low, high + 1)})
    table = pl.DataFrame({"year": shown}, schema={"year": pl.Int32})
    for frame in frames:
        table = table.join(frame.cast({"year": pl.Int32}), on="year", how="full", coalesce=True, nulls_equal=True)
    money = [c for c in table.columns if c != "year"]
    table = table.with_columns(pl.col(c).fill_null(0).cast(pl.Int64) for c in money)
    nonzero = pl.any_horizontal(pl.col(c) != 0 for c in money) if money else pl.lit(False)
    table = table.filter(pl.col("year").is_in(shown) | nonzero).sort("year", nulls_last=True)
    if len(windows) > 1:
        table = table.with_columns((pl.col("reform_ceiling_sum") - pl.col("ceiling_sum")).alias("diff_ceiling_sum"))
    rows = _plain(table)
    for row in rows:
        row["in_window"] = [row["year"] is not None and low <= row["year"] <= high for low, high in windows]
    return rows


def window_years(policies: list[Policy]) -> tuple[int, int]:
    """The first and last year in which a matter's date can lie inside a policy's window.

    An end applies to matters dated from its ``since`` until the next one's (``Parameter.at``), so a
    window extended from 2025-12-01 to the end of 2026 reaches 2026, and one cut back to the end of 2024
    from 2024-06-01 ends in 2024, though its first end was later.
    """
    starts = [v.value for p in policies for v in p.window_start.values]
    lasts = []
    for policy in policies:
        ends = policy.window_end.values
        for i, end in enumerate(ends):  # the first end also applies to matters dated before its since
            last = min(end.value, ends[i + 1].since - timedelta(days=1)) if i + 1 < len(ends) else end.value
            if i == 0 or last >= end.since:
                lasts.append(last)
    return min(starts).year, max(lasts).year


def unspecified(policies: list[Policy]) -> set[tuple[str, int]]:
    """The measures (policy id, number) whose text names no amount for anything they support (措施12: 条文未定金额，由
    实施细则确定): their results count, their money is 未定额, never 0元."""
    return {(p.id, m.number) for p in policies for m in p.measures
            if m.monetary and m.rules and all(r.ceiling is None or r.ceiling.unspecified for r in m.rules)}


def stacking(by_year: pl.DataFrame, unfixed: Collection[tuple[str, int]] = ()) -> dict[str, Any]:
    """What 从高不重复 saved: totals, and per measure (the excluded results are counted where they were).

    Every measure with an eligible result, one excluded or one no longer supported is listed, so the counts of the
    list sum to the totals; a measure of ``unfixed`` is marked ``unspecified`` (its money 未定额, not 0元)."""
    names = ["eligible_ceiling_sum", "kept_ceiling_sum", "ceiling_sum", "excluded", "blocked"]
    per = by_year.group_by("policy", "measure").agg(pl.col(n).sum() for n in [*names, "eligible"]).with_columns(
        (pl.col("eligible_ceiling_sum") - pl.col("ceiling_sum")).alias("saving")).sort("policy", "measure")
    sums = {n: int(per[n].sum()) for n in names}
    listed = per.filter((pl.col("eligible_ceiling_sum") > 0) | (pl.col("eligible") > 0) | (pl.col("excluded") > 0)
                        | (pl.col("blocked") > 0)).drop("eligible")
    rows = [r | {"unspecified": (r["policy"], r["measure"]) in unfixed} for r in _plain(listed)]
    return {**sums, "saving": sums["eligible_ceiling_sum"] - sums["ceiling_sum"],
            "by_other_measures": sums["eligible_ceiling_sum"] - sums["kept_ceiling_sum"],
            "by_other_support": sums["kept_ceiling_sum"] - sums["ceiling_sum"], "measures": rows}


def measures(detail: Detail) -> list[dict[str, Any]]:
    """The ten measures whose cost the reform changes most (by the size of the change), with their totals."""
    def per(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:
        sums = frame.group_by("policy", "measure").agg(pl.col("ceiling_sum").sum(), pl.col("grants").sum())
        return sums.rename({"ceiling_sum": f"{prefix}ceiling_sum", "grants": f"{prefix}grants"})

    both = per(detail.by_year[0], "").join(per(detail.by_year[1], "reform_"), on=["policy", "measure"], how="full",
                                             coalesce=True)
    both = both.with_columns(pl.exclude("policy", "measure").fill_null(0).cast(pl.Int64)).with_columns(
        (pl.col("reform_ceiling_sum") - pl.col("ceiling_sum")).alias("diff_ceiling_sum"),
        (pl.col("reform_grants") - pl.col("grants")).alias("diff_grants"))
    changed = both.filter((pl.col("diff_ceiling_sum") != 0) | (pl.col("diff_grants") != 0))
    return _plain(changed.sort(pl.col("diff_ceiling_sum").abs(), "policy", "measure",
                               descending=[True, False, False]).head(TOP))


def enterprises(population: Population, detail: Detail) -> list[dict[str, Any]]:
    """The ten applicants whose amount the reform changes most (largest change first, then row order)."""
    diff = detail.amounts[1] - detail.amounts[0]
    changed = np.flatnonzero(diff)
    if not changed.size:
        return []
    order = changed[np.lexsort((changed, -np.abs(diff[changed])))][:TOP]
    picked = pl.DataFrame({"__row": order.astype(np.uint32)})
    rows = population.applicants.with_row_index("__row").join(picked.lazy(), on="__row", how="semi")
    rows = pl.concat([rows.select("__row", "uscc", "name"), groupings(rows).select("city", "size")], how="horizontal")
    found = {r["__row"]: r for r in rows.collect().to_dicts()}
    return [{"uscc": found[i]["uscc"], "name": found[i]["name"], "city": found[i]["city"], "size": found[i]["size"],
             "ceiling_sum": int(detail.amounts[0][i]), "reform_ceiling_sum": int(detail.amounts[1][i]),
             "diff_ceiling_sum": int(diff[i])} for i in order.tolist()]


def by_policy(detail: Detail, policies: list[Policy]) -> list[dict[str, Any]]:
    """Each policy run (in its order), with its version and what it costs in each scenario: which part of the total
    each policy makes (a catalogue may hold a policy for demonstration beside the real one)."""
    out = [{"policy": p.id, "number": p.number, "title": p.title, "version": p.version} for p in policies]
    for i, prefix in enumerate(("", "reform_")[:len(detail.by_year)]):
        sums = dict(detail.by_year[i].group_by("policy").agg(pl.col("ceiling_sum").sum()).iter_rows())
        for row in out:
            row[f"{prefix}ceiling_sum"] = int(sums.get(row["policy"]) or 0)
    return out


def summarise(population: Population, detail: Detail, scenarios: list[list[Policy]], as_of: date) -> dict[str, Any]:
    """The impact analysis as JSON-ready data (whole yuan), for the baseline and, when given, the reform."""
    reformed = len(detail.amounts) > 1
    table = cells(population, detail)
    data: dict[str, Any] = {
        "as_of": str(as_of), "windows": [list(window_years(p)) for p in scenarios],
        "years": years(detail, [window_years(p) for p in scenarios]),
        "total": total(table), "groups": groups(table),
        "stacking": [stacking(frame, unspecified(policies)) for frame, policies in zip(detail.by_year, scenarios,
                                                                                       strict=True)],
        "revenue_bands": [{"group": c, "label": label, "from": low, "below": high} for c, label, low, high in BANDS],
        "policies": by_policy(detail, scenarios[0]),
    }
    if reformed:
        data["measures"] = measures(detail)
        data["enterprises"] = enterprises(population, detail)
    return data
