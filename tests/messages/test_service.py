"""Messages: the enterprise is told of each step and each offer in its message centre; with SMTP set and an
address, the same message is mailed by a local SMTP server that the test reads, once, and a failed send is retried
later and never lost; reviewers get one digest a day."""

from datetime import date, datetime

from huiqi.config import get_settings
from huiqi.messages import service as messages
from huiqi.models import Announcement, Message
from tests.dbtest import apply, step


def test_each_step_is_in_the_centre_and_mailed_once(session, people, tmp_path, smtp) -> None:
    people.alice.email = "alice@example.com"
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "return", people.shenyang, app, on=date(2025, 9, 3), reasons="缺少认定文件")
    got = messages.inbox(session, actor=people.alice)
    assert [m.subject for m in got] == [f"申报 #{app.id} 被退回补正", f"申报 #{app.id} 已提交"]
    assert "缺少认定文件" in got[0].body and got[0].link == f"/applications/{app.id}"
    assert got[0].body.endswith("请于 2030年12月31日（含当日）前在申报页面修改后重新提交（本批次截止日；"
                                "退回之日起 10 个工作日至 2025年9月17日）。"), "the round takes it until 2030"
    assert messages.unread(session, people.alice) == 2
    assert messages.send_pending(session) == (2, 0)
    assert len(smtp.mails) == 2 and all(to == ["alice@example.com"] for to, _ in smtp.mails)
    assert messages.send_pending(session) == (0, 0)  # each at most once
    assert len(smtp.mails) == 2
    assert messages.mark_read(session, actor=people.alice) == 2 and messages.unread(session, people.alice) == 0


def test_a_failed_send_is_kept_and_retried(session, people, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HUIQI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HUIQI_SMTP_PORT", "1")  # nothing listens there
    get_settings.cache_clear()
    try:
        people.alice.email = "alice@example.com"
        apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
        assert messages.send_pending(session, now=datetime(2025, 9, 1, 8)) == (0, 1)
        kept = session.query(Message).filter_by(user_id=people.alice.id).one()
        assert kept.sent_at is None and kept.attempts == 1 and "无法连接" in kept.last_error
        assert messages.send_pending(session, now=datetime(2025, 9, 1, 8, 1)) == (0, 0)  # waits before retrying
    finally:
        get_settings.cache_clear()


def test_without_smtp_messages_stay_in_the_centre(session, people, tmp_path) -> None:
    people.alice.email = "alice@example.com"
    apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    assert session.query(Message).filter_by(user_id=people.alice.id).one().email is None
    assert messages.send_pending(session) == (0, 0)


def test_one_digest_a_day_for_reviewers(session, people, tmp_path) -> None:
    apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    assert messages.digest(session, date(2025, 9, 2)) >= 1
    assert messages.digest(session, date(2025, 9, 2)) == 0  # already told today
    mine = messages.inbox(session, actor=people.shenyang)
    assert [m.subject for m in mine if m.kind == "digest"] == ["2025-09-02：有 1 项申报待审核"]


def test_an_enterprise_is_reminded_once_of_a_round_closing(session, people) -> None:
    from huiqi import clock
    from huiqi.catalogue import service as catalogue
    from huiqi.rounds import opening

    policy = catalogue.published(session)[0]
    with clock.pinned(date(2025, 9, 1)):
        opening.open_round(session, actor=people.admin, policy_id=policy.id, title="将截止的批次",
                           opens_on=date(2025, 9, 1), closes_on=date(2025, 9, 10), measures=[opening.MeasureIn(3)])
    assert messages.digest(session, date(2025, 9, 1)) >= 0
    assert not [m for m in messages.inbox(session, actor=people.alice) if m.kind == "round.closing"]  # 9 days away
    messages.digest(session, date(2025, 9, 4))
    told = [m for m in messages.inbox(session, actor=people.alice) if m.kind == "round.closing"]
    assert len(told) == 1 and "2025-09-10 截止" in told[0].subject and "h1" not in told[0].subject
    assert "专精特新“小巨人”企业" in told[0].subject and "专精特新“小巨人”企业" in told[0].body  # the matter by name
    messages.digest(session, date(2025, 9, 5))
    assert len([m for m in messages.inbox(session, actor=people.alice) if m.kind == "round.closing"]) == 1


def test_a_draft_in_a_closing_round_is_reminded_a_submitted_application_is_not(session, people, tmp_path) -> None:
    """A draft is lost to its round unless submitted by the deadline: its enterprise is reminded once (the matter is
    held by it, so no "可申请" reminder stands in for it); a submitted application is past that deadline's reach."""
    from huiqi import clock
    from huiqi.applications import service as applications
    from huiqi.catalogue import service as catalogue
    from huiqi.rounds import opening
    from tests.dbtest import PDF

    policy = catalogue.published(session)[0]
    with clock.pinned(date(2025, 9, 1)):
        found = opening.open_round(session, actor=people.admin, policy_id=policy.id, title="将截止的批次",
                                   opens_on=date(2025, 9, 1), closes_on=date(2025, 9, 10),
                                   measures=[opening.MeasureIn(3), opening.MeasureIn(5)])
        draft = applications.create_draft(session, actor=people.alice, uscc=people.alice.uscc, matter_key="h1",
                                          round_id=found.id, measure=3, amount_requested=1_000_000)
        sent = applications.create_draft(session, actor=people.alice, uscc=people.alice.uscc, matter_key="p1",
                                         round_id=found.id, measure=5, amount_requested=1_000_000)
    applications.add_material(session, actor=people.alice, application_id=sent.id, filename="申报书.pdf", content=PDF,
                              store=tmp_path)
    applications.declare(session, actor=people.alice, application_id=sent.id)
    step(session, "submit", people.alice, sent, on=date(2025, 9, 1))
    messages.digest(session, date(2025, 9, 2))
    assert not [m for m in messages.inbox(session, actor=people.alice) if m.kind == "round.closing"]  # 8 days away
    messages.digest(session, date(2025, 9, 4))
    told = [m for m in messages.inbox(session, actor=people.alice) if m.kind == "round.closing"]
    assert [m.subject for m in told] == [f"您的申报 #{draft.id} 尚未提交，2025-09-10 截止"]
    assert "「将截止的批次」" in told[0].body and told[0].link == f"/applications/{draft.id}"
    messages.digest(session, date(2025, 9, 5))
    assert len([m for m in messages.inbox(session, actor=people.alice) if m.kind == "round.closing"]) == 1


def test_a_profile_change_that_makes_a_measure_applicable_is_told(session, people) -> None:
    from huiqi.applicants import repository
    from huiqi.applicants import service as applicants
    from huiqi.applicants.schemas import PROFILE_FIELDS
    from tests.dbtest import ALICE_USCC

    current = repository.current_profile(session, repository.by_uscc(session, ALICE_USCC).id)
    fields = {k: getattr(current, k) for k in PROFILE_FIELDS if getattr(current, k) is not None}
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, **(fields | {"industry": "3411"}))
    assert not [m for m in messages.inbox(session, actor=people.alice) if m.kind == "claim.new"]  # fewer, not more
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, **(fields | {"industry": "6513"}))
    told = [m for m in messages.inbox(session, actor=people.alice) if m.kind == "claim.new"]
    assert any("h1" in m.subject and "措施3" in m.subject for m in told), [m.subject for m in told]


