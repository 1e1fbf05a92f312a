"""Populations: the two tables of DOMAIN.md (``applicants``, ``matters``) as CSV, Parquet or Excel.

A population is a folder holding ``applicants`` and ``matters`` (``.csv`` or ``.parquet``), or an
Excel workbook with sheets of those names. Values are read as text where the file has no types
(CSV, Excel) and converted with vectorised checks, so a bad value anywhere is reported with its
table, row and field, the same reasons the one-case door gives, without a Python loop per row.
Reading the files (encodings, empty files, missing columns) is ``population_files``.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from huiqi.errors import InputError
from huiqi.money import MAX_YUAN
from huiqi.reference import divisions, industries, uscc
from huiqi.rules.batch import APPLICANT_SCHEMA, MATTER_SCHEMA
from huiqi.rules.facts import CHOICES, label
from huiqi.rules.policy import CodeInfo
from huiqi.simulate.population_files import (
    OVERFLOW,
    PROBES,
    TABLES,
    columns_of,
    headers,
    missing_columns,
    read_tables,
    unreadable,
    unreadable_reason,
)

ROW = "__applicant_row"  # a matter's row in the applicants' table
BEYOND = "__beyond"  # the values a CSV row holds beyond its header (``population_files.OVERFLOW``), as a list
SHOWN = 20  # rows whose problems an error lists, and problems listed per table to people; the count says the rest
TABLE_NAMES = {"applicants": "申请人表", "matters": "事项表"}
ITEM = "· "  # how a problem's line starts in a refused population's message (``PopulationError``)
SLICE = 2_000_000  # rows checked at once: memory stays bounded whatever the size of a table
LINK_SLICE = 10_000_000  # matters linked to their applicants at once (the applicants' hash table is built for each)
UNKNOWN_CODE = 1 << 62  # the bit an unknown code sets in the validation bitmask
TRUE, FALSE = ("true", "1", "是", "yes"), ("false", "0", "否", "no")
ENUMS = {
    "kind": "kind", "size": "size", "type": "type", "level": "level", "field": "field",
    "platform": "platform", "institution": "institution", "parent_size": "size", "build": "build",
    "sector": "sector", "domain": "domain",
}


class PopulationError(InputError):
    """A population's problems, listed for people by table (``message``): the first ``SHOWN`` of each, one a line,
    then how many more. ``counts`` is how many problems each table has in all, when more than are listed."""

    def __init__(self, problems: list[tuple[str, str]], counts: dict[str, int] | None = None):
        super().__init__(problems)
        self.message = listed(problems, counts or {})


def listed(problems: list[tuple[str, str]], counts: dict[str, int]) -> str:
    """The problems as lines: a lead, then per table a heading and its problems (each starting ``ITEM``), the first
    ``SHOWN``, then ``另有 N 处``.

    >>> print(listed([("applicants 第1条（表格第2行） uscc（统一社会信用代码）", "为空"), ("matters.x", "不认识的列")],
    ...              {"applicants": 3}))
    企业样本数据有 4 处问题，请改正后重新上传：
    申请人表（applicants）3 处：
    · 第1条（表格第2行） uscc（统一社会信用代码）：为空
    · 另有 2 处
    事项表（matters）1 处：
    · x：不认识的列
    """
    groups: dict[str, list[str]] = {}
    for field, why in problems:
        table, rest = _table_of(field)
        if table is not None or not rest.startswith("（共计）"):  # the CLI's total; the counts say it per table here
            groups.setdefault(table or "", []).append(" ".join(f"{rest}：{why}".split()))  # one line, whatever it holds
    totals = {table: max(counts.get(table, 0), len(items)) for table, items in groups.items()}
    lines = [f"企业样本数据有 {sum(totals.values())} 处问题，请改正后重新上传："]
    for table, items in groups.items():
        if table:
            lines.append(f"{TABLE_NAMES[table]}（{table}）{totals[table]} 处：")
        lines += [ITEM + item for item in items[:SHOWN]]
        if totals[table] > len(items[:SHOWN]):
            lines.append(f"{ITEM}另有 {totals[table] - len(items[:SHOWN])} 处")
    return "\n".join(lines)


def sections(message: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """A job's error as a page shows it: its first line, then each heading with its problems (``listed``); an error
    of one line (any other failure) is its first line alone.

    >>> sections("有 2 处问题：\\n申请人表（applicants）2 处：\\n· 甲\\n· 乙")
    ('有 2 处问题：', [('申请人表（applicants）2 处：', ['甲', '乙'])])
    """
    lead, *lines = message.split("\n")
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith(ITEM):
            if not out:
                out.append(("", []))
            out[-1][1].append(line.removeprefix(ITEM))
        else:
            out.append((line, []))
    return lead, out


def _table_of(field: str) -> tuple[str | None, str]:
    """The table a problem's field names first (``applicants 第3条…``, ``matters.x``), and the rest of the field."""
    for table in TABLE_NAMES:
        if field.startswith((f"{table} ", f"{table}.")) or field == table:
            return table, field[len(table) + 1:] or "文件"
    return None, field


