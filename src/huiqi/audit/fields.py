"""What an audit event's before and after say, as people read them: each field by its Chinese label, money in 万元,
days as Chinese dates, states by the names the record's own pages give them (an application's, a policy version's,
a whitelist version's, an offer's), every other code of a known enumeration by its Chinese name; what changed
(由 … 改为 …); and what the record an event is about was called when it was recorded (a round's title and
dates, a policy version's document number, a material's file).

Only what the event itself holds is read: the trail is written at the time, and today's tables may name things
otherwise. Where an event does not hold a name (older events) and one is looked up, the sentence says so.
"""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from huiqi.audit.schemas import EventRead
from huiqi.money import wan
from huiqi.workflow.states import STATES

MONEY = frozenset({"amount", "committed", "amount_requested", "amount_proposed", "amount_approved", "ceiling",
                   "other_support", "revenue", "revenue_prior", "rnd_spending", "profit", "ceilings_before",
                   "ceilings_after", "ceiling_before_deduction", "granted_elsewhere", "investment",
                   "actual_investment"})
LABELS = {
    "amount": "金额", "committed": "已动用合计", "amount_requested": "申请金额", "amount_proposed": "拟定金额",
    "amount_approved": "批准金额", "ceiling": "上限", "ceiling_before_deduction": "扣减前上限",
    "other_support": "已获其他省级政策支持", "granted_elsewhere": "已获批准的其他金额", "id": "编号",
    "state": "状态", "on": "业务日", "reasons": "理由", "reason": "理由", "policy": "政策", "number": "政策文号",
    "measure": "措施", "measures": "措施", "round": "申报批次", "matter": "事项", "offer": "政策直达",
    "application": "申报", "applications": "申报", "title": "名称", "opens_on": "开始日期", "closes_on": "截止日期",
    "cancelled": "已取消", "guide": "办事指南", "contact": "咨询电话", "mode": "受理方式", "materials": "材料",
    "filename": "文件名", "kind": "材料名称", "type": "文件类型", "size": "文件大小（字节）", "sha256": "文件摘要",
    "material": "材料编号", "version": "版本", "digest": "文本摘要", "file": "文件", "published_on": "发布日期",
    "applicants": "涉及单位数", "ceilings_before": "发布前上限合计", "ceilings_after": "发布后上限合计",
    "in_force": "此前现行版本", "bank": "开户银行", "account": "账号", "expert_score": "评审得分",
    "paid_on": "付款日期", "reference": "凭证号", "announcement": "公示", "starts_on": "公示开始日期",
    "ends_on": "公示截止日期", "working_days": "公示工作日数", "level": "级别", "answer": "答复", "unit": "单位",
    "result": "结论", "source": "来源", "holidays": "节假日天数", "workdays": "调休上班天数",
    "holiday_days": "放假日", "workday_days": "调休上班日", "years": "所替换的年度安排", "cancelled_on": "取消日期",
    "required": "必须提交", "formats": "格式",
    "recounted_ratings": "重算的评价数", "code": "认定类别", "document": "文件", "rows": "行数",
    "applicants_created": "新建单位数", "existing": "已有单位数", "matters": "事项数",
    "still_listed": "仍在名单中的事项数", "matched": "已匹配行数",
    "declared_again": "恢复为企业填报的事项数", "uscc": "统一社会信用代码", "name": "名称", "included": "列入",
    "version_id": "白名单版本编号", "listed": "条目数", "as_of": "截至日期", "considered": "审查单位数",
    "passed_over": "未列入单位数", "edition": "公开版", "entries": "列入条目数", "revoked": "已吊销", "user": "用户",
    "role": "角色", "region": "所在地", "department_id": "责任单位编号", "active": "启用", "username": "登录名",
    "display_name": "姓名", "must_change_password": "须修改密码", "changed_by": "修改人", "description": "说明",
    "changes": "改动", "by": "测算口径", "year": "年度", "declaration": "承诺内容", "budget": "预算",
    "status": "判断结果", "list": "认定名单", "facts": "事项内容", "codes": "事项类别", "date": "日期",
    "rnd_spending": "研发投入", "profit": "利润总额", "employees": "从业人数", "revenue": "本年营业收入",
    "revenue_prior": "上年营业收入", "list_digest": "名单摘要", "list_listed": "名单条目数",
    "list_included": "名单列入数", "basis": "依据", "reform": "改革方案", "drawn_for": "合成样本所依据的政策",
    "basis_policy": "依据政策", "basis_number": "依据政策文号", "basis_version": "依据政策版本",
    "basis_measure": "依据措施",
    "succeeds": "接续的政策",
    "again": "接续的政策直达", "job_id": "测算任务编号", "user_id": "用户编号", "key": "事项编号", "payee": "收款账户",
    }
