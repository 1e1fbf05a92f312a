"""The policy analyst (政策分析人员): estimates costs and reads the province's statistics, and sees no applicant's
record: no application, no applicant, no material (DOMAIN.md: "estimates what the measures cost over a population")."""

from datetime import date

import pytest

from huiqi.statistics import service as statistics
from tests.dbtest import ALICE_USCC, BOB_USCC, apply
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
NAMES = ("示例科技有限公司", "大连数据有限公司", ALICE_USCC, BOB_USCC)


@pytest.fixture
def submitted(session, people, tmp_path):
    """Alice's application in 沈阳 (measure 3) and Bob's in 大连 (measure 13), both submitted."""
    wanted = ((people.alice, "h1", 3, 1_000_000), (people.bob, "p1", 13, 10_000_000))
    return [apply(session, who, matter=matter, measure=measure, amount=amount, on=date(2025, 9, 1), store=tmp_path)
            for who, matter, measure, amount in wanted]


def test_the_analyst_reads_the_provinces_statistics(session, people, submitted) -> None:
    for by in (("city",), ("measure", "city")):
        analyst = statistics.summary(session, actor=people.analyst, by=by)
        assert analyst == statistics.summary(session, actor=people.finance, by=by)
        assert sum(r.applications for r in analyst) == 2
    shenyang = statistics.summary(session, actor=people.shenyang, by=("city",))
    assert sum(r.applications for r in shenyang) == 1, "a city still reads its own region only"


async def test_the_analyst_sees_no_application_or_applicant(client, session, people, submitted) -> None:
    headers = bearer(session, people.analyst)
    for path in ("/api/v1/applications", "/api/v1/applicants", "/api/v1/applications/export.xlsx", "/api/v1/growth",
                 "/api/v1/offers"):
        response = await client.get(path, headers=headers)
        assert response.status_code in (200, 403), (path, response.status_code)
        assert not [n for n in NAMES if n in response.content.decode("utf-8", "replace")], path
    for app in submitted:
        assert (await client.get(f"/api/v1/applications/{app.id}", headers=headers)).status_code == 404
        assert (await client.get(f"/api/v1/applicants/{app.uscc}", headers=headers)).status_code == 403
    listed = (await client.get("/api/v1/applications", headers=headers)).json()
    assert listed == [] or listed.get("items") == [], listed
    assert (await client.get("/api/v1/applications", headers=bearer(session, people.finance))).json(), \
        "finance sees them, so the empty list above is the analyst's scope"


async def test_the_analyst_runs_a_simulation_and_reads_statistics_pages(client, session, people, browser) -> None:
    headers = bearer(session, people.analyst)
    started = await client.post("/api/v1/simulations", headers=headers, data={
        "synthetic_applicants": "50", "seed": "3", "by": "measure", "as_of": "2025-06-30"})
    assert started.status_code == 202, started.text
    job = (await client.get(f"/api/v1/simulations/{started.json()['id']}", headers=headers)).json()
    assert job["state"] == "done" and job["result"]["groups"]
    others = (await client.get("/api/v1/simulations", headers=bearer(session, people.finance))).json()
    assert others["total"] == 0, "an analyst's estimate is their own (the auditor and admin read everyone's)"
    page = browser(people.analyst)
    for path in ("/simulate", "/simulate/reforms", "/statistics"):
        response = await page.get(path)
        assert response.status_code == 200, path
        assert 'href="/simulate/reforms"' in response.text and "政策分析人员" in response.text
    assert (await page.get("/review")).status_code in (403, 404)
