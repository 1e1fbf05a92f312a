"""Loading policy files: a mistake is an error naming the file, line, measure and field."""

from datetime import date
from pathlib import Path

import pytest

from huiqi.errors import PolicyFileError
from huiqi.rules.loader import load_file, load_many, load_text, shipped_paths

SHIPPED = shipped_paths()["ln-2022-35"].read_text("utf-8")
SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"


def _broken(old: str, new: str, count: int = 1) -> str:
    assert SHIPPED.count(old) >= count, old
    return SHIPPED.replace(old, new, count)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# Measure 13's first rule and its first condition, as a mistake names them: by their own names, cut to 12 characters
WHEN13 = "措施13 资金规则「列入科技赋能数字经济发…」的条件「列入科技赋能数字经济发…」的条件表达式"


def _errors(text: str) -> list[str]:
    with pytest.raises(PolicyFileError) as caught:
        load_text(text, "bad.yaml")
    return caught.value.problems


def test_unknown_name_in_condition_names_line_measure_and_field() -> None:
    text = _broken("when: listed", "when: lsited")
    [error] = _errors(text)
    assert error.startswith(f"bad.yaml:{_line_of(text, 'when: lsited')}: {WHEN13}：")
    assert "未知名称 'lsited'" in error


def test_misspelt_field_is_refused() -> None:
    text = _broken("    units: [省科技厅, 省财政厅]", "    unit: [省科技厅, 省财政厅]")
    errors = _errors(text)
    line = _line_of(text, "unit: [省科技厅")
    assert any(e.startswith(f"bad.yaml:{line}: 措施13 「unit」：不认识的字段") for e in errors)
    assert any("措施13 责任单位：缺少此项" in e for e in errors)


def test_unknown_code_in_reaches() -> None:
    text = _broken("reaches: [key_tech]", "reaches: [key_tek]")
    [error] = _errors(text)
    assert f"bad.yaml:{_line_of(text, 'key_tek')}: 措施13 资金规则「列入科技赋能数字经济发…」第 1 个适用事项：" \
           "未知事项代码 'key_tek'" == error


def test_wrong_choice_in_expression() -> None:
    text = _broken("when: build in ['new', 'expansion']", "when: build in ['new', 'expand']")
    [error] = _errors(text)
    assert "措施5 资金规则「电子元器件及设备新建、…」的条件「新建或增资扩产项目」的条件表达式" in error
    assert "'expand' 不是 build 的取值" in error


def test_type_error_in_expression() -> None:
    [error] = _errors(_broken("when: investment >= min_investment", "when: investment >= window_end"))
    assert "措施8" in error and "不能比较整数（金额）和日期" in error


def test_bad_parameter_value_and_unknown_parameter() -> None:
    errors = _errors(_broken("value: 3000万元", "value: 3000万美元"))
    assert any("措施5 参数「电子元器件及设备项目资…」第 1 个取值的值：金额“3000万美元”" in e for e in errors)
    [error] = _errors(_broken("ceiling: {cap: cap, rate: rate, base: actual_investment}",
                              "ceiling: {cap: cap, rate: rat, base: actual_investment}"))
    assert "的上限的比例参数：未知参数 'rat'" in error and error.split(": ")[1].startswith("措施7 资金规则「")


def test_clause_words_must_be_in_the_clause() -> None:
    [error] = _errors(_broken("clause: 对列入计划的项目\n", "clause: 对列入名单的项目\n"))
    assert WHEN13.replace("的条件表达式", "的条款原文：这段条文不在条文中") in error


def test_duplicate_measure_number() -> None:
    errors = _errors(_broken("  - number: 14\n", "  - number: 13\n"))
    assert any("措施13 措施编号：措施编号 13 重复" in e for e in errors)


def test_yaml_syntax_error_has_a_line() -> None:
    [error] = _errors(SHIPPED.replace("title: 发展总部经济", "title: [发展总部经济", 1))
    assert error.startswith("bad.yaml:") and "YAML 格式错误（第" in error
    assert "方括号 [ ] 没有闭合" in error, "said in Chinese, the parser's words after"