# Keys whose meaning depends on the event: an approval's budget is the budget's number, a measure's its amount.
IDS = {"application.approved_amount": {"budget"}}
# What an event changes besides its amount, by action: the fields said as 由 … 改为 … (the user's own are said
# by the user's sentences).
CHANGED = {
    "application.policy_version": ("version",), "round.extend": ("closes_on",), "round.close": ("closes_on",),
    "round.reschedule": ("opens_on", "closes_on", "materials"),
    "round.correct": ("title", "guide", "contact"), "policy.edit": ("policy", "version"),
    "policy.withdraw": ("state",),
    "reform.save": ("name", "description"), "growth.figures": ("revenue", "rnd_spending", "profit", "employees"),
}
LONGEST = 40  # characters of a text said in a sentence; the export gives it whole


def label(key: str, entity: str = "") -> str | None:
    """A field's Chinese label (an applicant's profile by the profile form's labels, a matter's facts by the rules'
    names, its codes by the form's 事项类别, as their names are said); None when it has none."""
    from huiqi.audit.replay_records import PROFILE_LABELS  # the replay's labels of the profile
    from huiqi.rules.facts import FACTS, STRUCTURE_LABELS

    if entity == "applicant" and key in PROFILE_LABELS:
        return PROFILE_LABELS[key]
    fact = FACTS[key].label.removesuffix("（元）") if key in FACTS else None  # its money is said in 万元
    if entity == "matter" and key != "codes" and (fact or key in STRUCTURE_LABELS):
        return fact or STRUCTURE_LABELS[key]
    return LABELS.get(key) or PROFILE_LABELS.get(key) or fact


def _label(key: str, event: EventRead) -> str:
    """A field's Chinese label; the key itself if it has none."""
    return label(key, event.entity) or key


def shown(event: EventRead, key: str, value: Any, *, whole: bool = False, policies: Mapping[str, str] = {},
          codes: Mapping[str, str] = {}) -> str:
    """One value of the event as people read it: money in 万元, a day as a Chinese date, a code of a known enumeration
    by its Chinese name (a state by the names of the event's kind of record, a matter code or a list's category by
    ``codes``), a policy by its document number (``policies``)."""
    if key == "policy" and isinstance(value, str) and value in policies:
        return policies[value]
    if value is None:
        return "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "level" and event.entity == "rating" and isinstance(value, int):
        from huiqi.ratings.service import LEVELS  # the ratings record audit events: imported late

        return LEVELS.get(value, str(value))
    if key in MONEY and isinstance(value, int) and key not in IDS.get(event.action, ()):
        return f"{wan(value)} 万元"
    if key == "budget" and isinstance(value, int) and event.action == "round.add_measure":
        return f"{wan(value)} 万元"
    if key == "drawn_for" and isinstance(value, dict) and isinstance(value.get("id"), str):
        version = f"（版本 {value['version']}）" if isinstance(value.get("version"), str) else ""
        return f"{policies.get(value['id'], value['id'])}{version}"
    if isinstance(value, str) and (said := _choice(event, key, value, codes)):
        return said
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return _day(value)
    if isinstance(value, list):
        listed = "、".join(shown(event, key, v, whole=whole, policies=policies, codes=codes) for v in value)
        return listed or ("不分组" if key == "by" else "无")
    if isinstance(value, dict):
        return "，".join(f"{_label(k, event)}：{shown(event, k, v, whole=whole, policies=policies, codes=codes)}"
                        for k, v in value.items()) or "无"
    text = str(value)
    return text if whole or len(text) <= LONGEST else text[:LONGEST] + "…"


