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
    assert f"申报 {app.id} 已提交" in page and "1 条未读" in page
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
