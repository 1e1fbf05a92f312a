"""A population workbook is measured before calamine reads it: a sheet reaching far beyond what it holds would make
the reader ask for terabytes and abort the process, so it is refused by name; sheets written without cell references
or with prefixed tags are measured by the parser, to the same figures."""

import tracemalloc
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huiqi.errors import InputError
from huiqi.simulate import workbook
from huiqi.simulate.population import read_population
from huiqi.simulate.synth import vocabulary

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def raw(path: Path, sheets: dict[str, str]) -> Path:
    """A workbook written by hand: each sheet's XML as given (its sheetData and what is inside)."""
    book = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(sheets, 1))
    links = "".join(f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml" Type="{RELS}/worksheet"/>'
                    for i in range(1, len(sheets) + 1))
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{book}</sheets>'
                                            "</workbook>")
        package.writestr("xl/_rels/workbook.xml.rels",
                         f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f"{links}</Relationships>")
        for i, xml in enumerate(sheets.values(), 1):
            package.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return path


def population(path: Path, far: str | None = None) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "applicants"
    book.active.append(["uscc", "name"])
    book.active.append(["91210100MA0QC1B25F", "示例科技有限公司"])
    book.create_sheet("matters").append(["id", "uscc", "type", "codes"])
    if far:
        book["applicants"][far] = "远处"
    book.save(path)
    return path


def test_a_cell_far_to_the_right_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """One cell at XFD1048576 in a file of 5 KB: calamine would abort the server; the sheet is named instead."""
    path = population(tmp_path / "far.xlsx", far="XFD1048576")
    assert path.stat().st_size < 10_000
    with pytest.raises(InputError) as caught:
        read_population(path, vocabulary())
    assert caught.value.problems == [("applicants", "工作表 applicants 有内容写到了第 16384 列，超过 64 列："
                                                    "请删去右侧多余的列")]


