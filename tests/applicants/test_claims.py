"""可以申请什么: each result with what is said of it and what can be done, the same on /me and in its download."""

import io
from datetime import date

import openpyxl
import pytest

from tests.dbtest import a_round, apply, to_announced

pytestmark = pytest.mark.anyio


def _rows(content: bytes) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    lines = list(sheet.iter_rows(values_only=True))
    return [dict(zip(lines[1], line, strict=True)) for line in lines[2:]]


async def test_the_list_downloads_as_the_page_shows_it(browser, session, people, tmp_path) -> None:
    alice = browser(people.alice)
    closed = _rows((await alice.get("/me/claims.xlsx")).content)
    assert {r["办理"] for r in closed if r["状态"] == "符合" and not r["说明"]} == {"暂无受理中的申报批次"}
    a_round(session)
    page = (await alice.get("/me")).text
    assert 'href="/me/claims.xlsx"' in page
    got = await alice.get("/me/claims.xlsx")
    assert got.status_code == 200 and got.headers["content-type"].startswith("application/vnd.openxml")
    rows = _rows(got.content)
    total = rows.pop()
    assert len(rows) == page[page.index('id="claims"'):].count('<td data-label="事项">'), "a row per line of the page"
    # the 合计 row: what can still be applied for (h1's 100 万元 under measure 3, p1's 3000 万元 under measure 5)
    assert (total["事项"], total["上限（元）"], total["上限（万元）"]) == ("合计", 31_000_000, 3100)
    assert total["说明"] == "尚可申请或正在办理的合计最高 3100 万元，见下表“办理”一列"
    assert total["说明"] in page
    h1 = next(r for r in rows if r["事项编号"] == "h1" and r["措施"] == "措施3 培育中小企业")
    assert h1["事项"] == "专精特新“小巨人”企业（新认定，国家级，2024-07-15）" and h1["政策"] == "辽政办〔2022〕35号"
    assert h1["状态"] == "符合" and isinstance(h1["上限（元）"], int)
    assert h1["上限（万元）"] == h1["上限（元）"] / 10_000
    assert h1["办理"].startswith("可申报：") and h1["办理"].endswith("2030-12-31 截止")
    assert all(r["上限（元）"] == "未定额" or isinstance(r["上限（元）"], int) for r in rows)
    made = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 6, 1), store=tmp_path)
    again = next(r for r in _rows((await alice.get("/me/claims.xlsx")).content)
                 if r["事项编号"] == "h1" and r["措施"] == "措施3 培育中小企业")
    assert again["办理"].startswith(f"已申报 #{made.id}（措施3，"), "an applied matter is not offered again"


async def test_only_an_enterprise_has_the_list(browser, people) -> None:
    assert (await browser(people.miit).get("/me/claims.xlsx")).status_code == 403


async def test_the_total_counts_what_is_left_and_says_apart_what_was_approved(browser, session, people,
                                                                             tmp_path) -> None:
    """An application under way may still be received, so it counts as its amount (拟定, else 申请); once approved,
    its amount is said apart and the measure no longer counts toward what is left."""
    from huiqi.applicants import claims
    from huiqi.funding import service as budgets
    from tests.dbtest import ALICE_USCC, step, to_announced

    alice = browser(people.alice)
    assert "已获批准" not in (await alice.get("/me")).text
    app = to_announced(session, people.alice, [people.shenyang, people.miit], matter="h1", measure=3,
                       amount=1_000_000, proposed=700_000, store=tmp_path)
    left = claims.outlook(claims.of(session, actor=people.alice, uscc=ALICE_USCC))
    assert (left.total, left.granted) == (30_700_000, 0), "公示中: h1's 70 万元 proposed may still be received"
    budgets.set_budget(session, actor=people.finance, year=2025, policy_id="ln-2022-35", measure=3, amount=5_000_000)
    step(session, "approve", people.finance, app, on=date(2025, 10, 13))
    found = claims.of(session, actor=people.alice, uscc=ALICE_USCC)
    assert found.granted == 700_000 and claims.outlook(found).total == 30_000_000
    said = "尚可申请或正在办理的合计最高 3000 万元，见下表“办理”一列；已获批准 70 万元"
    assert claims.outlook(found).said == said and said in (await alice.get("/me")).text


