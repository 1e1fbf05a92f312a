"""A draft that cannot be submitted says where the same matter may be applied for: its own round while that is
open (only what is listed is missing), another round that takes the measure now (withdraw, then apply there,
linked), or a new round when none is open."""

import re
from datetime import date

import pytest

from huiqi import clock
from huiqi.applications import service
from huiqi.catalogue import service as catalogue
from huiqi.models import Application
from huiqi.rounds import opening
from huiqi.users.scope import SYSTEM
from tests.dbtest import a_round

pytestmark = pytest.mark.anyio


def _blocked(page: str) -> str:
    shown = page[page.index('id="blocked"'):]
    return shown[:shown.index("</div>")]


async def test_a_draft_names_the_round_open_now_instead_of_waiting_for_one(browser, session, people) -> None:
    alice = browser(people.alice)
    with clock.pinned(date(2025, 9, 1)):
        created = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                             "amount": "100"})
        url = created.headers["location"]
        only_a_file = _blocked((await alice.get(url)).text)
    assert "<li>提交前须上传：申报书" in only_a_file
    assert "本批次受理至 2030-12-31，按上列说明补齐后即可提交" in only_a_file
    assert "待新的申报批次" not in only_a_file and "撤回" not in only_a_file
    with clock.pinned(date(2030, 12, 1)):
        later = opening.open_round(session, actor=SYSTEM, policy_id=catalogue.published(session)[0].id,
                                   title="2031年度申报", opens_on=date(2031, 1, 1), closes_on=date(2031, 12, 31),
                                   measures=[opening.MeasureIn(3)])
    with clock.pinned(date(2031, 1, 6)):
        closed = _blocked((await alice.get(url)).text)
        draft = session.get(Application, int(re.search(r"\d+", url)[0]))
        assert "「2031年度申报」（2031-12-31 截止）中就同一事项重新申报" in service.apply_again(session, draft)
    assert "已于 2030-12-31 截止" in closed and "待新的申报批次" not in closed, closed
    assert "「2031年度申报」正在受理本措施（2031-12-31 截止）：请撤回本申报" in closed, closed
    assert f'href="/applications/new?matter=h1&amp;round={later.id}&amp;measure=3"' in closed
    with clock.pinned(date(2032, 1, 6)):
        none_open = _blocked((await alice.get(url)).text)
    assert "也可以撤回本申报，待新的申报批次开放后就同一事项另行申报" in none_open


async def test_the_withdrawn_page_keeps_the_way_to_apply_again(browser, session, people) -> None:
    """After the page advised withdrawing to apply in the round open now, the withdrawn page still links there; once
    the enterprise has applied again, it links to that application; with no round open, it says to wait for one."""
    alice = browser(people.alice)
    with clock.pinned(date(2025, 9, 1)):
        created = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                             "amount": "100"})
        url = created.headers["location"]
    with clock.pinned(date(2030, 12, 1)):
        later = opening.open_round(session, actor=SYSTEM, policy_id=catalogue.published(session)[0].id,
                                   title="2031年度申报", opens_on=date(2031, 1, 1), closes_on=date(2031, 12, 31),
                                   measures=[opening.MeasureIn(3)])
    link = f'href="/applications/new?matter=h1&amp;round={later.id}&amp;measure=3"'
    with clock.pinned(date(2031, 1, 6)):
        assert link in _blocked((await alice.get(url)).text)
        assert (await alice.post(f"{url}/withdraw")).status_code == 303
        withdrawn = (await alice.get(url)).text
        again = withdrawn[withdrawn.index('id="again"'):]
        assert "本申报已撤回。「2031年度申报」正在受理本措施（2031-12-31 截止）" in again and link in again
        assert 'id="blocked"' not in withdrawn
        anew = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{later.id}/3", "amount": "100"})
        assert anew.status_code == 303
        held = (await alice.get(url)).text
        number = anew.headers["location"].rsplit("/", 1)[1]
        assert f"同一事项已有在办申报 #{number}（草稿）" in held and f'href="/applications/{number}"' in held
        assert link not in held
        assert 'id="again"' not in (await browser(people.admin).get(url)).text, "the enterprise's own way"
        assert (await alice.post(f"{anew.headers['location']}/withdraw")).status_code == 303
    with clock.pinned(date(2032, 1, 6)):
        waiting = (await alice.get(url)).text
    assert "本申报已撤回。待新的申报批次开放后，可以就同一事项另行申报。" in waiting
