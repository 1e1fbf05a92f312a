"""The monetary measures: per matter, a status and a ceiling for each measure.

``m<N>_status`` is -1 when the matter's codes do not reach measure N, else the best status among
the measure's rules that it reaches (0 ineligible, 1 undetermined, 2 eligible). ``m<N>_ceiling``
is the ceiling of that best rule in whole yuan (-1 when the text names no figure, or when a
formula's base is missing). Every rule also needs ``general`` (in Liaoning, date in the window).
A formula whose base is missing makes an otherwise eligible result undetermined.
"""

import numpy as np
from openfisca_core.variables import Variable

from openfisca_huiqi.base import (
    PERIOD,
    UNSPECIFIED,
    Money,
    U,
    best_status,
    both,
    division,
    either,
    one_of,
    rate_ceiling,
    reached,
    tri,
)
from openfisca_huiqi.entities import Matter
from openfisca_huiqi.inputs import TOP100, Build, Domain, Institution, Level, Sector, Size


def _base_missing(status: np.ndarray, known: np.ndarray) -> np.ndarray:
    return np.where(known, status, np.minimum(status, U))


class m1_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施1 发展总部经济：世界500强中核心产业企业或百强企业来辽设立总部、功能性机构"

    def formula(matter, period):
        listed = one_of(matter("institution", period), *[m for m in Institution if m.name not in
                                                          ("unknown", "other_function", "other")])
        confirmed = tri(matter("institution_confirmed", period), matter("institution_confirmed_known", period))
        institution = either(listed, both(one_of(matter("institution", period), Institution.other_function),
                                          confirmed))
        # 世界500强中数字经济核心产业企业 describes the group (group_core), not the applicant.
        holder = either(matter("holds_global_500", period), matter("holds_top100", period))
        status = both(matter("general", period), institution, holder)
        return best_status((reached(matter, period, "establishment"), status))


class m1_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施1 上限（元）"

    def formula(matter, period, parameters):
        return parameters(period).m1.cap


class m2_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施2 壮大骨干企业：首次进入百强；数字经济核心产业新备案的省级瞪羚、独角兽"

    def formula(matter, period):
        general = matter("general", period)
        first = both(general, matter("first_top100_entry", period))
        filed = both(general, one_of(matter("level", period), Level.provincial), matter("applicant_core", period))
        return best_status((reached(matter, period, *TOP100), first),
                           (reached(matter, period, "gazelle", "unicorn"), filed))


class m2_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施2 上限（元，每项）"

    def formula(matter, period, parameters):
        return parameters(period).m2.cap


class m3_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施3 培育中小企业：新认定的核心产业国家级和省级专精特新、小巨人、单项冠军"

    def formula(matter, period):
        status = both(matter("general", period), one_of(matter("level", period), Level.national, Level.provincial),
                      matter("applicant_core", period))
        return best_status((reached(matter, period, "srdi_sme", "little_giant", "single_champion"), status))


class m3_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施3 上限（元，每项）"

    def formula(matter, period, parameters):
        return parameters(period).m3.cap


class m4_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施4 制造业大中型企业剥离成立的软件和信息技术服务企业"

    def formula(matter, period):
        number, readable = division(matter("parent_industry", period), matter("parent_industry_known", period))
        manufacturing = tri((number >= 13) & (number <= 43), readable)
        status = both(matter("general", period), manufacturing,
                      one_of(matter("parent_size", period), Size.large, Size.medium),
                      matter.applicant("software_industry", period))
        return best_status((reached(matter, period, "spin_off"), status))


class m4_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施4 上限（元）：按营业收入的比例由实施细则规定，上限即为限额"

    def formula(matter, period, parameters):
        return parameters(period).m4.cap


class m5_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施5 电子元器件及设备新建、增资扩产项目"

    def formula(matter, period):
        sectors = [m for m in Sector if m.name not in ("unknown", "other")]
        sector = matter("sector", period)
        other = both(one_of(sector, Sector.other), matter.applicant("in_components_group", period))
        status = both(matter("general", period), one_of(matter("build", period), Build.new, Build.expansion),
                      either(one_of(sector, *sectors), other))
        return best_status((reached(matter, period, "component_manufacturing"), status))


class m5_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施5 上限（元，单个项目）"

    def formula(matter, period, parameters):
        return parameters(period).m5.cap


class m6_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施6 大数据试点示范、工业互联网APP示范、软件首版次应用项目"

    def formula(matter, period):
        codes = ("bigdata_pilot", "iiot_app_demo", "first_version_software")
        return best_status((reached(matter, period, *codes), matter("general", period)))


