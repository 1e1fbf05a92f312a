"""放弃: an enterprise declines an open offer, with a reason if it gives one. The offer reads 已放弃, the trail has who,
when, before and after, the lead department is told and no longer finds it waiting; of decline, accept and the
department's decision at once, one is taken and the other refused (409)."""

import re
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.errors import Conflict, Forbidden, InputError, NotFound
from huiqi.models import AuditEvent, Message, Offer, User
from huiqi.offers import replies
from huiqi.offers import service as offers
from tests.dbtest import an_offer, at_once, direct_offer, make_people, make_records
from tests.webtest import bearer

ON = date(2025, 7, 1)


def _events(session, offer_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.entity == "offer", AuditEvent.action
                                                         == "offer.decline", AuditEvent.entity_id == str(offer_id))))


def _told(session, user: User) -> list[Message]:
    return list(session.scalars(select(Message).where(Message.user_id == user.id, Message.kind == "offer.decline")))


def test_an_offer_declined_reads_so_is_audited_and_its_lead_department_is_told(session, people) -> None:
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        replies.decline(session, actor=people.alice, offer_id=offer.id, reason="  已按其他政策申报\r\n不再重复申请 ")
    assert (offer.state, offer.reason) == ("declined", "已按其他政策申报\n不再重复申请")
    assert offers.STATE_LABELS[offer.state] == "已放弃"
    [event] = _events(session, offer.id)
    kept = "已按其他政策申报\n不再重复申请"
    assert (event.actor, event.before) == ("alice", {"state": "open"})
    assert event.after == {"state": "declined", "reason": kept}
    [told] = _told(session, people.miit)  # 省工业和信息化厅 leads measure 3
    assert "示例科技有限公司" in told.subject and "措施3" in told.subject
    assert "可获支持上限 100 万元" in told.body and "理由：已按其他政策申报\n不再重复申请。" in told.body
    assert _told(session, people.most) == [], "only the lead department"
    with clock.pinned(ON), pytest.raises(Conflict, match="这项政策直达已放弃：已按其他政策申报"):
        offers.accept(session, actor=people.alice, offer_id=offer.id)


def test_a_declined_direct_offer_no_longer_waits_for_the_department(session, people) -> None:
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        assert offer.id in [o.id for o in offers.pending(session, actor=people.miit)]
        replies.decline(session, actor=people.alice, offer_id=offer.id)
        assert offer.id not in [o.id for o in offers.pending(session, actor=people.miit)]
        with pytest.raises(Conflict, match="已放弃"):
            offers.confirm(session, actor=people.miit, offer_id=offer.id)
        with pytest.raises(Conflict, match="已放弃"):
            offers.set_aside(session, actor=people.miit, offer_id=offer.id, reason="名单核查")
    assert offer.reason is None
    [told] = _told(session, people.miit)
    assert "未写理由。该事项不再等待本单位确认（免申即享）。" in told.body and told.link == "/offers/pending"


def test_a_declined_offer_is_not_made_again(session, people) -> None:
    """The next import or round matches the enterprise again: the matter it declined is not offered that measure
    again (its other matter's open offer stands as it was)."""
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        replies.decline(session, actor=people.alice, offer_id=offer.id)
        assert offers.make_for_listed(session, ON) == offers.Made(made=0, answered=1)
    same = [o for o in offers.mine(session, actor=people.alice) if o.matter_id == offer.matter_id]
    assert [(o.id, o.state) for o in same] == [(offer.id, "declined")]


def test_an_offer_set_aside_is_not_made_again(session, people) -> None:
    offer = direct_offer(session, people, ON)
    with clock.pinned(ON):
        offers.set_aside(session, actor=people.miit, offer_id=offer.id, reason="名单核查未通过")
        assert offers.make_for_listed(session, ON) == offers.Made(made=0, answered=1)
        assert offer.id not in [o.id for o in offers.pending(session, actor=people.miit)]
    same = [o for o in offers.mine(session, actor=people.alice) if o.matter_id == offer.matter_id]
    assert [(o.id, o.state) for o in same] == [(offer.id, "set_aside")]


def test_a_withdrawn_offer_may_be_made_again(session, people) -> None:
    """Withdrawn is no one's answer (the list or the matter changed): matched again, the matter is offered anew."""
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        offers.withdraw_for_matters(session, [offer.matter_id], "测试：撤回")
        assert offers.make_for_listed(session, ON) == offers.Made(made=1)
    same = [o.state for o in offers.mine(session, actor=people.alice) if o.matter_id == offer.matter_id]
    assert same == ["open", "withdrawn"]


