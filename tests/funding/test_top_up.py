"""从高不重复 across policies: a matter granted under one policy is topped up under another to that policy's
ceiling (差额补足: ceiling − what was granted), never paid twice; within one policy, one grant; a measure that names
the other policy in ``stacks_with`` (另有规定的除外) is not reduced."""

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from huiqi import clock
from huiqi.applicants import repository as applicants
from huiqi.applicants import service as applicant_service
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict
from huiqi.funding import repository as grants
from huiqi.funding import service as budgets
from huiqi.messages import service as messages
from huiqi.models import Application, Matter, Message, Offer
from huiqi.offers import service as offers
from huiqi.rounds import opening
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from huiqi.workflow.judgement import judge
from tests.dbtest import PASSWORD, PDF, a_round, step, to_announced

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"
APPROVE_ON = date(2025, 10, 13)
M11 = 10_000_000  # 35号 measure 11 for Alice's p1: min(1000万元, 30% × 8000万元)


def _successor(session, people, text: str, measures: tuple[int, ...] = (1,)):
    """The test successor policy published beside 35号, a round for its measure 1, its reviewer and budget."""
    draft = catalogue.add(session, actor=people.admin, text=text, file_name="second-policy.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=draft.id)
    with clock.pinned(date(2024, 1, 1)):
        made = opening.open_round(session, actor=SYSTEM, policy_id="test-successor", title="测试配套措施申报",
                                  opens_on=date(2024, 1, 1), closes_on=date(2026, 12, 31),
                                  measures=[opening.MeasureIn(m) for m in measures])
    reviewer = users.create_user(session, actor=SYSTEM, username="test-unit", display_name="测试厅审核员",
                                 role="department", password=PASSWORD, department="测试厅")
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="test-successor", measure=1,
                       amount=100_000_000)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=11, amount=M11)
    return made.id, reviewer


@pytest.fixture
def successor(session, people):
    return _successor(session, people, SECOND.read_text(encoding="utf-8"))


@pytest.fixture
def data_bureau(session):
    return users.create_user(session, actor=SYSTEM, username="data", display_name="省数据局审核员",
                             role="department", password="long enough", department="省数据局")


def _draft(session, people, round_id: int, amount: int, tmp_path) -> Application:
    draft = applications.create_draft(session, actor=people.alice, uscc=people.alice.uscc, matter_key="p1",
                                      round_id=round_id, measure=1, amount_requested=amount)
    applications.add_material(session, actor=people.alice, application_id=draft.id, filename="申报书.pdf",
                              content=PDF, store=tmp_path)
    applications.declare(session, actor=people.alice, application_id=draft.id)
    return draft


def _through(session, people, reviewer, app: Application, amount: int) -> Application:
    """Submitted, proposed, announced and approved under the successor."""
    step(session, "submit", people.alice, app, on=date(2025, 9, 1))
    step(session, "propose", reviewer, app, on=date(2025, 9, 10), amount=amount)
    step(session, "announce", reviewer, app, on=date(2025, 9, 10), starts_on=date(2025, 9, 29))
    step(session, "approve", people.finance, app, on=APPROVE_ON)
    return app


def _ceiling_under_successor(session, app: Application) -> int:
    found = judge(session, app, on=date(2025, 9, 1)).result
    assert found is not None and found.status == "eligible" and found.ceiling is not None
    return found.ceiling


def test_a_grant_under_one_policy_is_topped_up_under_another(session, people, successor, data_bureau,
                                                             tmp_path) -> None:
    round_id, reviewer = successor
    first = to_announced(session, people.alice, [data_bureau], matter="p1", measure=11, amount=M11, store=tmp_path)
    step(session, "approve", people.finance, first, on=APPROVE_ON)
    full = 20_000_000  # the successor's measure 1 on a project of 2024: min(2000万元, 40% × 8000万元)
    draft = _draft(session, people, round_id, full, tmp_path)
    assert _ceiling_under_successor(session, draft) == full
    with pytest.raises(Conflict) as refused:
        step(session, "submit", people.alice, draft, on=date(2025, 9, 1))
    said = str(refused.value)
    assert "申请金额 2000 万元超过上限 1000 万元" in said, said
    assert re.search(r"措施上限 2000 万元，扣除已按 辽政办〔2022〕35号 措施11 获批 1000 万元（申报 #\d+）", said), said
    assert draft.state == "draft", "refused before anything changed"
    applications.change_amount(session, actor=people.alice, application_id=draft.id, amount_requested=full - M11)
    _through(session, people, reviewer, draft, full - M11)
    held = grants.grants_for_matter(session, draft.matter_id)
    assert [(g.policy_id, g.measure, g.amount) for g in held] == [("ln-2022-35", 11, M11),
                                                                  ("test-successor", 1, full - M11)]
    assert sum(g.amount for g in held) == full, "从高: the higher ceiling, once (不重复)"
    assert held[1].ceiling == full - M11, "the grant records the ceiling after the deduction"


