"""What a reviewer reads beside a version's entries: why an applicant considered was not proposed, and what changed
against the version published before it (added, removed, kept; and who is back after the last version removed it,
with the reason it was removed for)."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from huiqi.applicants import standing
from huiqi.applicants.service import profile_case
from huiqi.models import Applicant, ApplicantProfile, WhitelistEntry, WhitelistVersion
from huiqi.rules.match import CaseEnv, evaluate_rule
from huiqi.whitelist import repository
from huiqi.whitelist.basis import Criteria


def why_not(found: Criteria, applicant: Applicant, profile: ApplicantProfile, on: date) -> str | None:
    """Why the current profile is not proposed under ``found`` on ``on`` (None when it is): no name to be listed under,
    the guide's standing not met or not recorded, the policy's criteria not met or not recorded (an unrecorded fact
    does not meet a condition)."""
    said = [] if profile.name else ["未登记单位名称"]
    said += standing.unmet(profile)
    case = profile_case(applicant, profile, on)
    if case is None:  # a stored fact the rules no longer read (a region code since retired): not assumed either
        return "；".join([*said, "档案中的所在地或行业代码已不能识别，请企业更正"])
    env = CaseEnv(case, on)
    outcomes = [evaluate_rule(item, (), env) for item in found.items]
    if not any(outcome.status == "eligible" for outcome in outcomes):
        for outcome in outcomes:
            unmet = [f"不符合“{c.text}”" if c.value is False else f"未能判断是否“{c.text}”（缺少所需信息，不作推定）"
                     for c in outcome.trace[1:] if c.value is not True]
            said.append(("「" + outcome.rule.name.split("：")[0] + "」：" if len(outcomes) > 1 else "")
                        + "、".join(unmet))
    return "；".join(said) or None


@dataclass
class Changes:
    """``version`` against the version published before it (``previous``; None for the first): the enterprises it
    includes that the previous did not list (``added``), those both include (``kept``), the previous's included
    ones it does not include (``removed``, each with why: removed here, or not proposed), and, by applicant, the
    reason the previous removed an enterprise it lists (``earlier``)."""

    previous: WhitelistVersion | None
    added: list[WhitelistEntry] = field(default_factory=list)
    kept: list[WhitelistEntry] = field(default_factory=list)
    removed: list[tuple[WhitelistEntry, str]] = field(default_factory=list)
    earlier: dict[int, str] = field(default_factory=dict)

    def flag(self, entry: WhitelistEntry) -> str:
        """What a row says of the previous version: 上一版已移出：理由… (empty when nothing)."""
        reason = self.earlier.get(entry.applicant_id)
        return "" if reason is None else f"上一版已移出：{reason}"

    def change(self, entry: WhitelistEntry) -> str:
        """One entry against the previous version, as the draft's download says it."""
        if self.previous is None:
            return ""
        before = "保留" if entry in self.kept else "新增" if entry in self.added else "—"
        flag = self.flag(entry)
        return f"{before}（{flag}）" if flag and before != "—" else flag or before


def changes(session: Session, version: WhitelistVersion) -> Changes:
    """``version`` (with its entries and omissions loaded) against the version published before it."""
    previous = repository.published_before(session, version.number)
    found = Changes(previous)
    if previous is None:
        return found
    then = {e.applicant_id: e for e in previous.entries}
    now = {e.applicant_id: e for e in version.entries}
    found.earlier = {e.applicant_id: e.reason or "（未写理由）" for e in previous.entries if not e.included}
    for entry in version.entries:
        if entry.included:
            was = then.get(entry.applicant_id)
            (found.kept if was is not None and was.included else found.added).append(entry)
    passed = {o.applicant_id: o.why for o in version.omissions}
    for entry in previous.entries:
        here = now.get(entry.applicant_id)
        if not entry.included or (here is not None and here.included):
            continue
        why = (f"本版移出：{here.reason}" if here is not None else f"未拟定：{passed[entry.applicant_id]}"
               if entry.applicant_id in passed else "未拟定（本版拟定时未记录原因）")
        found.removed.append((entry, why))
    return found
