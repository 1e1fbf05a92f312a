"""已获其他省级政策支持 (DOMAIN.md, 从高不重复): before accepting, an enterprise states what the offer's matter already
received under another provincial policy. It is the matter's ``other_support`` (audited), and the offer's ceiling is
the rules' again: ceiling − X (差额补足); at or below X nothing is left, said plainly, and the offer is neither accepted
nor confirmed until the amount is corrected."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from huiqi import clock
from huiqi.errors import Conflict, Forbidden, InputError, NotFound
from huiqi.models import AuditEvent, Matter, Offer
from huiqi.offers import replies
from huiqi.offers import service as offers
from tests.dbtest import an_offer, apply, direct_offer
from tests.webtest import bearer, marked

ON = date(2025, 7, 1)
LAKH = 10_000  # one 万元
SEVENTY = "措施上限 100 万元，扣除已获其他省级政策支持 30 万元后为 70 万元"


def _matter(session, offer: Offer) -> Matter:
    return session.get(Matter, offer.matter_id)


def test_the_ceiling_is_topped_up_only_and_the_draft_takes_it(session, people) -> None:
    offer = an_offer(session, people, ON)
    assert offer.ceiling == 100 * LAKH
    with clock.pinned(ON):
        done = replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=30 * LAKH, seen="")
    assert (done.before, done.other_support, done.granted, offer.ceiling) == (100 * LAKH, 30 * LAKH, 0, 70 * LAKH)
    assert done.said == f"已登记已获其他省级政策支持 30 万元：{SEVENTY}"
    assert _matter(session, offer).facts["other_support"] == 30 * LAKH
    trail = {e.action: e for e in session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
        ("matter.other_support", "offer.ceiling"))))}
    assert (trail["matter.other_support"].actor, trail["matter.other_support"].before,
            trail["matter.other_support"].after) == ("alice", {"other_support": None},
                                                     {"other_support": 30 * LAKH, "offer": offer.id})
    assert (trail["offer.ceiling"].before, trail["offer.ceiling"].after["ceiling"]) == ({"ceiling": 100 * LAKH},
                                                                                       70 * LAKH)
    with clock.pinned(ON):
        draft = offers.accept(session, actor=people.alice, offer_id=offer.id)
    assert draft.amount_requested == 70 * LAKH


def test_nothing_left_is_said_and_the_offer_cannot_be_accepted_until_corrected(session, people) -> None:
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        done = replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=100 * LAKH)
        assert offer.ceiling == 0 and offer.state == "open"
        assert done.said == ("已登记已获其他省级政策支持 100 万元：已获其他省级政策支持 100 万元，"
                             "不低于措施上限 100 万元：按从高不重复原则本政策不再支持，不能接受")
        with pytest.raises(Conflict, match="按从高不重复原则本政策不再支持，这项政策直达不能接受"):
            offers.accept(session, actor=people.alice, offer_id=offer.id)
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=0,
                                     seen=str(100 * LAKH))  # a typo corrected: nothing was received
        assert offer.ceiling == 100 * LAKH
        assert offers.accept(session, actor=people.alice, offer_id=offer.id).amount_requested == 100 * LAKH


def test_a_direct_offer_with_nothing_left_leaves_the_department_s_list(session, people) -> None:
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=120 * LAKH)
        assert offer.id not in [o.id for o in offers.pending(session, actor=people.miit)]
        with pytest.raises(Conflict, match="企业已登记已获其他省级政策支持不低于措施上限"):
            offers.confirm(session, actor=people.miit, offer_id=offer.id)


def test_a_direct_offer_confirmed_after_a_deduction_is_judged_the_same(session, people) -> None:
    """The offer's amount and the application's ceiling come from one rules engine: they agree."""
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=25 * LAKH)
        app = offers.confirm(session, actor=people.miit, offer_id=offer.id)
    assert (offer.ceiling, app.amount_requested, app.ceiling) == (75 * LAKH, 75 * LAKH, 75 * LAKH)


def test_bounds_scope_and_a_stale_form(session, people) -> None:
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        for wrong in (-1, replies.MOST + 1):
            with pytest.raises(InputError) as refused:
                replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=wrong)
            assert refused.value.problems == [("已获其他省级政策支持", "应在 0 至 100000 万元（10 亿元）之间")]
        with pytest.raises(Forbidden):
            replies.record_other_support(session, actor=people.miit, offer_id=offer.id, amount=0)
        with pytest.raises(NotFound):
            replies.record_other_support(session, actor=people.bob, offer_id=offer.id, amount=0)
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=10 * LAKH, seen="")
        with pytest.raises(Conflict, match="已获其他省级政策支持刚刚已登记为 10 万元"):
            replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=20 * LAKH, seen="")
    assert (offer.ceiling, _matter(session, offer).facts["other_support"]) == (90 * LAKH, 10 * LAKH)


def test_a_matter_under_review_keeps_its_figure(session, people, tmp_path) -> None:
    """h1 has an offer and, applied for separately, an application under review: what the reviewers judge stays."""
    an_offer(session, people, ON)
    first = next(o for o in offers.mine(session, actor=people.alice) if _matter(session, o).key == "h1")
    app = apply(session, people.alice, matter="h1", measure=3, amount=100 * LAKH, on=ON, store=tmp_path)
    with clock.pinned(ON), pytest.raises(Conflict, match=f"该事项的申报 #{app.id} "):
        replies.record_other_support(session, actor=people.alice, offer_id=first.id, amount=LAKH)
    assert "other_support" not in _matter(session, first).facts


def test_a_verified_matter_keeps_its_figure_as_its_own_form_does(session, people, tmp_path) -> None:
    """h1, verified by the city's reviewer in an application since rejected: what the reviewers verified stays, in
    the same words as the matter's form refuses it."""
    from huiqi.applicants import service as applicants
    from huiqi.applications import service as applications
    from tests.dbtest import ALICE_USCC, step

    an_offer(session, people, ON)
    first = next(o for o in offers.mine(session, actor=people.alice) if _matter(session, o).key == "h1")
    app = apply(session, people.alice, matter="h1", measure=3, amount=100 * LAKH, on=ON, store=tmp_path)
    with clock.pinned(ON):
        applications.verify_matter(session, actor=people.shenyang, application_id=app.id)
    step(session, "reject", people.shenyang, app, on=ON, reasons="测试：不予支持")
    said = "事项 h1 已由审核人员核实（沈阳市审核员"
    with clock.pinned(ON):
        with pytest.raises(Conflict, match=re.escape(said)) as refused:
            replies.record_other_support(session, actor=people.alice, offer_id=first.id, amount=LAKH)
        assert str(refused.value.message).endswith("），不能再修改；请联系责任单位")
        with pytest.raises(Conflict, match=re.escape(said)):
            applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
                "id": "h1", "type": "honour", "codes": ["little_giant"], "level": "national", "date": "2024-07-15",
                "other_support": LAKH})
    assert "other_support" not in _matter(session, first).facts and first.ceiling == 100 * LAKH