@dataclass
class Population:
    """Typed lazy tables, ready for the evaluators, and where they came from."""

    applicants: pl.LazyFrame
    matters: pl.LazyFrame
    source: str
    rows: pl.Series | None = None  # each matter's applicant row (``link``), when validation found them
    masks: pl.Series | None = None  # each matter's code bitmask: bit i for the i-th code of ``codes``
    codes: list[str] | None = None  # the codes of the bitmask's bits, in order


def header_problems(path: Path) -> list[tuple[str, str]]:
    """The headers of a population's tables as the loader will read them (``population_files.headers``): the required
    columns each lacks and the columns it does not know, one problem a table, for an upload before its job is queued
    (``read_population`` and ``validate`` say the same of the whole file later)."""
    problems = []
    for table, columns in headers(path).items():
        lacking, unknown_ = columns_of(table, columns)
        missing = [f"{c}（{label(c)}）" for c in lacking]
        unknown = [_shown(c) for c in unknown_]
        said = [f"缺少必填的列 {'、'.join(missing)}"] if missing else []
        if unknown:
            more = f" 等 {len(unknown)} 列" if len(unknown) > SHOWN else ""
            said.append(f"有不认识的列 {'、'.join(unknown[:SHOWN])}{more}（请检查拼写）")
        if said:
            where = f"{path.name} 的工作表 {table}" if path.is_file() else f"{table}.{_suffix(path, table)}"
            problems.append(("POPULATION", f"{where}：{'；'.join(said)}"))
    return problems


def _shown(column: str) -> str:
    """A column's name as a message quotes it: at most 30 characters."""
    return f"“{column[:30]}…”" if len(column) > 30 else f"“{column}”"


def _suffix(folder: Path, table: str) -> str:
    return "parquet" if (folder / f"{table}.parquet").exists() else "csv"


def read_population(path: str | Path, codes: dict[str, CodeInfo], *, check: bool = True) -> Population:
    """Read and (by default) validate a population; raises InputError listing bad rows."""
    path = Path(path)
    raw = read_tables(path)
    missing = missing_columns(raw)
    if missing:
        raise PopulationError(missing)
    typed = {name: _typed(name, raw[name]) for name in TABLES}
    links: list[pl.Series] = []
    counts: dict[str, int] = {}
    if check:
        try:
            problems = validate(typed["applicants"], typed["matters"], codes, links, counts)
        except pl.exceptions.PolarsError:  # a file read lazily fails only as it is read: say which, not how
            table = unreadable(raw)
            raise InputError([(table, unreadable_reason(path, table))]) from None
        if problems:
            raise PopulationError(problems, counts)
    return Population(_clean(typed["applicants"], APPLICANT_SCHEMA), _clean(typed["matters"], MATTER_SCHEMA),
                      str(path), *(links or [None, None]), list(codes) if links else None)


