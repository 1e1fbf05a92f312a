"""The demo fills a fresh database: every role, a dozen demo enterprises, every state, budgets."""


from sqlalchemy import func, select

from huiqi import clock
from huiqi.applications import service as applications
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.demo.service import budget_years, seed
from huiqi.errors import Conflict
from huiqi.models import ROLES, Applicant, Application, Budget, Offer, Rating, User, WhitelistVersion
from huiqi.offers import service as offers
from huiqi.rounds import service as rounds
from huiqi.workflow.runner import run
from huiqi.workflow.states import STATES, Action


def test_demo_seed(session, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HUIQI_MATERIALS_DIR", str(tmp_path))
    from huiqi.config import get_settings

    get_settings.cache_clear()
    try:
        cast = seed(session, password="demo password")
    finally:
        get_settings.cache_clear()
    roles = set(session.scalars(select(User.role)))
    assert roles == set(ROLES)
    firms = list(session.scalars(select(Applicant)))
    assert len(firms) == 12 and all(f.demo for f in firms)
    states = set(session.scalars(select(Application.state)))
    assert states == set(STATES) - {"submitted"}, "submitted is passed through: the system routes at once"
    assert session.scalar(select(func.count(Budget.id))) == (7 + 1) * len(budget_years())  # 35号 7, successor 1
    assert [p.id for p in catalogue.published(session)] == ["ln-2022-35", "demo-successor"]
    assert sorted(r.title for r in rounds.open_now(session)) == [
        f"{clock.today().year}年度申报（有效期内事项，演示）", f"{clock.today().year}年度申报（演示政策）"]
    assert all(a.round_id is not None for a in session.scalars(select(Application)))
    confirmed = [(a.state, a.payee_confirmed_at is not None) for a in session.scalars(select(Application))]
    assert [c for s, c in confirmed if s == "draft"] == [False], "left for the walk-through to confirm, then submit"
    assert all(c for s, c in confirmed if s != "draft"), "past draft, every application can be paid into its account"
    past = next(r for r in rounds.listed(session) if r.title == "2025年度申报（演示）")
    assert [(e.from_date.isoformat(), e.to_date.isoformat()) for e in rounds.read(session, past).extensions] == [
        ("2025-08-29", "2025-09-05")]  # the demo's round was extended once
    offered = session.scalars(select(Offer)).all()  # the imported list's enterprises, in the current round
    assert offered and {o.measure for o in offered} == {2} and all(o.state == "open" for o in offered)
    unit = next(u for u in cast.departments.values() if u.display_name.startswith("省科技厅"))
    assert {o.id for o in offers.pending(session, actor=unit)} == {o.id for o in offered}  # 免申即享: to confirm
    assert set(session.scalars(select(Budget.year))) == {2025, clock.today().year}
    assert session.scalar(select(WhitelistVersion.state)) == "published"
    rated = {r.uscc: r for r in session.scalars(select(Rating))}  # 好差评 of the finished applications
    assert sorted(r.level for r in rated.values()) == [2, 5]
    bad = next(r for r in rated.values() if r.level == 2)
    assert bad.due_on is not None and bad.answer
    assert bad.answered_by.startswith("city-" if bad.city else "dept-")
    assert audit.verify(session).intact
    try:
        seed(session, password="demo password")
        raise AssertionError("a second seed must be refused")
    except Conflict:
        pass


def test_the_demos_returned_application_may_still_be_corrected_and_resubmitted(session, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HUIQI_MATERIALS_DIR", str(tmp_path))
    from huiqi.config import get_settings

    get_settings.cache_clear()
    try:
        cast = seed(session, password="demo password")
        returned = session.scalars(select(Application).where(Application.state == "returned")).one()
        who = next(u for u in cast.enterprises.values() if u.uscc == returned.uscc)
        applications.declare(session, actor=who, application_id=returned.id)  # again, for the correction
        run(session, Action.SUBMIT, actor=who, application_id=returned.id, application_ids=[returned.id])
    finally:
        get_settings.cache_clear()
    assert returned.state in ("city_review", "department_review")


def test_the_demo_s_records_read_on_the_story_s_days(session, tmp_path, monkeypatch, set_today) -> None:
    """Each record is stamped on the day the story gives it: a submission of 2025-09-01 on that day, the shipped
    policy version online before it, the messages about 2025 events in 2025; nothing after the demo's today."""
    from datetime import UTC, date, datetime, time

    from huiqi.demo import data
    from huiqi.models import AuditEvent, Message, PolicyVersion
    from huiqi.validation import BEIJING

    monkeypatch.setenv("HUIQI_MATERIALS_DIR", str(tmp_path))
    set_today(date(2026, 12, 5))
    seed(session, password="demo password")

    def day(moment: datetime) -> date:
        return moment.replace(tzinfo=UTC).astimezone(BEIJING).date()

    end = datetime.combine(date(2026, 12, 6), time(0), BEIJING).astimezone(UTC).replace(tzinfo=None)
    for model, column in ((AuditEvent, AuditEvent.at), (Message, Message.created_at),
                          (PolicyVersion, PolicyVersion.published_at), (Application, Application.updated_at)):
        assert session.scalar(select(func.max(column))) < end, model.__name__
    first = session.scalars(select(Application).order_by(Application.id)).first()
    assert day(first.created_at) == data.SUBMITTED and day(first.declared_at) == data.SUBMITTED
    shipped = session.scalars(select(PolicyVersion).where(PolicyVersion.policy_id == first.policy_id)).first()
    assert day(shipped.published_at) == data.SET_UP < data.SUBMITTED, "online before it judged the submission"
    versions = session.scalars(select(PolicyVersion)).all()
    assert len(versions) == 2 and all(v.published_on == day(v.published_at) == data.SET_UP < data.ROUND_2025[0]
                                      for v in versions), "the demo's policies went online before its first round"
    paid = session.scalars(select(Message).where(Message.subject.contains("已拨付"))).one()
    assert day(paid.created_at) == data.PAID
    created = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create",
                                                       AuditEvent.actor == "system")).all()
    assert created and all(day(e.at) <= data.SET_UP for e in created), "the people were there before the story"
