"""A draft says, before any click, what still stands between it and its submission: each thing to do on the page
listed at its top and linked beside the 提交申报 button, which stays unavailable (disabled, said so to assistive
technology) until nothing does; a submission forced anyway, by a plain form or by htmx, is refused in the same words."""

import re
from datetime import date

import pytest

from huiqi import clock
from huiqi.applications import payee, service
from huiqi.models import Application
from tests.dbtest import PDF, TEST_ROUND, a_round
from tests.webtest import marked

pytestmark = pytest.mark.anyio

DISABLED = '<button type="submit" disabled aria-disabled="true" aria-describedby="submit-why">提交申报</button>'


def _part(page: str, marker: str, end: str) -> str:
    """The part of ``page`` from ``marker`` to the first ``end`` after it ('' when the page has no ``marker``)."""
    if marker not in page:
        return ""
    shown = page[page.index(marker):]
    return shown[:shown.index(end)]


def _todo(page: str) -> list[tuple[str, str]]:
    """What the note beside the submit button links to: (the part of the page, what to do there)."""
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', _part(page, 'id="submit-why"', "</p>"))


async def test_a_fresh_draft_says_what_is_missing_and_offers_no_submission_until_it_is_done(browser, session,
                                                                                            people) -> None:
    alice = browser(people.alice)
    with clock.pinned(date(2025, 9, 1)):
        created = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                             "amount": "100"})
        url = created.headers["location"]
        fresh = (await alice.get(url)).text
        blocked = _part(fresh, 'id="blocked"', "</div>")
        assert blocked.startswith('id="blocked"><p><b>提交前还需完成以下各项：</b></p>'), blocked
        assert re.findall(r"<li>([^<]+)</li>", blocked) == [
            f"提交前须上传：申报书（申报批次「{TEST_ROUND}」要求的材料）", payee.NEEDED, service.DECLARE_FIRST]
        assert "如有疑问" not in blocked, "nothing to ask anyone about: each is done on this page"
        assert DISABLED in fresh and "确定提交？" not in fresh
        assert _todo(fresh) == [("f-file", "上传申报书"), ("f-bank", "确认收款账户"), ("f-agree", "作出承诺")]
        for box in ("f-file", "f-bank", "f-agree"):
            assert f'id="{box}"' in fresh, f"the link beside the button leads to {box}"

        uploaded = await alice.post(f"{url}/materials", files={"file": ("申报书.pdf", PDF, "application/pdf")},
                                    data={"kind": "申报书"})
        assert uploaded.status_code == 303, uploaded.text
        confirmed = await alice.post(f"{url}/payee", data={"bank": "中国工商银行沈阳分行",
                                                           "account": "6222 0000 1234 5678", "seen": "-"})
        assert confirmed.status_code == 303, confirmed.text
        undeclared = (await alice.get(url)).text
        assert re.findall(r"<li>([^<]+)</li>", _part(undeclared, 'id="blocked"', "</div>")) == [service.DECLARE_FIRST]
        assert "本批次受理至" not in _part(undeclared, 'id="blocked"', "</div>"), "declared here, nowhere else"
        assert DISABLED in undeclared and _todo(undeclared) == [("f-agree", "作出承诺")]

        forced = await alice.post(f"{url}/submit")
        assert forced.status_code == 409 and service.DECLARE_FIRST in forced.text
        by_htmx = await alice.post(f"{url}/submit", headers={"HX-Request": "true"})
        assert by_htmx.status_code == 409 and service.DECLARE_FIRST in by_htmx.text
        assert session.get(Application, int(url.rsplit("/", 1)[1])).state == "draft"

        unticked = await alice.post(f"{url}/declaration")
        assert unticked.status_code == 422 and marked(unticked.text) == [("f-agree", "请勾选“我已阅读并作出以上承诺”")]
        assert '<a href="#f-agree">申报承诺：请勾选' in unticked.text, "the summary leads to the box"
        assert (await alice.post(f"{url}/declaration", data={"agree": "yes"})).status_code == 303
        ready = (await alice.get(url)).text
        assert 'id="blocked"' not in ready and 'id="submit-why"' not in ready and "aria-disabled" not in ready
        assert '<button type="submit" data-confirm="提交后申报进入审核' in ready
        assert (await alice.post(f"{url}/submit")).status_code == 303


async def test_past_its_round_only_the_round_is_said_beside_the_button(browser, session, people) -> None:
    """Once the round has closed, no declaration, file or account would let the draft in: the note beside the
    button leads to the top of the page, where that is said, and offers nothing to do here."""
    alice = browser(people.alice)
    with clock.pinned(date(2025, 9, 1)):
        created = await alice.post("/applications/new", data={"matter": "h1", "measure": f"{a_round(session)}/3",
                                                             "amount": "100"})
    url = created.headers["location"]
    with clock.pinned(date(2031, 1, 6)):
        late = (await alice.get(url)).text
        forced = await alice.post(f"{url}/submit")
    blocked = _part(late, 'id="blocked"', "</div>")
    assert blocked.startswith('id="blocked"><p><b>现在提交将不被受理：</b></p>'), blocked
    assert re.findall(r"<li>([^<]+)</li>", blocked) == [f"申报批次「{TEST_ROUND}」已于 2030-12-31 截止，不能再提交"]
    assert DISABLED in late and _todo(late) == [("blocked", "页首说明")]
    assert "暂不能提交：现在提交将不被受理，原因见" in late
    assert forced.status_code == 409 and service.DECLARE_FIRST in forced.text, "the step says its first refusal"