def link(keys: pl.Series, matters: pl.LazyFrame) -> pl.Series | None:
    """Each matter's row in ``keys`` (UInt32, null where no key is its own); None when two keys hash alike.

    ``matters`` has one column, the matters' keys. Rows are found by joining on the keys' 64-bit
    hashes (integers, far cheaper to join than text), then the text is compared: a matter whose
    hash is an applicant's but whose key is not (a collision) has no row, since no other key has
    that hash. So the result is exactly that of a join on the text, when the keys' hashes are distinct.
    """
    table = _hash_table(keys)
    if table["__hash"].n_unique() < table.height:
        return None
    return _linked(table, keys, matters.collect().to_series())


def _hash_table(keys: pl.Series) -> pl.DataFrame:
    """The keys' hashes with their rows, for ``_linked``."""
    return pl.DataFrame({"__hash": keys.hash(), ROW: pl.int_range(keys.len(), dtype=pl.UInt32, eager=True)})


def _linked(table: pl.DataFrame, keys: pl.Series, wanted: pl.Series) -> pl.Series:
    """``link`` for keys whose hashes are known to be distinct (``table`` is ``_hash_table(keys)``)."""
    joined = wanted.rename("__key").to_frame().lazy().with_columns(pl.col("__key").hash().alias("__hash")).join(
        table.lazy(), on="__hash", how="left", maintain_order="left")
    same = pl.col("__key") == pl.lit(keys).gather(pl.col(ROW))
    return joined.select(pl.when(same).then(pl.col(ROW)).alias(ROW)).collect()[ROW]


def _typed(table: str, frame: pl.LazyFrame) -> pl.LazyFrame:
    """Add ``<column>`` in its target type next to ``__raw__<column>`` for every known column."""
    schema = APPLICANT_SCHEMA if table == "applicants" else MATTER_SCHEMA
    present = frame.collect_schema()
    out = []
    for column, dtype in schema.items():
        if column not in present:
            out += [pl.lit(None, dtype=pl.String).alias(f"__raw__{column}"), pl.lit(None, dtype=dtype).alias(column)]
            continue
        source = pl.col(column)
        if present[column] == dtype:
            out += [pl.lit(None, dtype=pl.String).alias(f"__raw__{column}"), source]
            continue
        text = source.cast(pl.String).str.strip_chars()
        text = pl.when(text == "").then(None).otherwise(text)
        out += [text.alias(f"__raw__{column}"), _convert(text, column, dtype).alias(column)]
    extra = columns_of(table, present.names())[1]
    probes = [pl.col(c) for c in present.names() if c.startswith(OVERFLOW)]
    beyond = [*probes, pl.concat_list(probes).alias(BEYOND)] if probes else []  # read only when a row has some
    return frame.select(pl.col("__row"), *out, *[pl.col(c).alias(f"__extra__{c}") for c in extra], *beyond)


def _convert(text: pl.Expr, column: str, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Int64:
        return pl.when(text.str.contains(r"^\d{1,16}$")).then(text.str.to_integer(strict=False))
    if dtype == pl.Boolean:
        lower = text.str.to_lowercase()
        return pl.when(lower.is_in(TRUE)).then(True).when(lower.is_in(FALSE)).then(False)
    if dtype == pl.Date:  # spreadsheets store a date as its midnight: accept that, refuse other times
        day = text.str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00(\.0+)?)?$", "$1")
        return day.str.to_date("%Y-%m-%d", strict=False)
    if column == "codes":
        return text.str.split(";").list.eval(pl.element().str.strip_chars()).list.eval(
            pl.element().filter(pl.element() != ""))
    return text


def _clean(frame: pl.LazyFrame, schema: dict) -> pl.LazyFrame:
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])


