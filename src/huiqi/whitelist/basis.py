"""What a whitelist version is compiled under: the measure serving the whitelist (``catalogue.serving``), its criteria,
and the basis recorded on the version when it is proposed.

A service measure describes what is in force (DOMAIN.md "Money, dates, places, industries"): once the serving measure's
window has closed and no successor serves the whitelist, no new version may be compiled (``refusal``); the versions
already published stay readable, each saying what it was compiled under and whether that still is in force
(``said``). The basis is recorded, never worked out again from the version's day, so a successor published later
does not change what an earlier version says.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from huiqi.catalogue import service as catalogue
from huiqi.models import WhitelistVersion
from huiqi.rules.policy import Measure, Policy, Rule


@dataclass(frozen=True)
class Criteria:
    """What the policy in force asks of an enterprise on the list: its measure's service items about the applicant
    itself (one met is enough), besides the guide's standing."""

    policy: Policy
    measure: Measure
    items: tuple[Rule, ...]

    def name(self) -> str:
        """The list's name as the measure's service item names it, up to the "：" that begins the treatment
        (数字经济核心产业企业“白名单”); 白名单 when the measure states no item of its own."""
        return self.items[0].name.split("：")[0] if self.items else "白名单"

    def said(self) -> str:
        """The conditions by their names, as the policy file names them."""
        named = ["、".join(c.name for c in item.conditions) for item in self.items]
        if len(named) == 1:
            return named[0]
        return "；或".join(f"「{item.name}」：{names}" for item, names in zip(self.items, named, strict=True))


def criteria(session: Session, on: date) -> Criteria | None:
    """The criteria of the policy serving the whitelist on ``on``; None when none serves."""
    found = catalogue.serving(session, "whitelist", on)
    if found is None:
        return None
    policy, measure = found
    return Criteria(policy, measure, tuple(item for item in measure.services if not item.reaches))


def long_day(day: date) -> str:
    """A day as a document says it.

    >>> long_day(date(2025, 12, 31))
    '2025年12月31日'
    """
    return f"{day.year}年{day.month}月{day.day}日"


def refusal(found: Criteria, on: date) -> str | None:
    """Why no version may be compiled on ``on`` under ``found``: its policy's window has closed and no successor serves
    the whitelist (``catalogue.serving`` then still names the expired measure); None while it is in force."""
    if not found.policy.expired(on):
        return None
    policy, measure = found.policy, found.measure
    return (f"{policy.number}措施{measure.number}「{measure.title}」已于{long_day(policy.window_end_at(on))}到期，"
            "尚无接替它规定白名单的现行政策，不能拟定新版本；已发布的各版本仍可查看，各自注明编制依据")


def recorded(found: Criteria, on: date) -> dict[str, Any]:
    """The basis as a version records it when proposed on ``on`` (the columns ``basis_*``)."""
    policy, measure = found.policy, found.measure
    return {"basis_policy": policy.id, "basis_version": policy.version, "basis_number": policy.number,
            "basis_title": policy.title, "basis_measure": measure.number, "basis_measure_title": measure.title,
            "basis_clause": measure.clause, "basis_list": found.name(), "basis_ends": policy.window_end_at(on)}


def cited(version: WhitelistVersion) -> str:
    """The basis as people cite it (辽政办〔2022〕35号措施19); empty when none was recorded."""
    if version.basis_policy is None:
        return ""
    return f"{version.basis_number}措施{version.basis_measure}"


def list_name(version: WhitelistVersion) -> str:
    """What ``version`` is called, quotes dropped (数字经济核心产业企业白名单): by the measure it was compiled under."""
    return (version.basis_list or "白名单").replace("“", "").replace("”", "")


@dataclass(frozen=True)
class Standing:
    """Whether a version's recorded basis is in force on a day: its policy still in the catalogue (not withdrawn) and
    its window open; ``ends`` the window's last day as then in force."""

    in_force: bool
    ends: date | None
    withdrawn: bool


def standing(session: Session, version: WhitelistVersion, day: date) -> Standing:
    """The recorded basis of ``version`` on ``day``, as the catalogue now has its policy (a later version of the same
    policy may have moved its window)."""
    policy = next((p for p in catalogue.published(session) if p.id == version.basis_policy), None)
    if policy is None:
        return Standing(False, version.basis_ends, withdrawn=version.basis_policy is not None)
    return Standing(not policy.expired(day), policy.window_end_at(day), withdrawn=False)


def said(session: Session, version: WhitelistVersion, day: date) -> str:
    """What ``version`` was compiled under and whether that is in force on ``day``, in one sentence (依据
    辽政办〔2022〕35号措施19编制；该措施已于2025年12月31日到期)."""
    if version.basis_policy is None:
        return "未记录编制依据（拟定之日没有规定白名单的政策）"
    head = f"依据{cited(version)}编制"
    found = standing(session, version, day)
    if found.withdrawn:
        return f"{head}；该政策已撤回，不在现行政策目录中"
    ends = long_day(found.ends) if found.ends else "（未记录）"
    if found.in_force:
        return f"{head}；该措施现行有效，有效期至{ends}"
    # a version compiled after its basis had expired (before compiling was refused then): said so
    late = "（本版拟定于该措施到期之后）" if found.ends and version.as_of > found.ends else ""
    return f"{head}；该措施已于{ends}到期{late}"


def lapsed(session: Session, version: WhitelistVersion, on: date) -> str | None:
    """Why a draft compiled under a basis no longer in force on ``on`` may not be published; None when it may."""
    if version.basis_policy is None:
        return None
    found = standing(session, version, on)
    if found.in_force:
        return None
    ends = f"于{long_day(found.ends)}" if found.ends else ""
    why = "该政策已撤回" if found.withdrawn else f"该措施已{ends}到期"
    return (f"白名单拟定稿 #{version.number} 依据{cited(version)}编制，{why}，不能发布；请作废它"
            "（已发布的各版本仍可查看）")