def test_a_listed_matter_takes_the_figure_only_its_enterprise_knows(session, people) -> None:
    """The published list says what was recognised, not what the enterprise received elsewhere: an imported matter,
    closed to its enterprise's form, takes the amount stated on its offer."""
    an_offer(session, people, ON)
    listed = next(o for o in offers.mine(session, actor=people.alice) if _matter(session, o).source == "imported")
    with clock.pinned(ON):
        replies.record_other_support(session, actor=people.alice, offer_id=listed.id, amount=10 * LAKH)
    assert (listed.ceiling, _matter(session, listed).facts["other_support"]) == (90 * LAKH, 10 * LAKH)


def test_no_note_where_the_answer_has_no_row_for_the_offer(session, people) -> None:
    """The note says how the ceiling came about; with no answer (the record unreadable) or no row for the offer (the
    record changed since), it would contradict the ceiling shown, and is left out."""
    from huiqi.applicants import service as applicants
    from tests.dbtest import ALICE_USCC

    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        replies.record_other_support(session, actor=people.alice, offer_id=offer.id, amount=30 * LAKH)
        answer = applicants.answer_for(session, actor=people.alice, uscc=ALICE_USCC)
    assert replies.shown(session, [offer], answer) == {offer.id: SEVENTY}
    assert replies.shown(session, [offer], None) == {}
    others = answer.model_copy(update={"results": [r for r in answer.results if r.measure != offer.measure]})
    assert replies.shown(session, [offer], others) == {}


