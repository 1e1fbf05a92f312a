"""Correcting a round and adding a measure to it over the API, through the same service as the page: its texts
corrected (only those given; a fingerprint sent back refuses a stale one with 409), a measure added (a department:
to its own round, a measure it leads), bad input refused in Chinese naming the field, and nothing written on any
refusal."""

from datetime import date

import pytest
from sqlalchemy import func, select

from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.departments.service import lead_unit
from huiqi.models import AuditEvent, Round
from huiqi.rounds import service as rounds

pytestmark = pytest.mark.anyio
OPEN = {"policy": "ln-2022-35", "title": "2025年度申报", "opens_on": "2025-10-01", "closes_on": "2025-12-31",
        "guide": "先网上申报，后审核。", "contact": "024-12345678", "measures": [{"measure": 3, "budget": 5_000_000}]}


async def _opened(browser, session, set_today, who, **changed) -> tuple:
    """``who``'s browser and the round it opened over the API on 2025-11-03 (OPEN, with ``changed``), as read."""
    set_today(date(2025, 11, 3))
    client = browser(who)
    made = await client.send("POST", "/api/v1/rounds", json=OPEN | changed)
    assert made.status_code == 201, made.text
    return client, made.json()


def _written(session, round_id: int) -> tuple:
    """What a refusal must leave as it was: the round's texts, its measures and the audit trail's length."""
    session.expire_all()
    found = session.get(Round, round_id)
    return ((found.title, found.guide, found.contact), [m.measure for m in rounds.measures(session, round_id)],
            session.scalar(select(func.count()).select_from(AuditEvent)))


async def test_the_texts_are_corrected_and_a_stale_fingerprint_is_refused(browser, session, people,
                                                                         set_today) -> None:
    admin, found = await _opened(browser, session, set_today, people.admin)
    shown = (await browser(None).get(f"/api/v1/rounds/{found['id']}")).json()
    assert shown["fingerprint"] == found["fingerprint"] == rounds.fingerprint(session.get(Round, found["id"]))
    done = await admin.send("PATCH", f"/api/v1/rounds/{found['id']}",
                            json={"title": "2025年度集中申报", "seen": found["fingerprint"]})
    assert done.status_code == 200, done.text
    read = done.json()
    assert (read["title"], read["guide"], read["contact"]) == ("2025年度集中申报", OPEN["guide"], OPEN["contact"])
    assert read["fingerprint"] != found["fingerprint"]
    before = _written(session, found["id"])
    stale = await admin.send("PATCH", f"/api/v1/rounds/{found['id']}",
                             json={"contact": "024-87654321", "seen": found["fingerprint"]})
    assert stale.status_code == 409 and "刚被他人修改" in stale.json()["detail"]
    assert _written(session, found["id"]) == before, "the stale correction wrote nothing"
    again = await admin.send("PATCH", f"/api/v1/rounds/{found['id']}",
                             json={"contact": "024-87654321", "seen": read["fingerprint"]})
    assert again.status_code == 200 and again.json()["contact"] == "024-87654321"
    unchecked = await admin.send("PATCH", f"/api/v1/rounds/{found['id']}", json={"guide": "先网上申报。\n再审核。"})
    assert unchecked.status_code == 200 and unchecked.json()["guide"] == "先网上申报。\n再审核。"
    said = [(e.before, e.after) for e in audit.history(session, entity="round", entity_id=str(found["id"]))
            if e.action == "round.correct"]
    assert said == [({"title": "2025年度申报"}, {"title": "2025年度集中申报"}),
                    ({"contact": "024-12345678"}, {"contact": "024-87654321"}),
                    ({"guide": "先网上申报，后审核。"}, {"guide": "先网上申报。\n再审核。"})]


