"""The message centre: the header counts what is unread; the list links to the record; marking read empties it."""

import re
from datetime import date

import pytest

from tests.dbtest import apply

pytestmark = pytest.mark.anyio


async def test_the_centre_lists_counts_and_marks_read(browser, session, people, tmp_path) -> None:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    alice = browser(people.alice)
    page = (await alice.get("/messages")).text
    title = page[page.index("<title>"):page.index("</title>")]
    assert "消息" in title and "<" not in title[7:]  # the title is words, not the page
    assert f"申报 #{app.id} 已提交" in page and "1 条未读" in page
    opened = re.search(r'href="(/messages/\d+/open)"', page).group(1)
    assert (await browser(people.bob).get(opened)).status_code == 404, "nobody else's"
    followed = await alice.get(opened)
    assert followed.status_code == 303 and followed.headers["location"] == f"/applications/{app.id}"
    page = (await alice.get("/messages")).text
    assert "条未读" not in page and f'href="/applications/{app.id}"' in page, "opening it is reading it"
    done = await alice.post("/messages/read")
    assert done.status_code == 303
    page = (await alice.get("/messages")).text
    assert "条未读" not in page and "全部消息已标为已读" in page
    assert "已提交" not in (await browser(people.bob).get("/messages")).text  # nobody else's


async def test_the_payment_message_invites_a_rating_and_leads_to_its_form(browser, session, people, tmp_path) -> None:
    """已拨付 closes the application: the message asks the enterprise to rate the service and opens the form."""
    from huiqi.funding import service as budgets
    from tests.dbtest import step, to_announced

    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id=app.policy_id, measure=3, amount=5_000_000)
    step(session, "approve", people.finance, app.id, on=date(2025, 10, 13))
    step(session, "disburse", people.finance, app.id, on=date(2025, 10, 20), paid_on=date(2025, 10, 20),
         reference="PAY-7")
    alice = browser(people.alice)
    page = (await alice.get("/messages")).text
    paid = page[page.index(f"申报 #{app.id} 已拨付"):]
    assert "欢迎评价这次服务（好差评）" in paid[:600], paid[:600]
    opened = re.findall(r'href="(/messages/\d+/open)"', page)[0]  # the newest first: the payment's
    followed = await alice.get(opened)
    assert followed.headers["location"] == f"/applications/{app.id}#rating"
    form = (await alice.get(f"/applications/{app.id}")).text
    assert '<section class="card" id="rating">' in form and f'action="/applications/{app.id}/rating"' in form
    assert (await browser(people.bob).get(f"/applications/{app.id}")).status_code in (403, 404)


async def test_the_centre_downloads_ones_own_messages_as_listed(browser, session, people, tmp_path) -> None:
    """/messages.xlsx: the caller's own messages, in the centre's order and words; a subject written as a formula
    (stored as the service stores any message) stays text; downloading reads none; a visitor is refused alike."""
    import html

    from huiqi.messages import service
    from tests.webtest import quoted, refusal, sheet_rows

    apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    apply(session, people.bob, matter="p1", measure=13, amount=10_000_000, on=date(2025, 9, 1), store=tmp_path)
    service.notify(session, [people.alice], kind="test", subject="=1+1", body="@SUM(A1)")
    alice = browser(people.alice)
    page = (await alice.get("/messages")).text
    assert 'href="/messages.xlsx"' in page and "导出 Excel" in page
    listed = page[page.index('<ul class="messages">'):page.index("</ul>", page.index('<ul class="messages">'))]
    shown = [html.unescape(s) for s in re.findall(r'<b>(?:<span class="badge">未读</span> )?([^<]*)</b>', listed)]
    got = await alice.get("/messages.xlsx")
    rows = sheet_rows(got)
    assert [r["标题"] for r in rows] == shown and shown[0] == "=1+1" and len(shown) >= 2
    assert rows[0]["内容"] == "@SUM(A1)" and {r["状态"] for r in rows} == {"未读"}
    assert quoted(got, "=1+1") and quoted(got, "@SUM(A1)"), "formula-like text stays text"
    assert service.unread(session, people.alice) == len(shown), "downloading reads none"
    theirs = sheet_rows(await browser(people.bob).get("/messages.xlsx"))
    assert theirs and not {r["标题"] for r in theirs} & set(shown), "nobody else's"
    anonymous = browser(None)
    assert refusal(await anonymous.get("/messages.xlsx")) == refusal(await anonymous.get("/messages")) == (303,
                                                                                                         "/login")


@pytest.mark.parametrize("query", [{"status_code": "500"}, {"status_code": str(10**30)}, {"status_code": "x"},
                                   {"problems": "伪造"}])
async def test_the_centre_reads_nothing_of_its_helper_from_the_address(browser, people, query) -> None:
    """?status_code= set the answer's status (500, 10**30) and a word was the generic error page: the centre's helper
    arguments are no longer the route's query."""
    got = await browser(people.alice).get("/messages", params=query)
    assert got.status_code == 200 and "<h1>输入有误</h1>" not in got.text and "伪造" not in got.text
