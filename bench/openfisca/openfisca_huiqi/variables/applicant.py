"""The derived facts of an applicant: in Liaoning, core industry, software industry."""

import csv
from pathlib import Path

import numpy as np
from openfisca_core.variables import Variable

from openfisca_huiqi.base import PERIOD, F, T, U, division, tri
from openfisca_huiqi.entities import Applicant

# The NBS core-industry table that huiqi reads (categories 01-04 of 数字经济及其核心产业统计分类（2021）):
# a GB/T 4754 class is partly core when any of its rows is marked partial.
CORE_CSV = Path(__file__).resolve().parents[4] / "src/huiqi/reference/data/digital_core_industries.csv"


def _core_classes(group: str = "") -> tuple[list[bytes], list[bytes]]:
    """The GB/T classes of the table (or of its 中类 ``group``): wholly in, and partly in (marked *)."""
    with CORE_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    partial: dict[str, bool] = {}
    for row in rows:
        cls = row["gbt4754_class"]
        partial[cls] = partial.get(cls, False) or row["partial"] == "true"
    listed = {row["gbt4754_class"] for row in rows if row["nbs_code"].startswith(group)}
    return ([c.encode() for c, p in partial.items() if not p and c in listed],
            [c.encode() for c, p in partial.items() if p and c in listed])


FULL, PARTIAL = _core_classes()
COMPONENTS_FULL, COMPONENTS_PARTIAL = _core_classes("0105")  # 中类0105 电子元器件及设备制造 (measure 5's title)


def _in_table(applicant, period, full: list[bytes], partial: list[bytes]) -> np.ndarray:
    code = applicant("industry", period)
    confirmed = tri(applicant("digital_core_confirmed", period), applicant("digital_core_confirmed_known", period))
    status = np.select([np.isin(code, full), np.isin(code, partial)], [T, confirmed], F)
    return np.where(applicant("industry_known", period), status, U)


class in_liaoning(Variable):
    value_type = int
    entity = Applicant
    definition_period = PERIOD
    label = "在辽宁省注册（14个地级市及所辖县级区划，或沈抚示范区）"

    def formula(applicant, period):
        code = applicant("region", period)
        inside = (code == b"shenfu") | np.char.startswith(code, b"21")
        return tri(inside, applicant("region_known", period))


class core(Variable):
    value_type = int
    entity = Applicant
    definition_period = PERIOD
    label = "属于数字经济核心产业"

    def formula(applicant, period):
        return _in_table(applicant, period, FULL, PARTIAL)


class in_components_group(Variable):
    value_type = int
    entity = Applicant
    definition_period = PERIOD
    label = "所属行业属于核心产业统计分类中类0105 电子元器件及设备制造"

    def formula(applicant, period):
        return _in_table(applicant, period, COMPONENTS_FULL, COMPONENTS_PARTIAL)


class park_or_city(Variable):
    value_type = int
    entity = Applicant
    definition_period = PERIOD
    label = "申报单位为产业园区或城市等主体"

    def formula(applicant, period):
        kind = applicant("kind", period)
        return tri((kind == b"park") | (kind == b"city"), applicant("kind_known", period))


class software_industry(Variable):
    value_type = int
    entity = Applicant
    definition_period = PERIOD
    label = "属于软件和信息技术服务业（GB/T 4754 大类65）"

    def formula(applicant, period):
        number, readable = division(applicant("industry", period), applicant("industry_known", period))
        return tri(number == 65, readable)
