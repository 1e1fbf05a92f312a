"""The whitelist: proposed from the records by the criteria, reviewed, published by dated version, exported."""

from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.applicants import service as applicants
from huiqi.errors import Conflict, Forbidden, NotFound
from huiqi.models import AuditEvent, WhitelistEntry, WhitelistVersion
from huiqi.whitelist import service as whitelist
from tests.dbtest import (
    ALICE_USCC,
    BOB_USCC,
    make_people,
    make_records,
    publish_whitelist_successor,
    second_admin,
    uscc_for,
    while_held,
)


def test_only_core_enterprises_in_good_standing_are_proposed(session, people) -> None:
    version = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    # Bob's standing is not recorded: not assumed, so not proposed.
    assert [(e.uscc, e.name) for e in version.entries] == [(ALICE_USCC, "示例科技有限公司")]
    whitelist.discard(session, actor=people.admin, version_id=version.id, on=date(2025, 12, 1))
    applicants.record_profile(session, actor=people.bob, uscc=BOB_USCC, name="大连数据有限公司", kind="enterprise",
                              region="210202", industry="6520", independent_legal_entity=True, sound_accounts=True,
                              bad_credit=False, major_accident=False)
    second = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 2))
    assert len(second.entries) == 2
    whitelist.discard(session, actor=people.admin, version_id=second.id, on=date(2025, 12, 2))
    applicants.record_profile(session, actor=people.bob, uscc=BOB_USCC, name="大连数据有限公司", kind="enterprise",
                              region="210202", industry="6520", independent_legal_entity=True, sound_accounts=True,
                              bad_credit=True, major_accident=False)
    assert len(whitelist.propose(session, actor=people.admin, on=date(2025, 12, 3)).entries) == 1


def test_one_draft_at_a_time_and_a_stale_one_is_not_published(session, people) -> None:
    """Two tabs used to make drafts 2 and 3; after 2 was published, 3 (made from the records before) could be too."""
    first = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    with pytest.raises(Conflict, match="已有白名单拟定稿 #1 待发布"):
        whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    whitelist.publish(session, actor=second_admin(session), version_id=first.id, on=date(2025, 12, 2))
    # A stale draft made before the rule (two at once), as the demo held them.
    stale = WhitelistVersion(number=3, state="proposed", as_of=date(2025, 12, 1), proposed_by="admin",
                             created_at=datetime(2025, 1, 1))
    session.add(stale)
    session.flush()
    with pytest.raises(Conflict, match="已过时"):
        whitelist.publish(session, actor=second_admin(session), version_id=stale.id, on=date(2025, 12, 3))
    with pytest.raises(Forbidden):
        whitelist.discard(session, actor=people.alice, version_id=stale.id, on=date(2025, 12, 3))
    whitelist.discard(session, actor=people.admin, version_id=stale.id, on=date(2025, 12, 3))
    with pytest.raises(Conflict, match="已作废"):
        whitelist.publish(session, actor=second_admin(session), version_id=stale.id, on=date(2025, 12, 3))
    trail = session.scalars(select(AuditEvent).where(AuditEvent.action == "whitelist.discard")).one()
    assert (trail.entity_id, trail.after["state"], trail.after["listed"]) == ("3", "discarded", 0)
    assert whitelist.propose(session, actor=people.admin, on=date(2025, 12, 3)).number == 4
    older = WhitelistVersion(number=0, state="proposed", as_of=date(2025, 11, 1), proposed_by="admin")
    session.add(older)
    session.flush()
    with pytest.raises(Conflict, match="已过时"):  # older than the newest published, whenever it was made
        whitelist.publish(session, actor=second_admin(session), version_id=older.id, on=date(2025, 12, 3))


def test_two_drafts_at_once_one_is_refused(own_database) -> None:
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)

    def propose(session: Session) -> None:
        whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))

    said = while_held(own_database, date(2025, 12, 1), propose, propose)
    with Session(own_database) as session:
        drafts = session.scalars(select(WhitelistVersion.number).where(WhitelistVersion.state == "proposed")).all()
    assert "请刷新" in str(said) or "待发布" in str(said)
    assert drafts == [1]


