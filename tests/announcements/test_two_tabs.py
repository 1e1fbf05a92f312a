"""An objection to a 公示 says what its page showed (the state and the amount proposed): recorded from a stale page
(a second tab, a colleague who recorded it first) it is refused 409, said as a refusal, and changes nothing; on the
API what was seen is optional and checked when given."""

import re
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from huiqi.models import Application, Transition
from huiqi.workflow.runner import Seen, run
from huiqi.workflow.states import Action, State
from tests.dbtest import make_people, make_records, to_announced, while_held
from tests.webtest import bearer

RUNNING = date(2025, 10, 9)  # the 公示 runs 2025-09-29 to 2025-10-11


def _announced(session: Session, people, store) -> Application:
    return to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                        amount=1_000_000, proposed=900_000, store=store)


def _objections(session: Session, app_id: int) -> list[str | None]:
    return session.scalars(select(Transition.reasons).where(Transition.application_id == app_id,
                                                            Transition.action == "object")).all()


def _seen(page: str) -> dict[str, str]:
    form = re.search(r'<form method="post" action="/review/\d+/object".*?</form>', page, re.S)
    assert form, "no objection form"
    return dict(re.findall(r'<input type="hidden" name="(seen_\w+)" value="([^"]*)">', form.group(0)))


@pytest.mark.anyio
async def test_a_second_tab_cannot_record_the_objection_again(browser, session, people, tmp_path, set_today) -> None:
    app = _announced(session, people, tmp_path)
    set_today(RUNNING)
    miit = browser(people.miit)
    first, second = (await miit.get(f"/review/{app.id}")).text, (await miit.get(f"/review/{app.id}")).text
    assert _seen(first) == {"seen_state": "announced", "seen_amount": "900000"}
    done = await miit.post(f"/review/{app.id}/object", data={"reasons": "证书有效期存疑", **_seen(first)})
    assert done.status_code == 303 and app.state == State.DEPARTMENT_REVIEW
    stale = await miit.post(f"/review/{app.id}/object", data={"reasons": "另一份异议", **_seen(second)})
    assert stale.status_code == 409, stale.text
    assert f"申报 #{app.id} 已在其他页面或由他人办理（现为「责任单位审核」），请刷新后查看" in stale.text
    assert '<h2 id="error-summary-title">未能完成</h2>' in stale.text, "a refusal: nothing typed there to correct"
    assert _objections(session, app.id) == ["证书有效期存疑"] and app.amount_proposed is None


@pytest.mark.anyio
async def test_the_api_checks_the_state_and_amount_seen_when_given(client, session, people, tmp_path,
                                                                   set_today) -> None:
    app = _announced(session, people, tmp_path)
    set_today(RUNNING)
    miit = bearer(session, people.miit)
    url = "/api/v1/announcements/objections"
    wrong = await client.post(url, headers=miit, json={"application_id": app.id, "reasons": "证书有效期存疑",
                                                       "seen_state": "announced", "seen_amount": 800_000})
    assert wrong.status_code == 409, wrong.text
    assert wrong.json()["detail"] == (f"申报 #{app.id} 已在其他页面或由他人办理（现为「公示中」，拟定金额 90 万元），"
                                      "请刷新后查看")
    assert app.state == State.ANNOUNCED and _objections(session, app.id) == []
    bad = await client.post(url, headers=miit, json={"application_id": app.id, "reasons": "证书有效期存疑",
                                                     "seen_amount": -1})
    assert bad.status_code == 422 and app.state == State.ANNOUNCED
    done = await client.post(url, headers=miit, json={"application_id": app.id, "reasons": "证书有效期存疑",
                                                      "seen_state": "announced", "seen_amount": 900_000})
    assert done.status_code == 200 and done.json()["state"] == "department_review", done.text
    again = await client.post(url, headers=miit, json={"application_id": app.id, "reasons": "再次异议",
                                                       "seen_state": "announced", "seen_amount": 900_000})
    assert again.status_code == 409 and "已在其他页面或由他人办理（现为「责任单位审核」）" in again.json()["detail"]
    assert _objections(session, app.id) == ["证书有效期存疑"]


def test_an_objection_waiting_behind_another_is_refused(own_database: Engine, tmp_path) -> None:
    """Two officers record an objection to one entry at the same moment: the second waits for the first's lock,
    then finds the entry back in review and is refused; one objection is recorded."""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        number = _announced(session, people, tmp_path).id
    seen = Seen(state=State.ANNOUNCED, amount=900_000, amount_said=True)
    said = while_held(own_database, RUNNING,
                      lambda s: run(s, Action.OBJECT, actor=people.miit, application_id=number, reasons="先到的异议",
                                    seen=seen),
                      lambda s: run(s, Action.OBJECT, actor=people.miit, application_id=number, reasons="后到的异议",
                                    seen=seen))
    assert said == f"申报 #{number} 已在其他页面或由他人办理（现为「责任单位审核」），请刷新后查看"
    with Session(own_database) as session:
        assert _objections(session, number) == ["先到的异议"]
        assert session.scalar(select(func.count(Transition.id)).where(Transition.application_id == number,
                                                                      Transition.action == "object")) == 1
