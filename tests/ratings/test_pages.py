"""The 差评整改 page: who answered and who concluded a re-check, by name and unit, never by login name."""

from datetime import date

import pytest

from huiqi import clock
from huiqi.errors import InputError
from huiqi.ratings import service as ratings
from tests.dbtest import apply, step
from tests.webtest import marked

pytestmark = pytest.mark.anyio


async def test_answer_and_recheck_name_people_not_logins(browser, session, people, tmp_path) -> None:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    step(session, "reject", people.miit, app, on=date(2025, 9, 4), reasons="不符合条件")
    with clock.pinned(date(2025, 9, 26)):
        found = ratings.rate(session, actor=people.alice, application_id=app.id, level=1, comment="理由不清楚")
    ratings.answer(session, actor=people.miit, rating_id=found.id, text="已电话说明不符合的条件")
    ratings.ask_recheck(session, actor=people.alice, rating_id=found.id, reason="仍未说明具体条款")
    ratings.conclude(session, actor=people.admin, rating_id=found.id, result="维持答复")
    page = (await browser(people.admin).get("/ratings/rectifications")).text
    concluded = page.split("复核结论：维持答复")[1].split("</p>")[0]
    assert people.admin.display_name in concluded and f"（{people.admin.username}）" not in concluded
    assert "措施3 培育中小企业" in page


async def test_a_refused_rating_keeps_the_level_and_the_comment_typed(browser, session, people, tmp_path,
                                                                     monkeypatch) -> None:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "reject", people.shenyang, app, on=date(2025, 9, 3), reasons="不符合条件")
    alice = browser(people.alice)
    for level in ("", "0"):
        refused = await alice.post(f"/applications/{app.id}/rating",
                                   data={"level": level, "comment": "办理很慢，\n理由不清"})
        assert refused.status_code == 422 and 'href="#f-评价"' in refused.text and 'id="f-评价"' in refused.text
        assert 'maxlength="500">办理很慢，\n理由不清</textarea>' in refused.text, "the comment typed stays"
    assert ratings.for_application(session, app.id) is None, "nothing was rated"

    def refuse(session, **given):  # any refusal the service may give a rating with a level chosen
        raise InputError([("意见", "请换一种说法")])

    monkeypatch.setattr(ratings, "rate", refuse)
    kept = await alice.post(f"/applications/{app.id}/rating", data={"level": "2", "comment": "太慢了"})
    assert kept.status_code == 422 and "意见：请换一种说法" in kept.text
    assert 'value="2" checked required> 不满意' in kept.text and kept.text.count(" checked required>") == 1
    assert 'maxlength="500" aria-invalid="true" aria-describedby="e-意见">太慢了</textarea>' in kept.text


async def test_the_rates_workbook_holds_the_share_as_a_percent_number(browser, session, people, tmp_path) -> None:
    """好评率 is a number a spreadsheet can sort and average (a percent format shows it), not the text "100%"."""
    import io

    import openpyxl

    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "reject", people.shenyang, app, on=date(2025, 9, 3), reasons="不符合条件")
    with clock.pinned(date(2025, 9, 26)):
        ratings.rate(session, actor=people.alice, application_id=app.id, level=4)
    sheet = openpyxl.load_workbook(io.BytesIO((await browser(None).get("/ratings.xlsx")).content)).active
    header = [c.value for c in sheet[2]]
    share = sheet.cell(row=3, column=header.index("好评率") + 1)
    assert (share.value, share.data_type, share.number_format) == (1, "n", "0.0%")
    assert sheet.cell(row=3, column=header.index("合计") + 1).data_type == "n"