def validate(applicants: pl.LazyFrame, matters: pl.LazyFrame, codes: dict[str, CodeInfo],
             links: list[pl.Series] | None = None, tallies: dict[str, int] | None = None) -> list[tuple[str, str]]:
    """Every problem of the two tables (those of the first ``SHOWN`` rows of each, then how many rows more); how
    many problems each table has in all goes in ``tallies``.

    One pass counts the problems of every check; only when some check fails are its rows located,
    so a clean population of millions of rows is checked in a single scan of each table. A check
    may bring a cheaper expression for that pass (its fifth item), nonzero when some row may fail. A check's
    reason may be a function of the failing value (which code is unknown, which credit-code check fails), called
    only for the rows shown.
    Columns checked with costly work are computed once, outside that pass, and read into it as
    literals: the credit codes' check characters (NumPy over the bytes), the matters' code bitmasks, and
    the regions (checked among their distinct values). When there is no problem, each matter's
    applicant row (``link``) and code bitmask are appended to ``links``, so evaluation need not find
    them again.
    """
    found: list[tuple[str, str]] = []
    total = 0
    keys = applicants.select("uscc").collect()["uscc"]
    usccs = keys.drop_nulls()
    hashes, count = usccs.hash().n_unique(), usccs.len()  # as many distinct hashes as codes: none given twice
    # Matters whose code is not an applicant's, counted from each matter's applicant row (found by
    # the codes' hashes); (uscc, id) pairs given twice suspected by hash (the hashes of the applicant
    # row, or of the code, and of the id combined, so equal pairs hash alike), the exact search left
    # for when rows are located.
    table = _hash_table(keys) if hashes == count == keys.len() else None
    height = matters.select(pl.len()).collect().item()
    pairs, rows, absent, unlinked = [], [], 0, 0
    with ThreadPoolExecutor(1) as pool:  # NumPy checks the credit codes while Polars reads the matters
        checked = pool.submit(uscc.valid_series, keys)
        for start in range(0, max(height, 1), LINK_SLICE):  # the matters' codes and ids are not all held at once
            part = matters.slice(start, LINK_SLICE).select("uscc", "id").collect()
            missing = part["uscc"].null_count()
            absent += missing
            if table is not None:
                rows.append(_linked(table, keys, part["uscc"]))
                unlinked += rows[-1].null_count() - missing
            else:  # codes missing or given twice (a problem already): counted by a join on the text
                unlinked += part.lazy().select(pl.col("uscc").drop_nulls()).join(
                    pl.LazyFrame({"uscc": usccs}), on="uscc", how="anti").select(pl.len()).collect().item()
            pairs.append((part["uscc"] if table is None else rows[-1]).hash(1) ^ part["id"].hash(2))
        valid = checked.result()
    parts = [matters.slice(start, SLICE).select(_bitmask(codes).alias("__codes"),  # lists take memory: in slices
                                                pl.col("codes").list.len().alias("__listed")).collect()
             for start in range(0, max(height, 1), SLICE)]
    suspects = _distinct(pl.concat(pairs)) < height
    del pairs
    dup = matters.select(pl.struct("uscc", "id").is_duplicated().alias("__dup")).collect() if suspects else \
        pl.DataFrame({"__dup": pl.repeat(False, height, eager=True)})
    known = pl.concat(parts).hstack(dup)
    linked = pl.concat(rows) if rows else None
    invalid = keys.is_not_null() & ~valid
    unique = hashes == count
    given = pl.DataFrame({"__invalid": invalid, "__twice": pl.repeat(False, keys.len(), eager=True) if unique else
                          keys.is_not_null() & keys.is_duplicated()})
    for table, frame, checks in (
            ("applicants", pl.concat([applicants, given.lazy()], how="horizontal"),
             _applicant_checks(_bad_regions(applicants), int(invalid.sum()), unique, keys.null_count())),
            ("matters", pl.concat([matters, known.lazy()], how="horizontal"),
             _matter_checks(codes, usccs, unlinked, absent))):
        columns = frame.collect_schema().names()
        extra = [(f"{table}.{c[9:]}", "不认识的列（请检查拼写）") for c in columns if c.startswith("__extra__")]
        found += extra
        if BEYOND in columns:
            checks = [*checks, _beyond_check(table, [c for c in columns if c.startswith(OVERFLOW)])]
        height = keys.len() if table == "applicants" else known.height
        parts = [frame.slice(start, SLICE) for start in range(0, max(height, 1), SLICE)]
        counts = [sum(c) for c in zip(*(part.select(_count(c).alias(str(i)) for i, c in enumerate(checks))
                                         .collect().row(0) for part in parts), strict=True)]
        failing = [check for check, count in zip(checks, counts, strict=True) if count]
        if not failing:
            continue
        flagged = pl.concat([part.select(pl.col("__row"), *_located(failing))
                             .filter(pl.any_horizontal(pl.col(f"__bad{i}") for i in range(len(failing)))).collect()
                             for part in parts])
        total += flagged.height
        if tallies is not None:
            flags = flagged.select(pl.sum_horizontal(pl.col(f"__bad{i}").cast(pl.UInt32) for i in range(len(failing))))
            tallies[table] = len(extra) + int(flags.to_series().sum())
        for row in flagged.sort("__row").head(SHOWN).iter_rows(named=True):
            for i, (_, field, _, why, *_) in enumerate(failing):
                if row[f"__bad{i}"]:
                    where = f"{table} 第{row['__row'] + 1}条（表格第{row['__row'] + 2}行）"
                    found.append((where if field == BEYOND else f"{where} {field}（{label(field)}）",
                                  why(row[f"__value{i}"]) if callable(why) else why))
    if total > SHOWN:
        found.append(("（共计）", f"共有 {total} 条记录有问题，以上只列出前面的部分"))
    if not found and linked is not None and links is not None:
        links += [linked, known["__codes"]]
    return found


