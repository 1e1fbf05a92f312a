"""An enterprise's application page, as a keyboard user reads it: a wrong amount said beside its box, the stages its
measure really has from the draft on, one label for where an application stands, and a return for correction that
asks for the declaration again and keeps the first submission's day."""

import re
from datetime import date

import pytest

from huiqi import clock
from huiqi.applications import service as applications
from huiqi.applications import views
from huiqi.models import Application
from tests.dbtest import PDF, a_round, apply, step, to_announced

pytestmark = pytest.mark.anyio


async def _draft(client, session, matter: str, measure: int, amount: str = "100") -> str:
    created = await client.post("/applications/new", data={"matter": matter, "measure": f"{a_round(session)}/{measure}",
                                                          "amount": amount})
    assert created.status_code == 303, created.text
    return created.headers["location"]


def _stages(page: str) -> list[str]:
    shown = page[page.index('aria-label="办理进度"'):]
    return re.findall(r"<li[^>]*>([^<]+)", shown[:shown.index("</ol>")])


async def test_a_wrong_amount_is_said_beside_its_box_under_its_own_label(browser, session, people) -> None:
    alice = browser(people.alice)
    url = await _draft(alice, session, "h1", 3)
    refused = await alice.post(f"{url}/amount", data={"amount": "=1+1"})
    assert refused.status_code == 422
    page = refused.text
    assert '<a href="#f-amount">申请金额（万元）：「=1+1」不是数字' in page and "金额（万元）：「" not in page.replace(
        "申请金额（万元）：「", "")
    box = page[page.index('id="f-amount"'):]
    assert 'value="=1+1" aria-invalid="true" aria-describedby="e-amount"' in box[:box.index(">")]
    assert '<span class="field-error" id="e-amount">「=1+1」不是数字' in box
    assert "<label>申请金额（万元）<input" in page
    assert 'aria-invalid' not in (await alice.get(url)).text, "the page shown again is clean"


async def test_a_draft_shows_the_stages_its_measure_has(browser, session, people, tmp_path) -> None:
    """Measure 3's units include 各市政府: its draft goes through the city's pre-review, as after submission; measure
    13's do not, before or after."""
    alice, bob = browser(people.alice), browser(people.bob)
    with clock.pinned(date(2025, 9, 1)):
        url = await _draft(alice, session, "h1", 3)
        draft = (await alice.get(url)).text
        assert _stages(draft) == ["填报", "市级初审", "责任单位审核", "拟定金额", "公示", "批准", "拨付"]
        assert '<li class="current" aria-current="step">填报</li>' in draft
        bobs = await _draft(bob, session, "p1", 13)
        other = (await bob.get(bobs)).text
        assert _stages(other) == ["填报", "责任单位审核", "拟定金额", "公示", "批准", "拨付"]
    draft_row = session.get(Application, int(url.rsplit("/", 1)[1]))
    assert draft_row.city_review is None and views.city_review(session, draft_row), "not yet routed: its measure's"
    with clock.pinned(date(2025, 9, 1)):
        assert (await alice.post(f"{url}/amount", data={"amount": "100"})).status_code == 303
    routed = session.get(Application, int(bobs.rsplit("/", 1)[1]))
    applications.add_material(session, actor=people.bob, application_id=routed.id, filename="申报书.pdf", content=PDF,
                              store=tmp_path)
    applications.declare(session, actor=people.bob, application_id=routed.id)
    step(session, "submit", people.bob, routed, on=date(2025, 9, 2))
    assert routed.city_review is False and views.city_review(session, routed) is False, "as submission routed it"
    assert _stages((await bob.get(bobs)).text)[:2] == ["填报", "责任单位审核"]


