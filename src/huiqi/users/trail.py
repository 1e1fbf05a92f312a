"""Events about users as the audit trail says them: the account by the login and display name the event recorded
(names change; the trail says who it was then), and a change of what a user is bound to named as what it is —
所属单位由 省科技厅 改为 省工业和信息化厅 — not as a change of role."""

from collections.abc import Mapping

from huiqi.reference.divisions import place_name
from huiqi.users.roles import ROLE_LABELS, Role

# What each role is bound by, as the trail names it (the event's key, its name in a sentence, the verb of a change).
BINDINGS = {Role.ENTERPRISE: ("uscc", "统一社会信用代码", "变更绑定的统一社会信用代码"),
            Role.CITY: ("region", "所在市", "变更所在市"),
            Role.DEPARTMENT: ("department_id", "所属单位", "变更所属单位")}


def account(said: Mapping[str, object] | None, entity_id: str, now: Mapping[str, tuple[str, str]]) -> str:
    """The account an event is about: ``用户 bob（大连数据（企业用户））`` with the names the event recorded; an event
    from before names were recorded, with the names held now (``now``: id → login, display name); else its number.

    >>> account({"username": "bob", "display_name": "大连数据"}, "5", {})
    '用户 bob（大连数据）'
    >>> account({"role": "city"}, "5", {"5": ("dalian", "大连市审核员")}), account(None, "5", {})
    ('用户 dalian（大连市审核员）', '用户 #5')
    """
    said = said or {}
    login, shown = said.get("username"), said.get("display_name")
    held = now.get(entity_id)
    if not isinstance(login, str):
        login, shown = held if held else (None, None)
    elif not isinstance(shown, str) and held and held[0] == login:
        shown = held[1]
    if not login:
        return f"用户 #{entity_id}"
    return f"用户 {login}（{shown}）" if isinstance(shown, str) and shown and shown != login else f"用户 {login}"


def bound_to(said: Mapping[str, object], units: Mapping[int, str]) -> str | None:
    """What the user was bound to, as people read it (a city, a unit by name, a credit code)."""
    key = BINDINGS.get(str(said.get("role")), ("", "", ""))[0]
    value = said.get(key) if key else None
    if value is None or value == "":
        return None
    if key == "region":
        return place_name(str(value))
    if key == "department_id":
        return units.get(value, f"责任单位 #{value}") if isinstance(value, int) else str(value)
    return str(value)


def role_of(said: Mapping[str, object], units: Mapping[int, str]) -> str:
    """A role with its binding: 市级初审人员（沈阳市）.

    >>> role_of({"role": "department", "department_id": 3}, {3: "省科技厅"}), role_of({"role": "finance"}, {})
    ('责任单位审核人员（省科技厅）', '财政人员')
    """
    role = str(said.get("role"))
    label = ROLE_LABELS.get(role, role)
    binding = bound_to(said, units)
    return f"{label}（{binding}）" if binding else label


def role_change(before: Mapping[str, object] | None, after: Mapping[str, object],
                units: Mapping[int, str]) -> tuple[str | None, str]:
    """A ``user.role`` event's verb (None: the trail's own, 变更角色) and what it changed: the role, or, the role
    kept, only the binding — named as what it is.

    >>> role_change({"role": "department", "department_id": 3}, {"role": "department", "department_id": 4},
    ...             {3: "省科技厅", 4: "省工业和信息化厅"})
    ('变更所属单位', '所属单位由 省科技厅 改为 省工业和信息化厅')
    >>> role_change({"role": "city", "region": "210100"}, {"role": "finance"}, {})
    (None, '角色由 市级初审人员（沈阳市） 改为 财政人员')
    """
    if not before or not isinstance(before.get("role"), str):
        return None, f"新角色：{role_of(after, units)}"
    if before.get("role") != after.get("role"):
        return None, f"角色由 {role_of(before, units)} 改为 {role_of(after, units)}"
    _, name, verb = BINDINGS.get(str(after.get("role")), ("", "", ""))
    was, now = bound_to(before, units), bound_to(after, units)
    if name and was != now:
        return verb, f"{name}由 {was or '（未绑定）'} 改为 {now or '（未绑定）'}"
    return "保存角色与绑定", f"未作变更（仍为{role_of(after, units)}）"
