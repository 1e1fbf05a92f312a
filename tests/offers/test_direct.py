"""免申即享: a measure delivered without an application. An imported list makes the offer; the enterprise cannot
apply for it; the lead department confirms it (二次确认) into an application in its own review, which then goes
to 公示 and approval as any other; a department that does not lead the measure cannot; set aside, with reasons."""

from datetime import date

import pytest

from huiqi import clock
from huiqi.applications import payee
from huiqi.errors import Conflict, Forbidden, InputError
from huiqi.funding import service as budgets
from huiqi.offers import service as offers
from tests.dbtest import direct_offer, step

ON = date(2025, 7, 1)


@pytest.fixture
def offer(session, people):
    return direct_offer(session, people, ON)


def test_the_lead_department_confirms_and_it_goes_on_to_approval(session, people, offer) -> None:
    with clock.pinned(ON), pytest.raises(Conflict, match="免申即享"):
        offers.accept(session, actor=people.alice, offer_id=offer.id)
    with clock.pinned(ON):
        assert [o.id for o in offers.pending(session, actor=people.miit)] == [o.id for o in offers.pending(
            session, actor=people.admin)] and offer.id in [o.id for o in offers.pending(session, actor=people.miit)]
        assert offers.pending(session, actor=people.most) == []
        with pytest.raises(Forbidden, match="省工业和信息化厅牵头确认"):
            offers.confirm(session, actor=people.most, offer_id=offer.id)
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    assert (app.state, app.amount_requested, app.ceiling, offer.state) == ("department_review", 1_000_000,
                                                                           1_000_000, "confirmed")
    with clock.pinned(ON), pytest.raises(Conflict):
        offers.confirm(session, actor=people.miit, offer_id=offer.id)
    step(session, "propose", people.miit, app, on=date(2025, 7, 2), amount=800_000)
    step(session, "announce", people.miit, app, on=date(2025, 7, 2), starts_on=date(2025, 7, 3))
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=5_000_000)
    assert step(session, "approve", people.finance, app, on=date(2025, 7, 15)).application.state == "approved"


def test_an_offer_whose_matter_has_an_application_is_not_confirmed(session, people, offer) -> None:
    """从高不重复: the matter already has a live application (here one approved): the confirmation says which."""
    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    app.state = "approved"  # as if approved, and the offer confirmed afresh (a second list, say)
    offer.state = "open"
    session.flush()
    with clock.pinned(ON), pytest.raises(Conflict, match=f"该事项已获支持（申报 #{app.id}，已批准），不再依据名单确认"):
        offers.confirm(session, actor=people.miit, offer_id=offer.id)


def test_set_aside_needs_a_reason(session, people, offer) -> None:
    with clock.pinned(ON):
        with pytest.raises(InputError):
            offers.set_aside(session, actor=people.miit, offer_id=offer.id, reason=" ")
        offers.set_aside(session, actor=people.miit, offer_id=offer.id, reason="名单核查：该企业已注销")
    assert offer.state == "set_aside" and offer.reason == "名单核查：该企业已注销"


def test_another_unit_is_told_whose_the_offer_is_before_any_reason(session, people, offer) -> None:
    """A unit that does not lead the measure learns that first: asking it for a reason it may not give misled."""
    from huiqi.errors import Forbidden

    with clock.pinned(ON), pytest.raises(Forbidden, match=r"措施3由.*牵头确认或不予确认"):
        offers.set_aside(session, actor=people.most, offer_id=offer.id, reason=" ")