def _located(failing: list[tuple]) -> list[pl.Expr]:
    """Each failing check's flag; with it, for a reason that depends on the value (a function of it, applied only
    to the rows shown), the value where the check fails."""
    out = []
    for i, (_, field, bad, why, *_) in enumerate(failing):
        out.append(bad.alias(f"__bad{i}"))
        if callable(why):
            out.append(pl.when(bad).then(pl.col(field)).alias(f"__value{i}"))
    return out


def _distinct(hashes: pl.Series) -> int:
    """How many distinct values ``hashes`` (UInt64) holds, counted a quarter of the range at a time when there are
    many (a set of fifty million hashes would take a gigabyte at once)."""
    if hashes.len() <= LINK_SLICE:
        return hashes.n_unique()
    values = hashes.to_numpy()
    return sum(pl.Series(values[values >> np.uint64(62) == np.uint64(k)]).n_unique() for k in range(4))


def _count(check: tuple) -> pl.Expr:
    """What the counting pass computes for a check: nonzero when some row may fail it."""
    return check[4] if len(check) > 4 else check[2].sum()


def _bad_value(column: str) -> pl.Expr:
    """A value was given but could not be read in its type."""
    return pl.col(f"__raw__{column}").is_not_null() & pl.col(column).is_null()


def _beyond_check(table: str, probes: list[str]) -> tuple:
    """A CSV row holding values beyond its header (its row of the table, the values named)."""
    return (table, BEYOND, pl.any_horizontal(pl.col(c).is_not_null() for c in probes), _beyond)


def _beyond(values: list[str | None]) -> str:
    given = [_shown(v) for v in values if v is not None]
    count = f"至少 {PROBES}" if values[-1] is not None else str(len(given))
    return (f"比表头多出 {count} 个值：{'、'.join(given)}（表头之外的值无法读取；"
            "常见的原因是某个值中有逗号却没有加双引号，使后面的值都错了位。请改正这一行）")


def _bad_regions(applicants: pl.LazyFrame) -> list[str]:
    """The regions given that are not valid, found among the distinct values (a few thousand at most)."""
    region = pl.col("region")
    liaoning = [code for code in divisions.divisions() if divisions.region_problem(code) is None]
    valid = region.is_in(liaoning) | (region.str.contains(r"^\d{6}$") & ~region.str.starts_with("21")
                                      & region.str.slice(0, 2).is_in(list(divisions.PROVINCE_PREFIXES)))
    distinct = applicants.select(region.unique()).collect().lazy()
    return distinct.filter(region.is_not_null() & ~valid).collect()["region"].to_list()