@pytest.mark.anyio
async def test_a_direct_offer_with_nothing_left_says_so_on_the_page(browser, session, people) -> None:
    offer = direct_offer(session, people, ON)
    alice = browser(people.alice)
    with clock.pinned(ON):
        done = await alice.post(f"/offers/{offer.id}/other-support", data={"other_support": "150", "seen": "-"})
        after = (await alice.get("/me")).text
    assert done.status_code == 303
    row = next(r for r in after.split("<tr>") if f"/offers/{offer.id}/other-support" in r)
    assert '<td data-label="状态">按从高不重复原则不再支持（可更正金额或放弃）</td>' in row
    assert "待责任单位确认" not in row
    assert f'id="deduction-{offer.id}">已获其他省级政策支持 150 万元，不低于措施上限 100 万元：' \
           "按从高不重复原则本政策不再支持，不能确认</div>" in row
    assert "已登记已获其他省级政策支持 150 万元：已获其他省级政策支持 150 万元，不低于措施上限 100 万元：" \
           "按从高不重复原则本政策不再支持，不能确认" in after


def test_a_typed_amount_is_read_as_other_money_inputs_are() -> None:
    assert replies.typed_wan(" 12.3456 ") == 123_456 and replies.typed_wan("１,000") == 10_000_000
    for typed, said in (("", "请填写金额（以万元为单位；未获支持填 0）"), ("2亿元", "本栏以万元为单位"),
                        ("0.00001", "金额精确到元"), ("-3", "金额不能为负数"), ("abc", "不是数字")):
        with pytest.raises(InputError) as refused:
            replies.typed_wan(typed)
        [(label, why)] = refused.value.problems
        assert label == "已获其他省级政策支持" and said in why, (typed, why)


@pytest.mark.anyio
async def test_the_page_shows_the_ceiling_before_and_after(browser, session, people) -> None:
    offer = an_offer(session, people, ON)
    alice = browser(people.alice)
    with clock.pinned(ON):
        me = (await alice.get("/me")).text
        form = me[me.index(f'action="/offers/{offer.id}/other-support"'):]
        assert '<input type="hidden" name="seen" value="-">' in form[:form.index("</form>")]
        done = await alice.post(f"/offers/{offer.id}/other-support", data={"other_support": "30", "seen": "-"})
        assert done.status_code == 303 and done.headers["location"] == "/me#offers"
        after = (await alice.get("/me")).text
    assert f"已登记已获其他省级政策支持 30 万元：{SEVENTY}" in after
    row = next(r for r in after.split("<tr>") if f"/offers/{offer.id}/other-support" in r)
    assert "70万元" in row and f'id="deduction-{offer.id}">{SEVENTY}' in row
    assert 'name="other_support" inputmode="decimal" autocomplete="off" size="10" value="30"' in row
    assert f'<input type="hidden" name="seen" value="{30 * LAKH}">' in row


@pytest.mark.anyio
async def test_the_page_says_plainly_when_nothing_is_left(browser, session, people) -> None:
    offer = an_offer(session, people, ON)
    alice = browser(people.alice)
    with clock.pinned(ON):
        done = await alice.post(f"/offers/{offer.id}/other-support", data={"other_support": "150", "seen": "-"})
        after = (await alice.get("/me")).text
    assert done.status_code == 303
    row = next(r for r in after.split("<tr>") if f"/offers/{offer.id}/other-support" in r)
    assert "已获其他省级政策支持 150 万元，不低于措施上限 100 万元：按从高不重复原则本政策不再支持，不能接受" in row
    assert f"/offers/{offer.id}/accept" not in row and f"/offers/{offer.id}/decline" in row


