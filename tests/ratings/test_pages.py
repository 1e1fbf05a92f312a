"""The 差评整改 page: who answered and who concluded a re-check, by name and unit, never by login name."""

from datetime import date

import pytest

from huiqi import clock
from huiqi.ratings import service as ratings
from tests.dbtest import apply, step

pytestmark = pytest.mark.anyio


async def test_answer_and_recheck_name_people_not_logins(browser, session, people, tmp_path) -> None:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "reject", people.shenyang, app, on=date(2025, 9, 3), reasons="不符合条件")
    with clock.pinned(date(2025, 9, 26)):
        found = ratings.rate(session, actor=people.alice, application_id=app.id, level=1, comment="理由不清楚")
    ratings.answer(session, actor=people.miit, rating_id=found.id, text="已电话说明不符合的条件")
    ratings.ask_recheck(session, actor=people.alice, rating_id=found.id, reason="仍未说明具体条款")
    ratings.conclude(session, actor=people.admin, rating_id=found.id, result="维持答复")
    page = (await browser(people.admin).get("/ratings/rectifications")).text
    concluded = page.split("复核结论：维持答复")[1].split("</p>")[0]
    assert people.admin.display_name in concluded and f"（{people.admin.username}）" not in concluded
    assert "措施3 培育中小企业" in page
