"""Audit events as sentences people read: who (by name and the unit they held then), when (the Chinese date it was
recorded), what they did, to which record (with its link), and the amount in 万元 —
省财政厅经办人 于 2025年9月22日 批准 申报 #16，金额 80 万元.

The date after 于 is always the day the event was recorded (Beijing time), the day the page's time column shows and
its date filter reads; a business day the event names that differs from it (a step's 业务日, a payment's 付款日期, a
whitelist's 发布日期) is said beside it, under its own name. So the events of one step share one date.

The event itself (its JSON before and after) stays what the chain hashes; this is only how a page says it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from huiqi.audit.fields import changes, named
from huiqi.audit.schemas import EventRead
from huiqi.money import wan
from huiqi.reference.divisions import place_name
from huiqi.users import trail
from huiqi.users.names import name_of, people_then
from huiqi.validation import beijing
from huiqi.workflow.states import STATES

ENTITIES = {"application": "申报", "applicant": "申报单位", "matter": "事项", "announcement": "公示", "budget": "预算",
            "user": "用户", "api_token": "令牌", "whitelist": "白名单版本", "whitelist_entry": "白名单条目",
            "policy": "政策版本", "policy_version": "政策版本", "round": "申报批次", "offer": "政策直达",
            "recognition_list": "认定名单", "rating": "评价", "calendar": "节假日日历", "material": "材料",
            "simulation_job": "财政测算", "saved_reform": "改革方案", "department": "责任单位"}

VERBS = {
    "application.create": "新建", "application.amount_requested": "修改申请金额", "application.submit": "提交",
    "application.policy_version": "按现行政策判断", "application.confirm": "二次确认（免申即享）",
    "application.route_city": "转市级初审", "application.route_department": "转责任单位审核",
    "application.pass_city": "初审通过", "application.return": "退回补正", "application.reject": "不予支持",
    "application.score": "录入评审得分", "application.amount_proposed": "拟定金额", "application.propose": "完成拟定",
    "application.amend": "更正拟定金额",
    "application.announce": "列入公示", "application.object": "因公示异议退回审核", "application.approve": "批准",
    "application.approved_amount": "核定批准金额", "application.disburse": "拨付",
    "application.disbursed": "登记拨付", "application.withdraw": "撤回", "application.payee": "确认收款账户",
    "application.payee_change": "变更收款账户", "application.declare": "作出申报承诺",
    "applicant.profile": "更新单位信息", "growth.figures": "填报成长数据", "matter.save": "保存事项",
    "matter.delete": "删除事项", "matter.verify": "核实事项", "matter.listed": "依据认定名单确认",
    "matter.unlisted": "因认定名单撤回恢复为企业填报", "material.add": "上传材料",
    "material.remove": "撤下材料", "budget.set": "设定预算", "budget.draw": "动用预算",
    "announcement.open": "发布公示", "user.create": "创建用户", "user.role": "变更角色", "user.disable": "停用",
    "user.enable": "启用", "user.password": "修改密码", "user.password_reset": "重置密码", "token.issue": "签发令牌",
    "token.revoke": "吊销令牌", "whitelist.propose": "拟定白名单", "whitelist.publish": "发布白名单",
    "whitelist.exclude": "移出白名单", "whitelist.restore": "恢复列入白名单", "whitelist.discard": "作废白名单草稿",
    "policy.draft": "保存政策草稿", "policy.edit": "修改政策草稿",
    "policy.publish": "发布政策版本", "policy.withdraw": "撤回政策版本", "round.open": "开设申报批次",
    "round.closing": "设定截止日期", "round.close": "关闭申报批次", "round.extend": "延长申报截止日期",
    "round.correct": "修改申报批次信息", "round.add_measure": "申报批次增加措施",
    "round.reschedule": "修改申报批次受理日期和材料",
    "list.import": "导入认定名单", "list.withdraw": "撤回认定名单", "list.match_again": "重新匹配认定名单",
    "offer.make": "产生政策直达",
    "offer.accept": "接受政策直达", "offer.decline": "放弃政策直达", "offer.ceiling": "重算政策直达上限",
    "matter.other_support": "登记已获其他省级政策支持",
    "simulation.start": "开始财政测算", "reform.save": "保存改革方案",
    "reform.delete": "删除改革方案", "reform.rename": "修改改革方案名称",
    "offer.confirm": "确认免申即享", "offer.set_aside": "不予确认免申即享", "offer.withdraw": "撤回政策直达",
    "rating.rate": "评价", "rating.rectify": "生成整改事项", "rating.answer": "答复差评", "rating.recheck": "申请复核",
    "rating.conclude": "作出复核结论", "calendar.enter": "登记节假日", "subscription.confirm": "确认订阅",
    "department.objection_contact": "设定异议受理联系方式",
}
# The amount an event is about, most telling first (all whole yuan).
AMOUNTS = ("amount_approved", "amount", "amount_proposed", "amount_requested", "committed", "ceiling")
# The page of each kind of record, at the record itself (a 公示 and a whitelist version: ``link_of``).
LINKS = {"application": "/review/{}", "round": "/rounds#round-{}", "policy_version": "/admin/policies#version-{}",
         "recognition_list": "/admin/lists#list-{}"}
# The events that set an amount, by the key of the amount they set: said with the amount before (由 … 改为 …).
SETS = {"budget.set": "amount", "application.amount_requested": "amount_requested",
        "application.amount_proposed": "amount_proposed", "offer.ceiling": "ceiling"}
# The business days events name, by how the trail says them (a whitelist's own day only for its publication: a
# recognition list's import carries the day the list was published elsewhere, which is not the import's day).
BUSINESS_DAYS = (("on", "业务日"), ("paid_on", "付款日期"))
PUBLISHED_ON = ("published_on", "发布日期")


@dataclass(frozen=True)
class Known:
    """What the sentences of a list of events look up once: each actor as they were when the event was recorded
    ((login, moment) → name), the policies' document numbers, the whitelist entries named (id → version id,
    version number, enterprise), the responsible units by id, and the accounts events recorded without their names
    (id → login, display name now), and the policy versions withdrawn by events that did not record their number (id
    → document number, version; None when the row is gone); the matter codes by name (a matter's codes, a list's
    category); the page of the public list of 公示 that shows each batch, and each whitelist version's id by its
    number (the links)."""

    people: Mapping[tuple[str, datetime], str] = field(default_factory=dict)
    policies: Mapping[str, str] = field(default_factory=dict)
    entries: Mapping[int, tuple[int, int, str]] = field(default_factory=dict)
    units: Mapping[int, str] = field(default_factory=dict)
    accounts: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    versions: Mapping[int, tuple[str, str] | None] = field(default_factory=dict)  # id → number, version; None: gone
    codes: Mapping[str, str] = field(default_factory=dict)
    batches: Mapping[int, int] = field(default_factory=dict)  # a 公示's id → the page of the public list showing it
    whitelists: Mapping[int, int] = field(default_factory=dict)  # a whitelist version's number → its id


@dataclass(frozen=True)
class Sentence:
    who: str
    on: str  # the day the event was recorded (Beijing time)
    verb: str
    what: str
    link: str
    amount: str | None = None
    more: str | None = None
    amount_label: str = "金额"  # 上限 when the amount is a ceiling the rules gave
    day: str | None = None  # the business day the event names, under its name, when it is not the day recorded
    was: str | None = None  # the amount before, when the event set it anew (万元)

    @property
    def when(self) -> str:
        """2026年12月4日, or 2026年12月4日（业务日 2025年9月3日）."""
        return f"{self.on}（{self.day}）" if self.day else self.on

    @property
    def figure(self) -> str:
        """，金额 800 万元, or ，金额由 1234 万元改为 800 万元 when it was set before; "" without an amount."""
        if not self.amount:
            return ""
        if self.was is not None:
            return f"，{self.amount_label}由 {self.was} 万元改为 {self.amount} 万元"
        return f"，{self.amount_label} {self.amount} 万元"

    @property
    def text(self) -> str:
        tail = self.figure + (f"；{self.more}" if self.more else "")
        return f"{self.who} 于 {self.when} {self.verb} {self.what}{tail}"


def chinese_date(value: date | datetime) -> str:
    """A day as people write it.

    >>> chinese_date(date(2026, 12, 4)), chinese_date(datetime(2026, 12, 3, 17, 0))
    ('2026年12月4日', '2026年12月4日')
    """
    if isinstance(value, datetime):
        value = beijing(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def _business_day(event: EventRead) -> str | None:
    """The business day the event names (a step's ``on``, a payment's ``paid_on``, a whitelist's or a policy version's
    ``published_on``),
    under its name, when it is not the day the event was recorded."""
    after = event.after or {}
    keys = BUSINESS_DAYS + ((PUBLISHED_ON,) if event.action in ("whitelist.publish", "policy.publish") else ())
    for key, label in keys:
        if isinstance(after.get(key), str):
            try:
                day = date.fromisoformat(after[key])
            except ValueError:
                continue
            return None if day == beijing(event.at).date() else f"{label} {chinese_date(day)}"
    return None


def amount_of(event: EventRead) -> int | None:
    """The amount (whole yuan) the event is about, if any: for a draw on a budget, what it drew (the committed sum
    after less before), not the running total."""
    after = event.after or {}
    if event.action == "budget.draw":
        now, was = after.get("committed"), (event.before or {}).get("committed")
        drawn = now - was if _whole(now) and _whole(was) else None
        return drawn if drawn is not None and drawn > 0 else None
    for key in AMOUNTS:
        value = after.get(key)
        if _whole(value) and value > 0:
            return value
    return None


def _set(event: EventRead) -> tuple[int | None, int | None]:
    """The amount an event set and the one before it (None when none was set), for the events that set one."""
    key = SETS.get(event.action)
    now = (event.after or {}).get(key) if key else None
    if not _whole(now):
        return None, None
    was = (event.before or {}).get(key)
    return now, was if _whole(was) else None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _more(event: EventRead) -> str | None:
    """What else a reader needs: the reasons, the new state or role, the region, an amount withdrawn, a budget's
    running total."""
    after, before, parts = event.after or {}, event.before or {}, []
    if event.action == "application.amount_proposed" and after.get("amount_proposed") is None and _whole(
            before.get("amount_proposed")):
        parts.append(f"拟定金额 {wan(before['amount_proposed'])} 万元已撤销")
    if event.action == "budget.draw" and _whole(after.get("committed")):
        if _whole(after.get("application")):
            parts.append(f"用于申报 #{after['application']}")
        was = before.get("committed")
        parts.append(f"已动用合计由 {wan(was)} 万元增至 {wan(after['committed'])} 万元" if _whole(was)
                     else f"已动用合计 {wan(after['committed'])} 万元")
    if isinstance(after.get("region"), str) and event.entity != "user":  # a user's: with their role (``_user``)
        parts.append(f"所在地：{place_name(after['region'])}")
    if isinstance(after.get("state"), str) and event.entity == "application" and event.action not in (
            "application.create",):
        now = STATES.get(after["state"], after["state"])
        was = before.get("state")
        parts.append(f"状态由 {STATES.get(was, was)} 改为 {now}" if isinstance(was, str) and was != after["state"]
                     else f"状态：{now}")
    if event.action in ("application.payee", "application.payee_change"):
        if event.action == "application.payee_change":
            parts.append(f"由 {_payee(before)} 改为 {_payee(after)}")
        else:
            parts.append(f"收款账户：{_payee(after)}")
    parts += changes(event)
    for key in ("reasons", "reason"):  # steps say reasons; an exclusion, a withdrawal and a decline say reason
        if isinstance(after.get(key), str) and after[key].strip():
            parts.append(f"理由：{after[key]}")
    if event.action == "reform.rename" and isinstance(before.get("name"), str) and isinstance(after.get("name"), str):
        parts.append(f"由“{before['name']}”改为“{after['name']}”")
    if event.action == "matter.other_support" and isinstance(now := after.get("other_support"), int):
        said = (event.before or {}).get("other_support")
        was = f" {wan(said)} 万元" if isinstance(said, int) else "未登记"
        parts.append(f"已获其他省级政策支持由{was}改为 {wan(now)} 万元")
    if event.action == "offer.make" and _whole(after.get("again")):
        parts.append(f"接续因信息修改撤回的政策直达 #{after['again']}")
    if event.action == "department.objection_contact":
        parts += [f"{label}：{after.get(key) or '（空）'}" for key, label in (("phone", "电话"), ("address", "地址"),
                                                                          ("mail", "邮箱"))]
    if isinstance(after.get("expert_score"), int | float):
        was = before.get("expert_score")
        parts.append(f"得分由 {was} 改为 {after['expert_score']}" if isinstance(was, int | float)
                     and was != after["expert_score"] else f"得分 {after['expert_score']}")
    return "，".join(parts) or None


def _payee(said: dict) -> str:
    """An account as the trail keeps it: its bank and the last four digits."""
    account = str(said.get("account") or "")
    return f"{said.get('bank') or ''} 尾号 {account[-4:]}".strip()


def _what(event: EventRead, known: Known) -> str:
    """The record, as people cite it (a budget by its year, measure and the policy's document number; a whitelist
    entry by its version and enterprise)."""
    kind = ENTITIES.get(event.entity, event.entity)
    year, _, rest = event.entity_id.partition("/")
    policy, _, measure = rest.rpartition("/")
    if event.entity == "budget" and year.isdigit() and measure.isdigit():
        return f"{year}年度措施{measure}（{known.policies.get(policy, policy)}）预算"
    if event.entity == "whitelist_entry" and (entry := _entry(event, known)) is not None:
        return f"白名单版本 #{entry[1]} 的条目 #{event.entity_id}（{entry[2]}）"
    if event.entity == "user":
        return trail.account(event.after or event.before, event.entity_id, known.accounts)
    return f"{kind} #{event.entity_id}" if event.entity_id.isdigit() else f"{kind} {event.entity_id}"


def _entry(event: EventRead, known: Known) -> tuple[int, int, str] | None:
    """A whitelist entry's version id, version number and enterprise: as the event says them, else as stored."""
    after = event.after or {}
    if _whole(after.get("version")) and isinstance(after.get("name"), str) and _whole(after.get("version_id")):
        return after["version_id"], after["version"], after["name"]
    return known.entries.get(int(event.entity_id)) if event.entity_id.isdigit() else None


