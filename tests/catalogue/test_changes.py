"""What a new version changes in the file itself: each parameter whose values or dates differ, before → after with
the days they hold from and a signed change, and each clause added, removed or reworded."""

from datetime import date
from pathlib import Path

from huiqi.catalogue import changes
from huiqi.rules.loader import load_text

SHIPPED = (Path(__file__).parents[2] / "src" / "huiqi" / "policies" / "ln-2022-35.yaml").read_text("utf-8")
SECOND = (Path(__file__).parents[1] / "fixtures" / "second-policy.yaml").read_text("utf-8")
CAP3 = "          - {since: 2022-07-23, value: 100万元, source: 措施3：分别给予最高100万元奖励}"


def _of(old: str, new: str) -> changes.FileChanges:
    return changes.of(load_text(old, "old.yaml"), load_text(new, "new.yaml"))


def test_a_raised_cap_is_said_with_its_dates_in_wan_and_signed() -> None:
    raised = SHIPPED.replace(CAP3, CAP3 + "\n          - {since: 2023-01-01, value: 150万元, source: 测试：提高上限}")
    found = _of(SHIPPED, raised)
    assert found.clauses == [] and not found.new_policy
    assert found.parameters == [changes.ParameterChange(
        "措施3 培育中小企业", "专精特新等企业奖励上限（每项）", [(date(2022, 7, 23), "100 万元")],
        [(date(2022, 7, 23), "100 万元"), (date(2023, 1, 1), "150 万元")], "+50 万元")]
    lowered = SHIPPED.replace(CAP3, CAP3.replace("value: 100万元", "value: 80万元"))
    [cap] = _of(SHIPPED, lowered).parameters
    assert cap.after == [(date(2022, 7, 23), "80 万元")] and cap.change == "−20 万元"


def test_the_window_and_a_rate_are_said_as_dates_and_percentage_points() -> None:
    later = SECOND.replace("  end: 2026-12-31", "  end: 2027-12-31").replace(
        "{since: 2025-07-01, value: 35%", "{since: 2025-07-01, value: 30%")
    found = {p.label: p for p in _of(SECOND, later).parameters}
    assert found["有效期截止日"].where == "政策" and found["有效期截止日"].change == "推迟 365 天"
    assert found["有效期截止日"].after == [(date(2024, 1, 1), "2027-12-31")]
    assert found["比例"].where == "措施1 智能制造配套支持" and found["比例"].change == "−5 个百分点"
    rate = found["比例"]
    assert rate.before[-1] == (date(2025, 7, 1), "35%") and rate.after[-1] == (date(2025, 7, 1), "30%")


def test_a_reworded_clause_and_a_measure_removed_are_named() -> None:
    ending = "分别给予最高100万元奖励。\n    kind: award\n    serves: [growth_files]"
    assert SHIPPED.count(ending) == 1
    reworded = SHIPPED.replace(ending, ending.replace("奖励。", "奖励，每家企业限一次。"))
    [clause] = _of(SHIPPED, reworded).clauses
    assert (clause.where, clause.what) == ("措施3 培育中小企业", "改动")
    assert clause.before.endswith("奖励。") and clause.after.endswith("限一次。")
    fewer = SECOND[:SECOND.index("  - number: 5\n")] + SECOND[SECOND.index("situations:"):]
    found = _of(SECOND, fewer)
    assert [(c.where, c.what) for c in found.clauses] == [("措施5 同号测试", "删去")]
    assert [(p.where, p.after) for p in found.parameters] == [("措施5 同号测试", [])]


def test_a_new_policy_lists_all_it_brings() -> None:
    found = changes.of(None, load_text(SECOND, "new.yaml"))
    assert found.new_policy and all(p.before == [] for p in found.parameters)
    assert {c.where for c in found.clauses if c.what == "新增"} >= {"措施1 智能制造配套支持", "措施5 同号测试"}
    assert "试点上限" in {p.label for p in found.parameters}


def test_the_same_file_changes_nothing() -> None:
    assert _of(SHIPPED, SHIPPED.replace("# Conditions every", "# The conditions every")).none


def test_a_reworded_explanation_is_named_by_its_condition() -> None:
    """The walk-through: the comparison did not show changes to the conditions' explanations (解读)."""
    reading = "所列机构以“等”结尾：“其他功能性机构”经确认为功能性机构也算，未确认时待定。"
    assert SHIPPED.count(reading) == 1
    found = _of(SHIPPED, SHIPPED.replace(reading, reading.replace("未确认时待定", "未确认时不符合")))
    assert not found.none and found.parameters == []
    [change] = found.clauses
    assert (change.where, change.what, change.part) == ("措施1 发展总部经济", "改动",
                                                        "解读：设立的是总部、区域总部或所列功能性机构")
    assert change.before == reading and change.after.endswith("未确认时不符合。")
    general = "认定、备案、设立或批准日期须在2022年7月23日"
    assert SHIPPED.count(general) == 1
    [change] = _of(SHIPPED, SHIPPED.replace(general, "认定、备案、设立或批准日期应在2022年7月23日")).clauses
    assert (change.where, change.part) == ("通用条件", "解读：事项日期在政策有效期内")