def test_review_publish_and_keep_earlier_versions(session, people, tmp_path) -> None:
    first = whitelist.propose(session, actor=people.admin, on=date(2025, 6, 1))
    with pytest.raises(Forbidden, match="白名单拟定稿 #1 由您（系统管理员）拟定：须由另一位有权编制白名单的人员核对"):
        whitelist.publish(session, actor=people.admin, version_id=first.id, on=date(2025, 6, 5))
    assert first.state == "proposed"
    whitelist.publish(session, actor=second_admin(session), version_id=first.id, on=date(2025, 6, 5))
    second = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    with pytest.raises(NotFound):
        whitelist.read(session, version_id=second.id)  # the public cannot read a draft
    whitelist.exclude(session, actor=people.admin, entry_id=second.entries[0].id, reason="年报未按时公示",
                      on=date(2025, 12, 2))
    whitelist.publish(session, actor=second_admin(session), version_id=second.id, on=date(2025, 12, 5))
    with pytest.raises(Conflict):
        whitelist.exclude(session, actor=people.admin, entry_id=first.entries[0].id, reason="事后改动",
                          on=date(2025, 12, 6))
    published = whitelist.published_versions(session)
    assert [(v.number, v.published_on) for v in published] == [(1, date(2025, 6, 5)), (2, date(2025, 12, 5))]
    assert whitelist.read(session, version_id=first.id).entries[0].included is True

    path = whitelist.export_xlsx(session, version_id=first.id, path=tmp_path / "白名单.xlsx")
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "白名单" and sheet.freeze_panes == "A3", "the header stays in view"
    assert sheet.column_dimensions["C"].width >= 30 and sheet.column_dimensions["B"].width >= 20  # names read whole
    assert rows[0][0] == ("辽宁省数字经济核心产业企业白名单 第1版（2025-06-05 发布；依据辽政办〔2022〕35号措施19编制，"
                          "该措施有效期至2025年12月31日）"), "the basis it was compiled under, which does not age"
    assert rows[1][:3] == ("序号", "统一社会信用代码", "单位名称")
    assert rows[2][:4] == (1, ALICE_USCC, "示例科技有限公司", "沈阳市和平区") and rows[2][5] == "应用软件开发"
    second_rows = list(openpyxl.load_workbook(whitelist.export_xlsx(
        session, version_id=second.id, path=tmp_path / "2.xlsx")).active.iter_rows(values_only=True))
    assert len(second_rows) == 2, "the excluded enterprise is left out of the published list"


def test_who_compiles_the_list(session, people) -> None:
    for who in (people.alice, people.shenyang, people.miit, people.finance, people.auditor):
        with pytest.raises(Forbidden):
            whitelist.propose(session, actor=who, on=date(2025, 12, 1))


@pytest.mark.parametrize("first", ["publish", "exclude"])
def test_an_exclusion_and_the_publication_at_once_take_turns(own_database, first) -> None:
    """Whichever comes first, the published version is what its trail says: an exclusion begun while the version is
    being published waits and is refused; a publication begun while an entry is being excluded waits and counts it
    out. (On PostgreSQL both used to read the version as proposed, and the list changed after publication.)"""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        version = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
        entry, reviewer = version.entries[0].id, second_admin(session)
    steps = {
        "publish": lambda session: whitelist.publish(session, actor=reviewer, version_id=version.id,
                                                     on=date(2025, 12, 5)),
        "exclude": lambda session: whitelist.exclude(session, actor=people.admin, entry_id=entry,
                                                     reason="年报未按时公示", on=date(2025, 12, 5)),
    }
    second = "exclude" if first == "publish" else "publish"
    said = while_held(own_database, date(2025, 12, 5), steps[first], steps[second])
    with Session(own_database) as session:
        included = session.get(WhitelistEntry, entry).included
        trail = session.scalars(select(AuditEvent).where(AuditEvent.action == "whitelist.publish")).one()
    if first == "publish":
        assert "已发布，不能再改" in str(said) and included is True and trail.after["entries"] == 1
    else:
        assert said == 201 and included is False and trail.after["entries"] == 0


