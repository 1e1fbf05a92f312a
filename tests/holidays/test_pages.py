"""The calendar page's form as an officer fills it: Chinese header and kinds, a Chinese input method's commas and
digits, and every mistake named by the form's own labels."""

import pytest

from huiqi.holidays import service as holidays
from tests.dbtest import notice_days, notice_lines

pytestmark = pytest.mark.anyio
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


async def test_chinese_header_kinds_commas_and_digits_are_read(browser, session, people) -> None:
    year = holidays.calendar_of(session).last_day.year + 1
    kinds = {"holiday": "放假", "workday": "调休上班"}
    lines = "日期，类别，名称\n" + "\n".join(f"{d.translate(WIDE)}，{kinds[k]}，{n}" for d, k, n in notice_days(year))
    done = await browser(people.admin).post("/admin/calendar", data={"source": "测试用通知（非真实）", "lines": lines})
    assert done.status_code == 303 and done.headers["location"] == f"/admin/calendar?year={year}"
    assert year in holidays.calendar_of(session).years


async def test_mistakes_are_named_by_the_form_s_labels(browser, session, people) -> None:
    admin = browser(people.admin)
    year = holidays.calendar_of(session).last_day.year + 1
    blank = await admin.post("/admin/calendar", data={"source": " ", "lines": notice_lines(year)})
    assert blank.status_code == 422 and "通知文号或标题：请填写通知的文号或标题" in blank.text
    assert "source：" not in blank.text and 'id="e-source"' in blank.text
    empty = await admin.post("/admin/calendar", data={"source": "测试", "lines": "  "})
    assert empty.status_code == 422 and "日期清单：没有任何日期" in empty.text and "文件：" not in empty.text
    kind = await admin.post("/admin/calendar", data={"source": "测试", "lines": "日期,类别,名称\n2027-01-01,休息,元旦"})
    assert kind.status_code == 422 and "第 2 行·类别：应为 放假 或 调休上班" in kind.text


async def test_the_year_is_named_as_the_page_labels_it(browser, people) -> None:
    page = await browser(people.admin).get("/admin/calendar", params={"year": "abc"})
    assert page.status_code == 422 and "年度" in page.text
    assert "<label>年度<input" in (await browser(people.admin).get("/admin/calendar")).text
