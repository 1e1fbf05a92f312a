"""One table of field labels in Chinese, for every form and every error that names a field.

A form's field, an API body's field and a fact of the rules are each named the same way everywhere;
a fact not listed here is named by the rules' own table of facts (``rules.facts.label``).
"""

import re
from collections.abc import Mapping

from huiqi.reference import divisions, industries
from huiqi.rules.facts import CHOICES, MONEY_FIELDS
from huiqi.rules.facts import label as fact_label

FIELD_LABELS: dict[str, str] = {
    # applications
    "amount_requested": "申请金额", "amount": "金额（万元）", "measure": "措施", "policy": "政策", "matter": "事项",
    "file": "材料文件", "kind": "材料类别", "agree": "申报承诺", "state": "状态", "round": "申报批次",
    # review, 公示, funding
    "reasons": "理由", "score": "评审得分", "starts_on": "公示开始日期", "working_days": "公示工作日数",
    "title": "公示标题", "application_ids": "申报", "application_id": "申报编号", "paid_on": "拨付日期",
    "reference": "凭证号", "year": "年度", "sheet": "拨付清单", "bank": "开户银行", "account": "银行账号",
    # people
    "username": "登录名", "display_name": "显示名称", "role": "角色", "password": "初始密码",
    "current_password": "当前密码", "new_password": "新密码", "confirm_password": "确认新密码",
    "uscc": "统一社会信用代码", "region": "所在市", "department": "责任单位", "active": "停用/启用",
    # subscriptions
    "email": "电子邮箱", "topic": "订阅内容", "value": "地区或行业代码",
    # 差评整改
    "text": "整改情况", "result": "复核结论",
    # 财政测算
    "population": "企业样本数据", "synthetic_applicants": "合成申请人数", "seed": "随机种子", "by": "分组",
    "per_applicant": "平均每个申请人的事项数", "job_id": "测算编号",
    "as_of": "判断日期", "reform": "改革方案", "reform_name": "改革方案名称", "reform_description": "改革方案说明",
    # 审计、好差评、白名单、地区
    "since": "起始日期", "until": "截止日期", "who": "操作人", "entity": "记录类别", "entity_id": "记录编号",
    "anchor": "审计锚点",
    "comment": "意见",
    "note": "说明", "reason": "理由", "district_field": "区县", "city_field": "地级市", "city": "城市",
    # 节假日日历、认定名单
    "source": "通知文号或标题", "lines": "日期清单", "code": "认定类别", "document": "发布文号",
    "published_on": "发布日期",
    # lists
    "q": "关键词", "page": "页码", "status": "状态",
    # the numbers and links in pages' addresses
    "version": "白名单版本", "number": "版本号", "subscription_id": "订阅编号", "message_id": "消息编号",
    "token": "订阅链接", "entry_id": "名单条目编号", "list_id": "认定名单编号", "rating_id": "评价编号",
    "offer_id": "政策直达编号", "round_id": "申报批次编号", "version_id": "政策版本编号", "material_id": "材料编号",
    "share_id": "分享链接", "reform_id": "改革方案编号", "step": "办理步骤",
    # an applicant's standing (the application guide's conditions) and its matters' own name for them
    "independent_legal_entity": "独立法人", "sound_accounts": "财务管理制度健全", "bad_credit": "有不良信用记录",
    "major_accident": "近三年发生重大安全、环保、质量事故", "key": "事项编号",
    # what a page sent back of what it showed (a budget, an account), for two people acting at once
    "seen": "页面显示的内容（请刷新页面后再试）", "seen_year": "页面显示的年度（请刷新页面后再试）",
    "seen_ceiling": "页面显示的可获支持上限（请刷新页面后再试）", "in_force": "页面显示的现行版本（请刷新页面后再试）",
}


def field_label(field: str) -> str:
    """The Chinese label of a field (a form's, a body's, or a fact path such as ``applicant.region``).

    >>> field_label("reasons"), field_label("applicant.region"), field_label("paid_on")
    ('理由', '注册地（行政区划代码）', '拨付日期')

    The calculator's fields are named for the facts they give (``applicant-name``, ``matters-3-investment``):
    >>> field_label("applicant-name"), field_label("matters-3-investment")
    ('单位名称', '事项4·投资额（万元）')
    """
    if (calculator := re.match(r"^(applicant|matters-(\d+))-(\w+)$", field)) and calculator.group(3) != "codes":
        fact = fact_label(calculator.group(3))  # money is typed there in 万元
        fact = fact.replace("（元）", "（万元）") if calculator.group(3) in MONEY_FIELDS else fact
        return f"事项{int(calculator.group(2)) + 1}·{fact}" if calculator.group(2) else fact
    return FIELD_LABELS.get(field) or fact_label(field)


class Problem(tuple[str, str]):
    """One error as people read it, (Chinese label, reason); ``field`` is the form field's name, which the
    error summary links to (``#f-<field>``) and beside which the reason is said."""

    field: str

    def __new__(cls, label: str, reason: str, field: str = "") -> "Problem":
        made = super().__new__(cls, (label, reason))
        made.field = field
        return made


class Refused(Problem):
    """A refusal that is no mistake in what was typed (the person may not take the step): a form says it as a
    refusal, not among the things to correct (``_errors.html``)."""

    refused = True