def states(entity: str) -> Mapping[str, str]:
    """The names of the states of a kind of record, as its own pages give them (a whitelist version 拟定稿, 已发布);
    none for a kind that has no states."""
    # these rooms record audit events: imported late
    from huiqi.catalogue.service import STATE_LABELS as POLICY_STATES
    from huiqi.offers.service import STATE_LABELS as OFFER_STATES
    from huiqi.whitelist.schemas import STATE_LABELS as WHITELIST_STATES

    return {"application": STATES, "policy_version": POLICY_STATES, "whitelist": WHITELIST_STATES,
            "offer": OFFER_STATES}.get(entity, {})


def _choice(event: EventRead, key: str, value: str, codes: Mapping[str, str]) -> str | None:
    """A code of a known enumeration by its Chinese name (a state by the event's kind of record's names, a matter's
    所属领域 传感类, a city by its name, a matter code or a list's category by ``codes``); None otherwise."""
    from huiqi.labels import GROUPINGS, MATTER_SOURCES
    from huiqi.reference.divisions import place_name
    from huiqi.rounds.opening import MODES
    from huiqi.rules.answer import STATUS_LABELS
    from huiqi.rules.facts import CHOICES
    from huiqi.users.roles import ROLE_LABELS

    if key == "region":
        return place_name(value)
    if key == "state":
        return states(event.entity).get(value)
    if key in ("code", "codes"):
        return codes.get(value)
    if key == "by":
        return f"按{GROUPINGS[value]}" if value in GROUPINGS else None
    if key == "source" and event.entity == "matter":
        return MATTER_SOURCES.get(value)
    named = {"status": STATUS_LABELS, "mode": MODES, "role": ROLE_LABELS}.get(key)
    return named.get(value) if named is not None else CHOICES.get(key, {}).get(value)


def _chinese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def rows(event: EventRead, side: Mapping[str, Any] | None, policies: Mapping[str, str] = {},
         codes: Mapping[str, str] = {}) -> list[tuple[str, str]]:
    """A before or an after as a table reads it: each field's label beside its value, every value whole, money in
    万元 (``policies``: each policy's document number; ``codes``: each matter code's name)."""
    return [(_label(k, event), shown(event, k, v, whole=True, policies=policies, codes=codes))
            for k, v in (side or {}).items()]


def readable(event: EventRead, side: Mapping[str, Any] | None, policies: Mapping[str, str] = {},
             codes: Mapping[str, str] = {}) -> str | None:
    """A before or an after as a cell reads it: 标签：值；…, every value whole (``policies``: each policy's document
    number; ``codes``: each matter code's name)."""
    if side is None:
        return None
    return "；".join(f"{label}：{value}" for label, value in rows(event, side, policies, codes)) or "无"


def changes(event: EventRead) -> list[str]:
    """What the event changed besides its amount, each as 名称由 甲 改为 乙 (only the fields its before states)."""
    before, after = event.before or {}, event.after or {}
    keys: tuple[str, ...] = CHANGED.get(event.action, ())
    if event.action == "applicant.profile":
        from huiqi.audit.replay_records import PROFILE_LABELS

        keys = tuple(PROFILE_LABELS)
    return [f"{_label(k, event)}由 {shown(event, k, before[k])} 改为 {shown(event, k, after[k])}"
            for k in keys if k in before and k in after and before[k] != after[k]]


def _day(value: str) -> str:
    try:
        return _chinese(date.fromisoformat(value))
    except ValueError:
        return value