def test_an_objection_and_a_rejection_are_told_in_plain_sentences(session, people, tmp_path) -> None:
    """An objection during 公示 sends the application back to review: the enterprise is told (it was not: the
    application went back silently), without the objection's words (they may name who objected). A reviewer's
    reasons ending in 。 are not followed by a second 。."""
    from tests.dbtest import to_announced

    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    step(session, "object", people.miit, app, on=date(2025, 9, 30), reasons="收到实名异议（张三）：项目未按期建成。")
    [told] = [m for m in messages.inbox(session, actor=people.alice) if m.kind == "application.object"]
    assert told.subject == f"申报 #{app.id} 公示期间收到异议" and "已转回责任单位复核" in told.body
    assert "张三" not in told.body and told.link == f"/applications/{app.id}"
    step(session, "reject", people.miit, app, on=date(2025, 10, 9), reasons="项目未按期建成。")
    [rejected] = [m for m in messages.inbox(session, actor=people.alice) if m.kind == "application.reject"]
    assert rejected.body.startswith(f"申报 #{app.id} 不予支持：项目未按期建成。对这次办理有意见的") \
        and "。。" not in rejected.body and rejected.link == f"/applications/{app.id}#rating"


def test_reviewers_are_told_once_of_each_application_entering_their_queue(session, people, tmp_path) -> None:
    """Submitted: the city's reviewers (not another city's) are told it waits for their 市级初审; passed: the lead
    department's; a 公示 opened: finance, once for the batch, with the day it ends; the department is not told of a
    step it took itself."""
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)

    def arrived(who):
        return [m for m in messages.inbox(session, actor=who) if m.kind == "review.arrived"]

    told = arrived(people.shenyang)
    assert [m.subject for m in told] == [f"新的待审核申报 #{app.id}（市级初审）"]
    assert told[0].link == f"/review/{app.id}"
    assert arrived(people.dalian) == [] and arrived(people.miit) == [] and arrived(people.finance) == []
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    assert [m.subject for m in arrived(people.miit)] == [f"新的待审核申报 #{app.id}（责任单位审核）"]
    step(session, "propose", people.miit, app, on=date(2025, 9, 10), amount=800_000)
    step(session, "announce", people.miit, app, on=date(2025, 9, 10), starts_on=date(2025, 9, 29))
    assert len(arrived(people.miit)) == 1 and len(arrived(people.shenyang)) == 1
    told = arrived(people.finance)
    assert len(told) == 1 and "期满后待审批" in told[0].subject and f"#{app.id}" in told[0].body
    batch = session.get(Announcement, app.announcement_id)
    assert f"公示 1 件申报，{batch.ends_on} 期满后待审批" == told[0].subject


