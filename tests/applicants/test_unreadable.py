"""A stored fact the rules can no longer read: a matter coded under a policy since withdrawn. The enterprise's page
opens and says so (it is where the matter is corrected), and work done for every enterprise at once (offers after a
list, the closing reminders, a policy's comparison over the record) goes on for the others."""

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from huiqi import clock
from huiqi.applicants import repository as applicants
from huiqi.applicants import service as applicant_service
from huiqi.catalogue import service as catalogue
from huiqi.catalogue.diff import database_cases
from huiqi.messages import service as messages
from huiqi.models import Message, Offer
from huiqi.offers import service as offers
from huiqi.rounds import opening
from huiqi.users.scope import SYSTEM

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"


@pytest.fixture
def orphaned(session, people) -> None:
    """Alice records a 测试试点项目 (a code of the test successor policy), then the policy is withdrawn."""
    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second-policy.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=draft.id)
    applicant_service.save_matter(session, actor=people.alice, uscc=people.alice.uscc, matter={
        "id": "t1", "type": "project", "codes": ["test_pilot"], "investment": 1_000_000, "date": "2025-03-01"})
    catalogue.withdraw(session, actor=people.admin, version_id=draft.id, reason="测试：撤回")


@pytest.mark.anyio
async def test_the_enterprise_page_opens_and_says_what_cannot_be_read(browser, people, orphaned) -> None:
    page = await browser(people.alice).get("/me")
    assert page.status_code == 200
    said = page.text[page.text.index('id="unreadable"'):]
    assert said.startswith('id="unreadable">本单位登记的信息无法按现行规则判断：'), said[:400]
    assert said.startswith('id="unreadable">本单位登记的信息无法按现行规则判断：事项「t1」事项代码：'), said[:400]
    assert "test_pilot" in said[:400] and "matters[" not in said[:400], "the matter by its name, not its index"
    assert "h1" in page.text, "the matters are listed, so the one in question can be changed"
    export = await browser(people.alice).get("/me/claims.xlsx")
    assert export.status_code == 409 and "无法按现行规则判断" in export.text and "t1" in export.text
    new = await browser(people.alice).get("/applications/new")
    assert new.status_code == 200 and "t1" in new.text, "the new application form opens too"
    form = (await browser(people.alice).get("/me?matter=t1")).text
    assert 'value="t1"' in form, "the matter opens in the form"
    changed = await browser(people.alice).post("/me/matters", data={
        "key": "t1", "editing": "t1", "matters-0-codes": "smart_manufacturing", "matters-0-investment": "100",
        "matters-0-date": "2025-03-01"})
    assert changed.status_code == 303, changed.text
    again = (await browser(people.alice).get("/me")).text
    assert 'id="unreadable"' not in again and 'id="claims"' in again, "changed, the record is read again"


def test_work_for_everyone_goes_on_for_the_others(session, people, orphaned) -> None:
    with clock.pinned(date(2025, 9, 1)):
        opening.open_round(session, actor=SYSTEM, policy_id="ln-2022-35", title="测试截止提醒",
                           opens_on=date(2025, 9, 1), closes_on=date(2025, 9, 5), measures=[opening.MeasureIn(13)])
    messages.digest(session, date(2025, 9, 2))
    told = session.scalars(select(Message.user_id).where(Message.kind == "round.closing")).all()
    assert people.bob.id in told and people.alice.id not in told, "Bob's key_tech is reminded; Alice is skipped"
    touched = [applicants.by_uscc(session, who.uscc) for who in (people.alice, people.bob)]
    assert offers.make_for(session, touched, date(2025, 9, 2)).made >= 0, "Alice's record is passed over, not fatal"
    assert [o.uscc for o in session.scalars(select(Offer))] == [people.bob.uscc], "Bob's key_tech is offered"
    cases = database_cases(session, date(2025, 9, 2))
    assert people.bob.uscc in {c.applicant.uscc for c in cases}
    assert people.alice.uscc not in {c.applicant.uscc for c in cases}


@pytest.mark.anyio
async def test_the_admin_is_told_before_withdrawing_which_recorded_matters_it_leaves_behind(browser, session,
                                                                                           people) -> None:
    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second-policy.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=draft.id)
    applicant_service.save_matter(session, actor=people.alice, uscc=people.alice.uscc, matter={
        "id": "t1", "type": "project", "codes": ["test_pilot"], "investment": 1_000_000, "date": "2025-03-01"})
    page = (await browser(people.admin).get("/admin/policies")).text
    told = page[page.index(f'id="left-behind-{draft.id}"'):]
    assert told.startswith(f'id="left-behind-{draft.id}">撤回后，测试试点项目事项不再被识别'), told[:300]
    assert "已登记的事项中有 1 个属于这些类别" in told[:300]
    assert page.count('id="left-behind-') == 1, "35号's codes are all known to the other policy in force too"
    applicant_service.save_matter(session, actor=people.alice, uscc=people.alice.uscc, matter={
        "id": "t1", "type": "project", "codes": ["smart_manufacturing"], "investment": 1_000_000, "date": "2025-03-01"})
    page = (await browser(people.admin).get("/admin/policies")).text
    told = page[page.index(f'id="left-behind-{draft.id}"'):]
    assert "目前没有已登记的事项属于这些类别。" in told[:300], told[:300]
