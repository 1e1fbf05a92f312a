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


def _codes_known(session) -> set[str]:
    """Every code of an enumeration huiqi knows, as its sources of truth list them (not as the audit trail names
    them): the states of each kind of record, the rules' results and choices, the matter codes of the policies in
    force, roles, groupings, modes and sources; only the Latin ones (a region's or an industry's digits are no word)."""
    import re

    from huiqi.catalogue import service as catalogue
    from huiqi.labels import GROUPINGS, MATTER_SOURCES
    from huiqi.offers.service import STATE_LABELS as OFFER_STATES
    from huiqi.rounds.opening import MODES
    from huiqi.rules.answer import STATUS_LABELS
    from huiqi.rules.facts import CHOICES
    from huiqi.users.roles import ROLE_LABELS
    from huiqi.whitelist.schemas import STATE_LABELS as WHITELIST_STATES
    from huiqi.workflow.states import State

    every = {*State, *catalogue.STATE_LABELS, *WHITELIST_STATES, *OFFER_STATES, *STATUS_LABELS, *GROUPINGS, *MODES,
             *MATTER_SOURCES, *ROLE_LABELS, *catalogue.codes(session)}
    every |= {code for choices in CHOICES.values() for code in choices}
    return {str(c) for c in every if re.fullmatch(r"[a-z][a-z0-9_]*", str(c))}


# Fields that hold a login name, which may be spelt as a role is (admin, finance): a name, not a code to translate.
LOGINS = frozenset({"username", "user"})


