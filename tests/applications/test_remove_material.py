"""Taking down (撤下) a material uploaded by mistake: while the application is a draft or returned for correction,
by its enterprise; it no longer counts (a required material missing again refuses the submission), stays on
record for the reviewers, and is in the audit trail; a removal and a submission at once end in one of them."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications import repository
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.errors import Conflict, Forbidden, NotFound
from huiqi.models import Application, AuditEvent, User
from tests.dbtest import ALICE_USCC, PDF, a_round, at_once, make_people, make_records, step, while_held


def _draft(session, alice, store, files: int = 1) -> Application:
    with clock.pinned(date(2025, 9, 1)):
        draft = applications.create_draft(session, actor=alice, uscc=ALICE_USCC, matter_key="h1",
                                          round_id=a_round(session), measure=3, amount_requested=1_000_000)
    for i in range(files):
        applications.add_material(session, actor=alice, application_id=draft.id, filename=f"申报书{i}.pdf",
                                  content=PDF + str(i).encode(), store=store)
    applications.declare(session, actor=alice, application_id=draft.id)
    return draft


def test_a_material_taken_down_no_longer_counts_and_stays_on_record(session, people, tmp_path) -> None:
    draft = _draft(session, people.alice, tmp_path)
    first = repository.materials(session, draft.id)[0]
    with pytest.raises(Forbidden):
        applications.remove_material(session, actor=people.admin, application_id=draft.id, material_id=first.id)
    with pytest.raises(NotFound):
        applications.remove_material(session, actor=people.bob, application_id=draft.id, material_id=first.id)
    with pytest.raises(NotFound):
        applications.remove_material(session, actor=people.alice, application_id=draft.id, material_id=first.id + 99)
    applications.remove_material(session, actor=people.alice, application_id=draft.id, material_id=first.id)
    assert repository.materials(session, draft.id) == []
    assert [(m.id, m.removed_by) for m in repository.materials(session, draft.id, removed=True)] == [
        (first.id, "alice")]
    with pytest.raises(Conflict, match=r"已于 \d{4}-\d\d-\d\d 撤下"):
        applications.remove_material(session, actor=people.alice, application_id=draft.id, material_id=first.id)
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (event.action, event.before["filename"], event.before["kind"]) == (
        "material.remove", "申报书0.pdf", "申报书")
    assert audit.verify(session).intact
    with pytest.raises(Conflict, match="申报材料"):  # none is held any more
        step(session, "submit", people.alice, draft, on=date(2025, 9, 1))
    applications.add_material(session, actor=people.alice, application_id=draft.id, filename="申报书（正确）.pdf",
                              content=PDF + b"right", store=tmp_path)
    submitted = step(session, "submit", people.alice, draft, on=date(2025, 9, 1)).application
    with pytest.raises(Conflict, match="只有草稿或退回补正的申报可以撤下材料"):
        applications.remove_material(session, actor=people.alice, application_id=submitted.id,
                                     material_id=repository.materials(session, draft.id)[0].id)


@pytest.mark.anyio
async def test_the_pages_and_the_api(browser, session, people, tmp_path) -> None:
    draft = _draft(session, people.alice, tmp_path / "materials", files=2)  # where the app reads them
    first, second = repository.materials(session, draft.id)
    alice = browser(people.alice)
    page = (await alice.get(f"/applications/{draft.id}")).text
    assert f'action="/applications/{draft.id}/materials/{first.id}/remove"' in page
    assert 'aria-label="撤下材料 申报书0.pdf"' in page and 'aria-label="撤下材料 申报书1.pdf"' in page
    done = await alice.post(f"/applications/{draft.id}/materials/{first.id}/remove")
    assert done.status_code == 303
    page = (await alice.get(f"/applications/{draft.id}")).text
    assert "材料已撤下" in page and "已撤下的材料（1）" in page and "由 示例科技（企业用户） 撤下" in page
    again = await alice.post(f"/applications/{draft.id}/materials/{first.id}/remove")
    assert again.status_code == 409 and "已于" in again.text
    assert (await alice.send("DELETE", f"/api/v1/applications/{draft.id}/materials/{second.id}")).status_code == 204
    shown = (await alice.get(f"/api/v1/applications/{draft.id}")).json()
    assert shown["materials"] == [] and [m["id"] for m in shown["removed_materials"]] == [first.id, second.id]
    kept = await alice.get(f"/api/v1/applications/{draft.id}/materials/{first.id}")
    assert kept.status_code == 200 and kept.content == PDF + b"0"  # the file stays for the record
    outsider = await browser(people.bob).send("DELETE", f"/api/v1/applications/{draft.id}/materials/{second.id}")
    assert outsider.status_code == 404


def test_a_removal_and_a_submission_at_once_end_in_one_of_them(own_database, tmp_path) -> None:
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        make_records(session, make_people(session))
        alice = session.scalar(select(User).where(User.username == "alice"))
        draft = _draft(session, alice, tmp_path)
        material = repository.materials(session, draft.id)[0].id

    def alice_of(session) -> User:
        return session.scalar(select(User).where(User.username == "alice"))

    def submit(session) -> None:
        step(session, "submit", alice_of(session), draft.id, on=date(2025, 9, 1))

    def remove(session) -> None:
        applications.remove_material(session, actor=alice_of(session), application_id=draft.id,
                                     material_id=material)

    outcomes = at_once(own_database, [submit, remove])
    with Session(own_database) as session:
        state = session.get(Application, draft.id).state
        held = repository.materials(session, draft.id)
    if outcomes == ["done", "conflict"]:  # submitted first: the material stays
        assert state != "draft" and len(held) == 1
    else:  # taken down first: the submission finds no material left (409)
        assert outcomes == ["conflict", "done"] and state == "draft" and held == [], outcomes


@pytest.mark.parametrize("change", ["amount", "material", "declaration"])
def test_a_draft_changed_as_it_is_submitted_waits_and_is_refused(own_database, tmp_path, change) -> None:
    """An edit begun while the submission is being recorded waits for it and is then refused (409): the amount,
    materials and declaration the reviewers receive are those submitted. (On PostgreSQL the edit used to read the
    draft, wait for the row and then write into the submitted application.)"""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        make_records(session, make_people(session))
        alice = session.scalar(select(User).where(User.username == "alice"))
        draft = _draft(session, alice, tmp_path)
    edits = {
        "amount": lambda session, who: applications.change_amount(session, actor=who, application_id=draft.id,
                                                                  amount_requested=900_000),
        "material": lambda session, who: applications.add_material(session, actor=who, application_id=draft.id,
                                                                   filename="迟到.pdf", content=PDF + b"late",
                                                                   store=tmp_path),
        "declaration": lambda session, who: applications.declare(session, actor=who, application_id=draft.id),
    }

    def alice_of(session) -> User:
        return session.scalar(select(User).where(User.username == "alice"))

    said = while_held(own_database, date(2025, 9, 1),
                      lambda session: step(session, "submit", alice_of(session), draft.id),
                      lambda session: edits[change](session, alice_of(session)))
    assert "已提交" in str(said), said
    with Session(own_database) as session:
        submitted = session.get(Application, draft.id)
        assert submitted.state != "draft" and submitted.amount_requested == 1_000_000
        assert len(repository.materials(session, draft.id)) == 1
