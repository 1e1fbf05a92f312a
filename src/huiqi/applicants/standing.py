"""The applicant conditions of the fund's application guide (2025; DOMAIN.md "Administration"): an independent
legal entity, sound accounts, no bad credit record, no major safety, environmental or quality accident in three
years. The applicant declares them (申报承诺) on applying; a fact recorded against one refuses submission and
approval, whatever the declaration says. The whitelist (the measure serving it) asks more: every one recorded, and
in order.
"""

from collections.abc import Callable, Sequence
from typing import Final

from huiqi.models import ApplicantProfile

# (field, the value that fails the condition, what the record says then)
CONDITIONS: Final = (
    ("independent_legal_entity", False, "不是独立法人"),
    ("sound_accounts", False, "财务管理制度不健全"),
    ("bad_credit", True, "有不良信用记录"),
    ("major_accident", True, "近三年发生过重大安全、环保、质量事故"),
)
MET: Final = "独立法人、财务管理制度健全、无不良信用记录、近三年未发生重大安全环保质量事故"  # the conditions, as met


def failures(profile: ApplicantProfile | None) -> list[str]:
    """What the record says against the conditions (an unrecorded fact is covered by the declaration)."""
    if profile is None:
        return []
    return [said for name, failing, said in CONDITIONS if getattr(profile, name) is failing]


def in_good_standing(profile: ApplicantProfile) -> bool:
    """Every condition recorded, and met."""
    return all(getattr(profile, name) is (not failing) for name, failing, _ in CONDITIONS)


def unmet(profile: ApplicantProfile) -> list[str]:
    """What keeps ``profile`` out of good standing (``in_good_standing``): what the record says against a condition, and
    each condition not recorded (not assumed either way)."""
    said = []
    for (name, failing, against), met in zip(CONDITIONS, MET.split("、"), strict=True):
        value = getattr(profile, name)
        if value is failing:
            said.append(f"记录为{against}")
        elif value is None:
            said.append(f"未登记“{met}”（不作推定）")
    return said


def refusal(profile: ApplicantProfile | None, doing: str) -> str | None:
    """The reason to refuse ``doing`` (提交, 批准 …), or None."""
    found = failures(profile)
    if not found:
        return None
    return f"申报单位信息记录为{'、'.join(found)}，不符合申报指南的申报条件（{MET}），不能{doing}"


def recorded_from(history: Sequence[ApplicantProfile], name: str) -> ApplicantProfile | None:
    """The version from which the current value of ``name`` stands unchanged (who recorded it), None without one."""
    found = None
    for version in reversed(history):
        if getattr(version, name) != getattr(history[-1], name):
            break
        found = version
    return found


def corrections(history: Sequence[ApplicantProfile], *, own: Callable[[str], bool],
                person: Callable[[str], str]) -> list[str]:
    """For each condition the current record fails, who recorded it and how it is corrected. Nothing locks the
    profile: the enterprise may correct its own declaration on 修改单位信息; every save is a new version, kept with
    who made it, and reviewers read the versions and what each changed. A fact someone else recorded (a review's
    credit check) is corrected through them, and a change the enterprise makes to it is seen the same way."""
    said = []
    for name, failing, what in CONDITIONS:
        version = recorded_from(history, name) if history else None
        if version is None or getattr(version, name) is not failing:
            continue
        if own(version.recorded_by):
            said.append(f"“{what}”是本单位自己填报的（单位信息第 {version.version} 版）：如填报有误，"
                        "可在上方“修改单位信息”中更正。更正记为新版本，原记录保留；"
                        "审核人员可以看到单位信息的各版本和每次修改之处")
        else:
            said.append(f"“{what}”由{person(version.recorded_by)}记入（单位信息第 {version.version} 版）："
                        "如有误，请联系申报批次的咨询电话或责任单位核实更正。"
                        "本单位在“修改单位信息”中所作的修改同样记为新版本，审核人员可以看到修改之处")
    return said