async def test_a_direct_measure_with_no_offer_and_no_list_says_whom_to_ask(browser, session, people) -> None:
    """免申即享 comes from the published lists: a matter the enterprise declared itself, on no imported list and with
    no offer, is told so and whom to ask, not told to wait; once an offer is made, the text links to it."""
    from huiqi import clock
    from huiqi.catalogue import service as catalogue
    from huiqi.recognition import service as lists
    from huiqi.rounds import opening
    from tests.dbtest import ALICE_USCC

    with clock.pinned(date(2025, 7, 1)):
        opening.open_round(session, actor=people.admin, policy_id=catalogue.published(session)[0].id,
                           title="2025年度免申即享", opens_on=date(2025, 7, 1), closes_on=date(2025, 12, 31),
                           measures=[opening.MeasureIn(3, mode="direct")], contact="省工信厅 024-12345678")
    alice = browser(people.alice)
    with clock.pinned(date(2025, 9, 1)):
        page = (await alice.get("/me")).text
        rows = _rows((await alice.get("/me/claims.xlsx")).content)
        new = (await alice.get("/applications/new")).text
    said = ("本措施免申即享，依据公布名单确认；贵单位的该事项未在已导入的名单中。"
            "如已获认定，请联系省工业和信息化厅；申报批次咨询：省工信厅 024-12345678")
    declared = next(r for r in rows if r["事项编号"] == "h1" and r["措施"].startswith("措施3"))
    assert declared["办理"] == said, declared
    assert said in page[page.index('id="claims"'):] and "免申即享：无需申报" not in page
    assert f"不可申报：{said}" in new
    with clock.pinned(date(2025, 9, 1)):
        checked = lists.check(session, [["uscc", "name"], [ALICE_USCC, "示例科技有限公司"]], code="single_champion",
                              level="national", published_on=date(2025, 6, 1))
        lists.import_list(session, actor=people.miit, rows=checked, code="single_champion", level="national",
                          document="工信部企业函〔2025〕测试号", published_on=date(2025, 6, 1))
        offered = (await alice.get("/me")).text
    claims = offered[offered.index('id="claims"'):]
    assert said not in claims and '<a class="small" href="#offers">免申即享：无需申报' in claims


async def test_a_declined_or_set_aside_offer_is_not_said_to_wait_for_the_department(browser, session, people) -> None:
    """A 免申即享 offer declined (放弃) is not made again, nor one set aside: the line says so, not 由责任单位确认."""
    from huiqi import clock
    from huiqi.applicants import claims
    from huiqi.models import Matter
    from huiqi.offers import replies
    from huiqi.offers import service as offers
    from tests.dbtest import ALICE_USCC, direct_offer

    on = date(2025, 7, 1)
    direct_offer(session, people, on)
    keys = {o.id: session.get(Matter, o.matter_id).key for o in offers.mine(session, actor=people.alice)}
    h1 = next(i for i, key in keys.items() if key == "h1")
    listed = next(i for i, key in keys.items() if key != "h1")
    alice = browser(people.alice)
    with clock.pinned(on):
        replies.decline(session, actor=people.alice, offer_id=h1)
        offers.set_aside(session, actor=people.miit, offer_id=listed, reason="名单核查未通过")
        found = {c.result.matter: c for c in claims.of(session, actor=people.alice, uscc=ALICE_USCC).rows
                 if c.result.measure == 3}
        page = (await alice.get("/me")).text
        rows = _rows((await alice.get("/me/claims.xlsx")).content)
    declined, set_aside = found["h1"], found[keys[listed]]
    assert (declined.offer, declined.offered, declined.direct) == ("declined", False, True)
    assert (set_aside.offer, set_aside.offered) == ("set_aside", False)
    done = {r["事项编号"]: r["办理"] for r in rows if r["措施"].startswith("措施3")}
    assert done["h1"] == "已放弃政策直达：不再由责任单位确认"
    assert done[keys[listed]] == "政策直达经责任单位确认未通过（理由见政策直达）"
    shown = page[page.index('id="claims"'):]
    assert '<a class="small" href="#offers">已放弃政策直达：不再由责任单位确认</a>' in shown
    assert '<a class="small" href="#offers">政策直达经责任单位确认未通过（理由见政策直达）</a>' in shown
    assert "由责任单位确认</a>" not in shown.replace("不再由责任单位确认</a>", "")