def link_of(event: EventRead, known: Known | None = None) -> str:
    """The record the event is about, on its page (a 公示 on the page of the public list that shows it, a whitelist
    version on its own page); the audit trail of that record when it has no page, or its page is not known."""
    from urllib.parse import urlencode

    known = known or Known()
    key = int(event.entity_id) if event.entity_id.isascii() and event.entity_id.isdigit() else None
    if event.entity == "whitelist_entry" and (entry := _entry(event, known)) is not None:
        return f"/admin/whitelist/{entry[0]}#entry-{event.entity_id}"
    if event.entity == "whitelist" and key in known.whitelists:
        return f"/admin/whitelist/{known.whitelists[key]}"
    if event.entity == "announcement" and key in known.batches:
        page = known.batches[key]
        return f"/announcements{f'?page={page}' if page > 1 else ''}#batch-{key}"
    if event.entity in LINKS and key is not None:
        return LINKS[event.entity].format(key)
    return "/audit?" + urlencode({"entity": event.entity, "entity_id": event.entity_id})


def sentence(event: EventRead, names: Mapping[str, str] | Known, policies: Mapping[str, str] | None = None) -> Sentence:
    """One event as a sentence; ``names`` from ``known`` (or login name → the person as people read them),
    ``policies`` (a policy's id → its document number) when ``names`` is not already ``Known``."""
    known = names if isinstance(names, Known) else Known(policies=policies or {})
    now = {} if isinstance(names, Known) else names
    who = known.people.get((event.actor, event.at)) or name_of(event.actor, now)
    verb, amount = VERBS.get(event.action, event.action), amount_of(event)
    verb, more = _user(event, known) or (verb, _more(event))
    set_to, was = _set(event)
    if set_to is not None:  # an amount set anew: said even when 0, with what it was
        amount, was = set_to, was if was != set_to else None
    ceiling = amount is not None and (event.after or {}).get("ceiling") == amount and not any(
        (event.after or {}).get(k) == amount for k in AMOUNTS if k != "ceiling")
    return Sentence(who=who, on=chinese_date(event.at), verb=verb, what=_what(event, known),
                    link=link_of(event, known), amount=wan(amount) if amount is not None else None,
                    more="；".join(p for p in ("，".join(named(event, known.policies) + _unnumbered(event, known)),
                                                 more) if p) or None,
                    amount_label="上限" if ceiling else "金额", day=_business_day(event),
                    was=wan(was) if was is not None else None)


