"""What a reviewer reads beside a draft: who was considered and not proposed, and why; what changed against the version
published before; an enterprise the last version removed, back in the draft, flagged with the reason it was removed."""

from datetime import date

from huiqi.applicants import repository
from huiqi.applicants import service as applicants
from huiqi.whitelist import review
from huiqi.whitelist import service as whitelist
from tests.dbtest import ALICE_USCC, BOB_USCC, second_admin, uscc_for

TAX = "企业存在未结清的欠税记录，待结清后再列入"
CAROL, DAVE = uscc_for("210200", "MA0CAR02"), uscc_for("210300", "MA0DEF01")


def _good(session, people, uscc: str, name: str | None, region: str, industry: str = "6513", **facts) -> None:
    """An enterprise in ``region`` (software, core, unless ``industry`` says otherwise), every standing fact recorded
    as met unless ``facts`` say otherwise."""
    standing = {"independent_legal_entity": True, "sound_accounts": True, "bad_credit": False, "major_accident": False}
    applicants.record_profile(session, actor=people.admin, uscc=uscc, name=name, kind="enterprise", region=region,
                              industry=industry, **(standing | facts))


def two_versions(session, people):
    """Version 1 (published): Alice removed for unpaid tax, Carol and Dave listed, Bob passed over (his standing is not
    recorded). Then Bob's standing is recorded and Dave's bad credit: the next draft."""
    _good(session, people, CAROL, "大连卡罗数据有限公司", "210202")
    _good(session, people, DAVE, "鞍山戴夫软件有限公司", "210302")
    first = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    alice = next(e for e in first.entries if e.uscc == ALICE_USCC)
    whitelist.exclude(session, actor=people.admin, entry_id=alice.id, reason=TAX, on=date(2025, 12, 1))
    whitelist.publish(session, actor=second_admin(session), version_id=first.id, on=date(2025, 12, 2))
    _good(session, people, BOB_USCC, "大连数据有限公司", "210202")
    _good(session, people, DAVE, "鞍山戴夫软件有限公司", "210302", bad_credit=True)
    return first, whitelist.propose(session, actor=people.admin, on=date(2025, 12, 10))


def test_who_was_considered_and_not_proposed_is_kept_with_why(session, people) -> None:
    first, second = two_versions(session, people)
    assert first.considered == 4 and [(o.uscc, o.name) for o in first.omissions] == [(BOB_USCC, "大连数据有限公司")]
    assert first.omissions[0].why == ("未登记“独立法人”（不作推定）；未登记“财务管理制度健全”（不作推定）；"
                                      "未登记“无不良信用记录”（不作推定）；未登记“近三年未发生重大安全环保质量事故”（不作推定）")
    assert second.considered == 4 and [(o.uscc, o.why) for o in second.omissions] == [(DAVE, "记录为有不良信用记录")]


def test_why_not_names_every_condition_unmet_or_unrecorded(session, people) -> None:
    found = whitelist.criteria(session, date(2025, 12, 1))
    _good(session, people, CAROL, None, "210202", industry="3311", major_accident=None)  # no name, not core
    [(applicant, profile)] = [(a, p) for a, p in _profiles(session) if a.uscc == CAROL]
    assert review.why_not(found, applicant, profile, date(2025, 12, 1)) == (
        "未登记单位名称；未登记“近三年未发生重大安全环保质量事故”（不作推定）；不符合“数字经济核心产业企业”")
    [(alice, hers)] = [(a, p) for a, p in _profiles(session) if a.uscc == ALICE_USCC]
    assert review.why_not(found, alice, hers, date(2025, 12, 1)) is None


def _profiles(session) -> list:
    return list(repository.current_profiles(session))


def test_the_draft_says_what_changed_and_flags_who_the_last_version_removed(session, people) -> None:
    """Alice, removed from version 1 for unpaid tax, used to be back as 列入 in the next draft with no flag."""
    first, second = two_versions(session, people)
    changes = review.changes(session, second)
    assert changes.previous.id == first.id
    by = {e.uscc: e for e in second.entries}
    assert changes.flag(by[ALICE_USCC]) == f"上一版已移出：{TAX}"
    assert changes.flag(by[BOB_USCC]) == "" and changes.flag(by[CAROL]) == ""
    assert sorted(e.uscc for e in changes.added) == sorted([ALICE_USCC, BOB_USCC])
    assert [e.uscc for e in changes.kept] == [CAROL]
    assert [(e.uscc, why) for e, why in changes.removed] == [(DAVE, "未拟定：记录为有不良信用记录")]
    assert changes.change(by[ALICE_USCC]) == f"新增（上一版已移出：{TAX}）" and changes.change(by[CAROL]) == "保留"
    whitelist.exclude(session, actor=people.admin, entry_id=by[CAROL].id, reason="已迁出本省", on=date(2025, 12, 10))
    again = review.changes(session, whitelist.read(session, version_id=second.id, actor=people.admin))
    assert again.kept == [] and ("本版移出：已迁出本省" in [why for _, why in again.removed])
    assert review.changes(session, first).previous is None, "the first version has none before it"
