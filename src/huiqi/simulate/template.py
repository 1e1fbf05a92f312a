"""The population template an analyst fills in: the two sheets ``huiqi simulate`` and the web page read
(``applicants``, ``matters``: their first row the column names, as read), an example row in each marked as such,
and the notes in Chinese (each column's name, format and unit, its codes), on sheets of their own.

Money is in 元 there, as everywhere a population is read (the site shows 万元): 1500万元 is 15000000.
"""

import io
from typing import Any

from huiqi.rules.batch import APPLICANT_SCHEMA, MATTER_SCHEMA
from huiqi.rules.facts import CHOICES, FACTS, MONEY_FIELDS
from huiqi.rules.policy import CodeInfo
from huiqi.web.excel import Table, add_sheet, safe_workbook

EXAMPLE = "示例"  # how an example row's name and id start: delete the rows before simulating (they would count)
REQUIRED = {"applicants": ("uscc",), "matters": ("id", "uscc", "type", "codes")}
STRUCTURE = {"id": "事项编号（同一文件中不重复）", "uscc": "统一社会信用代码", "type": "事项类型",
             "codes": "事项代码（见“事项代码”表；多个用英文分号 ; 隔开）"}
APPLICANT_EXAMPLE = {
    "uscc": "91210100MA0QC1B25F", "name": f"{EXAMPLE}（请删除本行）某数字科技有限公司", "kind": "enterprise",
    "region": "210100", "industry": "6513", "size": "medium", "above_scale": "是", "established": "2016-05-01",
    "revenue": "120000000", "revenue_prior": "100000000",
}
MATTER_EXAMPLES = [
    {"id": f"{EXAMPLE}-1", "uscc": "91210100MA0QC1B25F", "type": "honour", "codes": "little_giant",
     "level": "national", "date": "2023-07-15"},
    {"id": f"{EXAMPLE}-2", "uscc": "91210100MA0QC1B25F", "type": "project",
     "codes": "component_manufacturing;smart_manufacturing", "build": "expansion", "sector": "sensor",
     "investment": "80000000", "date": "2024-03-01"},
]


def _format(column: str) -> str:
    """A column's format and unit, as the notes say it."""
    kind = FACTS[column].type if column in FACTS else "str"
    if column in MONEY_FIELDS:
        return "整数，单位：元（不是万元：1500万元写作 15000000）"
    if kind == "date":
        return "日期，YYYY-MM-DD（如 2024-03-01）"
    if kind == "bool":
        return "是 / 否（也可写 true / false、1 / 0）"
    if column == "region":
        return "6 位行政区划代码（如沈阳市 210100，省外填所在地代码）"
    if column in ("industry", "parent_industry"):
        return "GB/T 4754-2017 行业代码（小类 4 位，如 6513）"
    if column == "uscc":
        return "18 位统一社会信用代码"
    return "文本"


def _choices(column: str) -> str:
    if column == "codes":
        return "见“事项代码”表"
    if column == "type":
        return "；".join(f"{k} {v}" for k, v in CHOICES["type"].items())
    values = CHOICES.get(column)
    return "；".join(f"{k} {v}" for k, v in values.items()) if values else ""


def _notes() -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for table, name, schema in (("applicants", "申请人表", APPLICANT_SCHEMA), ("matters", "事项表", MATTER_SCHEMA)):
        for column in schema:
            label = FACTS[column].label if column in FACTS else STRUCTURE[column]
            rows.append((name, column, label, "必填" if column in REQUIRED[table] else "可空",
                         _format(column), _choices(column)))
    return rows


def _sheet(book: Any, table: str, schema: dict[str, Any], examples: list[dict[str, str]]) -> None:
    """A data sheet: its first row the column names as read, each with its Chinese name in a note; the examples."""
    columns = list(schema)
    add_sheet(book, Table(table, columns, [[row.get(c) for c in columns] for row in examples], typed=set(columns),
                          sheet=table), titled=False)
    sheet = book.get_worksheet_by_name(table)
    for c, column in enumerate(columns):
        label = FACTS[column].label if column in FACTS else STRUCTURE[column]
        sheet.write_comment(0, c, f"{label}；{_format(column)}", {"x_scale": 2})


def template(codes: dict[str, CodeInfo]) -> bytes:
    """The template workbook for the matter codes of the policies in force."""
    buffer = io.BytesIO()
    with safe_workbook(buffer, in_memory=True) as book:
        _sheet(book, "applicants", APPLICANT_SCHEMA, [APPLICANT_EXAMPLE])
        _sheet(book, "matters", MATTER_SCHEMA, MATTER_EXAMPLES)
        notes = [("填写方法", "applicants（申请人表）与 matters（事项表）两个工作表的第一行是列名，请勿修改、"
                              "勿改工作表名；每行一个申请人或一个事项，事项以统一社会信用代码对应申请人。"),
                 ("示例行", f"各表中以“{EXAMPLE}”开头的行是示例：测算前请删除（留着也能运行，但会计入测算）。"),
                 ("金额单位", "营业收入、投资额、已获我省其他政策支持等金额一律以元为单位（整数），"
                              "不是网页上显示的万元：1500万元写作 15000000。"),
                 ("可空的列", "可空的列留空表示不知道：相关条件按“待定”计，不会算错；无关的列可以整列删除。"),
                 ("其他格式", "也可以上传含 applicants、matters 两张 CSV 或 Parquet 表的 .zip，列名与本模板相同。")]
        add_sheet(book, Table("说明", ("事项", "说明"), notes, wide={"说明"}), titled=False)
        add_sheet(book, Table("列说明", ("工作表", "列名", "中文名称", "必填", "格式与单位", "可选值"), _notes(),
                              wide={"格式与单位", "可选值"}), titled=False)
        listed = sorted(codes.values(), key=lambda c: (c.type, c.code))
        add_sheet(book, Table("事项代码", ("代码", "中文名称", "事项类型（type）", "相关的列"),
                              [(c.code, c.label, c.type, "、".join(c.fields)) for c in listed], wide={"中文名称"}),
                  titled=False)
    return buffer.getvalue()
