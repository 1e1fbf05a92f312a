"""Audit events as sentences: who by name and unit, a Chinese date, the verb, the record with its link, 万元."""

from datetime import datetime

from huiqi.audit.schemas import EventRead
from huiqi.audit.sentences import VERBS, amount_of, sentence


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
    assert created.more == "角色：市级初审人员，所在地：沈阳市和平区"


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
    assert said.amount == "80" and said.more == "用于申报 #16，已动用合计 200 万元"
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
