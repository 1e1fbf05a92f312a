"""``verify`` sees the records beside the money too: users, policy versions, whitelists, 公示, an application's score,
ceiling, payee and 公示, its transitions, and applicants' profiles.

Each test tampers with one table by raw SQL, as someone with the database's password could (the business tables have
no trigger to lift), and expects the difference by record and field.
"""

from datetime import date

import pytest
from sqlalchemy import text

from huiqi.applicants import service as applicants
from huiqi.applications import payee
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.funding import service as budgets
from huiqi.money import wan
from huiqi.users import service as users
from huiqi.whitelist import service as whitelist
from tests.dbtest import ALICE_USCC, BOB_USCC, FIXTURES, apply, second_admin, step

SECOND = (FIXTURES / "second-policy.yaml").read_text("utf-8")


def _differences(session) -> list[str]:
    session.expire_all()
    result = audit.verify(session)
    assert result.problems == [], "the chain itself is untouched"
    assert not result.intact
    return result.differences


def _intact(session) -> None:
    checked = audit.verify(session)
    assert checked.intact, checked.problems + checked.differences


@pytest.fixture
def reviewed(session, people, tmp_path):
    """Alice's little giant through the city, scored 80, 80 万元 proposed, in a 公示, approved; its payee confirmed."""
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3,
                       amount=5_000_000)
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    step(session, "score", people.miit, app, on=date(2025, 9, 8), score=80)
    step(session, "propose", people.miit, app, on=date(2025, 9, 10), amount=800_000)
    step(session, "announce", people.miit, app, on=date(2025, 9, 10), starts_on=date(2025, 9, 29))
    step(session, "approve", people.finance, app, on=date(2025, 10, 13))
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国工商银行沈阳分行",
                  account="6222000012345678")
    _intact(session)
    return app


@pytest.fixture
def listed(session, people) -> tuple[int, int]:
    """Whitelist version 1, published by a second admin: alice listed, bob proposed and left out (the ids of their
    entries)."""
    applicants.record_profile(session, actor=people.bob, uscc=BOB_USCC, name="大连数据有限公司", kind="enterprise",
                              region="210202", industry="6520", independent_legal_entity=True, sound_accounts=True,
                              bad_credit=False, major_accident=False)
    version = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    entry = {e.uscc: e.id for e in version.entries}
    whitelist.exclude(session, actor=people.admin, entry_id=entry[BOB_USCC], reason="经核查不在本省经营",
                      on=date(2025, 12, 1))
    whitelist.publish(session, actor=second_admin(session), version_id=version.id, on=date(2025, 12, 2))
    _intact(session)
    return entry[ALICE_USCC], entry[BOB_USCC]


def test_a_user_made_admin_by_hand_is_named(session, people) -> None:
    session.execute(text("UPDATE users SET role = 'admin' WHERE username = 'alice'"))
    assert _differences(session) == [f"用户 alice（#{people.alice.id}）：角色为 管理员，审计事件记载为 企业用户"]


def test_a_binding_changed_and_a_disabled_account_enabled_by_hand_are_named(session, people) -> None:
    users.set_active(session, actor=people.admin, username="dalian", active=False)
    _intact(session)
    session.execute(text("UPDATE users SET active = true WHERE username = 'dalian'"))
    session.execute(text("UPDATE users SET region = '210200' WHERE username = 'shenyang'"))
    assert _differences(session) == [
        f"用户 shenyang（#{people.shenyang.id}）：绑定的市为 210200，审计事件记载为 210100",
        f"用户 dalian（#{people.dalian.id}）：账号状态为 启用，审计事件记载为 停用"]


def test_a_user_added_or_removed_by_hand_is_named(session, people) -> None:
    mallory = people.mallory.id
    session.execute(text("DELETE FROM users WHERE username = 'mallory'"))
    session.execute(text(
        "INSERT INTO users (username, display_name, password_hash, role, active, must_change_password, created_at) "
        "VALUES ('ghost', '影子管理员', 'x', 'admin', true, false, '2025-01-01 00:00:00')"))
    ghost = session.execute(text("SELECT id FROM users WHERE username = 'ghost'")).scalar_one()
    assert _differences(session) == [
        f"用户 ghost（#{ghost}）：审计事件中没有这个用户（不是经系统创建的，而是直接写入数据库的）",
        f"用户 #{mallory}（mallory）：审计事件记载有这个用户，而用户表中没有：记录被删除"]


def test_the_shipped_policys_text_changed_by_hand_is_named(session, people) -> None:
    shipped = session.execute(text("SELECT id, number FROM policy_versions WHERE drafted_by = 'system'")).one()
    session.execute(text("UPDATE policy_versions SET text = text || :more WHERE id = :id"),
                    {"more": "\n# 改动\n", "id": shipped.id})
    assert _differences(session) == [f"政策版本 {shipped.id}（{shipped.number}）：文本与其摘要不符：文本在写入后被改动"]


