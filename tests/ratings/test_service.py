"""好差评: a finished application rated once; a bad rating opens a rectification due in 15 working days for the
responsible department, answered; the enterprise asks a re-check once and an admin concludes; the rates add up."""

import io
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from huiqi import clock
from huiqi.applications import service as applications
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, Forbidden, InputError
from huiqi.messages import service as messages
from huiqi.models import Department
from huiqi.ratings import service as ratings
from huiqi.rounds import opening
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from tests.dbtest import PASSWORD, PDF, apply, step


@pytest.fixture
def rejected(session, people, tmp_path):
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    step(session, "reject", people.miit, app, on=date(2025, 9, 4), reasons="不符合条件")
    return app


def test_a_bad_rating_is_rectified_and_rechecked(session, people, rejected) -> None:
    with pytest.raises(Forbidden):
        ratings.rate(session, actor=people.shenyang, application_id=rejected.id, level=1)
    with pytest.raises(InputError):
        ratings.rate(session, actor=people.alice, application_id=rejected.id, level=7)
    with pytest.raises(InputError, match="意见：评价为不满意时，请写明原因"):
        ratings.rate(session, actor=people.alice, application_id=rejected.id, level=2, comment="  ")
    with clock.pinned(date(2025, 9, 26)):  # a Friday: 15 working days over the National Day holiday
        found = ratings.rate(session, actor=people.alice, application_id=rejected.id, level=1, comment="理由不清楚。")
    # 9-28 (a Sunday made a working day), 9-29, 9-30, then 10-9, 10-10, 10-11 (a Saturday made one) … 10-23.
    assert found.due_on == date(2025, 10, 23)
    with pytest.raises(Conflict, match=f"申报 #{rejected.id} 已经评价过"):  # as the lists cite it
        ratings.rate(session, actor=people.alice, application_id=rejected.id, level=5)
    told = messages.inbox(session, actor=people.miit)
    assert told and "差评待整改" in told[0].subject
    assert "“非常不满意”：理由不清楚。请在 2025-10-23 前答复" in told[0].body, "the comment's own full stop, not 。。"
    with pytest.raises(Conflict, match="答复后才能申请复核"):
        ratings.ask_recheck(session, actor=people.alice, rating_id=found.id, reason="不同意")
    with pytest.raises(Forbidden):
        ratings.answer(session, actor=people.most, rating_id=found.id, text="与本单位无关")
    ratings.answer(session, actor=people.miit, rating_id=found.id, text="已电话说明不符合的条件，并改进退回说明的写法")
    ratings.ask_recheck(session, actor=people.alice, rating_id=found.id, reason="仍未说明具体条款")
    ratings.conclude(session, actor=people.admin, rating_id=found.id, result="维持答复，责成补充书面说明")
    with pytest.raises(Conflict):
        ratings.conclude(session, actor=people.admin, rating_id=found.id, result="再次")
    by_unit = {r.key: r for r in ratings.rates(session, by="department", today=date(2025, 12, 1))}
    unit = by_unit["省工业和信息化厅"]
    assert (unit.total, unit.counts, unit.satisfied, unit.rectifications, unit.overdue) == (1, {1: 1}, 0.0, 1, 0)


def test_an_unfinished_application_cannot_be_rated(session, people, tmp_path) -> None:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    with pytest.raises(Conflict, match="办结"):
        ratings.rate(session, actor=people.alice, application_id=app.id, level=5)


