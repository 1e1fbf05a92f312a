"""Inputs: the facts a population gives (DOMAIN.md, Interchange), as OpenFisca variables.

They are made from short tables rather than written out one class each, and registered by
``CountryTaxBenefitSystem``; the formulas live in ``variables/``. A fact that may be missing has
a ``<name>_known`` flag next to it; an enumerated one has an ``unknown`` member instead.
"""

from datetime import date as Date

from openfisca_core.indexed_enums import Enum
from openfisca_core.variables import Variable

from openfisca_huiqi.base import PERIOD, Money
from openfisca_huiqi.entities import Applicant, Matter

TOP100 = ("top100_electronic", "top100_software", "top100_internet")

# Every code a monetary rule reaches or an honours-held condition reads.
CODES = [
    "establishment", "global_500", "top100_electronic", "top100_software", "top100_internet", "gazelle", "unicorn",
    "srdi_sme", "little_giant", "single_champion", "spin_off", "component_manufacturing", "bigdata_pilot",
    "iiot_app_demo", "first_version_software", "national_digital_commerce", "national_ecommerce_demo",
    "ecommerce_innovation", "chain_introduction", "digital_leader", "ic_base", "software_city", "software_park",
    "new_industrialization_base", "smart_manufacturing", "industrial_internet", "digital_benchmark",
    "national_platform", "provincial_platform_excellent", "key_tech", "standard_lead", "itss", "dcmm",
    "iiot_standard",
]

# Enumerated fields: ``unknown`` (missing) first, then the choices, then ``other`` for anything else.
class Level(Enum):
    unknown = "未知"
    international = "国际"
    national = "国家级"
    industry = "行业"
    provincial = "省级"
    other = "其他"


class Institution(Enum):
    unknown = "未知"
    headquarters = "总部"
    regional_headquarters = "区域总部"
    rnd_center = "研发中心"
    technology_center = "技术中心"
    procurement_center = "采购中心"
    settlement_center = "结算中心"
    other_function = "其他功能性机构"
    other = "其他"


class Size(Enum):
    unknown = "未知"
    large = "大型"
    medium = "中型"
    small = "小型"
    micro = "微型"
    other = "其他"


class Build(Enum):
    unknown = "未知"
    new = "新建"
    expansion = "增资扩产"
    other = "其他"


class Sector(Enum):
    unknown = "未知"
    ic_equipment = "集成电路装备"
    key_components = "关键零部件"
    circuit = "电路类"
    connector = "连接类"
    electromechanical = "机电类"
    sensor = "传感类"
    optical_communication = "光通信"
    functional_material = "功能材料"
    other = "其他信息技术产业及配套产业"  # a valid choice in huiqi too (the list ends in 等); nothing else reaches it


class Domain(Enum):
    unknown = "未知"
    transport = "交通"
    energy = "能源"
    livelihood = "民生"
    environment = "环境"
    city = "城市"
    other = "其他"


def _input(name: str, value_type: type, label: str, entity=Matter, base: type[Variable] = Variable,
           **extra) -> type[Variable]:
    return type(name, (base,), {
        "value_type": value_type, "entity": entity, "definition_period": PERIOD, "label": label, **extra,
    })


def _with_known(name: str, value_type: type, label: str, entity=Matter, base=Variable, **extra) -> list:
    known = _input(f"{name}_known", bool, f"{label}已知", entity)
    return [_input(name, value_type, label, entity, base, **extra), known]


def _enum(name: str, values: type[Enum], label: str) -> type[Variable]:
    return _input(name, Enum, label, possible_values=values, default_value=values.unknown)


VARIABLES = [
    *_with_known("kind", str, "单位类型", Applicant, max_length=12),
    *_with_known("region", str, "注册地（GB/T 2260 代码或 shenfu）", Applicant, max_length=12),
    *_with_known("industry", str, "所属行业（GB/T 4754-2017 小类）", Applicant, max_length=8),
    *_with_known("digital_core_confirmed", bool, "确认属于数字经济核心产业", Applicant),
    *[_input(f"code_{code}", bool, f"事项代码含 {code}") for code in CODES],
    *_with_known("date", Date, "认定、备案、设立或批准日期"),
    _enum("level", Level, "级别"),
    _enum("institution", Institution, "功能性机构类型"),
    *_with_known("institution_confirmed", bool, "确认为功能性机构（其他功能性机构）"),
    *_with_known("group_core", bool, "所属集团属于数字经济核心产业"),
    *_with_known("parent_industry", str, "剥离前母公司所属行业（GB/T 4754-2017）", max_length=8),
    _enum("parent_size", Size, "剥离前母公司规模"),
    _enum("build", Build, "建设性质"),
    _enum("sector", Sector, "所属领域"),
    _enum("domain", Domain, "应用领域"),
    *_with_known("digital_field", bool, "属于数字经济领域"),
    *_with_known("listed", bool, "列入科技赋能数字经济发展计划"),
    *_with_known("investment", int, "投资额（元）", base=Money),
    *_with_known("actual_investment", int, "实际投资额（元）", base=Money),
    *_with_known("other_support", int, "已获我省其他政策支持（元）", base=Money),
]
