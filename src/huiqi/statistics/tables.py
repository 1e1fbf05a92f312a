"""Statistics as people read them: each group key in Chinese, the Excel sheet, the bar charts' data."""

from collections.abc import Sequence
from typing import Any

from huiqi.labels import measure_label
from huiqi.money import wan
from huiqi.reference.divisions import cities
from huiqi.rules.policy import Policy
from huiqi.statistics.repository import STANDING_LABELS
from huiqi.statistics.schemas import StatRow
from huiqi.web.excel import Table
from huiqi.workflow.states import STATES

DIMENSION_LABELS = {"policy": "政策", "measure": "措施", "city": "城市", "department": "责任单位", "year": "申报年度",
                    "state": "状态"}
AMOUNTS = (("requested", "申请金额"), ("proposed_amount", "拟支持金额"), ("approved_amount", "批准金额"),
           ("disbursed_amount", "已拨付金额"))
PUBLIC_AMOUNTS = AMOUNTS[2:]  # what is decided and paid; what was asked and proposed stays with the desks


# Dimensions whose labels are long (措施3 培育中小企业): their charts lie on their side, a row per label.
LONG_LABELS = ("measure", "department")


def key_label(dimension: str, value: Any, policies: Sequence[Policy] = (), policy: str | None = None) -> str:
    """A group key as people say it: 措施3 专精特新, 沈阳市, 市级初审中 …"""
    if value is None:
        return "（未定）"
    if dimension == "measure":
        titles = {m.number: m.title for p in policies if policy in (None, p.id) for m in p.measures}
        return measure_label(value, titles.get(value))
    if dimension == "city":
        return cities().get(value, value)
    if dimension == "state":
        return STANDING_LABELS.get(value) or STATES.get(value, value)
    if dimension == "policy":
        return next((p.number for p in policies if p.id == value), value)
    return str(value)


def titled(title: str, where: dict[str, Any], policies: Sequence[Policy]) -> str:
    """A table's title with the filters it was narrowed by, as people say them.

    >>> titled("兑现统计", {"year": 2025, "city": "210100"}, ())
    '兑现统计（申报年度：2025；城市：沈阳市）'
    >>> titled("兑现统计", {}, ())
    '兑现统计'
    """
    said = "；".join(f"{DIMENSION_LABELS[name]}：{key_label(name, value, policies)}" for name, value in where.items())
    return f"{title}（{said}）" if said else title


COUNTS = (("applications", "申报件数"), ("approved", "批准件数"))


def table(rows: list[StatRow], by: tuple[str, ...], policies: Sequence[Policy],
          amounts: Sequence[tuple[str, str]] = AMOUNTS, *, title: str = "申报与兑现统计",
          counts: Sequence[tuple[str, str]] = COUNTS) -> Table:
    """The statistics as a sheet: group keys in Chinese, counts, and money in yuan with 万元 twins; a 合计 row last,
    as the page's table ends."""
    keys = list(rows[0].group) if rows else list(by)  # grouped by measure: by its policy too
    header = [DIMENSION_LABELS[d] for d in keys] + [label for _, label in (*counts, *amounts)]
    body: list[list[Any]] = [[_cell(d, r.group[d], policies, r.group.get("policy")) for d in keys]
                             + [getattr(r, name) for name, _ in (*counts, *amounts)] for r in rows]
    if rows:  # the page's 合计 row: the counts and the money of the rows summed
        body.append(["合计", *[None] * (len(keys) - 1)]
                    + [sum(getattr(r, name) for r in rows) for name, _ in (*counts, *amounts)])
    return Table(title, header, body, money={label for _, label in amounts})


def _cell(dimension: str, value: Any, policies: Sequence[Policy], policy: str | None) -> Any:
    """A group key as the sheet holds it: a year as a number (to sort and sum by), every other key in words.

    >>> _cell("year", 2025, (), None), _cell("year", None, (), None), _cell("city", "210100", (), None)
    (2025, '（未定）', '沈阳市')
    """
    return value if dimension == "year" and isinstance(value, int) else key_label(dimension, value, policies, policy)


def _label(row: StatRow, dimension: str, policies: Sequence[Policy]) -> str:
    """A chart's label for a row: a measure with its policy's document number when several policies are in force."""
    shown = key_label(dimension, row.group[dimension], policies, row.group.get("policy"))
    if dimension == "measure" and len(policies) > 1 and row.group.get("policy"):
        return f"{key_label('policy', row.group['policy'], policies)} {shown}"
    return shown


def chart(rows: list[StatRow], dimension: str, title: str, policies: Sequence[Policy],
          amounts: Sequence[tuple[str, str]] = AMOUNTS) -> dict[str, Any]:
    """A bar chart's data (万元 per amount) over one dimension, as the simulation charts take it."""
    return {"title": title, "labels": [_label(r, dimension, policies) for r in rows],
            "horizontal": dimension in LONG_LABELS,
            "series": [{"name": label, "data": [float(wan(getattr(r, name))) for r in rows]}
                       for name, label in amounts]}
