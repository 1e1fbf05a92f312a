"""The applicant conditions of the fund's application guide (2025; DOMAIN.md "Administration"): an independent
legal entity, sound accounts, no bad credit record, no major safety, environmental or quality accident in three
years. The applicant declares them (申报承诺) on applying; a fact recorded against one refuses submission and
approval, whatever the declaration says. The whitelist (the measure serving it) asks more: every one recorded, and
in order.
"""

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