@pytest.mark.parametrize(("body", "field", "reason"), [
    ({"title": "批" * 101}, "title", "不能超过 100 个字"),
    ({"title": ""}, "title", "不能为空"),
    ({"title": "  "}, "title", "不能为空"),  # blank once trimmed
    ({"contact": "电" * 201}, "contact", "不能超过 200 个字"),
    ({"guide": "先申报\x00"}, "guide", "不能含有空字符（NUL）"),
    ({"seen": ""}, "seen", "不能为空"),
    ({"title": 2025}, "title", "应为文本"),
    ({"name": "2025年度申报"}, "name", "不认识的字段（请检查拼写）"),
])
async def test_a_bad_correction_names_its_field_in_chinese_and_writes_nothing(browser, session, people, set_today,
                                                                              body, field, reason) -> None:
    admin, found = await _opened(browser, session, set_today, people.admin)
    before = _written(session, found["id"])
    refused = await admin.send("PATCH", f"/api/v1/rounds/{found['id']}", json=body)
    assert refused.status_code == 422 and refused.json()["problems"] == [{"field": field, "reason": reason}]
    assert f"{field}：{reason}" in refused.json()["detail"]
    assert _written(session, found["id"]) == before


async def test_a_measure_is_added_with_its_terms_and_the_overlap_said(browser, session, people, set_today) -> None:
    admin, found = await _opened(browser, session, set_today, people.admin)
    other = OPEN | {"title": "2025年度补报", "measures": [{"measure": 1}]}
    assert (await admin.send("POST", "/api/v1/rounds", json=other)).status_code == 201
    added = await admin.send("POST", f"/api/v1/rounds/{found['id']}/measures", json={
        "measure": 1, "budget": 2_000_000, "expert_score": True,
        "materials": [{"name": "申报书", "formats": ["pdf"]}, {"name": "审计报告", "required": False}]})
    assert added.status_code == 201, added.text
    read = added.json()
    assert [(m["measure"], m["budget"], m["expert_score"]) for m in read["measures"]] == [
        (1, 2_000_000, True), (3, 5_000_000, False)]
    assert [(x["name"], x["required"], x["formats"]) for x in read["measures"][0]["materials"]] == [
        ("申报书", True, ["pdf"]), ("审计报告", False, ["pdf", "ofd", "jpg", "png"])]
    assert [w.split("，时间重叠")[0] for w in read["warnings"]] == [
        "措施1也在批次「2025年度补报」（2025-10-01 至 2025-12-31）中受理"]
    said = [(e.before, e.after) for e in audit.history(session, entity="round", entity_id=str(found["id"]))
            if e.action == "round.add_measure"]
    assert said == [({"measures": [3]}, {"measure": 1, "budget": 2_000_000, "mode": "apply",
                                         "materials": ["申报书", "审计报告"], "measures": [1, 3]})]


async def test_a_measure_added_is_told_only_of_its_own_overlaps(browser, session, people, set_today) -> None:
    """The round already overlaps another on measure 3: adding measure 1 says the overlap of measure 1 alone, and
    adding a measure no other round takes says none."""
    admin, found = await _opened(browser, session, set_today, people.admin)
    beside = await admin.send("POST", "/api/v1/rounds", json=OPEN | {"title": "2025年度补报", "measures": [
        {"measure": 3}, {"measure": 1}]})
    assert beside.status_code == 201 and len(beside.json()["warnings"]) == 1
    added = await admin.send("POST", f"/api/v1/rounds/{found['id']}/measures", json={"measure": 1})
    assert added.status_code == 201, added.text
    assert [w.split("，时间重叠")[0] for w in added.json()["warnings"]] == [
        "措施1也在批次「2025年度补报」（2025-10-01 至 2025-12-31）中受理"]
    alone = await admin.send("POST", f"/api/v1/rounds/{found['id']}/measures", json={"measure": 2})
    assert alone.status_code == 201 and alone.json()["warnings"] == [], alone.json()["warnings"]


