"""A recognition list imported: every bad row named by its line and field with nothing written; known applicants
get the matter as a published fact, unknown ones are created by name and code; the applicants it touched are
matched again and offered what an open round takes; a withdrawn list's facts go and its open offers with them."""

from datetime import date

import pytest

from huiqi import clock
from huiqi.applicants import repository
from huiqi.applicants import service as applicants
from huiqi.errors import Conflict, InputError
from huiqi.models import Applicant, Matter, Offer
from huiqi.offers import service as offers
from huiqi.recognition import service as lists
from tests.dbtest import ALICE_USCC, BOB_USCC, MALLORY_USCC, a_round, uscc_for

NEW = uscc_for("210200", "MA0NEW01")
HEADER = ["uscc", "name", "level"]


def _rows(*lines: list[str]) -> list[list[str]]:
    return [HEADER, *lines]


def _import(session, people, rows, on=date(2025, 6, 30)):
    with clock.pinned(on):
        checked = lists.check(session, rows, code="single_champion", level="national", published_on=date(2025, 6, 1))
        return lists.import_list(session, actor=people.miit, rows=checked, code="single_champion", level="national",
                                 document="工信部企业函〔2025〕测试号", published_on=date(2025, 6, 1))


def test_bad_rows_are_named_by_line_and_nothing_is_written(session, people) -> None:
    before = session.query(Matter).count()
    with pytest.raises(InputError) as caught:
        lists.check(session, _rows([ALICE_USCC, "示例科技", ""], ["91210100MA0QC1B25X", "坏代码", ""],
                                   [ALICE_USCC, "重复", ""], [NEW, "", "mythical"]),
                    code="single_champion", level="national", published_on=date(2025, 6, 1))
    fields = [field for field, _ in caught.value.problems]
    assert fields == ["第 3 行·统一社会信用代码", "第 4 行·统一社会信用代码", "第 5 行·企业名称", "第 5 行·级别"]
    with pytest.raises(InputError, match="不认识的认定类别"):
        lists.check(session, _rows(), code="smart_manufacturing", level=None, published_on=date(2025, 6, 1))
    with pytest.raises(InputError) as no_such_day:
        lists.check(session, [["uscc", "name", "date"], [ALICE_USCC, "示例科技", "2025-02-30"]],
                    code="single_champion", level="national", published_on=date(2025, 6, 1))
    assert no_such_day.value.problems == [("第 2 行·认定日期", "2025-02-30 不是有效日期")]
    assert session.query(Matter).count() == before


def test_an_import_adds_published_facts_creates_applicants_and_makes_offers(session, people) -> None:
    a_round(session)
    done = _import(session, people, _rows([ALICE_USCC, "示例科技有限公司", ""], [NEW, "新认定企业有限公司", ""]))
    assert (done.matters, done.applicants_created) == (2, 1)
    new = session.query(Applicant).filter_by(uscc=NEW).one()
    assert repository.current_profile(session, new.id).name == "新认定企业有限公司"
    alice = session.query(Applicant).filter_by(uscc=ALICE_USCC).one()
    imported = session.query(Matter).filter_by(list_id=done.list.id, applicant_id=alice.id).one()
    assert imported.source == "imported" and imported.date == date(2025, 6, 1)
    made = session.query(Offer).filter_by(matter_id=imported.id).all()
    assert [(o.measure, o.ceiling, o.state) for o in made] == [(3, 1_000_000, "open")]
    # The list's own row only: the offers alice's other matters received in the same pass are not the list's.
    assert done.offers == 1 < session.query(Offer).filter_by(uscc=ALICE_USCC).count()
    assert not session.query(Offer).filter_by(uscc=NEW).all()  # its industry is not known: undetermined, no offer
    assert done.tally is not None and done.tally.kinds == {"unregistered": 1}
    assert done.said.endswith("；名单各行产生政策直达 1 项；1 行未产生政策直达（单位尚未在平台注册、信息不全 1 行），"
                              "逐行原因见认定名单页"), done.said
    from huiqi.messages import service as messages

    told = [m for m in messages.inbox(session, actor=people.alice) if m.kind == "offer.new"]
    assert told and all(f"事项 {imported.key} " not in m.body for m in told)  # the matter by name, not its key
    assert any("事项「制造业单项冠军企业（新认定，国家级，2025-06-01）」" in m.body for m in told)
    with pytest.raises(Conflict, match="来自公布的认定名单"):
        applicants.save_matter(session, actor=people.alice, uscc=ALICE_USCC, matter={
            "id": imported.key, "type": "honour", "codes": ["single_champion"], "level": "provincial",
            "date": "2025-06-01"})


