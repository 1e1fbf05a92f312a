"""A population's files read as tables of text (or of the types a Parquet file carries), refused with a reason.

A folder holds ``applicants`` and ``matters`` as ``.csv`` or ``.parquet``; a workbook holds sheets of those names.
A CSV may be UTF-8 (with or without BOM) or GB18030, the GBK that Chinese Excel saves. A file is named by its name
only, never by its path: a web job's files live on the server.
"""

import codecs
import re
from csv import Error as CsvError
from csv import reader
from pathlib import Path

import numpy as np
import polars as pl

from huiqi.errors import InputError
from huiqi.rules.batch import APPLICANT_SCHEMA, MATTER_SCHEMA
from huiqi.rules.facts import label
from huiqi.validation import ENCODING_HINT

TABLES = ("applicants", "matters")
REQUIRED = {"applicants": ("uscc",), "matters": ("id", "uscc", "type", "codes")}  # no row can be read without
SAMPLE = 1 << 20  # bytes of a CSV read to judge its encoding
HEADER = 1 << 16  # bytes of a CSV read to find its header line (a population's is some 300)
BOM = b"\xef\xbb\xbf"
CSV_HINT = "（CSV 常见的原因：某行的列数与表头不同、引号没有配对，或文件不是 UTF-8 编码）"
# A CSV row's values beyond its header are read into these columns (``PROBES`` of them), to be refused by row
# (``population.validate``) rather than dropped; a row holding more has them too, the rest cut off.
OVERFLOW = "__overflow_"
PROBES = 4
QUOTE_BLOCK = 1 << 24  # bytes of a CSV searched at once for a quote left open


def read_tables(path: Path) -> dict[str, pl.LazyFrame]:
    """The two tables of the folder or workbook at ``path``, each with its row number (``__row``)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_workbook(path)
    if not path.is_dir():
        raise InputError([("POPULATION", f"{path} 不是文件夹，也不是 Excel 工作簿（.xlsx）")])
    return {name: _read_table(path, name) for name in TABLES}


def _read_table(folder: Path, name: str) -> pl.LazyFrame:
    for suffix in (".parquet", ".csv"):
        file = folder / f"{name}{suffix}"
        if file.exists():
            frame = _scan_parquet(file, name) if suffix == ".parquet" else _scan_csv(file, name)
            return frame.with_columns(pl.int_range(pl.len()).alias("__row"))
    # the folder's name only: a web job's folder is a path on the server
    raise InputError([(name, f"文件夹 {folder.name} 中没有 {name}.csv 或 {name}.parquet")])


def _scan_parquet(file: Path, name: str) -> pl.LazyFrame:
    try:
        pl.read_parquet_schema(file)  # the footer only: a file that is not Parquet fails here, not mid-way
    except (OSError, pl.exceptions.PolarsError):
        raise InputError([(name, f"{file.name} 不是有效的 Parquet 文件")]) from None
    return pl.scan_parquet(file)


def _scan_csv(file: Path, name: str) -> pl.LazyFrame:
    """A CSV in UTF-8 (with or without BOM) is scanned; one in GB18030 (GBK, what Chinese Excel saves) is decoded.

    The encoding is judged from the file's start: a GB18030 file is read at once, as Excel's CSVs are small."""
    with file.open("rb") as stream:
        head = stream.read(SAMPLE)
    if not head.removeprefix(BOM).strip():
        raise _empty(name, file.name)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return _read_gb18030(file, name)
    return _scan_text(file, file, name)


def _scan_text(source: Path | bytes, file: Path, name: str) -> pl.LazyFrame:
    """A CSV as text, each column as its header names it, and the values a row holds beyond its header in
    ``OVERFLOW`` columns (a value with a comma not quoted shifts the rest of its row: refused, never dropped)."""
    try:
        names = pl.scan_csv(source, infer_schema=False).collect_schema().names()
    except pl.exceptions.PolarsError:
        raise InputError([(name, f"{file.name} 的表头（第一行）无法读取{CSV_HINT}")]) from None
    schema = dict.fromkeys(names, pl.String) | {f"{OVERFLOW}{i}": pl.String for i in range(PROBES)}
    return pl.scan_csv(source, schema=schema, missing_columns="insert", truncate_ragged_lines=True)


def _read_gb18030(file: Path, name: str) -> pl.LazyFrame:
    try:
        text = file.read_bytes().decode("gb18030")
    except UnicodeDecodeError:
        raise InputError([(name, f"{file.name} 的编码无法识别：{ENCODING_HINT}")]) from None
    try:
        return _scan_text(text.encode("utf-8"), file, name).collect().lazy()
    except pl.exceptions.PolarsError:
        raise InputError([(name, f"{file.name} 不是有效的 CSV 文件{_why_unreadable(file)}")]) from None


def unreadable_reason(path: Path, table: str) -> str:
    """Why a table's file could not be read to its end, as precisely as can be said: for a CSV with a quote left
    open, the line it opens on (called only once reading failed)."""
    file = path / f"{table}.csv"
    if path.is_dir() and not (path / f"{table}.parquet").exists() and file.exists():
        return f"{file.name} 中有无法读取的内容{_why_unreadable(file)}"
    return f"文件中有无法读取的内容{CSV_HINT}"


def _why_unreadable(file: Path) -> str:
    line = open_quote(file)
    if line is None:
        return CSV_HINT
    return (f"：第 {line} 行（按文本行计，表头为第 1 行）的双引号没有配对，从这里起直到下一个双引号都被当作一个值；"
            "请补上结束的双引号，或删去这个双引号")


def open_quote(file: Path) -> int | None:
    """The first line of a CSV (1 for its header) that ends inside a quoted value: where a quote left open starts, in
    a file whose values hold no line breaks. None when every line closes its quotes.

    Read in blocks of ``QUOTE_BLOCK`` bytes with NumPy (the quote and the line feed are single bytes in UTF-8 and in
    GB18030 alike), carrying the parity of the quotes seen so far from block to block.
    """
    data = np.memmap(file, dtype=np.uint8, mode="r") if file.stat().st_size else np.zeros(0, np.uint8)
    odd, lines = 0, 0
    for start in range(0, len(data), QUOTE_BLOCK):
        block = np.asarray(data[start:start + QUOTE_BLOCK])
        parity = (np.cumsum(block == ord('"'), dtype=np.uint8) + odd) & 1  # overflow keeps the parity
        ends = np.flatnonzero(block == ord("\n"))
        open_at = np.flatnonzero(parity[ends])
        if open_at.size:
            return lines + int(open_at[0]) + 1
        lines += ends.size
        odd = int(parity[-1]) if block.size else odd
    return lines + 1 if odd else None  # the last line, unended, leaves a quote open


def _read_workbook(path: Path) -> dict[str, pl.LazyFrame]:
    """Both sheets, measured first (``workbook.check``: a sheet a reader cannot hold is refused, never read), then
    read by calamine as text; a bad one is named by its file name, never its path on the server."""
    from huiqi.simulate import workbook

    workbook.check(path, TABLES)
    try:
        frames = pl.read_excel(path, sheet_name=list(TABLES), engine="calamine", infer_schema_length=0,
                               raise_if_empty=False)
    except Exception:  # calamine and Polars raise several types for a sheet they cannot read
        raise InputError([("POPULATION", f"无法读取 {path.name} 的工作表")]) from None
    return {name: _text(frames[name], path, name) for name in TABLES}


def _text(frame: pl.DataFrame, path: Path, name: str) -> pl.LazyFrame:
    """A sheet as text, with its row number; a blank header cell's column is dropped (it holds nothing named)."""
    if frame.width == 0:
        raise _empty(name, f"{path.name} 的工作表 {name}")
    frame = frame.select([c for c in frame.columns if not c.startswith("__UNNAMED__")]).cast(pl.String)
    return frame.lazy().with_columns(pl.int_range(pl.len()).alias("__row"))