async def test_an_enterprise_is_refused_before_its_body_is_checked(browser, session, people, set_today) -> None:
    """An enterprise may not open or change rounds: a body it got wrong is a 403, not a 422 listing the fields."""
    _, found = await _opened(browser, session, set_today, people.admin)
    before = _written(session, found["id"])
    alice = browser(people.alice)
    for method, url, body, doing in [
            ("POST", "/api/v1/rounds", {"title": ""}, "开设"),
            ("POST", f"/api/v1/rounds/{found['id']}/extend", {"closes_on": "明天"}, "延长"),
            ("PATCH", f"/api/v1/rounds/{found['id']}", {"title": 2025, "name": "x"}, "修改"),
            ("POST", f"/api/v1/rounds/{found['id']}/measures", {"measure": 0}, "修改")]:
        refused = await alice.send(method, url, json=body)
        assert refused.status_code == 403, (url, refused.text)
        said = refused.json()
        assert said["detail"].startswith(f"企业用户无权{doing}申报批次（由") and said["problems"] == [], said
    assert _written(session, found["id"]) == before


async def test_texts_are_counted_and_kept_trimmed_with_lf_line_breaks(browser, session, people, set_today) -> None:
    """As the page keeps them: a full title with a space after it fits, and a guide's CR LF is kept as LF."""
    admin, found = await _opened(browser, session, set_today, people.admin, title="批" * 100 + " ",
                                 guide="先申报\r\n再审核\r补正")
    assert (found["title"], found["guide"]) == ("批" * 100, "先申报\n再审核\n补正")
    done = await admin.send("PATCH", f"/api/v1/rounds/{found['id']}",
                            json={"title": " " + "名" * 100, "guide": "一\r\n二 ", "contact": " 024-1 "})
    assert done.status_code == 200, done.text
    assert _written(session, found["id"])[0] == ("名" * 100, "一\n二", "024-1")


@pytest.mark.parametrize(("body", "status", "field", "reason"), [
    ({"measure": 0}, 422, "measure", "应不小于 1"),
    ({"measure": 1, "budget": -1}, 422, "budget", "应不小于 0"),
    ({"measure": 1, "mode": "free"}, 422, "mode", "取值应为 apply、direct 之一，收到 'free'"),
    ({"measure": 1, "materials": [{"name": "申报书", "formats": ["p" * 11]}]}, 422, "materials[0].formats[0]",
     "不能超过 10 个字"),
    ({"measure": 1, "materials": [{"name": "申报书", "formats": ["docx"]}]}, 422, "措施1·材料1·格式",
     "只接受 PDF、OFD、JPG、PNG（不认识 docx）"),
    ({"measure": 3}, 422, "措施", "措施3 已在本批次中"),
    ({"measure": 19}, 422, "措施", "辽政办〔2022〕35号 没有第 19 条资金类措施"),
    ({}, 422, "measure", "缺少此项"),
])
async def test_a_bad_measure_names_its_field_in_chinese_and_writes_nothing(browser, session, people, set_today,
                                                                           body, status, field, reason) -> None:
    admin, found = await _opened(browser, session, set_today, people.admin)
    before = _written(session, found["id"])
    refused = await admin.send("POST", f"/api/v1/rounds/{found['id']}/measures", json=body)
    assert refused.status_code == status and refused.json()["problems"] == [{"field": field, "reason": reason}]
    assert _written(session, found["id"]) == before