def _unnumbered(event: EventRead, known: Known) -> list[str]:
    """A withdrawal of a policy version recorded before the trail held its number (2026-12-17): the number and
    version as the version's row holds them, said to be looked up; the version by its id alone when the row is
    gone; nothing when it was not looked up."""
    key = int(event.entity_id) if event.entity_id.isdigit() else None
    if event.action != "policy.withdraw" or isinstance((event.after or {}).get("number"), str) or \
            key not in known.versions:
        return []
    held = known.versions[key]
    if held is None:
        return [f"本事件未记载文号，政策版本 #{event.entity_id} 的记录已不存在"]
    return [f"{held[0]}，版本 {held[1]}（文号与版本按政策版本 #{event.entity_id} 的记录，本事件未记载）"]


def _user(event: EventRead, known: Known) -> tuple[str, str | None] | None:
    """A user's creation or change of role as the trail says it: the role with what it is bound to, and a change of
    binding alone named as what it is (变更所属单位); None for other events."""
    after = event.after or {}
    if event.action == "user.create" and isinstance(after.get("role"), str):
        return VERBS[event.action], f"角色：{trail.role_of(after, known.units)}"
    if event.action == "user.role" and isinstance(after.get("role"), str):
        verb, more = trail.role_change(event.before, after, known.units)
        return verb or VERBS[event.action], more
    return None


