"""The policy catalogue: the shipped file published by the migrations; a new file drafted, checked, gated and
published by a second admin, superseding the version in force; no policy id written in the code."""

import re
from datetime import date
from pathlib import Path

import pytest

from huiqi import clock
from huiqi.audit import service as audit
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, Forbidden, InputError, PolicyFileError
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from tests.dbtest import PASSWORD

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"
SRC = Path(__file__).parents[2] / "src"


@pytest.fixture
def second_admin(session):
    return users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                             password=PASSWORD)


def test_the_shipped_policy_is_in_force_from_the_migrations(session) -> None:
    in_force = catalogue.published(session)
    assert [p.number for p in in_force] == ["辽政办〔2022〕35号"]
    whitelist = catalogue.serving(session, "whitelist")
    growth = catalogue.serving(session, "growth_files")
    assert whitelist is not None and whitelist[1].number == 19
    assert growth is not None and growth[1].number == 3


def _whitelist_successor() -> str:
    """The fixture policy issued in 2025, its window opening on 2026-01-01, its measure 1 serving the whitelist."""
    text = SECOND.read_text("utf-8").replace("issued: 2024-01-01", "issued: 2025-10-01")
    text = text.replace("  start: 2024-01-01\n  end: 2026-12-31", "  start: 2026-01-01\n  end: 2027-12-31")
    text = text.replace("    units: [测试厅]\n", "    units: [测试厅]\n    serves: [whitelist]\n", 1)
    return text.replace("as_of: 2025-06-30", "as_of: 2026-06-30").replace("date: 2025-03-01", "date: 2026-03-01")


def test_the_whitelist_passes_to_a_successor_only_when_its_window_opens(session, people, second_admin) -> None:
    draft = catalogue.add(session, actor=people.admin, text=_whitelist_successor(), file_name="successor.yaml")
    catalogue.publish(session, actor=second_admin, version_id=draft.id)
    for day, number, expired in [(date(2025, 6, 30), "辽政办〔2022〕35号", False),
                                 (date(2025, 12, 31), "辽政办〔2022〕35号", False),
                                 (date(2026, 1, 1), "测试〔2024〕1号", False),
                                 (date(2028, 3, 1), "测试〔2024〕1号", True)]:
        with clock.pinned(day):
            found = catalogue.serving(session, "whitelist")
        assert found is not None and (found[0].number, found[0].expired(day)) == (number, expired), day
        assert catalogue.serving(session, "whitelist", day) == found
    # Before any policy naming it opens, none serves; after the shipped one expires with no successor, it serves on
    assert catalogue.serving(session, "whitelist", date(2022, 7, 1)) is None
    catalogue.withdraw(session, actor=people.admin, version_id=draft.id, reason="测试")
    later = catalogue.serving(session, "whitelist", date(2026, 12, 5))
    assert later is not None and later[0].number == "辽政办〔2022〕35号" and later[0].expired(date(2026, 12, 5))


def test_no_python_file_under_src_names_a_policy_id() -> None:
    ids = {"ln-2022-35"} | {m.group(1) for m in re.finditer(r"^id: (\S+)", SECOND.read_text("utf-8"), re.M)}
    found = [(str(p.relative_to(SRC)), i) for p in SRC.rglob("*.py") for i in ids if i in p.read_text("utf-8")]
    assert found == []


def test_a_draft_is_published_by_a_second_admin_and_audited(session, people, second_admin) -> None:
    text = SECOND.read_text("utf-8")
    draft = catalogue.add(session, actor=people.admin, text=text, file_name="second-policy.yaml")
    assert draft.state == "draft" and "test-successor" not in [p.id for p in catalogue.published(session)]
    with pytest.raises(Forbidden, match="须由另一位管理员"):
        catalogue.publish(session, actor=people.admin, version_id=draft.id)
    with pytest.raises(Forbidden):
        catalogue.publish(session, actor=people.miit, version_id=draft.id)
    catalogue.publish(session, actor=second_admin, version_id=draft.id)
    assert [p.id for p in catalogue.published(session)] == ["ln-2022-35", "test-successor"]
    with pytest.raises(Conflict, match="只有草稿或已被取代的版本可以发布"):
        catalogue.publish(session, actor=second_admin, version_id=draft.id)
    with pytest.raises(Conflict, match="不能修改"):
        catalogue.edit(session, actor=people.admin, version_id=draft.id, text=text + "\n")
    with pytest.raises(Conflict, match="已在政策目录中"):
        catalogue.add(session, actor=people.admin, text=text, file_name="again.yaml")
    actions = [e.action for e in audit.history(session, entity="policy_version", entity_id=draft.id)]
    assert actions == ["policy.draft", "policy.publish"]