@pytest.mark.anyio
async def test_statistics_and_the_public_page(browser, session, people, offer) -> None:
    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    step(session, "propose", people.miit, app, on=date(2025, 7, 2), amount=800_000)
    step(session, "announce", people.miit, app, on=date(2025, 7, 2), starts_on=date(2025, 7, 3))
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=5_000_000)
    step(session, "approve", people.finance, app, on=date(2025, 7, 15))
    payee.confirm(session, actor=people.alice, application_id=app.id, bank="中国工商银行沈阳分行",
                  account="6222000012345678")
    desk = (await browser(people.finance).get(f"/review/{app.id}")).text
    assert "收款账户：中国工商银行沈阳分行 尾号 5678" in desk and "6222000012345678" not in desk, "masked"
    step(session, "disburse", people.finance, app, on=date(2025, 7, 20), paid_on=date(2025, 7, 20), reference="D-1")
    rows = {r.key: r for r in offers.statistics(session, actor=people.finance)}
    m3 = next(r for k, r in rows.items() if "措施3" in k)
    assert (m3.confirmed, m3.paid, m3.paid_amount, m3.mean_days) == (1, 1, 800_000, 49)  # 6-01 to 7-20
    assert [r.key for r in offers.statistics(session, actor=people.finance, by="city")] == ["沈阳市"]
    with clock.pinned(ON):
        public = (await browser(None).get("/direct")).text
    assert "免申即享的公示" in public and "示例科技有限公司" in public


def test_a_confirmed_offer_is_in_the_trail_so_an_edited_amount_is_named(session, people, offer) -> None:
    from sqlalchemy import text

    from huiqi.audit import service as audit

    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    created = [e for e in audit.history(session, entity="application", entity_id=app.id)
               if e.action == "application.create"]
    assert len(created) == 1 and created[0].actor == "miit"
    assert audit.verify(session).intact
    session.execute(text("UPDATE applications SET amount_requested = 9000000 WHERE id = :id"), {"id": app.id})
    session.expire_all()
    checked = audit.verify(session)
    assert not checked.intact and checked.differences == [
        f"申报 #{app.id}：申请金额为 900 万元，审计事件记载为 100 万元"]


def test_the_enterprise_cannot_apply_for_it_in_the_usual_way(session, people, offer) -> None:
    """A 免申即享 measure takes no application: a draft for it is refused, naming where the offer is shown, and it
    is not among the measures of the new-application form."""
    from huiqi.applications import pages
    from huiqi.applications import service as applications
    from huiqi.models import Matter
    from tests.dbtest import ALICE_USCC

    with clock.pinned(ON), pytest.raises(InputError) as caught:
        key = session.get(Matter, offer.matter_id).key
        applications.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key=key,
                                  round_id=offer.round_id, measure=3, amount_requested=1_000_000)
    assert caught.value.problems[0][0] == "measure" and "免申即享：无需申报" in caught.value.problems[0][1]
    with clock.pinned(ON):
        assert not [value for value, _, _ in pages._open_measures(session, []) if value == f"{offer.round_id}/3"]



@pytest.mark.anyio
async def test_its_matter_cannot_be_chosen_on_the_new_application_form(browser, session, people, offer) -> None:
    """No open measure takes an application for the 免申即享 matter: the form shows it, not selectable, saying why."""
    from huiqi.models import Matter

    key = session.get(Matter, offer.matter_id).key
    with clock.pinned(ON):
        form = (await browser(people.alice).get("/applications/new")).text
    shown = form.split(f'<option value="{key}"')[1].split("</option>")[0]
    assert shown.startswith(" disabled>") and "不可申报：免申即享，依据公布名单由责任单位确认" in shown


@pytest.mark.anyio
async def test_its_application_does_not_claim_a_declaration_and_the_round_asks_for_no_materials(browser, session,
                                                                                               people, offer) -> None:
    """The enterprise made no 承诺 for a grant it did not apply for: its page says none is needed (it used to show
    "✓ 已于 — 作出承诺"); the rounds page asks for no materials for a measure delivered directly."""
    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    page = (await browser(people.alice).get(f"/applications/{app.id}")).text
    promise = page[page.index('<h2 id="declaration">承诺</h2>'):]
    assert "企业无需申报，也无需作出承诺" in promise and "✓ 已于" not in promise
    with clock.pinned(ON):
        listed = (await browser(people.alice).get("/rounds")).text
    row = listed[listed.index("2025年度免申即享"):]
    row = row[row.index('<td data-label="所需材料">'):]
    assert row.startswith('<td data-label="所需材料">无需企业提交</td>')