def known(session: Session, events: list[EventRead]) -> Known:
    """What the sentences of ``events`` name, looked up once: each actor as they were at their event (the unit
    they held then), the policies' numbers, the whitelist entries."""
    from huiqi.announcements import repository as announcements
    from huiqi.catalogue import service as catalogue  # the catalogue records audit events: imported late
    from huiqi.departments import repository as departments
    from huiqi.public.pages import BATCHES_PER_PAGE
    from huiqi.users.repository import accounts
    from huiqi.whitelist import repository as whitelist

    then = people_then(session, {(e.actor, e.at) for e in events})
    entries = [int(e.entity_id) for e in events if e.entity == "whitelist_entry" and e.entity_id.isdigit()]
    users = [e for e in events if e.entity == "user"]
    unnamed = {int(e.entity_id) for e in users if e.entity_id.isdigit()
               and not isinstance((e.after or e.before or {}).get("display_name"), str)}
    units = {d.id: d.name for d in departments.all_departments(session)} if users else {}
    unnumbered = [int(e.entity_id) for e in events if e.action == "policy.withdraw" and e.entity_id.isdigit()
                  and not isinstance((e.after or {}).get("number"), str)]
    return Known(people=then, policies=catalogue.numbers(session), entries=whitelist.entries_named(session, entries),
                 units=units, accounts=accounts(session, unnamed), versions=_versions(session, unnumbered),
                 codes={code: info.label for code, info in catalogue.codes(session).items()},
                 batches={key: i // BATCHES_PER_PAGE + 1 for i, key in enumerate(announcements.public_order(session))}
                 if any(e.entity == "announcement" for e in events) else {},
                 whitelists=whitelist.ids_of(session, sorted({int(e.entity_id) for e in events
                                                              if e.entity == "whitelist" and e.entity_id.isdigit()})))


def _versions(session: Session, ids: list[int]) -> dict[int, tuple[str, str] | None]:
    """The policy versions ``ids`` by number and version, None for each no longer stored."""
    from huiqi.catalogue.repository import numbered

    held = numbered(session, ids)
    return {key: held.get(key) for key in ids}


def cited(event: EventRead, policies: Mapping[str, str]) -> str:
    """What an event did to which record, in the page's words (设定预算 2026年度措施3（辽政办〔2022〕35号）预算): for a
    message about the event itself, such as the chain's check that finds it changed."""
    return f"{VERBS.get(event.action, event.action)} {_what(event, Known(policies=policies))}"


def sentences(session: Session, events: list[EventRead]) -> list[Sentence]:
    found = known(session, events)
    return [sentence(e, found) for e in events]