def test_a_new_version_supersedes_the_one_in_force(session, people, second_admin) -> None:
    text = SECOND.read_text("utf-8")
    first = catalogue.add(session, actor=people.admin, text=text, file_name="a.yaml")
    catalogue.publish(session, actor=second_admin, version_id=first.id)
    changed = text.replace("value: 50万元, source: 测试}", "value: 60万元, source: 测试：提高}")
    changed = changed.replace("ceiling: 500000}]", "ceiling: 600000}]")
    second = catalogue.add(session, actor=people.admin, text=changed, file_name="b.yaml")
    catalogue.publish(session, actor=second_admin, version_id=second.id)
    assert (first.state, second.state) == ("superseded", "published")
    successor = catalogue.policy(session, "test-successor")
    assert successor.measure(1).parameters["pilot_cap"].values[0].value == 600_000


def test_a_version_published_over_one_withdrawn_meanwhile_says_so(session, people, second_admin) -> None:
    text = SECOND.read_text("utf-8")
    first = catalogue.add(session, actor=people.admin, text=text, file_name="a.yaml")
    catalogue.publish(session, actor=second_admin, version_id=first.id)
    later = catalogue.add(session, actor=people.admin, text=text + "\n# 校对后\n", file_name="b.yaml")
    catalogue.withdraw(session, actor=people.admin, version_id=first.id, reason="测试撤回")
    with pytest.raises(Conflict, match=f"现行版本 {first.id} 其间已撤回") as caught:
        catalogue.publish(session, actor=second_admin, version_id=later.id, seen=first.id)
    assert "刚发布" not in caught.value.message and later.state == "draft"


def test_a_broken_file_names_its_line_and_nothing_is_written(session, people) -> None:
    before = len(catalogue.versions(session, actor=people.admin))
    with pytest.raises(PolicyFileError) as caught:
        catalogue.add(session, actor=people.admin, text="id: zz-broken\ntitel: 拼错的字段\n", file_name="zz.yaml")
    assert any(("titel" in p and "第 2 行" in p) or ("titel" in p and ":2" in p) for p in caught.value.problems), \
        caught.value.problems
    with pytest.raises(InputError):
        catalogue.add(session, actor=people.admin, text="   ", file_name="empty.yaml")
    assert len(catalogue.versions(session, actor=people.admin)) == before


def test_the_gate_refuses_a_file_whose_situations_fail(session, people, second_admin) -> None:
    wrong = SECOND.read_text("utf-8").replace("ceiling: 500000}]", "ceiling: 400000}]")
    draft = catalogue.add(session, actor=people.admin, text=wrong, file_name="wrong.yaml")
    with pytest.raises(Conflict, match="上限应为 40 万元，实为 50 万元"):
        catalogue.publish(session, actor=second_admin, version_id=draft.id)
    assert draft.state == "draft"
    bare = re.sub(r"\nsituations:.*", "\n", SECOND.read_text("utf-8"), flags=re.S)
    draft = catalogue.add(session, actor=people.admin, text=bare, file_name="bare.yaml")
    with pytest.raises(Conflict, match="没有自带测试情形"):
        catalogue.publish(session, actor=second_admin, version_id=draft.id)


def test_a_withdrawn_policy_is_no_longer_matched(session, people, second_admin) -> None:
    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="s.yaml")
    catalogue.publish(session, actor=second_admin, version_id=draft.id)
    with pytest.raises(InputError):
        catalogue.withdraw(session, actor=people.admin, version_id=draft.id, reason=" ")
    catalogue.withdraw(session, actor=people.admin, version_id=draft.id, reason="测试撤回")
    assert [p.id for p in catalogue.published(session)] == ["ln-2022-35"]
    with pytest.raises(Conflict):
        catalogue.withdraw(session, actor=people.admin, version_id=draft.id, reason="再次撤回")


