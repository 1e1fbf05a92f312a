"""Audit events as sentences: who by name and unit, a Chinese date, the verb, the record with its link, 万元."""

from datetime import datetime

from huiqi.audit.schemas import EventRead
from huiqi.audit.sentences import VERBS, Known, amount_of, sentence


def _event(action: str, entity: str, entity_id: str, after: dict | None, actor: str = "finance") -> EventRead:
    return EventRead(seq=1, at=datetime(2026, 12, 3, 17, 30), actor=actor, action=action, entity=entity,
                     entity_id=entity_id, before=None, after=after)


def test_an_approval_reads_as_a_sentence() -> None:
    said = sentence(_event("application.approve", "application", "16", {"state": "approved", "on": "2026-12-04"}),
                    {"finance": "省财政厅审核人员"})
    assert said.text == "省财政厅审核人员 于 2026年12月4日 批准 申报 #16；状态：已批准" and said.link == "/review/16"
    assert said.day is None, "the business day is the day recorded (Beijing): said once"


def test_amounts_in_wan_and_the_recording_day_in_beijing() -> None:
    said = sentence(_event("budget.set", "budget", "2025/ln-2022-35/3", {"amount": 5_000_000}), {})
    assert said.text == "finance 于 2026年12月4日 设定预算 2025年度措施3（ln-2022-35）预算，金额 500 万元"
    assert said.link == "/audit?entity=budget&entity_id=2025%2Fln-2022-35%2F3"
    cited = sentence(_event("budget.set", "budget", "2025/ln-2022-35/3", {"amount": 5_000_000}), {},
                     {"ln-2022-35": "辽政办〔2022〕35号"})
    assert cited.what == "2025年度措施3（辽政办〔2022〕35号）预算"  # the policy by its number, not its id


def test_system_and_reasons_and_regions() -> None:
    routed = sentence(_event("application.reject", "application", "8",
                             {"state": "rejected", "on": "2025-09-03", "reasons": "不良信用"}, actor="system"), {})
    assert routed.text == ("系统（自动） 于 2026年12月4日（业务日 2025年9月3日） 不予支持 申报 #8；"
                           "状态：不予支持，理由：不良信用")
    created = sentence(_event("user.create", "user", "3", {"role": "city", "region": "210102"}, actor="system"), {})
    assert created.more == "角色：市级初审人员（沈阳市和平区）"


def test_every_action_the_code_records_has_a_verb() -> None:
    import re
    from pathlib import Path

    import huiqi

    root = Path(huiqi.__file__).parent
    recorded = {m for path in root.rglob("*.py") for m in re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text())}
    from huiqi.workflow.states import Action

    recorded |= {f"application.{a.value}" for a in Action}
    assert recorded and recorded <= set(VERBS), sorted(recorded - set(VERBS))


def test_a_ceiling_is_said_as_such() -> None:
    judged = sentence(_event("application.policy_version", "application", "1",
                             {"policy": "ln-2022-35", "version": "1f78324d07fc", "ceiling": 1_000_000}), {})
    assert judged.text.endswith("按现行政策判断 申报 #1，上限 100 万元")


def test_a_whitelist_is_published_on_its_own_business_day() -> None:
    said = sentence(_event("whitelist.publish", "whitelist", "2", {"state": "published", "published_on": "2026-12-01"},
                           actor="admin"), {})
    assert said.text.startswith("admin 于 2026年12月4日（发布日期 2026年12月1日） 发布白名单"), said.text
    imported = sentence(_event("list.import", "recognition_list", "3", {"published_on": "2025-06-01"},
                               actor="unit"), {})
    assert "于 2026年12月4日 导入" in imported.text, "a list is dated by its import, not by its publication elsewhere"


def test_a_draw_is_the_amount_drawn_not_the_running_total() -> None:
    drawn = EventRead(seq=1, at=datetime(2026, 12, 3, 17, 30), actor="finance", action="budget.draw", entity="budget",
                      entity_id="2025/ln-2022-35/3", before={"committed": 1_200_000},
                      after={"committed": 2_000_000, "application": 16})
    assert amount_of(drawn) == 800_000
    said = sentence(drawn, {})
    assert said.amount == "80" and said.more == "用于申报 #16，已动用合计由 120 万元增至 200 万元"
    withdrawn = EventRead(seq=2, at=datetime(2026, 12, 3, 17, 30), actor="miit", action="application.amount_proposed",
                          entity="application", entity_id="12", before={"amount_proposed": 640_000},
                          after={"amount_proposed": None})
    assert sentence(withdrawn, {}).text == "miit 于 2026年12月4日 拟定金额 申报 #12；拟定金额 64 万元已撤销"
    reason = sentence(_event("policy.withdraw", "policy_version", "3", {"state": "withdrawn", "reason": "文号有误"}),
                      {})
    assert reason.more == "理由：文号有误" and reason.link == "/admin/policies#version-3"