def _days(after: Mapping[str, Any], first: str, last: str) -> str | None:
    if isinstance(after.get(first), str) and isinstance(after.get(last), str):
        return f"{_day(after[first])}至{_day(after[last])}"
    return None


def _policy(after: Mapping[str, Any], policies: Mapping[str, str]) -> str | None:
    """The policy by the document number the event records; else by the catalogue's, said to be looked up."""
    if isinstance(after.get("number"), str):
        return after["number"]
    if isinstance(after.get("policy"), str):
        number = policies.get(after["policy"])
        return f"{number}（文号按现行政策目录，本事件未记载）" if number else \
            f"政策 {after['policy']}（本事件未记载文号）"
    return None


def _round_open(event: EventRead, policies: Mapping[str, str]) -> list[str]:
    after = event.after or {}
    parts = [f"「{after['title']}」"] if isinstance(after.get("title"), str) else []
    parts += [p for p in (_policy(after, policies),) if p]
    if isinstance(after.get("measures"), list) and after["measures"]:
        parts.append("、".join(f"措施{m}" for m in after["measures"]))
    if days := _days(after, "opens_on", "closes_on"):
        parts.append(f"受理期 {days}")
    return parts


def _material(side: Mapping[str, Any]) -> list[str]:
    parts = [f"材料“{side['kind']}”"] if isinstance(side.get("kind"), str) and side["kind"] else []
    return parts + ([f"文件 {side['filename']}"] if isinstance(side.get("filename"), str) else [])


def _policy_version(event: EventRead, policies: Mapping[str, str]) -> list[str]:
    after, before = event.after or {}, event.before or {}
    parts = [p for p in (_policy(after, policies),) if p]
    if isinstance(after.get("file"), str):
        parts.append(f"文件 {after['file']}")
    if isinstance(after.get("version"), str) and event.action != "policy.edit":
        parts.append(f"版本 {after['version']}")
    if isinstance(after.get("succeeds"), str):
        parts.append(f"接续{policies.get(after['succeeds'], after['succeeds'])}")
    if event.action == "policy.publish" and before.get("in_force") is not None:
        was = f"（版本 {before['version']}）" if isinstance(before.get("version"), str) else ""
        parts.append(f"取代政策版本 #{before['in_force']}{was}")
    return parts


def _announcement(event: EventRead, policies: Mapping[str, str]) -> list[str]:
    after = event.after or {}
    parts = [f"「{after['title']}」"] if isinstance(after.get("title"), str) else []
    if days := _days(after, "starts_on", "ends_on"):
        parts.append(f"公示期 {days}")
    if isinstance(after.get("applications"), list):
        parts.append(f"{len(after['applications'])} 项申报")
    return parts


def _add_measure(event: EventRead, policies: Mapping[str, str]) -> list[str]:
    after = event.after or {}
    parts = [f"措施{after['measure']}"] if after.get("measure") is not None else []
    if isinstance(after.get("budget"), int):
        parts.append(f"预算 {wan(after['budget'])} 万元")
    return parts


def _round_close(event: EventRead, policies: Mapping[str, str]) -> list[str]:
    return ["已取消"] if (event.after or {}).get("cancelled") is True else []


NAMED: dict[str, Callable[[EventRead, Mapping[str, str]], list[str]]] = {
    "round.open": _round_open, "round.add_measure": _add_measure, "round.close": _round_close,
    "policy.draft": _policy_version, "policy.edit": _policy_version, "policy.publish": _policy_version,
    "policy.withdraw": _policy_version,
    "material.add": lambda event, _: _material(event.after or {}),
    "material.remove": lambda event, _: _material(event.before or {}),
    "announcement.open": _announcement,
}


def named(event: EventRead, policies: Mapping[str, str]) -> list[str]:
    """What the record was called when the event was recorded, as the event holds it (``policies``: each policy's
    document number in today's catalogue, for an event that does not hold it)."""
    said = NAMED.get(event.action)
    return said(event, policies) if said is not None else []
