"""An event's before and after as people read them: Chinese labels, 万元, Chinese dates, states by name."""

from datetime import datetime

from huiqi.audit.fields import readable, shown
from huiqi.audit.schemas import EventRead


def _event(action: str, entity: str, before: dict | None, after: dict) -> EventRead:
    return EventRead(seq=1, at=datetime(2026, 12, 3, 17, 30), actor="finance", action=action, entity=entity,
                     entity_id="1", before=before, after=after)


def test_a_record_reads_in_chinese_with_money_in_wan() -> None:
    event = _event("budget.set", "budget", {"amount": 12_340_000, "committed": 0},
                   {"amount": 8_000_001, "committed": 0, "id": 3})
    assert readable(event, event.before) == "金额：1234 万元；已动用合计：0 万元"
    assert readable(event, event.after) == "金额：800.0001 万元；已动用合计：0 万元；编号：3"
    assert readable(event, None) is None


def test_states_days_policies_and_ids_are_read_as_people_say_them() -> None:
    step = _event("application.approve", "application", {"state": "announced"},
                  {"state": "approved", "on": "2026-12-04", "reasons": None})
    assert readable(step, step.after) == "状态：已批准；业务日：2026年12月4日；理由：无"
    opened = _event("round.open", "round", None, {"policy": "ln-2022-35", "measures": [1, 3]})
    numbers = {"ln-2022-35": "辽政办〔2022〕35号"}
    assert readable(opened, opened.after, numbers) == "政策：辽政办〔2022〕35号；措施：1、3"
    approved = _event("application.approved_amount", "application", None,
                      {"amount_approved": 800_000, "ceiling": 1_000_000, "budget": 7})
    assert readable(approved, approved.after) == "批准金额：80 万元；上限：100 万元；预算：7", "a number, not 万元"
    policy = _event("policy.withdraw", "policy_version", {"state": "published"}, {"state": "withdrawn"})
    assert shown(policy, "state", "withdrawn") == "已撤回"


def test_a_long_text_is_whole_in_a_cell_and_cut_in_a_sentence() -> None:
    event = _event("round.correct", "round", {"guide": "甲" * 50}, {"guide": "乙" * 50})
    assert readable(event, event.after) == "办事指南：" + "乙" * 50
    assert shown(event, "guide", "乙" * 50) == "乙" * 40 + "…"