@pytest.mark.anyio
async def test_the_pages(browser, session, people, rejected) -> None:
    alice = browser(people.alice)
    page = (await alice.get(f"/applications/{rejected.id}")).text
    assert "评价这次服务" in page and "非常不满意" in page
    rated = await alice.post(f"/applications/{rejected.id}/rating", data={"level": "2", "comment": "慢"})
    assert rated.status_code == 303
    assert "您的评价" in (await alice.get(f"/applications/{rejected.id}")).text
    unit = browser(people.miit)
    listed = (await unit.get("/ratings/rectifications")).text
    assert "不满意" in listed and "答复" in listed and "措施3 培育中小企业" in listed  # the measure by its title
    sheet = (await unit.get("/ratings/rectifications.xlsx")).content
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True))
    assert rows[2][rows[1].index("措施")] == "措施3 培育中小企业" and rows[2][3] == "辽政办〔2022〕35号"
    assert isinstance(rows[2][rows[1].index("整改期限")], datetime)  # the deadline a real date
    rating = re.search(r'action="/ratings/(\d+)/answer"', listed).group(1)
    empty = await unit.post(f"/ratings/{rating}/answer", data={"text": "  "})
    assert empty.status_code == 422 and '<a href="#f-text">整改情况：请填写</a>' in empty.text
    assert '<textarea id="f-text" aria-invalid="true" aria-describedby="e-text" name="text"' in empty.text
    assert 'id="e-text"' in empty.text
    public = (await browser(None).get("/ratings")).text
    assert "好评率" in public and "省工业和信息化厅" in public
    # how many ratings a 好评率 stands on, beside it: on /ratings and on the statistics page's table
    row = public.split('<td data-label="责任单位">省工业和信息化厅</td>')[1].split("</tr>")[0]
    assert '<td data-label="合计" class="num">1</td><td data-label="好评率" class="num">0%</td>' in row
    assert '<th class="num">合计</th><th class="num">好评率</th>' in public
    figures = (await browser(people.finance).get("/statistics")).text
    assert '<td data-label="合计" class="num">1</td><td data-label="好评率" class="num">0%</td>' in figures


SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"