def test_a_higher_grant_elsewhere_leaves_nothing_here(session, people, successor, data_bureau, tmp_path) -> None:
    round_id, reviewer = successor
    _through(session, people, reviewer, _draft(session, people, round_id, 20_000_000, tmp_path), 20_000_000)
    draft = applications.create_draft(session, actor=people.alice, uscc=people.alice.uscc, matter_key="p1",
                                      round_id=a_round(session), measure=11, amount_requested=M11)
    refusal = judge(session, draft, on=date(2025, 9, 1)).refusal(draft, amount=M11, eligible_only=False,
                                                                  what="申请金额")
    assert refusal is not None and "已按 测试〔2024〕1号 措施1 获批 2000 万元" in refusal, refusal
    assert "不低于措施11的上限 1000 万元" in refusal and "从高不重复" in refusal


def test_one_application_in_progress_at_a_time_across_policies(session, people, successor, data_bureau,
                                                               tmp_path) -> None:
    round_id, _ = successor
    to_announced(session, people.alice, [data_bureau], matter="p1", measure=11, amount=M11, store=tmp_path)
    with pytest.raises(Conflict, match=r"已有在办申报 #\d+（公示期满，待批准）"):
        _draft(session, people, round_id, 10_000_000, tmp_path)


def test_within_one_policy_a_second_grant_is_still_refused(session, people, successor, data_bureau,
                                                           tmp_path) -> None:
    first = to_announced(session, people.alice, [data_bureau], matter="p1", measure=11, amount=M11, store=tmp_path)
    step(session, "approve", people.finance, first, on=APPROVE_ON)
    with pytest.raises(Conflict, match="一个事项在同一政策下只享受一次支持"):
        applications.create_draft(session, actor=people.alice, uscc=people.alice.uscc, matter_key="p1",
                                  round_id=a_round(session), measure=5, amount_requested=30_000_000)


def test_support_that_stacks_is_not_reduced(session, people, data_bureau, tmp_path) -> None:
    """另有规定的除外: the successor's measure 1 names 35号 in ``stacks_with``, so both are granted in full."""
    named = "    kind: fund\n    stacks_with: [ln-2022-35]\n"
    text = SECOND.read_text(encoding="utf-8").replace("    kind: fund\n", named, 1)
    round_id, reviewer = _successor(session, people, text)
    first = to_announced(session, people.alice, [data_bureau], matter="p1", measure=11, amount=M11, store=tmp_path)
    step(session, "approve", people.finance, first, on=APPROVE_ON)
    _through(session, people, reviewer, _draft(session, people, round_id, 20_000_000, tmp_path), 20_000_000)
    held = grants.grants_for_matter(session, first.matter_id)
    assert [g.amount for g in held] == [M11, 20_000_000]


@pytest.mark.anyio
async def test_the_form_offers_a_granted_matter_for_a_top_up(browser, session, people, successor, data_bureau,
                                                             tmp_path) -> None:
    first = to_announced(session, people.alice, [data_bureau], matter="p1", measure=11, amount=M11, store=tmp_path)
    step(session, "approve", people.finance, first, on=APPROVE_ON)
    with clock.pinned(date(2025, 10, 14)):
        form = (await browser(people.alice).get("/applications/new")).text
    option = re.search(r'<option value="p1"[^>]*>[^<]*</option>', form).group(0)
    assert " disabled" not in option, option
    assert option.endswith(f" · 已获支持（申报 #{first.id}，已批准），其他政策可补足差额</option>"), option


