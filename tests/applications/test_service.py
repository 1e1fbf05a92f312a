"""Applying: profiles kept as history, materials and declaration required, the rules' answer kept,
routing by the measure's units, refusal of what the rules rule out, return and resubmission."""

from datetime import date

import pytest
from sqlalchemy import select

from huiqi.applicants import service as applicants
from huiqi.applications import service as applications
from huiqi.errors import Conflict, InputError, MaterialError, NotFound
from huiqi.models import AuditEvent
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from huiqi.workflow import repository as steps
from tests.dbtest import ALICE_USCC, BOB_USCC, PDF, a_round, apply, step


def test_profile_changes_add_versions(session, people) -> None:
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, name="示例科技有限公司", kind="enterprise",
                              region="210102", industry="6513", size="large", established=date(2016, 5, 1),
                              independent_legal_entity=True, sound_accounts=True, bad_credit=False,
                              major_accident=False)
    _, history = applicants.get_applicant(session, actor=people.alice, uscc=ALICE_USCC)
    assert [(p.version, p.size) for p in history] == [(1, "medium"), (2, "large")]


def test_profile_input_is_checked_like_a_case(session, people) -> None:
    with pytest.raises(InputError) as caught:
        applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, region="219999", revenue=-1)
    assert {field for field, _ in caught.value.problems} == {"applicant.region", "applicant.revenue"}


def test_submission_keeps_the_answer_and_goes_straight_to_the_lead_unit(session, people, tmp_path) -> None:
    app = apply(session, people.bob, matter="p1", measure=13, amount=10_000_000, on=date(2025, 9, 1), store=tmp_path)
    assert app.state == "department_review" and app.city_review is False
    assert app.department_id == people.most.department_id and app.city == "210200"
    assert app.ceiling == 10_000_000 and app.policy_version and app.year == 2025
    assert [t.action for t in steps.of_application(session, app.id)] == ["submit", "route_department"]


def test_submission_needs_materials_and_the_declaration(session, people, tmp_path) -> None:
    draft = applications.create_draft(session, actor=people.bob, uscc=BOB_USCC, matter_key="p1",
                                      round_id=a_round(session), measure=13, amount_requested=1)
    with pytest.raises(Conflict, match="承诺"):
        step(session, "submit", people.bob, draft.id, on=date(2025, 9, 1))
    made = applications.declare(session, actor=people.bob, application_id=draft.id).declared_at
    assert applications.declare(session, actor=people.bob, application_id=draft.id).declared_at == made, "once"
    declared = session.scalars(select(AuditEvent).where(AuditEvent.action == "application.declare",
                                                        AuditEvent.entity_id == str(draft.id))).all()
    assert [(e.actor, e.after["declaration"][:5]) for e in declared] == [("bob", "本单位郑重")], "in the trail, once"
    with pytest.raises(Conflict, match="材料"):
        step(session, "submit", people.bob, draft.id, on=date(2025, 9, 1))
    with pytest.raises(MaterialError):
        applications.add_material(session, actor=people.bob, application_id=draft.id, filename="申报书.pdf",
                                  content=b"GIF89a not accepted", store=tmp_path)


@pytest.mark.parametrize(("measure", "amount", "refused", "why"), [
    (13, 10_000_001, Conflict, "超过上限"),  # the ceiling is 1000万: refused at submission
    (5, 1, InputError, "不属于措施5「做强电子元器件及设备制造业」的支持范围"),  # key_tech: refused as a draft already
])
def test_what_the_rules_rule_out_is_refused(session, people, tmp_path, measure, amount, refused, why) -> None:
    with pytest.raises(refused, match=why):
        apply(session, people.bob, matter="p1", measure=measure, amount=amount, on=date(2025, 9, 1), store=tmp_path)