async def test_a_full_comment_with_line_breaks_is_taken_and_a_longer_one_is_said_beside_the_box(
        browser, session, people, tmp_path) -> None:
    """The box counts a line break as one character and stops at 500; the browser sends it as CR LF. The server
    counts it as the box did; a comment longer still is refused beside the box, with the text kept."""
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "reject", people.shenyang, app, on=date(2025, 9, 3), reasons="不符合条件")
    alice = browser(people.alice)
    longer = "慢" * 300 + "\r\n" + "乱" * 200  # 501 as the box counts
    with clock.pinned(date(2025, 9, 26)):
        refused = await alice.post(f"/applications/{app.id}/rating", data={"level": "2", "comment": longer})
        assert refused.status_code == 422 and "意见：不超过 500 个字（现为 501 个字）" in refused.text
        assert "慢" * 300 + "\n" + "乱" * 199 + "</textarea>" in refused.text, "the comment typed stays, cut to 500"
        full = "慢" * 299 + "\r\n" + "乱" * 200  # 500 as the box counts, 501 as sent
        taken = await alice.post(f"/applications/{app.id}/rating", data={"level": "2", "comment": full})
    assert taken.status_code == 303, taken.text[:300]
    assert ratings.for_application(session, app.id).comment == "慢" * 299 + "\n" + "乱" * 200


@pytest.mark.parametrize(("typed", "said", "shown"), [
    ("太\x00慢了", "不能含有空字符（NUL）", "太慢了"),
    ("慢" * 5001, "不超过 500 个字（现为 5001 个字），请删减后再提交", "慢" * 500),
])
async def test_a_forged_comment_or_reason_is_said_beside_its_box(browser, session, people, tmp_path, typed, said,
                                                                 shown) -> None:
    """A NUL, or a length past the form's old bound of its own (5,000), used to end on a bare 「输入有误」 page, the
    text lost: said beside the box on the application's page, kept."""
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "reject", people.shenyang, app, on=date(2025, 9, 3), reasons="不符合条件")
    alice = browser(people.alice)
    with clock.pinned(date(2025, 9, 26)):
        refused = await alice.post(f"/applications/{app.id}/rating", data={"level": "2", "comment": typed})
        assert refused.status_code == 422 and "<h1>申报 #" in refused.text
        assert marked(refused.text) == [("f-意见", said)] and f">{shown}</textarea>" in refused.text
        found = ratings.rate(session, actor=people.alice, application_id=app.id, level=1, comment="理由不清楚")
    ratings.answer(session, actor=people.shenyang, rating_id=found.id, text="已电话说明不符合的条件")
    again = await alice.post(f"/ratings/{found.id}/recheck", data={"reason": typed})
    assert again.status_code == 422 and marked(again.text) == [("f-复核理由", said)]
    assert f'value="{shown}"' in again.text and found.recheck_reason is None


@pytest.mark.parametrize(("level", "said"), [("2\x00", "不能含有空字符（NUL）"), ("2" * 500, "请选择一个评价等级"),
                                            ("-1", "请选择一个评价等级"), ("１", "请选择一个评价等级")])
async def test_a_forged_level_is_said_beside_the_choice(browser, session, people, tmp_path, level, said) -> None:
    """A level forged with a NUL, or past the old bound of 20, used to end on the bare error page, the comment lost."""
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "reject", people.shenyang, app, on=date(2025, 9, 3), reasons="不符合条件")
    with clock.pinned(date(2025, 9, 26)):
        refused = await browser(people.alice).post(f"/applications/{app.id}/rating",
                                                   data={"level": level, "comment": "太慢了"})
    assert refused.status_code == 422 and "<h1>申报 #" in refused.text and "\x00" not in refused.text
    assert f'<a href="#f-评价">评价：{said}</a>' in refused.text and f'id="e-评价">{said}</span>' in refused.text
    assert ">太慢了</textarea>" in refused.text, "the comment kept"
    assert ratings.for_application(session, app.id) is None


