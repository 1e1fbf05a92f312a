"""Rounds (申报批次): drafted and submitted only while open, the deadline named in the refusal; a return answered
within the round's correction days even after the deadline; every required material attached; an expert score
where the round asks for one; opened by admins and by lead departments for their own measures."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi import clock
from huiqi.applications import service as applications
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, Forbidden, InputError
from huiqi.messages import service as messages
from huiqi.models import Round, User
from huiqi.rounds import editing, opening, submission
from huiqi.rounds import service as rounds
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from tests.dbtest import ALICE_USCC, PASSWORD, PDF, at_once, make_people, step

OPENS, CLOSES = date(2025, 7, 1), date(2025, 8, 18)


def _round(session, who, *measures: opening.MeasureIn, opens=OPENS, closes=CLOSES, **terms):
    policy = catalogue.published(session)[0]
    with clock.pinned(opens):
        return opening.open_round(session, actor=who, policy_id=policy.id, title=terms.pop("title", "2025年度申报"),
                                  opens_on=opens, closes_on=closes, measures=list(measures or [opening.MeasureIn(3)]),
                                  **terms)


def _draft(session, people, round_id, on=date(2025, 8, 1), measure=3):
    with clock.pinned(on):
        return applications.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key="h1",
                                         round_id=round_id, measure=measure, amount_requested=1_000_000)


def _ready(session, people, app, tmp_path, kind=None):
    applications.add_material(session, actor=people.alice, application_id=app.id, filename="申报书.pdf", content=PDF,
                              store=tmp_path, kind=kind)
    applications.declare(session, actor=people.alice, application_id=app.id)


def test_a_draft_only_while_the_round_is_open_and_the_deadline_is_named(session, people) -> None:
    found = _round(session, people.admin)
    with pytest.raises(Conflict, match="2025-07-01 至 2025-08-18"):
        _draft(session, people, found.id, on=date(2025, 6, 30))
    with pytest.raises(Conflict, match="今天（2025-08-19）不能新建申报"):
        _draft(session, people, found.id, on=date(2025, 8, 19))
    with pytest.raises(InputError, match="没有开放措施13"):
        _draft(session, people, found.id, measure=13)
    assert _draft(session, people, found.id).round_id == found.id


def test_submission_after_the_deadline_is_refused_but_a_return_may_be_answered(session, people, tmp_path) -> None:
    found = _round(session, people.admin, correction_days=5)
    late = _draft(session, people, found.id)
    _ready(session, people, late, tmp_path)
    with pytest.raises(Conflict, match="已于 2025-08-18 截止"):
        step(session, "submit", people.alice, late, on=date(2025, 8, 19))
    step(session, "submit", people.alice, late, on=date(2025, 8, 18))
    step(session, "return", people.shenyang, late, on=date(2025, 8, 20), reasons="缺少认定文件")
    # Five working days from the next working day after the return: 8-21, 22, 25, 26, 27.
    with pytest.raises(Conflict, match="5 个工作日内（截至 2025年8月27日，含当日）"):
        step(session, "submit", people.alice, late, on=date(2025, 8, 28))
    with clock.pinned(date(2025, 8, 27)):  # made again, for the correction
        applications.declare(session, actor=people.alice, application_id=late.id)
    assert step(session, "submit", people.alice, late, on=date(2025, 8, 27)).application.state == "city_review"


def test_every_required_material_is_attached_before_submission(session, people, tmp_path) -> None:
    wanted = ({"name": "申报书", "required": True, "formats": ["pdf"]},
              {"name": "审计报告", "required": True, "formats": ["pdf"]},
              {"name": "其他材料", "required": False, "formats": ["pdf", "png"]})
    found = _round(session, people.admin, opening.MeasureIn(3, materials=wanted))
    app = _draft(session, people, found.id)
    _ready(session, people, app, tmp_path)
    with pytest.raises(Conflict, match="提交前须上传：审计报告"):
        step(session, "submit", people.alice, app, on=date(2025, 8, 1))
    with pytest.raises(InputError, match="没有名为“营业执照”的材料"):
        applications.add_material(session, actor=people.alice, application_id=app.id, filename="x.pdf", content=PDF,
                                  store=tmp_path, kind="营业执照")
    second = applications.add_material(session, actor=people.alice, application_id=app.id, filename="审计.pdf",
                                       content=PDF, store=tmp_path)
    assert second.kind == "审计报告"  # the first required one still missing
    step(session, "submit", people.alice, app, on=date(2025, 8, 1))


def test_an_expert_score_before_the_amount_where_the_round_asks_for_one(session, people, tmp_path) -> None:
    found = _round(session, people.admin, opening.MeasureIn(3, expert_score=True))
    app = _draft(session, people, found.id)
    _ready(session, people, app, tmp_path)
    step(session, "submit", people.alice, app, on=date(2025, 8, 1))
    step(session, "pass_city", people.shenyang, app, on=date(2025, 8, 4))
    with pytest.raises(Conflict, match="请先录入评审得分"):
        step(session, "propose", people.miit, app, on=date(2025, 8, 5), amount=800_000)
    step(session, "score", people.miit, app, on=date(2025, 8, 5), score=90)
    assert step(session, "propose", people.miit, app, on=date(2025, 8, 5), amount=800_000).application.amount_proposed


def test_who_opens_and_closes_rounds(session, people) -> None:
    with pytest.raises(Forbidden):
        _round(session, people.alice)
    with pytest.raises(Forbidden, match="措施13由省科技厅牵头"):
        _round(session, people.miit, opening.MeasureIn(13))
    own = _round(session, people.miit, opening.MeasureIn(3))
    colleague = users.create_user(session, actor=SYSTEM, username="miit2", display_name="省工信厅审核员乙",
                                  role="department", password=PASSWORD, department="省工业和信息化厅")
    assert [rounds.manages(who, own) for who in (
        people.miit, colleague, people.admin, people.most, people.alice, None)] == [True, True, True, False, False,
                                                                                   False]
    with clock.pinned(date(2025, 7, 10)):
        with pytest.raises(Forbidden, match="本单位开设的批次"):
            editing.close(session, actor=people.most, round_id=own.id)
        editing.close(session, actor=colleague, round_id=own.id)  # a colleague of the unit takes over
        with pytest.raises(Conflict, match="已截止"):
            editing.close(session, actor=people.admin, round_id=own.id)
    assert own.closes_on == date(2025, 7, 10) and not rounds.is_open(own, date(2025, 7, 10))
    shown = rounds.read(session, own, date(2025, 7, 10))
    assert shown.closed_early and not shown.closed_before_opening
    later = _round(session, people.miit, opening.MeasureIn(3), opens=date(2025, 9, 1), closes=date(2025, 9, 30))
    with clock.pinned(date(2025, 7, 10)):
        editing.close(session, actor=people.miit, round_id=later.id)  # before it opened
    for day in (date(2025, 7, 10), date(2025, 9, 1), date(2025, 10, 1)):  # read 未开始, then 已于…提前结束受理
        shown = rounds.read(session, later, day)
        assert shown.closed_before_opening and shown.status == "已取消" and not shown.upcoming, day
    with clock.pinned(date(2025, 7, 11)), pytest.raises(Conflict, match="已取消"):
        editing.close(session, actor=people.miit, round_id=later.id)


def test_a_round_stays_with_the_unit_it_was_opened_for_when_its_opener_moves(session, people) -> None:
    own = _round(session, people.miit, opening.MeasureIn(3))
    admins = _round(session, people.admin, opening.MeasureIn(3), title="管理员开设的批次")  # not a twin: a 409
    assert (own.department_id, admins.department_id) == (people.miit.department_id, None)
    colleague = users.create_user(session, actor=SYSTEM, username="miit2", display_name="省工信厅审核员乙",
                                  role="department", password=PASSWORD, department="省工业和信息化厅")
    users.change_role(session, actor=people.admin, username="miit", role="department", department="省科技厅")
    assert [rounds.manages(who, own) for who in (people.miit, colleague, people.most, people.admin)] == [
        True, True, False, True]  # the opener, the unit's colleague; not the unit the opener moved to
    assert [rounds.manages(who, admins) for who in (people.miit, colleague, people.most)] == [False, False, False]
    with clock.pinned(date(2025, 7, 10)):
        with pytest.raises(Forbidden, match="责任单位只能关闭本单位开设的批次"):
            editing.close(session, actor=people.most, round_id=own.id)
        with pytest.raises(Forbidden, match="责任单位只能延长本单位开设的批次"):
            editing.extend(session, actor=people.most, round_id=own.id, closes_on=date(2025, 9, 1), seen=CLOSES,
                           reason="维护")
        editing.extend(session, actor=colleague, round_id=own.id, closes_on=date(2025, 9, 1), seen=CLOSES,
                       reason="维护")
        editing.close(session, actor=people.miit, round_id=own.id)  # the opener, now elsewhere, still may


@pytest.mark.parametrize(("terms", "field"), [
    ({"title": " "}, "批次名称"),
    ({"closes_on": date(2025, 6, 1)}, "截止日期"),
    ({"correction_days": 0}, "补正期限"),
    ({"measures": [opening.MeasureIn(19)]}, "措施"),
    ({"measures": [opening.MeasureIn(3), opening.MeasureIn(3)]}, "措施"),
    ({"policy_id": "no-such-policy"}, "政策"),
    ({"measures": [opening.MeasureIn(3, materials=({"name": "申报书", "formats": ["docx"]},))]}, "措施3·材料1·格式"),
])
def test_bad_terms_name_their_field_in_chinese(session, people, terms, field) -> None:
    policy = catalogue.published(session)[0]
    given = {"policy_id": policy.id, "title": "2025年度申报", "opens_on": OPENS, "closes_on": CLOSES,
             "measures": [opening.MeasureIn(3)]} | terms
    with clock.pinned(OPENS), pytest.raises(InputError) as caught:
        opening.open_round(session, actor=people.admin, **given)
    assert caught.value.problems[0][0] == field


def test_a_deadline_is_extended_with_its_reason_and_the_enterprises_waiting_are_told(session, people,
                                                                                     tmp_path) -> None:
    own = _round(session, people.miit, opening.MeasureIn(3))
    draft = _draft(session, people, own.id)
    with clock.pinned(date(2025, 8, 10)):
        with pytest.raises(Forbidden):
            editing.extend(session, actor=people.most, round_id=own.id, closes_on=date(2025, 9, 1), seen=CLOSES,
                           reason="系统维护")
        with pytest.raises(InputError, match="延期原因"):
            editing.extend(session, actor=people.miit, round_id=own.id, closes_on=date(2025, 9, 1), seen=CLOSES,
                           reason=" ")
        with pytest.raises(InputError, match="应晚于现在的截止日期 2025-08-18"):
            editing.extend(session, actor=people.miit, round_id=own.id, closes_on=CLOSES, seen=CLOSES, reason="维护")
        with pytest.raises(InputError, match="一次延期不超过 366 天"):
            editing.extend(session, actor=people.miit, round_id=own.id, closes_on=date(2026, 8, 20), seen=CLOSES,
                           reason="维护")
        editing.extend(session, actor=people.miit, round_id=own.id, closes_on=date(2025, 9, 1), seen=CLOSES,
                       reason="申报系统维护两天")
        with pytest.raises(Conflict, match="刚被他人改为 2025-09-01"):  # another saw the old deadline
            editing.extend(session, actor=people.admin, round_id=own.id, closes_on=date(2025, 9, 5), seen=CLOSES,
                           reason="再延")
    assert own.closes_on == date(2025, 9, 1)
    told = messages.inbox(session, actor=people.alice)
    assert told[0].subject == "申报批次延期：「2025年度申报」截止日期延至 2025-09-01"
    assert "由 2025-08-18 延至 2025-09-01。延期原因：申报系统维护两天" in told[0].body
    assert [(e.from_date, e.to_date, e.reason) for e in rounds.read(session, own).extensions] == [
        (CLOSES, date(2025, 9, 1), "申报系统维护两天")]
    _ready(session, people, draft, tmp_path)  # after the old deadline, before the new one: still submitted
    assert step(session, "submit", people.alice, draft, on=date(2025, 8, 25)).application.state != "draft"
    with clock.pinned(date(2025, 9, 2)), pytest.raises(Conflict, match="已截止，不能延长"):
        editing.extend(session, actor=people.admin, round_id=own.id, closes_on=date(2025, 9, 30),
                       seen=date(2025, 9, 1), reason="补报")


def test_the_same_round_opened_twice_at_once_is_made_once(own_database) -> None:
    """The create form sent twice (two tabs, a double click) made two identical rounds; the second is a 409 now,
    and a round differing in its title, or beside a closed twin, is still made."""
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        make_people(session)

    def open_one(session) -> None:
        admin = session.scalar(select(User).where(User.username == "admin"))
        _round(session, admin, opening.MeasureIn(3), opening.MeasureIn(13))

    assert sorted(at_once(own_database, [open_one, open_one])) == ["conflict", "done"]
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        admin = session.scalar(select(User).where(User.username == "admin"))
        with pytest.raises(Conflict, match=r"已有完全相同的申报批次「2025年度申报」（批次 \d+"):
            _round(session, admin, opening.MeasureIn(13), opening.MeasureIn(3))
        _round(session, admin, opening.MeasureIn(3))  # other measures: another round
        made = _round(session, admin, opening.MeasureIn(3), opening.MeasureIn(13), title="2025年度补充申报")
        with clock.pinned(OPENS):
            editing.close(session, actor=admin, round_id=made.id)
        _round(session, admin, opening.MeasureIn(3), opening.MeasureIn(13), title="2025年度补充申报")
        assert session.query(Round).count() == 4


def test_two_extensions_at_once_end_in_one_and_a_409(own_database) -> None:
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        found = _round(session, people.admin)

    def extending(to: date):
        def act(session) -> None:
            with clock.pinned(date(2025, 8, 10)):
                admin = session.scalar(select(User).where(User.username == "admin"))
                editing.extend(session, actor=admin, round_id=found.id, closes_on=to, seen=CLOSES, reason="维护")
        return act

    outcomes = at_once(own_database, [extending(date(2025, 9, 1)), extending(date(2025, 9, 15))])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(own_database) as session:
        shown = rounds.read(session, session.get(Round, found.id), date(2025, 8, 10))
        assert len(shown.extensions) == 1 and shown.closes_on == shown.extensions[0].to_date


def _returned_past_the_calendar(session, people, tmp_path):
    """An application submitted in 2025 and returned on 2026-12-21 for 10 working days, which run past the calendar's
    end (2026) while the package does not know 2027."""
    from huiqi.announcements.calendar import package_calendar

    if 2027 in package_calendar().years:
        pytest.skip("the package already knows 2027")
    found = _round(session, people.admin, correction_days=10)
    app = _draft(session, people, found.id)
    _ready(session, people, app, tmp_path)
    step(session, "submit", people.alice, app, on=date(2025, 8, 18))
    step(session, "return", people.shenyang, app, on=date(2026, 12, 21), reasons="缺少认定文件")
    return app


def test_a_return_whose_correction_days_run_past_the_calendar_is_counted_monday_to_friday_until_entered(
        session, people, tmp_path) -> None:
    """The calendar ends with 2026: a return on 2026-12-21 is taken all the same; its 10 correction days count
    12-22…12-31 (8), then Monday to Friday 1-1 and 1-4, saying so, and nobody is late by that guess; the admins are
    told to enter 2027. Once it is (元旦 1-1…1-3), the days are counted with it: 1-4, 1-5."""
    from pathlib import Path

    from huiqi.holidays import service as holidays
    from huiqi.models import Message

    app = _returned_past_the_calendar(session, people, tmp_path)
    assert submission.correction_due(session, app) == (
        "2027年1月4日", "退回之日起 10 个工作日，暂按周一至周五计算：2027 年节假日安排尚未录入")
    assert submission.correction_overdue(session, app, date(2027, 1, 6)) is None
    told = session.scalars(select(Message).where(Message.kind == "calendar.missing")).all()
    assert [m.user_id for m in told] == [people.admin.id]
    notice = Path(__file__).parent.parent / "fixtures" / "calendar-2027-test.csv"
    holidays.enter(session, actor=SYSTEM, entries=holidays.read_file(notice), source="测试用通知（非真实）")
    assert submission.correction_due(session, app) == ("2027年1月5日", "退回之日起 10 个工作日")
    assert "截至 2027年1月5日" in (submission.correction_overdue(session, app, date(2027, 1, 6)) or "")


def test_a_provisional_deadline_is_lenient_only_by_the_longest_holiday_stretch(session, people, tmp_path) -> None:
    """Counted Monday to Friday to 2027-01-04, a resubmission is taken for ten calendar days more (holidays not yet
    entered could move the deadline that far), and refused as overdue after: never six months late."""
    app = _returned_past_the_calendar(session, people, tmp_path)
    assert submission.correction_overdue(session, app, date(2027, 1, 14)) is None
    for day in (date(2027, 1, 15), date(2027, 6, 21)):
        assert "截至 2027年1月4日" in (submission.correction_overdue(session, app, day) or ""), day
    with pytest.raises(Conflict, match="已逾期"):
        step(session, "submit", people.alice, app, on=date(2027, 6, 21))


def test_closing_and_cancelling_record_the_deadline_before_and_a_cancelled_round_keeps_its_window(session,
                                                                                                  people) -> None:
    """round.close recorded only the new date, so the deadline it replaced was lost; a cancellation overwrote the
    deadline with the opening day (受理 2025-09-01 至 2025-09-01). Both now record before and after; a cancelled
    round keeps the window it announced, the day it was cancelled apart."""
    from huiqi.audit import service as audit

    early = _round(session, people.admin)
    later = _round(session, people.admin, opens=date(2025, 9, 1), closes=date(2025, 9, 30), title="补报")
    with clock.pinned(date(2025, 7, 10)):
        editing.close(session, actor=people.admin, round_id=early.id)
        editing.close(session, actor=people.admin, round_id=later.id)
    closed = [(e.before, e.after) for r in (early, later)
              for e in audit.history(session, entity="round", entity_id=str(r.id)) if e.action == "round.close"]
    assert closed == [({"closes_on": "2025-08-18", "cancelled": False},
                       {"closes_on": "2025-07-10", "cancelled": False}),
                      ({"closes_on": "2025-09-30", "cancelled": False},
                       {"closes_on": "2025-09-30", "cancelled": True, "cancelled_on": "2025-07-10"})]
    shown = rounds.read(session, later, date(2025, 10, 1))
    assert (shown.opens_on, shown.closes_on, shown.cancelled_on) == (date(2025, 9, 1), date(2025, 9, 30),
                                                                     date(2025, 7, 10))
    assert shown.status == "已取消" and not shown.open and not rounds.is_open(later, date(2025, 9, 15))
    assert rounds.open_now(session, date(2025, 9, 15)) == [], "a cancelled round takes nothing on its old days"


def test_an_extension_of_a_round_closed_early_meanwhile_says_so_and_by_whom(session, people) -> None:
    """admin closed the round while admin2 had the extend form open: admin2 was told the deadline had been changed
    to the closing day, 请刷新后再看是否还需延长, as if it could still be extended."""
    from tests.dbtest import second_admin

    found = _round(session, people.admin)
    with clock.pinned(date(2025, 8, 7)):
        editing.close(session, actor=people.admin, round_id=found.id)
        with pytest.raises(Conflict) as refused:
            editing.extend(session, actor=second_admin(session), round_id=found.id, closes_on=date(2025, 9, 1),
                           seen=CLOSES, reason="系统维护")
    assert refused.value.message == ("申报批次「2025年度申报」已由系统管理员于 2025-08-07 提前结束受理，不能再延长；"
                                     "如需继续受理，请开设新的批次")
    cancelled = _round(session, people.admin, opens=date(2025, 9, 1), closes=date(2025, 9, 30), title="补报")
    with clock.pinned(date(2025, 8, 7)):
        editing.close(session, actor=people.admin, round_id=cancelled.id)
        with pytest.raises(Conflict, match="已由系统管理员于 2025-08-07 取消，不能再延长"):
            editing.extend(session, actor=second_admin(session), round_id=cancelled.id, closes_on=date(2025, 10, 9),
                           seen=date(2025, 9, 30), reason="系统维护")