@pytest.mark.anyio
async def test_each_policy_s_measure_is_counted_apart(browser, session, people, tmp_path) -> None:
    """Two policies in force each have a 措施5: their ratings are two rows, each cited with its policy."""
    version = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second-policy.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=version.id)
    unit = users.create_user(session, actor=SYSTEM, username="test-unit", display_name="测试厅审核人员",
                             role="department", password=PASSWORD, department="测试厅")
    with clock.pinned(date(2025, 1, 1)):
        successor = opening.open_round(session, actor=SYSTEM, policy_id="test-successor", title="测试批次",
                                       opens_on=date(2025, 1, 1), closes_on=date(2030, 12, 31),
                                       measures=[opening.MeasureIn(5)])
    theirs = applications.create_draft(session, actor=people.alice, uscc=people.alice.uscc, matter_key="h1",
                                       round_id=successor.id, measure=5, amount_requested=1_000_000)
    applications.add_material(session, actor=people.alice, application_id=theirs.id, filename="申报书.pdf",
                              content=PDF, store=tmp_path)
    applications.declare(session, actor=people.alice, application_id=theirs.id)
    step(session, "submit", people.alice, theirs, on=date(2025, 9, 1))
    step(session, "reject", unit, theirs, on=date(2025, 9, 3), reasons="不符合条件")
    ours = apply(session, people.alice, matter="p1", measure=5, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    lead = users.create_user(session, actor=SYSTEM, username="lead-unit", display_name="牵头单位审核人员",
                             role="department", password=PASSWORD,
                             department=session.get(Department, ours.department_id).name)
    step(session, "reject", lead, ours, on=date(2025, 9, 3), reasons="不符合条件")
    with clock.pinned(date(2025, 9, 8)):
        ratings.rate(session, actor=people.alice, application_id=theirs.id, level=5)
        ratings.rate(session, actor=people.alice, application_id=ours.id, level=1, comment="等待太久")
    by_measure = ratings.rates(session, by="measure", today=date(2025, 12, 1))
    assert [(r.key, r.policy_id, r.measure, r.counts, r.rectifications) for r in by_measure] == [
        ("辽政办〔2022〕35号 措施5 做强电子元器件及设备制造业", "ln-2022-35", 5, {1: 1}, 1),
        ("测试〔2024〕1号 措施5 同号测试", "test-successor", 5, {5: 1}, 0)]
    public = (await browser(None).get("/ratings")).text
    assert public.count("措施5") == 2 and "测试〔2024〕1号 措施5 同号测试" in public
    api = (await browser(None).get("/api/v1/ratings/rates", params={"by": "measure"})).json()
    assert [(r["policy_id"], r["measure"], r["counts"]) for r in api["items"]] == [
        ("ln-2022-35", 5, {"1": 1}), ("test-successor", 5, {"5": 1})]


@pytest.mark.anyio
async def test_the_public_rates_export(browser, session, people, rejected) -> None:
    with clock.pinned(date(2025, 9, 26)):
        ratings.rate(session, actor=people.alice, application_id=rejected.id, level=2, comment="材料要求不清楚")
    public = browser(None)
    assert 'href="/ratings.xlsx"' in (await public.get("/ratings")).text
    sheet = (await public.get("/ratings.xlsx")).content
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("分组", "责任单位或措施")
    assert [(r[0], r[1], r[rows[1].index("不满意")], r[rows[1].index("好评率")]) for r in rows[2:]] == [
        ("责任单位", "省工业和信息化厅", 1, 0), ("措施", "措施3 培育中小企业", 1, 0)]


NOTICE = Path(__file__).parent.parent / "fixtures" / "calendar-2027-test.csv"  # a test notice, not the real 2027 one


def test_a_bad_rating_late_in_december_is_counted_monday_to_friday_and_counted_again_once_the_year_is_entered(
        session, people, rejected) -> None:
    """The calendar ends with 2026: a 不满意 on 2026-12-21 is recorded all the same; its 15 working days count
    12-22…12-31 (8) and then, provisionally, Monday to Friday (1-1, 1-4…1-8, 1-11), saying so; the admins are told to
    enter 2027; once it is entered (元旦 1-1…1-3) the deadline is counted again: 1-12."""
    from sqlalchemy import select

    from huiqi.announcements.calendar import package_calendar
    from huiqi.holidays import service as holidays
    from huiqi.models import Message

    if 2027 in package_calendar().years:
        pytest.skip("the package already knows 2027")
    with clock.pinned(date(2026, 12, 21)):
        found = ratings.rate(session, actor=people.alice, application_id=rejected.id, level=2, comment="太慢")
    assert found.due_on == date(2027, 1, 11) and found.rated_on == date(2026, 12, 21)
    assert ratings.due_note(session, found) == "暂按周一至周五计算：2027 年节假日安排尚未录入"
    told = session.scalars(select(Message).where(Message.kind == "calendar.missing")).all()
    assert [m.user_id for m in told] == [people.admin.id] and "2027" in told[0].subject
    assert any("暂按周一至周五计算" in m.body for m in messages.inbox(session, actor=people.miit))
    holidays.enter(session, actor=SYSTEM, entries=holidays.read_file(NOTICE), source="测试用通知（非真实）")
    assert found.due_on == date(2027, 1, 12) and ratings.due_note(session, found) is None
    assert any("重算为 2027-01-12" in m.body for m in messages.inbox(session, actor=people.miit))


def test_a_step_with_nothing_to_do_says_why(session, people, rejected) -> None:
    """Not a race: a good rating has no rectification; a re-check not asked for has no conclusion."""
    with clock.pinned(date(2025, 9, 26)):
        found = ratings.rate(session, actor=people.alice, application_id=rejected.id, level=1, comment="慢")
    with pytest.raises(Conflict, match="企业尚未对这条评价申请复核，无需作出结论"):
        ratings.conclude(session, actor=people.admin, rating_id=found.id, result="维持")
    found.due_on = None  # as a good rating is
    with pytest.raises(Conflict, match="这条评价不是差评，没有需要答复的整改"):
        ratings.answer(session, actor=people.miit, rating_id=found.id, text="已改进")


@pytest.mark.anyio
async def test_a_city_s_rejection_is_the_city_s_to_rectify(browser, session, people, tmp_path) -> None:
    """A bad rating of an application the city's 市级初审 rejected goes to that city (told, listed, answering, audited),
    not to the lead department; another city and the department neither see nor answer it."""
    from sqlalchemy import select

    from huiqi.models import AuditEvent

    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "reject", people.shenyang, app, on=date(2025, 9, 3), reasons="不符合条件")
    with clock.pinned(date(2025, 9, 26)):
        found = ratings.rate(session, actor=people.alice, application_id=app.id, level=1,
                             comment="市级初审不予支持，理由不清楚")
    assert found.city == "210100" and ratings.unit_name(session, found) == "沈阳市"
    assert any("差评待整改" in m.subject for m in messages.inbox(session, actor=people.shenyang))
    assert not any("差评待整改" in m.subject for m in messages.inbox(session, actor=people.miit))
    assert ratings.rectifications(session, actor=people.miit) == []
    assert ratings.rectifications(session, actor=people.dalian) == []
    assert [r.id for r in ratings.rectifications(session, actor=people.shenyang)] == [found.id]
    with pytest.raises(Forbidden, match="这条由沈阳市答复"):
        ratings.answer(session, actor=people.miit, rating_id=found.id, text="与本单位无关")
    with pytest.raises(Forbidden):
        ratings.answer(session, actor=people.dalian, rating_id=found.id, text="与本市无关")
    city = browser(people.shenyang)
    listed = await city.get("/ratings/rectifications")
    assert listed.status_code == 200 and "答复单位：沈阳市" in listed.text and 'name="text"' in listed.text
    answered = await city.post(f"/ratings/{found.id}/answer", data={"text": "已当面说明不符合的条件"})
    assert answered.status_code == 303
    again = await city.post(f"/ratings/{found.id}/answer", data={"text": "再答一次"})
    assert again.status_code == 409
    session.refresh(found)
    assert found.answer == "已当面说明不符合的条件" and found.answered_by == "shenyang"
    entry = session.scalars(select(AuditEvent).where(AuditEvent.action == "rating.answer")).one()
    assert entry.actor == "shenyang"
    by_unit = {r.key for r in ratings.rates(session, by="department")}
    assert by_unit == {"沈阳市"}