async def test_the_later_of_two_tabs_is_told_someone_just_did_it(browser, session, people, tmp_path) -> None:
    """Rating, answering, asking a re-check and concluding it, each sent again from a second tab: a refusal (409)
    saying it was just done, and by whom, headed 未能完成 (nothing typed is there to correct)."""
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "pass_city", people.shenyang, app, on=date(2025, 9, 3))
    step(session, "reject", people.miit, app, on=date(2025, 9, 4), reasons="不符合条件")
    alice, unit, admin = browser(people.alice), browser(people.miit), browser(people.admin)
    refused = '<h2 id="error-summary-title">未能完成</h2>'
    with clock.pinned(date(2025, 9, 26)):
        rating = {"level": "1", "comment": "理由不清楚"}
        assert (await alice.post(f"/applications/{app.id}/rating", data=rating)).status_code == 303
        again = await alice.post(f"/applications/{app.id}/rating", data=rating)
    assert again.status_code == 409 and "已经评价过（可能刚在其他页面评价，请刷新后查看）" in again.text
    assert refused in again.text and "请修改以下内容" not in again.text
    found = ratings.for_application(session, app.id)
    answer = {"text": "已电话说明不符合的条件"}
    assert (await unit.post(f"/ratings/{found.id}/answer", data=answer)).status_code == 303
    again = await unit.post(f"/ratings/{found.id}/answer", data={"text": "另一位同事的答复"})
    assert again.status_code == 409 and refused in again.text and "没有待答复的整改" not in again.text
    assert "这条差评的整改刚刚已由省工信厅审核员（省工业和信息化厅）答复，无需再答复" in again.text
    recheck = {"reason": "仍未说明具体条款"}
    assert (await alice.post(f"/ratings/{found.id}/recheck", data=recheck)).status_code == 303
    again = await alice.post(f"/ratings/{found.id}/recheck", data=recheck)
    assert again.status_code == 409 and refused in again.text and "已经申请过复核（可能刚在其他页面申请" in again.text
    assert (await admin.post(f"/ratings/{found.id}/conclude", data={"result": "维持答复"})).status_code == 303
    again = await admin.post(f"/ratings/{found.id}/conclude", data={"result": "撤销答复"})
    assert again.status_code == 409 and refused in again.text and "没有待复核的申请" not in again.text
    assert f"这条评价的复核结论刚刚已由{people.admin.display_name}作出，无需再作" in again.text
    session.refresh(found)
    assert (found.answer, found.recheck_reason, found.recheck_result) == ("已电话说明不符合的条件", "仍未说明具体条款",
                                                                          "维持答复")


@pytest.mark.parametrize(("field", "url", "who"), [("text", "answer", "shenyang"), ("result", "conclude", "admin")])
async def test_a_forged_long_answer_is_said_beside_its_box(browser, session, people, tmp_path, field, url,
                                                          who) -> None:
    """An answer or a conclusion of 1,001 characters met the form's own bound (1000): a bare 「输入有误」 page, what was
    typed lost; a NUL met the door's. Each is said beside its box on the page shown again, the text kept to 1000."""
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "reject", people.shenyang, app, on=date(2025, 9, 3), reasons="不符合条件")
    with clock.pinned(date(2025, 9, 26)):
        found = ratings.rate(session, actor=people.alice, application_id=app.id, level=1, comment="理由不清楚")
    if url == "conclude":  # the city rejected: the city answers
        ratings.answer(session, actor=people.shenyang, rating_id=found.id, text="已电话说明不符合的条件")
        ratings.ask_recheck(session, actor=people.alice, rating_id=found.id, reason="仍未说明具体条款")
    reviewer = browser(getattr(people, who))
    long = await reviewer.post(f"/ratings/{found.id}/{url}", data={field: "已整改" + "长" * 998})
    assert long.status_code == 422 and "<h1>" in long.text and "不超过 1000 个字（现为 1001 个字）" in long.text
    assert f'aria-describedby="e-{field}" name="{field}"' in long.text
    assert f'maxlength="1000" required>已整改{"长" * 997}</textarea>' in long.text, "kept, cut to its bound"
    nul = await reviewer.post(f"/ratings/{found.id}/{url}", data={field: "已\x00整改"})
    assert nul.status_code == 422 and "不能含有空字符（NUL）" in nul.text and 'required>已整改</textarea>' in nul.text
    assert (found.answer if url == "answer" else found.recheck_result) is None
