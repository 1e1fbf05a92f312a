"""An event's before and after as people read them: Chinese labels, 万元, Chinese dates, states by name."""

from datetime import datetime

from huiqi.audit.fields import readable, shown
from huiqi.audit.schemas import EventRead


def _event(action: str, entity: str, before: dict | None, after: dict) -> EventRead:
    return EventRead(seq=1, at=datetime(2026, 12, 3, 17, 30), actor="finance", action=action, entity=entity,
                     entity_id="1", before=before, after=after)


def test_a_record_reads_in_chinese_with_money_in_wan() -> None:
    event = _event("budget.set", "budget", {"amount": 12_340_000, "committed": 0},
                   {"amount": 8_000_001, "committed": 0, "id": 3})
    assert readable(event, event.before) == "金额：1234 万元；已动用合计：0 万元"
    assert readable(event, event.after) == "金额：800.0001 万元；已动用合计：0 万元；编号：3"
    assert readable(event, None) is None


def test_states_days_policies_and_ids_are_read_as_people_say_them() -> None:
    step = _event("application.approve", "application", {"state": "announced"},
                  {"state": "approved", "on": "2026-12-04", "reasons": None})
    assert readable(step, step.after) == "状态：已批准；业务日：2026年12月4日；理由：无"
    opened = _event("round.open", "round", None, {"policy": "ln-2022-35", "measures": [1, 3]})
    numbers = {"ln-2022-35": "辽政办〔2022〕35号"}
    assert readable(opened, opened.after, numbers) == "政策：辽政办〔2022〕35号；措施：1、3"
    approved = _event("application.approved_amount", "application", None,
                      {"amount_approved": 800_000, "ceiling": 1_000_000, "budget": 7})
    assert readable(approved, approved.after) == "批准金额：80 万元；上限：100 万元；预算：7", "a number, not 万元"
    policy = _event("policy.withdraw", "policy_version", {"state": "published"}, {"state": "withdrawn"})
    assert shown(policy, "state", "withdrawn") == "已撤回"


def test_a_long_text_is_whole_in_a_cell_and_cut_in_a_sentence() -> None:
    event = _event("round.correct", "round", {"guide": "甲" * 50}, {"guide": "乙" * 50})
    assert readable(event, event.after) == "办事指南：" + "乙" * 50
    assert shown(event, "guide", "乙" * 50) == "乙" * 40 + "…"


