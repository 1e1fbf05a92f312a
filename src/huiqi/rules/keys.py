"""The keys of a policy file as an officer reads them: ``parameters.cap.values[1].since`` is said
参数「上限」第 2 个取值的起始日期, so that a mistake is named in Chinese, at its line.

One table, shaped as the file is (``spec``): each key's label, and how the items of a list or of a keyed table
are named (by their own name or label where they have one, else by their place)."""

from dataclasses import dataclass, field
from typing import Any

from huiqi.rules.facts import FACTS


@dataclass(frozen=True)
class Key:
    """A key of the file: its ``label``; for a list or a keyed table, its items' shape (``item``), the measure word
    that counts them (第 2 个取值, 第 1 条资金规则) and the field that names each (``named_by``); for a table, its own
    keys (``keys``). ``whole``: its children's labels already say it (有效期截止日), so it is not said before them."""

    label: str
    keys: dict[str, "Key"] = field(default_factory=dict)
    item: "Key | None" = None
    counter: str = "个"
    named_by: str | None = None
    whole: bool = False


def _leaf(label: str) -> Key:
    return Key(label)


def _listed(label: str, item: Key | None = None, counter: str = "个", named_by: str | None = None) -> Key:
    return Key(label, item=item or Key(label), counter=counter, named_by=named_by)


_VALUE = {"since": _leaf("起始日期"), "value": _leaf("值"), "source": _leaf("依据")}
PARAMETER = Key("参数", keys={"label": _leaf("名称"), "kind": _leaf("类型"),
                             "values": _listed("取值", Key("取值", keys=_VALUE))})
PARAMETERS = Key("参数", item=PARAMETER, named_by="label")
CONDITION = Key("条件", keys={"name": _leaf("名称"), "clause": _leaf("条款原文"), "when": _leaf("条件表达式"),
                            "reading": _leaf("解读")})
CEILING = Key("上限", keys={"cap": _leaf("上限金额参数"), "rate": _leaf("比例参数"), "base": _leaf("计算基数"),
                          "unspecified": _leaf("未定额")})
_RULE = {"name": _leaf("名称"), "clause": _leaf("条款原文"), "reaches": _listed("适用事项"),
         "conditions": _listed("条件", CONDITION, "条", "name"), "ceiling": CEILING, "kind": _leaf("支持方式"),
         "reading": _leaf("解读")}
MEASURE = Key("措施", keys={
    "number": _leaf("措施编号"), "chapter": _leaf("所属章节"), "title": _leaf("措施标题"), "clause": _leaf("条款原文"),
    "kind": _leaf("措施类别"), "units": _listed("责任单位"),
    "units_changes": _listed("责任单位变更", Key("责任单位变更", keys={
        "since": _leaf("起始日期"), "value": _listed("责任单位"), "source": _leaf("依据")}), "次"),
    "parameters": PARAMETERS,
    "rules": _listed("资金规则", Key("资金规则", keys=_RULE), "条", "name"),
    "services": _listed("服务条目", Key("服务条目", keys=_RULE), "条", "name"),
    "local": _listed("地方鼓励条目", Key("地方鼓励条目", keys=_RULE), "条", "name"),
    "stacks_with": _listed("可叠加支持的政策"), "serves": _listed("平台用途")})
CODE = Key("事项代码", keys={"type": _leaf("类型"), "label": _leaf("名称"), "fields": _listed("字段"),
                         "group": _leaf("分组"), "choices": Key("可选值", item=_listed("可选值"))})
SITUATION = Key("测试情形", keys={
    "name": _leaf("名称"), "as_of": _leaf("判断日期"), "applicant": _leaf("申报单位"), "matters": _listed("事项"),
    "expect": _listed("预期结果", Key("预期结果", keys={"matter": _leaf("事项"), "measure": _leaf("措施"),
                                                    "status": _leaf("结论"), "ceiling": _leaf("上限")}))})
WINDOW = Key("有效期", whole=True, keys={
    "start": _leaf("有效期起始日"), "end": _leaf("有效期截止日"), "source": _leaf("有效期的依据"),
    "end_changes": _listed("有效期截止日变更", Key("有效期截止日变更", keys={
        "since": _leaf("生效日期"), "value": _leaf("新截止日"), "source": _leaf("依据")}), "次")})
