"""The whitelist desk: propose, exclude in place (HTMX), publish, download; the public page shows only
what is published."""

import io
import re
from datetime import date

import openpyxl
import pytest

from huiqi.whitelist import service
from tests.dbtest import ALICE_USCC, second_admin
from tests.webtest import marked

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def inside_the_window(set_today) -> None:
    """Compile on a day inside measure 19's window (a version compiled after it is refused: tests below say so)."""
    set_today(date(2025, 12, 1))


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
                            headers={"HX-Request": "true"})  # past the form's maxlength: said in its row
    assert long.status_code == 422 and "不能超过 500 个字（现有 501 个）" in long.text and "<html" not in long.text
    row = await admin.post(f"/admin/whitelist/entries/{entry.id}/exclude", data={"reason": "年报未按时公示"},
                           headers={"HX-Request": "true"})
    assert row.status_code == 200 and "移出" in row.text and "年报未按时公示" in row.text and "<html" not in row.text
    assert 'id="version-counts" role="status" hx-swap-oob="true"' in row.text  # the counts above, with what was done
    assert "列入 0 家" in row.text and "✓ 已移出：示例科技有限公司" in row.text
    assert "尚未发布" in (await browser(None).get("/whitelist")).text
    own = await admin.post(f"/admin/whitelist/{version_id}/publish")  # proposed, reviewed and published
    said = "白名单拟定稿 #1 由您（系统管理员）拟定：须由另一位有权编制白名单的人员核对后发布"
    assert own.status_code == 403 and said in own.text
    mine = (await admin.get(f"/admin/whitelist/{version_id}")).text
    assert "本草稿由您拟定：须由另一位有权编制白名单的人员核对后发布" in mine and "发布为第 1 版" not in mine
    published = await browser(second_admin(session)).post(f"/admin/whitelist/{version_id}/publish")
    assert published.status_code == 303
    assert "已发布" in (await admin.get("/admin/whitelist")).text
    twice = await browser(second_admin(session)).post(f"/admin/whitelist/{version_id}/publish")
    assert twice.status_code == 409 and "已于" in twice.text


