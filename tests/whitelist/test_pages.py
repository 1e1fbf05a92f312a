"""The whitelist desk: propose, exclude in place (HTMX), publish, download; the public page shows only
what is published."""

import io

import openpyxl
import pytest

from huiqi.whitelist import service
from tests.dbtest import ALICE_USCC

pytestmark = pytest.mark.anyio


async def _propose(admin) -> int:
    response = await admin.post("/admin/whitelist", data={"note": "年度更新"})
    assert response.status_code == 303
    return int(response.headers["location"].rsplit("/", 1)[1])


async def test_propose_exclude_and_publish(browser, session, people) -> None:
    admin = browser(people.admin)
    version_id = await _propose(admin)
    page = await admin.get(f"/admin/whitelist/{version_id}")
    assert "拟定稿" in page.text and "示例科技有限公司" in page.text and "年度更新" in page.text
    entry = service.read(session, version_id=version_id, actor=people.admin).entries[0]
    blank = await admin.post(f"/admin/whitelist/entries/{entry.id}/exclude", data={"reason": " "},
                             headers={"HX-Request": "true"})
    assert blank.status_code == 422 and "须写明理由" in blank.text and "<html" not in blank.text
    assert "reason" not in blank.text.split('role="alert"')[1], "the reason alone, not the field's English name"
    long = await admin.post(f"/admin/whitelist/entries/{entry.id}/exclude", data={"reason": "长" * 501},
                            headers={"HX-Request": "true"})  # past the form's maxlength: the door's own refusal
    assert long.status_code == 422 and "不能超过 500 个字" in long.text
    assert (long.headers["HX-Retarget"], long.headers["HX-Reselect"]) == ("#main", "#main"), "not a page in a row"
    row = await admin.post(f"/admin/whitelist/entries/{entry.id}/exclude", data={"reason": "年报未按时公示"},
                           headers={"HX-Request": "true"})
    assert row.status_code == 200 and "移出" in row.text and "年报未按时公示" in row.text and "<html" not in row.text
    assert 'id="version-counts" role="status" hx-swap-oob="true"' in row.text  # the counts above, with what was done
    assert "列入 0 家" in row.text and "✓ 已移出：示例科技有限公司" in row.text
    assert "尚未发布" in (await browser(None).get("/whitelist")).text
    published = await admin.post(f"/admin/whitelist/{version_id}/publish")
    assert published.status_code == 303
    assert "已发布" in (await admin.get("/admin/whitelist")).text
    twice = await admin.post(f"/admin/whitelist/{version_id}/publish")
    assert twice.status_code == 409 and "已于" in twice.text


async def test_draft_download_and_public_page(browser, people) -> None:
    admin = browser(people.admin)
    version_id = await _propose(admin)
    response = await admin.get(f"/admin/whitelist/{version_id}/export.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "待发布" in rows[0][0] and rows[2][1:3] == (ALICE_USCC, "示例科技有限公司")
    anonymous = browser(None)
    assert (await anonymous.get(f"/admin/whitelist/{version_id}/export.xlsx")).status_code == 303
    assert ALICE_USCC not in (await anonymous.get("/whitelist")).text
    await admin.post(f"/admin/whitelist/{version_id}/publish")
    assert ALICE_USCC in (await anonymous.get("/whitelist")).text


@pytest.mark.parametrize("who", ["alice", "shenyang", "finance"])
async def test_drafts_stay_hidden_from_others(browser, people, who) -> None:
    version_id = await _propose(browser(people.admin))
    client = browser(getattr(people, who))
    desk = await client.get("/admin/whitelist")
    assert "拟定稿" not in desk.text and "年度更新" not in desk.text
    hidden = await client.get(f"/admin/whitelist/{version_id}")
    assert hidden.status_code == 404 and ALICE_USCC not in hidden.text
    assert (await client.get(f"/admin/whitelist/{version_id}/export.xlsx")).status_code == 404
    refused = await client.post("/admin/whitelist", data={"note": "x"})
    assert refused.status_code == 403 and "牵头单位" in refused.text


async def test_the_public_list_names_its_measure_and_says_when_its_policy_has_expired(browser, people,
                                                                                     set_today) -> None:
    from datetime import date

    admin = browser(people.admin)
    await admin.post(f"/admin/whitelist/{await _propose(admin)}/publish")
    anonymous = browser(None)
    set_today(date(2025, 6, 30))
    page = (await anonymous.get("/whitelist")).text
    assert "依据《辽宁省加快发展数字经济核心产业的若干措施》（辽政办〔2022〕35号）措施19「" in page
    assert "现已到期" not in page and ALICE_USCC in page
    assert "现已到期" not in (await admin.get("/admin/whitelist")).text
    set_today(date(2026, 12, 5))
    page = (await anonymous.get("/whitelist")).text
    assert "该政策有效期至 2025-12-31，现已到期；以下为已发布的名单，供查询。" in page and ALICE_USCC in page
    desk = (await admin.get("/admin/whitelist")).text  # no successor names the list: the expired policy's measure
    assert "辽政办〔2022〕35号有效期至 2025-12-31，现已到期，尚无接替它规定白名单的现行政策" in desk


async def test_the_auditor_reads_the_desk_without_its_controls(browser, people) -> None:
    version_id = await _propose(browser(people.admin))
    auditor = browser(people.auditor)
    desk = (await auditor.get("/admin/whitelist")).text
    assert "第 1 版" in desk and "按当前档案拟定新版本" not in desk and "由措施19的牵头单位或管理员编制" in desk
    assert "依据辽政办〔2022〕35号措施19「" in desk, "the measure the policy file says the list is for, read from it"
    page = (await auditor.get(f"/admin/whitelist/{version_id}")).text
    assert "示例科技有限公司" in page and "发布第 1 版" not in page and "/exclude" not in page
    assert "发布第 1 版" in (await browser(people.admin).get(f"/admin/whitelist/{version_id}")).text
