"""How the replay says a difference: each value as people read it, and one table's rows against what the events
say of them, record by record and field by field."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from huiqi.money import wan
from huiqi.workflow.states import STATES

Shown = Callable[[Any], str]


def yuan(value: Any) -> str:
    """An amount (whole yuan) as the pages say it, in 万元 (exactly: 9,000,001 元 is 900.0001 万元)."""
    return "无" if value is None else f"{wan(value)} 万元" if isinstance(value, int) else str(value)


def text(value: Any) -> str:
    return "无" if value is None or value == "" else str(value)


def state(value: Any) -> str:
    """A state as people read it (审核中, 已批准 …), not its code."""
    return STATES.get(value, text(value)) if isinstance(value, str) else text(value)


def yes_no(value: Any) -> str:
    return "是" if value is True else "否" if value is False else "未填写"


def differs(record: str, label: str, actual: Any, said: Any, shown: Shown) -> str:
    return f"{record}：{label}为 {shown(actual)}，审计事件记载为 {shown(said)}"


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Field:
    """A column compared: its key (in the row's values and the events'), its label, how a value is shown."""

    key: str
    label: str
    shown: Shown = text


@dataclass(frozen=True)
class Table:
    """How one table's records are named in a difference: ``name`` of a row's key and values; what is said of a row
    no event made (``unmade``, after the name) and of a record the events have whose row is gone (``gone`` of its
    key and what the events say)."""

    name: Callable[[Any, dict[str, Any]], str]
    unmade: str
    gone: Callable[[Any, dict[str, Any]], str]


def compared(rows: Iterable[tuple[Any, dict[str, Any]]], expected: dict[Any, dict[str, Any]], fields: list[Field],
             table: Table, *, unaudited: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None) -> list[str]:
    """Each row (its key and values) against what the events say of it (``expected``, by key): every field the events
    state that differs; a row no event speaks of (unless ``unaudited`` of its values gives what it should hold: rows
    written before the trail, by a migration); and every record the events have whose row is gone."""
    out: list[str] = []
    left = dict(expected)
    for key, actual in rows:
        said = left.pop(key, None)
        if said is None or not said.get("made", True):
            start = unaudited(actual) if unaudited is not None else None
            if start is None:
                out.append(f"{table.name(key, actual)}：{table.unmade}")
                continue
            said = start | (said or {})
        for f in fields:
            if f.key in said and actual.get(f.key) != said[f.key]:
                out.append(differs(table.name(key, actual), f.label, actual.get(f.key), said[f.key], f.shown))
    out += [table.gone(key, said) for key, said in sorted(left.items(), key=lambda item: item[0])]
    return out