def _applicant_checks(bad_regions: list[str], invalid: int, unique: bool, absent: int) -> list[tuple]:
    """The applicant checks, given the bad regions, how many credit codes are invalid (``__invalid`` flags them)
    and missing; ``unique`` (no two given codes alike) spares the duplicate search (``__twice`` flags them)."""
    industry = pl.col("industry")
    classes = [c for c, row in industries.industries().items() if row["level"] == "class"]
    checks = [
        ("applicants", "uscc", pl.col("uscc").is_null(), "缺少统一社会信用代码", pl.lit(absent)),
        ("applicants", "uscc", pl.col("__invalid"), _uscc_problem, pl.lit(invalid)),
        ("applicants", "uscc", pl.col("__twice"), "统一社会信用代码重复", pl.lit(not unique)),
        ("applicants", "region", pl.col("region").is_in(bad_regions),
         "不是有效的行政区划代码（辽宁省内须是 GB/T 2260 代码或 shenfu）", pl.lit(len(bad_regions))),
        ("applicants", "industry", industry.is_not_null() & ~industry.is_in(classes),
         lambda given: _code_problem(given, classes, "不是 GB/T 4754-2017 的四位小类代码")),
        ("applicants", "name", _too_long("name", NAME_LENGTH), f"过长：最多 {NAME_LENGTH} 个字"),
    ]
    return checks + _typed_checks("applicants", APPLICANT_SCHEMA)


# The free text a simulation reads is bounded as the platform stores it: a unit's name, a matter's id (the columns
# of ``applicant_profiles.name`` and ``matters.key``, held equal by a test: the models are not imported here, so that
# ``huiqi simulate`` starts without SQLAlchemy).
NAME_LENGTH = 200
MATTER_ID_LENGTH = 64


def _too_long(column: str, most: int) -> pl.Expr:
    return pl.col(column).str.len_chars().fill_null(0) > most


def _uscc_problem(code: str) -> str:
    return f"统一社会信用代码无效：{uscc.uscc_problem(code)}"


def _matter_checks(codes: dict[str, CodeInfo], usccs: pl.Series, unlinked: int, absent: int) -> list[tuple]:
    """The matter checks; ``usccs`` are the applicants' codes, ``unlinked`` how many matters lack one (of those
    with a code: ``absent`` have none). They read
    each matter's code bitmask (``__codes``), number of codes listed (``__listed``, null when none) and whether
    its (uscc, id) is given twice (``__dup``)."""
    parents = [c for c in industries.industries() if c.isdigit()]
    listed, mask = pl.col("__listed"), pl.col("__codes")
    honours = sum(1 << i for i, info in enumerate(codes.values()) if info.type == "honour")
    projects = sum(1 << i for i, info in enumerate(codes.values()) if info.type == "project")
    kind = pl.col("type")
    checks = [
        ("matters", "id", pl.col("id").is_null(), "缺少事项编号"),
        ("matters", "id", _too_long("id", MATTER_ID_LENGTH), f"过长：最多 {MATTER_ID_LENGTH} 个字符"),
        ("matters", "uscc", pl.col("uscc").is_null(), "缺少统一社会信用代码", pl.lit(absent)),
        ("matters", "uscc", pl.col("uscc").is_not_null() & ~pl.col("uscc").is_in(usccs.implode()),
         "申请人表中没有这个统一社会信用代码", pl.lit(unlinked)),
        ("matters", "id", pl.col("id").is_not_null() & pl.col("uscc").is_not_null() & pl.col("__dup"),
         "同一申请人的事项编号重复"),
        ("matters", "type", kind.is_null(), "缺少事项类型"),
        ("matters", "codes", listed.is_null() | (listed == 0), "缺少事项代码"),
        ("matters", "codes", (mask & UNKNOWN_CODE) != 0, lambda given: _unknown_codes(given, codes)),
        ("matters", "codes", ((mask & UNKNOWN_CODE) == 0) & (mask.bitwise_count_ones() < listed),
         "事项代码重复"),
        ("matters", "codes", ((kind == "honour") & ((mask & projects) != 0))
         | ((kind == "project") & ((mask & honours) != 0)), "事项代码与事项类型不符"),
        ("matters", "parent_industry", pl.col("parent_industry").is_not_null()
         & ~pl.col("parent_industry").is_in(parents),
         lambda given: _code_problem(given, parents, "不是 GB/T 4754-2017 的大类、中类或小类代码")),
    ]
    checks += [("matters", name, ((mask & (1 << i)) != 0) & ~pl.col(name).is_in(list(allowed)),
                f"不属于{info.label}（{info.code}）：应为 {'、'.join(allowed)} 之一")
               for i, info in enumerate(codes.values()) for name, allowed in info.choices]
    return [(t, f, bad.fill_null(False), why, *count) for t, f, bad, why, *count
            in checks + _typed_checks("matters", MATTER_SCHEMA)]