@pytest.mark.anyio
async def test_the_form_closes_a_granted_matter_no_other_policy_takes(browser, session, people, data_bureau,
                                                                      tmp_path) -> None:
    first = to_announced(session, people.alice, [data_bureau], matter="p1", measure=11, amount=M11, store=tmp_path)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=11, amount=M11)
    step(session, "approve", people.finance, first, on=APPROVE_ON)
    with clock.pinned(date(2025, 10, 14)):
        form = (await browser(people.alice).get("/applications/new")).text
    option = re.search(r'<option value="p1"[^>]*>[^<]*</option>', form).group(0)
    assert " disabled" in option and "目前没有可补足差额的其他政策批次" in option, option


@pytest.mark.anyio
async def test_the_enterprise_page_shows_the_ceiling_left_and_offers_the_top_up(browser, session, people, successor,
                                                                                data_bureau, tmp_path) -> None:
    """A smart-manufacturing project of 5000万元: 35号 measure 11 gives 1000万元 (granted), the successor's measure 1
    2000万元, of which 1000万元 are left to claim."""
    round_id, _ = successor
    applicant_service.save_matter(session, actor=people.alice, uscc=people.alice.uscc, matter={
        "id": "p2", "type": "project", "codes": ["smart_manufacturing"], "investment": 50_000_000,
        "date": "2024-06-01"})
    first = to_announced(session, people.alice, [data_bureau], matter="p2", measure=11, amount=M11, store=tmp_path)
    step(session, "approve", people.finance, first, on=APPROVE_ON)
    with clock.pinned(date(2025, 10, 14)):
        page = (await browser(people.alice).get("/me")).text
    cells = [chunk.split("</tr>")[0] for chunk in page.split("<tr>")[1:]]
    rows = {re.search(r'data-label="措施"><a [^>]*>(措施\d+)', row).group(1): row
            for row in cells if '<span class="small muted">p2</span>' in row}
    assert set(rows) == {"措施1", "措施11"}, rows.keys()
    assert "扣除已获批 1000" in rows["措施1"]
    assert "已按 辽政办〔2022〕35号 措施11 获批 1000 万元：本措施只补足差额" in rows["措施1"]
    assert f"/applications/new?matter=p2&amp;round={round_id}&amp;measure=1" in rows["措施1"], rows["措施1"]
    assert '立即申报<span class="sr-only">：p2 · 措施1 ' in rows["措施1"], "each link named apart from the others"
    assert "立即申报" not in rows["措施11"] and f"已申报 #{first.id}" in rows["措施11"]
    with clock.pinned(date(2025, 10, 14)):
        form = (await browser(people.alice).get("/applications/new")).text
    option = re.search(r'<option value="p2"[^>]*>[^<]*</option>', form).group(0)
    assert "最高 1000 万元（措施1，扣除其他政策已批金额后）" in option, "the form says what 本单位 says is left"


@pytest.mark.anyio
async def test_the_review_page_shows_the_grant_deducted(browser, session, people, successor, data_bureau,
                                                        tmp_path) -> None:
    round_id, reviewer = successor
    first = to_announced(session, people.alice, [data_bureau], matter="p1", measure=11, amount=M11, store=tmp_path)
    step(session, "approve", people.finance, first, on=APPROVE_ON)
    draft = _draft(session, people, round_id, 10_000_000, tmp_path)
    step(session, "submit", people.alice, draft, on=date(2025, 10, 14))
    with clock.pinned(date(2025, 10, 15)):
        page = (await browser(reviewer).get(f"/review/{draft.id}")).text
    assert "扣除该事项已按其他政策获批的 1000 万元，本措施上限为 1000 万元（差额补足）" in page
    submitted = page.split('id="trace"')[1].split("按今天")[0]
    assert "上限：2000 万元" in submitted and "规则上限（提交时）</span><b>1000 万元" in page
    assert "扣除提交时该事项已按其他政策获批的 1000 万元，本措施上限为 1000 万元（差额补足）" in submitted
    with clock.pinned(date(2025, 10, 15)):
        own = (await browser(people.alice).get(f"/applications/{draft.id}")).text
    assert ('上限 1000 万元<span class="deduction">（措施上限 2000 万元，扣除该事项已按其他政策获批的 1000 万元，'
            "差额补足）") in own
    assert "该事项已按其他政策获批：" in page and "措施11 1000 万元" in page
    assert (f"同一事项另有申报 #{first.id}：辽政办〔2022〕35号 措施11，已获批；"
            "本政策只补足上限与已获批金额的差额") in page


def _h1_granted_under_35(session, people, tmp_path) -> Application:
    """Alice's 小巨人 (h1) granted 100万元 under 35号 measure 3."""
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=1_000_000)
    first = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                         amount=1_000_000, store=tmp_path)
    step(session, "approve", people.finance, first, on=APPROVE_ON)
    return first


