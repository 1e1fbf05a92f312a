"""What each row of a list came to, said to the officer who imported it: the offers the list's own rows made (not those
its applicants' other matters received in the same pass), the rows that made none, and why, row by row (not
registered on the platform, outside the measure's scope by the credit code's region, outside the measure's window,
facts missing, no round that day, an answer already given); a long list matched in the background says the same."""

from contextlib import nullcontext
from datetime import date

import pytest

from huiqi import clock
from huiqi.errors import InputError
from huiqi.models import MatterListing, Offer
from huiqi.recognition import outcomes
from huiqi.recognition import service as lists
from tests.dbtest import ALICE_USCC, BOB_USCC, MALLORY_USCC, a_round, uscc_for

ON = date(2025, 6, 30)
NEW = uscc_for("210200", "MA0NEW01")  # 大连, not on the platform
BEIJING = uscc_for("110108", "MA0BJ001")  # registered in 北京市海淀区 (its code's 3rd to 8th characters)
ROWS = [["统一社会信用代码", "企业名称", "认定日期"], [ALICE_USCC, "示例科技有限公司", "2025-06-01"],
        [NEW, "新认定企业有限公司", ""], [BEIJING, "北京某科技有限公司", ""], [MALLORY_USCC, "局外企业", ""],
        [BOB_USCC, "大连数据有限公司", "2022-01-01"]]


def _import(session, people, rows=ROWS, *, inline=True, document="工信部企业函〔2025〕测试号") -> lists.Imported:
    with clock.pinned(ON):
        checked = lists.check(session, rows, code="single_champion", level="national", published_on=date(2025, 6, 1))
        done = lists.import_list(session, actor=people.miit, rows=checked, code="single_champion", level="national",
                                 document=document, published_on=date(2025, 6, 1), inline=inline)
        if not inline:
            lists.match_list(lambda: nullcontext(session), done.list.id)
    return done


def _said(session, list_id: int) -> list[tuple[int | None, int | None, str | None, str | None]]:
    return [(x.line, x.offers, x.outcome, x.why) for x, _, _ in outcomes.rows(session, list_id)]


def test_each_row_says_what_it_came_to(session, people) -> None:
    a_round(session)
    done = _import(session, people)
    said = {line: (offers, outcome, why) for line, offers, outcome, why in _said(session, done.list.id)}
    assert said[2] == (1, None, None)  # alice: offered measure 3
    assert said[3][:2] == (0, "unregistered") and said[3][2].startswith("该单位尚未在平台注册，缺少所属行业"), said[3]
    assert said[4][:2] == (0, "outside"), said[4]
    assert said[4][2] == ("注册地不在措施3的适用范围：据统一社会信用代码第3至8位，"
                          "登记管理机关行政区划码为 110108（辽宁省外）")
    # mallory has an account on the platform: her record is incomplete, not unregistered
    assert said[5][:2] == (0, "undetermined") and said[5][2].startswith("单位信息不全（缺少"), said[5]
    assert said[6][:2] == (0, "window"), said[6]
    assert said[6][2].startswith("认定日期 2022-01-01 不在措施3的施行期（2022-07-23 至 2025-12-31）内："
                                 "不符合“事项日期在政策有效期内”")
    assert done.tally == outcomes.Tally(5, 1, {"unregistered": 1, "outside": 1, "undetermined": 1, "window": 1})
    # Alice's other matters were offered in the same pass: not the list's offers.
    assert done.offers == 1 < session.query(Offer).filter_by(uscc=ALICE_USCC).count()
    assert done.said == ("5 行，新建申报单位 3 家；名单各行产生政策直达 1 项；4 行未产生政策直达（"
                         "单位尚未在平台注册、信息不全 1 行，单位信息不全，暂不能判断 1 行，"
                         "注册地不在措施适用范围 1 行，认定日期不在措施施行期内 1 行），"
                         "逐行原因见认定名单页")
    assert outcomes.tallies(session)[done.list.id] == done.tally
    assert done.list.offers == 1


