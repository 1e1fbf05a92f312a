"""Populations: the three file formats round-trip exactly, and bad rows are named."""

from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huiqi.errors import InputError
from huiqi.reference import uscc
from huiqi.rules.facts import label
from huiqi.rules.loader import vocabulary
from huiqi.simulate import population_files, workbook
from huiqi.simulate.population import (
    ROW,
    SHOWN,
    PopulationError,
    header_problems,
    link,
    read_population,
    sections,
    write_population,
)
from huiqi.simulate.population_files import ENCODING_HINT, headers, open_quote
from huiqi.simulate.synth import synthesise


@pytest.fixture(scope="module")
def small() -> tuple[pl.DataFrame, pl.DataFrame]:
    return synthesise(300, 4, vocabulary())


@pytest.mark.parametrize(("fmt", "name"), [("csv", "csv"), ("parquet", "parquet"), ("xlsx", "pop.xlsx")])
def test_round_trip(small, tmp_path: Path, fmt: str, name: str) -> None:
    people, matters = small
    path = write_population(people, matters, tmp_path / name, fmt)
    pop = read_population(path, vocabulary())
    assert pop.applicants.collect().equals(people)
    assert pop.matters.collect().equals(matters)


def test_synth_is_deterministic_and_covers_every_code() -> None:
    a1, m1 = synthesise(2000, 9, vocabulary())
    a2, m2 = synthesise(2000, 9, vocabulary())
    assert a1.equals(a2) and m1.equals(m2)
    assert not synthesise(2000, 10, vocabulary())[1].equals(m1)
    assert set(m1["codes"].explode()) == set(vocabulary())
    assert (m1["codes"].list.len() == 2).any(), "some projects carry two codes"
    assert m1["other_support"].is_not_null().any() and m1["date"].is_null().any()
    assert all(uscc.is_valid(c) for c in a1["uscc"]) and a1["uscc"].n_unique() == a1.height
    assert a1["name"].str.starts_with("合成单位").all(), "synthetic data says so"


def _csv(tmp_path: Path, small, edit) -> Path:
    people, matters = small
    folder = write_population(people, matters, tmp_path / "bad", "csv")
    frame = pl.read_csv(folder / "matters.csv", infer_schema=False)
    edit(frame).write_csv(folder / "matters.csv")
    return folder


@pytest.mark.parametrize(("column", "value", "field", "reason"), [
    ("investment", "-5", "investment", "应为非负整数"),
    ("investment", "1.5", "investment", "应为非负整数"),
    ("date", "2024-02-30", "date", "应为日期"),
    ("codes", "little_gaint", "codes", "含有未知事项代码 little_gaint"),
    ("codes", "little_giant;establishmnet;establishmnet", "codes", "含有未知事项代码 establishmnet（"),
    ("listed", "maybe", "listed", "true 或 false"),
    ("level", "nation", "level", "取值应为"),
    ("uscc", "91210100MA0QC1B25F", "uscc", "申请人表中没有"),
    ("type", "honour", "codes", "事项代码与事项类型不符"),
    ("id", "x" * 65, "id", "过长：最多 64 个字符"),
    ("codes", "z" * 40_000, "codes", f"含有未知事项代码 {'z' * 30}…（"),
    ("codes", ";".join(f"x{i}" for i in range(7)), "codes", "未知事项代码 x0、x1、x2、x3、x4 等 7 个（请检查拼写）"),
])
def test_bad_rows_are_named(tmp_path: Path, small, column: str, value: str, field: str, reason: str) -> None:
    row = 7
    if column == "type":
        row = small[1].with_row_index().filter(pl.col("type") == "project")["index"][0]

    def edit(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value))
                                  .otherwise(pl.col(column)).alias(column))

    with pytest.raises(InputError) as caught:
        read_population(_csv(tmp_path, small, edit), vocabulary())
    where = f"matters 第{row + 1}条（表格第{row + 2}行） {field}（{label(field)}）"
    assert any(w == where and reason in why for w, why in caught.value.problems), caught.value.problems


def test_unknown_column_and_missing_table(tmp_path: Path, small) -> None:
    with pytest.raises(InputError, match="不认识的列"):
        read_population(_csv(tmp_path, small, lambda f: f.rename({"investment": "investmnet"})), vocabulary())
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"applicants\.csv 或 applicants\.parquet"):
        read_population(tmp_path / "empty", vocabulary())