@pytest.mark.parametrize(("old", "new", "field"), [
    ("  end: 2025-12-31", "  end: 2025-02-30", "有效期截止日"),
    ("issued: 2022-07-23", "issued: 2022-13-23", "发布日期"),
])
def test_a_day_the_calendar_lacks_is_named_with_its_line_and_field(old: str, new: str, field: str) -> None:
    text = _broken(old, new)
    [error] = _errors(text)
    assert error.startswith(f"bad.yaml:{_line_of(text, new)}: {field}：") and "不是有效日期" in error


def test_a_parameter_dated_on_a_day_the_calendar_lacks_names_its_measure() -> None:
    text = SECOND.read_text("utf-8").replace("since: 2025-01-01", "since: 2025-02-29", 1)
    with pytest.raises(PolicyFileError) as caught:
        load_text(text, "bad.yaml")
    [error] = caught.value.problems
    line = _line_of(text, "2025-02-29")
    assert error == f"bad.yaml:{line}: 措施1 参数「上限」第 2 个取值的起始日期：2025-02-29 不是有效日期"


def test_a_date_value_on_a_day_the_calendar_lacks_is_named_as_such() -> None:
    text = SECOND.read_text("utf-8").replace("  source: 本措施自2024年1月1日起施行，有效期至2026年底。\n", (
        "  source: 本措施自2024年1月1日起施行，有效期至2026年底。\n"
        "  end_changes: [{since: 2025-06-01, value: 2027-02-30, source: 测试}]\n"), 1).replace(
        "      pilot_cap:", "      day: {label: 日期, kind: date, values: [{since: 2024-01-01, value: 2025-04-31, "
        "source: 测试}]}\n      pilot_cap:", 1)
    with pytest.raises(PolicyFileError) as caught:
        load_text(text, "bad.yaml")
    assert caught.value.problems == [  # in the order of the file's lines, the window (line 13) first
        f"bad.yaml:{_line_of(text, '2027-02-30')}: 第 1 次有效期截止日变更的新截止日：2027-02-30 不是有效日期",
        f"bad.yaml:{_line_of(text, '2025-04-31')}: 措施1 参数「日期」第 1 个取值的值：2025-04-31 不是有效日期"]


def test_a_key_given_twice_is_refused_at_its_second_line() -> None:
    text = _broken("    units: [省科技厅, 省财政厅]\n", "    units: [省科技厅, 省财政厅]\n    units: [省财政厅]\n")
    [error] = _errors(text)
    assert error == f"bad.yaml:{_line_of(text, 'units: [省财政厅]')}: 措施13 责任单位：键重复"
    twice = SHIPPED.replace("title: ", "id: zz-other\ntitle: ", 1)
    assert _errors(twice) == [f"bad.yaml:{_line_of(twice, 'id: zz-other')}: 政策编号：键重复"]


def test_a_key_beside_a_merge_overrides_it_and_is_no_repeat() -> None:
    from huiqi.rules.loader import read_yaml

    data, _ = read_yaml("base: &b\n  x: 1\n  y: 2\nother:\n  <<: *b\n  y: 3\n", "t.yaml")
    assert data["other"] == {"x": 1, "y": 3}