async def test_a_department_changes_only_its_own_round_and_adds_only_measures_it_leads(browser, session, people,
                                                                                       set_today) -> None:
    miit, own = await _opened(browser, session, set_today, people.miit)
    _, admins = await _opened(browser, session, set_today, people.admin, title="管理员开设的批次")
    policy = next(p for p in catalogue.published(session) if p.id == "ln-2022-35")
    monetary = [m for m in policy.measures if m.monetary and m.number != 3]
    led = [m.number for m in monetary if lead_unit(m, date(2025, 10, 1)) == "省工业和信息化厅"]
    others = [m.number for m in monetary if lead_unit(m, date(2025, 10, 1)) != "省工业和信息化厅"]
    assert led and others
    kept = (_written(session, own["id"]), _written(session, admins["id"]))
    most, alice = browser(people.most), browser(people.alice)
    refusals = [
        (most, "PATCH", own, {"title": "科技厅改的名称"}, 403, "责任单位只能修改本单位开设的批次"),
        (most, "POST", own, {"measure": min(others)}, 403, "责任单位只能修改本单位开设的批次"),
        (miit, "PATCH", admins, {"title": "工信厅改的名称"}, 403, "责任单位只能修改本单位开设的批次"),
        (miit, "POST", admins, {"measure": min(led)}, 403, "责任单位只能修改本单位开设的批次"),
        (miit, "POST", own, {"measure": min(others)}, 403, "只能在批次中增加本单位牵头的措施"),
        (alice, "PATCH", own, {"title": "企业改的名称"}, 403, ""),
        (alice, "POST", own, {"measure": min(led)}, 403, ""),
    ]
    for who, method, found, body, status, said in refusals:
        url = f"/api/v1/rounds/{found['id']}" + ("/measures" if method == "POST" else "")
        refused = await who.send(method, url, json=body)
        assert refused.status_code == status and said in refused.json()["detail"], (who.user.username, url, body)
    assert (_written(session, own["id"]), _written(session, admins["id"])) == kept, "no refusal wrote anything"
    missing = await miit.send("PATCH", "/api/v1/rounds/999999", json={"title": "没有的批次"})
    assert missing.status_code == 404 and "没有申报批次 999999" in missing.json()["detail"]
    corrected = await miit.send("PATCH", f"/api/v1/rounds/{own['id']}", json={"title": "工信厅批次"})
    assert corrected.status_code == 200 and corrected.json()["title"] == "工信厅批次"
    added = await miit.send("POST", f"/api/v1/rounds/{own['id']}/measures", json={"measure": min(led)})
    assert added.status_code == 201 and min(led) in [m["measure"] for m in added.json()["measures"]]


async def test_an_ended_round_is_neither_corrected_nor_added_to(browser, session, people, set_today) -> None:
    admin, found = await _opened(browser, session, set_today, people.admin)
    assert (await admin.send("POST", f"/api/v1/rounds/{found['id']}/close")).status_code == 200
    before = _written(session, found["id"])
    for method, url, body in (("PATCH", "", {"title": "改"}), ("POST", "/measures", {"measure": 1})):
        refused = await admin.send(method, f"/api/v1/rounds/{found['id']}{url}", json=body)
        assert refused.status_code == 409 and "提前结束受理，不能再修改" in refused.json()["detail"]
    assert _written(session, found["id"]) == before


async def test_the_dates_and_materials_of_a_round_not_yet_open_are_corrected_over_the_api(browser, session, people,
                                                                                           set_today) -> None:
    admin, found = await _opened(browser, session, set_today, people.admin, opens_on="2025-12-01")
    terms = found["terms"]
    bad = await admin.send("PATCH", f"/api/v1/rounds/{found['id']}", json={"closes_on": "2025-11-30",
                                                                           "terms_seen": terms})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "截止日期"
    done = await admin.send("PATCH", f"/api/v1/rounds/{found['id']}", json={
        "opens_on": "2025-12-08", "materials": [{"measure": 3, "materials": [{"name": "申报书", "formats": ["pdf"]}]}],
        "terms_seen": terms})
    assert done.status_code == 200, done.text
    read = done.json()
    assert (read["opens_on"], read["closes_on"]) == ("2025-12-08", "2025-12-31") and read["terms"] != terms
    assert read["measures"][0]["materials"] == [{"name": "申报书", "required": True, "formats": ["pdf"]}]
    before = _written(session, found["id"])
    stale = await admin.send("PATCH", f"/api/v1/rounds/{found['id']}", json={"opens_on": "2025-12-02",
                                                                             "terms_seen": terms})
    assert stale.status_code == 409
    assert "刚被系统管理员修改（现为受理 2025-12-08 至 2025-12-31）" in stale.json()["detail"]
    assert _written(session, found["id"]) == before and session.get(Round, found["id"]).opens_on == date(2025, 12, 8)
    set_today(date(2025, 12, 8))
    started = await admin.send("PATCH", f"/api/v1/rounds/{found['id']}", json={"closes_on": "2026-01-31"})
    assert started.status_code == 409 and "已于 2025-12-08 开始受理" in started.json()["detail"]
