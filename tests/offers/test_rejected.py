"""A matter whose application under a measure was rejected (不予支持, a final decision) is not offered that measure
again by the next list or round, as a declined or set-aside offer is not; the import says so in its summary."""

from datetime import date

import pytest

from huiqi import clock
from huiqi.applications import service as applications
from huiqi.offers import service as offers
from huiqi.recognition import service as lists
from tests.dbtest import ALICE_USCC, PDF, an_offer, step
from tests.webtest import bearer

ON = date(2025, 7, 1)
SAID = "1 行未产生政策直达（已被作出不予支持的最终决定 1 行）"


def _rejected_by_the_city(session, people, store):
    """Alice accepts her 单项冠军 offer (measure 3), applies, and 沈阳 rejects the application."""
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        draft = offers.accept(session, actor=people.alice, offer_id=offer.id)
        applications.add_material(session, actor=people.alice, application_id=draft.id, filename="申报书.pdf",
                                   content=PDF, store=store)
        applications.declare(session, actor=people.alice, application_id=draft.id)
    step(session, "submit", people.alice, draft, on=date(2025, 7, 2))
    step(session, "reject", people.shenyang, draft, on=date(2025, 7, 3), reasons="不予支持是最终决定：营收不实")
    return offer, draft


def _same_matter(session, people, offer) -> list[tuple[int, str]]:
    return [(o.id, o.state) for o in offers.mine(session, actor=people.alice) if o.matter_id == offer.matter_id]


def test_a_second_list_naming_it_offers_it_no_more(session, people, tmp_path) -> None:
    """The walk-through's: right after the city rejected the matter, a list import offered it again as 政策直达 with
    「接受并生成申报」."""
    offer, draft = _rejected_by_the_city(session, people, tmp_path)
    with clock.pinned(date(2025, 7, 4)):
        checked = lists.check(session, [["uscc", "name"], [ALICE_USCC, "示例科技有限公司"]], code="single_champion",
                              level="national", published_on=date(2025, 6, 1))
        done = lists.import_list(session, actor=people.miit, rows=checked, code="single_champion", level="national",
                                 document="工信部企业函〔2025〕再次公布", published_on=date(2025, 6, 1))
        assert offers.make_for_listed(session, date(2025, 7, 4)) == offers.Made(made=0, rejected=1)
    assert (done.offers, done.made.rejected, done.existing) == (0, 1, 1)
    assert done.said.endswith(f"名单各行产生政策直达 0 项；{SAID}，逐行原因见认定名单页"), done.said
    assert _same_matter(session, people, offer) == [(offer.id, "accepted")] and draft.state == "rejected"


def test_a_withdrawn_application_is_no_answer(session, people, tmp_path) -> None:
    """Withdrawn by the enterprise is no decision on the matter: matched again, it is offered anew."""
    offer = an_offer(session, people, ON)
    with clock.pinned(ON):
        draft = offers.accept(session, actor=people.alice, offer_id=offer.id)
    step(session, "withdraw", people.alice, draft, on=date(2025, 7, 2))
    with clock.pinned(date(2025, 7, 2)):
        assert offers.make_for_listed(session, date(2025, 7, 2)) == offers.Made(made=1)
    assert [state for _, state in _same_matter(session, people, offer)] == ["open", "accepted"]


@pytest.mark.anyio
async def test_the_import_says_it_page_and_api(browser, client, session, people, tmp_path, set_today) -> None:
    _rejected_by_the_city(session, people, tmp_path)
    set_today(date(2025, 7, 4))
    answered = await client.post("/api/v1/lists", headers=bearer(session, people.miit), json={
        "code": "single_champion", "level": "national", "document": "工信部企业函〔2025〕再次公布",
        "published_on": "2025-06-01", "rows": [{"uscc": ALICE_USCC, "name": "示例科技有限公司"}]})
    assert answered.status_code == 201, answered.text
    assert (answered.json()["offers"], answered.json()["rejected"], answered.json()["answered"]) == (0, 1, 0)
    miit = browser(people.miit)
    posted = await miit.post("/admin/lists", files={"file": ("名单.csv", f"uscc,name\n{ALICE_USCC},示例科技有限公司\n"
                                                                 .encode(), "text/csv")},
                             data={"code": "single_champion", "level": "national",
                                   "document": "工信部企业函〔2025〕第三次", "published_on": "2025-06-01"})
    assert posted.status_code == 303, posted.text[:2000]
    shown = (await miit.get(posted.headers["location"])).text
    assert SAID in shown