def test_a_reform_renamed_says_both_names() -> None:
    event = EventRead(seq=1, at=datetime(2026, 12, 3, 17, 30), actor="finance", action="reform.rename",
                      entity="saved_reform", entity_id="4", before={"name": "试一试"}, after={"name": "上限1500万元"})
    said = sentence(event, {"finance": "省财政厅经办人"})
    assert said.text == "省财政厅经办人 于 2026年12月4日 修改改革方案名称 改革方案 #4；由“试一试”改为“上限1500万元”"


def _moved(before: dict, after: dict, known: Known | None = None) -> str:
    names = {"username": "most", "display_name": "科技厅审核员"}
    event = EventRead(seq=1, at=datetime(2026, 12, 3, 17, 30), actor="admin", action="user.role", entity="user",
                      entity_id="55", before=names | before, after=names | after)
    return sentence(event, known or Known()).text


def test_a_user_is_named_as_the_event_recorded_them_and_a_binding_change_as_what_it_is() -> None:
    """用户 #55, and a move from one unit to another read as a role change (新角色：责任单位审核人员)."""
    units = Known(units={3: "省科技厅", 4: "省工业和信息化厅"})
    moved = _moved({"role": "department", "department_id": 3}, {"role": "department", "department_id": 4}, units)
    assert moved == ("admin 于 2026年12月4日 变更所属单位 用户 most（科技厅审核员）；"
                     "所属单位由 省科技厅 改为 省工业和信息化厅")
    city = _moved({"role": "city", "region": "210100"}, {"role": "city", "region": "210200"})
    assert city.endswith("变更所在市 用户 most（科技厅审核员）；所在市由 沈阳市 改为 大连市")
    role = _moved({"role": "city", "region": "210100"}, {"role": "finance"})
    assert role.endswith("变更角色 用户 most（科技厅审核员）；角色由 市级初审人员（沈阳市） 改为 财政人员")
    same = _moved({"role": "finance"}, {"role": "finance"})
    assert same.endswith("保存角色与绑定 用户 most（科技厅审核员）；未作变更（仍为财政人员）")
    disabled = sentence(_event("user.disable", "user", "55", {"username": "bob", "display_name": "大连数据",
                                                               "role": "enterprise", "region": None}), {})
    assert disabled.what == "用户 bob（大连数据）" and disabled.more is None
    older = sentence(_event("user.password_reset", "user", "55", {"must_change_password": True}),
                     Known(accounts={"55": ("bob", "大连数据（现名）")}))
    assert older.what == "用户 bob（大连数据（现名））", "an event from before names were kept: the names held now"
    assert sentence(_event("user.password_reset", "user", "56", {}), {}).what == "用户 #56"
def _change(action: str, entity: str, entity_id: str, before: dict | None, after: dict) -> EventRead:
    return EventRead(seq=1, at=datetime(2026, 12, 3, 17, 30), actor="finance", action=action, entity=entity,
                     entity_id=entity_id, before=before, after=after)


NUMBERS = {"ln-2022-35": "辽政办〔2022〕35号"}


def test_an_amount_set_again_says_what_it_was() -> None:
    again = _change("budget.set", "budget", "2026/ln-2022-35/3", {"amount": 12_340_000, "committed": 0},
                    {"amount": 8_000_000, "committed": 0, "id": 3})
    assert sentence(again, {}, NUMBERS).text == ("finance 于 2026年12月4日 设定预算 2026年度措施3（辽政办〔2022〕35号）"
                                                 "预算，金额由 1234 万元改为 800 万元")
    first = _change("budget.set", "budget", "2026/ln-2022-35/3", None, {"amount": 8_000_000, "committed": 0, "id": 3})
    assert sentence(first, {}, NUMBERS).text.endswith("预算，金额 800 万元"), "a first setting has no 由"
    requested = _change("application.amount_requested", "application", "14", {"amount_requested": 1_000_000},
                        {"amount_requested": 1_500_000})
    assert sentence(requested, {}).text.endswith("修改申请金额 申报 #14，金额由 100 万元改为 150 万元")
    zero = _change("budget.set", "budget", "2026/ln-2022-35/3", {"amount": 500_000, "committed": 0},
                   {"amount": 0, "committed": 0, "id": 3})
    assert sentence(zero, {}, NUMBERS).text.endswith("金额由 50 万元改为 0 万元"), "set to nothing is said too"
    proposed = _change("application.amount_proposed", "application", "14", {"amount_proposed": None},
                       {"amount_proposed": 900_000})
    assert sentence(proposed, {}).text.endswith("拟定金额 申报 #14，金额 90 万元")
    ceiling = _change("offer.ceiling", "offer", "2", {"ceiling": 1_000_000},
                      {"ceiling": 800_000, "ceiling_before_deduction": 1_000_000, "other_support": 200_000})
    assert sentence(ceiling, {}).text.endswith("重算政策直达上限 政策直达 #2，上限由 100 万元改为 80 万元")