def test_many_problems_are_counted(tmp_path: Path, small) -> None:
    folder = _csv(tmp_path, small, lambda f: f.with_columns(pl.lit("x").alias("date")))
    with pytest.raises(InputError) as caught:
        read_population(folder, vocabulary())
    assert caught.value.problems[-1][1].startswith(f"共有 {small[1].height} 条记录有问题")


def with_problems(small, rows: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``small`` with an unknown size in its first ``rows`` applicants and a date that is none in every matter."""
    people, matters = small
    sizes = pl.when(pl.int_range(pl.len()) < rows).then(pl.lit("huge")).otherwise(pl.col("size")).alias("size")
    return people.with_columns(sizes), matters.with_columns(pl.lit("x").alias("date"))


@pytest.mark.parametrize(("fmt", "name"), [("csv", "csv"), ("xlsx", "pop.xlsx")])
def test_problems_are_listed_by_table_the_first_few_of_each(tmp_path: Path, small, fmt: str, name: str) -> None:
    """For the page: one problem a line under its table's heading, the first ``SHOWN`` of each, then how many more;
    the list of problems (the CLI's) is as before."""
    people, matters = with_problems(small, 3)
    with pytest.raises(PopulationError) as caught:
        read_population(write_population(people, matters, tmp_path / name, fmt), vocabulary())
    lead, groups = sections(caught.value.message)
    assert lead == f"企业样本数据有 {3 + matters.height} 处问题，请改正后重新上传："
    assert [heading for heading, _ in groups] == ["申请人表（applicants）3 处：",
                                                  f"事项表（matters）{matters.height} 处："]
    applicants, listed = groups[0][1], groups[1][1]
    reason = applicants[0].split("：", 1)[1]
    assert reason.startswith("取值应为")
    assert applicants == [f"第{n}条（表格第{n + 1}行） size（{label('size')}）：{reason}" for n in (1, 2, 3)]
    assert len(listed) == SHOWN + 1 and listed[0].startswith(f"第1条（表格第2行） date（{label('date')}）：应为日期")
    assert listed[-1] == f"另有 {matters.height - SHOWN} 处"
    assert caught.value.problems[-1][0] == "（共计）", "the CLI's list is unchanged"


ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXYZIOSV"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=17, max_size=19), st.booleans())
def test_vectorised_uscc_check_equals_the_scalar_one(text: str, complete: bool) -> None:
    code = uscc.make(text[:17]) if complete and len(text) >= 17 and all(
        c in uscc.ALPHABET for c in text[:17]) else text
    column = pl.Series([code, "91110000600037341L", None, code[:5]])
    assert uscc.valid_series(column).to_list() == [uscc.is_valid(code), True, False, uscc.is_valid(code[:5])]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab", max_size=3), unique=True),
       st.lists(st.none() | st.text(alphabet="abc", max_size=3)))
def test_link_finds_the_rows_a_join_on_the_text_finds(keys: list[str], wanted: list[str | None]) -> None:
    people = pl.Series("uscc", keys, dtype=pl.String)
    matters = pl.DataFrame({"uscc": wanted}, schema={"uscc": pl.String})
    rows = link(people, matters.lazy())
    expected = matters.join(people.to_frame().with_row_index(ROW), on="uscc", how="left", maintain_order="left")
    assert rows is not None and rows.dtype == pl.UInt32
    assert rows.to_list() == expected[ROW].to_list()


def test_link_gives_up_on_keys_given_twice() -> None:
    assert link(pl.Series(["a", "b", "a"]), pl.LazyFrame({"uscc": ["a"]})) is None


def test_a_valid_population_carries_each_matters_applicant_row(tmp_path: Path, small) -> None:
    people, matters = small
    pop = read_population(write_population(people, matters, tmp_path / "pop", "parquet"), vocabulary())
    assert pop.rows is not None
    assert people["uscc"].gather(pop.rows).equals(matters["uscc"])
    assert read_population(tmp_path / "pop", vocabulary(), check=False).rows is None


def test_a_matter_given_twice_is_named_both_times(tmp_path: Path, small) -> None:
    people, matters = small
    twice = (people, pl.concat([matters, matters.head(1)]))
    with pytest.raises(InputError) as caught:
        read_population(write_population(*twice, tmp_path / "pop", "parquet"), vocabulary())
    named = [w for w, why in caught.value.problems if why == "同一申请人的事项编号重复"]
    last = matters.height
    assert named == ["matters 第1条（表格第2行） id（事项编号）",
                     f"matters 第{last + 1}条（表格第{last + 2}行） id（事项编号）"]


def _problems(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        read_population(path, vocabulary())
    return caught.value.problems


@pytest.mark.parametrize(("table", "column"), [
    ("matters", "investment"), ("matters", "other_support"), ("matters", "actual_investment"),
    ("applicants", "revenue"),
])
def test_negative_money_in_parquet_is_refused_as_in_csv(tmp_path: Path, small, table: str, column: str) -> None:
    """Parquet's money columns arrive as integers: a negative one is refused, not read as a 0 or a larger ceiling."""
    frames = dict(zip(("applicants", "matters"), small, strict=True))
    frames[table] = frames[table].with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(-100_000_000).otherwise(pl.col(column)).alias(column))
    problems = _problems(write_population(frames["applicants"], frames["matters"], tmp_path / "pop", "parquet"))
    where = f"{table} 第8条（表格第9行） {column}（{label(column)}）"
    assert problems == [(where, "应为非负整数（元），不超过一千万亿元")]


def test_a_gbk_csv_as_chinese_excel_saves_it_is_read(tmp_path: Path, small) -> None:
    people, matters = small
    people = people.with_columns(pl.lit("沈阳示例科技有限公司").alias("name"))
    folder = write_population(people, matters, tmp_path / "pop", "csv")
    for table in ("applicants", "matters"):
        file = folder / f"{table}.csv"
        file.write_bytes(file.read_text("utf-8").encode("gbk"))
    pop = read_population(folder, vocabulary())
    assert pop.applicants.collect().equals(people) and pop.matters.collect().equals(matters)


def test_a_csv_in_no_known_encoding_is_refused(tmp_path: Path, small) -> None:
    folder = write_population(*small, tmp_path / "pop", "csv")
    (folder / "matters.csv").write_bytes(b"id,uscc,type,codes\n\xff\xfe\x81\x00\xff\n")
    assert _problems(folder) == [("matters", f"matters.csv 的编码无法识别：{ENCODING_HINT}")]


def test_a_csv_unreadable_past_its_start_names_its_table(tmp_path: Path, small) -> None:
    """The encoding is judged from the file's start; bytes that are not UTF-8 further on are refused, not a crash."""
    folder = write_population(*small, tmp_path / "pop", "csv")
    head = (folder / "matters.csv").read_bytes()
    (folder / "matters.csv").write_bytes(head + b"x" * (1 << 20) + b",a,b,c\n" + "甲,b,c,d\n".encode("gbk"))
    [(table, why)] = _problems(folder)
    assert table == "matters" and why.startswith("matters.csv 中有无法读取的内容") and "UTF-8" in why


@pytest.mark.parametrize("table", ["applicants", "matters"])
def test_an_empty_csv_is_refused(tmp_path: Path, small, table: str) -> None:
    folder = write_population(*small, tmp_path / "pop", "csv")
    (folder / f"{table}.csv").write_bytes(b"")
    [(where, why)] = _problems(folder)
    assert where == table and why.startswith(f"{table}.csv 是空的：第一行应为表头（列名）")


def test_a_header_only_matters_table_is_read_or_names_its_missing_columns(tmp_path: Path, small) -> None:
    folder = write_population(*small, tmp_path / "pop", "csv")
    (folder / "matters.csv").write_text("\ufeffid,uscc,type,codes\r\n", "utf-8")
    assert read_population(folder, vocabulary()).matters.collect().height == 0
    (folder / "matters.csv").write_text("id\n", "utf-8")
    missing = [(f"matters.{c}（{label(c)}）", "缺少这一列（必填）") for c in ("uscc", "type", "codes")]
    assert _problems(folder) == missing


def test_a_missing_uscc_column_is_named_once(tmp_path: Path, small) -> None:
    """Not a missing code on every row, nor ids given twice for a code that is absent."""
    assert _problems(_csv(tmp_path, small, lambda f: f.drop("uscc"))) == [
        ("matters.uscc（统一社会信用代码）", "缺少这一列（必填）")]


def test_matters_without_a_code_are_not_called_duplicates(tmp_path: Path, small) -> None:
    problems = _problems(_csv(tmp_path, small, lambda f: f.with_columns(pl.lit(None, pl.String).alias("uscc"))))
    assert {why for _, why in problems if not why.startswith("共有")} == {"缺少统一社会信用代码"}


def test_a_bad_credit_code_says_which_check_failed(tmp_path: Path, small) -> None:
    people, matters = small
    folder = write_population(people, matters, tmp_path / "pop", "csv")
    code = people["uscc"][2]
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    (folder / "applicants.csv").write_text((folder / "applicants.csv").read_text("utf-8").replace(code, wrong), "utf-8")
    problems = _problems(folder)
    assert ("applicants 第3条（表格第4行） uscc（统一社会信用代码）",
            f"统一社会信用代码无效：校验位错误：第18位应为 {code[17]}，实为 {wrong[17]}") in problems


def test_a_file_that_is_not_a_workbook_is_named_without_its_path(tmp_path: Path, small) -> None:
    (tmp_path / "pop.xlsx").write_bytes(b"not a workbook")
    assert _problems(tmp_path / "pop.xlsx") == [("POPULATION", "pop.xlsx 不是有效的 Excel 工作簿（.xlsx），无法打开")]
    people, _ = small
    people.write_excel(tmp_path / "one.xlsx", worksheet="applicants")
    assert _problems(tmp_path / "one.xlsx") == [("matters", "one.xlsx 中没有名为 matters 的工作表")]


def test_a_file_that_is_not_parquet_is_refused(tmp_path: Path, small) -> None:
    folder = write_population(*small, tmp_path / "pop", "parquet")
    (folder / "matters.parquet").write_bytes(b"not parquet")
    assert _problems(folder) == [("matters", "matters.parquet 不是有效的 Parquet 文件")]


def test_an_empty_sheet_is_refused_and_a_header_only_one_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "applicants"
    book.create_sheet("matters").append(["id", "uscc", "type", "codes"])
    book.save(tmp_path / "pop.xlsx")
    empty = "pop.xlsx 的工作表 applicants 是空的：第一行应为表头（列名），如 uscc"
    assert _problems(tmp_path / "pop.xlsx") == [("applicants", empty)]
    book["applicants"].append(["uscc", "name"])
    book.save(tmp_path / "pop.xlsx")
    pop = read_population(tmp_path / "pop.xlsx", vocabulary())
    assert pop.applicants.collect().height == pop.matters.collect().height == 0


@pytest.mark.parametrize("region", ["210000", "219999"])
def test_the_province_itself_or_an_unknown_liaoning_code_is_not_a_region(tmp_path: Path, small, region: str) -> None:
    people, matters = small
    folder = write_population(people.with_columns(pl.when(pl.int_range(pl.len()) == 3).then(pl.lit(region))
                                                  .otherwise(pl.col("region")).alias("region")),
                              matters, tmp_path / "bad", "csv")
    with pytest.raises(InputError) as caught:
        read_population(folder, vocabulary())
    assert any("region" in field and "不是有效的行政区划代码" in reason for field, reason in caught.value.problems), \
        caught.value.problems


def test_a_platform_kind_not_of_its_code_is_named(tmp_path: Path, small) -> None:
    def edit(frame: pl.DataFrame) -> pl.DataFrame:
        at = pl.int_range(pl.len()) == 5
        return frame.with_columns(pl.when(at).then(pl.lit(v)).otherwise(pl.col(c)).alias(c) for c, v in (
            ("codes", "national_platform"), ("type", "honour"), ("platform", "digital_transformation_center")))

    with pytest.raises(InputError) as caught:
        read_population(_csv(tmp_path, small, edit), vocabulary())
    assert any("platform" in field and "不属于国家级创新平台" in reason for field, reason in caught.value.problems), \
        caught.value.problems


@pytest.mark.parametrize(("table", "content"), [
    ("utf-8 with BOM", b"\xef\xbb\xbfuscc,\"name\",\xe5\x90\x8d\xe7\xa7\xb0\r\n1,2,3\n"),
    ("GB18030", "uscc,name,名称\n甲,乙,丙\n".encode("gb18030")),
])
def test_a_csv_header_is_read_as_the_loader_reads_it(tmp_path: Path, table: str, content: bytes) -> None:
    (tmp_path / "applicants.csv").write_bytes(content)
    assert headers(tmp_path) == {"applicants": ["uscc", "name", "名称"]}
    loaded = content.decode("gb18030").encode("utf-8") if table == "GB18030" else content  # as the loader decodes it
    assert pl.read_csv(loaded, infer_schema=False).columns == ["uscc", "name", "名称"]


@pytest.mark.parametrize(("content", "found"), [
    (b"uscc,name,\xe5\x90\x8d\xe7\xa7\xb0\r1,2,3\r", {"applicants": ["uscc", "name", "名称"]}),  # Excel for Mac
    (b"uscc,\"na\nme\",x\n1,2,3\n", {}),  # a quoted name across lines: its header is the job's to read
])
def test_a_csv_header_ended_otherwise_is_read_or_left_to_the_job(tmp_path: Path, content: bytes, found) -> None:
    (tmp_path / "applicants.csv").write_bytes(content)
    assert headers(tmp_path) == found


def test_a_workbook_header_is_its_first_row_holding_a_value(tmp_path: Path) -> None:
    """Inline strings (openpyxl) and shared ones (xlsxwriter, Excel); a blank first row is skipped, as the reader does;
    a blank header cell names nothing."""
    book = openpyxl.Workbook()
    book.active.title = "applicants"
    book.active.append([])
    book.active.append(["uscc", None, "名称"])
    book.save(tmp_path / "inline.xlsx")
    assert headers(tmp_path / "inline.xlsx") == {"applicants": ["uscc", "名称"]}
    people, matters = synthesise(5, 1, vocabulary())
    shared = write_population(people.select("uscc", "name"), matters.select("id", "uscc", "type", "codes"),
                              tmp_path / "shared.xlsx")
    assert headers(shared) == {"applicants": ["uscc", "name"], "matters": ["id", "uscc", "type", "codes"]}


def test_a_workbook_header_past_its_bound_is_left_to_the_job(tmp_path: Path, monkeypatch) -> None:
    """A sheet's XML is read no further than its bound for a header (a cell of gigabytes is never held)."""
    book = openpyxl.Workbook()
    book.active.title = "applicants"
    book.active.append(["uscc", "x" * 5000])
    book.save(tmp_path / "wide.xlsx")
    assert headers(tmp_path / "wide.xlsx") == {"applicants": ["uscc", "x" * 5000]}
    monkeypatch.setattr(workbook, "HEAD_BYTES", 4096)
    assert headers(tmp_path / "wide.xlsx") == {}


def test_a_name_longer_than_the_platform_keeps_is_refused_naming_its_row(tmp_path: Path, small) -> None:
    people, matters = small
    long = people.with_columns(pl.when(pl.int_range(pl.len()) == 4).then(pl.lit("名" * 40_000))
                               .otherwise(pl.col("name")).alias("name"))
    with pytest.raises(PopulationError) as caught:
        read_population(write_population(long, matters, tmp_path / "pop", "csv"), vocabulary())
    assert caught.value.problems == [(f"applicants 第5条（表格第6行） name（{label('name')}）", "过长：最多 200 个字")]
    fine = people.with_columns(pl.lit("名" * 200).alias("name"))
    assert read_population(write_population(fine, matters, tmp_path / "fine", "csv"), vocabulary())


def test_a_blank_column_name_is_judged_alike_at_upload_and_by_the_job(tmp_path: Path, small) -> None:
    """A column without a name (a stray value right of the table) is no unknown column, for the header check nor
    for the job; a misspelt one is one for both."""
    blank = _csv(tmp_path, small, lambda frame: frame.with_columns(pl.lit("x").alias("")))
    assert header_problems(blank) == []
    assert read_population(blank, vocabulary()).source
    misspelt = _csv(tmp_path / "2", small, lambda frame: frame.with_columns(pl.lit("x").alias("tpye")))
    assert header_problems(misspelt) == [("POPULATION", "matters.csv：有不认识的列 “tpye”（请检查拼写）")]
    with pytest.raises(InputError) as caught:
        read_population(misspelt, vocabulary())
    assert ("matters.tpye", "不认识的列（请检查拼写）") in caught.value.problems


def test_text_bounds_are_the_platforms_columns() -> None:
    """A population's unit name and matter id are bounded as the platform stores them (the models are not imported
    by the simulation, which starts without SQLAlchemy)."""
    from huiqi.models import ApplicantProfile, Matter
    from huiqi.simulate.population import MATTER_ID_LENGTH, NAME_LENGTH

    assert ApplicantProfile.__table__.c.name.type.length == NAME_LENGTH
    assert Matter.__table__.c.key.type.length == MATTER_ID_LENGTH


def _lines(folder: Path, table: str, edit) -> Path:
    """``folder``'s table with its text lines edited (``edit(lines)`` changes the list in place)."""
    file = folder / f"{table}.csv"
    lines = file.read_text("utf-8").splitlines()
    edit(lines)
    file.write_text("\n".join(lines) + "\n", "utf-8")
    return folder


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_quote_left_open_names_its_line(tmp_path: Path, small, encoding: str) -> None:
    """Line 6 of matters.csv (its 5th matter) opens a quote that nothing closes: the line is named, not only that
    something could not be read."""
    folder = write_population(*small, tmp_path / "pop", "csv")

    def edit(lines: list[str]) -> None:
        lines[5] = lines[5].replace(",", ',"', 1)

    _lines(folder, "matters", edit)
    if encoding == "gb18030":  # as Chinese Excel saves it: read at once, the same line named
        file = folder / "matters.csv"
        file.write_bytes(file.read_text("utf-8").encode("gb18030") + "甲".encode("gb18030"))
    [(table, why)] = _problems(folder)
    assert table == "matters" and "第 6 行（按文本行计，表头为第 1 行）的双引号没有配对" in why, why


def test_a_quote_left_open_is_found_across_blocks(tmp_path: Path, monkeypatch) -> None:
    """The quotes' parity carries from one block of the file to the next; a quoted value across lines is where a
    line ends inside quotes; quotes closed on their line are none."""
    file = tmp_path / "t.csv"
    file.write_bytes(b'a,b\n"x,""y""",1\n2,"open\n3,4\n')
    monkeypatch.setattr(population_files, "QUOTE_BLOCK", 5)
    assert open_quote(file) == 3
    file.write_bytes(b'a,b\n"x,""y""",1\n2,"closed"\n3,4')
    assert open_quote(file) is None
    file.write_bytes(b'a,b\n1,"2')
    assert open_quote(file) == 2


BEYOND = "（表头之外的值无法读取；常见的原因是某个值中有逗号却没有加双引号，使后面的值都错了位。请改正这一行）"


def test_a_row_with_values_beyond_its_header_is_refused_naming_it(tmp_path: Path, small) -> None:
    """A value with a comma not quoted shifts its row: the values beyond the header are named with the row, never
    dropped; empty ones (a row ended by commas) hold nothing and are no problem."""
    folder = write_population(*small, tmp_path / "pop", "csv")

    def edit(lines: list[str]) -> None:
        lines[3] += ",沈阳,科技"  # the 3rd matter
        lines[4] += ",,"
        lines[7] += ",1,2,3,4,5,6"

    with pytest.raises(PopulationError) as caught:
        read_population(_lines(folder, "matters", edit), vocabulary())
    assert [p for p in caught.value.problems if "表头" in p[1]] == [
        ("matters 第3条（表格第4行）", f"比表头多出 2 个值：“沈阳”、“科技”{BEYOND}"),
        ("matters 第7条（表格第8行）", f"比表头多出 至少 4 个值：“1”、“2”、“3”、“4”{BEYOND}")]
    assert len(caught.value.problems) == 2
    fine = _lines(write_population(*small, tmp_path / "fine", "csv"), "applicants", lambda lines: lines.__setitem__(
        2, lines[2] + ",,"))
    assert read_population(fine, vocabulary()).applicants.collect().equals(small[0])


def test_an_industry_code_that_lost_its_leading_zero_is_shown_with_a_hint(tmp_path: Path, small) -> None:
    """A spreadsheet keeps 0539 typed as a number as 539: the value read is shown, and what it may have been."""
    people, matters = small
    path = write_population(people, matters, tmp_path / "pop.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["applicants"]
    column = [c.value for c in sheet[1]].index("industry") + 1
    sheet.cell(row=3, column=column, value=539)
    sheet.cell(row=4, column=column, value="9999")
    matters_sheet = book["matters"]
    parent = [c.value for c in matters_sheet[1]].index("parent_industry") + 1
    matters_sheet.cell(row=2, column=parent, value=5)
    book.save(path)
    problems = dict(_problems(path))
    hint = "是表格把代码存成了数字、去掉了开头的 0，请把这一列设为文本格式后重新填写"
    assert problems[f"applicants 第2条（表格第3行） industry（{label('industry')}）"] == (
        f"“539”不是 GB/T 4754-2017 的四位小类代码：若应为“0539”，{hint}")
    assert problems[f"applicants 第3条（表格第4行） industry（{label('industry')}）"] == (
        "“9999”不是 GB/T 4754-2017 的四位小类代码")
    assert problems[f"matters 第1条（表格第2行） parent_industry（{label('parent_industry')}）"] == (
        f"“5”不是 GB/T 4754-2017 的大类、中类或小类代码：若应为“05”，{hint}")