def test_no_round_open_that_day_is_said_for_every_row(session, people) -> None:
    done = _import(session, people, ROWS[:3])
    assert [(line, offers, outcome) for line, offers, outcome, _ in _said(session, done.list.id)] == [
        (2, 0, "no_round"), (3, 0, "no_round")]
    assert _said(session, done.list.id)[0][3] == ("2025-06-30（匹配当日）没有受理中的申报批次；"
                                                  "批次开设后即按名单产生政策直达")


def test_an_answer_already_given_is_said_by_row(session, people) -> None:
    """Alice declined her 单项冠军 offer: a second list naming the same recognition says so on her row."""
    from huiqi.offers import replies

    a_round(session)
    first = _import(session, people, ROWS[:2])
    listed = session.query(MatterListing).filter_by(list_id=first.list.id).one()
    offer = session.query(Offer).filter_by(matter_id=listed.matter_id, state="open").one()
    with clock.pinned(ON):
        replies.decline(session, actor=people.alice, offer_id=offer.id, reason="暂不需要")
    again = _import(session, people, ROWS[:2], document="工信部企业函〔2025〕补充号")
    assert (first.offers, again.offers, again.existing, again.made.answered) == (1, 0, 1, 1)
    (line, made, outcome, why), = _said(session, again.list.id)
    assert (line, made, outcome) == (2, 0, "answered") and "此前已被企业放弃或经责任单位不予确认" in why


@pytest.mark.parametrize("inline", [True, False], ids=["at-once", "background"])
def test_a_long_list_matched_in_the_background_says_the_same(session, people, monkeypatch, inline) -> None:
    a_round(session)
    monkeypatch.setattr(lists, "BATCH", 2)  # three transactions for five rows
    done = _import(session, people, inline=inline)
    assert (done.list.matching, done.list.matched, done.list.offers) == ("done", 5, 1)
    assert outcomes.tallies(session)[done.list.id] == outcomes.Tally(
        5, 1, {"unregistered": 1, "outside": 1, "undetermined": 1, "window": 1})
    assert [(line, outcome) for line, _, outcome, _ in _said(session, done.list.id)] == [
        (2, None), (3, "unregistered"), (4, "outside"), (5, "undetermined"), (6, "window")]
    if not inline:
        assert done.tally is None and "正在后台重新匹配" in done.said


def test_a_recognition_bound_to_a_level_is_refused_without_one_row_by_row(session) -> None:
    """专精特新, 小巨人, 单项冠军 (whatever recognition the rules read a level of): a row without a level, the list
    giving none, is refused with its line; a file with no level column at all is told once."""
    rows = [["uscc", "name", "level"], [ALICE_USCC, "示例科技有限公司", "国家级"], [NEW, "新认定企业有限公司", ""]]
    with pytest.raises(InputError) as caught:
        lists.check(session, rows, code="little_giant", level=None, published_on=date(2025, 6, 1))
    assert caught.value.problems == [("第 3 行·级别", "专精特新“小巨人”企业（新认定）须注明级别，本行未填写："
                                                    "级别应为 国际、国家级、行业、省级 之一"
                                                    "（“级”字可有可无，也可写作 international、national、industry、"
                                                    "provincial）")]
    assert [r.level for r in lists.check(session, rows, code="little_giant", level="provincial",
                                         published_on=date(2025, 6, 1))] == ["national", "provincial"]
    with pytest.raises(InputError) as unlevelled:
        lists.check(session, [["uscc", "name"], [ALICE_USCC, "示例科技有限公司"]], code="srdi_sme", level=None,
                    published_on=date(2025, 6, 1))
    assert [field for field, _ in unlevelled.value.problems] == ["级别"]
    assert "须注明级别：请在导入时选择级别，或在文件中加“级别”列逐行填写" in unlevelled.value.problems[0][1]
    # A recognition whose rules read no level is taken without one.
    assert lists.check(session, [["uscc", "name"], [ALICE_USCC, "示例科技有限公司"]], code="digital_leader",
                       level=None, published_on=date(2025, 6, 1))[0].level is None


