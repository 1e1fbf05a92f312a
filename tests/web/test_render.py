"""Pages name the policy of a measure where more than one policy is in force: 措施1 of one policy is not 措施1 of
another, so a measure's link lands on its own policy's clause and 从高不重复 cites the other policy it defers to."""

import re
from datetime import date
from pathlib import Path

import pytest

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.users.scope import SYSTEM
from huiqi.web.deps import CSRF_COOKIE
from tests.dbtest import apply

pytestmark = pytest.mark.anyio
SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"
FORM = {  # a smart-manufacturing expansion of 8000万元 that is also a component project (35号 measure 5: 3000万元)
    "applicant-kind": "enterprise", "applicant-region": "210100", "applicant-industry": "6513",
    "matters-0-codes": ["component_manufacturing", "smart_manufacturing"], "matters-0-build": "expansion",
    "matters-0-sector": "sensor", "matters-0-investment": "8000", "matters-0-date": "2024-03-01",
    "as_of": "2025-06-30",
}


@pytest.fixture
def successor(session, people) -> None:
    """The test successor policy (测试〔2024〕1号) published beside 35号."""
    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second-policy.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=draft.id)


async def _calculate(client) -> str:
    await client.get("/calculator")
    answer = await client.post("/calculator", data={**FORM, "csrf_token": client.cookies.get(CSRF_COOKIE)})
    assert answer.status_code == 200
    return answer.text


def _rows(page: str) -> dict[str, str]:
    """The result rows of an answer by the link of their measure."""
    rows = page[page.index("<tbody>"):page.index("</tbody>")].split("<tr>")[1:]
    return {re.search(r'<a href="([^"]+)">措施', row).group(1): row for row in rows}


async def _anchors(client) -> set[str]:
    return set(re.findall(r' id="([^"]+)"', (await client.get("/policy")).text))


async def test_with_one_policy_a_measure_is_cited_alone_and_links_to_its_clause(client) -> None:
    rows = _rows(await _calculate(client))
    assert set(rows) == {"/policy#ln-2022-35-m5", "/policy#ln-2022-35-m11"}
    assert "从高：由措施5支持" in rows["/policy#ln-2022-35-m11"]
    assert "辽政办〔2022〕35号" not in "".join(rows.values()), "one policy in force: nothing to tell apart"
    anchors = await _anchors(client)
    assert {"ln-2022-35", "ln-2022-35-m5", "ln-2022-35-m11", "ln-2022-35-closing"} <= anchors


async def test_with_two_policies_each_measure_names_its_policy_and_links_to_its_own_clause(client,
                                                                                          successor) -> None:
    rows = _rows(await _calculate(client))
    assert set(rows) == {"/policy#ln-2022-35-m5", "/policy#ln-2022-35-m11", "/policy#test-successor-m1"}
    theirs = rows["/policy#test-successor-m1"]
    assert "测试〔2024〕1号 · 智能制造项目" in theirs, theirs
    assert "从高：由辽政办〔2022〕35号措施5支持" in theirs, "the measure kept is the other policy's"
    assert "从高：由措施5支持" in rows["/policy#ln-2022-35-m11"], "the same policy's measure needs no number"
    policy = (await client.get("/policy")).text
    clause = policy[policy.index('id="test-successor-m1"'):]
    assert clause.index("智能制造配套支持") < clause.index("</section>"), "the link lands on the successor's measure 1"
    footer = policy[policy.index('<footer id="site-footer">'):]
    assert 'href="/policy#test-successor">《（测试用）数字经济配套措施示例》（测试〔2024〕1号）' in footer
    home = (await client.get("/")).text
    # those in force first, the newest issued first; an expired one after them
    assert re.findall(r'href="(/policy#[^"]+)">阅读政策原文', home) == ["/policy#test-successor", "/policy#ln-2022-35"]


async def test_the_enterprise_page_names_the_policy_of_each_measure(browser, session, people, successor) -> None:
    with clock.pinned(date(2025, 6, 30)):
        page = (await browser(people.alice).get("/me")).text
    claims = page[page.index('id="claims"'):]
    rows = _rows(claims)
    assert '<div class="small muted">测试〔2024〕1号</div>' in rows["/policy#test-successor-m1"]
    assert '<div class="small muted">辽政办〔2022〕35号</div>' in rows["/policy#ln-2022-35-m5"]
    assert "从高：由辽政办〔2022〕35号措施5支持" in rows["/policy#test-successor-m1"]


async def test_lists_of_applications_name_the_policy(browser, session, people, successor, tmp_path) -> None:
    made = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    mine = (await browser(people.alice).get("/applications")).text
    assert '培育中小企业<div class="small muted">辽政办〔2022〕35号</div>' in mine
    detail = (await browser(people.alice).get(f"/applications/{made.id}")).text
    assert f"<h1>申报 #{made.id} · 辽政办〔2022〕35号 措施3 培育中小企业</h1>" in detail
    queue = (await browser(people.shenyang).get("/review")).text
    assert '培育中小企业<div class="small muted">辽政办〔2022〕35号</div>' in queue
