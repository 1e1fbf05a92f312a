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


def _core_classes() -> tuple[list[bytes], list[bytes]]:
    partial: dict[str, bool] = {}
    with CORE_CSV.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cls = row["gbt4754_class"]
            partial[cls] = partial.get(cls, False) or row["partial"] == "true"
    return ([c.encode() for c, p in partial.items() if not p], [c.encode() for c, p in partial.items() if p])


FULL, PARTIAL = _core_classes()


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
        code = applicant("industry", period)
        confirmed = tri(applicant("digital_core_confirmed", period), applicant("digital_core_confirmed_known", period))
        status = np.select([np.isin(code, FULL), np.isin(code, PARTIAL)], [T, confirmed], F)
        return np.where(applicant("industry_known", period), status, U)


class software_industry(Variable):
    value_type = int
    entity = Applicant
    definition_period = PERIOD
    label = "属于软件和信息技术服务业（GB/T 4754 大类65）"

    def formula(applicant, period):
        number, readable = division(applicant("industry", period), applicant("industry_known", period))
        return tri(number == 65, readable)
