"""The review desk's forms as typed: the 公示's working days are refused at once by their real range."""

from datetime import date

import pytest

from tests.dbtest import proposed_giants

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