def test_an_offer_accepted_is_a_draft_and_a_withdrawn_list_takes_its_offers(session, people) -> None:
    a_round(session)
    done = _import(session, people, _rows([ALICE_USCC, "示例科技有限公司", ""]))
    offer = next(o for o in offers.mine(session, actor=people.alice)
                 if session.get(Matter, o.matter_id).list_id == done.list.id)
    with clock.pinned(date(2025, 7, 1)):
        draft = offers.accept(session, actor=people.alice, offer_id=offer.id)
    assert (draft.state, draft.amount_requested, offer.state) == ("draft", 1_000_000, "accepted")
    with pytest.raises(Conflict, match="已接受"):
        offers.accept(session, actor=people.alice, offer_id=offer.id)
    lists.withdraw(session, actor=people.miit, list_id=done.list.id, reason="名单更正")
    assert session.get(Matter, offer.matter_id).source == "withdrawn"
    assert all(o.state != "open" for o in session.query(Offer).filter_by(matter_id=offer.matter_id))


def test_a_round_opened_after_the_import_brings_its_offers(session, people) -> None:
    from huiqi.catalogue import service as catalogue
    from huiqi.rounds import opening

    done = _import(session, people, _rows([ALICE_USCC, "示例科技有限公司", ""]))
    assert done.offers == 0  # no round open yet
    with clock.pinned(date(2025, 7, 1)):
        opening.open_round(session, actor=people.admin, policy_id=catalogue.published(session)[0].id,
                           title="导入后开设的批次", opens_on=date(2025, 7, 1), closes_on=date(2025, 12, 31),
                           measures=[opening.MeasureIn(3)])
    imported = session.query(Matter).filter_by(list_id=done.list.id).one()
    assert [o.measure for o in session.query(Offer).filter_by(matter_id=imported.id)] == [3]


def test_a_long_list_is_matched_in_the_background_with_its_progress(session, people, monkeypatch) -> None:
    from contextlib import nullcontext

    a_round(session)
    monkeypatch.setattr(lists, "BATCH", 1)
    rows = _rows([ALICE_USCC, "示例科技有限公司", ""], [NEW, "新认定企业有限公司", ""])
    with clock.pinned(date(2025, 6, 30)):
        checked = lists.check(session, rows, code="single_champion", level="national", published_on=date(2025, 6, 1))
        done = lists.import_list(session, actor=people.miit, rows=checked, code="single_champion", level="national",
                                 document="工信部企业函〔2025〕测试号", published_on=date(2025, 6, 1), inline=False)
        assert (done.list.matching, done.list.matched, done.offers) == ("queued", 0, 0)
        lists.match_list(lambda: nullcontext(session), done.list.id)
    assert (done.list.matching, done.list.matched) == ("done", 2) and done.list.offers >= 1