@pytest.mark.anyio
async def test_a_refused_account_keeps_what_was_typed_and_links_to_its_field(browser, session, people, offer) -> None:
    """The form said "应为 8 至 32 位数字" and came back empty, the bank reverted, its link led nowhere; an account
    typed in full-width digits or grouped by hyphens is an account."""
    from huiqi.models import Application

    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    alice = browser(people.alice)
    refused = await alice.post(f"/applications/{app.id}/payee", data={"bank": "中国银行", "account": "1234"})
    assert refused.status_code == 422
    assert 'href="#f-account"' in refused.text and 'id="f-account"' in refused.text
    assert 'value="中国银行"' in refused.text and 'value="1234"' in refused.text
    done = await alice.post(f"/applications/{app.id}/payee", data={"bank": "中国银行", "account": "６２２２-0212 3456"})
    assert done.status_code in (200, 303)
    assert session.get(Application, app.id).payee_account == "622202123456"


@pytest.mark.anyio
async def test_an_account_confirmed_meanwhile_is_not_silently_replaced(browser, session, people, offer) -> None:
    """Two confirmations of the account at once (two tabs, two colleagues): the second, whose page showed none yet,
    is refused (409) naming the account now confirmed; from the page shown then, changing it works."""
    import re

    from huiqi.models import Application

    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    alice = browser(people.alice)
    page = (await alice.get(f"/applications/{app.id}")).text
    seen = re.search(r'name="seen" value="([^"]*)"', page).group(1)
    assert seen == "-"
    first = await alice.post(f"/applications/{app.id}/payee",
                             data={"bank": "工商银行", "account": "6222000011112222", "seen": seen})
    assert first.status_code == 303
    second = await alice.post(f"/applications/{app.id}/payee",
                              data={"bank": "建设银行", "account": "6217000033334444", "seen": seen})
    assert second.status_code == 409 and "收款账户刚刚已确认为 工商银行，账号尾号 2222" in second.text
    assert session.get(Application, app.id).payee_bank == "工商银行"
    now = re.search(r'name="seen" value="([^"]*)"', second.text).group(1)
    changed = await alice.post(f"/applications/{app.id}/payee",
                               data={"bank": "建设银行", "account": "6217000033334444", "seen": now})
    assert changed.status_code == 303
    session.expire_all()
    assert session.get(Application, app.id).payee_bank == "建设银行"


@pytest.mark.anyio
async def test_the_me_page_introduces_a_direct_offer_as_needing_no_acceptance(browser, session, people, offer) -> None:
    with clock.pinned(ON):
        me = (await browser(people.alice).get("/me")).text
    intro = me[me.index('id="offers-intro"'):]
    intro = intro[:intro.index("</p>")]
    assert "免申即享" in intro and "无需接受" in intro and "接受后即生成申报草稿" not in intro
    assert "接受并生成申报" not in me


@pytest.mark.anyio
async def test_its_page_speaks_of_免申即享_not_of_a_submission(browser, session, people, offer) -> None:
    with clock.pinned(ON):
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
        page = (await browser(people.alice).get(f"/applications/{app.id}")).text
    assert "申报已提交审核" not in page and "只需在下方确认收款账户" in page
    stages = page[page.index('aria-label="办理进度"'):]
    stages = stages[:stages.index("</ol>")]
    assert '<li class="done">免申即享' in stages and "填报" not in stages
    desk = (await browser(people.miit).get(f"/review/{app.id}")).text
    stages = desk[desk.index('aria-label="办理进度"'):]
    assert '<li class="done">免申即享' in stages[:stages.index("</ol>")], "the reviewer reads the same stages"
