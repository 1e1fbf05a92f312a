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


def test_download_names_the_file_in_chinese() -> None:
    response = download(Table("公示", ("a",), []), "公示清单.xlsx")
    assert response.media_type.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''%E5%85%AC%E7%A4%BA" in response.headers["content-disposition"]


def test_moments_are_written_in_beijing_time() -> None:
    from datetime import datetime

    table = Table("审计事件", ("时间",), [(datetime(2026, 11, 24, 17, 48),)])
    sheet = openpyxl.load_workbook(io.BytesIO(workbook(table))).active
    assert sheet.cell(3, 1).value == datetime(2026, 11, 25, 1, 48)