def test_a_drafts_text_rewritten_with_its_digest_and_its_state_changed_are_named(session, people) -> None:
    draft = catalogue.add(session, actor=people.admin, text=SECOND, file_name="second-policy.yaml")
    _intact(session)
    changed = SECOND + "\n# 改动\n"
    session.execute(text("UPDATE policy_versions SET text = :text, digest = :digest, state = 'withdrawn' "
                         "WHERE id = :id"), {"text": changed, "digest": catalogue.digest_of(changed), "id": draft.id})
    assert _differences(session) == [
        f"政策版本 {draft.id}（{draft.number}）：状态为 已撤回，审计事件记载为 草稿",
        f"政策版本 {draft.id}（{draft.number}）：文本摘要为 {catalogue.digest_of(changed)}，"
        f"审计事件记载为 {catalogue.digest_of(SECOND)}"]


def test_a_policy_version_inserted_by_hand_is_named_even_as_the_systems(session, people) -> None:
    """Only the versions written by the migration, before any drafted one, stand without an event."""
    catalogue.add(session, actor=people.admin, text=SECOND, file_name="second-policy.yaml")
    forged = SECOND.replace("id: test-successor", "id: forged-policy")
    session.execute(text(
        "INSERT INTO policy_versions (policy_id, number, title, digest, text, file_name, state, drafted_by, "
        "published_by, created_at) VALUES ('forged-policy', '伪造文号', '伪造', :digest, :text, 'f.yaml', "
        "'published', 'system', 'system', '2025-01-01 00:00:00')"), {"digest": catalogue.digest_of(forged),
                                                                      "text": forged})
    made = session.execute(text("SELECT id FROM policy_versions WHERE policy_id = 'forged-policy'")).scalar_one()
    assert _differences(session) == [f"政策版本 {made}（伪造文号）：审计事件中没有这个版本（未经起草，直接写入数据库）"]


def test_an_excluded_enterprise_put_back_by_hand_is_named(session, people, listed) -> None:
    _, bob = listed
    session.execute(text("UPDATE whitelist_entries SET included = true, reason = NULL WHERE id = :id"), {"id": bob})
    assert _differences(session) == [
        "白名单版本 #1：列入企业数为 2 家，审计事件记载为 1 家",
        f"白名单版本 #1 的条目 #{bob}（大连数据有限公司）：是否列入为 列入，审计事件记载为 移出",
        f"白名单版本 #1 的条目 #{bob}（大连数据有限公司）：移出理由为 无，审计事件记载为 经核查不在本省经营"]


def test_a_restored_entry_is_as_its_trail_says_and_a_basis_or_edition_changed_by_hand_is_named(session, people,
                                                                                                listed) -> None:
    """A removal undone (恢复) in the next draft replays clean; the basis a version was compiled under and its public
    edition are the trail's too: changed beside it, they are named."""
    draft = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 10))
    bob = next(e for e in draft.entries if e.uscc == BOB_USCC)
    whitelist.exclude(session, actor=people.admin, entry_id=bob.id, reason="仍待核查", on=date(2025, 12, 10))
    whitelist.restore(session, actor=people.admin, entry_id=bob.id, on=date(2025, 12, 10))
    _intact(session)
    session.execute(text("UPDATE whitelist_versions SET basis_number = '测试〔2024〕1号', basis_measure = 6, "
                         "edition = 7 WHERE number = 1"))
    assert _differences(session) == [
        "白名单版本 #1：公开版次为 7，审计事件记载为 1",
        "白名单版本 #1：编制依据（文号）为 测试〔2024〕1号，审计事件记载为 辽政办〔2022〕35号",
        "白名单版本 #1：编制依据（措施）为 6，审计事件记载为 19"]


def test_a_listed_enterprise_renamed_by_hand_is_named(session, people, listed) -> None:
    alice, bob = listed
    session.execute(text("UPDATE whitelist_entries SET name = '冒名有限公司' WHERE id = :id"), {"id": alice})
    assert _differences(session) == [
        "白名单版本 #1：名单条目与审计事件记载的摘要不符：条目（单位名称、代码、所在地、行业、是否列入、移出理由）"
        "在记录后被改动、增加或删除"]
    session.execute(text("UPDATE whitelist_entries SET name = '示例科技有限公司' WHERE id = :id"), {"id": alice})
    session.execute(text("UPDATE whitelist_entries SET industry = '6513' WHERE id = :id"), {"id": bob})
    assert _differences(session) == [
        f"白名单版本 #1 的条目 #{bob}（大连数据有限公司）：条目（单位名称、统一社会信用代码、所在地、行业）"
        "与审计事件记载的摘要不符：在记录后被改动"]