async def test_nothing_left_once_the_offers_are_declined_or_set_aside(browser, session, people) -> None:
    """Declined and set-aside offers, and measures no round takes, are not counted as what may still be had."""
    from huiqi import clock
    from huiqi.applicants import claims
    from huiqi.models import Matter
    from huiqi.offers import replies
    from huiqi.offers import service as offers
    from tests.dbtest import ALICE_USCC, direct_offer

    on = date(2025, 7, 1)
    direct_offer(session, people, on)
    keys = {o.id: session.get(Matter, o.matter_id).key for o in offers.mine(session, actor=people.alice)}
    alice = browser(people.alice)
    with clock.pinned(on):
        waiting = claims.outlook(claims.of(session, actor=people.alice, uscc=ALICE_USCC))
        assert (waiting.total, waiting.waiting) == (2_000_000, 1), "two offers of 100 万元; p1 with no round open"
        for offer_id, key in keys.items():
            if key == "h1":
                replies.decline(session, actor=people.alice, offer_id=offer_id)
            else:
                offers.set_aside(session, actor=people.miit, offer_id=offer_id, reason="名单核查未通过")
        left = claims.outlook(claims.of(session, actor=people.alice, uscc=ALICE_USCC))
        page = (await alice.get("/me")).text
        rows = _rows((await alice.get("/me/claims.xlsx")).content)
    assert (left.total, left.unpriced, left.waiting, left.granted) == (0, 0, 1, 0)
    said = "目前没有尚可申请或正在办理的措施；另有 1 项符合条件，暂无受理中的申报批次"
    assert left.said == said
    shown = page[page.index('id="outlook"'):]
    assert said in shown[:shown.index("</p>")] and "合计最高" not in shown[:shown.index("</p>")]
    assert rows[-1]["事项"] == "合计" and rows[-1]["上限（元）"] == 0 and rows[-1]["说明"] == said


async def test_a_ceiling_reduced_by_other_support_says_so_in_the_export(browser, session, people) -> None:
    """The page's note under the ceiling (措施上限, 扣除已获其他政策支持) is the export's 说明 too, with its units."""
    from huiqi.applicants import service as applicants
    from tests.dbtest import ALICE_USCC

    a_round(session)
    applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
        "id": "h1", "type": "honour", "codes": ["little_giant"], "level": "national", "date": "2024-07-15",
        "other_support": 300_000})
    alice = browser(people.alice)
    page = (await alice.get("/me")).text
    assert '<div class="small muted deduction">措施上限 100，扣除已获其他政策支持 30</div>' in page
    rows = _rows((await alice.get("/me/claims.xlsx")).content)
    h1 = next(r for r in rows if r["事项编号"] == "h1" and r["措施"] == "措施3 培育中小企业")
    assert h1["上限（元）"] == 700_000 and h1["说明"] == "措施上限 100 万元，扣除已获其他政策支持 30 万元"
    assert rows[-1]["上限（元）"] == 30_700_000, "the total counts the reduced ceiling"


