"""The calendar page's form as an officer fills it: Chinese header and kinds, a Chinese input method's commas and
digits, and every mistake named by the form's own labels."""

import re

import pytest

from huiqi.holidays import service as holidays
from tests.dbtest import notice_days, notice_lines
from tests.webtest import marked

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


ASCII_FIELD = re.compile(r"\b[A-Za-z_]{2,}\s*：")  # a field named by its name in the code (source：…)


async def test_no_refusal_of_the_form_names_a_field_in_ascii(browser, session, people) -> None:
    """Over-long values were refused on a page apart as "source：不能超过 200 个字": each is said on the form by its
    label, beside its box, with what was typed kept."""
    admin = browser(people.admin)
    year = holidays.calendar_of(session).last_day.year + 1
    lines = notice_lines(year)
    sent = [({"source": "通" * 201, "lines": lines}, "通知文号或标题：不能超过 200 个字（现为 201 个字）"),
            ({"source": "通" * 5000, "lines": lines}, "通知文号或标题：不能超过 200 个字（现为 5000 个字）"),
            ({"source": "第一行\n第二行", "lines": lines}, "通知文号或标题：不能含控制字符"),
            ({"source": "测试", "lines": lines + "#" * 20_000}, "日期清单：不能超过 20000 个字"),
            ({"source": "测试", "lines": "x" * 99_000}, "日期清单：不能超过 20000 个字（现为 99000 个字）"),
            ({"source": "", "lines": ""}, "通知文号或标题"), ({"lines": "日期,类别,名称\nabc,放假,元旦"}, "日期清单")]
    for form, said in sent:
        refused = await admin.post("/admin/calendar", data=form)
        assert refused.status_code == 422 and said in refused.text, form.get("source", "")[:10]
        assert not ASCII_FIELD.search(refused.text), ASCII_FIELD.findall(refused.text)
        assert '<form method="post" action="/admin/calendar" class="card">' in refused.text, "said on the form"
    for form, field, said in (({"source": "测\x01试", "lines": lines}, "f-source", "不能含有控制字符（U+0001）"),
                              ({"source": "测试", "lines": "元旦\x00" + lines}, "f-lines", "不能含有空字符（NUL）"),
                              ({"source": "测试", "lines": "x" * 150_000}, "f-lines",
                               "不能超过 20000 个字（现为 150000 个字）：一年的安排只有几十行")):
        # past the door's old net, or with a character no record keeps: on the form too, beside the box, kept
        forged = await admin.post("/admin/calendar", data=form)
        assert forged.status_code == 422 and "<h1>输入有误</h1>" not in forged.text
        assert marked(forged.text) == [(field, said)] and "\x00" not in forged.text and "\x01" not in forged.text
        assert not ASCII_FIELD.search(forged.text), ASCII_FIELD.findall(forged.text)
    assert year not in holidays.calendar_of(session).years


async def test_the_year_shown_is_exported_with_each_day_s_kind_and_source(browser, session, people) -> None:
    """The page had no export: the year's days, their kind and the notice they come from, never a formula."""
    import io

    import openpyxl

    year = holidays.calendar_of(session).last_day.year + 1
    admin = browser(people.admin)
    source = "=HYPERLINK(\"http://x\")"  # a source typed as a formula stays text
    entered = await admin.post("/admin/calendar", data={"source": source, "lines": notice_lines(year)})
    assert entered.status_code == 303
    page = await admin.get("/admin/calendar", params={"year": year})
    assert f'href="/admin/calendar.xlsx?year={year}"' in page.text
    response = await browser(people.finance).get("/admin/calendar.xlsx", params={"year": year})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == f"{year} 年节假日安排" and rows[1] == ("日期", "星期", "类别", "名称", "来源")
    assert len(rows) == 2 + len(notice_days(year)) and {r[2] for r in rows[2:]} == {"放假"}
    assert rows[2][0].date().isoformat() == f"{year}-01-01" and rows[2][3] == "元旦" and rows[2][4] == source
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    past = await admin.get("/admin/calendar.xlsx", params={"year": 2025})  # the package's year
    kept = list(openpyxl.load_workbook(io.BytesIO(past.content)).active.iter_rows(values_only=True))
    assert {r[2] for r in kept[2:]} == {"放假", "调休上班"} and kept[2][4] == "随系统提供的历年国务院办公厅节假日安排"
    none = await admin.get("/admin/calendar.xlsx", params={"year": 2100})
    assert openpyxl.load_workbook(io.BytesIO(none.content)).active["A1"].value == "2100 年节假日安排（尚未录入）"
    assert (await admin.get("/admin/calendar.xlsx", params={"year": "abc"})).status_code == 422
    assert (await browser(people.alice).get("/admin/calendar.xlsx")).status_code == 403


SEEN = re.compile(r'name="seen" value="([^"]*)"')


async def test_a_second_admin_s_stale_page_is_told_who_entered_the_year_and_may_then_replace_it(browser, session,
                                                                                                people) -> None:
    """admin and admin2 opened the page before either saved: both were told ✓ 节假日安排已录入 and the first's entry
    was lost. The second now gets a 409 naming who entered what, with the year shown and the lines kept; entering
    again from that page replaces it knowingly, the trail keeping the days replaced."""
    from huiqi.audit import service as audit
    from tests.dbtest import second_admin

    year = holidays.calendar_of(session).last_day.year + 1
    first, second = browser(people.admin), browser(second_admin(session))
    seen = [SEEN.search((await b.get("/admin/calendar")).text).group(1) for b in (first, second)]
    assert seen[0] == seen[1]
    lines = notice_lines(year)
    assert (await first.post("/admin/calendar", data={"source": "甲通知", "lines": lines, "seen": seen[0]})
            ).status_code == 303
    moved = lines.replace(f"{year}-06-09", f"{year}-06-10")
    stale = await second.post("/admin/calendar", data={"source": "乙通知", "lines": moved, "seen": seen[1]})
    assert stale.status_code == 409, stale.text[:300]
    assert f"{year} 年的节假日安排在您打开页面后已由系统管理员录入（来源：甲通知；放假 7 天" in stale.text
    assert f"<h2>{year} 年" in stale.text and f"{year}-06-10" in stale.text, "the year shown, the lines kept"
    assert "已录入" in stale.text and "✓" not in stale.text
    assert holidays.year(session, year)[1] == "甲通知"
    fresh = SEEN.search(stale.text).group(1)
    assert fresh != seen[1]
    again = await second.post("/admin/calendar", data={"source": "乙通知", "lines": moved, "seen": fresh})
    assert again.status_code == 303 and holidays.year(session, year)[1] == "乙通知"
    replaced = [e for e in audit.history(session, entity="calendar", entity_id=str(year))][-1]
    assert replaced.actor == "admin2" and replaced.before["years"][0]["source"] == "甲通知"
    assert f"{year}-06-09" in replaced.before["years"][0]["holiday_days"]
    page = (await first.get("/admin/calendar")).text
    assert f"{year} 年</a>（乙通知，第二位管理员录入）" in page