def _raw_codes(event, side: dict | None, codes_known: set[str], names) -> list[str]:
    """Each detail of ``side`` (field by field, nested ones too) that shows a known code as it is stored."""
    import re

    from huiqi.audit.fields import shown

    found = []

    def walk(key: str, value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(k, v)
        elif isinstance(value, list):
            for v in value:
                walk(key, v)
        elif key not in LOGINS:
            said = shown(event, key, value, whole=True, policies=names.policies, codes=names.codes)
            found.extend(f"{event.action} {key}：{part}" for part in re.split(r"[、，；：\s]+", said)
                         if part in codes_known)

    for key, value in (side or {}).items():
        walk(key, value)
    return found


def test_no_detail_of_the_demos_events_shows_a_code_as_stored(session, tmp_path, monkeypatch) -> None:
    """The page promises 状态按中文写出: no state, result, category, matter code or grouping of the demo's trail is
    shown as the code the record keeps (published, eligible, gazelle, smart_manufacturing, measure)."""
    from sqlalchemy import select

    from huiqi.audit.sentences import known
    from huiqi.config import get_settings
    from huiqi.demo.service import seed
    from huiqi.models import AuditEvent

    monkeypatch.setenv("HUIQI_MATERIALS_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        seed(session, password="demo password")
    finally:
        get_settings.cache_clear()
    events = [EventRead.model_validate(e, from_attributes=True) for e in session.scalars(select(AuditEvent))]
    codes_known, names = _codes_known(session), known(session, events)
    assert {"published", "eligible", "gazelle", "smart_manufacturing", "measure", "proposed"} <= codes_known
    assert {e.entity for e in events} >= {"whitelist", "recognition_list", "matter", "application", "offer"}
    raw = [said for e in events for side in (e.before, e.after) for said in _raw_codes(e, side, codes_known, names)]
    assert not raw, "shown as stored, not by its Chinese name: " + "、".join(sorted(set(raw)))


def _recorded_codes() -> set[tuple[str, str, str, str]]:
    """Every code the source writes as such into an audit event, with the kind of record and the action: the string
    constants of the before and after given to ``audit.record`` with a constant ``entity`` (a whitelist version's
    state discarded, an offer's declined), as (entity, action, field, code)."""
    import ast
    import re
    from pathlib import Path

    import huiqi

    found = set()
    for path in Path(huiqi.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            given = {k.arg: k.value for k in node.keywords}
            entity, action = given.get("entity"), given.get("action")
            if not (isinstance(entity, ast.Constant) and isinstance(action, ast.Constant)):
                continue
            for side in (given.get("before"), given.get("after")):
                for pair in ast.walk(side) if side is not None else ():
                    if isinstance(pair, ast.Dict):
                        found |= {(entity.value, action.value, k.value, v.value)
                                  for k, v in zip(pair.keys, pair.values, strict=True)
                                  if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)
                                  and isinstance(v.value, str) and re.fullmatch(r"[a-z][a-z_]*", v.value)}
    return found


def test_every_code_the_source_records_reads_by_the_name_of_its_kind_of_record() -> None:
    """A state recorded by the code (a whitelist version proposed, an offer declined, a policy version withdrawn)
    reads by the name the record's own pages give it, whatever states an application has."""
    from huiqi.audit.fields import states

    recorded = _recorded_codes()
    assert {("whitelist", "whitelist.discard", "state", "discarded"), ("offer", "offer.decline", "state", "declined"),
            ("policy_version", "policy.withdraw", "state", "withdrawn")} <= recorded, "read them all"
    raw = [f"{entity} {action} {key}：{code}" for entity, action, key, code in sorted(recorded)
           if shown(_event(action, entity, None, {}), key, code) == code]
    assert not raw, "recorded as a code the audit page shows as stored: " + "、".join(raw)
    wrong = [f"{entity}：{code}" for entity, _, key, code in recorded if key == "state" and code not in states(entity)]
    assert not wrong, "a state named by another kind of record's names: " + "、".join(wrong)


def test_each_kind_of_record_says_its_states_by_its_own_names() -> None:
    published = _event("whitelist.publish", "whitelist", {"state": "proposed"}, {"state": "published"})
    assert (readable(published, published.before), readable(published, published.after)) == ("状态：拟定稿",
                                                                                                "状态：已发布")
    declined = _event("offer.decline", "offer", {"state": "open"}, {"state": "declined", "reason": None})
    assert readable(declined, declined.before) == "状态：待接受"
    assert "状态：已放弃" in readable(declined, declined.after)
    proposed = _event("application.propose", "application", {"state": "department_review"}, {"state": "proposed"})
    assert readable(proposed, proposed.after) == "状态：已拟定金额", "an application's own"


def test_other_codes_read_by_their_chinese_names() -> None:
    judged = _event("application.policy_version", "application", None, {"status": "eligible"})
    assert readable(judged, judged.after) == "判断结果：符合"
    imported = _event("list.import", "recognition_list", None, {"code": "gazelle", "level": "provincial"})
    names = {"gazelle": "“瞪羚”企业（新备案）", "smart_manufacturing": "智能制造项目"}
    assert readable(imported, imported.after, codes=names) == "认定类别：“瞪羚”企业（新备案）；级别：省级"
    saved = _event("matter.save", "matter", None, {"codes": ["smart_manufacturing"]})
    assert readable(saved, saved.after, codes=names) == "事项类别：智能制造项目"
    started = _event("simulation.start", "simulation_job", None, {
        "by": ["measure", "region"], "drawn_for": [{"id": "ln-2022-35", "version": "44e3547175c5"}]})
    assert readable(started, started.after, {"ln-2022-35": "辽政办〔2022〕35号"}) == (
        "测算口径：按措施、按地区；合成样本所依据的政策：辽政办〔2022〕35号（版本 44e3547175c5）")
    alone = _event("simulation.start", "simulation_job", None, {"by": [], "drawn_for": None})
    assert readable(alone, alone.after) == "测算口径：不分组；合成样本所依据的政策：无"
    added = _event("round.add_measure", "round", None, {"mode": "direct"})
    rated = _event("rating.rate", "rating", None, {"level": 2})
    unlisted = _event("matter.unlisted", "matter", {"source": "imported"}, {"source": "declared"})
    assert (readable(added, added.after), readable(rated, rated.after)) == ("受理方式：免申即享", "级别：不满意")
    assert readable(unlisted, unlisted.before) == "来源：公布名单"
    assert readable(unlisted, unlisted.after) == "来源：企业填报"