def labelled(problems: list[tuple[str, str]], own: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """Problems as people read them: each field by its Chinese label (and its name kept, for the links); a Problem
    is already so. ``own`` names fields as one form calls them, over any label they had.

    >>> [tuple(p) + (p.field,) for p in labelled([("amount", "应大于 0"), Problem("金额", "太大", "amount")],
    ...                                            own={"amount": "预算（万元）"})]
    [('预算（万元）', '应大于 0', 'amount'), ('预算（万元）', '太大', 'amount')]
    """
    said: list[tuple[str, str]] = []
    for problem in problems:
        field = problem.field if isinstance(problem, Problem) else problem[0]
        if own and field in own:
            said.append(Problem(own[field], problem[1], field))
        else:
            said.append(problem if isinstance(problem, Problem) else Problem(field_label(field), problem[1], field))
    return said


GROUPINGS = {"measure": "措施", "region": "地区", "year": "年份"}  # a simulation's groupings (--by, the form's boxes)
# Where a matter's facts come from, as an applicant's record names it: typed by the enterprise, a list published
# elsewhere, checked by a reviewer; a list withdrawn leaves it without one.
MATTER_SOURCES = {"declared": "企业填报", "imported": "公布名单", "verified": "已核实", "withdrawn": "名单已撤回"}


def grouping(by: list[str] | None) -> str:
    """A simulation's groupings for people: 措施、地区; 不分组 when none.

    >>> grouping(["measure", "region"]), grouping([])
    ('措施、地区', '不分组')
    """
    return "、".join(GROUPINGS.get(b, b) for b in by or []) or "不分组"


def measure_label(number: object, title: str | None = None) -> str:
    """A measure as people cite it: its number and its title (措施3 培育中小企业), the same in every list.

    >>> measure_label(3, "培育中小企业"), measure_label(7), measure_label(None)
    ('措施3 培育中小企业', '措施7', '措施')
    """
    head = f"措施{number}" if number is not None else "措施"
    return f"{head} {title}" if title else head


def place_label(code: str) -> str:
    """A region by its name and code: 沈阳市和平区（210102）."""
    return f"{divisions.place_name(code)}（{code}）"


def industry_label(code: str) -> str:
    """An industry class by its code and GB/T 4754 name: 6513 应用软件开发 (the code alone when unknown)."""
    row = industries.industries().get(code)
    return f"{code} {row['name']}" if row else code


DESCRIBING = ("build", "sector", "domain", "field", "platform", "institution")  # what a matter is, said in words


def matter_label(codes: list[str] | None, level: str | None = None, on: object = None,
                 facts: Mapping[str, object] | None = None) -> str:
    """A matter as people read it: its type's name, with its level and date (the key is for machines only); given
    its ``facts``, also what kind of project or institution it is (建设性质, 所属领域...), never its sums.

    >>> matter_label(["single_champion"], "national", "2025-06-01")
    '制造业单项冠军企业（新认定，国家级，2025-06-01）'
    >>> matter_label(["digital_leader"]), matter_label([])
    ('数字经济龙头企业', '事项')
    >>> matter_label(["component_manufacturing"], None, "2024-03-01", {"build": "new", "sector": "sensor",
    ...                                                                 "investment": 80_000_000})
    '电子元器件及设备项目（新建，传感类，2024-03-01）'
    """
    from huiqi.rules.case import known_codes

    names = known_codes()
    title = "、".join(names[c].label if c in names else c for c in codes or []) or "事项"
    kinds = [CHOICES[k].get(str(v), str(v)) for k in DESCRIBING if (v := (facts or {}).get(k)) not in (None, "")]
    details = "，".join(x for x in (CHOICES["level"].get(level or "", level), *kinds, str(on) if on else None) if x)
    if not details:
        return title
    return f"{title[:-1]}，{details}）" if title.endswith("）") else f"{title}（{details}）"


def policy_cited(policy_id: str | None, numbers: Mapping[str, str]) -> str:
    """A policy's document number where more than one policy is in force (``numbers``: each one's, by id), '' where
    one is: a measure number alone (措施1) names a different measure in each policy."""
    return numbers.get(policy_id or "", policy_id or "") if len(numbers) > 1 else ""


def measure_cited(measure: object, policy_id: str | None, numbers: Mapping[str, str]) -> str:
    """A measure as a message cites it: 措施N, after its policy's document number where more than one policy is in
    force (``numbers``: each one's, by id), since each policy has a measure N of its own.

    >>> measure_cited(5, "a", {"a": "辽政办〔2022〕35号"})
    '措施5'
    >>> measure_cited(5, "b", {"a": "辽政办〔2022〕35号", "b": "测试〔2024〕1号"})
    '测试〔2024〕1号措施5'
    """
    return f"{policy_cited(policy_id, numbers)}措施{measure}"


OUTWEIGHED_BY_OTHER_SUPPORT = "已获我省其他政策支持不低于本措施上限，不再重复支持"


def stacking_text(excluded_by: object, excluded_by_policy: str | None, policy: str | None,
                  numbers: Mapping[str, str]) -> str:
    """Why 从高不重复 sets a result aside, as people read it ('' when it does not). The measure kept is cited with
    its policy's document number when it is another policy's: a measure number alone would name the wrong one.

    >>> stacking_text(5, "a", "a", {}), stacking_text(None, None, "a", {})
    ('从高：由措施5支持', '')
    >>> stacking_text(5, "a", "b", {"a": "辽政办〔2022〕35号"})
    '从高：由辽政办〔2022〕35号措施5支持'
    >>> stacking_text("other_support", None, "demo", {})
    '已获我省其他政策支持不低于本措施上限，不再重复支持'
    """
    if excluded_by is None:
        return ""
    if excluded_by == "other_support":
        return OUTWEIGHED_BY_OTHER_SUPPORT
    elsewhere = excluded_by_policy is not None and excluded_by_policy != policy
    where = numbers.get(excluded_by_policy, excluded_by_policy) if elsewhere and excluded_by_policy else ""
    return f"从高：由{where}措施{excluded_by}支持"
