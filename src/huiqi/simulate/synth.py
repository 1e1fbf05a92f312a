"""A synthetic population for demos and benchmarks: deterministic for a seed, clearly synthetic.

Applicants sit in Liaoning's cities, counties and Shenfu (and a few outside), in real GB/T
4754-2017 classes (core, partly core and not core), with valid unified social credit codes and
names that say they are synthetic (合成单位…). Every matter code appears; dates spread around the
validity window; some facts are missing; some projects carry two codes; some matters record
support already received elsewhere. Nothing here is real data. Columns are built from NumPy
index arrays gathered into Polars series, so ten million matters take seconds, not minutes.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

import numpy as np
import polars as pl
from pydantic import BaseModel, Field

from huiqi.reference import divisions, industries
from huiqi.reference.uscc import ALPHABET, ORG_WEIGHTS
from huiqi.rules.batch import APPLICANT_SCHEMA, MATTER_SCHEMA
from huiqi.rules.facts import CHOICES
from huiqi.rules.loader import vocabulary
from huiqi.rules.policy import CodeInfo, Policy

MISSING = 0.05  # share of facts left out, so some answers are undetermined, as in life
MAX_SEED = 2**32 - 1  # numpy's generators take a seed of 0 or more; the bound keeps it a plain number to note down
MAX_APPLICANTS = 31**7  # the credit codes' serial has seven base-31 digits: beyond, codes would repeat
MAX_PER_APPLICANT = 100  # matters an applicant has on average (a real one, a handful)
START, END = date(2020, 1, 1), date(2027, 6, 30)
NEW_CODE_WEIGHT = 3  # a code a policy adds to the vocabulary is drawn as often as a typical one (CODE_WEIGHTS' median)
USCC_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
CITY_WEIGHTS = {"210100": 28, "210200": 27, "210300": 6, "210400": 4, "210500": 3, "210600": 4, "210700": 4,
                "210800": 5, "210900": 2, "211000": 3, "211100": 3, "211200": 2, "211300": 2, "211400": 3}
CODE_WEIGHTS = {
    "srdi_sme": 30, "little_giant": 10, "single_champion": 3, "gazelle": 8, "unicorn": 1, "global_500": 1,
    "top100_electronic": 1, "top100_software": 1, "top100_internet": 1, "digital_leader": 3,
    "national_digital_commerce": 2, "national_ecommerce_demo": 2, "ic_base": 1, "software_city": 1,
    "software_park": 1, "new_industrialization_base": 1, "national_platform": 2, "provincial_platform_excellent": 3,
    "standard_lead": 5, "itss": 4, "dcmm": 3, "iiot_standard": 2,
    "establishment": 3, "spin_off": 2, "component_manufacturing": 8, "bigdata_pilot": 3, "iiot_app_demo": 3,
    "first_version_software": 4, "ecommerce_innovation": 4, "chain_introduction": 4, "smart_manufacturing": 12,
    "industrial_internet": 8, "digital_benchmark": 6, "key_tech": 8, "network_5g": 2, "data_center": 1,
    "computing_center": 1,
}
# A second code a project may carry (one project answering two descriptions).
PAIRS = {"component_manufacturing": "smart_manufacturing", "smart_manufacturing": "digital_benchmark",
         "bigdata_pilot": "industrial_internet", "chain_introduction": "smart_manufacturing",
         "iiot_app_demo": "industrial_internet"}
LEVELLED = ["gazelle", "unicorn", "srdi_sme", "little_giant", "single_champion", "ic_base", "software_city",
            "software_park", "standard_lead"]
INVESTED = ["component_manufacturing", "chain_introduction", "smart_manufacturing", "industrial_internet",
            "digital_benchmark"]
# The platform kinds of each platform code, as the vocabulary allows them (措施12).
PLATFORMS = {code: list(dict(vocabulary()[code].choices)["platform"])
             for code in ("national_platform", "provincial_platform_excellent")}


@dataclass(frozen=True)
class Window:
    """Where matters' dates fall: from ``start`` to ``end``, and 2% of them on ``edges``, where the rules are most
    easily got wrong."""

    start: date
    end: date
    edges: tuple[date, ...]


# The shipped vocabulary's: dates spread around the first policy's window (2022-07-23 to 2025-12-31), on both sides.
AROUND = Window(START, END, (date(2022, 7, 22), date(2022, 7, 23), date(2025, 12, 31), date(2026, 1, 1)))


def window_of(policies: list[Policy]) -> Window:
    """The policies' validity windows as their latest values say them: from the earliest start to the latest end, with
    the days on each side of every bound as edges."""
    bounds = [(p.window_start.values[-1].value, p.window_end.values[-1].value) for p in policies]
    edges = {day for start, end in bounds for day in (start - timedelta(days=1), start, end, end + timedelta(days=1))}
    return Window(min(s for s, _ in bounds), max(e for _, e in bounds), tuple(sorted(edges)))


def drawn_for(policies: list[Policy]) -> tuple[dict[str, CodeInfo], Window]:
    """The codes and window a synthetic population for ``policies`` is drawn with: their codes (the vocabulary's and
    each one's own) dated in their windows; for none, the shipped vocabulary around the first policy's window
    (``huiqi population synth`` with and without ``--policy``, and a simulation job on the policies in force)."""
    if not policies:
        return vocabulary(), AROUND
    return {code: info for p in policies for code, info in p.codes.items()}, window_of(policies)


class _Draw:
    """Random columns as Polars series, from one seeded generator."""

    def __init__(self, seed: int, n: int):
        self.rng, self.n = np.random.default_rng(seed), n

    def pick(self, values: list, weights: list | None = None, dtype: pl.DataType = pl.String) -> pl.Series:
        p = None if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
        return pl.Series(values, dtype=dtype).gather(self.rng.choice(len(values), size=self.n, p=p))

    def chance(self, share: float) -> np.ndarray:
        return self.rng.random(self.n) < share

    def days(self, start: date = START, end: date = END) -> pl.Series:
        offsets = self.rng.integers(0, (end - start).days + 1, self.n)
        return pl.Series(np.datetime64(start, "D") + offsets.astype("timedelta64[D]")).cast(pl.Date)

    def money(self, mean_log: float, sigma: float) -> pl.Series:
        return pl.Series(np.round(self.rng.lognormal(mean_log, sigma, self.n)).astype(np.int64))


def _blank(series: pl.Series, drop: np.ndarray) -> pl.Series:
    """``series`` with the rows where ``drop`` holds set to null."""
    return pl.select(pl.when(pl.Series(drop)).then(None).otherwise(series).alias(series.name)).to_series()


# What may be asked of ``synthesise``: the page, the API (``jobs.JobCreate``) and ``huiqi population synth`` check
# against these, so each refuses the same values with the same words.
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]
Applicants = Annotated[int, Field(ge=1, le=MAX_APPLICANTS)]
PerApplicant = Annotated[float, Field(ge=0, le=MAX_PER_APPLICANT, allow_inf_nan=False)]


class Asked(BaseModel):
    """A synthetic population as asked for (named as the page's fields are)."""

    synthetic_applicants: Applicants
    seed: Seed = 1
    per_applicant: PerApplicant = 5.0


def synthesise(applicants: int, seed: int, codes: dict[str, CodeInfo], per_applicant: float = 5.0,
               first: int = 0, window: Window = AROUND) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``applicants`` applicants with about ``per_applicant`` matters each; the same for the same seed.

    ``first`` numbers the applicants from there (their codes and names), so blocks made with
    different ``first`` (and seeds) form one population of distinct applicants. Matters carry ``codes`` (a
    policy's: the vocabulary's and its own) and dates in ``window``.
    """
    people = _applicants(_Draw(seed, applicants), first)
    return people, _matters(np.random.default_rng(seed + 1), people["uscc"], codes, per_applicant, window)


def blocks(applicants: int, seed: int, block: int) -> list[tuple[int, int, int]]:
    """(first applicant, applicants, seed) of each block of a population made in blocks of ``block``.

    The first block has the population's seed, so a population of one block is ``synthesise``'s.
    """
    return [(first, min(block, applicants - first), seed + 10_000 * i)
            for i, first in enumerate(range(0, applicants, block))]


def _applicants(d: _Draw, first: int = 0) -> pl.DataFrame:
    n = d.n
    regions = _regions(d)
    table = industries.core_table()
    classes = [c for c, r in industries.industries().items() if r["level"] == "class"]
    group = d.rng.choice(3, size=n, p=[0.5, 0.05, 0.45])
    pools = [sorted(c for c, e in table.items() if not e.partial), sorted(c for c, e in table.items() if e.partial),
             sorted(c for c in classes if c not in table)]
    industry = pl.select(pl.when(pl.Series(group) == 0).then(d.pick(pools[0])).when(pl.Series(group) == 1)
                         .then(d.pick(pools[1])).otherwise(d.pick(pools[2]))).to_series()
    revenue = d.money(17.5, 1.4)
    growth = pl.Series(d.rng.normal(1.08, 0.12, n).clip(0.3, 3.0))
    partial = pl.Series(group == 1)
    columns = {
        "uscc": _uscc(d, regions, first),
        "name": pl.select(pl.concat_str(pl.lit("合成单位"), pl.int_range(first, first + n).cast(pl.String)
                                        .str.zfill(8)))
        .to_series(),
        "kind": d.pick(list(CHOICES["kind"]), [85, 3, 3, 3, 5, 1]),
        "region": _blank(regions, d.chance(0.02)),
        "industry": _blank(industry, d.chance(0.03)),
        "digital_core_confirmed": _blank(pl.Series(d.chance(0.5)), ~partial.to_numpy() | d.chance(0.3)),
        "size": _blank(d.pick(list(CHOICES["size"]), [5, 20, 45, 30]), d.chance(MISSING)),
        "above_scale": _blank(pl.Series(d.chance(0.4)), d.chance(MISSING)),
        "established": _blank(d.days(date(1995, 1, 1), date(2025, 6, 30)), d.chance(MISSING)),
        "revenue": _blank(revenue, d.chance(MISSING)),
        "revenue_prior": _blank((revenue / growth).round().cast(pl.Int64), d.chance(0.08)),
    }
    return pl.DataFrame({k: v.alias(k) for k, v in columns.items()}).cast(APPLICANT_SCHEMA)


def _regions(d: _Draw) -> pl.Series:
    cities = d.pick(list(CITY_WEIGHTS), list(CITY_WEIGHTS.values()))
    county = cities.clone()
    counties: dict[str, list[str]] = {}
    for code, row in divisions.divisions().items():
        if row["level"] == "county":
            counties.setdefault(row["parent"], []).append(code)
    for city, options in counties.items():
        county = pl.select(pl.when(cities == city).then(d.pick(options)).otherwise(county)).to_series()
    roll = pl.Series(d.rng.random(d.n))
    outside = d.pick(["110105", "310115", "440305", "220102"])
    return pl.select(
        pl.when(roll < 0.6).then(county).when(roll < 0.94).then(cities).when(roll < 0.97).then(pl.lit("shenfu"))
        .otherwise(outside)
    ).to_series().alias("region")


def _uscc(d: _Draw, regions: pl.Series, first: int = 0) -> pl.Series:
    """Valid, unique codes: 9 1 (enterprise), six region digits, 'M' + the row number in base 31, checks."""
    n = d.n
    area = regions.replace("shenfu", "210400").to_numpy().astype("U6").view(np.uint32).reshape(n, 6) - ord("0")
    value = {c: i for i, c in enumerate(ALPHABET)}
    serial = np.arange(first, first + n)[:, None] // (31 ** np.arange(6, -1, -1)) % 31
    body = np.hstack([np.full((n, 1), value["M"]), serial])
    gb11714 = np.array([int(c) if c.isdigit() else ord(c) - 55 for c in ALPHABET])
    org = 11 - (gb11714[body] * np.array(ORG_WEIGHTS)).sum(axis=1) % 11
    org_char = np.array([value[{10: "X", 11: "0"}.get(k, str(k % 10))] for k in range(12)])[org]
    seventeen = np.hstack([np.full((n, 1), 9), np.full((n, 1), 1), area, body, org_char[:, None]])
    check = (31 - (seventeen * USCC_WEIGHTS).sum(axis=1) % 31) % 31
    ascii_codes = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)[np.hstack([seventeen, check[:, None]])]
    return pl.Series("uscc", np.ascontiguousarray(ascii_codes).view("S18").ravel()).cast(pl.String)


def _matters(rng: np.random.Generator, owners: pl.Series, codes: dict[str, CodeInfo],
             per_applicant: float, window: Window) -> pl.DataFrame:
    counts = rng.poisson(per_applicant, len(owners))
    d = _Draw(int(rng.integers(2**31)), int(counts.sum()))
    owner = np.repeat(np.arange(len(owners)), counts)
    local = np.arange(d.n) - np.repeat(np.cumsum(counts) - counts, counts)
    shipped = vocabulary()
    added = {c: info for c, info in codes.items() if c not in shipped}
    weights = {c: CODE_WEIGHTS.get(c, NEW_CODE_WEIGHT if c in added else 1) for c in codes}
    first = d.pick(list(weights), list(weights.values()))
    second = _blank(first.replace_strict(PAIRS, default=None, return_dtype=pl.String), ~d.chance(0.12))
    frame = pl.DataFrame({
        "id": pl.select(pl.concat_str(pl.lit("m"), pl.Series(local).cast(pl.String))).to_series(),
        "uscc": owners.gather(owner),
        "type": first.replace_strict({c: i.type for c, i in codes.items()}, return_dtype=pl.String),
        "codes": pl.select(pl.concat_list(first, second).list.drop_nulls()).to_series(),
        "date": _blank(_edges(d, d.days(window.start, window.end), window.edges), d.chance(0.03)),
        "other_support": _blank(d.pick([500_000, 1_000_000, 5_000_000, 10_000_000, 30_000_000], dtype=pl.Int64),
                                ~d.chance(0.05)),
    })
    return frame.with_columns(**_fields(d, frame["codes"], added)).select(list(MATTER_SCHEMA)).cast(MATTER_SCHEMA)


def _edges(d: _Draw, days: pl.Series, on: tuple[date, ...]) -> pl.Series:
    """Put 2% of dates on the window's edges, where the rules are most easily got wrong."""
    edges = d.pick(list(on), dtype=pl.Date)
    return pl.select(pl.when(pl.Series(d.chance(0.02))).then(edges).otherwise(days)).to_series().alias("date")


def _fields(d: _Draw, codes: pl.Series, added: dict[str, CodeInfo]) -> dict[str, pl.Series]:
    """The matters' facts, each given for the codes that read it; a code a policy adds gets the facts it lists, with
    values among those it allows."""
    def having(names: list[str]) -> np.ndarray:
        return pl.select(pl.any_horizontal([codes.list.contains(c) for c in names])).to_series().to_numpy()

    def field(name: str, values: pl.Series, names: list[str]) -> pl.Series:
        names = names + [c for c, info in added.items() if name in info.fields]
        return _blank(values, ~having(names) | d.chance(MISSING))

    level = d.pick(["national", "provincial", "industry"], [45, 50, 5])
    level = pl.select(pl.when(pl.Series(having(["gazelle", "unicorn"]))).then(
        d.pick(["provincial", "national"], [85, 15])).otherwise(level)).to_series()
    level = pl.select(pl.when(pl.Series(having(["standard_lead"]))).then(
        d.pick(["international", "national", "industry", "provincial"], [10, 40, 30, 20])).otherwise(level)).to_series()
    national = pl.Series(having(["national_platform"]))
    platform = pl.select(pl.when(national).then(d.pick(PLATFORMS["national_platform"]))
                         .otherwise(d.pick(PLATFORMS["provincial_platform_excellent"]))).to_series()
    investment = d.money(17.3, 1.2)
    investment = pl.select(pl.when(pl.Series(d.chance(0.02))).then(100_000_000).otherwise(investment)).to_series()
    parent = d.pick(["3411", "3511", "3821", "2710", "1811", "5176", "7212"], [25, 20, 20, 10, 10, 10, 5])
    platforms = list(PLATFORMS)
    out = {  # in this order: each value drawn, then which are left out, as the generator has always been called
        "level": field("level", level, LEVELLED),
        "field": field("field", d.pick(list(CHOICES["field"])), ["new_industrialization_base"]),
        "platform": field("platform", platform, platforms),
        "digital_field": field("digital_field", pl.Series(d.chance(0.7)), platforms),
        "institution": field("institution", d.pick(list(CHOICES["institution"])), ["establishment"]),
        "institution_confirmed": field("institution_confirmed", pl.Series(d.chance(0.6)), ["establishment"]),
        "group_core": field("group_core", pl.Series(d.chance(0.4)), ["global_500"]),
        "parent_industry": field("parent_industry", parent, ["spin_off"]),
        "parent_size": field("parent_size", d.pick(list(CHOICES["size"]), [40, 40, 15, 5]), ["spin_off"]),
        "build": field("build", d.pick(list(CHOICES["build"])), ["component_manufacturing"]),
        "sector": field("sector", d.pick(list(CHOICES["sector"])), ["component_manufacturing"]),
        "domain": field("domain", d.pick(list(CHOICES["domain"])), ["digital_benchmark"]),
        "investment": field("investment", investment, INVESTED),
        "actual_investment": field("actual_investment", investment // 3, ["ecommerce_innovation"]),
        "listed": field("listed", pl.Series(d.chance(0.8)), ["key_tech"]),
    }
    for code, info in added.items():  # a value its code allows (a platform code's own kinds, as 措施12's)
        for name, allowed in info.choices:
            if name in out:
                given = pl.Series(having([code])) & out[name].is_not_null()
                out[name] = pl.select(pl.when(given).then(d.pick(list(allowed))).otherwise(out[name])).to_series()
    return out
