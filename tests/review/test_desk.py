"""The review desk as a reviewer works it: forms that say what the page showed (a stale tab is refused 409), the
queue of work the reader can do, the proposed amount corrected before the 公示, and a timeline with the score and
the amounts."""

import re
from datetime import date

import pytest

from huiqi.messages import service as messages
from tests.dbtest import step, to_announced
from tests.review.conftest import ON
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


def _seen(page: str, step_name: str) -> dict[str, str]:
    """The hidden fields of one desk form, as the browser would send them."""
    form = re.search(rf'<form method="post" action="/review/\d+/{step_name}".*?</form>', page, re.S)
    assert form, f"no {step_name} form"
    return dict(re.findall(r'<input type="hidden" name="(seen_\w+)" value="([^"]*)">', form.group(0)))


@pytest.mark.parametrize("action", ["reject", "return"])
async def test_a_stale_tab_is_refused_after_a_proposal(browser, people, alice_h1, action) -> None:
    await browser(people.shenyang).post(f"/review/{alice_h1.id}/pass_city")
    miit = browser(people.miit)
    first, second = (await miit.get(f"/review/{alice_h1.id}")).text, (await miit.get(f"/review/{alice_h1.id}")).text
    assert _seen(first, "propose") == {"seen_state": "department_review", "seen_amount": ""}
    done = await miit.post(f"/review/{alice_h1.id}/propose", data={"amount": "50", **_seen(first, "propose")})
    assert done.status_code == 303
    stale = await miit.post(f"/review/{alice_h1.id}/{action}", data={"reasons": "材料不全", **_seen(second, action)})
    assert stale.status_code == 409
    assert f"申报 #{alice_h1.id} 已在其他页面或由他人办理（现为「已拟定金额」，拟定金额 50 万元）" in stale.text
    assert alice_h1.state == "proposed" and alice_h1.amount_proposed == 500_000
    assert _seen(stale.text, action) == {"seen_state": "proposed", "seen_amount": "500000"}, "shown afresh"


async def test_two_tabs_scoring_the_same_application_end_in_one_score(browser, session, people, alice_h1) -> None:
    step(session, "pass_city", people.shenyang, alice_h1, on=ON)
    miit = browser(people.miit)
    first, second = (await miit.get(f"/review/{alice_h1.id}")).text, (await miit.get(f"/review/{alice_h1.id}")).text
    assert _seen(first, "score") == {"seen_state": "department_review", "seen_amount": "", "seen_score": ""}
    done = await miit.post(f"/review/{alice_h1.id}/score", data={"score": "80", **_seen(first, "score")})
    assert done.status_code == 303
    stale = await miit.post(f"/review/{alice_h1.id}/score", data={"score": "30", **_seen(second, "score")})
    assert stale.status_code == 409 and "评审得分 80" in stale.text and alice_h1.expert_score == 80
    assert _seen(stale.text, "score")["seen_score"] == "80", "shown afresh"


async def test_the_department_corrects_a_typo_in_the_amount(browser, session, people, alice_h1) -> None:
    step(session, "pass_city", people.shenyang, alice_h1, on=ON)
    step(session, "propose", people.miit, alice_h1, on=ON, amount=90_000)
    miit = browser(people.miit)
    page = (await miit.get(f"/review/{alice_h1.id}")).text
    assert 'id="form-amend"' in page and 'name="amount" inputmode="decimal" value="9"' in page
    too_much = await miit.post(f"/review/{alice_h1.id}/amend", data={"amount": "120", **_seen(page, "amend")})
    assert too_much.status_code == 422 and "超过上限 100 万元" in too_much.text and alice_h1.amount_proposed == 90_000
    same = await miit.post(f"/review/{alice_h1.id}/amend", data={"amount": "9", **_seen(page, "amend")})
    assert same.status_code == 422 and "与现拟定金额相同，无需更正" in same.text and "改为 9 万元" not in same.text
    done = await miit.post(f"/review/{alice_h1.id}/amend", data={"amount": "90", **_seen(page, "amend")})
    assert done.status_code == 303 and (alice_h1.state, alice_h1.amount_proposed) == ("proposed", 900_000)
    stale = await miit.post(f"/review/{alice_h1.id}/announce", data={"starts_on": "2025-09-29",
                                                                     **_seen(page, "announce")})
    assert stale.status_code == 409 and "拟定金额 90 万元" in stale.text and alice_h1.state == "proposed"
    shown = (await miit.get(f"/review/{alice_h1.id}")).text
    assert "拟定金额由 9 万元改为 90 万元" in shown  # the timeline