def test_a_matching_cut_off_by_a_restart_is_failed_and_run_again_only_while_failed_and_in_force(session,
                                                                                                 people) -> None:
    """Lists queued or running when the server stops are marked failed as it starts again (a finished one is left);
    a matching is run again only when failed, on a list in force: one going on is said to be so, with its
    progress, one withdrawn is said to be withdrawn, and who did it."""
    from huiqi.models import AuditEvent

    a_round(session)
    with clock.pinned(date(2025, 6, 30)):
        checked = lists.check(session, _rows([ALICE_USCC, "示例科技有限公司", ""], [NEW, "新认定企业有限公司", ""]),
                              code="single_champion", level="national", published_on=date(2025, 6, 1))
        done = lists.import_list(session, actor=people.miit, rows=checked, code="single_champion", level="national",
                                 document="工信部企业函〔2025〕测试号", published_on=date(2025, 6, 1), inline=False)
    listed = done.list
    listed.matching, listed.matched = "running", 1
    session.flush()
    with pytest.raises(Conflict, match=f"认定名单 {listed.id} 正在匹配（已匹配 1/2 行），无需重新匹配"):
        lists.match_again(session, actor=people.admin, list_id=listed.id)
    assert lists.interrupted(session) == 1 and lists.interrupted(session) == 0
    session.refresh(listed)
    assert listed.matching == "failed"
    assert lists.match_again(session, actor=people.admin, list_id=listed.id).matching == "queued"
    [event] = session.query(AuditEvent).filter_by(action="list.match_again").all()
    assert (event.actor, event.after) == ("admin", {"matched": 1, "rows": 2})
    listed.matching = "failed"
    lists.withdraw(session, actor=people.miit, list_id=listed.id, reason="名单更正")
    with pytest.raises(Conflict, match=f"认定名单 {listed.id} 已由.+撤回，不再匹配"):
        lists.match_again(session, actor=people.admin, list_id=listed.id)


def test_a_csv_the_reader_cannot_take_is_named(tmp_path) -> None:
    from huiqi.errors import InputError as Refused

    path = tmp_path / "名单.csv"
    path.write_text("uscc,name\n" + "x" * 200_000 + ",甲\n", encoding="utf-8")
    with pytest.raises(Refused, match="读不了这个文件"):
        lists.read_file(path)


@pytest.mark.parametrize("first", ["offer", "withdraw"])
def test_offers_made_as_the_list_is_withdrawn_do_not_outlive_it(own_database, first) -> None:
    """A round opened (its offers made from the lists) while the list behind them is withdrawn: whichever comes
    first, no offer stays open on a withdrawn matter. (On PostgreSQL the offer used to be made from the matter as it
    was read, unseen by the withdrawal's search for open offers.)"""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from huiqi.rounds import opening
    from tests.dbtest import make_people, make_records, while_held

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        done = _import(session, people, _rows([ALICE_USCC, "示例科技有限公司", ""]))
    policy = "ln-2022-35"

    def open_round(session) -> None:
        opening.open_round(session, actor=people.admin, policy_id=policy, title="2025年度申报（直达）",
                           opens_on=date(2025, 7, 1), closes_on=date(2025, 12, 31), measures=[opening.MeasureIn(3)])

    steps = {"offer": open_round,
             "withdraw": lambda session: lists.withdraw(session, actor=people.miit, list_id=done.list.id,
                                                        reason="名单更正")}
    said = while_held(own_database, date(2025, 7, 1), steps[first], steps["withdraw" if first == "offer" else "offer"])
    assert said == 201, said
    with Session(own_database) as session:
        listed = list(session.scalars(select(Matter.id).where(Matter.list_id == done.list.id)))
        kept = session.scalars(select(Offer).where(Offer.matter_id.in_(listed))).all()
        assert all(o.state != "open" for o in kept), [(o.id, o.state) for o in kept]


def test_a_level_is_taken_as_the_page_names_it_or_by_its_code(session) -> None:
    third, fourth = uscc_for("210300", "MA0NEW03"), uscc_for("210400", "MA0NEW04")
    rows = [["统一社会信用代码", "企业名称", "级别"], [ALICE_USCC, "甲", "国家级"], [NEW, "乙", "省级"],
            [third, "丙", "国际级"], [fourth, "丁", "National"]]
    checked = lists.check(session, rows, code="single_champion", level=None, published_on=date(2025, 6, 1))
    assert [r.level for r in checked] == ["national", "provincial", "international", "national"]
    with pytest.raises(InputError) as caught:
        lists.check(session, [*rows, [uscc_for("210500", "MA0NEW05"), "戊", "市级"]], code="single_champion",
                    level=None, published_on=date(2025, 6, 1))
    assert caught.value.problems == [("第 6 行·级别", "“市级”不是可识别的级别：应为 国际、国家级、行业、省级 之一"
                                                    "（“级”字可有可无，也可写作 international、national、industry、"
                                                    "provincial）")]