def test_an_ineligible_matter_is_refused_with_the_failing_condition(session, people, tmp_path) -> None:
    applicants.save_matter(session, actor=people.bob, uscc=BOB_USCC, matter={
        "id": "p2", "type": "project", "codes": ["key_tech"], "listed": False, "date": "2024-04-01"})
    with pytest.raises(Conflict, match="不符合措施13的条件"):
        apply(session, people.bob, matter="p2", measure=13, amount=1, on=date(2025, 9, 1), store=tmp_path)


def test_service_measures_and_unknown_rounds_take_no_applications(session, people) -> None:
    for round_id, measure in ((a_round(session), 19), (999_999, 3), (a_round(session), 99)):
        with pytest.raises(InputError):
            applications.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key="h1",
                                      round_id=round_id, measure=measure, amount_requested=1)


def test_return_for_correction_then_resubmit(session, people, tmp_path) -> None:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    with pytest.raises(InputError):
        step(session, "return", people.shenyang, app.id, reasons="  ")
    step(session, "return", people.shenyang, app.id, reasons="缺少认定文件", on=date(2025, 9, 3))
    assert app.state == "returned"
    applications.change_amount(session, actor=people.alice, application_id=app.id, amount_requested=900_000)
    applications.add_material(session, actor=people.alice, application_id=app.id, filename="认定文件.pdf",
                              content=PDF + b"%2", store=tmp_path)
    first = app.declared_at
    # the first declaration answered for what was returned
    with pytest.raises(Conflict, match="退回补正后重新提交前，须再次作出承诺"):
        step(session, "submit", people.alice, app.id, on=date(2025, 9, 8))
    assert not applications.declaration_stands(session, app)
    applications.declare(session, actor=people.alice, application_id=app.id)
    assert applications.declaration_stands(session, app) and app.declared_at > first
    again = app.declared_at
    applications.declare(session, actor=people.alice, application_id=app.id)  # made again: stands as first made
    assert app.declared_at == again
    step(session, "submit", people.alice, app.id, on=date(2025, 9, 8))
    # the first submission's day is kept, and the year counted from it (申报年度); the rules ran again on 9-08
    assert app.state == "city_review" and app.submitted_on == date(2025, 9, 1) and app.year == 2025
    assert app.match_result["as_of"] == "2025-09-08"
    history = steps.of_application(session, app.id)
    assert [t.action for t in history] == ["submit", "route_city", "return", "submit", "route_city"]
    assert history[2].reasons == "缺少认定文件"


def test_reject_and_withdraw_are_final(session, people, tmp_path) -> None:
    app = apply(session, people.bob, matter="p1", measure=13, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    step(session, "reject", people.most, app.id, reasons="项目不在计划内")
    with pytest.raises(Conflict):
        step(session, "submit", people.bob, app.id, on=date(2025, 9, 2))
    draft = applications.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key="h1",
                                      round_id=a_round(session), measure=3, amount_requested=1)
    step(session, "withdraw", people.alice, draft.id, on=date(2025, 9, 2))
    assert draft.state == "withdrawn"


def test_shenfu_applicants_are_pre_reviewed_by_the_zone(session, people, tmp_path) -> None:
    zone = users.create_user(session, actor=SYSTEM, username="shenfu", display_name="沈抚示范区管委会审核员",
                             role="city", password="long enough", region="shenfu")
    applicants.record_profile(session, actor=people.alice, uscc=ALICE_USCC, name="示例科技有限公司",
                              kind="enterprise", region="shenfu", industry="6513")
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    assert app.state == "city_review" and app.city == "shenfu"
    with pytest.raises(NotFound):
        step(session, "pass_city", people.shenyang, app.id)
    step(session, "pass_city", zone, app.id)
    assert app.state == "department_review"