def test_a_cell_far_below_a_few_is_refused_and_a_full_sheet_is_not(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_population(population(tmp_path / "low.xlsx", far="BL1048576"), vocabulary())
    assert caught.value.problems == [("applicants", "工作表 applicants 的范围到第 1048576 行、第 64 列，"
                                                    "远大于其中的 5 个单元格：请删去远处的单元格")]
    assert [(e.sheet, e.columns, e.rows, e.cells) for e in workbook.sheets(population(tmp_path / "ok.xlsx"))] == [
        ("applicants", 2, 2, 4), ("matters", 4, 1, 4)]


def test_sheets_written_otherwise_are_measured_by_the_parser_alike(tmp_path: Path) -> None:
    """Cells without their reference follow the last one, as a reader places them; prefixed tags are cells too."""
    bare = "".join("<c><v>1</v></c>" for _ in range(70))
    sheets = {
        "unreferenced": f'<worksheet xmlns="{MAIN}"><sheetData><row><c r="B1"/><c/></row><row r="9">{bare}</row>'
                        "</sheetData></worksheet>",
        "prefixed": f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="XFD3"/></x:row>'
                    "</x:sheetData></x:worksheet>",
        "spaced": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c\nr="AA1"/><c r="A2"/></row>'
                  "</sheetData></worksheet>",
        "usual": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"/><c r="C7" t="s"><v>0</v></c></row>'
                 "</sheetData></worksheet>",
    }
    measured = workbook.sheets(raw(tmp_path / "raw.xlsx", sheets))
    assert [(e.sheet, e.columns, e.rows, e.cells) for e in measured] == [
        ("unreferenced", 70, 9, 72), ("prefixed", 16384, 3, 1), ("spaced", 27, 2, 2), ("usual", 3, 7, 2)]
    with pytest.raises(InputError) as caught:
        workbook.check(tmp_path / "raw.xlsx", ("unreferenced", "usual", "absent"))
    assert caught.value.problems == [("absent", "raw.xlsx 中没有名为 absent 的工作表"),
                                     ("unreferenced", "工作表 unreferenced 有内容写到了第 70 列，超过 64 列："
                                                      "请删去右侧多余的列")]


def test_a_workbook_unpacking_past_the_bound_is_refused(tmp_path: Path, monkeypatch) -> None:
    path = population(tmp_path / "pop.xlsx")
    monkeypatch.setattr(workbook, "MAX_UNPACKED", 1000)
    with pytest.raises(InputError) as caught:
        workbook.check(path, ("applicants", "matters"))
    assert caught.value.problems == [("POPULATION", "pop.xlsx 解压后超过 0 GiB，请检查文件")]


def test_a_damaged_part_is_refused_as_unreadable(tmp_path: Path) -> None:
    path = population(tmp_path / "pop.xlsx")
    content = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("xl/styles.xml")  # a part nobody measures: still inflated and checked
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    content[start + 10: start + 20] = b"\x00" * 10
    (tmp_path / "bad.xlsx").write_bytes(bytes(content))
    with pytest.raises(InputError) as caught:
        workbook.check(tmp_path / "bad.xlsx", ("applicants", "matters"))
    assert caught.value.problems == [("POPULATION", "bad.xlsx 不是有效的 Excel 工作簿（.xlsx），无法打开")]


def test_typed_cells_read_as_the_text_people_see(tmp_path: Path) -> None:
    """Numbers, dates and true/false typed as such in Excel are read as a CSV would give them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "applicants"
    sheet.append(["uscc", "name", "region", "established", "revenue", "above_scale"])
    sheet.append(["91210100MA0QC1B25F", "甲", 210100, date(2016, 5, 1), 120000000.0, True])
    sheet.append(["91210100MA0QC1B25F", "乙", "210200", datetime(2017, 1, 2), 5, False])
    book.create_sheet("matters").append(["id", "uscc", "type", "codes"])
    book.save(tmp_path / "typed.xlsx")
    tables = workbook_tables(tmp_path / "typed.xlsx")
    assert tables["applicants"].drop("__row").rows() == [
        ("91210100MA0QC1B25F", "甲", "210100", "2016-05-01 00:00:00", "120000000", "true"),
        ("91210100MA0QC1B25F", "乙", "210200", "2017-01-02 00:00:00", "5", "false")]


def workbook_tables(path: Path):
    from huiqi.simulate.population_files import read_tables

    return {name: frame.collect() for name, frame in read_tables(path).items()}


def test_the_scan_measures_what_writers_write_and_leaves_the_rest_to_the_parser() -> None:
    assert workbook._scan(b'<row r="12"><c r="AB12" t="s"><v>3</v></c><c r="A1"/><c>') is None  # one without
    assert workbook._scan(b'<row r="12"><c r="AB12" t="s"><v>3</v></c><c r="A1"/><col/><cfRule/>') == (28, 12, 2)
    assert workbook._scan(b'<c r="XFD1048576"/><c r="BL9999999"/>') == (16384, 9999999, 2)
    assert workbook._scan(b'<sheetData></sheetData>') == (0, 0, 0)
    # a reference past three letters or seven digits, in lower case, or not where it is usually written
    for written in (b'<c r="A12345678"/>', b'<c r="A0"/>', b'<c r="ABCD1"/>', b'<c r="xfd1"/>', b'<c r="A"/>',
                    b'<c r="1"/>', b"<c r='A1'/>", b'<c t="s" r="A1"/>', b'<c\tr="A1"/>', b'<x:c r="B1"/>',
                    b'<c r="A1x"/>'):
        assert workbook._scan(b'<c r="B2"/>' + written) is None, written
    assert workbook._scan(b'<c r="C3"/><v>a:c b</v>') == (3, 3, 1)  # text that only looks like a prefix
    assert workbook._scan(b'<c r="A9"/><c r="A01"/>') is None  # 01 is longer than 9 but not larger
    # where a cell can hide from the scan or text pass for one: a prefix in any script, comments, CDATA, entities
    for hidden in ('<\u00e9:c r="XFD1048576"/>'.encode(), '<中:c r="XFD1"/>'.encode(), b'<!-- <c r="A1"/> -->',
                   b'<![CDATA[<c r="XFD1048576"/>]]>', b'<!DOCTYPE w [<!ENTITY e "&#60;c r=\'XFD1\'/>">]>',
                   b'<?pi <c r="XFD1"/> ?>'):
        assert workbook._scan(b'<c r="B2"/>' + hidden) is None, hidden
    assert workbook._scan(b'<?xml version="1.0" encoding="UTF-8"?><c r="B2"/>') == (2, 2, 1)


def test_a_reference_in_lower_case_is_placed_where_a_reader_places_it(tmp_path: Path) -> None:
    """A reader takes xfd16000 as XFD16000: measured so, it is refused rather than taken for column 1."""
    sheets = {"applicants": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"/><c r="xfd16000"/></row>'
                            "</sheetData></worksheet>"}
    assert [(e.columns, e.rows) for e in workbook.sheets(raw(tmp_path / "lower.xlsx", sheets))] == [(16384, 16000)]


def test_two_sheets_of_one_name_are_refused(tmp_path: Path) -> None:
    """Excel allows none; a reader would read the first, the guard might measure the other."""
    wide = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="CV1"/></row></sheetData></worksheet>'
    small = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"/></row></sheetData></worksheet>'
    path = tmp_path / "twice.xlsx"
    raw(path, {"applicants": wide, "matters": small})
    book = zipfile.ZipFile(path).read("xl/workbook.xml").replace(b'name="matters"', b'name="Applicants"')
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(tmp_path / "renamed.xlsx", "w") as target:
        for item in source.infolist():
            target.writestr(item, book if item.filename == "xl/workbook.xml" else source.read(item))
    with pytest.raises(InputError) as caught:
        workbook.check(tmp_path / "renamed.xlsx", ("applicants", "matters"))
    assert caught.value.problems == [("POPULATION", "工作簿中有两张名为 Applicants 的工作表，请删去或改名其中一张")]


USUAL = st.tuples(st.text("ABCDXYZ", min_size=1, max_size=3), st.integers(1, 30) | st.integers(1, 9_999_999)).map(
    lambda r: f"{r[0]}{r[1]}")
ODD = st.sampled_from(["", "a1", "ABCD1", "A12345678", "A01", "B", "7"])  # for the parser, or refused by both


@settings(max_examples=100, deadline=None)
@given(st.lists(USUAL, max_size=40), st.none() | ODD, st.integers(0, 40), st.integers(16, 400))
def test_the_scan_and_the_parser_measure_every_sheet_alike(tmp_path_factory, usual: list[str], odd: str | None,
                                                           where: int, block: int) -> None:
    """Whatever the references and wherever a block cuts the XML, the sheet is measured as the parser measures it, its
    formulas (every third cell's) named alike."""
    references = usual[:where] + ([] if odd is None else [odd]) + usual[where:]
    cells = "".join(f'<c r="{r}" t="n">{"<f>1+1</f>" * (i % 3 == 0)}<v>1</v></c>' if r else
                    f'<c>{"<f/>" * (i % 3 == 0)}<v>1</v></c>' for i, r in enumerate(references))
    xml = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{cells}</row></sheetData></worksheet>'
    path = raw(tmp_path_factory.mktemp("scan") / "sheet.xlsx", {"applicants": xml})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workbook, "BLOCK", block)
        measured = workbook.sheets(path)
    with zipfile.ZipFile(path) as package:
        assert [(e.columns, e.rows, e.cells, e.formulas) for e in measured] == [
            workbook._parse(package, "xl/worksheets/sheet1.xml")]


@pytest.mark.parametrize("block", [workbook.BLOCK, 40])
def test_formulas_are_refused_naming_their_cells(tmp_path: Path, monkeypatch, block: int) -> None:
    """A formula written by a script has no value cached (a reader takes it for blank), one saved by Excel has one the
    platform cannot check: either is refused, naming the sheet and its first cells, wherever a block cuts the XML."""
    monkeypatch.setattr(workbook, "BLOCK", block)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "applicants"
    sheet.append(["uscc", "name", "revenue"])
    for _ in range(2, 10):
        sheet.append(["91210100MA0QC1B25F", "甲", "=9948444"])
    book.create_sheet("matters").append(["id", "uscc", "type", "codes"])
    book.save(tmp_path / "script.xlsx")
    with pytest.raises(InputError) as caught:
        read_population(tmp_path / "script.xlsx", vocabulary())
    assert caught.value.problems == [("applicants", "工作表 applicants 的单元格 C2、C3、C4、C5、C6 等（另有 3 个）"
                                                    "是公式：平台只接受数值，请将公式转为数值（复制后“选择性粘贴 → "
                                                    "数值”）再上传")]
    cached = {"applicants": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>uscc'
                            '</t></is></c></row><row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row></sheetData>'
                            "</worksheet>",
              "matters": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"/></row></sheetData></worksheet>'}
    with pytest.raises(InputError) as caught:
        workbook.check(raw(tmp_path / "cached.xlsx", cached), ("applicants", "matters"))
    assert [p[0] for p in caught.value.problems] == ["applicants"] and "单元格 A2 是公式" in caught.value.problems[0][1]
    prefixed = {"applicants": cached["applicants"].replace("<f>1+1</f>", f'<x:f xmlns:x="{MAIN}">1+1</x:f>'),
                "matters": cached["matters"]}
    with pytest.raises(InputError) as caught:
        workbook.check(raw(tmp_path / "prefixed.xlsx", prefixed), ("applicants", "matters"))
    assert [p[0] for p in caught.value.problems] == ["applicants"] and "单元格 A2 是公式" in caught.value.problems[0][1]


def with_strings(path: Path, strings: str) -> Path:
    """A workbook whose header row is the shared strings 0 and 1, and whose shared strings' XML is ``strings``."""
    raw(path, {"applicants": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
                             '<c r="B1" t="s"><v>1</v></c></row></sheetData></worksheet>'})
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rId9" Target="sharedStrings.xml" Type="{RELS}/sharedStrings"/>'
                             "</Relationships>".encode())
    parts["xl/sharedStrings.xml"] = strings.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return path


def peak_while(read) -> tuple[object, int]:
    tracemalloc.start()
    try:
        return read(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_shared_strings_are_read_for_a_header_holding_only_the_wanted_ones(tmp_path: Path) -> None:
    many = 200_000  # each element kept would hold some hundred bytes: 20 MB in all
    siblings = with_strings(tmp_path / "siblings.xlsx", f'<sst xmlns="{MAIN}">{"<x/>" * many}<si><t>uscc</t></si>'
                                                         "<si><r><t>na</t></r><r><t>me</t></r></si></sst>")
    found, peak = peak_while(lambda: workbook.header_rows(siblings, ("applicants",)))
    assert found == {"applicants": ["uscc", "name"]}
    assert peak < 4 << 20
    runs = with_strings(tmp_path / "runs.xlsx", f'<sst xmlns="{MAIN}"><si><t>uscc</t></si><si>{"<r/>" * many}</si>'
                                                "</sst>")
    found, peak = peak_while(lambda: workbook.header_rows(runs, ("applicants",)))
    assert found == {}  # a string larger than a name: the job reads the sheet whole, and says why
    assert peak < 4 << 20
    unwanted = with_strings(tmp_path / "unwanted.xlsx", f'<sst xmlns="{MAIN}"><si><t>uscc</t></si><si><t>name</t>'
                                                        f'</si><si>{"<r/>" * many}</si></sst>')
    assert workbook.header_rows(unwanted, ("applicants",)) == {"applicants": ["uscc", "name"]}  # never read so far


def lzma_damaged(path: Path) -> Path:
    """A workbook whose sheets are LZMA-compressed (zip allows it; calamine does not read it), their data damaged."""
    with zipfile.ZipFile(population(path)) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data, zipfile.ZIP_LZMA if name.startswith("xl/worksheets/") else zipfile.ZIP_STORED)
        info = package.getinfo("xl/worksheets/sheet1.xml")
    damaged = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 9  # past LZMA's properties
    damaged[start + 4:start + 20] = b"\xff" * 16
    path.write_bytes(bytes(damaged))
    return path


def test_a_damaged_lzma_part_is_refused_as_unreadable_and_its_header_left_to_the_job(tmp_path: Path) -> None:
    damaged = lzma_damaged(tmp_path / "lzma.xlsx")
    assert workbook.header_rows(damaged, ("applicants", "matters")) == {}
    with pytest.raises(InputError, match=r"lzma\.xlsx 不是有效的 Excel 工作簿"):
        workbook.sheets(damaged)


def test_a_header_is_read_without_its_phonetic_guide_inline_or_shared(tmp_path: Path) -> None:
    """Japanese-style phonetic runs (<rPh>) are a reading aid, not the name, wherever the string is written."""
    inline = raw(tmp_path / "inline.xlsx", {"applicants": f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'
                                            '<c r="A1" t="inlineStr"><is><t>uscc</t><rPh sb="0" eb="1"><t>ユ</t></rPh>'
                                            '</is></c><c r="B1" t="inlineStr"><is><r><t>na</t></r><r><t>me</t></r><rPh>'
                                            '<t>ナ</t></rPh></is></c></row></sheetData></worksheet>'})
    assert workbook.header_rows(inline, ("applicants",)) == {"applicants": ["uscc", "name"]}
    shared = with_strings(tmp_path / "shared.xlsx", f'<sst xmlns="{MAIN}"><si><t>uscc</t><rPh sb="0" eb="1"><t>ユ</t>'
                                                    "</rPh></si><si><r><t>na</t></r><r><t>me</t></r></si></sst>")
    assert workbook.header_rows(shared, ("applicants",)) == {"applicants": ["uscc", "name"]}
