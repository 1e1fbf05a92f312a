"""Statistics as people read them: each group key in Chinese, the Excel sheet, the bar charts' data."""

from typing import Any

from huiqi.money import wan
from huiqi.public.service import policies
from huiqi.reference.divisions import cities
from huiqi.statistics.schemas import StatRow
from huiqi.web.excel import Table
from huiqi.workflow.states import STATES

DIMENSION_LABELS = {"policy": "政策", "measure": "措施", "city": "城市", "department": "责任单位", "year": "年度",
                    "state": "状态"}
AMOUNTS = (("requested", "申请金额"), ("proposed_amount", "拟支持金额"), ("approved_amount", "批准金额"),
           ("disbursed_amount", "已拨付金额"))


def key_label(dimension: str, value: Any) -> str:
    """A group key as people say it: 措施3 专精特新, 沈阳市, 市级初审中 …"""
    if value is None:
        return "（未定）"
    if dimension == "measure":
        titles = {m.number: m.title for p in policies() for m in p.measures}
        return f"措施{value} {titles.get(value, '')}".strip()
    if dimension == "city":
        return cities().get(value, value)
    if dimension == "state":
        return STATES.get(value, value)
    if dimension == "policy":
        return next((p.number for p in policies() if p.id == value), value)
    return str(value)


def table(rows: list[StatRow], by: tuple[str, ...]) -> Table:
    """The statistics as a sheet: group keys in Chinese, counts, and money in yuan with 万元 twins."""
    header = [DIMENSION_LABELS[d] for d in by] + ["申报件数", "批准件数"] + [label for _, label in AMOUNTS]
    body = [[key_label(d, r.group[d]) for d in by] + [r.applications, r.approved]
            + [getattr(r, name) for name, _ in AMOUNTS] for r in rows]
    return Table("申报与兑现统计", header, body, money={label for _, label in AMOUNTS})


def chart(rows: list[StatRow], dimension: str, title: str) -> dict[str, Any]:
    """A bar chart's data (万元 per amount) over one dimension, as the simulation charts take it."""
    return {"title": title, "labels": [key_label(dimension, r.group[dimension]) for r in rows],
            "series": [{"name": label, "data": [float(wan(getattr(r, name))) for r in rows]}
                       for name, label in AMOUNTS]}
