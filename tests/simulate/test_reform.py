"""Reforms change dated parameters; the policy is loaded again, so a reform is checked like a policy."""

import re
from datetime import date
from pathlib import Path

import pytest

from huiqi.errors import InputError, PolicyFileError
from huiqi.rules.case import read_case
from huiqi.rules.loader import load_many
from huiqi.rules.match import match
from huiqi.simulate.reform import Change, Reform, apply_reform, read_reform

EXAMPLE = Path(__file__).parents[2] / "examples" / "reform.yaml"
PROJECT = {"applicant": {"region": "210100", "industry": "6513"},
           "matters": [{"id": "p1", "type": "project", "codes": ["smart_manufacturing"], "investment": 100_000_000}]}


def ceiling(policies, day: str) -> tuple[str, int | None]:
    case = read_case({**PROJECT, "matters": [{**PROJECT["matters"][0], "date": day}]})
    [result] = match(case, policies, date(2026, 6, 30)).results
    return result.status, result.ceiling


def test_cap_raised_from_a_date() -> None:
    base = load_many()
    reformed = apply_reform(base, read_reform(EXAMPLE))
    assert ceiling(base, "2024-12-31") == ("eligible", 10_000_000)
    assert ceiling(reformed, "2024-12-31") == ("eligible", 10_000_000), "before the change: the old cap"
    assert ceiling(reformed, "2025-01-01") == ("eligible", 15_000_000)
    assert ceiling(base, "2025-01-01") == ("eligible", 10_000_000), "the baseline is untouched"


def test_window_extended() -> None:
    base = load_many()
    reformed = apply_reform(base, read_reform(EXAMPLE))
    assert ceiling(base, "2026-03-01")[0] == "ineligible"
    assert ceiling(reformed, "2026-03-01") == ("eligible", 15_000_000)
    assert reformed[0].version.endswith("+措施11上限提至1500万元并延长有效期")


def test_rate_change_and_value_checked() -> None:
    rate = Reform(name="比例", changes=[Change(parameter="11.rate", since=date(2024, 1, 1), value="10%", source="t")])
    assert ceiling(apply_reform(load_many(), rate), "2024-06-01") == ("eligible", 10_000_000)
    bad = Reform(name="坏", changes=[Change(parameter="11.rate", since=date(2024, 1, 1), value="10", source="t")])
    with pytest.raises(PolicyFileError, match="比例“10”应写作百分数"):
        apply_reform(load_many(), bad)


@pytest.mark.parametrize(("parameter", "reason"), [("11.cpa", "没有这个参数"), ("21.cap", "没有第 21 条措施")])
def test_unknown_parameter(parameter: str, reason: str) -> None:
    reform = Reform(name="x", changes=[Change(parameter=parameter, since=date(2024, 1, 1), value=1, source="t")])
    with pytest.raises(PolicyFileError, match=reason):
        apply_reform(load_many(), reform)


def test_a_change_after_the_window_is_refused_unless_the_reform_extends_it() -> None:
    """After 2025-12-31 no matter is within 35号's window: such a change would leave the result as it was."""
    late = Change(parameter="11.cap", since=date(2026, 3, 1), value="1500万元", source="t")
    with pytest.raises(PolicyFileError) as caught:
        apply_reform(load_many(), Reform(name="晚", changes=[late]))
    assert caught.value.problems == ["措施11「融合基础设施项目资金支持上限（单个项目）」（11.cap）：生效日期 "
                                     "2026-03-01 晚于政策有效期的最后一天 2025-12-31，不影响任何事项；"
                                     "如要测算延期后的效果，请同时延长有效期截止日（window_end）"]
    on_the_last_day = Change(parameter="11.cap", since=date(2025, 12, 31), value="1500万元", source="t")
    assert apply_reform(load_many(), Reform(name="末日", changes=[on_the_last_day]))
    extended = Change(parameter="window_end", since=date(2025, 12, 1), value=date(2026, 12, 31), source="t")
    reformed = apply_reform(load_many(), Reform(name="延期", changes=[late, extended]))
    assert ceiling(reformed, "2026-03-01") == ("eligible", 15_000_000)


def test_a_window_shortened_by_the_reform_is_the_one_a_later_change_must_reach() -> None:
    """Shortened to 2024-06-30 from 2024-01-01: the original end (2025-12-31) is never reached again."""
    shorter = Change(parameter="window_end", since=date(2024, 1, 1), value=date(2024, 6, 30), source="t")
    late = Change(parameter="11.cap", since=date(2025, 3, 1), value="1500万元", source="t")
    with pytest.raises(PolicyFileError, match="晚于政策有效期的最后一天 2024-06-30"):
        apply_reform(load_many(), Reform(name="缩短", changes=[shorter, late]))


def test_reform_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nchanges:\n  - {parameter: 11.cap, since: soon, value: 1, source: t}\n", "utf-8")
    with pytest.raises(InputError) as error:
        read_reform(path)
    assert error.value.problems == [("reform.changes[0].since", "第 3 行：应为日期（YYYY-MM-DD）")]
    path.write_text("name: x\nchanges: [\n", "utf-8")
    with pytest.raises(PolicyFileError, match=rf"^{re.escape(str(path))}:3: YAML 格式错误"):
        read_reform(path)


@pytest.mark.parametrize(("end", "reason"), [(date(2021, 1, 1), "早于政策有效期起始日 2022-07-23"),
                                             ("2025-06-30", "早于其生效日期 2025-12-01")])
def test_a_window_ended_before_it_starts_or_before_the_change_is_refused(end, reason: str) -> None:
    ended = Change(parameter="window_end", since=date(2025, 12, 1), value=end, source="t")
    with pytest.raises(PolicyFileError, match=reason):
        apply_reform(load_many(), Reform(name="倒置", changes=[ended]))