def test_a_level_may_be_written_short_in_any_case_with_spaces_around(session) -> None:
    """国家 and 省 (as lists often write them) are 国家级 and 省级; 行业级 is 行业; a code in capitals is read;
    the spaces around any of them are dropped; anything else is still refused by its line."""
    more = [uscc_for("210600", f"MA0NEW0{i}") for i in range(6, 10)]
    rows = [["统一社会信用代码", "企业名称", "级别"], [ALICE_USCC, "甲", "国家"], [NEW, "乙", " 省 "],
            [more[0], "丙", "行业级"], [more[1], "丁", "PROVINCIAL\u3000"], [more[2], "戊", "\t国家级"]]
    checked = lists.check(session, rows, code="single_champion", level=None, published_on=date(2025, 6, 1))
    assert [r.level for r in checked] == ["national", "provincial", "industry", "provincial", "national"]
    with pytest.raises(InputError) as caught:
        lists.check(session, [*rows, [more[3], "己", "国"]], code="single_champion", level=None,
                    published_on=date(2025, 6, 1))
    assert [(field, why[:12]) for field, why in caught.value.problems] == [("第 7 行·级别", "“国”不是可识别的级别：")]


def test_a_csv_saved_by_chinese_excel_is_read_and_one_in_no_known_encoding_is_named(tmp_path) -> None:
    path = tmp_path / "名单.csv"
    path.write_bytes(f"统一社会信用代码,企业名称,级别\n{ALICE_USCC},示例科技有限公司,国家级\n".encode("gbk"))
    assert lists.read_file(path) == [["统一社会信用代码", "企业名称", "级别"],
                                     [ALICE_USCC, "示例科技有限公司", "国家级"]]
    path.write_bytes("\ufeffuscc,name\n".encode())
    assert lists.read_file(path) == [["uscc", "name"]]
    path.write_bytes(b"uscc,name\n\xff\xfe\x80\n")
    with pytest.raises(InputError) as caught:
        lists.read_file(path)
    said = "文件的编码无法识别：请存为 UTF-8 编码的 CSV（Excel 中选“CSV UTF-8”）"
    assert caught.value.problems == [("名单文件", said)] and caught.value.problems[0].field == "file"


def test_a_list_published_after_today_is_refused(session) -> None:
    with clock.pinned(date(2025, 6, 30)), pytest.raises(InputError) as caught:
        lists.check(session, _rows([ALICE_USCC, "示例科技有限公司", ""]), code="single_champion", level="national",
                    published_on=date(2025, 7, 1))
    assert caught.value.problems == [("发布日期", "不能晚于今天（2025-06-30）：请填写名单实际发布的日期")]


def test_a_list_in_force_is_not_imported_twice_until_it_is_withdrawn(session, people) -> None:
    first = _import(session, people, _rows([ALICE_USCC, "示例科技有限公司", ""]))
    with pytest.raises(Conflict, match=f"已导入为认定名单 {first.list.id}（发布日期 2025-06-01），仍然有效"):
        _import(session, people, _rows([NEW, "新认定企业有限公司", ""]))
    lists.withdraw(session, actor=people.miit, list_id=first.list.id, reason="名单更正")
    again = _import(session, people, _rows([ALICE_USCC, "示例科技有限公司", ""]))
    assert again.list.id != first.list.id and again.list.state == "active"


def test_the_same_list_imported_twice_at_once_is_imported_once(own_database) -> None:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from huiqi.models import RecognitionList
    from tests.dbtest import make_people, make_records, while_held

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)

    def imported(session) -> None:
        _import(session, people, _rows([ALICE_USCC, "示例科技有限公司", ""]))

    said = while_held(own_database, date(2025, 6, 30), imported, imported)
    assert "仍然有效" in str(said), said
    with Session(own_database) as session:
        assert session.scalar(select(func.count()).select_from(RecognitionList)) == 1