async def test_an_application_in_an_ended_announcement_is_labelled_alike_everywhere(browser, session, people,
                                                                                      tmp_path) -> None:
    """公示 2025-09-29 for five working days ended on 10-11: the new-application form, the list and 本单位 all say
    公示期满，待批准 (the state alone still says 公示中)."""
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    alice = browser(people.alice)
    with clock.pinned(date(2025, 10, 13)):
        form = (await alice.get("/applications/new", params={"matter": "h1"})).text
        listed = (await alice.get("/applications")).text
        again = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                            "amount": "1"})
    option = re.search(r'<option value="h1"[^>]*>[^<]*</option>', form).group(0)
    assert f"已有在办申报 #{app.id}（公示期满，待批准）" in option and "公示中" not in option
    assert "公示期满，待批准" in listed
    assert again.status_code == 409 and f"已有在办申报 #{app.id}（公示期满，待批准）" in again.text
    with clock.pinned(date(2025, 10, 10)):
        running = (await alice.get("/applications/new", params={"matter": "h1"})).text
    assert f"已有在办申报 #{app.id}（公示中）" in running


async def test_the_enterprise_s_timeline_says_its_listing_before_the_announcement_began(browser, client, session,
                                                                                         people, tmp_path) -> None:
    """Listed on 2025-09-10 in a 公示 from 2025-09-29: the applicant's timeline says 公示未开始 for that step (on its
    day), as the reviewer's does, not 公示中; the API's step says it too."""
    from tests.webtest import bearer

    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)
    with clock.pinned(date(2025, 9, 26)):
        page = (await browser(people.alice).get(f"/applications/{app.id}")).text
        api = (await client.get(f"/api/v1/applications/{app.id}", headers=bearer(session, people.alice))).json()
    listing = re.search(r"<li><b>[^<]*</b> 列入公示[^\n]*", page).group(0)
    assert "→ 公示未开始，" in listing and "公示中" not in listing
    [step] = [s for s in api["timeline"] if s["action"] == "announce"]
    assert step["arrived"] == "公示未开始" and step["to_state"] == "announced"


async def test_a_returned_application_asks_for_the_declaration_again_and_keeps_its_first_day(
        browser, client, session, people, tmp_path) -> None:
    from tests.webtest import bearer

    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "return", people.shenyang, app, on=date(2025, 9, 3), reasons="缺少认定文件")
    alice = browser(people.alice)
    url = f"/applications/{app.id}"
    with clock.pinned(date(2025, 9, 8)):
        returned = (await alice.get(url)).text
        assert "作出的承诺针对退回前提交的内容；补正后重新提交前，请再次作出承诺" in returned
        assert 'action="' + url + '/declaration"' in returned and "✓ 已于" not in returned
        blocked = returned[returned.index('id="blocked"'):]
        assert "<li>退回补正后重新提交前，须再次作出承诺（此前的承诺针对退回前提交的内容）</li>" in blocked[
            :blocked.index("</div>")], "said before any confirm, as a draft's blockers are"
        told = blocked[:blocked.index("</div>")]
        assert "撤回" not in told and "本批次受理至" not in told, "mended here by declaring again, nothing else"
        assert '<button type="submit" disabled aria-disabled="true" aria-describedby="submit-why">提交申报' in returned
        assert '暂不能提交：请先<a href="#f-agree">再次作出承诺</a>。' in returned
        assert "确定提交？" not in returned
        early = await alice.post(f"{url}/submit")
        assert early.status_code == 409 and "退回补正后重新提交前，须再次作出承诺" in early.text
        assert (await alice.post(f"{url}/declaration", data={"agree": "yes"})).status_code == 303
        declared = (await alice.get(url)).text
        assert "✓ 已于" in declared and 'id="declare-again"' not in declared
        assert 'id="blocked"' not in declared and "确定提交？" in declared
        assert (await alice.post(f"{url}/submit")).status_code == 303
        page = (await alice.get(url)).text
    assert '<span class="muted">提交日期</span><b>2025-09-01</b>' in page
    assert '<span class="muted">补正后重新提交</span><b>2025-09-08</b>' in page
    shown = (await client.get(f"/api/v1/applications/{app.id}", headers=bearer(session, people.alice))).json()
    assert shown["submitted_on"] == "2025-09-01" and shown["resubmitted_on"] == "2025-09-08"
    assert shown["declaration_stands"] is True
    listed = (await alice.get("/applications")).text
    assert "2025-09-01" in listed and "2025-09-08" not in listed, "the list keeps the first day"
