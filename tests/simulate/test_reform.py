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


def growth_percent(policies, day: str) -> int:
    [policy] = policies
    return policy.measure(2).parameters["growth_percent"].at(date.fromisoformat(day), date(2026, 6, 30))


@pytest.mark.parametrize("written", ["20%", "20 ％", 20])
def test_a_whole_number_counted_in_percent_may_be_written_with_its_percent_sign(written) -> None:
    """措施2's 营业收入同比增长率下限（%）: ``value: 20%`` in a reform's YAML is 20, as the page's table takes "20%"."""
    reform = Reform(name="增长率", changes=[Change(parameter="2.growth_percent", since=date(2025, 1, 1), value=written,
                                                 source="t")])
    reformed = apply_reform(load_many(), reform)
    assert growth_percent(reformed, "2024-12-31") == 15 and growth_percent(reformed, "2025-01-01") == 20


@pytest.mark.parametrize(("parameter", "written", "reason"), [
    ("2.growth_percent", "20.5%", "“20.5%”应为整数百分数，如 20%"),
    ("11.cap", "20%", "金额“20%”应写作整数元，或带单位的数"),
])
def test_a_percent_sign_is_refused_where_it_cannot_be(parameter: str, written: str, reason: str) -> None:
    reform = Reform(name="坏", changes=[Change(parameter=parameter, since=date(2025, 1, 1), value=written, source="t")])
    with pytest.raises(PolicyFileError, match=reason):
        apply_reform(load_many(), reform)


def test_a_count_refuses_a_percent_sign_saying_it_is_a_count() -> None:
    from huiqi.rules.params import DatedValue, Parameter
    from huiqi.simulate.reform import value_read

    count = Parameter("projects", "项目数下限", "int", (DatedValue(date(2022, 7, 23), 3, "t"),))
    assert value_read(count, "3.projects", 5) == 5
    with pytest.raises(ValueError, match="“20%”不是整数：此参数是个数，不按百分数计"):
        value_read(count, "3.projects", "20%")


def test_the_page_and_a_reform_s_yaml_read_a_percent_alike() -> None:
    """One reading, not two: the page's table writes "20%" as the YAML a file would hold, and both take it as 20."""
    from huiqi.simulate import reforms
    from huiqi.simulate.reform import parse_reform

    policies = load_many()
    [row] = [r for r in reforms.rows(policies) if r.key == "2.growth_percent"]
    typed = parse_reform(reforms.reform_text("页面", "", [reforms.Edit(row, "20%", "2025-01-01")]))
    filed = parse_reform("name: 文件\nchanges:\n  - {parameter: 2.growth_percent, since: 2025-01-01, value: 20%, "
                         "source: t}\n")
    assert growth_percent(apply_reform(policies, typed), "2025-01-01") == 20
    assert growth_percent(apply_reform(policies, filed), "2025-01-01") == 20


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