def test_a_state_a_score_and_a_deadline_changed_say_both_sides() -> None:
    approved = _change("application.approve", "application", "14", {"state": "announced"},
                       {"state": "approved", "on": "2026-12-04", "reasons": None})
    assert sentence(approved, {}).more == "状态由 公示中 改为 已批准"
    scored = _change("application.score", "application", "14", {"expert_score": 70}, {"expert_score": 85})
    assert sentence(scored, {}).more == "得分由 70 改为 85"
    extended = _change("round.extend", "round", "4", {"closes_on": "2026-04-30"},
                       {"closes_on": "2026-05-15", "reason": "系统故障"})
    assert sentence(extended, {}).more == "截止日期由 2026年4月30日 改为 2026年5月15日，理由：系统故障"
    withdrawn = _change("policy.withdraw", "policy_version", "3", {"state": "published"},
                        {"state": "withdrawn", "reason": "文号有误"})
    assert sentence(withdrawn, {}).more == "状态由 已发布 改为 已撤回，理由：文号有误"


def test_an_event_names_what_it_is_about_as_its_record_holds_it() -> None:
    opened = _change("round.open", "round", "4", None,
                     {"policy": "ln-2022-35", "number": "辽政办〔2022〕35号", "title": "2026年第一批",
                      "opens_on": "2026-03-01", "closes_on": "2026-04-30", "measures": [1, 3]})
    assert sentence(opened, {}, {"ln-2022-35": "今天的另一个文号"}).text == (
        "finance 于 2026年12月4日 开设申报批次 申报批次 #4；「2026年第一批」，辽政办〔2022〕35号，措施1、措施3，"
        "受理期 2026年3月1日至2026年4月30日")
    older = _change("round.open", "round", "4", None, {"policy": "ln-2022-35", "title": "甲", "measures": [2]})
    assert sentence(older, {}, NUMBERS).more == "「甲」，辽政办〔2022〕35号（文号按现行政策目录，本事件未记载），措施2"
    published = _change("policy.publish", "policy_version", "3", {"in_force": 1, "version": "abcdefabcdef"},
                        {"policy": "ln-2022-35", "number": "辽政办〔2022〕35号", "version": "1234567890ab"})
    assert sentence(published, {}).more == "辽政办〔2022〕35号，版本 1234567890ab，取代政策版本 #1（版本 abcdefabcdef）"
    uploaded = _change("material.add", "application", "14", None,
                       {"filename": "营业执照.pdf", "kind": "营业执照", "type": "application/pdf", "size": 9})
    assert sentence(uploaded, {}).text.endswith("上传材料 申报 #14；材料“营业执照”，文件 营业执照.pdf")
    removed = EventRead(seq=1, at=datetime(2026, 12, 3, 17, 30), actor="alice", action="material.remove",
                        entity="application", entity_id="14", before={"filename": "旧.pdf", "kind": None}, after=None)
    assert sentence(removed, {}).more == "文件 旧.pdf"


def test_a_policy_withdrawn_is_named_by_its_number_and_version() -> None:
    withdrawn = _change("policy.withdraw", "policy_version", "3", {"state": "published"},
                        {"state": "withdrawn", "reason": "文号有误", "policy": "ln-2022-35",
                         "number": "辽政办〔2022〕35号", "version": "1234567890ab"})
    assert sentence(withdrawn, {}).text == (
        "finance 于 2026年12月4日 撤回政策版本 政策版本 #3；辽政办〔2022〕35号，版本 1234567890ab；"
        "状态由 已发布 改为 已撤回，理由：文号有误")
    older = _change("policy.withdraw", "policy_version", "3", {"state": "published"},
                    {"state": "withdrawn", "reason": "文号有误"})
    looked_up = sentence(older, Known(versions={3: ("辽政办〔2022〕35号", "abcdefabcdef")}))
    assert looked_up.more == ("辽政办〔2022〕35号，版本 abcdefabcdef（文号与版本按政策版本 #3 的记录，本事件未记载）；"
                              "状态由 已发布 改为 已撤回，理由：文号有误")
    assert sentence(older, Known()).more == "状态由 已发布 改为 已撤回，理由：文号有误", "not looked up: nothing said"
    assert sentence(older, Known(versions={3: None})).more == ("本事件未记载文号，政策版本 #3 的记录已不存在；"
                                             "状态由 已发布 改为 已撤回，理由：文号有误")


def test_a_record_links_to_itself_on_its_page() -> None:
    """Not the top of a list: a 公示 at its batch on the page of the public list that shows it, a whitelist version on
    its own page, a round and a recognition list at their rows; a record whose page is not known, to its trail."""
    from huiqi.audit.sentences import link_of

    known = Known(batches={4: 2, 5: 1}, whitelists={1: 7})
    assert link_of(_event("announcement.open", "announcement", "4", {}), known) == "/announcements?page=2#batch-4"
    assert link_of(_event("announcement.open", "announcement", "5", {}), known) == "/announcements#batch-5"
    assert link_of(_event("announcement.open", "announcement", "9", {}), known) == \
        "/audit?entity=announcement&entity_id=9", "a batch the public list does not show: its trail"
    assert link_of(_event("whitelist.publish", "whitelist", "1", {}), known) == "/admin/whitelist/7"
    assert link_of(_event("round.extend", "round", "3", {}), known) == "/rounds#round-3"
    assert link_of(_event("list.import", "recognition_list", "2", {}), known) == "/admin/lists#list-2"
    assert link_of(_event("offer.make", "offer", "2", {}), known) == "/audit?entity=offer&entity_id=2"