async def test_an_application_under_another_policys_higher_measure_counts_as_what_it_is(browser, session, people,
                                                                                      tmp_path) -> None:
    """A matter applied for under 35号 measure 11 while the successor's measure 1 ranks higher: the line applied
    under says where the application stands and its amount, not 从高 (that note is for lines nobody applied under),
    and counts its amount in the total; the successor's line shows what is left once it is approved (差额补足)."""
    from huiqi import clock
    from huiqi.applicants import claims
    from huiqi.applicants import service as applicant_service
    from huiqi.users import service as users
    from huiqi.users.scope import SYSTEM
    from tests.dbtest import ALICE_USCC, step
    from tests.funding.test_top_up import APPROVE_ON, M11, SECOND, _successor

    _successor(session, people, SECOND.read_text(encoding="utf-8"))
    bureau = users.create_user(session, actor=SYSTEM, username="data", display_name="省数据局审核员",
                               role="department", password="long enough", department="省数据局")
    applicant_service.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
        "id": "p2", "type": "project", "codes": ["smart_manufacturing"], "investment": 50_000_000,
        "date": "2024-06-01"})

    def p2() -> tuple[claims.Claims, claims.Claim, claims.Claim]:
        found = claims.of(session, actor=people.alice, uscc=ALICE_USCC)
        rows = {c.result.policy: c for c in found.rows if c.result.matter == "p2"}
        return found, rows["ln-2022-35"], rows["test-successor"]

    a_round(session)
    with clock.pinned(date(2025, 10, 1)):
        before, _, higher = p2()
    assert higher.result.ceiling is not None and higher.result.ceiling > M11 and higher.round is not None
    app = to_announced(session, people.alice, [bureau], matter="p2", measure=11, amount=M11, proposed=8_000_000,
                            store=tmp_path)
    with clock.pinned(date(2025, 10, 1)):
        found, own, other = p2()
        page = (await browser(people.alice).get("/me")).text
        rows = _rows((await browser(people.alice).get("/me/claims.xlsx")).content)
    assert own.result.excluded_by == 1 and own.note == "", "no 从高 note on the line applied under"
    assert own.still_open and own.counted == 8_000_000
    left = higher.result.ceiling - 8_000_000
    assert (other.ceiling, other.still_open) == (left, False), "applied for now only once #app is approved"
    said = f"已申报 #{app.id}（辽政办〔2022〕35号措施11，公示中，拟定金额 800 万元）"
    assert claims.next_step(own, {"ln-2022-35": "辽政办〔2022〕35号", "test-successor": "测试〔2024〕1号"}) == said
    assert claims.outlook(found).total == claims.outlook(before).total - higher.result.ceiling + 8_000_000
    assert claims.outlook(found).later == left
    assert f"另有差额补足最高 {left // 10_000} 万元，待同一事项在其他政策下的申报批准后可申请" in page
    assert other.note == (f"已按 辽政办〔2022〕35号 措施11 申报 #{app.id}（拟定金额 800 万元）："
                          "批准后本措施只补足差额（从高不重复）")
    shown = page[page.index('id="claims"'):]
    lines = [line for line in shown.split("<tr>")[1:] if '<span class="small muted">p2</span>' in line]
    assert len(lines) == 2 and all("从高：由" not in line and said in line for line in lines)
    assert f"措施上限 {higher.result.ceiling // 10_000}，扣除申报中 800" in lines[1]
    exported = {r["政策"]: r for r in rows if r["事项编号"] == "p2"}
    assert exported["辽政办〔2022〕35号"]["说明"] == "" and exported["辽政办〔2022〕35号"]["办理"] == said
    assert exported["测试〔2024〕1号"]["上限（元）"] == left
    step(session, "approve", people.finance, app, on=APPROVE_ON)
    with clock.pinned(APPROVE_ON):
        found, own, other = p2()
    assert own.note == "" and not own.still_open and found.granted == 8_000_000
    assert claims.next_step(own, {"ln-2022-35": "辽政办〔2022〕35号", "test-successor": "测试〔2024〕1号"}) \
        == f"已申报 #{app.id}（辽政办〔2022〕35号措施11，已批准 800 万元）"
    assert other.still_open and other.counted == other.ceiling == other.result.ceiling - 8_000_000
    assert claims.outlook(found).later == 0