async def test_draft_download_and_public_page(browser, session, people) -> None:
    admin = browser(people.admin)
    version_id = await _propose(admin)
    response = await admin.get(f"/admin/whitelist/{version_id}/export.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "待发布" in rows[0][0] and rows[2][1:3] == (ALICE_USCC, "示例科技有限公司")
    anonymous = browser(None)
    assert (await anonymous.get(f"/admin/whitelist/{version_id}/export.xlsx")).status_code == 303
    assert ALICE_USCC not in (await anonymous.get("/whitelist")).text
    await browser(second_admin(session)).post(f"/admin/whitelist/{version_id}/publish")
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


async def test_after_the_measure_expires_no_version_is_compiled_and_each_says_its_basis(browser, session, people,
                                                                                       set_today) -> None:
    """On 2026-12-05 the desk said "现已到期…在此之前仍依据该措施编制" and compiled version 2 anyway, published under
    "该政策有效期至 2025-12-31，现已到期": a bank could not tell whether it was valid."""
    admin = browser(people.admin)
    set_today(date(2025, 6, 30))
    await browser(second_admin(session)).post(f"/admin/whitelist/{await _propose(admin)}/publish")
    anonymous = browser(None)
    page = (await anonymous.get("/whitelist")).text
    assert "依据《辽宁省加快发展数字经济核心产业的若干措施》（辽政办〔2022〕35号）措施19「" in page
    assert "第 1 版依据辽政办〔2022〕35号措施19编制；该措施现行有效，有效期至2025年12月31日。" in page
    assert "到期" not in (await admin.get("/admin/whitelist")).text
    set_today(date(2026, 12, 5))
    page = (await anonymous.get("/whitelist")).text
    assert "第 1 版依据辽政办〔2022〕35号措施19编制；该措施已于2025年12月31日到期。" in page and ALICE_USCC in page
    closed = ("辽政办〔2022〕35号措施19「加大信贷支持」已于2025年12月31日到期，尚无接替它规定白名单的现行政策，"
              "不能拟定新版本；已发布的各版本仍可查看，各自注明编制依据")
    desk = (await admin.get("/admin/whitelist")).text
    assert closed in desk and "按当前档案拟定新版本" not in desk and "在此之前仍依据" not in desk
    assert '<td data-label="编制依据">依据辽政办〔2022〕35号措施19编制；该措施已于2025年12月31日到期</td>' in desk
    refused = await admin.post("/admin/whitelist", data={"note": "到期之后"})
    assert refused.status_code == 409 and refused.text.count(closed) == 2, "the refusal, and the desk's notice"
    assert [v.number for v in service.versions(session, actor=people.admin)] == [1]
    version = (await admin.get(f"/admin/whitelist/{service.published_edition(session, edition=1).id}")).text
    assert "依据辽政办〔2022〕35号措施19编制；该措施已于2025年12月31日到期" in version


async def test_the_public_list_is_described_by_the_measure_it_was_compiled_under(browser, session, people,
                                                                                 set_today) -> None:
    """A successor's list is headed, described and downloaded by its own measure; an earlier version by measure 19,
    the bank treatment quoted from its clause."""
    from datetime import date
    from urllib.parse import unquote

    from tests.dbtest import publish_whitelist_successor

    first = service.propose(session, actor=people.admin, on=date(2025, 12, 1))
    service.publish(session, actor=second_admin(session), version_id=first.id, on=date(2025, 12, 5))
    publish_whitelist_successor(session, people)
    second = service.propose(session, actor=people.admin, on=date(2026, 1, 5))
    service.publish(session, actor=second_admin(session), version_id=second.id, on=date(2026, 1, 6))
    set_today(date(2026, 1, 10))
    anonymous = browser(None)
    page = (await anonymous.get("/whitelist")).text
    assert "<h1>规模以上企业“白名单”</h1>" in page
    assert ("依据《（测试用）数字经济配套措施示例》（测试〔2024〕1号）措施6「规上企业白名单」："
            "建立并定期发布规模以上企业“白名单”。") in page
    assert "无还本续贷" not in page and "数字经济核心产业企业" not in page
    page = (await anonymous.get("/whitelist", params={"version": 1})).text
    assert "<h1>数字经济核心产业企业“白名单”</h1>" in page and "措施19「加大信贷支持」：建立并定期发布" in page
    assert "各银行业金融机构对“白名单”内企业，合理下放审批权限、提供绿色审查审批通道，试点开展无还本续贷业务。" in page
    names = [unquote((await anonymous.get(f"/whitelist/{n}.xlsx")).headers["content-disposition"]) for n in (1, 2)]
    assert "数字经济核心产业企业白名单-第1版.xlsx" in names[0] and "规模以上企业白名单-第2版.xlsx" in names[1]


async def test_the_auditor_reads_the_desk_without_its_controls(browser, session, people) -> None:
    version_id = await _propose(browser(people.admin))
    auditor = browser(people.auditor)
    desk = (await auditor.get("/admin/whitelist")).text
    assert "拟定稿 #1" in desk and "按当前档案拟定新版本" not in desk and "由措施19的牵头单位或管理员编制" in desk
    assert "依据辽政办〔2022〕35号措施19「" in desk, "the measure the policy file says the list is for, read from it"
    page = (await auditor.get(f"/admin/whitelist/{version_id}")).text
    assert "示例科技有限公司" in page and "发布为第 1 版" not in page and "/exclude" not in page
    assert "发布为第 1 版" in (await browser(second_admin(session)).get(f"/admin/whitelist/{version_id}")).text


def _published(session, rows: list[tuple[str, str, str]]) -> int:
    """A published version listing ``rows`` (name, region, code body), in that order: the public page's material."""
    from datetime import date

    from huiqi.models import Applicant, WhitelistEntry, WhitelistVersion
    from tests.dbtest import uscc_for

    version = WhitelistVersion(number=1, edition=1, state="published", as_of=date(2026, 1, 5), proposed_by="admin",
                               published_on=date(2026, 1, 6), published_by="admin")
    session.add(version)
    session.flush()
    for name, region, body in rows:
        code = uscc_for(region[:4] + "00" if region != "shenfu" else "210100", body)
        applicant = Applicant(uscc=code)
        session.add(applicant)
        session.flush()
        session.add(WhitelistEntry(version_id=version.id, applicant_id=applicant.id, uscc=code, name=name,
                                   region=region, industry="6513"))
    session.flush()
    return version.number


def _names(text: str) -> list[str]:
    return [cell.split("<")[0] for cell in text.split('data-label="单位名称">')[1:]]


async def test_the_public_list_is_found_by_name_code_and_city(browser, session) -> None:
    from tests.dbtest import uscc_for

    _published(session, [("沈阳云算（演示）有限公司", "210102", "MA0C0001"), ("大连港数有限公司", "210202", "MA0D0001"),
                         ("沈抚数智有限公司", "shenfu", "MA0F0001"), ("鞍山钢数有限公司", "210303", "MA0A0001")])
    public = browser(None)
    assert _names((await public.get("/whitelist", params={"q": "港数"})).text) == ["大连港数有限公司"]
    bracket = await public.get("/whitelist", params={"q": "云算(演示)"})
    assert _names(bracket.text) == ["沈阳云算（演示）有限公司"], "brackets of either width"
    code = uscc_for("210200", "MA0D0001")
    assert _names((await public.get("/whitelist", params={"q": code[-8:].lower()})).text) == ["大连港数有限公司"]
    wide = code[2:8].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert _names((await public.get("/whitelist", params={"q": wide})).text) == ["大连港数有限公司"]
    assert _names((await public.get("/whitelist", params={"city": "210300"})).text) == ["鞍山钢数有限公司"]
    assert _names((await public.get("/whitelist", params={"city": "shenfu"})).text) == ["沈抚数智有限公司"]
    both = await public.get("/whitelist", params={"q": "有限", "city": "210100", "page": "1"})
    assert _names(both.text) == ["沈阳云算（演示）有限公司"]
    assert '<option value="210100" selected>沈阳市</option>' in both.text
    none = await public.get("/whitelist", params={"q": "不存在的单位"})
    assert none.status_code == 200 and "第 1 版白名单中没有符合条件的企业。" in none.text and "4 家企业" in none.text
    assert _names((await public.get("/whitelist", params={"q": "", "city": ""})).text)[-1] == "鞍山钢数有限公司"
    unknown = await public.get("/whitelist", params={"city": "999999"})
    assert unknown.status_code == 422 and "所在市" in unknown.text and "请从列表中选择" in unknown.text
    assert (await public.get("/whitelist", params={"q": "%"})).text.count('data-label="单位名称"') == 0, "no wildcard"


async def test_the_public_list_pages_and_keeps_its_filters(browser, session) -> None:
    _published(session, [(f"沈阳第{i:02d}数据有限公司", "210102", f"MA0P{i:04d}") for i in range(1, 52)]
               + [("大连港数有限公司", "210202", "MA0D0001")])
    public = browser(None)
    first = (await public.get("/whitelist")).text
    assert len(_names(first)) == 50 and "共 52 家企业，第 1/2 页" in first and 'href="/whitelist?page=2"' in first
    assert 'rel="prev"' not in first
    second = (await public.get("/whitelist", params={"page": 2})).text
    assert _names(second) == ["沈阳第51数据有限公司", "大连港数有限公司"] and 'rel="next"' not in second
    assert 'data-label="序号">52<' in second, "numbered through the pages"
    narrowed = (await public.get("/whitelist", params={"q": "数据", "city": "210100", "version": 1})).text
    assert "共 51 家企业，第 1/2 页" in narrowed
    assert 'data-label="序号"' not in narrowed, "a search's row 1 is not the list's 序号 1 (the download's)"
    assert 'href="/whitelist?version=1&amp;q=%E6%95%B0%E6%8D%AE&amp;city=210100&amp;page=2"' in narrowed
    past = (await public.get("/whitelist", params={"page": 3})).text
    assert "只有 2 页，没有第 3 页" in past and "没有符合条件" not in past
    for bad in ("0", "abc", "9999999", "-2", "2\x00", str(10**30)):  # not a page: the first, said in a note
        fallen = await public.get("/whitelist", params={"page": bad, "q": "数据"})
        assert fallen.status_code == 200 and "共 51 家企业，第 1/2 页" in fallen.text, bad
        said = '<p class="notice" role="status" id="paged">页码应为 1 至 1000000 之间的整数，已显示第 1 页。'
        assert said in fallen.text, bad
        assert "page" not in fallen.text.split("<main")[1].split('id="paged"')[1].split("</p>")[0]


async def test_a_second_draft_is_refused_and_a_draft_discarded(browser, session, people) -> None:
    """Two tabs used to make two drafts; now the second names the first, which the desk may discard (作废)."""
    admin = browser(people.admin)
    version_id = await _propose(admin)
    second = await admin.post("/admin/whitelist", data={"note": "另一个标签页"})
    assert second.status_code == 409 and "已有白名单拟定稿 #1 待发布" in second.text
    assert 'value="另一个标签页"' in second.text
    page = await admin.get(f"/admin/whitelist/{version_id}")
    assert f'action="/admin/whitelist/{version_id}/discard"' in page.text
    assert (await browser(people.auditor).post(f"/admin/whitelist/{version_id}/discard")).status_code == 403
    discarded = await admin.post(f"/admin/whitelist/{version_id}/discard")
    assert discarded.status_code == 303
    page = await admin.get(f"/admin/whitelist/{version_id}")
    assert "已作废" in page.text and "/discard" not in page.text and "发布为第 1 版" not in page.text
    assert "已作废" in (await admin.get("/admin/whitelist")).text
    sheet = await admin.get(f"/admin/whitelist/{version_id}/export.xlsx")
    title = openpyxl.load_workbook(io.BytesIO(sheet.content)).active["A1"].value
    assert "已作废，不发布" in title and "待发布" not in title, "a discarded list is not called 待发布"
    again = await browser(second_admin(session)).post(f"/admin/whitelist/{version_id}/publish")
    assert again.status_code == 409 and "已作废" in again.text
    assert (await admin.post("/admin/whitelist")).status_code == 303


async def test_a_blank_reason_without_htmx_shows_the_version_again(browser, session, people) -> None:
    """It used to be the generic error page saying "reason：…", off the version page."""
    admin = browser(people.admin)
    version_id = await _propose(admin)
    entry = service.read(session, version_id=version_id, actor=people.admin).entries[0]
    blank = await admin.post(f"/admin/whitelist/entries/{entry.id}/exclude", data={"reason": "  "})
    assert blank.status_code == 422 and "白名单拟定稿 #1" in blank.text
    assert '<a href="#f-reason">理由：移出白名单须写明理由</a>' in blank.text and "reason：" not in blank.text
    row = blank.text.split(f'id="entry-{entry.id}"')[1].split("</tr>")[0]
    assert 'id="f-reason"' in row and '<span class="field-error" id="e-reason">移出白名单须写明理由</span>' in row


async def test_a_reason_too_long_without_htmx_is_said_beside_it_and_kept(browser, session, people) -> None:
    """Over 500 characters used to end on the generic 输入有误 page, the reason lost."""
    admin = browser(people.admin)
    version_id = await _propose(admin)
    entry = service.read(session, version_id=version_id, actor=people.admin).entries[0]
    typed = "年报未按时公示" + "长" * 500
    long = await admin.post(f"/admin/whitelist/entries/{entry.id}/exclude", data={"reason": typed})
    assert long.status_code == 422 and "白名单拟定稿 #1" in long.text
    row = long.text.split(f'id="entry-{entry.id}"')[1].split("</tr>")[0]
    assert 'id="f-reason"' in row and f'value="{typed[:500]}"' in row, "kept, cut to its bound"
    assert '<span class="field-error" id="e-reason">不能超过 500 个字（现有 507 个）</span>' in row
    assert service.read(session, version_id=version_id, actor=people.admin).entries[0].included is True


async def test_a_note_too_long_keeps_what_was_typed(browser, people) -> None:
    """Over 500 characters used to end on a bare error page, the note lost."""
    typed = "第四季度" + "长" * 500
    refused = await browser(people.admin).post("/admin/whitelist", data={"note": typed})
    assert refused.status_code == 422 and "白名单编制" in refused.text
    assert f'value="{typed[:500]}"' in refused.text, "kept, cut to its bound"
    assert '<a href="#f-note">说明：不能超过 500 个字（现有 504 个）</a>' in refused.text
    assert '<span class="field-error" id="e-note">' in refused.text


@pytest.mark.parametrize(("typed", "said", "shown"), [
    ("第四\x00季度", "不能含有空字符（NUL）", "第四季度"),
    ("第四季度" + "长" * 5000, "不能超过 500 个字（现有 5004 个）", ("第四季度" + "长" * 5000)[:500]),
])
async def test_a_forged_note_or_reason_is_said_beside_it_and_kept(browser, session, people, typed, said,
                                                                  shown) -> None:
    """A NUL, or a length past the form's old bound of its own (5,000), used to end on a bare 「输入有误」 page."""
    admin = browser(people.admin)
    refused = await admin.post("/admin/whitelist", data={"note": typed})
    assert refused.status_code == 422 and "白名单编制" in refused.text and f'value="{shown}"' in refused.text
    assert marked(refused.text) == [("f-note", said)]
    version_id = await _propose(admin)
    entry = service.read(session, version_id=version_id, actor=people.admin).entries[0]
    out = await admin.post(f"/admin/whitelist/entries/{entry.id}/exclude", data={"reason": typed})
    assert out.status_code == 422 and "白名单拟定稿 #1" in out.text
    row = out.text.split(f'id="entry-{entry.id}"')[1].split("</tr>")[0]
    assert f'value="{shown}"' in row and f'<span class="field-error" id="e-reason">{said}</span>' in row
    assert service.read(session, version_id=version_id, actor=people.admin).entries[0].included is True


async def test_the_desk_says_the_criteria_and_where_they_come_from(browser, session, people, set_today) -> None:
    """The conditions are the policy's, by their names in its file, and the guide's standing; a successor's own."""
    from datetime import date

    from tests.dbtest import publish_whitelist_successor

    publish_whitelist_successor(session, people)
    auditor = browser(people.auditor)
    set_today(date(2025, 12, 1))
    desk = (await auditor.get("/admin/whitelist")).text
    assert ("入选条件：依据辽政办〔2022〕35号措施19「加大信贷支持」：在辽宁省注册、数字经济核心产业企业；"
            "并须符合专项资金申报指南的申报条件：独立法人、财务管理制度健全、无不良信用记录、"
            "近三年未发生重大安全环保质量事故。") in desk
    set_today(date(2026, 1, 5))
    desk = (await auditor.get("/admin/whitelist")).text
    assert "入选条件：依据测试〔2024〕1号措施6「规上企业白名单」：在辽宁省注册的企业、规模以上企业；并须符合" in desk


async def test_the_public_list_honours_a_bounded_page_size_and_lets_an_unknown_parameter_be(browser, session) -> None:
    _published(session, [(f"沈阳第{i:02d}数据有限公司", "210102", f"MA0P{i:04d}") for i in range(1, 8)])
    public = browser(None)
    small = (await public.get("/whitelist", params={"size": 3, "page": 2})).text
    assert _names(small) == ["沈阳第04数据有限公司", "沈阳第05数据有限公司", "沈阳第06数据有限公司"]
    assert "共 7 家企业，第 2/3 页" in small and 'href="/whitelist?size=3&amp;page=3"' in small
    assert '<input type="hidden" name="size" value="3">' in small, "a search keeps the size"
    past = (await public.get("/whitelist", params={"size": 3, "page": 9})).text
    assert past.index("转到第一页") < past.index("转到最后一页")
    for bad in ("0", "201", "-3", "\x00", str(10**30)):  # the first page, 50 a page, said in a note
        wrong = await public.get("/whitelist", params={"size": bad})
        assert wrong.status_code == 200 and len(_names(wrong.text)) == 7, bad
        assert "每页条数应为 1 至 200 之间的整数，已按每页 50 条显示" in wrong.text, bad
    for added in ("y" * 2001, "\x00"):  # nothing reads it: the list as without it
        unknown = await public.get("/whitelist", params={"x": added})
        assert unknown.status_code == 200 and len(_names(unknown.text)) == 7 and "未知的查询参数" not in unknown.text
    long = await public.get("/whitelist", params={"q": "数" * 60})
    assert long.status_code == 422, "as the box says (maxlength 50)"
    assert '<span class="field-error" id="e-q">不能超过 50 个字符（现有 60 个）</span>' in long.text


async def test_a_removal_is_undone_in_place_and_the_keyboard_stays_on_the_row(browser, session, people) -> None:
    """After an in-place removal the focus fell to <body>; now the row's new control takes it (data-focus): 恢复 after
    a removal, the reason's field after a restore. A second restore at once is a 409 said in the row."""
    admin = browser(people.admin)
    version_id = await _propose(admin)
    entry = service.read(session, version_id=version_id, actor=people.admin).entries[0]
    out = await admin.post(f"/admin/whitelist/entries/{entry.id}/exclude", data={"reason": "年报未按时公示"},
                           headers={"HX-Request": "true"})
    row = out.text.split("</tr>")[0]
    assert out.status_code == 200 and f'action="/admin/whitelist/entries/{entry.id}/restore"' in row
    assert 'aria-label="恢复列入示例科技有限公司" data-focus>恢复</button>' in row and "年报未按时公示" in row
    back = await admin.post(f"/admin/whitelist/entries/{entry.id}/restore", headers={"HX-Request": "true"})
    row = back.text.split("</tr>")[0]
    assert back.status_code == 200 and "<html" not in back.text and 'name="reason"' in row
    assert row.split('name="reason"')[1].split(">")[0].endswith(" data-focus"), "the reason's field takes the focus"
    assert "✓ 已恢复列入：示例科技有限公司" in back.text and "列入 1 家" in back.text
    again = await admin.post(f"/admin/whitelist/entries/{entry.id}/restore", headers={"HX-Request": "true"})
    assert again.status_code == 409 and "已在列入名单中（刚刚可能已有人恢复）" in again.text
    assert "<html" not in again.text, "said in the row"
    plain = await admin.post(f"/admin/whitelist/entries/{entry.id}/restore")  # without script: the version again
    assert plain.status_code == 409 and "白名单拟定稿 #1" in plain.text and "已在列入名单中" in plain.text
    await admin.post(f"/admin/whitelist/entries/{entry.id}/exclude", data={"reason": "年报未按时公示"})
    done = await admin.post(f"/admin/whitelist/entries/{entry.id}/restore")
    assert done.status_code == 303 and done.headers["location"] == f"/admin/whitelist/{version_id}#entry-{entry.id}"
    assert (await browser(people.auditor).post(f"/admin/whitelist/entries/{entry.id}/restore")).status_code == 403


async def test_the_draft_shows_what_changed_since_the_last_version_and_who_was_passed_over(browser, session,
                                                                                         people) -> None:
    """An enterprise removed from version 1 with a reason came back as 列入 in the next draft, unflagged."""
    from huiqi.applicants import service as applicants
    from tests.dbtest import BOB_USCC

    first = service.propose(session, actor=people.admin, on=date(2025, 12, 1))
    service.exclude(session, actor=people.admin, entry_id=first.entries[0].id, reason="企业存在未结清的欠税记录",
                    on=date(2025, 12, 1))
    service.publish(session, actor=second_admin(session), version_id=first.id, on=date(2025, 12, 1))
    second = await _propose(browser(people.admin))
    page = (await browser(people.admin).get(f"/admin/whitelist/{second}")).text
    assert "与上一版（第 1 版，2025-12-01 发布）相比" in page and "新增 1 家 · 不再列入 0 家 · 保留 0 家" in page
    row = page.split(f'id="entry-{service.read(session, version_id=second, actor=people.admin).entries[0].id}"')[1]
    row = row.split("</tr>")[0]
    assert "上一版已移出：企业存在未结清的欠税记录" in row and "列入" in row
    passed = page.split('id="passed-over"')[1].split("</section>")[0]
    assert BOB_USCC in passed and "大连数据有限公司" in passed and "未登记“独立法人”（不作推定）" in passed
    applicants.record_profile(session, actor=people.bob, uscc=BOB_USCC, name="大连数据有限公司", kind="enterprise",
                              region="210202", industry="6520", independent_legal_entity=True, sound_accounts=True,
                              bad_credit=False, major_accident=False)
    sheet = await browser(people.admin).get(f"/admin/whitelist/{second}/export.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content))["白名单"].iter_rows(values_only=True))
    assert rows[2][6:] == ("列入", None, "新增（上一版已移出：企业存在未结清的欠税记录）")
    first_page = (await browser(people.auditor).get(f"/admin/whitelist/{first.id}")).text
    assert "这是第一版：此前没有已发布的版本。" in first_page and "考虑 2 家，拟定 1 家" in first_page


async def test_the_public_numbers_run_on_whatever_drafts_were_discarded(browser, session, people) -> None:
    admin, reviewer = browser(people.admin), browser(second_admin(session))
    await reviewer.post(f"/admin/whitelist/{await _propose(admin)}/publish")
    await admin.post(f"/admin/whitelist/{await _propose(admin)}/discard")
    third = await _propose(admin)
    page = (await reviewer.get(f"/admin/whitelist/{third}")).text
    assert "<h1>白名单拟定稿 #3" in page and "发布为第 2 版</button>" in page
    assert (await reviewer.post(f"/admin/whitelist/{third}/publish")).status_code == 303
    public = (await browser(None).get("/whitelist")).text
    assert "第 2 版 · 2025-12-01 发布" in public and ">第1版</a> <a" in public and "第3版" not in public
    assert (await browser(None).get("/whitelist/2.xlsx")).status_code == 200
    assert (await browser(None).get("/whitelist/3.xlsx")).status_code == 404
    desk = (await admin.get("/admin/whitelist")).text
    assert "第 2 版</a> <span class=\"muted\">（拟定稿 #3）</span>" in desk and "拟定稿 #2</a>" in desk


async def test_a_removal_after_another_published_the_draft_reloads_the_version_read_only(browser, session,
                                                                                         people) -> None:
    """The walk-through: admin2 published the draft; admin's 移出 on a row (HTMX) said "已发布，不能再改" inside the
    row, which kept 列入 and its 移出 form, under a heading still reading 拟定稿. The refusal now brings the version
    back as it stands: published, every row read-only, the reason at the top."""
    admin = browser(people.admin)
    version_id = await _propose(admin)
    entry = service.read(session, version_id=version_id, actor=people.admin).entries[0]
    assert f'hx-post="/admin/whitelist/entries/{entry.id}/exclude"' in (await admin.get(
        f"/admin/whitelist/{version_id}")).text
    assert (await browser(second_admin(session)).post(f"/admin/whitelist/{version_id}/publish")).status_code == 303
    late = await admin.post(f"/admin/whitelist/entries/{entry.id}/exclude", data={"reason": "年报未按时公示"},
                            headers={"HX-Request": "true"})
    assert late.status_code == 409
    assert (late.headers["HX-Retarget"], late.headers["HX-Reselect"], late.headers["HX-Reswap"]) == (
        "#main", "#main", "outerHTML")
    main = late.text.split('<main id="main"')[1].split("</main>")[0]
    assert '<span class="badge ok">已发布</span>' in main and "拟定稿</span>" not in main
    assert "已发布，不能再改" in main.split('class="errors error-summary"')[1]
    assert "/exclude" not in main and "/restore" not in main and "<th scope=\"col\">理由</th>" in main
    assert re.search(r'id="version-counts"[^>]*>[^<]*列入 1 家 · [^<]* 由 [^<]+ 发布', main), main[:600]
    assert service.read(session, version_id=version_id, actor=people.admin).entries[0].included
