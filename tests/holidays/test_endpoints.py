"""The calendar over HTTP: anyone reads a year; an admin enters one; the admin page and its banner."""

import pytest

from tests.dbtest import notice_days, notice_lines
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
DAYS = [*({"day": d, "kind": k, "name": n} for d, k, n in notice_days(2027)),
        {"day": "2027-02-14", "kind": "workday", "name": "春节"}]


async def test_anyone_reads_a_year_and_an_admin_enters_one(client, session, people) -> None:
    known = (await client.get("/api/v1/calendar/2025")).json()
    assert known["covered"] and {"day": "2025-10-01", "kind": "holiday", "name": "国庆节"} in known["days"]
    refused = await client.put("/api/v1/calendar/2027", headers=bearer(session, people.miit),
                               json={"source": "测试", "days": DAYS})
    assert refused.status_code == 403
    wrong_year = await client.put("/api/v1/calendar/2028", headers=bearer(session, people.admin),
                                  json={"source": "测试", "days": DAYS})
    assert wrong_year.status_code == 422 and wrong_year.json()["problems"][0]["field"] == "days"
    entered = await client.put("/api/v1/calendar/2027", headers=bearer(session, people.admin),
                               json={"source": "测试用通知（非真实）", "days": DAYS})
    assert entered.status_code == 200 and entered.json()["covered"] and entered.json()["covered_until"] >= "2027-12-31"


async def test_the_page_enters_a_year_and_warns_before_the_end(browser, people, set_today) -> None:
    from datetime import date

    from huiqi.announcements.calendar import package_calendar

    last = package_calendar().last_day
    set_today(date(last.year, 11, 20))
    admin = browser(people.admin)
    page = (await admin.get("/admin/calendar")).text
    assert page.count(f"请在国务院办公厅发布 {last.year + 1} 年节假日安排的通知后") == 1, "said once, not twice"
    shown = (await browser(people.miit).get("/review")).text
    assert 'id="calendar-notice"' in shown, "departments are told too"
    assert '<div class="notice" id="calendar-notice">' in shown, "a standing notice, not an alert on every page"
    assert 'id="calendar-notice"' not in (await browser(people.alice).get("/me")).text
    bad = await admin.post("/admin/calendar",
                           data={"source": "测试", "lines": "date,kind,name\n2027-02-15,workday,春节"})
    assert bad.status_code == 422 and "第 2 行·类别" in bad.text
    lines = notice_lines(last.year + 1)
    done = await admin.post("/admin/calendar", data={"source": "测试用通知（非真实）", "lines": lines})
    assert done.status_code == 303
    shown = (await admin.get(done.headers["location"])).text
    assert "节假日安排已录入" in shown and "元旦" in shown and 'id="calendar-notice"' not in shown


async def test_an_entry_with_a_stale_seen_is_a_409(client, session, people) -> None:
    from tests.dbtest import second_admin

    seen = (await client.get("/api/v1/calendar/2027")).json()["seen"]
    entered = await client.put("/api/v1/calendar/2027", headers=bearer(session, people.admin),
                               json={"source": "甲通知", "days": DAYS, "seen": seen})
    assert entered.status_code == 200 and entered.json()["seen"] != seen
    stale = await client.put("/api/v1/calendar/2027", headers=bearer(session, second_admin(session)),
                             json={"source": "乙通知", "days": DAYS, "seen": seen})
    assert stale.status_code == 409 and "已由系统管理员录入（来源：甲通知" in stale.json()["detail"], stale.json()
    again = await client.put("/api/v1/calendar/2027", headers=bearer(session, second_admin(session)),
                             json={"source": "乙通知", "days": DAYS, "seen": entered.json()["seen"]})
    assert again.status_code == 200 and again.json()["source"] == "乙通知"
