"""The facts a case can state, their types and Chinese names (DOMAIN.md, "Interchange").

Expressions in policy files may name any fact here; the checker uses the types and choices.
"""

from dataclasses import dataclass

# Choices of the enumerated fields, each with its Chinese label.
CHOICES: dict[str, dict[str, str]] = {
    "kind": {
        "enterprise": "企业", "university": "高校", "institute": "科研院所",
        "association": "行业协会、产业联盟等", "park": "园区", "city": "市（地区）",
    },
    "size": {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"},
    "type": {"honour": "荣誉、认定", "project": "项目、设立"},
    "level": {"international": "国际", "national": "国家级", "industry": "行业", "provincial": "省级"},
    "field": {"industrial_internet": "工业互联网", "big_data": "大数据", "cloud_computing": "云计算"},
    "platform": {
        "key_lab": "重点实验室", "technology_innovation_center": "技术创新中心",
        "engineering_research_center": "工程研究中心", "industry_innovation_center": "产业创新中心",
        "enterprise_technology_center": "企业技术中心",
        "manufacturing_innovation_center": "制造业创新中心",
        "digital_transformation_center": "数字化转型促进中心",
    },
    "institution": {
        "headquarters": "总部", "regional_headquarters": "区域总部", "rnd_center": "研发中心",
        "technology_center": "技术中心", "procurement_center": "采购中心",
        "settlement_center": "结算中心", "other_function": "其他功能性机构",
    },
    "parent_size": {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"},
    "build": {"new": "新建", "expansion": "增资扩产"},
    "sector": {
        "ic_equipment": "集成电路装备", "key_components": "关键零部件", "circuit": "电路类",
        "connector": "连接类", "electromechanical": "机电类", "sensor": "传感类",
        "optical_communication": "光通信", "functional_material": "功能材料",
        "other": "其他信息技术产业及配套产业",
    },
    "domain": {
        "transport": "交通", "energy": "能源", "livelihood": "民生", "environment": "环境",
        "city": "城市",
    },
}


@dataclass(frozen=True)
class Fact:
    """A fact: where it lives, its type in expressions, and its name for people."""

    name: str
    owner: str  # applicant | matter | derived
    type: str  # bool | int | date | str
    label: str

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The allowed values of an enumerated fact."""
        values = CHOICES.get(self.name)
        return tuple(values) if values else None


_DEFINITIONS = [
    ("applicant", "uscc", "str", "统一社会信用代码"),
    ("applicant", "name", "str", "单位名称"),
    ("applicant", "kind", "str", "单位类型"),
    ("applicant", "region", "str", "注册地（行政区划代码）"),
    ("applicant", "industry", "str", "所属行业（GB/T 4754-2017 小类）"),
    ("applicant", "digital_core_confirmed", "bool", "确认属于数字经济核心产业"),
    ("applicant", "size", "str", "企业规模"),
    ("applicant", "above_scale", "bool", "规模以上企业"),
    ("applicant", "established", "date", "成立日期"),
    ("applicant", "revenue", "int", "本年营业收入（元）"),
    ("applicant", "revenue_prior", "int", "上年营业收入（元）"),
    ("matter", "date", "date", "认定、备案、设立或批准日期"),
    ("matter", "level", "str", "级别"),
    ("matter", "field", "str", "示范基地领域"),
    ("matter", "platform", "str", "创新平台类型"),
    ("matter", "digital_field", "bool", "属于数字经济领域"),
    ("matter", "institution", "str", "功能性机构类型"),
    ("matter", "institution_confirmed", "bool", "确认为功能性机构（其他功能性机构）"),
    ("matter", "group_core", "bool", "所属集团属于数字经济核心产业"),
    ("matter", "parent_industry", "str", "剥离前母公司所属行业（GB/T 4754-2017）"),
    ("matter", "parent_size", "str", "剥离前母公司规模"),
    ("matter", "build", "str", "建设性质"),
    ("matter", "sector", "str", "所属领域"),
    ("matter", "domain", "str", "应用领域"),
    ("matter", "investment", "int", "投资额（元）"),
    ("matter", "actual_investment", "int", "实际投资额（元）"),
    ("matter", "listed", "bool", "列入科技赋能数字经济发展计划"),
    ("matter", "other_support", "int", "已获我省其他政策支持（元）"),
    ("derived", "core", "bool", "属于数字经济核心产业"),
    ("derived", "in_liaoning", "bool", "在辽宁省注册"),
]

FACTS: dict[str, Fact] = {name: Fact(name, owner, typ, label) for owner, name, typ, label in _DEFINITIONS}
APPLICANT_FIELDS = [f.name for f in FACTS.values() if f.owner == "applicant"]
MATTER_FIELDS = [f.name for f in FACTS.values() if f.owner == "matter"]
MONEY_FIELDS = frozenset({"revenue", "revenue_prior", "investment", "actual_investment", "other_support"})

# What a derived fact needs, so an unknown one names the facts to supply.
DERIVED_INPUTS = {"core": ("industry", "digital_core_confirmed"), "in_liaoning": ("region",)}


def label(name: str) -> str:
    """The Chinese name of a fact (or of a matter field path such as ``p1.investment``)."""
    field = name.rsplit(".", 1)[-1]
    fact = FACTS.get(field)
    return fact.label if fact else STRUCTURE_LABELS.get(field, name)


# A matter's own fields, beside its facts.
STRUCTURE_LABELS = {"id": "事项编号", "type": "事项类型", "codes": "事项代码"}