def test_an_entry_removed_and_the_version_unpublished_by_hand_are_named(session, people, listed) -> None:
    alice, _ = listed
    session.execute(text("DELETE FROM whitelist_entries WHERE id = :id"), {"id": alice})
    session.execute(text("UPDATE whitelist_versions SET state = 'proposed', published_on = NULL, published_by = NULL"))
    assert _differences(session) == [
        "白名单版本 #1：状态为 待发布，审计事件记载为 已发布",
        "白名单版本 #1：发布日期为 无，审计事件记载为 2025-12-02",
        "白名单版本 #1：发布人为 无，审计事件记载为 admin2",
        "白名单版本 #1：名单条目数为 1 条，审计事件记载为 2 条",
        "白名单版本 #1：列入企业数为 0 家，审计事件记载为 1 家"]


def test_score_ceiling_payee_and_announcement_of_an_application_changed_by_hand_are_named(session, reviewed) -> None:
    app = reviewed
    ceiling, batch = app.ceiling, app.announcement_id
    session.execute(text("UPDATE applications SET expert_score = 95, ceiling = 99000000, payee_bank = '某某银行', "
                         "payee_account = '6222000099998888', announcement_id = NULL WHERE id = :id"), {"id": app.id})
    assert _differences(session) == [
        f"申报 #{app.id}：上限为 9900 万元，审计事件记载为 {wan(ceiling)} 万元",
        f"申报 #{app.id}：评审得分为 95，审计事件记载为 80",
        f"申报 #{app.id}：收款开户银行为 某某银行，审计事件记载为 中国工商银行沈阳分行",
        f"申报 #{app.id}：收款账号（尾号）为 ****8888，审计事件记载为 ****5678",
        f"申报 #{app.id}：所在公示（编号）为 无，审计事件记载为 {batch}"]


def test_an_announcement_prolonged_by_hand_is_named(session, reviewed) -> None:
    batch = session.execute(text("SELECT id, title, ends_on FROM announcements")).one()
    session.execute(text("UPDATE announcements SET ends_on = '2025-12-31', working_days = 60"))
    assert _differences(session) == [
        f"公示 #{batch.id}（{batch.title}）：公示截止日期为 2025-12-31，审计事件记载为 {batch.ends_on}",
        f"公示 #{batch.id}（{batch.title}）：公示工作日数为 60，审计事件记载为 5"]


def test_a_step_removed_changed_or_added_by_hand_is_named(session, reviewed) -> None:
    app = reviewed
    rows = {action: i for action, i in session.execute(
        text("SELECT action, id FROM transitions WHERE application_id = :a ORDER BY id"), {"a": app.id})}
    assert list(rows) == ["submit", "route_city", "pass_city", "score", "propose", "announce", "approve"]
    session.execute(text("DELETE FROM transitions WHERE id = :id"), {"id": rows["pass_city"]})
    session.execute(text("UPDATE transitions SET actor = 'mallory' WHERE id = :id"), {"id": rows["approve"]})
    session.execute(text("UPDATE transitions SET to_state = 'approved' WHERE id = :id"), {"id": rows["propose"]})
    session.execute(text(
        'INSERT INTO transitions (application_id, action, from_state, to_state, actor, "on", at, reasons) '
        "VALUES (:a, 'reject', 'approved', 'rejected', 'finance', '2025-10-14', '2025-10-14 00:00:00', '手工')"),
        {"a": app.id})
    added = session.execute(text("SELECT max(id) FROM transitions")).scalar_one()
    assert _differences(session) == [
        f"申报 #{app.id} 的第 3 步 初审通过（市级初审→责任单位审核）：审计事件有记载，而流转记录中没有：记录被删除",
        f"申报 #{app.id} 的第 5 步（流转记录 {rows['propose']}）：步骤为 拟定金额（责任单位审核→已批准），"
        "审计事件记载为 拟定金额（责任单位审核→已拟定金额）",
        f"申报 #{app.id} 的第 7 步（流转记录 {rows['approve']}）：办理人为 mallory，审计事件记载为 finance",
        f"申报 #{app.id} 的流转记录 {added}（不予支持（已批准→不予支持））：审计事件中没有这一步（直接写入数据库）"]


def test_a_bad_credit_record_cleared_or_a_profile_version_added_by_hand_is_named(session, people) -> None:
    _intact(session)
    session.execute(text("UPDATE applicant_profiles SET bad_credit = true WHERE applicant_id = "
                         "(SELECT id FROM applicants WHERE uscc = :u)"), {"u": ALICE_USCC})
    session.execute(text(
        "INSERT INTO applicant_profiles (applicant_id, version, recorded_at, recorded_by, name, bad_credit) "
        "SELECT id, 2, '2025-01-01 00:00:00', 'bob', '大连数据有限公司', false FROM applicants WHERE uscc = :u"),
        {"u": BOB_USCC})
    assert _differences(session) == [
        f"单位 {ALICE_USCC} 的单位信息第 1 版：有不良信用记录为 是，审计事件记载为 否",
        f"单位 {BOB_USCC} 的单位信息第 2 版：审计事件中没有这一版（未经登记，直接写入数据库）"]