POLICY = Key("政策文件", keys={
    "id": _leaf("政策编号"), "title": _leaf("政策标题"), "issuer": _leaf("发文机关"), "number": _leaf("文号"),
    "issued": _leaf("发布日期"), "window": WINDOW, "preamble": _leaf("序言"), "closing": _leaf("结尾"),
    "validity": _leaf("施行与有效期条文"), "stacking": _leaf("从高不重复条文"), "source": _leaf("来源"),
    "succeeds": _leaf("接续的政策"), "codes": Key("事项代码", item=CODE, named_by="label"), "parameters": PARAMETERS,
    "general": _listed("通用条件", CONDITION, "条", "name"),
    "measures": _listed("措施", MEASURE, "条"), "situations": _listed("测试情形", SITUATION, "个", "name")})
VOCABULARY = Key("通用词汇", keys={"codes": Key("事项代码", item=CODE, named_by="label")})
NAME_MOST = 12  # characters of an item's own name said in a label; a longer one is cut with an ellipsis


def _name(data: Any, key: Key) -> str | None:
    """An item's own name (its ``named_by`` field), cut to ``NAME_MOST`` characters; None when it has none."""
    own = data.get(key.named_by) if key.named_by and isinstance(data, dict) else None
    if not isinstance(own, str) or not own.strip():
        return None
    own = " ".join(own.split())
    return own if len(own) <= NAME_MOST else own[:NAME_MOST - 1] + "…"


def _piece(key: Key, part: Any, data: Any) -> tuple[str, Key | None, Any]:
    """What ``part`` (a key of the table ``key``, or a place in the list ``key``) is called, its own shape and data."""
    child = data[part] if isinstance(data, dict | list) and _has(data, part) else None
    if isinstance(part, int):
        item = key.item or Key(key.label)
        own = _name(child, key)
        return (f"{key.label}「{own}」" if own else f"第 {part + 1} {key.counter}{key.label}"), item, child
    if key.item is not None and not key.keys:  # a keyed table (参数, 事项代码, 可选值): named by label, else by key
        own = _name(child, key) or (FACTS[part].label if key.label == "可选值" and part in FACTS else str(part))
        return f"{key.item.label}「{own}」", key.item, child
    known = key.keys.get(str(part))
    if known is None:  # a key the file should not have: said as written
        return f"「{part}」", None, child
    return known.label, known, child


def _has(data: Any, part: Any) -> bool:
    if isinstance(data, dict):
        return part in data
    return isinstance(part, int) and 0 <= part < len(data)


def label(path: tuple[Any, ...], data: Any, root: Key = POLICY) -> str:
    """The path of a place in the file said in Chinese, from ``root`` (a measure's own places from ``MEASURE``).

    >>> label(("parameters", "cap", "values", 1, "since"), {"parameters": {"cap": {"label": "上限"}}}, MEASURE)
    '参数「上限」第 2 个取值的起始日期'
    >>> label(("number",), {}), label(("clause",), {}, MEASURE), label(("window", "end"), {})
    ('文号', '条款原文', '有效期截止日')
    >>> label(("rules", 0, "conditions", 1, "when"), {"rules": [{"name": "小巨人"}]}, MEASURE)
    '资金规则「小巨人」第 2 条条件的条件表达式'
    >>> label(("titel",), {}), label(("codes", "x", "titel", 0), {}), label((), {})
    ('「titel」', '事项代码「x」的「titel」第 1 项', '政策文件（整体）')
    """
    if not path:
        return f"{root.label}（整体）"
    pieces: list[str] = []
    key: Key | None = root
    for part in path:
        if key is None:  # below a key the file should not have: its own path, as written
            pieces.append(f"第 {part + 1} 项" if isinstance(part, int) else f"「{part}」")
            continue
        piece, below, data = _piece(key, part, data)
        if pieces and pieces[-1] == key.label and (key.whole or isinstance(part, int) or key.item is not None):
            pieces.pop()  # 取值 then [1]: 第 2 个取值; 参数 then cap: 参数「上限」; 有效期 then end: 有效期截止日
        pieces.append(piece)
        key = below
    return pieces[0] + "".join(p if p.startswith("第") else "的" + p for p in pieces[1:])