def test_a_round_opened_beside_a_reviewer_s_step_does_not_deadlock(own_database) -> None:
    """A reviewer's step locks the matter, then writes the trail; opening a round makes offers from the lists. Its
    offers lock their matters before it writes the trail, in the same order, so it waits instead of deadlocking.
    (On PostgreSQL the round used to write the trail first and then wait for the matter: DeadlockDetected, a 500.)"""
    import threading
    import time

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from huiqi.audit import service as audit
    from huiqi.rounds import opening
    from tests.dbtest import make_people, make_records

    with Session(own_database, expire_on_commit=False) as session, session.begin():
        people = make_people(session)
        make_records(session, people)
        done = _import(session, people, _rows([ALICE_USCC, "示例科技有限公司", ""]))
        matter = session.scalar(select(Matter.id).where(Matter.list_id == done.list.id))
    said, locked = {}, threading.Event()

    def reviewer() -> None:
        try:
            with Session(own_database) as session, session.begin(), clock.pinned(date(2025, 7, 1)):
                repository.lock_matter(session, matter)
                locked.set()
                time.sleep(1.0)  # the round has begun meanwhile
                audit.record(session, actor="miit", action="matter.verify", entity="matter", entity_id=matter, after={})
            said["reviewer"] = "done"
        except Exception as failed:  # the outcome is for the assertion to show
            said["reviewer"] = repr(failed)[:200]

    def opener() -> None:
        locked.wait()
        try:
            with Session(own_database) as session, session.begin(), clock.pinned(date(2025, 7, 1)):
                opening.open_round(session, actor=people.admin, policy_id="ln-2022-35", title="2025年度申报",
                                   opens_on=date(2025, 7, 1), closes_on=date(2025, 12, 31),
                                   measures=[opening.MeasureIn(3)])
            said["opener"] = "done"
        except Exception as failed:
            said["opener"] = repr(failed)[:200]

    threads = [threading.Thread(target=reviewer), threading.Thread(target=opener)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert said == {"reviewer": "done", "opener": "done"}, said


def test_a_row_dated_after_the_list_and_a_row_of_another_kind_are_named_in_chinese(session, people) -> None:
    """A 认定日期 of 2099-01-01 used to be imported; another kind was named by its code (little_giant)."""
    with clock.pinned(date(2025, 6, 30)), pytest.raises(InputError) as caught:
        lists.check(session, [["uscc", "name", "date", "code"], [ALICE_USCC, "示例科技", "2099-01-01", ""],
                              [NEW, "新企业", "2025-05-01", "little_giant"]],
                    code="single_champion", level="national", published_on=date(2025, 6, 1))
    (late, kind) = caught.value.problems
    assert late == ("第 2 行·认定日期", "2099-01-01 晚于名单的发布日期 2025-06-01")
    assert kind[0] == "第 3 行·类别" and "little_giant" not in kind[1] and "专精特新" in kind[1], kind
    with pytest.raises(InputError) as unchosen:
        lists.check(session, _rows(), code="", level=None, published_on=date(2025, 6, 1))
    assert unchosen.value.problems == [("认定类别", "请选择认定类别")]


def test_a_row_s_category_may_be_its_chinese_label_and_one_not_known_says_what_is_allowed(session, people) -> None:
    """The 类别 column took only the code (little_giant): the label the page and the template show is read too, with
    its quotation marks typed either way, or without its closing note (专精特新"小巨人"企业); a value that is neither
    says the two allowed."""
    rows = [["统一社会信用代码", "企业名称", "类别"], [ALICE_USCC, "示例科技", "专精特新“小巨人”企业（新认定）"],
            [NEW, "新企业", '专精特新"小巨人"企业'], [BOB_USCC, "大连数据", " little_giant "]]
    with clock.pinned(date(2025, 6, 30)):
        found = lists.check(session, rows, code="little_giant", level="national", published_on=date(2025, 6, 1))
        assert [r.code for r in found] == ["little_giant"] * 3
        with pytest.raises(InputError) as caught:
            lists.check(session, [*rows, [MALLORY_USCC, "局外", "小巨人"]], code="little_giant", level="national",
                        published_on=date(2025, 6, 1))
    assert caught.value.problems == [("第 5 行·类别", "“小巨人”不是认识的认定类别：本列应填写"
                                                    "“专精特新“小巨人”企业（新认定）”或“little_giant”，也可不填")]
