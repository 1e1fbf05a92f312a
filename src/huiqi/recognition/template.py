"""The import's template, for the reviewer who has a list to import: the columns the import reads under their Chinese
names, one example row marked as such (its 统一社会信用代码 starts with 示例, so the import passes over it, left in or
not), and a second sheet with each column's rules. Filled in, it imports as it is."""

import io
from datetime import date

from sqlalchemy.orm import Session

from huiqi.catalogue import service as catalogue
from huiqi.recognition.reading import EXAMPLE, LEVEL_HINT
from huiqi.rules.facts import CHOICES
from huiqi.web.excel import Table, add_sheet, safe_workbook

HEADER = ["统一社会信用代码", "企业名称", "级别", "认定日期"]
SHEET, RULES = "名单", "填写说明"
EXAMPLE_ROW = [f"{EXAMPLE}：91210100MA0QC1B25F", "沈阳示例数字科技有限公司（本行为示例，导入时自动跳过，可删除）",
               CHOICES["level"]["national"], date(2025, 6, 1)]
FILLED = 10_000  # the rows below the header whose 级别 offers its list, and whose credit code stays text


def rules(session: Session) -> Table:
    """Each column's rules, and the recognitions a level must be given for (those whose rules read it)."""
    levelled = "、".join(info.label for info in catalogue.codes(session).values()
                         if info.type == "honour" and "level" in info.fields)
    rows = [
        ["统一社会信用代码", "必填", "18 位，含校验位（GB 32100）；同一名单内不得重复。"
                            "第 3 至 8 位为登记管理机关行政区划码，"
                            "系统据此判断尚未登记注册地的单位是否在措施适用范围内。表头也可写作 uscc"],
        ["企业名称", "必填", "不超过 200 个字；系统中没有的单位按名称和代码新建。表头也可写作 单位名称、name"],
        ["级别", "视类别而定", f"{LEVEL_HINT}。导入时已统一选择级别的可不填，填写的以本行为准。以下类别须注明级别，"
                          f"否则整份名单不予导入并逐行指出：{levelled}。表头也可写作 level"],
        ["认定日期", "选填", "格式 YYYY-MM-DD（或 Excel 日期）；不填则取名单的发布日期；不得晚于发布日期。"
                         "表头也可写作 date"],
        ["（说明）", "", "第一行为表头，请勿改动；认定类别、发布文号和发布日期在导入页面填写，文件中不必有“类别”列"
                      "（有则须与所选类别相同，填写类别名称或代码均可）。"
                      f"第 2 行为示例行（统一社会信用代码以“{EXAMPLE}”开头），导入时自动跳过，可保留或删除。"
                      "也可另存为 CSV（UTF-8 或 Excel 另存的 GBK 编码）导入。每行导入后重新匹配；"
                      "未产生政策直达的行，认定名单页逐行说明原因"],
    ]
    return Table("认定名单导入填写说明", ["列名", "是否必填", "填写要求"], rows, wide={"填写要求"}, sheet=RULES)


def workbook(session: Session) -> bytes:
    """The template as the bytes of an .xlsx workbook: the list's sheet first (its header on the first line, as the
    import reads it), the rules after it."""
    buffer = io.BytesIO()
    with safe_workbook(buffer, in_memory=True) as book:
        add_sheet(book, Table(SHEET, HEADER, [EXAMPLE_ROW], typed={"统一社会信用代码"},
                              wide={"统一社会信用代码", "企业名称"}), titled=False)
        sheet = book.get_worksheet_by_name(SHEET)
        sheet.data_validation(1, 2, FILLED, 2, {
            "validate": "list", "source": [CHOICES["level"][c] for c in ("national", "provincial", "international",
                                                                          "industry")],
            "error_type": "warning", "error_title": "级别", "error_message": LEVEL_HINT[:255]})
        add_sheet(book, rules(session))
    return buffer.getvalue()
