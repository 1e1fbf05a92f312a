"""The trail as the auditor reads it: people with the unit they held when they acted, beside their login; whitelist
entries by version, enterprise and reason; what a budget draw drew; one date per event, the day it was recorded,
which the filter reads, with the business day beside it by name."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from huiqi.applications.views import timeline
from huiqi.audit import service as audit
from huiqi.models import AuditEvent
from huiqi.users import service as users
from huiqi.whitelist import service as whitelist
from tests.dbtest import ALICE_USCC, proposed_giants

pytestmark = pytest.mark.anyio


def _recorded_on(session, action: str) -> date:
    """The Beijing day an event was recorded (the trail keeps UTC)."""
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).first()
    return (event.at + timedelta(hours=8)).date()


def _sheet(response) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


async def test_a_person_moved_to_another_unit_reads_with_the_unit_held_then(browser, session, people) -> None:
    audit.record(session, actor="miit", action="matter.verify", entity="matter", entity_id=5, after={})
    users.change_role(session, actor=people.admin, username="miit", role="department", department="省科技厅")
    audit.record(session, actor="miit", action="matter.verify", entity="matter", entity_id=6, after={})
    page = (await browser(people.auditor).get("/audit", params={"who": "miit"})).text
    login = '<span class="small muted">（登录名 miit）</span>'
    assert f"省工信厅审核员（省工业和信息化厅） {login} 于 " in page and "事项 #5" in page
    assert f"省工信厅审核员（省科技厅） {login} 于 " in page and "事项 #6" in page
    assert page.index("事项 #6") < page.index("事项 #5")  # newest first: each with its own unit
    rows = _sheet(await browser(people.auditor).get("/audit/events.xlsx", params={"who": "miit"}))
    assert rows[1][2:4] == ("操作人", "登录名")
    assert [r[2:4] for r in rows[2:]] == [("省工信厅审核员（省科技厅）", "miit"),
                                          ("省工信厅审核员（省工业和信息化厅）", "miit")]
    assert rows[3][4].startswith("省工信厅审核员（省工业和信息化厅） 于 ")


async def test_an_applications_timeline_names_the_reviewer_with_the_unit_held_then(session, people,
                                                                                   tmp_path) -> None:
    app = proposed_giants(session, people, 1, tmp_path)[0]
    users.change_role(session, actor=people.admin, username="miit", role="department", department="省科技厅")
    proposed = next(s for s in timeline(session, app.id) if s.action == "propose")
    assert proposed.actor_name == "省工信厅审核员（省工业和信息化厅）", "not the unit the reviewer moved to since"


async def test_a_whitelist_entry_left_out_is_named_by_version_enterprise_and_reason(browser, session,
                                                                                    people) -> None:
    version = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    entry = version.entries[0]
    whitelist.exclude(session, actor=people.admin, entry_id=entry.id, reason="年报未按时公示", on=date(2025, 12, 1))
    auditor = browser(people.auditor)
    page = (await auditor.get("/audit", params={"entity": "whitelist_entry"})).text
    said = (f'移出白名单 <a href="/admin/whitelist/{version.id}#entry-{entry.id}">白名单版本 #{version.number} 的条目 '
            f"#{entry.id}（示例科技有限公司）</a>；理由：年报未按时公示")
    assert said in page
    kept = session.scalars(select(AuditEvent).where(AuditEvent.action == "whitelist.exclude")).one()
    assert kept.after["uscc"] == ALICE_USCC and kept.after["version"] == version.number
    # an exclusion recorded before the trail named them: the entry is found by its number
    audit.record(session, actor="admin", action="whitelist.exclude", entity="whitelist_entry", entity_id=entry.id,
                 before={"included": True}, after={"included": False, "reason": "旧记录的理由"})
    older = (await auditor.get("/audit", params={"entity": "whitelist_entry"})).text
    assert f"白名单版本 #{version.number} 的条目 #{entry.id}（示例科技有限公司）</a>；理由：旧记录的理由" in older
    # the version's own trail holds the changes of its entries
    of_version = await auditor.get("/audit", params={"entity": "whitelist", "entity_id": f"#{version.number}"})
    assert "拟定白名单" in of_version.text and "移出白名单" in of_version.text
    assert "共 3 条（白名单版本 1），含该版本各条目的变更" in of_version.text
    rows = _sheet(await auditor.get("/audit/events.xlsx", params={"entity": "whitelist",
                                                                  "entity_id": str(version.number)}))
    assert [r[-1] for r in rows[2:]] == ["whitelist.exclude", "whitelist.exclude", "whitelist.propose"]
    other = await auditor.get("/audit", params={"entity": "whitelist", "entity_id": "2"})
    assert "共 0 条" in other.text, "another version holds none of these entries"


async def test_a_budget_draw_is_said_as_what_it_drew_and_a_withdrawn_amount_as_withdrawn(browser, session,
                                                                                         people) -> None:
    audit.record(session, actor="finance", action="budget.draw", entity="budget", entity_id="2025/ln-2022-35/3",
                 before={"committed": 1_200_000}, after={"committed": 2_000_000, "application": 16})
    audit.record(session, actor="miit", action="application.amount_proposed", entity="application", entity_id=12,
                 before={"amount_proposed": 640_000}, after={"amount_proposed": None})
    auditor = browser(people.auditor)
    page = (await auditor.get("/audit")).text.split('<div class="actions pager">')[0]  # the events, records too
    assert ("2025年度措施3（辽政办〔2022〕35号）预算</a>，金额 80 万元；用于申报 #16，"
            "已动用合计由 120 万元增至 200 万元") in page
    assert "金额 200 万元" not in page
    assert "拟定金额 <a href=\"/review/12\">申报 #12</a>；拟定金额 64 万元已撤销" in page
    rows = _sheet(await auditor.get("/audit/events.xlsx", params={"entity": "budget"}))
    assert rows[1][7] == "金额（元）" and rows[2][7] == 800_000


async def test_one_step_reads_on_one_day_the_filter_reads_and_its_business_day_is_named(browser, session, people,
                                                                                       tmp_path) -> None:
    app = proposed_giants(session, people, 1, tmp_path)[0]  # proposed on the business day 2025-09-10
    day = _recorded_on(session, "application.propose")
    auditor = browser(people.auditor)
    shown = (await auditor.get("/audit", params={"entity": "application", "entity_id": str(app.id)})).text
    on = f"于 {day.year}年{day.month}月{day.day}日"
    assert f"{on}（业务日 2025年9月10日） 完成拟定" in shown
    assert f"{on} 拟定金额 <a href=\"/review/{app.id}\">" in shown, "the amount of the same step: the same day"
    assert "<th>记录时间（北京时间）</th>" in shown and "按记录时间（北京时间）筛选" in shown
    found = await auditor.get("/audit", params={"entity": "application", "entity_id": str(app.id),
                                                "since": str(day), "until": str(day)})
    assert "完成拟定" in found.text and "拟定金额 <a" in found.text
    assert f"记录于 {day} 至 {day}" in found.text
    if day != date(2025, 9, 10):  # the business day is said beside the date, and is not what the filter reads
        business = await auditor.get("/audit", params={"entity": "application", "entity_id": str(app.id),
                                                       "since": "2025-09-10", "until": "2025-09-10"})
        assert "共 0 条" in business.text and "记录于 2025-09-10 至 2025-09-10" in business.text


@pytest.mark.parametrize("who", ["auditor", "admin"])
async def test_the_review_page_links_to_the_applications_trail(browser, session, people, tmp_path, who) -> None:
    app = proposed_giants(session, people, 1, tmp_path)[0]
    page = (await browser(getattr(people, who)).get(f"/review/{app.id}")).text
    assert f'<a id="trail" href="/audit?entity=application&amp;entity_id={app.id}">本申报的审计记录</a>' in page
    miit = (await browser(people.miit).get(f"/review/{app.id}")).text
    assert 'id="trail"' not in miit, "the trail is the auditor's and the admin's"


async def test_a_batch_and_a_whitelist_version_link_to_themselves_not_to_the_top_of_a_list(browser, session, people,
                                                                                          tmp_path) -> None:
    from tests.dbtest import to_announced

    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=900_000, store=tmp_path)
    version = whitelist.propose(session, actor=people.admin, on=date(2025, 12, 1))
    auditor = browser(people.auditor)
    batch = app.announcement_id
    page = (await auditor.get("/audit", params={"entity": "announcement"})).text
    assert f'<a href="/announcements#batch-{batch}">公示 #{batch}</a>' in page
    assert f'id="batch-{batch}"' in (await browser(None).get("/announcements")).text, "the link's target is there"
    page = (await auditor.get("/audit", params={"entity": "whitelist"})).text
    assert f'<a href="/admin/whitelist/{version.id}">白名单版本 #{version.number}</a>' in page
    assert f"拟定稿 #{version.number}" in (await auditor.get(f"/admin/whitelist/{version.id}")).text


def test_the_public_order_of_batches_is_the_public_lists(session, people, tmp_path) -> None:
    """The page a 公示 is linked at is counted in the public list's own order, a batch whose every application went
    back on an objection included (listed, saying so)."""
    from huiqi import clock
    from huiqi.announcements import repository, service
    from huiqi.workflow.runner import run
    from tests.dbtest import proposed_giants, step

    apps = proposed_giants(session, people, 3, tmp_path)
    for day, app in zip((15, 22, 15), apps, strict=True):
        with clock.pinned(date(2025, 9, 12)):
            run(session, "announce", actor=people.miit, application_ids=[app.id], starts_on=date(2025, 9, day))
    step(session, "object", people.miit, apps[0], on=date(2025, 9, 16), reasons="证书存疑")
    listed = [b.id for b in service.public_listing(session)]
    assert len(listed) == 3 and repository.public_order(session) == listed