def _code_problem(given: str, known: list[str], what: str) -> str:
    """An industry code not known, quoted; when it is a known code without its leading 0 (539 for 0539, as a
    spreadsheet keeps a code typed as a number), said so.

    >>> _code_problem("539", ["0539"], "不是小类代码")
    '“539”不是小类代码：若应为“0539”，是表格把代码存成了数字、去掉了开头的 0，请把这一列设为文本格式后重新填写'
    """
    said = f"{_shown(given)}{what}"
    if given.isdigit() and f"0{given}" in known:
        said += f"：若应为“0{given}”，是表格把代码存成了数字、去掉了开头的 0，请把这一列设为文本格式后重新填写"
    return said


CODES_SHOWN = 5  # unknown codes of a matter named; the count says the rest


def _unknown_codes(listed: list[str], codes: dict[str, CodeInfo]) -> str:
    unknown = list(dict.fromkeys(c for c in listed if c not in codes))
    more = f" 等 {len(unknown)} 个" if len(unknown) > CODES_SHOWN else ""
    return f"含有未知事项代码 {'、'.join(_shown(c)[1:-1] for c in unknown[:CODES_SHOWN])}{more}（请检查拼写）"


def _typed_checks(table: str, schema: dict) -> list[tuple[str, str, pl.Expr, str]]:
    checks = []
    for column, dtype in schema.items():
        if dtype == pl.Int64:
            # typed columns (Parquet) arrive as integers, so the range is checked whatever the file type
            bad = _bad_value(column) | ~pl.col(column).is_between(0, MAX_YUAN)
            checks.append((table, column, bad.fill_null(False), "应为非负整数（元），不超过一千万亿元"))
        elif dtype == pl.Date:
            checks.append((table, column, _bad_value(column), "应为日期（YYYY-MM-DD）"))
        elif dtype == pl.Boolean:
            checks.append((table, column, _bad_value(column), "应为 true 或 false"))
        elif column in ENUMS:
            choices = list(CHOICES[ENUMS[column]])
            checks.append((table, column, pl.col(column).is_not_null() & ~pl.col(column).is_in(choices),
                           f"取值应为 {', '.join(choices)} 之一"))
    return checks


def _bitmask(codes: dict[str, CodeInfo]) -> pl.Expr:
    """A matter's codes as a bitmask: bit i for the i-th of ``codes``, ``UNKNOWN_CODE`` for any other; a code
    listed twice counts once (so fewer bits than codes listed means a repeat)."""
    bits = {code: 1 << i for i, code in enumerate(codes)}
    return (pl.col("codes").list.eval(pl.element().replace_strict(bits, default=UNKNOWN_CODE, return_dtype=pl.Int64))
            .list.eval(pl.element().unique()).list.sum().fill_null(0))


def write_population(applicants: pl.DataFrame, matters: pl.DataFrame, path: str | Path, fmt: str = "csv") -> Path:
    """Write a population: a folder of CSV or Parquet files (``fmt``), or one workbook for a ``.xlsx`` path."""
    path = Path(path)
    as_text = matters.with_columns(pl.col("codes").list.join(";"))
    if path.suffix.lower() == ".xlsx":
        from huiqi.web.excel import safe_workbook

        with safe_workbook(path) as book:
            applicants.write_excel(book, worksheet="applicants")
            as_text.write_excel(book, worksheet="matters")
        return path
    path.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        applicants.write_parquet(path / "applicants.parquet")
        matters.write_parquet(path / "matters.parquet", row_group_size=1_000_000)
    else:
        applicants.write_csv(path / "applicants.csv")
        as_text.write_csv(path / "matters.csv")
    return path