def test_the_criteria_are_those_of_the_policy_serving_the_whitelist(session, people) -> None:
    """A successor's whitelist measure asks for above-scale enterprises of any industry: once its window opens the
    proposal follows it (it followed measure 19's criteria, written in the code, whatever the policy in force said);
    the guide's standing is still asked, and an unrecorded fact (Alice's scale) is not assumed."""
    carol = uscc_for("210200", "MA0CAR01")  # 大连, metal structures: not core
    applicants.record_profile(session, actor=people.admin, uscc=carol, name="大连钢构有限公司", kind="enterprise",
                              region="210203", industry="3311", above_scale=True, independent_legal_entity=True,
                              sound_accounts=True, bad_credit=False, major_accident=False)
    publish_whitelist_successor(session, people)
    shipped = whitelist.criteria(session, date(2025, 12, 1))
    assert shipped is not None and (shipped.policy.number, shipped.measure.number) == ("辽政办〔2022〕35号", 19)
    assert shipped.said() == "在辽宁省注册、数字经济核心产业企业"
    version = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    assert [e.uscc for e in version.entries] == [ALICE_USCC]
    whitelist.discard(session, actor=people.admin, version_id=version.id, on=date(2025, 12, 1))

    successor = whitelist.criteria(session, date(2026, 1, 5))
    assert successor is not None and (successor.policy.number, successor.measure.number) == ("测试〔2024〕1号", 6)
    assert successor.said() == "在辽宁省注册的企业、规模以上企业"
    assert [e.uscc for e in whitelist.propose(session, actor=people.admin, on=date(2026, 1, 5)).entries] == [carol]


def test_each_version_is_named_by_the_measure_it_was_compiled_under(session, people, tmp_path) -> None:
    """The export's title is the list's name in the service item of the measure serving the whitelist on the
    version's day: a successor's list is its own, an earlier one keeps measure 19's name."""
    first = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    whitelist.publish(session, actor=second_admin(session), version_id=first.id, on=date(2025, 12, 5))
    publish_whitelist_successor(session, people)
    second = whitelist.propose(session, actor=people.admin, on=date(2026, 1, 5))
    whitelist.publish(session, actor=second_admin(session), version_id=second.id, on=date(2026, 1, 6))

    def title(version: WhitelistVersion) -> str:
        path = whitelist.export_xlsx(session, version_id=version.id, path=tmp_path / f"{version.number}.xlsx")
        return openpyxl.load_workbook(path).active["A1"].value

    assert title(second) == ("辽宁省规模以上企业白名单 第2版（2026-01-06 发布；依据测试〔2024〕1号措施6编制，"
                             "该措施有效期至2027年12月31日）")
    assert title(first) == ("辽宁省数字经济核心产业企业白名单 第1版（2025-12-05 发布；"
                            "依据辽政办〔2022〕35号措施19编制，该措施有效期至2025年12月31日）")
    assert (whitelist.named(session, first), whitelist.named(session, second)) == ("数字经济核心产业企业白名单",
                                                                                   "规模以上企业白名单")


def test_a_serving_measure_that_states_no_condition_on_the_enterprise_proposes_nothing(session, people) -> None:
    publish_whitelist_successor(session, people, own_conditions=False)
    assert whitelist.criteria(session, date(2026, 1, 5)).name() == "白名单", "no item of its own names the list"
    with pytest.raises(Conflict, match="测试〔2024〕1号措施1「智能制造配套支持」没有规定对企业本身的入选条件"):
        whitelist.propose(session, actor=people.admin, on=date(2026, 1, 5))
    assert whitelist.versions(session, actor=people.admin) == []


def test_a_removal_is_undone_in_the_draft_and_the_trail_says_so(session, people) -> None:
    """A removal could only be undone by discarding the whole draft."""
    version = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    entry = version.entries[0]
    whitelist.exclude(session, actor=people.admin, entry_id=entry.id, reason="年报未按时公示", on=date(2025, 12, 1))
    with pytest.raises(Conflict, match="示例科技有限公司 刚刚已被移出（理由：年报未按时公示）"):
        whitelist.exclude(session, actor=people.admin, entry_id=entry.id, reason="另一个理由", on=date(2025, 12, 1))
    restored = whitelist.restore(session, actor=people.admin, entry_id=entry.id, on=date(2025, 12, 2))
    assert (restored.included, restored.reason) == (True, None)
    with pytest.raises(Conflict, match="已在列入名单中"):
        whitelist.restore(session, actor=people.admin, entry_id=entry.id, on=date(2025, 12, 2))
    trail = session.scalars(select(AuditEvent).where(AuditEvent.action == "whitelist.restore")).one()
    assert (trail.actor, trail.entity_id, trail.before, trail.after["included"], trail.after["list_included"]) == (
        "admin", str(entry.id), {"included": False, "reason": "年报未按时公示"}, True, 1)
    with pytest.raises(Forbidden):
        whitelist.restore(session, actor=people.auditor, entry_id=entry.id, on=date(2025, 12, 2))
    whitelist.publish(session, actor=second_admin(session), version_id=version.id, on=date(2025, 12, 5))
    with pytest.raises(Conflict, match="白名单第 1 版已发布，不能再改"):
        whitelist.restore(session, actor=people.admin, entry_id=entry.id, on=date(2025, 12, 6))