@pytest.mark.anyio
async def test_a_mistyped_amount_is_said_beside_the_field_and_kept(browser, session, people) -> None:
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        refused = await browser(people.alice).post(f"/offers/{offer.id}/other-support",
                                                   data={"other_support": "2亿元", "seen": "-"})
        large = await browser(people.alice).post(f"/offers/{offer.id}/other-support",
                                                 data={"other_support": "100001", "seen": "-"})
    assert refused.status_code == 422
    assert '<a href="#f-other_support">已获其他省级政策支持：「2亿元」：本栏以万元为单位' in refused.text
    field = re.search(r'<input name="other_support"[^>]*id="f-other_support"[^>]*>', refused.text)
    assert field is not None and 'value="2亿元"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    assert marked(refused.text) == [("f-other_support", "「2亿元」：本栏以万元为单位，请换算为万元后只写数字"
                                                        "（1亿元填 10000，5000元填 0.5）")]
    assert large.status_code == 422 and "应在 0 至 100000 万元（10 亿元）之间" in large.text
    session.expire_all()
    assert session.get(Offer, offer.id).ceiling == 100 * LAKH and "other_support" not in _matter(session, offer).facts


@pytest.mark.anyio
@pytest.mark.parametrize(("typed", "said", "shown"), [
    ("3\x000", "不能含有空字符（NUL）", "30"),
    ("3\x070", "不能含有控制字符（U+0007）", "30"),
    ("3" * 500, "金额过长：以万元为单位，只写数字和小数点，如 100 或 12.3456（不超过 40 个字符）", "3" * 100),
    (str(10**30), "金额过大：不能超过 1000万亿元", str(10**30)),
    ("-5", "金额不能为负数", "-5"),
    ("1e5", "「1e5」不是数字：以万元为单位，只写数字和小数点，如 100 或 12.3456", "1e5"),
])
async def test_a_forged_amount_is_said_beside_the_field_and_kept(browser, session, people, typed, said,
                                                                 shown) -> None:
    """A NUL used to end on the bare error page, the offers lost."""
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        refused = await browser(people.alice).post(f"/offers/{offer.id}/other-support",
                                                   data={"other_support": typed, "seen": "-"})
    assert refused.status_code == 422 and "<h1>输入有误</h1>" not in refused.text and "\x00" not in refused.text
    assert marked(refused.text) == [("f-other_support", said)]
    field = re.search(r'<input name="other_support"[^>]*id="f-other_support"[^>]*>', refused.text)
    assert field is not None and f'value="{shown}"' in field.group(0)
    session.expire_all()
    assert session.get(Offer, offer.id).ceiling == 100 * LAKH and "other_support" not in _matter(session, offer).facts


@pytest.mark.anyio
async def test_a_stale_page_is_refused_rather_than_replacing_the_other_tab_s_figure(browser, session, people) -> None:
    offer = an_offer(session, people, ON)
    one, two = browser(people.alice), browser(people.alice)
    with clock.pinned(ON):
        first = await one.post(f"/offers/{offer.id}/other-support", data={"other_support": "10", "seen": "-"})
        late = await two.post(f"/offers/{offer.id}/other-support", data={"other_support": "20", "seen": "-"})
    assert first.status_code == 303
    assert late.status_code == 409 and "已获其他省级政策支持刚刚已登记为 10 万元：请核对后再改" in late.text
    session.expire_all()
    assert session.get(Offer, offer.id).ceiling == 90 * LAKH


@pytest.mark.anyio
async def test_the_api_states_the_amount_in_yuan(client, session, people, set_today) -> None:
    offer = an_offer(session, people, ON)
    set_today(ON)
    alice = bearer(session, people.alice)
    url = f"/api/v1/offers/{offer.id}/other-support"
    for wrong in (-1, replies.MOST + 1, "30", True):
        refused = await client.post(url, headers=alice, json={"other_support": wrong})
        assert refused.status_code == 422, (wrong, refused.text)
    done = await client.post(url, headers=alice, json={"other_support": 40 * LAKH, "seen": ""})
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["ceiling_before_deduction"], body["other_support"], body["ceiling"], body["offer"]["ceiling"]) == (
        100 * LAKH, 40 * LAKH, 60 * LAKH, 60 * LAKH)
    stale = await client.post(url, headers=alice, json={"other_support": 50 * LAKH, "seen": ""})
    assert stale.status_code == 409 and "刚刚已登记为 40 万元" in stale.json()["detail"]
    whole = await client.post(url, headers=alice, json={"other_support": 100 * LAKH})
    assert whole.json()["ceiling"] == 0 and "本政策不再支持" in whole.json()["said"]
    refused = await client.post(f"/api/v1/offers/{offer.id}/accept", headers=alice)
    assert refused.status_code == 409 and "不能接受" in refused.json()["detail"]