def _recorded_keys() -> dict[str, str]:
    """Every field name the code writes into an audit event's before or after, read from the source: the dict
    literals given to ``audit.record`` (or assigned to a name it is given, or returned by a function of the code it
    calls, or a comprehension over a named tuple of field names), and a step's ``audit_after``; each with where it
    is written."""
    import ast
    from pathlib import Path

    import huiqi

    trees = {path: ast.parse(path.read_text("utf-8")) for path in Path(huiqi.__file__).parent.rglob("*.py")}
    functions: dict[str, list[ast.FunctionDef]] = {}
    own: dict[str, dict[str, ast.expr]] = {}  # each module's tuples of names, by its dotted name
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                functions.setdefault(node.name, []).append(node)
        module = ".".join(("huiqi", *path.relative_to(Path(huiqi.__file__).parent).with_suffix("").parts))
        own[module] = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                       and isinstance(node.value, ast.Tuple | ast.List)
                       for t in node.targets if isinstance(t, ast.Name)}

    def named(tree: ast.Module, module: str) -> dict[str, ast.expr]:
        """A module's tuples of names: its own and those it imports."""
        found = dict(own.get(module, {}))
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module in own:
                found.update({a.asname or a.name: own[node.module][a.name] for a in node.names
                              if a.name in own[node.module]})
        return found

    constants: dict[str, ast.expr] = {}

    def keys(node: ast.AST | None, scope: ast.AST | None, depth: int = 0) -> set[str]:
        if node is None or depth > 3:
            return set()
        if isinstance(node, ast.Dict):
            found = {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            return found.union(*(keys(v, scope, depth) for k, v in zip(node.keys, node.values, strict=True)
                                 if k is None or isinstance(v, ast.Dict)))
        if isinstance(node, ast.IfExp | ast.BinOp | ast.BoolOp):
            parts = [node.body, node.orelse] if isinstance(node, ast.IfExp) else \
                [node.left, node.right] if isinstance(node, ast.BinOp) else node.values
            return set().union(*(keys(p, scope, depth) for p in parts))
        if isinstance(node, ast.DictComp) and isinstance(it := node.generators[0].iter, ast.Name) and \
                it.id in constants:
            return {e.value for e in getattr(constants[it.id], "elts", []) if isinstance(e, ast.Constant)}
        if isinstance(node, ast.Name) and scope is not None:
            return set().union(*(keys(n.value, scope, depth + 1) for n in ast.walk(scope)
                                 if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id
                                                                      for t in n.targets)))
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            return set().union(*(keys(r.value, f, depth + 1) for f in functions.get(name, [])
                                 for r in ast.walk(f) if isinstance(r, ast.Return)))
        return set()

    found: dict[str, str] = {}
    for path, tree in trees.items():
        constants = named(tree, ".".join(("huiqi", *path.relative_to(Path(huiqi.__file__).parent).with_suffix("")
                                          .parts)))
        for scope in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            for node in ast.walk(scope):
                sides: list[ast.expr] = []
                if isinstance(node, ast.Call) and any(k.arg == "action" for k in node.keywords):
                    sides = [k.value for k in node.keywords if k.arg in ("before", "after")]
                elif isinstance(node, ast.Assign) and any(getattr(t, "attr", None) == "audit_after"
                                                          for t in node.targets):
                    sides = [node.value]
                for side in sides:
                    for key in keys(side, scope):
                        found.setdefault(key, f"{path.relative_to(Path(huiqi.__file__).parent)}:{side.lineno}")
    return found


def _said_keys(value: object) -> set[str]:
    """The field names of a before or an after as stored, nested ones too."""
    if isinstance(value, dict):
        return set(value).union(*(_said_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_said_keys(v) for v in value))
    return set()


def _unlabelled(keys: dict[str, str]) -> list[str]:
    from huiqi.audit.fields import label

    return sorted(f"{key}（{where}）" for key, where in keys.items() if label(key) is None)


def test_every_field_the_code_records_has_a_chinese_label() -> None:
    found = _recorded_keys()
    assert {"amount", "state", "reason", "announcement", "basis_number", "username"} <= set(found), "read them all"
    missing = _unlabelled(found)
    assert not missing, "these fields have no Chinese label in audit/fields.py: " + "、".join(missing)


def test_every_field_the_demos_events_hold_has_a_chinese_label(session, tmp_path, monkeypatch) -> None:
    from sqlalchemy import select

    from huiqi.config import get_settings
    from huiqi.demo.service import seed
    from huiqi.models import AuditEvent

    monkeypatch.setenv("HUIQI_MATERIALS_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        seed(session, password="demo password")
    finally:
        get_settings.cache_clear()
    found = {key: event.action for event in session.scalars(select(AuditEvent))
             for key in _said_keys(event.before) | _said_keys(event.after)}
    assert len(found) > 50
    missing = _unlabelled(found)
    assert not missing, "these fields have no Chinese label in audit/fields.py: " + "、".join(missing)


def test_a_matters_facts_read_by_the_rules_names_and_choices() -> None:
    saved = _event("matter.save", "matter", None,
                   {"key": "p1", "type": "project", "sector": "sensor", "build": "new", "investment": 50_000_000})
    assert readable(saved, saved.after) == ("事项编号：p1；事项类型：项目、设立；所属领域：传感类；建设性质：新建；"
                                            "投资额：5000 万元")
    created = _event("user.create", "user", None, {"role": "city", "region": "210102"})
    assert readable(created, created.after) == "角色：市级初审人员；所在地：沈阳市和平区"