def test_a_policy_with_an_open_round_or_an_application_under_way_is_not_withdrawn(session, people, second_admin,
                                                                                  tmp_path) -> None:
    """The officer closes the round and the applications are settled first; a draft left in a closed round (which
    can never be submitted) does not hold the policy."""
    from datetime import date

    from huiqi import clock
    from huiqi.applicants import service as applicants
    from huiqi.applications import service as applications
    from huiqi.rounds import editing, opening
    from tests.dbtest import PDF, step

    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="s.yaml")
    catalogue.publish(session, actor=second_admin, version_id=draft.id)
    with clock.pinned(date(2025, 9, 1)):
        opened = opening.open_round(session, actor=people.admin, policy_id="test-successor", title="2025年度测试批次",
                                    opens_on=date(2025, 8, 1), closes_on=date(2025, 9, 30),
                                    measures=[opening.MeasureIn(1)])
        for key in ("pilot", "idle"):
            applicants.save_matter(session, actor=people.alice, uscc=people.alice.uscc, matter={
                "id": key, "type": "project", "codes": ["test_pilot"], "investment": 2_000_000, "date": "2025-03-01"})
        apps = [applications.create_draft(session, actor=people.alice, uscc=people.alice.uscc, matter_key=key,
                                          round_id=opened.id, measure=1, amount_requested=500_000)
                for key in ("pilot", "idle")]
        applications.add_material(session, actor=people.alice, application_id=apps[0].id, filename="申报书.pdf",
                                  content=PDF, store=tmp_path)
        applications.declare(session, actor=people.alice, application_id=apps[0].id)
        step(session, "submit", people.alice, apps[0], on=date(2025, 9, 1))
        with pytest.raises(Conflict) as refused:
            catalogue.withdraw(session, actor=people.admin, version_id=draft.id, reason="测试撤回")
        assert refused.value.message == (
            f"测试〔2024〕1号 仍在使用，不能撤回：未截止的申报批次 “2025年度测试批次”（批次 {opened.id}）"
            "：请先在申报批次页关闭；1 件已提交、尚未办结的申报（未拨付、未驳回、未撤回）：请先办结")
        editing.close(session, actor=people.admin, round_id=opened.id)
        with pytest.raises(Conflict, match="不能撤回：1 件已提交、尚未办结的申报"):
            catalogue.withdraw(session, actor=people.admin, version_id=draft.id, reason="测试撤回")
        reviewer = users.create_user(session, actor=SYSTEM, username="test-unit", display_name="测试厅审核人员",
                                     role="department", password=PASSWORD, department="测试厅")
        step(session, "reject", reviewer, apps[0], on=date(2025, 9, 2), reasons="测试：不予支持")
        withdrawn = catalogue.withdraw(session, actor=people.admin, version_id=draft.id, reason="测试撤回")
    assert withdrawn.state == "withdrawn" and apps[1].state == "draft"


def test_a_round_is_not_opened_for_a_policy_withdrawn_meanwhile(session, people, second_admin, monkeypatch) -> None:
    """The round's form read the policies in force before the withdrawal committed: under the version's lock it
    finds the policy withdrawn and opens nothing (the other order, the withdrawal sees the round and is refused)."""
    from datetime import date

    from huiqi import clock
    from huiqi.models import Round
    from huiqi.rounds import opening

    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="s.yaml")
    catalogue.publish(session, actor=second_admin, version_id=draft.id)
    as_read = catalogue.published(session)
    catalogue.withdraw(session, actor=people.admin, version_id=draft.id, reason="测试撤回")
    monkeypatch.setattr(catalogue, "published", lambda session: as_read)  # what the round's request had read
    with clock.pinned(date(2025, 9, 1)), pytest.raises(Conflict, match="刚刚已撤回，不能再开设申报批次"):
        opening.open_round(session, actor=people.admin, policy_id="test-successor", title="2025年度测试批次",
                           opens_on=date(2025, 8, 1), closes_on=date(2025, 9, 30), measures=[opening.MeasureIn(1)])
    assert session.query(Round).filter_by(policy_id="test-successor").count() == 0


def test_a_purpose_no_policy_serves_yet_is_said_with_the_day_it_will(session, people) -> None:
    """Before the policy naming the whitelist comes into force, a reviewer is told when it does (it said no policy
    had been published, naming a YAML key); a purpose no policy names is said plainly."""
    from huiqi.whitelist import service as whitelist

    early = date(2022, 7, 1)
    assert catalogue.serving(session, "whitelist", early) is None
    said = catalogue.unserved(session, "whitelist", "白名单", early).message
    assert said == "规定“白名单”的政策（辽政办〔2022〕35号）尚未施行：自 2022-07-23 起施行"
    assert catalogue.unserved(session, "nothing", "某事").message == "没有已发布的政策规定“某事”"
    with pytest.raises(Exception, match="尚未施行：自 2022-07-23 起施行") as refused:
        whitelist._may_compile(session, people.miit, early)
    assert "serves" not in str(refused.value)


def test_a_withdrawal_records_the_policys_number_and_version_and_the_trail_names_them(session, people) -> None:
    from huiqi.audit.schemas import EventRead
    from huiqi.audit.sentences import sentences

    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="s.yaml")
    catalogue.withdraw(session, actor=people.admin, version_id=draft.id, reason="测试撤回")
    event = audit.history(session, entity="policy_version", entity_id=draft.id)[-1]
    assert event.action == "policy.withdraw" and event.after is not None
    assert (event.after["number"], event.after["version"]) == ("测试〔2024〕1号", draft.digest[:12])
    older = [EventRead.model_validate(audit.record(session, actor="admin", action="policy.withdraw",
                                                   entity="policy_version", entity_id=key, before={"state": "draft"},
                                                   after={"state": "withdrawn", "reason": "旧事件"}),
                                      from_attributes=True) for key in (draft.id, 99_999)]
    said = [s.more for s in sentences(session, [event, *older])]
    assert said[0] is not None and said[0].startswith(f"测试〔2024〕1号，版本 {draft.digest[:12]}；")
    assert said[1] is not None and said[1].startswith(
        f"测试〔2024〕1号，版本 {draft.digest[:12]}（文号与版本按政策版本 #{draft.id} 的记录，本事件未记载）")
    assert said[2] is not None and said[2].startswith("本事件未记载文号，政策版本 #99999 的记录已不存在")