class m6_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施6 上限（元，单个项目）"

    def formula(matter, period, parameters):
        return parameters(period).m6.cap


def _m7_project(matter, period):
    """Measure 7's project rule: reached, status."""
    status = both(matter("general", period), matter("holds_ecommerce_title", period))
    return (reached(matter, period, "ecommerce_innovation"),
            _base_missing(status, matter("actual_investment_known", period)))


class m7_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施7 获评国家数字商务企业、国家电子商务示范企业；其新技术、新模式应用项目"

    def formula(matter, period):
        title = reached(matter, period, "national_digital_commerce", "national_ecommerce_demo")
        return best_status((title, matter("general", period)), _m7_project(matter, period))


class m7_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施7 上限（元）：获评奖励未定金额；应用项目 min(500万元, 30% × 实际投资额)"

    def formula(matter, period, parameters):
        p = parameters(period).m7
        project, status = _m7_project(matter, period)
        amount = rate_ceiling(p.cap, p.rate_percent, matter("actual_investment", period),
                              matter("actual_investment_known", period))
        # The award rule names no figure, so the project rule wins whenever its status is the best.
        return np.where(project & (status == matter("m7_status", period)), amount, UNSPECIFIED)


class m8_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施8 数字经济龙头企业引进超亿元项目"

    def formula(matter, period, parameters):
        known = matter("investment_known", period)
        big = tri(matter("investment", period) >= parameters(period).m8.min_investment, known)
        status = both(matter("general", period), matter("holds_digital_leader", period), big)
        return best_status((reached(matter, period, "chain_introduction"), _base_missing(status, known)))


class m8_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施8 上限（元）：min(1000万元, 5% × 投资额)"

    def formula(matter, period, parameters):
        p = parameters(period).m8
        return rate_ceiling(p.cap, p.rate_percent, matter("investment", period), matter("investment_known", period))


class m9_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施9 国家和省新认定的集成电路基地、软件名城、软件产业园区；国家新型工业化产业示范基地"

    def formula(matter, period):
        general = both(matter("general", period), matter.applicant("park_or_city", period))
        recognised = both(general, one_of(matter("level", period), Level.national, Level.provincial))
        return best_status((reached(matter, period, "ic_base", "software_city", "software_park"), recognised),
                           (reached(matter, period, "new_industrialization_base"), general))


class m9_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施9 上限（元）"

    def formula(matter, period, parameters):
        return parameters(period).m9.cap


class m11_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施11 智能制造、工业互联网项目；交通、能源、民生、环境、城市领域数字技术标杆示范项目"

    def formula(matter, period):
        general = matter("general", period)
        known = matter("investment_known", period)
        domains = [m for m in Domain if m.name not in ("unknown", "other")]
        benchmark = both(general, one_of(matter("domain", period), *domains))
        return best_status(
            (reached(matter, period, "smart_manufacturing", "industrial_internet"), _base_missing(general, known)),
            (reached(matter, period, "digital_benchmark"), _base_missing(benchmark, known)),
        )


class m11_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施11 上限（元，单个项目）：min(1000万元, 30% × 投资额)"

    def formula(matter, period, parameters):
        p = parameters(period).m11
        return rate_ceiling(p.cap, p.rate_percent, matter("investment", period), matter("investment_known", period))


class m12_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施12 数字经济领域新批准设立或优化整合的国家级创新平台；评估优秀的省级创新平台"

    def formula(matter, period):
        status = both(matter("general", period),
                      tri(matter("digital_field", period), matter("digital_field_known", period)))
        return best_status((reached(matter, period, "national_platform", "provincial_platform_excellent"), status))


class m12_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施12 上限：条文未定金额（资金支持）"

    def formula(matter, period):
        return UNSPECIFIED


class m13_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施13 列入科技赋能数字经济发展计划的关键技术攻关项目"

    def formula(matter, period):
        status = both(matter("general", period), tri(matter("listed", period), matter("listed_known", period)))
        return best_status((reached(matter, period, "key_tech"), status))


class m13_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施13 上限（元，单个项目）"

    def formula(matter, period, parameters):
        return parameters(period).m13.cap


class m14_status(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施14 牵头起草标准；通过国家ITSS、DCMM、工业互联网标准认定"

    def formula(matter, period):
        general = matter("general", period)
        levels = one_of(matter("level", period), Level.international, Level.national, Level.industry,
                        Level.provincial)
        return best_status((reached(matter, period, "standard_lead"), both(general, levels)),
                           (reached(matter, period, "itss", "dcmm", "iiot_standard"), general))


class m14_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "措施14 上限（元）"

    def formula(matter, period, parameters):
        return parameters(period).m14.cap