def test_a_matter_under_review_cannot_be_changed_until_it_is_returned(session, people, tmp_path) -> None:
    app = apply(session, people.bob, matter="p1", measure=13, amount=10_000_000, on=date(2025, 9, 1), store=tmp_path)
    bigger = {"id": "p1", "type": "project", "codes": ["key_tech"], "listed": True, "date": "2024-05-01"}
    with pytest.raises(Conflict, match=f"申报 #{app.id} 责任单位审核"):
        applicants.save_matter(session, actor=people.bob, uscc=BOB_USCC, matter=bigger)
    step(session, "return", people.most, app.id, reasons="日期有误", on=date(2025, 9, 2))
    saved = applicants.save_matter(session, actor=people.bob, uscc=BOB_USCC, matter=bigger)
    assert saved.date == date(2024, 5, 1)


def test_support_received_elsewhere_is_topped_up_not_repeated(session, people, tmp_path) -> None:
    """从高不重复 (issue 11): 1000万 ceiling less 300万 received under another provincial policy leaves 700万."""
    for key in ("p3", "p4"):
        applicants.save_matter(session, actor=people.bob, uscc=BOB_USCC, matter={
            "id": key, "type": "project", "codes": ["key_tech"], "listed": True, "date": "2024-04-01",
            "other_support": 3_000_000})
    with pytest.raises(Conflict, match="超过上限 700 万元（措施上限 1000 万元，扣除已获我省其他政策支持 300 万元）"):
        apply(session, people.bob, matter="p3", measure=13, amount=7_000_001, on=date(2025, 9, 1), store=tmp_path)
    app = apply(session, people.bob, matter="p4", measure=13, amount=7_000_000, on=date(2025, 9, 1), store=tmp_path)
    assert app.ceiling == 7_000_000 and app.rule_status == "eligible"
    result = next(r for r in app.match_result["results"] if r["matter"] == "p4")
    assert (result["ceiling"], result["ceiling_before_deduction"], result["other_support"]) == (
        7_000_000, 10_000_000, 3_000_000)
    with pytest.raises(InputError, match="超过上限 700 万元"):
        step(session, "propose", people.most, app, on=date(2025, 9, 10), amount=7_000_001)


def test_a_stale_tab_editing_a_withdrawn_draft_is_told_it_was_withdrawn(session, people, tmp_path) -> None:
    draft = applications.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key="h1",
                                      round_id=a_round(session), measure=3, amount_requested=1)
    step(session, "withdraw", people.alice, draft.id, on=date(2025, 9, 2))
    edits = [lambda: applications.change_amount(session, actor=people.alice, application_id=draft.id,
                                                amount_requested=2),
             lambda: applications.add_material(session, actor=people.alice, application_id=draft.id,
                                               filename="a.pdf", content=PDF, store=tmp_path),
             lambda: applications.declare(session, actor=people.alice, application_id=draft.id)]
    for edit, doing in zip(edits, ["修改", "上传材料", "作出承诺"], strict=True):
        with pytest.raises(Conflict) as refused:
            edit()
        assert refused.value.message == f"申报 #{draft.id} 当前为「已撤回」，只有草稿或退回补正的申报可以{doing}"


def test_the_same_file_is_not_attached_twice_as_the_same_material(session, people, tmp_path) -> None:
    draft = applications.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key="h1",
                                      round_id=a_round(session), measure=3, amount_requested=1)
    first = applications.add_material(session, actor=people.alice, application_id=draft.id, filename="申报书.pdf",
                                      content=PDF, store=tmp_path)
    with pytest.raises(InputError) as refused:
        applications.add_material(session, actor=people.alice, application_id=draft.id, filename="申报书（副本）.pdf",
                                  content=PDF, store=tmp_path)
    assert refused.value.problems == [("file", "这份文件与已作为“申报书”上传的“申报书.pdf”内容相同，无需重复上传")]
    applications.remove_material(session, actor=people.alice, application_id=draft.id, material_id=first.id)
    again = applications.add_material(session, actor=people.alice, application_id=draft.id, filename="申报书.pdf",
                                      content=PDF, store=tmp_path)  # taken down by mistake: it may come back
    assert [m.id for m in applications.materials(session, actor=people.alice, application_id=draft.id)] == [again.id]
