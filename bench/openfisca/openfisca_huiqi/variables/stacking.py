"""No stacking (从高不重复): per matter, support once, under the single highest ceiling.

Only eligible results compete. An unspecified ceiling ranks below any amount; on equal ceilings
the lower measure number is kept. Support already received for the matter under another
provincial policy (``other_support`` X > 0) is topped up (差额补足): the winner is picked on the
ceilings before the deduction, a kept ceiling at or below X (or unspecified) gives nothing, and a
grant's ceiling is the kept one less X.
"""

import numpy as np
from openfisca_core.variables import Variable

from openfisca_huiqi.base import PERIOD, UNSPECIFIED, Money, T
from openfisca_huiqi.entities import Matter

MEASURES = (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14)
NONE = 0


class kept_measure(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "不重复支持时保留的措施（0 表示没有符合条件的措施）"

    def formula(matter, period):
        kept = np.full(matter.count, NONE, dtype=np.int32)
        best = np.full(matter.count, UNSPECIFIED - 1, dtype=np.int64)  # below an unspecified ceiling
        for number in MEASURES:  # ascending, so a tie keeps the lower number
            ceiling = matter(f"m{number}_ceiling", period)
            better = (matter(f"m{number}_status", period) == T) & (ceiling > best)
            kept = np.where(better, number, kept)
            best = np.where(better, ceiling, best)
        return kept


class kept_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "保留措施的上限（元；-1 为未定金额）"

    def formula(matter, period):
        kept = matter("kept_measure", period)
        return np.select([kept == n for n in MEASURES], [matter(f"m{n}_ceiling", period) for n in MEASURES],
                         UNSPECIFIED)


class blocked_by_other_support(Variable):
    value_type = bool
    entity = Matter
    definition_period = PERIOD
    label = "已获其他政策支持不低于本政策上限（或本政策上限未定），本政策不再支持"

    def formula(matter, period):
        support = np.where(matter("other_support_known", period), matter("other_support", period), 0)
        ceiling = matter("kept_ceiling", period)
        return (support > 0) & ((ceiling == UNSPECIFIED) | (ceiling <= support))


class grant_measure(Variable):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "给予支持的措施（0 表示不予支持）"

    def formula(matter, period):
        return np.where(matter("blocked_by_other_support", period), NONE, matter("kept_measure", period))


class grant_ceiling(Money):
    value_type = int
    entity = Matter
    definition_period = PERIOD
    label = "给予支持的上限（元，已扣除已获我省其他政策支持；-1 为未定金额或不予支持）"

    def formula(matter, period):
        granted = matter("grant_measure", period) != NONE
        support = np.where(matter("other_support_known", period), matter("other_support", period), 0)
        ceiling = matter("kept_ceiling", period)
        after = np.where(ceiling == UNSPECIFIED, UNSPECIFIED, ceiling - support)
        return np.where(granted, after, UNSPECIFIED)