def test_with_nobody_to_tell_the_decline_does_not_say_it_told_anyone(session, people) -> None:
    people.miit.active = False  # 省工业和信息化厅, the lead unit, has no active reviewer
    session.flush()
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        done = replies.decline(session, actor=people.alice, offer_id=offer.id)
    assert (done.told, done.said) == (False, "已放弃这项政策直达")
    assert session.scalars(select(Message).where(Message.kind == "offer.decline")).all() == []
    offer = next(o for o in offers.mine(session, actor=people.alice) if o.state == "open")
    people.miit.active = True
    session.flush()
    with clock.pinned(ON):
        done = replies.decline(session, actor=people.alice, offer_id=offer.id)
    assert (done.told, done.said) == (True, "已放弃这项政策直达，已告知牵头的责任单位")


def test_only_the_enterprise_itself_declines(session, people) -> None:
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        with pytest.raises(Forbidden, match="只有企业用户可以放弃本单位的政策直达"):
            replies.decline(session, actor=people.miit, offer_id=offer.id)
        with pytest.raises(NotFound):
            replies.decline(session, actor=people.bob, offer_id=offer.id)
    assert offer.state == "open" and _events(session, offer.id) == []


def test_a_reason_counts_a_line_break_once_and_is_bounded(session, people) -> None:
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        with pytest.raises(InputError) as refused:
            replies.decline(session, actor=people.alice, offer_id=offer.id, reason="甲" * 499 + "\r\n" + "乙")
        assert refused.value.problems == [("放弃理由", "不能超过 500 个字（现为 501 个字）")]
        with pytest.raises(InputError, match="控制字符"):
            replies.decline(session, actor=people.alice, offer_id=offer.id, reason="甲\x1b乙")
        assert offer.state == "open"
        replies.decline(session, actor=people.alice, offer_id=offer.id, reason="甲" * 498 + "\r\n" + "乙")
    assert offer.state == "declined" and len(offer.reason) == 500


def test_an_accepted_offer_is_not_declined(session, people) -> None:
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        draft = offers.accept(session, actor=people.alice, offer_id=offer.id)
        with pytest.raises(Conflict, match="已接受"):
            replies.decline(session, actor=people.alice, offer_id=offer.id)
    assert (offer.state, offer.application_id) == ("accepted", draft.id)


@pytest.mark.anyio
async def test_the_page_declines_after_asking_and_lists_it_as_declined(browser, session, people) -> None:
    offer = an_offer(session, people, ON)
    alice = browser(people.alice)
    with clock.pinned(ON):
        me = (await alice.get("/me")).text
        form = me[me.index(f'action="/offers/{offer.id}/decline"'):]
        form = form[:form.index("</form>")]
        assert '<textarea name="reason"' in form and 'data-confirm="确定放弃这项政策直达？' in form
        done = await alice.post(f"/offers/{offer.id}/decline", data={"reason": "暂不需要"})
        assert done.status_code == 303 and done.headers["location"] == "/me#offers"
        after = (await alice.get("/me")).text
    assert "已放弃这项政策直达，已告知牵头的责任单位" in after
    row = next(r for r in after.split("<tr>") if "已放弃：暂不需要" in r)
    assert '<td data-label="状态">已放弃：暂不需要</td>' in row and "/offers/" not in row, "nothing left to do on it"
    assert f'action="/offers/{offer.id}/accept"' not in after and f'action="/offers/{offer.id}/decline"' not in after
    assert session.get(Offer, offer.id).state == "declined"


@pytest.mark.anyio
@pytest.mark.parametrize(("typed", "said", "shown"), [
    ("长" * 501, "不能超过 500 个字（现为 501 个字）", "长" * 500),
    # forged: a NUL met the door, a bare 「输入有误」 page and the reason lost
    ("暂不\x00需要", "不能含有空字符（NUL）", "暂不需要"),
])
async def test_a_reason_too_long_is_said_beside_it_and_kept(browser, session, people, typed, said, shown) -> None:
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        refused = await browser(people.alice).post(f"/offers/{offer.id}/decline", data={"reason": typed})
    assert refused.status_code == 422
    assert f'<a href="#f-reason">放弃理由：{said}</a>' in refused.text
    field = re.search(r'<textarea name="reason"[^>]*id="f-reason"[^>]*>([^<]*)</textarea>', refused.text)
    assert field is not None and field.group(1) == shown and 'aria-invalid="true"' in field.group(0)
    assert '<span class="field-error" id="e-reason">' in refused.text
    assert session.get(Offer, offer.id).state == "open"