def test_the_rows_are_paged_in_their_order(session, people) -> None:
    a_round(session)
    done = _import(session, people)
    assert outcomes.counted(session, done.list.id) == 5 and outcomes.counted(session, done.list.id, unoffered=True) == 4
    page = outcomes.rows(session, done.list.id, offset=1, limit=2, unoffered=True)
    assert [(x.line, uscc, name) for x, uscc, name in page] == [(4, BEIJING, "北京某科技有限公司"),
                                                               (5, MALLORY_USCC, "局外企业")]
    assert all(isinstance(x, MatterListing) for x, _, _ in page)


def test_a_recognition_no_fund_measure_supports_says_so(session, people) -> None:
    """数字经济龙头企业 is a prerequisite of measure 8, supported by no measure itself: its row says so."""
    a_round(session)
    with clock.pinned(ON):
        checked = lists.check(session, ROWS[:2], code="digital_leader", level=None, published_on=date(2025, 6, 1))
        done = lists.import_list(session, actor=people.admin, rows=checked, code="digital_leader", level=None,
                                 document="辽数据发〔2025〕测试号", published_on=date(2025, 6, 1))
    assert _said(session, done.list.id) == [(2, 0, "not_reached", "该认定不在已发布政策资金措施的支持范围内")]


def test_the_message_after_an_import_says_its_counts_within_the_flash_s_bound() -> None:
    """A list whose rows made no offer for many reasons, some merged with matters already recorded: the message after
    the import would pass the flash's 200 characters; it says the counts whole and points to the rows below, never a
    sentence cut short. One that fits is said whole."""
    from huiqi.models import RecognitionList
    from huiqi.web.steps import FLASH_MOST

    kinds = {"unregistered": 40, "outside": 7, "window": 3, "undetermined": 2, "answered": 1, "other_support": 1}
    long = lists.Imported(RecognitionList(id=7), 12, 120, outcomes.Tally(120, 66, kinds), existing=30)
    assert len("名单已导入（认定名单 7）：" + long.said) > FLASH_MOST
    told = long.told(FLASH_MOST)
    assert told == ("名单已导入（认定名单 7）：120 行，新建申报单位 12 家，其中 30 行并入已有事项；"
                    "名单各行产生政策直达 66 项，54 行未产生；逐行原因见下表认定名单 7 一行"), told
    short = lists.Imported(RecognitionList(id=8), 1, 2, outcomes.Tally(2, 1, {"unregistered": 1}))
    assert short.told(FLASH_MOST) == "名单已导入（认定名单 8）：" + short.said
    queued = lists.Imported(RecognitionList(id=9), 300, 300, None, existing=300)
    assert queued.told(100) == ("名单已导入（认定名单 9）：300 行，新建申报单位 300 家，其中 300 行并入已有事项；"
                                "正在后台重新匹配，进度见下表")


def test_a_round_opened_after_the_import_writes_again_what_each_row_came_to(session, people) -> None:
    """The walk-through: a round's opening made the offers of a list's rows, which still said "no round open" (and
    the list's count, none). Each row that had made none now says what it came to: its offer, or why none still."""
    from huiqi.catalogue import service as catalogue
    from huiqi.rounds import opening

    done = _import(session, people, ROWS[:3])
    assert [x[2] for x in _said(session, done.list.id)] == ["no_round", "no_round"]
    policy = catalogue.published(session)[0]
    with clock.pinned(ON):
        opening.open_round(session, actor=people.admin, policy_id=policy.id, title="2025年度（名单之后开设）",
                           opens_on=ON, closes_on=date(2025, 12, 31),
                           measures=[opening.MeasureIn(m.number) for m in policy.measures if m.monetary])
    said = _said(session, done.list.id)
    assert [(line, offers, outcome) for line, offers, outcome, _ in said] == [(2, 1, None), (3, 0, "unregistered")]
    assert said[1][3].startswith("该单位尚未在平台注册"), said[1]
    assert outcomes.tallies(session)[done.list.id] == outcomes.Tally(2, 1, {"unregistered": 1})
    session.refresh(done.list)
    assert done.list.offers == 1