@pytest.mark.parametrize(("old", "new", "said"), [
    ("id: test-successor", "id: test-" + "x" * 40, "政策编号：不能超过 40 个字"),
    ("title: （测试用）", "title: " + "很" * 200, "政策标题：不能超过 200 个字"),
    ("number: 测试〔2024〕1号", "number: 测试〔2024〕1号" + "附" * 100, "文号：不能超过 100 个字"),
    ("units: [测试厅]", "units: [" + "省" * 101 + "]", "措施1 第 1 个责任单位：不能超过 100 个字"),
    ("  - number: 1\n", "  - number: 99999999999\n", "措施99999999999 措施编号：应不大于 127"),
    ("  - number: 1\n", "  - number: 128\n", "措施128 措施编号：应不大于 127"),
    ("  test_pilot: ", "  test_pilot" + "_x" * 20 + ": ", "事项代码「测试试点项目」：代码不能超过 40 个字符"),
])
def test_what_the_database_cannot_hold_is_refused_by_the_loader(old: str, new: str, said: str) -> None:
    text = SECOND.read_text("utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    with pytest.raises(PolicyFileError) as caught:
        load_text(text, "bad.yaml")
    assert f"bad.yaml:{_line_of(text, new.strip())}: {said}" in caught.value.problems


def test_the_loader_bounds_are_the_columns_sizes() -> None:
    from huiqi.models import Department, PolicyVersion, RecognitionList, Round
    from huiqi.rules import spec

    def size(table: type, column: str) -> int:
        return int(table.__table__.c[column].type.length)  # type: ignore[attr-defined]

    columns = [size(PolicyVersion, "policy_id"), size(Round, "policy_id"), size(PolicyVersion, "number"),
               size(PolicyVersion, "title"), size(Department, "name"), size(RecognitionList, "code")]
    assert columns == [spec.MAX_ID, spec.MAX_ID, spec.MAX_NUMBER, spec.MAX_TITLE, spec.MAX_UNIT, spec.MAX_CODE]


@pytest.mark.parametrize("expression", [
    "__import__('os').system('true')", "open('x')", "listed.real", "[x for x in codes]", "lambda: 1",
    "listed if core else core", "investment / 2", "codes[0]", "1.5 > investment",
])
def test_expressions_outside_the_whitelist_are_refused(expression: str) -> None:
    errors = _errors(_broken("when: listed", f'when: "{expression}"'))
    assert any(WHEN13 in e for e in errors)


def test_second_policy_loads_beside_the_shipped_one() -> None:
    policies = load_many(["ln-2022-35", str(SECOND)])
    assert [p.id for p in policies] == ["ln-2022-35", "test-successor"]
    assert [p.order for p in policies] == [0, 1]
    assert "test_pilot" in policies[1].codes and "test_pilot" not in policies[0].codes


def test_same_policy_twice_is_refused() -> None:
    with pytest.raises(PolicyFileError, match="加载了两次"):
        load_many(["ln-2022-35", "ln-2022-35"])


def test_missing_policy_file_or_id_is_said_with_the_shipped_ids() -> None:
    with pytest.raises(PolicyFileError) as caught:
        load_many(["/nonexistent/policy.yaml"])
    assert caught.value.problems == [
        "没有政策“/nonexistent/policy.yaml”：既不是内置政策编号（可用：ln-2022-35），也没有这个文件"]
    with pytest.raises(PolicyFileError, match="没有政策“demo-successor”：既不是内置政策编号（可用：ln-2022-35）"):
        load_many(["demo-successor"])
    with pytest.raises(PolicyFileError) as caught:
        load_file("/nonexistent/policy.yaml")
    assert caught.value.problems == ["/nonexistent/policy.yaml: 没有这个文件"]


def test_a_file_not_in_utf8_is_said_so_with_its_line(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.yaml"  # its first three lines are plain ASCII, the title on line 4 is not
    gbk.write_bytes(SECOND.read_text("utf-8").encode("gb18030"))
    with pytest.raises(PolicyFileError) as caught:
        load_file(gbk)
    assert caught.value.problems == [f"{gbk}:4: 文件不是 UTF-8 编码（可能是 GBK 等）：请用 UTF-8 另存后再试"]
    later = tmp_path / "later.yaml"
    later.write_bytes(SECOND.read_bytes().replace("测试机关".encode(), "测试机关".encode("gb18030")))
    with pytest.raises(PolicyFileError, match=f"{later}:5: 文件不是 UTF-8 编码"):
        load_file(later)


@pytest.mark.parametrize("text", ["", "# 只有注释\n", "\n\n"])
def test_an_empty_file_is_said_to_be_empty(text: str) -> None:
    assert _errors(text) == ["bad.yaml: 文件为空（没有任何政策内容，或只有注释）"]


def test_a_tab_in_the_indentation_is_said_in_chinese() -> None:
    [error] = _errors(SHIPPED.replace("    title: 发展总部经济", "\ttitle: 发展总部经济", 1))
    assert "YAML 格式错误（第 1 列）：此处用了制表符（Tab）缩进，请改用空格" in error


def test_dated_parameter_picks_the_value_in_force() -> None:
    second = load_many([str(SECOND)])[0]
    cap = second.measure(1).parameters["cap"]
    assert cap.at(date(2024, 12, 31), date(2024, 1, 1)) == 20_000_000
    assert cap.at(date(2025, 1, 1), date(2024, 1, 1)) == 25_000_000
    assert cap.at(None, date(2025, 6, 1)) == 25_000_000, "no matter date: the value on as_of"


def test_version_is_a_content_hash() -> None:
    a = load_text(SHIPPED, "a.yaml")
    b = load_text(SHIPPED.replace("# Conditions every", "# The conditions every"), "b.yaml")
    assert a.version != b.version and len(a.version) == 12


def test_stacks_with_is_read_per_monetary_measure_and_refused_on_a_service() -> None:
    """另有规定的除外: a measure may name policies whose support stacks with it; the shipped policy names none."""
    shipped = load_text(SHIPPED, "ok.yaml")
    assert all(m.stacks_with == () for m in shipped.measures)
    units = "    units: [省科技厅, 省财政厅]\n"
    named = load_text(_broken(units, units + "    stacks_with: [ln-x]\n"), "ok.yaml")
    assert named.measure(13).stacks_with == ("ln-x",)
    errors = _errors(_broken("    units: [省教育厅]\n", "    units: [省教育厅]\n    stacks_with: [ln-x]\n"))
    assert any("措施15 可叠加支持的政策：服务类措施没有资金" in e for e in errors)


def test_a_reading_naming_a_fact_by_its_program_name_is_refused() -> None:
    text = _broken("其他功能性机构”经确认为功能性机构也算", "其他功能性机构”经确认（institution_confirmed）也算")
    error = _errors(text)[0]  # the condition is reused (a YAML anchor): each use is named
    assert f"bad.yaml:{_line_of(text, '（institution_confirmed）')}: 措施1 资金规则「来辽设立总部、功能性机构」" \
           "的条件「设立的是总部、区域总部…」的解读：" in error
    assert "（institution_confirmed）" in error and "请写中文名称" in error


def test_the_walk_through_mistakes_are_named_by_chinese_labels() -> None:
    """The administrator's walk-through read 措施5 clause, 措施3 parameters.cap.values[1].since and number: the keys of
    the file, not what an officer calls them."""
    text = _broken("    clause: 巩固提升集成电路装备", "    clauze: 巩固提升集成电路装备")
    assert f"bad.yaml:{_line_of(text, '  - number: 5')}: 措施5 条款原文：缺少此项" in _errors(text)
    text = _broken("          - {since: 2022-07-23, value: 100万元, source: 措施3：分别给予最高100万元奖励}",
                   "          - {since: 2022-07-23, value: 100万元, source: 措施3：分别给予最高100万元奖励}\n"
                   "          - {since: 2024-13-45, value: 150万元, source: 测试}")
    said = f"bad.yaml:{_line_of(text, '2024-13-45')}: 措施3 参数「专精特新等企业奖励上限…」第 2 个取值的起始日期：" \
           "2024-13-45 不是有效日期"
    assert _errors(text) == [said]
    text = _broken("number: 辽政办〔2022〕35号\n", "number: 辽政办〔2022〕35号\nnumber: 辽政办〔2022〕36号\n")
    assert _errors(text) == [f"bad.yaml:{_line_of(text, '36号')}: 文号：键重复"]


@pytest.mark.parametrize(("new", "where", "said"), [
    ("title: !!int 发展总部经济", "line", "YAML 格式错误（第 12 列）：标签（如 !!int"),
    ("title: !!float x", "line", "YAML 格式错误（第 12 列）：标签（如 !!int"),
    ("title: !!timestamp x", "line", "YAML 格式错误（第 12 列）：标签（如 !!int"),
    ("title: &t [1, *t]", "?", "YAML 格式错误：嵌套过深，或锚点引用了它自身"),
])
def test_what_the_parser_s_constructor_refuses_is_said_too(new: str, where: str, said: str) -> None:
    """A tag on text it cannot read, and an anchor holding its own alias, are no YAML errors to the parser (a bare
    ValueError, a RecursionError): they are said as one, at the tagged line where there is one, never a 500."""
    old = "title: 发展总部经济"
    line = next(n for n, text in enumerate(SHIPPED.splitlines(), 1) if text.strip() == old)
    [error] = _errors(_broken(old, new))
    place, _, reason = error.partition(": ")
    assert place == f"bad.yaml:{line if where == 'line' else '?'}" and reason.startswith(said), error


@pytest.mark.parametrize(("old", "new"), [
    ("title: 发展总部经济", "title: [发展总部经济"),  # a bracket left open
    ("title: 发展总部经济", "title: {发展总部经济"),
    ("title: 发展总部经济", "title: '发展总部经济"),  # a quote left open
    ("    title: 发展总部经济", "   title: 发展总部经济"),  # one space short
    ("title: 发展总部经济", "title: 发展: 总部经济"),
    ("title: 发展总部经济", "title: @发展总部经济"),
    ("title: 发展总部经济", 'title: "发展\\q总部经济"'),
])
def test_a_yaml_syntax_error_is_said_in_chinese_with_its_line_and_column(old: str, new: str) -> None:
    """The parser's English (did not find expected ',' or ']') is never shown: the officer reads what to mend."""
    import re

    text = SHIPPED.replace(old, new, 1)
    [error] = _errors(text)
    where, _, said = error.partition(": ")
    assert re.fullmatch(r"bad\.yaml:\d+", where) and re.match(r"YAML 格式错误（第 \d+ 列）：", said), error
    assert not re.search(r"[A-Za-z]", said.replace("YAML", "")), error


CAP3 = "{since: 2022-07-23, value: 100万元, source: 措施3：分别给予最高100万元奖励}"


def test_a_cap_its_clause_does_not_state_is_a_warning_not_an_error() -> None:
    """The walk-through: clause 最高100万元 with cap 150万元 passed the check unremarked."""
    assert load_text(SHIPPED, "ln.yaml").warnings == ()
    text = _broken(CAP3, CAP3.replace("value: 100万元", "value: 150万元"))
    [warning] = load_text(text, "ln.yaml").warnings  # loaded all the same
    assert warning.startswith(f"ln.yaml:{_line_of(text, 'value: 150万元')}: 措施3 参数「专精特新等企业奖励上限…」")
    assert warning.endswith("150万元不见于措施3的条款原文（其中写的是 100万元）：请核对取值或条文")
    # the source rewritten to match the value cites the measure still: its clause decides
    assert load_text(text.replace("最高100万元奖励}", "最高150万元奖励}"), "ln.yaml").warnings


def test_a_later_value_cites_its_own_source() -> None:
    raised = CAP3 + "\n          - {since: 2024-01-01, value: 150万元, source: 某文件：上限提高至150万元}"
    assert load_text(_broken(CAP3, raised), "ln.yaml").warnings == ()
    [warning] = load_text(_broken(CAP3, raised.replace("提高至150万元", "提高")), "ln.yaml").warnings
    assert "第 2 个取值的值：150万元不见于其依据（其中没有写金额）" in warning
    # 超亿元 states one hundred million: measure 8's threshold is no warning
    assert "value: 1亿元" in SHIPPED


def test_a_policy_names_the_one_it_succeeds_but_not_itself() -> None:
    text = _broken("source: 辽宁省人民政府办公厅关于", "succeeds: ln-2021-1\nsource: 辽宁省人民政府办公厅关于")
    assert load_text(text, "ln.yaml").succeeds == "ln-2021-1" and load_text(SHIPPED, "ln.yaml").succeeds is None
    [error] = _errors(text.replace("succeeds: ln-2021-1", "succeeds: ln-2022-35"))
    assert error.startswith(f"bad.yaml:{_line_of(text, 'succeeds:')}: 接续的政策：政策不能接续它自己")
    [error] = _errors(text.replace("succeeds: ln-2021-1", "succeeds: LN 2021"))
    assert "接续的政策" in error


def test_a_value_dated_before_the_policy_could_apply_is_a_warning() -> None:
    """The walk-through: a file issued in 2026 carried a cap 自 2022-07-23, checked and published unremarked."""
    text = SHIPPED.replace("issued: 2022-07-23", "issued: 2022-08-01")
    text = text.replace("  start: 2022-07-23", "  start: 2022-08-01")
    warnings = load_text(text, "ln.yaml").warnings  # loaded all the same
    assert warnings and all("起始日期 2022-07-23 早于政策的发布日期和有效期起始日（2022-08-01）" in w for w in warnings)
    assert any(w.startswith(f"ln.yaml:{_line_of(text, CAP3)}: 措施3 参数「专精特新等企业奖励上限…」") for w in warnings)
    # a window opening before the issue date (施行追溯) makes values dated from the window's start apply
    back = SHIPPED.replace("issued: 2022-07-23", "issued: 2022-09-01")
    assert not [w for w in load_text(back, "ln.yaml").warnings if "早于" in w]
