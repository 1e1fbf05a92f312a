"""An application's page in two tabs: the amount form says what its page showed (state and amount), so of two saves
the later is refused (409, nothing changed) instead of silently undoing the other; a step another tab has just
taken is told as a refusal, not as a form to correct; a saved draft says so."""

import re
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.applications import service
from huiqi.models import Application, AuditEvent, User
from tests.dbtest import ALICE_USCC, PDF, a_round, at_once, make_people, make_records, step, with_payee

pytestmark = pytest.mark.anyio
REFUSED = '<h2 id="error-summary-title">未能完成</h2>'


def _seen(page: str) -> dict[str, str]:
    """The hidden fields of the amount form, as the browser would send them."""
    form = re.search(r'<form method="post" action="/applications/\d+/amount".*?</form>', page, re.S)
    assert form, "no amount form"
    return dict(re.findall(r'<input type="hidden" name="(seen_\w+)" value="([^"]*)">', form.group(0)))


async def _draft(alice, session, amount: str = "80") -> int:
    created = await alice.post("/applications/new",
                               data={"matter": "h1", "measure": f"{a_round(session)}/3", "amount": amount})
    assert created.status_code == 303, created.text
    return int(created.headers["location"].rsplit("/", 1)[1])


def _changes(session, number: int) -> list[dict]:
    return [e.after for e in session.scalars(select(AuditEvent).where(
        AuditEvent.action == "application.amount_requested", AuditEvent.entity_id == str(number)))]


async def test_a_saved_draft_says_so_on_its_page(browser, session, people) -> None:
    alice = browser(people.alice)
    number = await _draft(alice, session)
    page = (await alice.get(f"/applications/{number}")).text
    assert f"✓ 草稿已保存（申报 #{number}），尚未提交" in page
    assert "草稿已保存" not in (await alice.get(f"/applications/{number}")).text, "said once"


async def test_two_tabs_saving_the_amount_keep_the_first_and_refuse_the_second(browser, session, people) -> None:
    alice = browser(people.alice)
    number = await _draft(alice, session)
    url = f"/applications/{number}"
    first, second = (await alice.get(url)).text, (await alice.get(url)).text
    assert _seen(first) == {"seen_state": "draft", "seen_amount": "800000"}
    assert (await alice.post(f"{url}/amount", data={"amount": "90", **_seen(first)})).status_code == 303
    stale = await alice.post(f"{url}/amount", data={"amount": "95", **_seen(second)})
    assert stale.status_code == 409, stale.text[:500]
    assert f"申报 #{number} 已在其他页面修改（现为「草稿」，申请金额 90 万元），本次未修改申请金额" in stale.text
    assert REFUSED in stale.text and "请修改以下内容" not in stale.text, "a refusal, nothing typed to correct"
    assert "申请金额已修改" not in stale.text
    assert 'name="amount" inputmode="decimal" value="95"' in stale.text, "what was typed is kept"
    assert _seen(stale.text)["seen_amount"] == "900000", "shown afresh: saved again, it is meant"
    assert session.get(Application, number).amount_requested == 900_000
    assert _changes(session, number) == [{"amount_requested": 900_000}], "one change on the record"


async def test_a_tab_opened_before_the_application_came_back_is_refused(browser, session, people, tmp_path) -> None:
    alice = browser(people.alice)
    number = await _draft(alice, session)
    url = f"/applications/{number}"
    before = _seen((await alice.get(url)).text)
    service.add_material(session, actor=people.alice, application_id=number, filename="申报书.pdf", content=PDF,
                         store=tmp_path)
    service.declare(session, actor=people.alice, application_id=number)
    step(session, "submit", people.alice, number, on=date(2025, 9, 1))
    step(session, "return", people.shenyang, number, on=date(2025, 9, 2), reasons="请补充认定文件")
    stale = await alice.post(f"{url}/amount", data={"amount": "95", **before})
    assert stale.status_code == 409 and "现为「退回补正」，申请金额 80 万元" in stale.text
    assert session.get(Application, number).amount_requested == 800_000
    fresh = _seen((await alice.get(url)).text)
    assert fresh == {"seen_state": "returned", "seen_amount": "800000"}
    assert (await alice.post(f"{url}/amount", data={"amount": "95", **fresh})).status_code == 303


async def test_the_api_checks_what_it_is_told_was_seen(browser, session, people) -> None:
    alice = browser(people.alice)
    number = await _draft(alice, session)
    url = f"/api/v1/applications/{number}"
    stale = await alice.send("PATCH", url, json={"amount_requested": 950_000, "seen_amount": 700_000})
    assert stale.status_code == 409 and "申请金额 80 万元" in stale.json()["detail"]
    moved = await alice.send("PATCH", url, json={"amount_requested": 950_000, "seen_state": "returned"})
    assert moved.status_code == 409 and "现为「草稿」" in moved.json()["detail"]
    assert session.get(Application, number).amount_requested == 800_000
    done = await alice.send("PATCH", url, json={"amount_requested": 950_000, "seen_amount": 800_000,
                                                "seen_state": "draft"})
    assert done.status_code == 200 and done.json()["amount_requested"] == 950_000
    unsaid = await alice.send("PATCH", url, json={"amount_requested": 900_000})
    assert unsaid.status_code == 200 and unsaid.json()["amount_requested"] == 900_000, "not said, not checked"


def test_two_saves_of_the_amount_at_once_end_in_one(own_database) -> None:
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        number = service.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key="h1",
                                      round_id=a_round(session), measure=3, amount_requested=800_000).id
    amounts = [900_000, 950_000]

    def save(amount: int):
        def act(session) -> None:
            alice = session.scalar(select(User).where(User.username == "alice"))
            service.change_amount(session, actor=alice, application_id=number, amount_requested=amount,
                                  seen_state="draft", seen_amount=800_000)
        return act

    outcomes = at_once(own_database, [save(amounts[0]), save(amounts[1])])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(own_database) as session:
        assert session.get(Application, number).amount_requested == amounts[outcomes.index("done")]
        assert len(_changes(session, number)) == 1


async def test_the_later_of_two_submissions_is_told_as_a_refusal(browser, session, people, tmp_path) -> None:
    alice = browser(people.alice)
    number = await _draft(alice, session)
    service.add_material(session, actor=people.alice, application_id=number, filename="申报书.pdf", content=PDF,
                         store=tmp_path)
    service.declare(session, actor=people.alice, application_id=number)
    with_payee(session, people.alice, number)
    assert (await alice.post(f"/applications/{number}/submit")).status_code == 303
    later = await alice.post(f"/applications/{number}/submit")
    assert later.status_code == 409 and "可能刚被他人处理，请刷新后查看" in later.text
    assert REFUSED in later.text and "请修改以下内容" not in later.text
