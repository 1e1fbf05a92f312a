"""The page of 免申即享 awaiting 二次确认: what was typed survives a refusal."""

from datetime import date

import pytest

from huiqi import clock
from tests.dbtest import direct_offer

pytestmark = pytest.mark.anyio
ON = date(2025, 7, 1)


async def test_a_reason_too_long_keeps_what_was_typed(browser, session, people) -> None:
    """Over 500 characters used to end on a bare error page, the reason lost."""
    offer = direct_offer(session, people, ON)
    typed = "名单核查：" + "长" * 500
    with clock.pinned(ON):
        refused = await browser(people.miit).post(f"/offers/{offer.id}/set-aside", data={"reason": typed})
    assert refused.status_code == 422
    assert '<a href="#f-reason">理由：请写明不予确认的理由（不超过 500 个字）</a>' in refused.text
    row = refused.text.split('id="f-reason"')[1].split("</tr>")[0]
    assert f'value="{typed}"' in row and '<span class="field-error" id="e-reason">' in row
    assert offer.state == "open"
