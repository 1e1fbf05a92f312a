"""The review desk's forms as typed: the 公示's working days are refused at once by their real range; a number or a
date box forged with a control character (or far too long) is said beside it on the page shown again, what was
typed kept without the character, nothing taken."""

import re
from datetime import date

import pytest

from huiqi.funding import service as budgets
from tests.dbtest import proposed_giants, step, to_announced
from tests.webtest import marked

pytestmark = pytest.mark.anyio


async def test_the_working_days_are_refused_by_their_real_range(browser, session, people, tmp_path,
                                                                set_today) -> None:
    """61 used to be answered 应为 1–60 的整数, and 3 then 应为 5–60: the least is the rounds' (5 here)."""
    app = proposed_giants(session, people, 1, tmp_path)[0]
    set_today(date(2025, 9, 12))
    miit = browser(people.miit)
    said = "公示工作日数：应为 5–60 的整数（不少于申报批次规定的 5 个工作日）"
    for typed in ("61", "3", "999", "1000", "-3", "abc", "0", "五"):
        refused = await miit.post(f"/review/{app.id}/announce", data={"starts_on": "2025-09-15",
                                                                     "working_days": typed})
        assert refused.status_code == 422 and said in refused.text, typed
        assert "1–60" not in refused.text and "0–999" not in refused.text and "公示工作日数应为" not in refused.text
        assert f'value="{typed}"' in refused.text
    assert app.state == "proposed"


def _value(page: str, step_name: str, name: str) -> str:
    """What the desk form ``step_name``'s box ``name`` holds."""
    form = page.split(f'id="form-{step_name}"')[1].split("</form>")[0]
    return re.search(rf'<input[^>]* name="{name}"[^>]* value="([^"]*)"', form).group(1)


@pytest.mark.parametrize(("step_name", "box", "typed", "said", "shown"), [
    ("score", "score", "8\x008", "不能含有空字符（NUL）", "88"),
    ("score", "score", "8\x1b8", "不能含有控制字符（U+001B）", "88"),
    ("score", "score", "9" * 500, "应为 0–100 的整数", "9" * 100),
    ("score", "score", "-5", "应为 0–100 的整数", "-5"),
    ("score", "score", "1e5", "应为 0–100 的整数", "1e5"),
    ("propose", "amount", "8\x000", "不能含有空字符（NUL）", "80"),
    # past the ceiling, whatever the size: the ceiling is the limit named
    ("propose", "amount", str(10**30), f"拟定金额 {10**30} 万元超过上限 100 万元（申请金额相同），最多可拟定 100 万元",
     str(10**30)),
    ("propose", "amount", "999999999999",
     "拟定金额 999999999999 万元超过上限 100 万元（申请金额相同），最多可拟定 100 万元", "999999999999"),
    ("propose", "amount", "八十", "「八十」不是数字：以万元为单位，只写数字和小数点，如 100 或 12.3456", "八十"),
    ("propose", "amount", "1" * 500, "金额过长：以万元为单位，只写数字和小数点，如 100 或 12.3456（不超过 40 个字符）",
     "1" * 100),
    ("propose", "amount", "-5", "金额不能为负数", "-5"),
])
async def test_a_forged_number_on_the_desk_is_said_beside_its_box(browser, session, people, tmp_path, set_today,
                                                                  step_name, box, typed, said, shown) -> None:
    app = proposed_giants(session, people, 1, tmp_path, proposing=0)[0]
    set_today(date(2025, 9, 12))
    refused = await browser(people.miit).post(f"/review/{app.id}/{step_name}", data={box: typed})
    assert refused.status_code == 422 and "<h1>申报 #" in refused.text, "the review page, not an error page"
    assert marked(refused.text) == [(f"f-{box}", said)] and "\x00" not in refused.text
    assert _value(refused.text, step_name, box) == shown, "what was typed, kept"
    session.refresh(app)
    assert (app.state, app.expert_score, app.amount_proposed) == ("department_review", None, None)


@pytest.mark.parametrize(("box", "typed", "said"), [
    ("starts_on", "2025-09-1\x005", "公示开始日期：不能含有空字符（NUL）"),
    ("starts_on", "2" * 500, "公示开始日期：应为日期（YYYY-MM-DD）"),
    ("working_days", "1\x000", "公示工作日数：不能含有空字符（NUL）"),
    ("working_days", str(10**30), "公示工作日数：应为 5–60 的整数（不少于申报批次规定的 5 个工作日）"),
])
async def test_a_forged_announcement_box_on_the_desk_and_on_the_queue(browser, session, people, tmp_path, set_today,
                                                                      box, typed, said) -> None:
    app = proposed_giants(session, people, 1, tmp_path)[0]
    set_today(date(2025, 9, 12))
    miit = browser(people.miit)
    data = {"starts_on": "2025-09-15", "working_days": "10", box: typed}
    one = await miit.post(f"/review/{app.id}/announce", data=data)
    assert one.status_code == 422 and "<h1>申报 #" in one.text and said in one.text
    assert [f for f, _ in marked(one.text)] == [f"f-{box}"] and "\x00" not in one.text
    shown = typed.replace("\x00", "")[:100]
    assert _value(one.text, "announce", box) == shown
    many = await miit.post("/review/announcements", data={"application_ids": str(app.id), **data})
    assert many.status_code == 422 and "<h1>输入有误</h1>" not in many.text and said in many.text
    assert f'value="{shown}"' in many.text and "\x00" not in many.text
    session.refresh(app)
    assert app.state == "proposed"


async def test_a_forged_payment_date_is_said_beside_its_box(browser, session, people, tmp_path, set_today) -> None:
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=800_000, store=tmp_path)
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id=app.policy_id, measure=3,
                       amount=5_000_000)
    set_today(date(2025, 10, 13))
    step(session, "approve", people.finance, app)
    refused = await browser(people.finance).post(f"/review/{app.id}/disburse",
                                                 data={"paid_on": "2025-10-1\x003", "reference": "PAY-9"})
    assert refused.status_code == 422 and "<h1>申报 #" in refused.text
    assert marked(refused.text) == [("f-paid_on", "不能含有空字符（NUL）")]
    assert _value(refused.text, "disburse", "paid_on") == "2025-10-13" and app.state == "approved"