def _offers_for_h1(session) -> list[Offer]:
    return list(session.scalars(select(Offer).join(Matter, Matter.id == Offer.matter_id).where(Matter.key == "h1")))


def test_an_offer_for_a_matter_granted_elsewhere_is_the_difference(session, people, tmp_path) -> None:
    """政策直达: the successor's measure 5 (here 300万元 for a 小巨人) offers 200万元 to a 小巨人 granted 100万元 under
    35号 measure 3, and says so; the enterprise's message names the deduction."""
    text = SECOND.read_text(encoding="utf-8").replace("value: 100万元", "value: 300万元")
    _successor(session, people, text, measures=(1, 5))
    _h1_granted_under_35(session, people, tmp_path)
    alice = applicants.by_uscc(session, people.alice.uscc)
    offers.make_for(session, [alice], date(2025, 10, 14))
    [offer] = _offers_for_h1(session)
    assert (offer.policy_id, offer.measure, offer.ceiling) == ("test-successor", 5, 2_000_000)
    made = [e for e in audit.history(session, entity="offer", entity_id=offer.id) if e.action == "offer.make"]
    assert made[0].after["ceiling"] == 2_000_000 and made[0].after["granted_elsewhere"] == 1_000_000
    said = session.scalars(select(Message.body).where(Message.kind == "offer.new")).all()
    assert any("最高 200 万元（已扣除该事项在其他政策获批的 100 万元）" in body for body in said), said
    subjects = session.scalars(select(Message.subject).where(Message.kind == "offer.new")).all()
    assert "政策直达：测试〔2024〕1号措施5，最高 200 万元" in subjects, "35号 has a measure 5 too: the policy is named"
    assert any("符合测试〔2024〕1号措施5的条件" in body for body in said), said


def test_no_offer_when_the_grant_elsewhere_is_as_high(session, people, tmp_path) -> None:
    """The fixture's measure 5 is 100万元, as 35号 measure 3 granted: nothing is left, so nothing is offered."""
    _successor(session, people, SECOND.read_text(encoding="utf-8"), measures=(1, 5))
    _h1_granted_under_35(session, people, tmp_path)
    offers.make_for(session, [applicants.by_uscc(session, people.alice.uscc)], date(2025, 10, 14))
    assert _offers_for_h1(session) == []


def test_the_closing_reminder_names_the_difference(session, people, tmp_path) -> None:
    """A round closing within the week reminds the enterprise of what is left to claim, not of the whole ceiling."""
    text = SECOND.read_text(encoding="utf-8").replace("value: 100万元", "value: 300万元")
    _successor(session, people, text, measures=(1, 5))
    _h1_granted_under_35(session, people, tmp_path)
    messages.digest(session, date(2026, 12, 28))  # the successor's round closes on 2026-12-31
    said = session.scalars(select(Message.body).where(Message.kind == "round.closing")).all()
    assert any("最高 200 万元（已扣除该事项在其他政策获批的 100 万元）" in body for body in said), said
    assert any("符合测试〔2024〕1号措施5的条件" in body for body in said), said


@pytest.mark.anyio
async def test_a_draft_under_a_lower_policy_is_told_the_other_policy_can_still_top_it_up(browser, session, people,
                                                                                         successor, tmp_path) -> None:
    """Alice's p1 under the successor's measure 1 (2000万元), where 35号 measure 5 gives 3000万元: the draft's page
    says the other policy ranks higher and can still pay the difference once this is granted."""
    round_id, reviewer = successor
    draft = _draft(session, people, round_id, 10_000_000, tmp_path)
    with clock.pinned(date(2025, 9, 1)):
        page = (await browser(people.alice).get(f"/applications/{draft.id}")).text
    preview = page[page.index('id="preview"'):page.index('id="preview"') + 2000]
    said = "该事项在 辽政办〔2022〕35号 措施5的支持更高（上限 3000 万元）。按本措施获批后，仍可按该政策申报差额"
    assert said in preview, preview
    step(session, "submit", people.alice, draft, on=date(2025, 9, 1))
    with clock.pinned(date(2025, 9, 2)):
        review = (await browser(reviewer).get(f"/review/{draft.id}")).text
    assert said in review and "不重复支持" not in review, "the reviewer is not told to refuse what may be topped up"