def _empty(name: str, what: str) -> InputError:
    return InputError([(name, f"{what} 是空的：第一行应为表头（列名），如 {', '.join(REQUIRED[name])}")])


def columns_of(table: str, columns: list[str]) -> tuple[list[str], list[str]]:
    """A table's header (its column names as the loader reads them) judged once for the upload's check and the job's:
    the required columns it lacks, and the columns it does not know, each once (a blank name and the row number the
    loader adds, ``__row``, name no column).

    >>> columns_of("applicants", ["name", " ", "名称", "名称", "__row"])
    (['uscc'], ['名称'])
    """
    schema = APPLICANT_SCHEMA if table == "applicants" else MATTER_SCHEMA
    return ([c for c in REQUIRED[table] if c not in columns],
            [c for c in dict.fromkeys(columns)
             if c.strip() and c not in schema and c != "__row" and not c.startswith(OVERFLOW)])


def missing_columns(raw: dict[str, pl.LazyFrame]) -> list[tuple[str, str]]:
    """The columns without which no row can be read: each is named once, not as a problem of every row."""
    return [(f"{table}.{column}（{label(column)}）", "缺少这一列（必填）")
            for table in TABLES for column in columns_of(table, raw[table].collect_schema().names())[0]]


def unreadable(raw: dict[str, pl.LazyFrame]) -> str:
    """The table whose file cannot be read to its end (called only once reading failed)."""
    for name, frame in raw.items():
        try:
            frame.select(pl.all().null_count()).collect()
        except pl.exceptions.PolarsError:
            return name
    return "POPULATION"


def headers(path: Path) -> dict[str, list[str]]:
    """Each table's column names as the loader will read them, from the header alone (a workbook's first row, a CSV's
    first line, a Parquet file's schema): cheap enough for an upload before its job is queued. A table whose header
    cannot be had so (absent, empty, in an encoding not known) is left out: the job reads it and says why."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from huiqi.simulate import workbook

        return workbook.header_rows(path, TABLES)
    found: dict[str, list[str]] = {}
    for name in TABLES:
        parquet, csv = path / f"{name}.parquet", path / f"{name}.csv"
        if parquet.exists():
            try:
                found[name] = list(pl.read_parquet_schema(parquet))
            except (OSError, pl.exceptions.PolarsError):
                continue
        elif csv.exists() and (line := _first_line(csv)) is not None:
            try:
                if line.count('"') % 2 == 0:  # else a quoted name runs past the line: the job reads the file whole
                    found[name] = next(reader([line]), [])
            except CsvError:
                continue
    return found


def _first_line(file: Path) -> str | None:
    """A CSV's first line (ended by LF, CRLF, or CR alone as Excel's "CSV (Macintosh)" writes), in UTF-8 (with or
    without BOM) or GB18030; None when it is blank or not within ``HEADER`` bytes."""
    with file.open("rb") as stream:
        head = stream.read(HEADER + 1)
    line, *ended = re.split(rb"[\r\n]", head.removeprefix(BOM), maxsplit=1)
    if (not ended and len(head) > HEADER) or not line.strip():  # an empty file: the job says it is empty
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