@pytest.mark.anyio
async def test_finance_s_rejection_is_finance_s_to_rectify(browser, session, people, tmp_path) -> None:
    """A bad rating of an application finance declined to approve after its 公示 goes to finance (told, listed,
    answering, audited, counted as 省财政厅), not to the lead department, which neither sees nor answers it."""
    from sqlalchemy import select

    from huiqi.models import AuditEvent
    from tests.dbtest import to_announced

    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, store=tmp_path)  # 公示 2025-09-29 to 2025-10-11
    step(session, "reject", people.finance, app, on=date(2025, 10, 14), reasons="预算执行审查未通过")
    with clock.pinned(date(2025, 10, 20)):
        found = ratings.rate(session, actor=people.alice, application_id=app.id, level=2,
                             comment="公示后被否，理由不清楚")
    assert (found.finance, found.city) == (True, None) and ratings.unit_name(session, found) == "省财政厅"
    assert any("差评待整改" in m.subject for m in messages.inbox(session, actor=people.finance))
    assert not any("差评待整改" in m.subject for m in messages.inbox(session, actor=people.miit))
    assert ratings.rectifications(session, actor=people.miit) == []
    assert [r.id for r in ratings.rectifications(session, actor=people.finance)] == [found.id]
    with pytest.raises(Forbidden, match="这条由省财政厅答复"):
        ratings.answer(session, actor=people.miit, rating_id=found.id, text="与本单位无关")
    money = browser(people.finance)
    assert '<a href="/ratings/rectifications"' in (await money.get("/review")).text, "finance's own navigation"
    listed = await money.get("/ratings/rectifications")
    assert listed.status_code == 200 and "答复单位：省财政厅（公示后财政不予批准的决定）" in listed.text
    assert 'name="text"' in listed.text
    answered = await money.post(f"/ratings/{found.id}/answer", data={"text": "已书面说明预算审查的结论"})
    assert answered.status_code == 303
    session.refresh(found)
    assert found.answer == "已书面说明预算审查的结论" and found.answered_by == "finance"
    entry = session.scalars(select(AuditEvent).where(AuditEvent.action == "rating.answer")).one()
    assert entry.actor == "finance" and entry.after["unit"] == "省财政厅"
    assert {r.key for r in ratings.rates(session, by="department")} == {"省财政厅"}


def test_a_department_s_rejection_after_its_proposal_stays_the_department_s(session, people, tmp_path) -> None:
    """Only a rejection after the 公示 is finance's: the department rejecting the amount it proposed answers itself."""
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    step(session, "propose", people.miit, app, on=date(2025, 9, 10), amount=800_000)
    step(session, "reject", people.miit, app, on=date(2025, 9, 11), reasons="复核后不符合条件")
    with clock.pinned(date(2025, 9, 26)):
        found = ratings.rate(session, actor=people.alice, application_id=app.id, level=1, comment="不清楚")
    assert not found.finance and ratings.unit_name(session, found) == "省工业和信息化厅"
    assert ratings.rectifications(session, actor=people.finance) == []
    with pytest.raises(Forbidden):
        ratings.answer(session, actor=people.finance, rating_id=found.id, text="与财政无关")
