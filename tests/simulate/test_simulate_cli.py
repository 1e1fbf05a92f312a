"""``huiqi simulate`` and ``huiqi population synth``: outputs, JSON shape, errors, and the Dask engine."""

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from huiqi.cli import app

ROOT = Path(__file__).parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "pop"
    result = runner.invoke(app, ["population", "synth", "--applicants", "1500", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def simulate(*args: str):
    return runner.invoke(app, ["simulate", *args, "--as-of", "2025-06-30"])


def test_synth_is_deterministic(population: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    runner.invoke(app, ["population", "synth", "--applicants", "1500", "--seed", "3", "--out", str(again)])
    for table in ("applicants", "matters"):
        assert pl.read_parquet(again / f"{table}.parquet").equals(pl.read_parquet(population / f"{table}.parquet"))


def test_json_has_only_the_keys_asked_for(population: Path) -> None:
    result = simulate(str(population), "--by", "measure,region,year", "--format", "json")
    assert result.exit_code == 0, result.output
    groups = json.loads(result.stdout)["groups"]
    assert set(groups[0]) == {"measure", "region", "year", "matters", "eligible", "undetermined", "grants",
                              "ceiling_sum", "unspecified_grants"}
    by_region = json.loads(simulate(str(population), "--by", "region", "--format", "json").stdout)["groups"]
    assert set(by_region[0]) == {"region", "matters", "eligible", "undetermined", "grants", "ceiling_sum",
                                 "unspecified_grants"}
    assert sum(g["ceiling_sum"] for g in groups) == sum(g["ceiling_sum"] for g in by_region)
    assert {g["region"] for g in by_region} >= {"210100", "210200", "shenfu", "outside", None}


def test_reform_reports_baseline_reform_and_difference(population: Path) -> None:
    result = simulate(str(population), "--by", "measure", "--reform", str(ROOT / "examples" / "reform.yaml"),
                      "--format", "json")
    data = json.loads(result.stdout)
    base = {g["measure"]: g for g in data["groups"]}
    reform = {g["measure"]: g for g in data["reform"]["groups"]}
    diff = {g["measure"]: g for g in data["difference"]}
    assert reform[11]["ceiling_sum"] > base[11]["ceiling_sum"]
    for measure, row in diff.items():
        assert row["ceiling_sum"] == reform[measure]["ceiling_sum"] - base[measure]["ceiling_sum"]
    by_year = simulate(str(population), "--by", "measure,year", "--reform", str(ROOT / "examples" / "reform.yaml"),
                       "--format", "json")
    years = {(g["measure"], g["year"]): g["ceiling_sum"] for g in json.loads(by_year.stdout)["difference"]}
    # measure 5's cap is unchanged: only the longer window (matters dated in 2026) adds to it
    assert all(v == 0 for (m, y), v in years.items() if m == 5 and y is not None and y < 2026)
    assert years[(5, 2026)] > 0 and years[(5, 2027)] == 0


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx", ".html"])
def test_outputs(population: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"report{suffix}"
    result = simulate(str(population), "--by", "measure,region", "--reform", str(ROOT / "examples" / "reform.yaml"),
                      "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists() and not list(tmp_path.glob(".*.partial"))
    if suffix == ".csv":
        assert {"measure", "region", "ceiling_sum", "reform_ceiling_sum", "diff_ceiling_sum"} <= set(
            pl.read_csv(out).columns)
    if suffix == ".xlsx":
        book = openpyxl.load_workbook(out)
        assert book.sheetnames[:2] == ["测算结果", "说明"] and "从高不重复：按措施（基线）" in book.sheetnames
        assert book["测算结果"]["A1"].value.startswith("财政测算：测算结果（"), "titled, as every export is"
        assert "计入支出（万元）" in [c.value for c in book["测算结果"][2]]
    if suffix == ".html":
        text = out.read_text("utf-8")
        assert "echarts" in text and "cdn" not in text.lower() and "<script src" not in text
        assert re.search("按措施：计入支出（(万元|亿元)）", text) and "沈阳市" in text


def test_table_in_chinese(population: Path) -> None:
    result = simulate(str(population), "--by", "region")
    assert result.exit_code == 0
    assert "计入支出（万元）" in result.stdout and "沈阳市" in result.stdout and "合计" in result.stdout


@pytest.mark.parametrize(("args", "field"), [
    (["--by", "city"], "--by"),
    (["--out", "report.pdf"], "--out"),
    (["--as-of", "2025-13-01"], "--as-of"),
])
def test_bad_options_exit_2(population: Path, args: list[str], field: str) -> None:
    result = runner.invoke(app, ["simulate", str(population), *args])
    assert result.exit_code == 2 and f"{field}：" in result.stderr


@pytest.mark.parametrize(("args", "said"), [
    (["--seed", "-5"], "--seed（随机种子）：应不小于 0"),
    (["--seed", str(2**32)], "--seed（随机种子）：应不大于 4294967295"),
    (["--seed", "abc"], "--seed（随机种子）：应为整数"),
    (["--applicants", "0"], "--applicants（合成申请人数）：应不小于 1"),
    (["--applicants", "2.5"], "--applicants（合成申请人数）：应为整数"),
    (["--per-applicant", "-1"], "--per-applicant（平均每个申请人的事项数）：应不小于 0"),
    (["--per-applicant", "nan"], "--per-applicant（平均每个申请人的事项数）：应为有限的数"),
    (["--per-applicant", "101"], "--per-applicant（平均每个申请人的事项数）：应不大于 100"),
])
def test_synth_refuses_bad_numbers_as_the_page_does(tmp_path: Path, args: list[str], said: str) -> None:
    out = tmp_path / "pop"
    result = runner.invoke(app, ["population", "synth", "--applicants", "5", "--out", str(out), *args])
    assert result.exit_code == 2 and said in result.stderr, result.output
    assert "Traceback" not in result.output and not out.exists()


def test_synth_and_the_page_say_the_same(tmp_path: Path) -> None:
    """The command line's reason is the page's and the API's, word for word (one check, not two copies)."""
    from pydantic import ValidationError

    from huiqi.simulate.jobs import JobCreate
    from huiqi.validation import problems

    for field, option, value in (("seed", "--seed", "-5"), ("seed", "--seed", str(2**32)),
                                 ("synthetic_applicants", "--applicants", "0")):
        with pytest.raises(ValidationError) as caught:
            JobCreate.model_validate({"synthetic_applicants": "10", field: value})
        (_, page_said), = problems(caught.value)
        result = runner.invoke(app, ["population", "synth", "--applicants", "5", "--out", str(tmp_path / "p"),
                                     option, value])
        assert result.exit_code == 2 and f"：{page_said}" in result.stderr, (page_said, result.stderr)


def test_a_day_before_the_policy_was_issued_is_refused_in_the_page_s_words(population: Path) -> None:
    """--as-of 2020-01-01 is before 辽政办〔2022〕35号 was issued (2022-07-23, in its policy file): refused with the
    page's reason, word for word; the issue day itself is taken."""
    from huiqi.rules.loader import load_many
    from huiqi.simulate.engine import too_early

    page_said = too_early(date(2020, 1, 1), load_many(None))
    assert page_said and "2022-07-23" in page_said
    result = runner.invoke(app, ["simulate", str(population), "--as-of", "2020-01-01", "--no-impact"])
    assert result.exit_code == 2, result.output
    assert f"--as-of（判断日期）：{page_said}" in result.stderr.replace("\n", ""), result.stderr
    assert result.stdout == ""
    taken = runner.invoke(app, ["simulate", str(population), "--as-of", "2022-07-23", "--no-impact"])
    assert taken.exit_code == 0, taken.output


def test_bad_population_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["simulate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "POPULATION：" in result.stderr


def test_dask_local_cluster_gives_identical_totals(population: Path) -> None:
    """The same compiled rules on a Dask LocalCluster: totals identical to the single-machine engine."""
    args = [str(population), "--by", "measure,region,year", "--format", "json", "--chunk-rows", "2000"]
    local = json.loads(simulate(*args).stdout)
    result = simulate(*args, "--engine", "dask")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == local
    assert len(local["groups"]) > 100


def test_simulate_reads_the_columns_of_issue_11(tmp_path: Path) -> None:
    """group_core and institution_confirmed from a CSV population; sums use the ceiling after other_support."""
    folder = tmp_path / "pop"
    folder.mkdir()
    (folder / "applicants.csv").write_text(
        "uscc,kind,region,industry\n91210100MA0QC1B25F,enterprise,210100,7211\n", "utf-8")
    (folder / "matters.csv").write_text(
        "id,uscc,type,codes,date,group_core,institution,institution_confirmed,other_support\n"
        "g,91210100MA0QC1B25F,honour,global_500,2019-07-01,true,,,\n"
        "e1,91210100MA0QC1B25F,project,establishment,2024-01-10,,other_function,true,5000000\n"
        "e2,91210100MA0QC1B25F,project,establishment,2024-02-10,,other_function,,\n", "utf-8")
    result = simulate(str(folder), "--by", "measure", "--format", "json")
    assert result.exit_code == 0, result.output
    m1 = next(g for g in json.loads(result.stdout)["groups"] if g["measure"] == 1)
    assert (m1["matters"], m1["eligible"], m1["undetermined"], m1["grants"]) == (2, 1, 1, 1)
    assert m1["ceiling_sum"] == 15_000_000, "20,000,000 less 5,000,000 already received elsewhere"


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_large_synthetic_population_is_made_in_blocks(tmp_path: Path, monkeypatch, fmt: str) -> None:
    """Blocks of applicants (here 400) make one valid population of distinct applicants."""
    from huiqi.rules.loader import vocabulary
    from huiqi.simulate import cli
    from huiqi.simulate.population import read_population
    from huiqi.simulate.synth import synthesise

    monkeypatch.setattr(cli, "SYNTH_BLOCK", 400)
    out = tmp_path / "pop"
    result = runner.invoke(app, ["population", "synth", "--applicants", "1000", "--per-applicant", "1.6",
                                 "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    pop = read_population(out, vocabulary())  # valid: codes distinct, every matter's applicant present
    people, matters = pop.applicants.collect(), pop.matters.collect()
    assert people.height == 1000 and people["uscc"].n_unique() == 1000 and people["name"].n_unique() == 1000
    assert matters.height == int(result.output.split("、")[1].split(" ")[0])
    first, first_matters = synthesise(400, 1, vocabulary(), 1.6)
    assert people.head(400).equals(first) and matters.head(first_matters.height).equals(first_matters)
    assert not (out / ".blocks").exists()


EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I)


def test_impact_in_json_and_the_html_report(population: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = simulate(str(population), "--by", "region", "--reform", str(ROOT / "examples" / "reform.yaml"),
                      "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    impact = json.loads(result.stdout)["impact"]
    assert set(impact) == {"as_of", "windows", "years", "total", "groups", "stacking", "revenue_bands", "policies",
                           "measures", "enterprises"}
    assert set(impact["groups"]) == {"size", "section", "city", "revenue_band"}
    assert impact["total"]["applicants"] == 1500 and len(impact["stacking"]) == 2
    assert impact["windows"] == [[2022, 2025], [2022, 2026]] and impact["years"][-1]["year"] == 2026
    assert impact["measures"][0]["measure"] == 11 and len(impact["enterprises"]) == 10
    cost = sum(g["ceiling_sum"] for g in json.loads(result.stdout)["groups"])
    assert sum(y["ceiling_sum"] for y in impact["years"]) == cost == impact["total"]["ceiling_sum"]
    text = out.read_text("utf-8")
    assert "改革影响分析" in text and "逐年支出（按事项日期所在年份）" in text and "受益变化：按行业门类（家）" in text
    assert "核心企业覆盖率" in text and "从高不重复节省" in text and "亿元" in text
    assert "从高不重复：按措施（基线）" in text and "从高不重复：按措施（改革后）" in text
    assert "措施11 支持融合基础设施建设" in text and ">11 支持" not in text  # measures cited as every list does
    assert text.count("data-charts=") == 2 and "huiqiBars" in text
    assert not EXTERNAL.search(text), EXTERNAL.search(text)
    tables, boxed = text.count("<table"), text.count('<div class="table-scroll" tabindex="0" role="region"')
    assert tables == boxed == 10, "every table scrolls in its own box: on a phone the page does not scroll sideways"


def test_external_requests_are_caught() -> None:
    """The pattern the report is held to finds what would make a browser call another host."""
    for tag in ('<script src="https://cdn.example/echarts.js">', "<link href='//cdn.example/a.css'>",
                '<img src=http://x/y.png>', "<style>@import 'x.css'</style>", "a{background:url(https://x/y)}"):
        assert EXTERNAL.search(tag), tag
    assert not EXTERNAL.search('document.createElementNS("http://www.w3.org/2000/svg", "svg")')


def test_no_impact_skips_it(population: Path) -> None:
    result = simulate(str(population), "--by", "measure", "--format", "json", "--no-impact")
    assert result.exit_code == 0 and "impact" not in json.loads(result.stdout)
    table = simulate(str(population), "--by", "measure")
    assert "核心企业覆盖率（基线）" in table.stdout and "从高不重复节省（基线）" in table.stdout
    assert "措施3 培育中小企业" in table.stdout


def test_a_population_without_matters(tmp_path: Path) -> None:
    """Nothing to pay: zeros, empty groups and a report that still opens, never a crash."""
    folder = tmp_path / "pop"
    folder.mkdir()
    (folder / "applicants.csv").write_text("uscc,kind,region,industry\n", "utf-8")
    (folder / "matters.csv").write_text("id,uscc,type,codes,date\n", "utf-8")
    out = tmp_path / "report.html"
    result = simulate(str(folder), "--by", "measure,region,year", "--reform", str(ROOT / "examples" / "reform.yaml"),
                      "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["groups"] == [] and data["impact"]["total"]["applicants"] == 0
    assert [y["ceiling_sum"] for y in data["impact"]["years"]] == [0, 0, 0, 0, 0]
    assert "改革影响分析" in out.read_text("utf-8")


def _bad_population(tmp_path: Path, case: str) -> Path:
    from huiqi.rules.loader import vocabulary
    from huiqi.simulate.population import write_population
    from huiqi.simulate.synth import synthesise

    people, matters = synthesise(20, 3, vocabulary())
    if case == "workbook":
        (tmp_path / "pop.xlsx").write_bytes(b"not a workbook")
        return tmp_path / "pop.xlsx"
    if case == "negative":
        return write_population(people, matters.with_columns(pl.lit(-100_000_000).alias("investment")),
                                tmp_path / "pop", "parquet")
    folder = write_population(people, matters, tmp_path / "pop", "csv")
    (folder / "matters.csv").write_bytes({"empty": b"", "encoding": b"id,uscc,type,codes\n\xff\xfe\x81\n",
                                          "columns": b"id,type,codes\n"}[case])
    return folder


@pytest.mark.parametrize(("case", "message"), [
    ("empty", "matters.csv 是空的"),
    ("encoding", "matters.csv 的编码无法识别"),
    ("columns", "matters.uscc（统一社会信用代码）：缺少这一列（必填）"),
    ("negative", "investment（投资额（元））：应为非负整数（元）"),
    ("workbook", "POPULATION：pop.xlsx 不是有效的 Excel 工作簿"),
])
def test_a_bad_population_file_exits_2_with_its_reason(tmp_path: Path, case: str, message: str) -> None:
    result = simulate(str(_bad_population(tmp_path, case)), "--no-impact")
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output and str(tmp_path) not in result.stderr


# The files ``population synth --applicants 500 --seed 7 --format csv`` wrote before it took a policy (sha256).
SYNTH_500_SEED_7 = {"applicants.csv": "43c7c2e5d957d2bd39ebcb0766e00e6650eca5ab2ee8d060c6c19e0d489db95f",
                    "matters.csv": "0d7d1959d1cc705ca3a709f06e5dee8063bdaf83b11f24111db1dee095f60cc5"}


def test_synth_without_a_policy_writes_what_it_always_wrote(tmp_path: Path) -> None:
    out = tmp_path / "pop"
    result = runner.invoke(app, ["population", "synth", "--applicants", "500", "--seed", "7", "--format", "csv",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in SYNTH_500_SEED_7} == \
        SYNTH_500_SEED_7


def test_synth_for_a_policy_draws_its_own_codes_in_its_window(tmp_path: Path) -> None:
    """A successor's own codes (one with the kinds it allows) get matters, with the facts they read, dated in its
    window (2% on its bounds and the days beside them); the shipped policy's rules still find their codes."""
    text = (ROOT / "tests/fixtures/second-policy.yaml").read_text("utf-8").replace(
        "codes:\n", "codes:\n  test_lab: {type: honour, label: 测试实验室, fields: [platform],"
                    " choices: {platform: [key_lab]}}\n", 1)
    policy = tmp_path / "successor.yaml"
    policy.write_text(text, "utf-8")
    out = tmp_path / "pop"
    result = runner.invoke(app, ["population", "synth", "--applicants", "2000", "--seed", "1", "--policy",
                                 str(policy), "--out", str(out)])
    assert result.exit_code == 0, result.output
    matters = pl.read_parquet(out / "matters.parquet")
    pilots = matters.filter(pl.col("codes").list.contains("test_pilot"))
    labs = matters.filter(pl.col("codes").list.contains("test_lab"))
    assert pilots.height > 50 and set(pilots["type"]) == {"project"} and pilots["investment"].is_not_null().mean() > .9
    assert labs.height > 50 and set(labs["platform"].drop_nulls()) == {"key_lab"} and set(labs["type"]) == {"honour"}
    dates = matters["date"].drop_nulls()
    inside = dates.is_between(date(2024, 1, 1), date(2026, 12, 31))
    assert inside.mean() > .98 and set(dates.filter(~inside)) == {date(2023, 12, 31), date(2027, 1, 1)}
    assert {date(2024, 1, 1), date(2026, 12, 31)} <= set(dates)
    simulated = runner.invoke(app, ["simulate", str(out), "-p", "ln-2022-35", "-p", str(policy), "--as-of",
                                    "2026-06-30", "--format", "json", "--no-impact"])
    assert simulated.exit_code == 0, simulated.output
    measure = next(g for g in json.loads(simulated.stdout)["groups"] if g["policy"] == "test-successor"
                   and g["measure"] == 1)
    smart = matters.filter(pl.col("codes").list.contains("smart_manufacturing")).height
    assert measure["matters"] == pilots.height + smart and measure["ceiling_sum"] > 0, "its pilots are reached"


def test_synth_refuses_an_unknown_policy(tmp_path: Path) -> None:
    result = runner.invoke(app, ["population", "synth", "--applicants", "5", "--policy", "nope", "--out",
                                 str(tmp_path / "pop")])
    assert result.exit_code == 2 and "没有政策“nope”" in result.output and not (tmp_path / "pop").exists()


def test_catalogue_reads_a_folder_of_policy_files_in_the_catalogue_s_order(population: Path, tmp_path: Path) -> None:
    """``--catalogue FOLDER`` runs on the policies of the folder (as ``huiqi policy export`` writes them), ordered
    as the catalogue orders them; ``--policy`` chooses among them; a folder without them is refused."""
    folder = tmp_path / "catalogue"
    folder.mkdir()
    second = ROOT / "tests" / "fixtures" / "second-policy.yaml"
    (folder / "test-successor.yaml").write_bytes(second.read_bytes())
    (folder / "ln-2022-35.yaml").write_bytes((ROOT / "src" / "huiqi" / "policies" / "ln-2022-35.yaml").read_bytes())
    both = simulate(str(population), "--catalogue", str(folder), "--format", "json")
    assert both.exit_code == 0, both.output
    data = json.loads(both.stdout)
    assert [p["id"] for p in data["policies"]] == ["ln-2022-35", "test-successor"]  # issued 2022, then 2024
    assert {g["policy"] for g in data["groups"]} == {"ln-2022-35", "test-successor"}
    named = simulate(str(population), "--policy", "ln-2022-35", "--policy", str(second), "--format", "json")
    assert json.loads(named.stdout)["groups"] == data["groups"], "the same policies loaded by name: the same totals"
    one = json.loads(simulate(str(population), "--catalogue", str(folder), "--policy", "test-successor",
                              "--format", "json").stdout)
    assert [p["id"] for p in one["policies"]] == ["test-successor"]
    unknown = simulate(str(population), "--catalogue", str(folder), "--policy", "nope")
    assert unknown.exit_code == 2 and "--policy：文件夹" in unknown.stderr and "中没有政策“nope”" in unknown.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = simulate(str(population), "--catalogue", str(empty))
    assert refused.exit_code == 2 and "没有政策文件（.yaml）：请先运行 huiqi policy export" in refused.stderr
    assert "不是文件夹" in simulate(str(population), "--catalogue", str(second)).stderr


def test_a_reform_without_grouping_gives_the_totals_and_their_difference(population: Path) -> None:
    """``--by ""`` (the page's boxes all left unticked) with a reform: one row each, no join on keys there are not."""
    result = simulate(str(population), "--by", "", "--reform", str(ROOT / "examples" / "reform.yaml"),
                      "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [base], [reform], [diff] = data["groups"], data["reform"]["groups"], data["difference"]
    assert diff["ceiling_sum"] == reform["ceiling_sum"] - base["ceiling_sum"] > 0
    assert diff["matters"] == reform["matters"] - base["matters"]


ZERO = "name: 取消措施11\nchanges:\n  - {parameter: 11.cap, since: 2022-07-23, value: 0元, source: 测试}\n"


def test_a_cap_cut_to_0_leaves_no_supported_item(population: Path, tmp_path: Path) -> None:
    """The 0元 grants of measure 11 are no 可支持 item, no 支持项数 of a year, in the JSON and in the workbook."""
    reform = tmp_path / "zero.yaml"
    reform.write_text(ZERO, "utf-8")
    out = tmp_path / "report.xlsx"
    result = simulate(str(population), "--by", "measure", "--reform", str(reform), "--format", "json",
                      "--out", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    base = {g["measure"]: g for g in data["groups"]}
    reformed = {g["measure"]: g for g in data["reform"]["groups"]}
    diff = {g["measure"]: g for g in data["difference"]}
    assert base[11]["grants"] > 0 and reformed[11]["eligible"] > 0
    assert (reformed[11]["grants"], reformed[11]["ceiling_sum"]) == (0, 0)
    assert diff[11]["grants"] == -base[11]["grants"]
    impact = data["impact"]
    assert sum(y["reform_grants"] for y in impact["years"]) == sum(g["grants"] for g in reformed.values())
    assert next(m for m in impact["measures"] if m["measure"] == 11)["reform_grants"] == 0
    sheet = openpyxl.load_workbook(out)["测算结果"]
    header = [c.value for c in sheet[2]]  # under the title
    row = next(dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=3, values_only=True)
               if str(r[0]).startswith("措施11 "))
    assert (row["可支持"], row["改革后可支持"], row["可支持差额"]) == (base[11]["grants"], 0, -base[11]["grants"])


REFORM_OK = "  - {parameter: 11.cap, since: 2025-01-01, value: 1500万元, source: 测试}\n"


@pytest.mark.parametrize(("text", "said"), [
    ("name: 甲\nchanges:\n" + REFORM_OK + "   bad: [\n",
     "第 4 行第 4 列：YAML 格式错误：列表项应以“- ”开头，并与同一列表的其他项对齐"),
    ("name: 甲\nchanges:\n\t- x\n",
     "第 3 行第 1 列：YAML 格式错误：此处用了制表符（Tab）缩进，请改用空格"),
    ("name: 甲\nname: 乙\nchanges:\n" + REFORM_OK, "第 2 行：“name”写了两次（每一项只能写一次）"),
    ("name: 甲\nchanges:\n" + REFORM_OK.replace("2025-01-01", "soon"),
     "第 3 行，第 1 项修改的生效日期（since）：应为日期（YYYY-MM-DD）"),
    ("name: 甲\nchanges:\n" + REFORM_OK.replace("1500万元", "abc"),
     "第 3 行：措施11「融合基础设施项目资金支持上限（单个项目）」（11.cap）的新值：金额“abc”应写作整数元，"
     "或带单位的数（元、万元、亿元）"),
    (None, "没有这个文件"),
    (b"name: \xb8\xc4\n", "第 1 行：文件不是 UTF-8 编码（可能是 GBK 等）：请用 UTF-8 另存后再试"),
])
def test_a_bad_reform_file_is_said_in_chinese_with_the_file_and_its_line(population: Path, tmp_path: Path,
                                                                          text: str | bytes | None, said: str) -> None:
    """As the page says a mistake in the YAML typed in beside its box (``reform_problems``), after the file's name;
    never the YAML parser's English, never called a policy file."""
    path = tmp_path / "reform.yaml"
    if isinstance(text, str):
        path.write_text(text, "utf-8")
    elif text is not None:
        path.write_bytes(text)
    result = simulate(str(population), "--reform", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == ["输入有误：", f"  改革方案 {path}：{said}"], result.stderr
    assert not re.search("[a-z]{4,} [a-z]{3,}", result.stderr.replace(str(path), "")), "no English sentence"


def test_a_reform_file_may_write_a_percent_as_the_page_takes_it(population: Path, tmp_path: Path) -> None:
    """``value: 20%`` for 措施2's 营业收入同比增长率下限（%） runs, as "20%" typed in the page's table does."""
    path = tmp_path / "reform.yaml"
    path.write_text("name: 增长率\nchanges:\n  - {parameter: 2.growth_percent, since: 2025-01-01, value: 20%, "
                    "source: t}\n", "utf-8")
    result = simulate(str(population), "--reform", str(path), "--no-impact", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reform"]["name"] == "增长率"
