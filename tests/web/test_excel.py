"""The shared Excel export: a titled sheet, money in yuan with its 万元 twin, dates as dates."""

import io
from datetime import date

import openpyxl

from huiqi.web.excel import Table, download, workbook


def test_money_has_its_wan_twin_and_dates_stay_dates() -> None:
    table = Table("申报清单", ("编号", "单位", "金额", "提交日期"), [(1, "甲公司", 12_345_678, date(2025, 9, 1)),
                                                                  (2, "乙公司", None, None)], money={"金额"})
    sheet = openpyxl.load_workbook(io.BytesIO(workbook(table))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "申报清单"
    assert rows[1] == ("编号", "单位", "金额（元）", "金额（万元）", "提交日期")
    assert rows[2][:4] == (1, "甲公司", 12_345_678, 1234.5678)  # 万元 is a number people can sum, not text
    assert sheet.cell(3, 4).number_format == "#,##0.0000" and sheet.cell(3, 3).data_type == "n"
    assert rows[2][4].date() == date(2025, 9, 1)
    assert rows[3] == (2, "乙公司", None, None, None)


def test_more_tables_are_sheets_of_their_own_in_order() -> None:
    content = workbook(Table("措施", ("措施",), [("措施3",)], sheet="免申即享的措施"),
                       Table("公示", ("单位", "金额"), [("=1+1", 800_000)], money={"金额"}))
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["免申即享的措施", "公示"]
    second = list(book.worksheets[1].iter_rows(values_only=True))
    assert second == [("公示", None, None), ("单位", "金额（元）", "金额（万元）"), ("=1+1", 800_000, 80)]
    assert book.worksheets[1].cell(3, 1).data_type == "s" and book.worksheets[1].cell(3, 1).quotePrefix


def test_download_names_the_file_in_chinese() -> None:
    response = download(Table("公示", ("a",), []), "公示清单.xlsx")
    assert response.media_type.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''%E5%85%AC%E7%A4%BA" in response.headers["content-disposition"]


def test_moments_are_written_in_beijing_time() -> None:
    from datetime import datetime

    table = Table("审计事件", ("时间",), [(datetime(2026, 11, 24, 17, 48),)])
    sheet = openpyxl.load_workbook(io.BytesIO(workbook(table))).active
    assert sheet.cell(3, 1).value == datetime(2026, 11, 25, 1, 48)


def test_a_sheet_name_never_starts_or_ends_with_an_apostrophe() -> None:
    """xlsxwriter refuses such names: an enterprise called 'A' must not make its export a 500."""
    sheet = openpyxl.load_workbook(io.BytesIO(workbook(Table("'甲'公司'", ("a",), [(1,)])))).active
    assert sheet.title == "甲'公司"


def test_typed_columns_keep_what_people_type_as_text() -> None:
    table = Table("清单", ("编号", "凭证号"), [(1, None)], typed={"凭证号"})
    book = openpyxl.load_workbook(io.BytesIO(workbook(table)))
    widths = book.active.column_dimensions
    assert widths["B"].number_format == "@" and widths["A"].number_format == "General"


def _with_sheet(xml: str) -> bytes:
    """A workbook whose first sheet's XML is ``xml`` (the rest as openpyxl writes it)."""
    import zipfile

    book = openpyxl.Workbook()
    book.active.append(["申报编号"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part.filename)
            target.writestr(part, xml.encode() if part.filename == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dimension}<sheetData>{rows}'
         '</sheetData></worksheet>')


def test_a_sent_workbook_that_cannot_be_read_is_named_not_a_500() -> None:
    import pytest

    from huiqi.errors import InputError
    from huiqi.web.excel import sent_rows

    bad = [SHEET.format(dimension="", rows='<row r="1"><c r="A1" t="n"><v>abc</v></c></row>'),
           SHEET.format(dimension="", rows='<row r="1"><c r="A1" t="s"><v>99</v></c></row>')]  # no such string
    for xml in bad:
        with pytest.raises(InputError) as refused:
            sent_rows(_with_sheet(xml), "清单.xlsx", "sheet", most=10, columns=5)
        assert refused.value.problems == [("sheet", "清单.xlsx 不是有效的 Excel 工作簿（.xlsx），无法读取")]
    many = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c></row>' for i in range(1, 13))
    with pytest.raises(InputError, match="超过 10 行"):
        sent_rows(_with_sheet(SHEET.format(dimension="", rows=many)), "清单.xlsx", "sheet", most=10, columns=5)


def test_a_sheet_declaring_a_million_rows_is_read_within_bounds() -> None:
    """One cell in the last row and column of a sheet: blank rows are passed over, not kept, and only the first
    columns are read, so a 5 KB file cannot take the server's memory."""
    from huiqi.web.excel import sent_rows

    xml = SHEET.format(dimension='<dimension ref="A1:XFD1048576"/>',
                       rows='<row r="1"><c r="A1" t="inlineStr"><is><t>申报编号</t></is></c></row>'
                            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    content = _with_sheet(xml)
    assert len(content) < 10_000
    rows = sent_rows(content, "清单.xlsx", "sheet", most=10, columns=5)
    assert [(line, [c.value for c in cells]) for line, cells in rows] == [(1, ["申报编号", None, None, None, None])]


def test_rows_past_the_size_a_sheet_declares_are_read() -> None:
    """Some writers declare a sheet's size wrongly (A1): its rows are read to their end all the same."""
    from huiqi.web.excel import sent_rows

    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>第{i}行</t></is></c></row>' for i in range(1, 6))
    found = sent_rows(_with_sheet(SHEET.format(dimension='<dimension ref="A1"/>', rows=rows)), "清单.xlsx", "sheet",
                      most=10, columns=3)
    assert [line for line, _ in found] == [1, 2, 3, 4, 5]


def test_a_row_of_too_many_cells_is_refused_before_it_is_built() -> None:
    import pytest

    from huiqi.errors import InputError
    from huiqi.web.excel import MAX_ROW_CELLS, sent_rows

    crowded = "".join("<c><v>1</v></c>" for _ in range(MAX_ROW_CELLS + 1))
    xml = SHEET.format(dimension="", rows=f'<row r="1"><c r="A1"><v>1</v></c></row><row r="2">{crowded}</row>')
    with pytest.raises(InputError) as refused:
        sent_rows(_with_sheet(xml), "清单.xlsx", "sheet", most=10, columns=3)
    assert refused.value.problems == [("sheet", f"清单.xlsx 第 2 行的单元格超过 {MAX_ROW_CELLS} 个，请删去多余的列")]


def test_a_stray_cell_far_below_a_list_is_named() -> None:
    import pytest

    from huiqi.errors import InputError
    from huiqi.web.excel import sent_table

    xml = SHEET.format(dimension="", rows='<row r="1"><c r="A1" t="inlineStr"><is><t>uscc</t></is></c></row>'
                                          '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    with pytest.raises(InputError, match="第 1048576 行还有内容，超过 100 行"):
        sent_table(_with_sheet(xml), "名单文件", "文件", most=100, columns=3)
    assert sent_table(_with_sheet(SHEET.format(dimension="", rows='<row r="3"><c r="A3"><v>7</v></c></row>')),
                      "名单文件", "文件", most=100, columns=3) == [[], [], [7, None, None]], "blank lines kept"


def test_wan_shows_the_decimals_it_has_and_columns_fit_their_texts() -> None:
    """80万元 reads 80, not 80.0000 (as the pages show it); a long name is not cut by a header-wide column."""
    name = "辽宁省沈阳市示例数字经济科技发展有限责任公司"
    table = Table("公示", ("单位", "金额"), [(name, 800_000), ("乙", 1_234_500)], money={"金额"})
    sheet = openpyxl.load_workbook(io.BytesIO(workbook(table))).active
    assert [sheet.cell(r, 3).number_format for r in (3, 4)] == ["#,##0", "#,##0.00"]
    assert sheet.column_dimensions["A"].width >= 2 * len(name)


def test_yuan_columns_have_thousands_separators_as_their_wan_twins() -> None:
    table = Table("拨付清单", ("单位", "金额"), [("甲公司", 12_345_678), ("乙公司", None)], money={"金额"})
    sheet = openpyxl.load_workbook(io.BytesIO(workbook(table))).active
    assert (sheet.cell(3, 2).value, sheet.cell(3, 2).number_format) == (12_345_678, "#,##0"), "not General"
    assert sheet.cell(3, 3).number_format == "#,##0.0000" and sheet.cell(4, 2).value is None


def test_a_long_title_names_its_sheet_without_its_filters_not_cut_inside_them() -> None:
    """A sheet's name holds 31 characters: the filters in brackets, which the title row states whole, are left out
    rather than cut halfway; a name the workbook has already is numbered, and a rare character counts as Excel
    counts it."""
    title = "审计记录（操作人“dept-06”，记录于 2025年12月1日至2025年12月31日）"
    content = workbook(Table(title, ("a",), [(1,)]), Table(title, ("a",), [(2,)]),
                       Table("名单：" + "沈阳示例数字经济科技发展有限公司、" * 3, ("a",), [(3,)]),
                       Table("𠀀" * 20, ("a",), [(4,)]))
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames[:3] == ["审计记录", "审计记录（2）", "名单：沈阳示例数字经济科技发展有限公司"]
    assert book.worksheets[0].cell(1, 1).value == title, "the title row says every filter"
    assert book.sheetnames[3] == "𠀀" * 15
