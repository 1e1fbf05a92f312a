"""Why a matter matched again was offered nothing, as the officer who imported its list reads it, row by row: the
rules' answer for it (its region outside the measure's scope, its date outside the measure's window, another condition
not met, facts missing, its enterprise not registered on the platform), or what stood in the way of an offer the rules
support (no round taking the measure that day, no amount named, an offer or application already there, an answer
already given, support received elsewhere)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from huiqi.labels import measure_cited
from huiqi.reference import divisions
from huiqi.rules.answer import Answer, Result
from huiqi.rules.facts import label as fact_label
from huiqi.rules.match import STATUS_RANK

# The kinds of "no offer", as a list's summary groups its rows (``MatterListing.outcome``).
NOT_OFFERED = {
    "unregistered": "单位尚未在平台注册、信息不全", "undetermined": "单位信息不全，暂不能判断",
    "outside": "注册地不在措施适用范围", "window": "认定日期不在措施施行期内", "ineligible": "不符合措施条件",
    "not_reached": "不在资金措施支持范围内", "no_round": "措施当日没有受理中的申报批次", "no_amount": "措施未规定金额",
    "offered": "已有政策直达或申报", "answered": "此前已放弃或不予确认", "rejected": "已被作出不予支持的最终决定",
    "other_support": "已获其他政策支持（从高不重复）", "unreadable": "单位档案信息无法读取", "withdrawn": "认定已撤回",
}
WHY_MOST = 500  # the column's width
# A region, a matter's date: the facts a condition on the measure's scope (place, window) reads.
REGION, DATE = "applicant.region", "matter.date"


@dataclass(frozen=True)
class NoOffer:
    """Why no offer: its kind (a key of ``NOT_OFFERED``) and the reason in full."""

    kind: str
    why: str

    def __post_init__(self) -> None:
        if len(self.why) > WHY_MOST:
            object.__setattr__(self, "why", self.why[:WHY_MOST - 1] + "…")


def uscc_region(uscc: str) -> str | None:
    """The region a credit code was registered in: its 3rd to 8th characters, the registering authority's division
    code (登记管理机关行政区划码, GB 32100), when they are six digits.

    >>> uscc_region("91110108MA0QC1B25F"), uscc_region("91210100MA0QC1B25F"), uscc_region("")
    ('110108', '210100', None)
    """
    code = uscc[2:8]
    return code if len(code) == 6 and code.isdigit() else None


def place(region: str | None) -> str:
    """A region as a reason names it: 沈阳市和平区, or the code with 辽宁省外.

    >>> place("210102"), place("110108"), place(None)
    ('沈阳市和平区', '110108（辽宁省外）', '未登记')
    """
    if region is None:
        return "未登记"
    if divisions.in_liaoning(region):
        return divisions.place_name(region) or region
    return f"{region}（辽宁省外）"


def no_round(day: date, cited: str = "") -> NoOffer:
    """No round takes the measure (or none is open at all) on ``day``."""
    if cited:
        return NoOffer("no_round", f"{cited}在 {day}（匹配当日）没有受理中的申报批次；批次开设后即按名单产生政策直达")
    return NoOffer("no_round", f"{day}（匹配当日）没有受理中的申报批次；批次开设后即按名单产生政策直达")


UNREADABLE = NoOffer("unreadable", "单位档案中的信息（如所在地或行业代码）已不能被政策规则读取，待企业更正后再匹配")
WITHDRAWN = NoOffer("withdrawn", "该认定已撤回，不再计入")


@dataclass
class Reading:
    """What the rules said of one applicant on the day, for the reasons of its matters: the answer, the applicant's
    region, whether it is registered on the platform (has an enterprise account), and, asked only when needed, the
    answer again with its region read from its credit code (``derived``: the code and that answer, or None)."""

    answer: Answer
    region: str | None
    registered: bool
    dates: Mapping[str, date | None]  # each matter's date, by its key
    numbers: Mapping[str, str]  # each policy's document number, by its id
    derived: Callable[[], tuple[str, Answer] | None]

    def cited(self, result: Result) -> str:
        return measure_cited(result.measure, result.policy, self.numbers)

    def why_not(self, key: str) -> NoOffer:
        """Why the rules gave the matter ``key`` no grant."""
        results = [r for r in self.answer.results if r.matter == key]
        if not results:
            return NoOffer("not_reached", "该认定不在已发布政策资金措施的支持范围内")
        kept = next((r for r in results if r.status == "eligible"), None)
        if kept is not None:  # eligible, yet no grant: support received elsewhere outranks it (从高不重复)
            return NoOffer("other_support",
                           f"已获其他省级政策支持不低于{self.cited(kept)}的上限，按从高不重复原则不再支持")
        result = max(results, key=lambda r: STATUS_RANK[r.status])  # undetermined before ineligible
        if result.status == "ineligible":
            return self._ineligible(result, key)
        return self._undetermined(result)

    def _ineligible(self, result: Result, key: str) -> NoOffer:
        failed = [c for c in result.conditions if c.value is False]
        cited, texts = self.cited(result), "；".join(f"“{c.text}”" for c in failed)
        if any(REGION in c.facts for c in failed):
            return NoOffer("outside", f"注册地（{place(self.region)}）不在{cited}的适用范围：不符合{texts}")
        window = next((p for p in self.answer.policies if p.id == result.policy), None)
        day = self.dates.get(key)
        if window is not None and day is not None and any(DATE in c.facts for c in failed) \
                and not window.window_start <= day <= window.window_end:
            return NoOffer("window", f"认定日期 {day} 不在{cited}的施行期（{window.window_start} 至 "
                                     f"{window.window_end}）内：不符合{texts}")
        return NoOffer("ineligible", f"不符合{cited}的条件：{texts}")

    def _undetermined(self, result: Result) -> NoOffer:
        cited = self.cited(result)
        if REGION in result.missing:
            found = self.derived()
            again = next((r for r in found[1].results if (r.matter, r.policy, r.measure) ==
                          (result.matter, result.policy, result.measure)), None) if found else None
            if found is not None and again is not None and again.status == "ineligible" and any(
                    REGION in c.facts for c in again.conditions if c.value is False):
                return NoOffer("outside", f"注册地不在{cited}的适用范围：据统一社会信用代码第3至8位，登记管理机关"
                                          f"行政区划码为 {place(found[0])}")
        missing = "、".join(dict.fromkeys(fact_label(m) for m in result.missing)) or "所需信息"
        if not self.registered:
            return NoOffer("unregistered", f"该单位尚未在平台注册，缺少{missing}，暂不能判断是否符合{cited}")
        return NoOffer("undetermined", f"单位信息不全（缺少{missing}），暂不能判断是否符合{cited}")
