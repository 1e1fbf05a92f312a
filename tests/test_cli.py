"""The command line: answers in the interchange shape, and exit status 2 with the field named."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from huiqi.cli import app

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "case.json"
SECOND = ROOT / "tests" / "fixtures" / "second-policy.yaml"
runner = CliRunner()


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), input=input, env=env)


def case_with(**changes) -> str:
    data = json.loads(EXAMPLE.read_text("utf-8"))
    for path, value in changes.items():
        target = data
        *parents, last = path.split("__")
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return json.dumps(data, ensure_ascii=False)


def test_match_json_is_the_interchange_shape() -> None:
    result = invoke("match", str(EXAMPLE), "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["as_of"] == "2025-06-30" and answer["expired"] is False
    rows = {(r["matter"], r["measure"]): r for r in answer["results"]}
    assert rows[("p1", 11)]["status"] == "eligible" and rows[("p1", 11)]["excluded_by"] == 5
    assert rows[("p1", 11)]["ceiling"] == 10_000_000
    assert rows[("p1", 5)]["ceiling"] == 30_000_000 and rows[("p1", 5)]["excluded_by"] is None
    assert rows[("h1", 3)]["ceiling"] == 1_000_000
    assert {"text", "value", "clause"} <= set(rows[("p1", 5)]["conditions"][0])
    assert [(g["matter"], g["measure"], g["ceiling"]) for g in answer["grants"]] == [
        ("h1", 3, 1_000_000), ("p1", 5, 30_000_000)]
    assert answer["total_ceiling"] == 31_000_000
    assert {s["measure"] for s in answer["services"]} == {17, 18, 19, 20}
    assert [item["measure"] for item in answer["local"]] == [2]


def test_match_table_in_chinese_and_wan_yuan() -> None:
    result = invoke("match", str(EXAMPLE))
    assert result.exit_code == 0
    for text in ("各事项适用的措施", "可获支持（从高不重复后）", "3100", "从高：由措施5支持", "适用的服务措施"):
        assert text in result.stdout


def test_match_reads_stdin_and_as_of_overrides() -> None:
    result = invoke("match", "-", "--format", "json", "--as-of", "2026-11-24", input=EXAMPLE.read_text("utf-8"))
    assert result.exit_code == 0
    answer = json.loads(result.stdout)
    assert answer["as_of"] == "2026-11-24" and answer["expired"] is True
    assert answer["total_ceiling"] == 31_000_000, "matters dated inside the window are still answered"
    assert answer["services"] == [] and answer["local"] == [], "after the window, no longer in force"
    assert {s["measure"] for s in answer["expired_services"]} == {17, 18, 19, 20}
    assert all(s["expired"] for s in answer["expired_services"] + answer["expired_local"])


def test_match_tops_up_support_received_elsewhere() -> None:
    result = invoke("match", "-", "--format", "json", input=case_with(matters__1__other_support=20_000_000))
    answer = json.loads(result.stdout)
    rows = {(r["matter"], r["measure"]): r for r in answer["results"]}
    assert (rows[("p1", 5)]["ceiling"], rows[("p1", 5)]["ceiling_before_deduction"]) == (10_000_000, 30_000_000)
    assert answer["total_ceiling"] == 11_000_000
    table = invoke("match", "-", input=case_with(matters__1__other_support=20_000_000)).stdout
    assert "1000（3000 − 已获其他政策 2000）" in table


@pytest.mark.parametrize(("case", "field", "reason"), [
    (case_with(applicant__uscc="91210100MA0QC1B25X"), "applicant.uscc", "校验位错误"),
    (case_with(matters__0__codes=["little_gaint"]), "matters[0].codes", "未知事项代码 'little_gaint'"),
    (case_with(matters__1__date="2024-02-30"), "matters[1].date", "不是有效日期"),
    (case_with(matters__1__investment=-5), "matters[1].investment", "应不小于 0"),
    (case_with(applicant__region="219999"), "applicant.region", "不是辽宁省的行政区划代码"),
    (case_with(applicant__size="huge"), "applicant.size", "取值应为 大型（large）、中型（medium）、小型"),
    ('{"applicant": {', "case", "JSON 格式错误"),
    ("[]", "（整体）", "应为对象"),
    ('{"applicant": {"revenue": ' + "9" * 5000 + "}}", "case", "位数过多的数字"),
    ("[" * 100_000 + "]" * 100_000, "case", "嵌套层数过多"),
    (case_with(applicant__region="210000"), "applicant.region", "注册地所在的市或县"),
    ('{"matters": [{"id": "h1", "type": "honour", "codes": ["national_platform"], '
     '"platform": "digital_transformation_center"}]}', "matters[0]", "platform：数字化转型促进中心"),
])
def test_invalid_input_exits_2_naming_the_field(case: str, field: str, reason: str) -> None:
    result = invoke("match", "-", input=case)
    assert result.exit_code == 2
    assert f"{field}：" in result.stderr and reason in result.stderr, result.stderr
    assert result.stdout == "", "nothing half-written on stdout"


def test_a_bom_is_read_and_a_file_not_in_utf8_is_named(tmp_path: Path) -> None:
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())
    assert invoke("match", str(bom), "--format", "json").exit_code == 0
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes('{"applicant": {"name": "示例科技"}}'.encode("gbk"))
    result = invoke("match", str(gbk))
    assert result.exit_code == 2 and "CASE：无法读取" in result.stderr and "应为 UTF-8 编码" in result.stderr
    assert "codec" not in result.stderr


def test_bad_as_of_and_missing_file() -> None:
    result = invoke("match", str(EXAMPLE), "--as-of", "2025/06/30")
    assert result.exit_code == 2 and "--as-of：" in result.stderr
    result = invoke("match", "/nonexistent/case.json")
    assert result.exit_code == 2 and "CASE：无法读取" in result.stderr


def test_policy_option_loads_a_second_policy() -> None:
    result = invoke("match", str(EXAMPLE), "--format", "json", "-p", "ln-2022-35", "-p", str(SECOND))
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    rows = {(r["policy"], r["matter"], r["measure"]): r for r in answer["results"]}
    # p1 is a smart-manufacturing project: the successor's 40% of 80,000,000 (capped 2000万) competes with
    # measure 5's 3000万 of ln-2022-35, which stays the highest.
    assert rows[("test-successor", "p1", 1)]["ceiling"] == 20_000_000
    assert rows[("test-successor", "p1", 1)]["excluded_by"] == 5
    assert rows[("test-successor", "p1", 1)]["excluded_by_policy"] == "ln-2022-35"
    assert [p["id"] for p in answer["policies"]] == ["ln-2022-35", "test-successor"]
    table = invoke("match", str(EXAMPLE), "-p", "ln-2022-35", "-p", str(SECOND), env={"COLUMNS": "300"}).stdout
    row = next(line for line in table.splitlines() if "测试〔2024〕1号 1 智能制造配套支持" in line)
    assert "从高：由辽政办〔2022〕35号措施5支持" in row, "the measure kept is named with its policy"


def test_policy_show_and_check(tmp_path: Path) -> None:
    result = invoke("policy", "show", "11", "--as-of", "2025-06-30")
    assert result.exit_code == 0
    for text in ("支持融合基础设施建设", "按照不超过投资额的30%", "1000万元", "省数据局", "30%"):
        assert text in result.stdout
    assert invoke("policy", "show", "99").exit_code == 2
    everything = invoke("policy", "show", "--as-of", "2025-06-30").stdout
    assert "chain_introduction" not in everything and "参数 cap" not in everything
    assert "适用：establishment" not in everything
    assert "适用：来辽设立总部或功能性机构" in everything and "总部及功能性机构资金支持上限：2000万元" in everything
    assert invoke("policy", "check", str(SECOND)).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(SECOND.read_text("utf-8").replace("when: core", "when: coer"), "utf-8")
    result = invoke("policy", "check", str(bad))
    assert result.exit_code == 2 and "未知名称 'coer'" in result.stderr and f"{bad}:" in result.stderr


def test_policy_check_names_a_day_the_calendar_lacks_and_a_key_given_twice(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SECOND.read_text("utf-8").replace("  end: 2026-12-31", "  end: 2028-02-30", 1), "utf-8")
    result = invoke("policy", "check", str(bad))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert f"{bad}:" in result.stderr and "有效期截止日：2028-02-30 不是有效日期" in result.stderr
    bad.write_text(SECOND.read_text("utf-8").replace("title: ", "id: zz-again\ntitle: ", 1), "utf-8")
    result = invoke("policy", "check", str(bad))
    assert result.exit_code == 2 and "政策编号：键重复" in result.stderr


def test_a_missing_policy_or_a_file_not_in_utf8_is_said_in_chinese(tmp_path: Path) -> None:
    result = invoke("policy", "show", "--policy", "demo-successor")
    assert result.exit_code == 2 and "Errno" not in result.stderr
    assert "没有政策“demo-successor”：既不是内置政策编号（可用：ln-2022-35），也没有这个文件" in result.stderr
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes(SECOND.read_text("utf-8").encode("gb18030"))
    for args in (("policy", "check", str(gbk)), ("policy", "add", str(gbk), "--by", "admin")):
        result = invoke(*args)
        assert result.exit_code == 2 and f"{gbk}:4: 文件不是 UTF-8 编码" in result.stderr, args


def test_installed_command_runs() -> None:
    """The console script works end to end (stdin, exit status) outside the test runner."""
    huiqi = Path(sys.executable).parent / "huiqi"
    done = subprocess.run([str(huiqi), "match", "-"], input='{"matters": [{"id": 1}]}',
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "matters[0].id" in done.stderr


def test_match_asks_the_next_question_and_says_what_would_change() -> None:
    case = {"as_of": "2025-06-30", "applicant": {"kind": "enterprise", "region": "210100"}, "matters": [
        {"id": "h3", "type": "honour", "codes": ["srdi_sme"], "level": "industry", "date": "2023-07-15"},
        {"id": "p1", "type": "project", "codes": ["smart_manufacturing"], "date": "2024-03-01"}]}
    text = json.dumps(case, ensure_ascii=False)
    answer = json.loads(invoke("match", "-", "--format", "json", input=text).stdout)
    assert [q["fact"] for q in answer["questions"]] == ["p1.investment"]  # h3 is ineligible whatever the industry
    assert answer["changes"][0]["fixes"][0]["would"] == "级别为国家级或省级"
    table = invoke("match", "-", input=text).stdout
    for said in ("先问这些问题", "事项p1（智能制造项目）的投资额是多少（万元）？", "h3 · 措施3：怎样才能符合"):
        assert said in table


def test_policy_check_gives_one_verdict_for_a_failing_situation_and_warns_of_a_cap(tmp_path: Path) -> None:
    """The walk-through: a file whose test case failed printed “✓ …；1 处测试情形未通过” then “政策文件有误”; a cap its
    clause does not state passed unremarked."""
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(SECOND.read_text("utf-8").replace("ceiling: 500000}]", "ceiling: 400000}]"), "utf-8")
    result = invoke("policy", "check", str(wrong), env={"COLUMNS": "300"})
    assert result.exit_code == 2 and "✓" not in result.stdout
    assert "✗" in result.stdout and "1 处测试情形未通过" in result.stdout and "政策文件有误" in result.stderr
    assert "上限应为 40 万元，实为 50 万元" in result.stderr
    doubtful = tmp_path / "doubtful.yaml"
    doubtful.write_text(SECOND.read_text("utf-8").replace("提高至2500万元}", "提高}"), "utf-8")
    result = invoke("policy", "check", str(doubtful), env={"COLUMNS": "300"})
    assert result.exit_code == 0 and "✓" in result.stdout, "a warning, not a refusal"
    assert "请核对" in result.stdout and "2500万元不见于其依据" in result.stdout
    assert "请核对" not in invoke("policy", "check", str(SECOND)).stdout
