"""The conditions shared by several rules: the general ones, and those that read other matters.

"Holds an honour dated on or before" (measures 1, 7, 8) and "first entry" (measure 2) look at the
applicant's other matters: an aggregation over the members of the applicant group (the earliest
dated matter carrying the codes, how many carry them, how many of those are undated), projected
back onto each matter.
"""

import numpy as np
from openfisca_core.variables import Variable

from openfisca_huiqi.base import PERIOD, F, T, U, both, either, reached, tri
from openfisca_huiqi.entities import Matter
from openfisca_huiqi.inputs import TOP100


def _days(matter, period) -> np.ndarray:
    return matter("date", period).astype("datetime64[D]").astype(np.int64)


def _carriers(matter, period, carrier: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per matter, over its applicant's matters that carry the codes: earliest date (inf if none dated),
    how many there are, how many are undated."""
    dated = matter("date_known", period)
    first = matter.applicant.min(np.where(carrier & dated, _days(matter, period), np.inf))
    count = matter.applicant.sum(carrier)
    undated = matter.applicant.sum(carrier & ~dated)
    return first, count, undated


def holds_before(matter, period, *codes: str) -> np.ndarray:
    """The applicant holds one of ``codes`` dated on or before this matter's date."""
    return _holds(matter, period, reached(matter, period, *codes))


def _holds(matter, period, carrier: np.ndarray) -> np.ndarray:
    first, count, undated = _carriers(matter, period, carrier)
    dated = matter("date_known", period)
    on_or_before = first <= _days(matter, period)
    return np.select(
        [~dated, on_or_before, undated > 0],
        [np.where(count > 0, U, F), T, U],
        F,
    )


class in_window(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "事项日期在政策有效期内（2022-07-23 至 2025-12-31，两端都算）"

    def formula(matter, period, parameters):
        window = parameters(period).window
        day = matter("date", period)
        inside = (np.datetime64(window.start) <= day) & (day <= np.datetime64(window.end))
        return tri(inside, matter("date_known", period))


class general(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "每条资金规则的一般条件：在辽宁省注册，且事项日期在有效期内"

    def formula(matter, period):
        return both(matter.applicant("in_liaoning", period), matter("in_window", period))


class applicant_core(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "申报单位属于数字经济核心产业"

    def formula(matter, period):
        return matter.applicant("core", period)


class holds_global_500(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "所属集团在设立之日或之前为世界500强，且集团主业属于数字经济核心产业"

    def formula(matter, period):
        # Each Global 500 honour counts as (its date <= this date) and its group_core: honours whose
        # group_core is true decide; those where it is unknown can only leave the answer unknown.
        carrier = reached(matter, period, "global_500")
        known = matter("group_core_known", period)
        core = _holds(matter, period, carrier & known & matter("group_core", period))
        unknown = _holds(matter, period, carrier & ~known)
        return either(core, np.minimum(unknown, U))


class holds_top100(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "所属集团在设立之日或之前为全国电子信息、软件或互联网百强"

    def formula(matter, period):
        return holds_before(matter, period, *TOP100)


class holds_ecommerce_title(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "在项目日期之日或之前已获评国家数字商务企业或国家电子商务示范企业"

    def formula(matter, period):
        return holds_before(matter, period, "national_digital_commerce", "national_ecommerce_demo")


class holds_digital_leader(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "在项目日期之日或之前已列入省数字经济龙头企业名单"

    def formula(matter, period):
        return holds_before(matter, period, "digital_leader")


class first_top100_entry(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "首次进入该百强榜：同一榜单此前没有更早的上榜记录"

    def formula(matter, period):
        dated = matter("date_known", period)
        days = _days(matter, period)
        parts = []
        for code in TOP100:
            has = matter(f"code_{code}", period)
            first, count, undated = _carriers(matter, period, has)
            parts.append(np.select(
                [~has, ~dated, first < days, undated > 0],
                [F, np.where(count > 1, U, T), F, U],
                T,
            ))
        return either(*parts)
