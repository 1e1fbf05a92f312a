"""Deleting a matter declared by mistake: allowed while nothing refers to it, refused (409, saying what refers to
it) once it has an application, offer or grant; recorded in the audit trail; a delete and a new application for
the same matter at once end in one of them."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applicants import repository
from huiqi.applicants import service as applicants
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.errors import Conflict, Forbidden, NotFound
from huiqi.models import Applicant, AuditEvent, Matter, User
from tests.dbtest import (
    ALICE_USCC,
    a_round,
    apply,
    at_once,
    make_people,
    make_records,
)

SPARE = {"id": "h2", "type": "honour", "codes": ["srdi_sme"], "level": "provincial", "date": "2024-09-10"}


def _keys(session) -> set[str]:
    applicant = repository.by_uscc(session, ALICE_USCC)
    return {m.key for m in repository.matters(session, applicant.id)}


def test_a_matter_nothing_refers_to_is_deleted_and_the_trail_keeps_it(session, people) -> None:
    applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter=SPARE)
    with pytest.raises(Forbidden):
        applicants.delete_matter(session, actor=people.bob, uscc=ALICE_USCC, key="h2")
    with pytest.raises(Forbidden):
        applicants.delete_matter(session, actor=people.miit, uscc=ALICE_USCC, key="h2")
    applicants.delete_matter(session, actor=people.alice, uscc=ALICE_USCC, key="h2")
    assert _keys(session) == {"h1", "p1"}
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (event.action, event.actor, event.after) == ("matter.delete", "alice", None)
    assert event.before["key"] == "h2" and event.before["codes"] == ["srdi_sme"]
    assert audit.verify(session).intact
    with pytest.raises(NotFound, match="h2"):
        applicants.delete_matter(session, actor=people.alice, uscc=ALICE_USCC, key="h2")


def test_a_matter_with_an_application_or_from_a_list_is_kept(session, people, tmp_path) -> None:
    apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    with pytest.raises(Conflict, match="事项 h1 已有1 项申报，不能删除"):
        applicants.delete_matter(session, actor=people.alice, uscc=ALICE_USCC, key="h1")
    row = session.scalar(select(Matter).where(Matter.key == "p1"))
    row.source = "imported"
    with pytest.raises(Conflict, match="认定名单"):
        applicants.delete_matter(session, actor=people.alice, uscc=ALICE_USCC, key="p1")
    assert _keys(session) == {"h1", "p1"}


@pytest.mark.anyio
async def test_the_page_offers_delete_where_it_is_allowed_and_says_what_happened(browser, session, people,
                                                                                tmp_path) -> None:
    applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter=SPARE)
    apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    alice = browser(people.alice)
    page = (await alice.get("/me")).text
    assert page.count('action="/me/matters/delete"') == 2  # h2 and p1; h1 has an application
    assert 'aria-label="删除事项 h2"' in page  # each button named by its row, for a screen reader
    assert '<input type="hidden" name="key" value="h1">' not in page
    refused = await alice.post("/me/matters/delete", data={"key": "h1"})
    assert refused.status_code == 409 and "事项未删除" in refused.text and "已有1 项申报" in refused.text
    done = await alice.post("/me/matters/delete", data={"key": "h2"})
    assert done.status_code == 303 and done.headers["location"] == "/me#matters"
    assert "事项 h2 已删除" in (await alice.get("/me")).text
    assert _keys(session) == {"h1", "p1"}
    saved = await alice.post("/me/matters", data={"key": "h3", "matters-0-codes": "itss", "matters-0-date":
                                                  "2024-05-01"})
    assert saved.status_code == 303 and "事项 h3 已保存" in (await alice.get("/me")).text
    assert (await browser(people.miit).post("/me/matters/delete", data={"key": "h3"})).status_code == 403


@pytest.mark.anyio
async def test_the_api(browser, session, people) -> None:
    applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter=SPARE)
    alice = browser(people.alice)
    assert (await alice.send("DELETE", f"/api/v1/applicants/{ALICE_USCC}/matters/h2")).status_code == 204
    again = await alice.send("DELETE", f"/api/v1/applicants/{ALICE_USCC}/matters/h2")
    assert again.status_code == 404 and "h2" in again.json()["detail"]
    assert (await browser(people.bob).send("DELETE", f"/api/v1/applicants/{ALICE_USCC}/matters/h1")).status_code == 403


def test_a_delete_and_an_application_at_once_end_in_one_of_them(own_database) -> None:
    engine = own_database
    with Session(engine, expire_on_commit=False) as session, session.begin():
        make_records(session, make_people(session))
        applicants.save_matter(session, actor=session.scalar(select(User).where(User.username == "alice")),
                               uscc=ALICE_USCC, matter=SPARE)
        round_id = a_round(session)

    def alice(session) -> User:
        return session.scalar(select(User).where(User.username == "alice"))

    def draft(session) -> None:
        with clock.pinned(date(2025, 9, 1)):
            applications.create_draft(session, actor=alice(session), uscc=ALICE_USCC, matter_key="h2",
                                      round_id=round_id, measure=3, amount_requested=1_000_000)

    def delete(session) -> None:
        applicants.delete_matter(session, actor=alice(session), uscc=ALICE_USCC, key="h2")

    outcomes = at_once(engine, [draft, delete])
    assert sorted(o != "done" for o in outcomes) == [False, True], outcomes
    with Session(engine) as session:
        applicant = session.scalar(select(Applicant).where(Applicant.uscc == ALICE_USCC))
        kept = repository.matter(session, applicant.id, "h2")
        assert (kept is not None) == (outcomes[0] == "done"), outcomes  # the draft stands on its matter, or neither
        assert audit.verify(session).intact