@pytest.mark.anyio
async def test_two_tabs_accept_then_decline_the_second_is_refused(browser, session, people) -> None:
    """Both tabs showed the offer open: the one sent second is refused (409) saying what the first did."""
    offer = an_offer(session, people, ON)
    one, two = browser(people.alice), browser(people.alice)
    with clock.pinned(ON):
        accepted = await one.post(f"/offers/{offer.id}/accept")
        late = await two.post(f"/offers/{offer.id}/decline", data={"reason": "不需要了"})
    assert accepted.status_code == 303
    assert late.status_code == 409 and "这项政策直达已接受（已生成申报草稿）" in late.text
    assert '<h2 id="error-summary-title">未能完成</h2>' in late.text and "请修改以下内容" not in late.text
    session.expire_all()
    assert session.get(Offer, offer.id).state == "accepted"


@pytest.mark.anyio
async def test_two_tabs_decline_then_accept_the_second_is_refused(browser, session, people) -> None:
    offer = an_offer(session, people, ON)
    one, two = browser(people.alice), browser(people.alice)
    with clock.pinned(ON):
        declined = await one.post(f"/offers/{offer.id}/decline", data={"reason": ""})
        late = await two.post(f"/offers/{offer.id}/accept")
    assert declined.status_code == 303
    assert late.status_code == 409 and "这项政策直达已放弃" in late.text
    session.expire_all()
    assert (session.get(Offer, offer.id).state, session.get(Offer, offer.id).application_id) == ("declined", None)


@pytest.mark.anyio
async def test_the_api_declines_with_or_without_a_reason(client, session, people, set_today) -> None:
    offer = direct_offer(session, people, ON)
    set_today(ON)
    alice, miit = bearer(session, people.alice), bearer(session, people.miit)
    waiting = (await client.get("/api/v1/offers/pending", headers=miit)).json()["items"]
    assert offer.id in [o["id"] for o in waiting]
    too_long = await client.post(f"/api/v1/offers/{offer.id}/decline", headers=alice, json={"reason": "长" * 501})
    assert too_long.status_code == 422 and too_long.json()["problems"][0]["field"] == "放弃理由"
    refused = await client.post(f"/api/v1/offers/{offer.id}/decline", headers=miit)
    assert refused.status_code == 403
    done = await client.post(f"/api/v1/offers/{offer.id}/decline", headers=alice)
    assert done.status_code == 200 and (done.json()["state"], done.json()["reason"]) == ("declined", None)
    again = await client.post(f"/api/v1/offers/{offer.id}/decline", headers=alice, json={"reason": "重复"})
    assert again.status_code == 409 and "已放弃" in again.json()["detail"]
    waiting = (await client.get("/api/v1/offers/pending", headers=miit)).json()["items"]
    assert offer.id not in [o["id"] for o in waiting]
    mine = (await client.get("/api/v1/offers", headers=alice)).json()["items"]
    assert next(o for o in mine if o["id"] == offer.id)["state"] == "declined"
    stats = (await client.get("/api/v1/offers/statistics", headers=miit)).json()["items"]
    assert sum(r["declined"] for r in stats) == 1


def _world(engine, mode: str) -> int:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        return an_offer(session, people, ON, mode=mode).id


def _as(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def test_decline_and_accept_at_once_end_in_one(own_database) -> None:
    """Two tabs of one enterprise, sent at the same moment: one outcome, the other refused (409)."""
    offer_id = _world(own_database, "apply")

    def decline(session) -> None:
        with clock.pinned(ON):
            replies.decline(session, actor=_as(session, "alice"), offer_id=offer_id, reason="不需要了")

    def accept(session) -> None:
        with clock.pinned(ON):
            offers.accept(session, actor=_as(session, "alice"), offer_id=offer_id)

    outcomes = at_once(own_database, [decline, accept])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(own_database) as session:
        offer = session.get(Offer, offer_id)
        assert offer.state == ("declined" if outcomes[0] == "done" else "accepted")
        assert (offer.application_id is None) == (offer.state == "declined")
        declined = session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.decline")).all()
        assert len(declined) == (1 if offer.state == "declined" else 0)


def test_decline_and_the_department_s_set_aside_at_once_end_in_one(own_database) -> None:
    offer_id = _world(own_database, "direct")

    def decline(session) -> None:
        with clock.pinned(ON):
            replies.decline(session, actor=_as(session, "alice"), offer_id=offer_id)

    def set_aside(session) -> None:
        with clock.pinned(ON):
            offers.set_aside(session, actor=_as(session, "miit"), offer_id=offer_id, reason="名单核查未通过")

    outcomes = at_once(own_database, [decline, set_aside])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(own_database) as session:
        offer = session.get(Offer, offer_id)
        assert (offer.state, offer.reason) == (("declined", None) if outcomes[0] == "done"
                                               else ("set_aside", "名单核查未通过"))