async def test_the_department_waits_for_its_announcement_only_while_it_runs(browser, session, people, tmp_path,
                                                                            set_today) -> None:
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)  # 公示 2025-09-29 to 2025-10-11
    miit, link = browser(people.miit), f'href="/review/{app.id}"'
    for day, waiting in ((date(2025, 9, 26), False), (date(2025, 10, 9), True), (date(2025, 10, 13), False)):
        set_today(day)
        assert (link in (await miit.get("/review")).text) is waiting, day
    assert link in (await miit.get("/review?state=announced")).text, "still found by its state"
    assert link in (await browser(people.finance).get("/review")).text, "finance's to approve"


async def test_finance_waits_for_an_announcement_only_once_it_has_ended(browser, client, session, people, tmp_path,
                                                                        set_today) -> None:
    """Approval waits for the 公示's end: finance's 待我处理 (the page, the API's total, the daily digest) lists an
    application in 公示 only from the day after it ends, by the business day; the department's only while it runs:
    never both, and from its first day always one."""
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)  # 公示 2025-09-29 to 2025-10-11
    finance, miit, link = browser(people.finance), browser(people.miit), f'href="/review/{app.id}"'
    token = bearer(session, people.finance)
    for day, department_waits, finance_waits in ((date(2025, 9, 26), False, False), (date(2025, 9, 29), True, False),
                                                 (date(2025, 10, 11), True, False), (date(2025, 10, 12), False, True)):
        set_today(day)
        queue = (await finance.get("/review")).text
        assert (link in queue) is finance_waits, day
        assert (link in (await miit.get("/review")).text) is department_waits, day
        total = (await client.get("/api/v1/reviews", headers=token)).json()["total"]
        assert total == int(finance_waits), day
        assert ("没有待处理的申报" in queue) is not finance_waits, day
    set_today(date(2025, 10, 11))
    assert link in (await finance.get("/review?state=announced")).text, "still found by its state"
    messages.digest(session, date(2025, 10, 11))
    messages.digest(session, date(2025, 10, 12))  # counted on the day it is for, not the business day (10-11)
    told = [m.subject for m in messages.inbox(session, actor=people.finance) if m.kind == "digest"]
    assert told == ["2025-10-12：有 1 项申报待批准或待拨付"], told


async def test_the_timeline_says_the_score_and_the_amounts(browser, session, people, alice_h1, set_today) -> None:
    step(session, "pass_city", people.shenyang, alice_h1, on=ON)
    step(session, "score", people.miit, alice_h1, on=ON, score=88)
    step(session, "propose", people.miit, alice_h1, on=ON, amount=100_000)
    step(session, "announce", people.miit, alice_h1, on=ON, starts_on=date(2025, 9, 29))
    step(session, "object", people.miit, alice_h1, on=date(2025, 10, 9), reasons="认定文件存疑")
    step(session, "propose", people.miit, alice_h1, on=date(2025, 10, 9), amount=80_000)
    review = (await browser(people.miit).get(f"/review/{alice_h1.id}")).text
    for said in ("<b>录入评审得分</b>", "评审得分 88", "拟定金额 10 万元", "拟定金额 10 万元已撤销", "拟定金额 8 万元"):
        assert said in review, said
    own = (await browser(people.alice).get(f"/applications/{alice_h1.id}")).text
    assert "拟定金额 10 万元已撤销" in own and "拟定金额 8 万元" in own and "录入评审得分" in own
    assert "评审得分 88" not in own and ">88<" not in own and " 88 " not in own, "the score is the reviewers' own"


async def test_the_queue_announces_only_the_amounts_it_showed(browser, session, people, alice_h1, set_today) -> None:
    set_today(ON)
    step(session, "pass_city", people.shenyang, alice_h1, on=ON)
    step(session, "propose", people.miit, alice_h1, on=ON, amount=90_000)
    miit = browser(people.miit)
    queue = (await miit.get("/review")).text
    assert f'<input type="hidden" form="batch" name="seen-{alice_h1.id}" value="90000">' in queue
    step(session, "amend", people.miit, alice_h1, on=ON, amount=900_000)  # in another tab
    stale = await miit.post("/review/announcements", data={"application_ids": str(alice_h1.id),
                                                           "starts_on": "2025-09-29", f"seen-{alice_h1.id}": "90000"})
    assert stale.status_code == 409 and "拟定金额 90 万元" in stale.text and alice_h1.state == "proposed"
    done = await miit.post("/review/announcements", data={"application_ids": str(alice_h1.id),
                                                          "starts_on": "2025-09-29", f"seen-{alice_h1.id}": "900000"})
    assert done.status_code == 303 and alice_h1.state == "announced"