def _told(session, who, kind: str) -> list[Message]:
    return [m for m in messages.inbox(session, actor=who) if m.kind == kind]


def test_a_policy_draft_is_announced_to_the_other_admins_and_its_drafter_told_what_became_of_it(session,
                                                                                                people) -> None:
    """A draft needs a second admin to publish it, yet no other admin was told one waited, nor the drafter when it
    was published or set aside."""
    from pathlib import Path

    from huiqi.catalogue import service as catalogue
    from huiqi.users import service as users
    from huiqi.users.scope import SYSTEM
    from tests.dbtest import PASSWORD, second_admin

    admin2 = second_admin(session)
    away = users.create_user(session, actor=SYSTEM, username="admin3", display_name="停用的管理员", role="admin",
                             password=PASSWORD)
    users.set_active(session, actor=people.admin, username="admin3", active=False)
    text = (Path(__file__).parents[1] / "fixtures" / "second-policy.yaml").read_text("utf-8")
    draft = catalogue.add(session, actor=people.admin, text=text, file_name="second.yaml")
    [waiting] = _told(session, admin2, "policy.draft")
    assert waiting.subject == f"待您核对发布：政策草稿 {draft.number}（版本 {draft.id}）"
    assert waiting.body.startswith(f"系统管理员起草了{draft.number}《{draft.title}》的新版本（版本 {draft.id}")
    assert waiting.link == f"/admin/policies#version-{draft.id}"
    assert not _told(session, people.admin, "policy.draft") and not _told(session, away, "policy.draft")
    catalogue.publish(session, actor=admin2, version_id=draft.id)
    [published] = _told(session, people.admin, "policy.published")
    assert published.subject == f"您起草的政策版本已发布：{draft.number}（版本 {draft.id}）"
    assert published.body.startswith("第二位管理员已于 ") and not _told(session, admin2, "policy.published")
    revised = text.replace("title: （测试用）", "title: （测试用，修订）")
    again = catalogue.add(session, actor=people.admin, text=revised, file_name="second.yaml")
    catalogue.withdraw(session, actor=admin2, version_id=again.id, reason="文号有误，重新起草")
    [discarded] = _told(session, people.admin, "policy.discarded")
    assert discarded.subject == f"您起草的政策草稿已撤回：{again.number}（版本 {again.id}）"
    assert discarded.body.endswith("理由：文号有误，重新起草")


def test_a_whitelist_draft_is_announced_to_the_admins_and_its_proposer_told_when_published_or_discarded(
        session, people) -> None:
    from huiqi.whitelist import service as whitelist
    from tests.dbtest import second_admin

    admin2 = second_admin(session)
    draft = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    [waiting] = _told(session, admin2, "whitelist.propose")
    assert waiting.subject == f"待您核对发布：白名单拟定稿 #{draft.number}"
    assert waiting.link == f"/admin/whitelist/{draft.id}" and "按截至 2025-12-01 的档案" in waiting.body
    assert not _told(session, people.admin, "whitelist.propose")
    whitelist.publish(session, actor=admin2, version_id=draft.id, on=date(2025, 12, 2))
    [published] = _told(session, people.admin, "whitelist.published")
    assert published.subject == f"您拟定的白名单拟定稿 #{draft.number} 已发布为第 1 版"
    assert published.body.startswith("第二位管理员已于 2025-12-02 核对并发布")
    later = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 3))
    whitelist.discard(session, actor=admin2, version_id=later.id, on=date(2025, 12, 4))
    [discarded] = _told(session, people.admin, "whitelist.discarded")
    assert discarded.subject == f"您拟定的白名单拟定稿 #{later.number} 已作废"
    own = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 5))
    whitelist.discard(session, actor=people.admin, version_id=own.id, on=date(2025, 12, 5))
    assert len(_told(session, people.admin, "whitelist.discarded")) == 1, "not told of what one did oneself"
