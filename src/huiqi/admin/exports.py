"""The policy catalogue as workbooks to file and circulate: its versions, a version's dated parameters, and the
comparison before publication (what the file changes, and what that changes for applicants)."""

import io
from collections.abc import Callable

from huiqi.admin.schemas import PolicyFileRead
from huiqi.catalogue.changes import FileChanges
from huiqi.catalogue.diff import PolicyDiff
from huiqi.labels import measure_label
from huiqi.rules.params import KINDS
from huiqi.web.excel import Table, add_sheet, safe_workbook


def checked(f: PolicyFileRead) -> str:
    """The 校验 column as the catalogue page says it."""
    if not f.ok:
        return f"未能加载：{len(f.problems)} 个问题"
    if f.failing:
        return f"测试情形未通过 {len(f.failing)} 处"
    return f"通过（{f.situations} 个测试情形）" if f.situations else "通过"


def catalogue_table(files: list[PolicyFileRead], person: Callable[[str | None], str]) -> Table:
    """Every version in the catalogue, one a row, as the page lists them."""
    rows = [[f.version_id, f.title or "", f.number or "", f.version or "", f.state_label, f.window_start, f.window_end,
             f.measures, person(f.drafted_by), person(f.published_by) if f.published_by else "", f.published_on,
             checked(f), f.file, f.note or ""] for f in files]
    header = ["版本", "政策", "文号", "文本摘要", "状态", "有效期起始日", "有效期截止日", "措施数", "起草人", "发布人",
              "发布日期", "校验", "文件名", "说明"]
    return Table("政策目录", header, rows, wide={"政策"})


def parameters_table(f: PolicyFileRead) -> Table:
    """A version's parameters, each dated value a row with the clause it comes from; money in whole yuan beside 万元."""
    measures = {}
    rows = []
    for p in f.parameters:
        where = measures.setdefault(p.measure, f"措施{p.measure}" if p.measure is not None else "政策")
        for v in p.values:
            money = v.raw if p.kind == "money" and isinstance(v.raw, int) else None
            rows.append([where, p.label, KINDS.get(p.kind, p.kind), v.value, money, v.since, v.source])
    return Table(f"版本 {f.version_id} 的参数（{f.number or f.file}）", ["措施", "参数", "类型", "取值", "金额", "自",
                                                                  "依据（条款）"], rows, money={"金额"},
                 wide={"参数", "依据（条款）"})


def diff_book(found: PolicyDiff, version_id: int, numbers: dict[str, str]) -> bytes:
    """The comparison before publication (or, for a version once published, with the version it superseded): what it
    changes for applicants, measure by measure (each policy by its document number), then what the file itself
    changes (parameters, clauses and their explanations)."""
    was, now = found.before_label, found.after_label
    rows = [[numbers.get(m.policy, ""), measure_label(m.measure, m.title), m.became_eligible, m.no_longer_eligible,
             m.became_undetermined, m.recapped, m.unchanged, m.granted_before, m.granted_after, m.cost_change]
            for m in found.measures]
    title = "与上一版本比较" if found.published else "发布前比较"
    outcomes = Table(f"{title}（版本 {version_id}，{found.as_of}，{found.applicants} 家申报单位）",
                     ["政策", "措施", "新变为符合", "不再符合", "变为待定", "上限变化", "不变", f"{was}上限合计",
                      f"{now}上限合计", "变化"], rows, money={f"{was}上限合计", f"{now}上限合计", "变化"},
                     sheet="对申报单位的影响")
    buffer = io.BytesIO()
    with safe_workbook(buffer, in_memory=True) as book:
        add_sheet(book, outcomes)
        for table in _file_tables(found.file, was, now) if found.file is not None else []:
            add_sheet(book, table)
    return buffer.getvalue()


def _file_tables(file: FileChanges, was: str = "现行版本", now: str = "新版本") -> list[Table]:
    dated = "；".join
    params = [[p.where, p.label, dated(f"{value}（自 {since}）" for since, value in p.before) or "—",
               dated(f"{value}（自 {since}）" for since, value in p.after) or "（删去）", p.change]
              for p in file.parameters]
    clauses = [[c.where, c.part, c.what, c.before, c.after] for c in file.clauses]
    return [Table("文件的改动：参数", ["措施", "参数", was, now, "变化（最新取值）"], params,
                  wide={was, now}, sheet="参数的改动"),
            Table("文件的改动：条款与解读", ["措施或条文", "内容", "改动", f"{was}原文", f"{now}原文"], clauses,
                  wide={f"{was}原文", f"{now}原文"}, sheet="条款的改动")]
