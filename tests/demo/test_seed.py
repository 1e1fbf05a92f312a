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
    offered = session.scalars(select(Offer)).all()  # the imported lists' enterprises, in the current round
    assert {o.measure for o in offered} == {2, 3} and all(o.state == "open" for o in offered)
    direct = [o for o in offered if offers.mode_of(session, o) == "direct"]
    assert {o.measure for o in direct} == {2}
    unit = next(u for u in cast.departments.values() if u.display_name.startswith("省科技厅"))
    assert {o.id for o in offers.pending(session, actor=unit)} == {o.id for o in direct}  # 免申即享: to confirm
    assert set(session.scalars(select(Budget.year))) == {2025, clock.today().year}
    assert session.scalar(select(WhitelistVersion.state)) == "published"
    rated = {r.uscc: r for r in session.scalars(select(Rating))}  # 好差评 of the finished applications
    assert sorted(r.level for r in rated.values()) == [2, 5]
    assert session.scalar(select(func.count(Application.id)).where(Application.state == "disbursed")) == 2
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
    paid = session.scalars(select(Message).where(Message.subject.contains("已拨付"))).all()
    assert len(paid) == 2 and all(day(m.created_at) == data.PAID for m in paid)
    created = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create",
                                                       AuditEvent.actor == "system")).all()
    assert created and all(day(e.at) <= data.SET_UP for e in created), "the people were there before the story"


def test_the_demo_leaves_an_offer_to_accept_and_a_paid_application_to_rate(session, tmp_path, monkeypatch) -> None:
    """Both offers were 免申即享 (only the lead unit could act) and every finished application of ent-01 and ent-02
    was rated: the walk-through could show neither accepting an offer nor giving a rating."""
    from huiqi.ratings import service as ratings

    monkeypatch.setenv("HUIQI_MATERIALS_DIR", str(tmp_path))
    from huiqi.config import get_settings

    get_settings.cache_clear()
    try:
        seed(session, password="demo password")
        ent = session.scalars(select(User).where(User.username == "ent-01")).one()
        mine = [o for o in offers.mine(session, actor=ent) if offers.mode_of(session, o) == "apply"]
        assert [(o.measure, o.state) for o in mine] == [(3, "open")], "申请即享: the enterprise accepts it"
        draft = offers.accept(session, actor=ent, offer_id=mine[0].id)
        assert draft.state == "draft" and draft.uscc == ent.uscc and draft.measure == 3
        ent = session.scalars(select(User).where(User.username == "ent-02")).one()
        rated = set(session.scalars(select(Rating.application_id)))
        paid = [a for a in session.scalars(select(Application).where(Application.uscc == ent.uscc))
                if a.state == "disbursed" and a.id not in rated]
        assert len(paid) == 1
        rating = ratings.rate(session, actor=ent, application_id=paid[0].id, level=4, comment="（演示）拨付及时")
        assert rating.level == 4
    finally:
        get_settings.cache_clear()


def test_the_demo_successor_policy_cites_plausible_demo_text_not_test_wording() -> None:
    """Its clauses read 为测试多项政策同时加载 and 智能制造项目 where an enterprise's reasons quote them, and its
    chapter and sources said 测试. Still plainly an invented demonstration policy."""
    from importlib import resources

    from huiqi.rules.loader import load_text

    text = resources.files("huiqi.demo").joinpath("successor-demo.yaml").read_text("utf-8")
    policy = load_text(text, "successor-demo.yaml")
    assert "演示" in policy.title and "非真实" in policy.title and "虚构" in policy.number
    rules = [r for m in policy.measures for r in m.rules]
    conditions = [*policy.general, *(c for r in rules for c in r.conditions)]
    cited = [policy.preamble, *(m.chapter for m in policy.measures), *(m.clause for m in policy.measures),
             *(r.clause for r in rules), *(c.clause for c in conditions),
             *(v.source for m in policy.measures for p in m.parameters.values() for v in p.values)]
    assert not [said for said in cited if "测试" in said], cited
    general = {c.name: c.clause for c in policy.general}
    assert "辽宁省注册" in general["在辽宁省注册"]
    core = next(c for c in conditions if c.name == "属于数字经济核心产业")
    assert "数字经济核心产业" in core.clause