@pytest.mark.parametrize("step", ["restore", "exclude"])
def test_two_people_undoing_or_making_one_removal_at_once_one_is_refused(own_database, step) -> None:
    """Both read the row as it was before the other's change; the second now waits for the first and is told (409)."""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        version = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
        entry, other = version.entries[0].id, second_admin(session)
        if step == "restore":
            whitelist.exclude(session, actor=people.admin, entry_id=entry, reason="年报未按时公示",
                              on=date(2025, 12, 1))

    def act(actor):
        if step == "restore":
            return lambda session: whitelist.restore(session, actor=actor, entry_id=entry, on=date(2025, 12, 2))
        return lambda session: whitelist.exclude(session, actor=actor, entry_id=entry, reason=f"{actor.username}的理由",
                                                 on=date(2025, 12, 2))

    said = while_held(own_database, date(2025, 12, 2), act(people.admin), act(other))
    with Session(own_database) as session:
        kept = session.get(WhitelistEntry, entry)
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == f"whitelist.{step}")).all()
    if step == "restore":
        assert "已在列入名单中" in str(said) and kept.included is True and len(events) == 1
    else:
        assert "刚刚已被移出（理由：admin的理由）" in str(said) and kept.reason == "admin的理由" and len(events) == 1


def test_a_discarded_draft_leaves_no_gap_in_the_public_numbers(session, people) -> None:
    """第1版 第2版 第4版 used to follow a discarded draft 3: the public edition is now given on publication."""
    first = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    whitelist.publish(session, actor=second_admin(session), version_id=first.id, on=date(2025, 12, 1))
    dropped = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 2))
    whitelist.discard(session, actor=people.admin, version_id=dropped.id, on=date(2025, 12, 2))
    second = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 3))
    assert (dropped.number, dropped.edition, second.number, second.edition) == (2, None, 3, None)
    assert whitelist.called(second) == "拟定稿 #3"
    whitelist.publish(session, actor=second_admin(session), version_id=second.id, on=date(2025, 12, 4))
    assert [(v.edition, v.number) for v in whitelist.published_versions(session)] == [(1, 1), (2, 3)]
    assert whitelist.called(second) == "第 2 版" and whitelist.published_edition(session, edition=2).id == second.id
    with pytest.raises(NotFound, match="没有已发布的第 3 版白名单"):
        whitelist.published_edition(session, edition=3)
    trail = session.scalars(select(AuditEvent).where(AuditEvent.action == "whitelist.publish")
                            .order_by(AuditEvent.id)).all()
    assert [(e.entity_id, e.after["edition"]) for e in trail] == [("1", 1), ("3", 2)]


def test_the_desk_download_holds_removed_entries_their_reasons_and_who_was_passed_over(session, people,
                                                                                         tmp_path) -> None:
    """The draft's Excel left out the removed entries and their reasons; the public's still lists only those
    included."""
    version = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    whitelist.exclude(session, actor=people.admin, entry_id=version.entries[0].id, reason="=年报未按时公示",
                      on=date(2025, 12, 1))
    path = whitelist.export_xlsx(session, version_id=version.id, actor=people.admin, path=tmp_path / "d.xlsx",
                                 reviewed=True)
    book = openpyxl.load_workbook(path)
    rows = list(book["白名单"].iter_rows(values_only=True))
    assert rows[0][0] == ("辽宁省数字经济核心产业企业白名单 拟定稿 #1（待发布；依据辽政办〔2022〕35号措施19编制，"
                          "该措施有效期至2025年12月31日）")
    assert rows[1][6:] == ("状态", "移出理由", "与上一版相比")
    assert rows[2][1:3] == (ALICE_USCC, "示例科技有限公司") and rows[2][6:8] == ("移出", "=年报未按时公示")
    assert book["白名单"]["H3"].data_type == "s", "a reason is never a formula"
    passed = list(book["未拟定的企业"].iter_rows(values_only=True))
    assert passed[0][0] == "未拟定的企业：考虑 2 家，未拟定 1 家"
    assert passed[2][:2] == (BOB_USCC, "大连数据有限公司") and "未登记“独立法人”" in passed[2][2]
    public = list(openpyxl.load_workbook(whitelist.export_xlsx(session, version_id=version.id, actor=people.admin,
                                                               path=tmp_path / "p.xlsx")).active.iter_rows())
    assert len(public) == 2 and len(public[1]) == 6, "the public's list: no one removed, no reasons"
