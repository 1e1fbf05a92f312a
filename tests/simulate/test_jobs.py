"""Simulation jobs over HTTP: start (synthetic or uploaded), poll, fetch reports; who may, and bad input."""

import html
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from sqlalchemy import func, select

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.models import SimulationJob
from huiqi.rules.batch import APPLICANT_SCHEMA, MATTER_SCHEMA
from huiqi.rules.loader import vocabulary
from huiqi.simulate import jobs, reforms, workbook
from huiqi.simulate.population import SHOWN, write_population
from huiqi.simulate.synth import synthesise
from huiqi.users.scope import SYSTEM
from tests.simulate.test_workbook import lzma_damaged
from tests.webtest import bearer, marked

pytestmark = pytest.mark.anyio
REFORM = "name: 测试改革\nchanges:\n  - {parameter: 11.cap, since: 2025-01-01, value: 1500万元, source: 测试}\n"

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"
BY_MEASURE = re.compile("按措施：计入支出（(万元|亿元)）")  # a chart reads in 亿元 once its largest bar reaches one


async def test_finance_runs_a_synthetic_simulation_with_a_reform(client, people, session) -> None:
    headers = bearer(session, people.finance)
    started = await client.post("/api/v1/simulations", headers=headers, data={
        "synthetic_applicants": "400", "seed": "5", "by": "measure,region", "as_of": "2025-06-30", "reform": REFORM})
    assert started.status_code == 202, started.text
    job = (await client.get(f"/api/v1/simulations/{started.json()['id']}", headers=headers)).json()
    assert job["state"] == "done" and job["total"] >= 1 and job["done"] == job["total"]
    groups = job["result"]["groups"]
    assert set(groups[0]) >= {"measure", "region", "matters", "grants", "ceiling_sum"}
    diff = {(g["measure"], g["region"]): g["ceiling_sum"] for g in job["result"]["difference"]}
    assert sum(v for (m, _), v in diff.items() if m == 11) > 0 and all(v == 0 for (m, _), v in diff.items() if m != 11)
    impact = job["result"]["impact"]
    assert impact["total"]["applicants"] == 400 and impact["total"]["lose"] == 0 and impact["total"]["gain"] > 0
    assert [m["measure"] for m in impact["measures"]] == [11]
    assert impact["total"]["diff_ceiling_sum"] == sum(diff.values())
    xlsx = await client.get(f"/api/v1/simulations/{job['id']}/report.xlsx", headers=headers)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["测算结果", "说明", "逐年支出（按事项日期所在年份）", "支出变化最大的十项措施",
                               "支持额变化最大的十个申请人", "按企业规模：受益变化与覆盖率",
                               "按行业门类：受益变化与覆盖率", "按城市：受益变化与覆盖率",
                               "按营业收入：受益变化与覆盖率", "从高不重复：按措施（基线）",
                               "从高不重复：按措施（改革后）"]
    years = [[c.value for c in row] for row in book["逐年支出（按事项日期所在年份）"].iter_rows(min_row=2)]
    assert years[0][:4] == ["年份", "基线支出（元）", "基线支出（万元）", "基线支持项数"], years[0]
    assert [row[1] for row in years[1:]] == [r["ceiling_sum"] for r in impact["years"]], "whole yuan, as computed"
    assert all(row[2] == pytest.approx(row[1] / 10_000) for row in years[1:]), "万元 beside, as numbers"
    assert [row[0] for row in years[1:]] == [r["year"] for r in impact["years"]], "a year is a number"
    assert years[0][-1] == "备注" and {row[-1] for row in years[1:]} <= {"", "窗口外", "改革延长"}
    sizes = list(book["按企业规模：受益变化与覆盖率"].iter_rows(min_row=2))
    coverage = [c.value for c in sizes[0]].index("覆盖率（基线）")
    shares = [row[coverage] for row in sizes[1:]]
    assert all(isinstance(c.value, float | int) and 0 <= c.value <= 1 and c.number_format.endswith("%")
               for c in shares if c.value is not None), [(c.value, c.number_format) for c in shares]
    assert any(c.value is not None for c in shares)
    assert dict(book["说明"].iter_rows(values_only=True))["事项数"] == job["result"]["matters"]
    titles = [book[name]["A1"].value for name in book.sheetnames]
    assert all(t.startswith(f"财政测算 #{job['id']}：") and f"（{clock.today().isoformat()} 生成，判断日期 " in t
               for t in titles), titles
    assert titles[0].startswith(f"财政测算 #{job['id']}：测算结果（"), "the run, named as its page names it"
    assert "计入支出（万元）" in [c.value for c in book["测算结果"][2]], "the header under the title"
    html = await client.get(f"/api/v1/simulations/{job['id']}/report.html", headers=headers)
    assert "echarts" in html.text and "<script src" not in html.text
    listed = (await client.get("/api/v1/simulations", headers=headers)).json()
    assert listed["total"] == 1 and listed["items"][0]["params"]["reform_name"] == "测试改革"


async def test_a_synthetic_population_is_drawn_for_the_policies_in_force(client, people, session) -> None:
    """A successor published beside 35号: its own code gets matters (with the facts it reads), and the dates fall in
    the two policies' windows (2% on their bounds and the days beside them), as ``population synth --policy`` draws."""
    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second-policy.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=draft.id)
    headers = bearer(session, people.finance)
    started = await client.post("/api/v1/simulations", headers=headers, data={
        "synthetic_applicants": "2000", "seed": "3", "by": "measure", "as_of": "2026-12-31"})
    assert started.status_code == 202, started.text
    job = (await client.get(f"/api/v1/simulations/{started.json()['id']}", headers=headers)).json()
    assert job["state"] == "done", job["error"]
    folder = Path(session.get(SimulationJob, job["id"]).folder)
    matters = pl.read_parquet(folder / "population" / "matters.parquet")
    pilots = matters.filter(pl.col("codes").list.contains("test_pilot"))
    assert pilots.height > 50 and set(pilots["type"]) == {"project"} and pilots["investment"].is_not_null().mean() > .9
    dates = matters["date"].drop_nulls()
    assert (dates.min(), dates.max()) == (date(2022, 7, 22), date(2027, 1, 1))
    assert {date(2023, 12, 31), date(2024, 1, 1), date(2026, 12, 31)} <= set(dates), "the successor's bounds too"
    measure = next(g for g in job["result"]["groups"] if g["policy"] == "test-successor" and g["measure"] == 1)
    assert measure["matters"] > pilots.height and measure["ceiling_sum"] > 0


async def test_a_job_s_page_names_the_policies_run_and_each_one_s_part(browser, people, session) -> None:
    """Two policies published: the page lists both with their versions (as the job ran them, whatever is published
    later), and the headline says how much of the spending each makes."""
    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second-policy.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=draft.id)
    session.commit()
    run = {p.id: p for p in catalogue.published(session)}
    finance = browser(people.finance)
    moved = await finance.post("/simulate", data={"synthetic_applicants": "600", "seed": "3", "by": ["measure"],
                                                  "as_of": "2025-06-30", "csrf_token": finance.csrf})
    assert moved.status_code == 303, moved.text
    job = session.get(SimulationJob, int(moved.headers["location"].rsplit("/", 1)[1]))
    assert job.state == "done", job.error
    parts = {p["policy"]: p["ceiling_sum"] for p in jobs.summary(job)["impact"]["policies"]}
    assert set(parts) == set(run) and all(parts.values()) and sum(parts.values()) == sum(
        g["ceiling_sum"] for g in jobs.summary(job)["groups"])
    catalogue.withdraw(session, actor=people.admin, version_id=draft.id, reason="测试：测算之后撤回")
    session.commit()
    page = (await finance.get(moved.headers["location"])).text
    used = re.search(r'<p class="small" id="policies-used">(.*?)</p>', page).group(1)
    assert used.startswith("所用政策（2 项，开始测算时已发布的版本）")
    for p in run.values():
        assert f"{p.number}《{p.title}》（版本 {p.version}）" in used
    total = sum(parts.values())
    for p in run.values():
        share = f"{parts[p.id] * 100 / total:.1f}%"
        kpi = f"其中：{re.escape(p.number)}<b>[^<]+</b><span class=\"small muted\">占基线支出 {share}</span>"
        assert re.search(kpi, page), (p.number, share)


async def test_a_synthetic_population_is_drawn_for_the_reformed_windows_too(client, people, session) -> None:
    """A reform extending a policy's window by a year: matters fall in that year as well (its cost is measured), and
    the job and its audit record name the policies the population was drawn for."""
    from huiqi.models import AuditEvent

    extended = ("name: 延期一年\nchanges:\n  - {parameter: window_end, since: 2025-12-01, value: 2026-12-31, "
                "source: 测试}\n")
    headers = bearer(session, people.finance)
    started = await client.post("/api/v1/simulations", headers=headers, data={
        "synthetic_applicants": "500", "seed": "3", "by": "measure", "as_of": "2026-12-31", "reform": extended})
    assert started.status_code == 202, started.text
    job = session.get(SimulationJob, started.json()["id"])
    assert job.state == "done", job.error
    dates = pl.read_parquet(Path(job.folder) / "population" / "matters.parquet")["date"].drop_nulls()
    assert dates.max() == date(2027, 1, 1) and (dates.dt.year() == 2026).sum() > 50
    drawn = [{"id": p.id, "version": p.version} for p in catalogue.published(session)]
    baseline, reformed = job.params["drawn_for"][:len(drawn)], job.params["drawn_for"][len(drawn):]
    assert baseline == drawn and reformed and all(p["version"].endswith("+延期一年") for p in reformed)
    audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "simulation.start")).all()
    assert [event.after["drawn_for"] for event in audited] == [job.params["drawn_for"]]


async def test_uploaded_population_zip_and_workbook(client, people, session, tmp_path) -> None:
    headers = bearer(session, people.admin)
    applicants, matters = synthesise(100, 2, vocabulary())
    folder = write_population(applicants, matters, tmp_path / "pop", "csv")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("applicants.csv", "matters.csv"):
            zipped.write(folder / name, f"pop/{name}")
    done = await client.post("/api/v1/simulations", headers=headers, data={"by": "measure", "as_of": "2025-06-30"},
                             files={"population": ("pop.zip", archive.getvalue())})
    assert done.status_code == 202
    result = (await client.get(f"/api/v1/simulations/{done.json()['id']}", headers=headers)).json()
    assert result["state"] == "done" and result["result"]["matters"] == matters.height
    workbook = write_population(applicants, matters, tmp_path / "pop.xlsx")
    again = await client.post("/api/v1/simulations", headers=headers, data={"by": "year"},
                              files={"population": ("pop.xlsx", workbook.read_bytes())})
    same = (await client.get(f"/api/v1/simulations/{again.json()['id']}", headers=headers)).json()
    assert same["state"] == "done" and same["result"]["matters"] == matters.height
    xlsx = await client.get(f"/api/v1/simulations/{same['id']}/report.xlsx", headers=headers)
    by_year = list(openpyxl.load_workbook(io.BytesIO(xlsx.content))["测算结果"].iter_rows(values_only=True))
    assert by_year[1][0] == "年份" and all(isinstance(row[0], int) or row[0] == "未填" for row in by_year[2:-1])


async def test_a_bad_population_fails_the_job_with_its_reason(client, people, session, tmp_path) -> None:
    headers = bearer(session, people.finance)
    applicants, matters = synthesise(50, 3, vocabulary())
    bad = matters.with_columns(matters["date"].cast(str).alias("date")).cast({"date": str})
    folder = write_population(applicants, bad, tmp_path / "bad", "csv")
    (folder / "matters.csv").write_text((folder / "matters.csv").read_text("utf-8").replace("2024-", "2024/", 1),
                                        "utf-8")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("applicants.csv", "matters.csv"):
            zipped.write(folder / name, name)
    started = await client.post("/api/v1/simulations", headers=headers,
                                files={"population": ("bad.zip", archive.getvalue())})
    job = (await client.get(f"/api/v1/simulations/{started.json()['id']}", headers=headers)).json()
    assert job["state"] == "failed" and "应为日期" in job["error"] and job["result"] is None
    missing = await client.get(f"/api/v1/simulations/{job['id']}/report.xlsx", headers=headers)
    assert missing.status_code == 409 and missing.json()["detail"].startswith("测算失败，没有报告：")
    assert "应为日期" in missing.json()["detail"]


async def test_a_job_ignores_files_left_in_its_folder_by_a_job_not_recorded(client, people, session) -> None:
    """A job id used again (SQLite reuses a rolled-back or deleted row's id, a database is recreated beside its
    jobs folder) must not find the old job's population: a synthetic job read an upload's invalid credit code."""
    from huiqi.config import get_settings

    headers = bearer(session, people.finance)
    first = await client.post("/api/v1/simulations", headers=headers, data={"synthetic_applicants": "10"})
    applicants, matters = synthesise(50, 3, vocabulary())
    code = applicants["uscc"][0]
    wrong = code[:17] + ("X" if code[17] != "X" else "Y")
    stale = applicants.with_columns(applicants["uscc"].replace(code, wrong))
    for later in range(first.json()["id"] + 1, first.json()["id"] + 4):
        write_population(stale, matters, get_settings().jobs_dir / str(later) / "population", "parquet")
    started = await client.post("/api/v1/simulations", headers=headers, data={
        "synthetic_applicants": "400", "seed": "5", "reform": REFORM.replace("测试改革", "'=HYPERLINK(\"http://e/\",\"x\")'")})
    job = (await client.get(f"/api/v1/simulations/{started.json()['id']}", headers=headers)).json()
    assert job["state"] == "done", job["error"]
    assert job["result"]["impact"]["total"]["applicants"] == 400, "its own synthetic population, not the old one"


@pytest.mark.parametrize(("data", "field"), [
    ({"by": "city", "synthetic_applicants": "10"}, "by"),
    ({"synthetic_applicants": "0"}, "synthetic_applicants"),
    ({}, "population"),
    ({"synthetic_applicants": "10", "reform": "name: x\nchanges: []\n"}, "reform.changes"),
    ({"synthetic_applicants": "10", "seed": "-5"}, "seed"),
    ({"synthetic_applicants": "10", "seed": str(2**32)}, "seed"),
])
async def test_bad_requests_name_the_field(client, people, session, data, field) -> None:
    response = await client.post("/api/v1/simulations", headers=bearer(session, people.finance), data=data)
    assert response.status_code == 422
    assert any(p["field"] == field for p in response.json()["problems"]), response.json()


@pytest.mark.parametrize(("reform", "field", "said"), [
    ("name: x\nchanges: [\n", "reform", "第 3 行第 1 列：YAML 格式错误：此处缺少内容：多半是多写了逗号、冒号或短横"),
    ("name: x\n\tchanges: []\n", "reform", "第 2 行第 1 列：YAML 格式错误：此处用了制表符（Tab）缩进，请改用空格"),
    ("name: !!int x\nchanges: []\n", "reform",
     "第 1 行第 7 列：YAML 格式错误：标签（如 !!int、!!float、!!timestamp）与其后的内容不符：请删去标签，或改正内容"),
    ("name: x\nname: y\nchanges: []\n", "reform", "第 2 行：“name”写了两次（每一项只能写一次）"),
    ("name: x\nchanges:\n  - {parameter: 11.cap, since: 2025-13-01, value: 5, source: t}\n", "reform.changes[0].since",
     "第 3 行，第 1 项修改的生效日期（since）：2025-13-01 不是有效日期"),
    ("name: x\nchanges:\n  - {parameter: 11.cap, since: 2025-01-01, value: -5, source: t}\n", "reform",
     "第 3 行：措施11「融合基础设施项目资金支持上限（单个项目）」（11.cap）的新值：金额不能为负数"),
])
async def test_a_malformed_reform_is_said_in_chinese_at_its_line(client, people, session, reform, field, said) -> None:
    """As the page and ``huiqi simulate --reform`` say it: the line in the YAML sent first, no parser's English."""
    response = await client.post("/api/v1/simulations", headers=bearer(session, people.finance),
                                 data={"synthetic_applicants": "10", "reform": reform})
    assert response.status_code == 422, response.text
    assert response.json()["problems"] == [{"field": field, "reason": said}]
    assert session.scalar(select(func.count()).select_from(SimulationJob)) == 0, "no job started"


async def test_who_may(client, people, session) -> None:
    started = await client.post("/api/v1/simulations", headers=bearer(session, people.finance),
                                data={"synthetic_applicants": "20"})
    job_id = started.json()["id"]
    for outsider in (people.alice, people.shenyang, people.auditor):
        refused = await client.post("/api/v1/simulations", headers=bearer(session, outsider),
                                    data={"synthetic_applicants": "20"})
        assert refused.status_code == 403
    other = await client.get(f"/api/v1/simulations/{job_id}", headers=bearer(session, people.miit))
    assert other.status_code == 404 and "synthetic" not in other.text
    assert (await client.get(f"/api/v1/simulations/{job_id}", headers=bearer(session, people.admin))).status_code == 200
    assert (await client.get(f"/api/v1/simulations/{job_id}")).status_code == 401


async def test_pages(browser, people) -> None:
    finance = browser(people.finance)
    form = (await finance.get("/simulate")).text
    assert "开始测算" in form and 'type="checkbox" name="by" value="region" checked' in form  # boxes, not codes to type
    moved = await finance.post("/simulate", data={"synthetic_applicants": "100", "by": ["measure", "year"],
                                                  "reform": REFORM, "csrf_token": finance.csrf})
    assert moved.status_code == 303
    page = await finance.get(moved.headers["location"])
    assert BY_MEASURE.search(page.text) and "按年份" in page.text and "下载 Excel" in page.text
    for shown in ("改革影响分析", "核心企业覆盖率（改革后）", "逐年支出（按事项日期所在年份）",
                  "受益变化：按企业规模（家）", "支出变化最大的十项措施", "按营业收入：受益变化与覆盖率",
                  "从高不重复：按措施（基线）", "从高不重复：按措施（改革后）"):
        assert shown in page.text, shown
    bad = await finance.post("/simulate", data={"by": "nope", "csrf_token": finance.csrf})
    assert bad.status_code == 422 and "不能按“nope”分组（可选：措施、地区、年份）" in bad.text
    whole = await finance.post("/simulate", data={"synthetic_applicants": "10", "reform": "[1, 2]",
                                                  "csrf_token": finance.csrf})
    assert whole.status_code == 422 and '<a href="#f-reform">改革方案：' in whole.text and "（（" not in whole.text
    assert (await browser(people.alice).get("/simulate")).status_code == 403


@pytest.mark.parametrize(("data", "said"), [
    ({"synthetic_applicants": "10", "seed": "-5"}, "随机种子：应不小于 0"),
    ({"synthetic_applicants": "0"}, "合成申请人数：应不小于 1"),
    ({}, "企业样本数据：请上传企业样本数据"),
    ({"synthetic_applicants": "10", "as_of": "2025-13-01"}, "判断日期：2025-13-01 不是有效日期"),
    ({"synthetic_applicants": "10", "reform": "name: x\nchanges: []\n"},
     "改革方案：第 2 行，修改（changes）：不能为空"),
    ({"synthetic_applicants": "10", "reform": "name: x\nchanges:\n - a\n  b: c\n"},
     "改革方案：第 4 行第 4 列：YAML 格式错误"),
])
async def test_the_page_names_each_field_by_its_chinese_label(browser, people, session, data, said) -> None:
    finance = browser(people.finance)
    refused = await finance.post("/simulate", data={"by": "measure", **data, "csrf_token": finance.csrf})
    assert refused.status_code == 422 and said in refused.text, refused.text
    field = re.search(r'<a href="#f-(\w+)">', refused.text)
    assert field is not None and f'id="f-{field[1]}"' in refused.text  # the summary links to the field
    assert f">{field[1]}：" not in refused.text
    assert session.query(SimulationJob).count() == 0


@pytest.mark.parametrize(("field", "typed", "said", "shown"), [
    ("reform", "name: 试\x00一试\nchanges: []\n", "改革方案：不能含有空字符（NUL）", "name: 试一试\nchanges: []\n"),
    ("reform", "#" * 100_001, "改革方案：不能超过 20000 个字", "#" * 20_000),
    ("as_of", "2025-06-30" * 1000, "判断日期：不能超过 100 个字符（现有 10000 个）", "2025-06-30" * 10),
    ("reform_name", "措施11\x00上限", "改革方案名称：不能含有空字符（NUL）", "措施11上限"),
    ("seed", "5\x00", "随机种子：不能含有空字符（NUL）", "5"),
    ("p0_value", "1500\x00", "（新值）：不能含有空字符（NUL）", "1500"),
])
async def test_a_forged_box_is_said_beside_it_and_kept(browser, people, session, field, typed, said, shown) -> None:
    """A box of the form forged past its bound or with a NUL, the parameter table's too: said beside it by its label,
    the form shown again with the text kept (cut to its bound, without the character), not a bare 「输入有误」 page."""
    finance = browser(people.finance)
    refused = await finance.post("/simulate", data={"synthetic_applicants": "10", "by": "measure", field: typed,
                                                    "csrf_token": finance.csrf})
    assert refused.status_code == 422 and "<h1>输入有误</h1>" not in refused.text and said in refused.text
    assert marked(refused.text)[0][0] == f"f-{field}", "beside the box"
    assert html.escape(shown, quote=True) in refused.text and "\x00" not in refused.text
    assert session.query(SimulationJob).count() == 0


async def test_a_job_that_fails_unexpectedly_says_so_once(browser, people, session, monkeypatch) -> None:
    from contextlib import nullcontext

    def broken(*args, **kwargs):
        raise ValueError("seed must be non-negative")

    monkeypatch.setattr(jobs, "synthesise", broken)
    job = jobs.start(session, actor=people.finance, spec=jobs.JobCreate(synthetic_applicants=10))
    with pytest.raises(ValueError):
        jobs.run(lambda: nullcontext(session), job.id)
    session.refresh(job)
    assert (job.state, job.error) == ("failed", "程序出错（ValueError），请联系系统管理员")
    shown = (await browser(people.finance).get(f"/simulate/{job.id}")).text
    assert '<div class="errors">程序出错（ValueError）' in shown and shown.count("测算失败") == 1, "the heading says it"
    job.error = "测算失败：ValueError"  # as jobs that failed before said it
    session.flush()
    assert (await browser(people.finance).get(f"/simulate/{job.id}")).text.count("测算失败") == 1


def test_jobs_cut_off_by_a_restart_are_marked_failed(session, people) -> None:
    session.add(SimulationJob(user_id=people.finance.id, state="running", params={}))
    session.flush()
    assert jobs.interrupted(session) == 1
    job = session.query(SimulationJob).one()
    assert job.state == "failed" and "服务重启" in job.error


async def test_a_job_finished_before_the_impact_analysis_still_shows(browser, people, session) -> None:
    """Jobs stored without ``impact`` (older versions) rebuild their page and report without it."""
    finance = browser(people.finance)
    moved = await finance.post("/simulate", data={"synthetic_applicants": "60", "by": "measure",
                                                  "csrf_token": finance.csrf})
    job = session.get(SimulationJob, int(moved.headers["location"].rsplit("/", 1)[1]))
    stored = Path(job.folder) / "report.json"
    data = json.loads(stored.read_text("utf-8"))
    assert "impact" in data and "政策影响分析" in (await finance.get(moved.headers["location"])).text
    stored.write_text(json.dumps({k: v for k, v in data.items() if k != "impact"}, ensure_ascii=False), "utf-8")
    page = await finance.get(moved.headers["location"])
    assert page.status_code == 200 and BY_MEASURE.search(page.text) and "影响分析" not in page.text
    assert jobs.rebuild(job, []).impact is None


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "企业样本数据·matters：matters.csv 是空的"),
    ("id,uscc,type,codes\n甲,乙,honour,x\n".encode("gbk") + b"\xff\xfe\n",
     "企业样本数据·matters：matters.csv 的编码无法识别"),
])
async def test_a_population_file_that_cannot_be_read_fails_the_job_with_its_reason(
        client, people, session, tmp_path, content: bytes, reason: str) -> None:
    """Not 测算失败：ComputeError, and no path on the server."""
    headers = bearer(session, people.finance)
    applicants, matters = synthesise(20, 3, vocabulary())
    folder = write_population(applicants, matters, tmp_path / "pop", "csv")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(folder / "applicants.csv", "applicants.csv")
        zipped.writestr("matters.csv", content)
    started = await client.post("/api/v1/simulations", headers=headers,
                                files={"population": ("bad.zip", archive.getvalue())})
    job = (await client.get(f"/api/v1/simulations/{started.json()['id']}", headers=headers)).json()
    assert job["state"] == "failed" and job["error"].startswith(reason) and "/" not in job["error"], job["error"]


async def test_a_zip_unpacking_past_the_bound_is_refused_before_it_is_unpacked(client, people, session, tmp_path,
                                                                              monkeypatch) -> None:
    from huiqi.simulate import jobs

    applicants, matters = synthesise(20, 3, vocabulary())
    folder = write_population(applicants, matters, tmp_path / "pop", "csv")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in ("applicants.csv", "matters.csv"):
            zipped.write(folder / name, name)
    monkeypatch.setattr(jobs, "MAX_UNPACKED", (folder / "matters.csv").stat().st_size)
    refused = await client.post("/api/v1/simulations", headers=bearer(session, people.finance),
                                files={"population": ("big.zip", archive.getvalue())})
    assert refused.status_code == 422
    assert refused.json()["problems"] == [{"field": "population", "reason": "压缩包解压后超过 0 GiB，请检查文件"}]


def _workbook(sheets: dict[str, list[str]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, header in sheets.items():
        book.create_sheet(name).append(header)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _encrypted(book: bytes) -> bytes:
    """The workbook with every part marked encrypted (the bit zipfile refuses to open without a password)."""
    data = bytearray(book)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        data[central + 8] |= 1
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "我的样本.xlsx 不是有效的 Excel 工作簿（.xlsx），无法打开"),
    (_encrypted(_workbook({"applicants": ["uscc"], "matters": ["id"]})),
     "我的样本.xlsx 不是有效的 Excel 工作簿（.xlsx），无法打开"),
    ("uscc,name\n甲,乙\n".encode(), "我的样本.xlsx 不是有效的 Excel 工作簿（.xlsx），无法打开"),
    (_workbook({"matters": ["id", "uscc", "type", "codes"]}), "我的样本.xlsx 中没有名为 applicants 的工作表"),
])
async def test_a_workbook_that_cannot_be_one_is_refused_on_the_form(browser, people, session, content: bytes,
                                                                    reason: str) -> None:
    finance = browser(people.finance)
    refused = await finance.post("/simulate", data={"by": "measure", "csrf_token": finance.csrf},
                                 files={"population": ("我的样本.xlsx", content)})
    assert refused.status_code == 422, refused.text
    assert reason in refused.text and "population.xlsx" not in refused.text and "POPULATION" not in refused.text
    assert f'<a href="#f-population">企业样本数据：{reason}' in refused.text, "in the summary, linked to the field"
    assert session.query(SimulationJob).count() == 0
    assert not any(jobs.get_settings().jobs_dir.iterdir()), "nothing left on the server"


WRONG_HEADERS = (" 的工作表 applicants：缺少必填的列 uscc（统一社会信用代码）；"
                 "有不认识的列 “企业名称”（请检查拼写）")


async def test_a_workbook_with_wrong_columns_is_refused_before_its_job_naming_them(client, people, session) -> None:
    """The header rows alone are read: the missing and unknown columns are named, under 企业样本数据, by the user's
    file name; nothing is left on the server."""
    headers = bearer(session, people.finance)
    content = _workbook({"applicants": ["企业名称"], "matters": ["id", "uscc", "type", "codes"]})
    refused = await client.post("/api/v1/simulations", headers=headers,
                                files={"population": ("我的样本.xlsx", content)})
    assert refused.status_code == 422, refused.text
    assert refused.json()["problems"] == [{"field": "population", "reason": f"我的样本.xlsx{WRONG_HEADERS}"}]
    assert not any(jobs.get_settings().jobs_dir.iterdir()), "nothing left on the server"


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
async def test_the_form_names_wrong_columns_beside_the_file_field(browser, people, session, tmp_path,
                                                                  fmt: str) -> None:
    finance = browser(people.finance)
    applicants, matters = synthesise(20, 3, vocabulary())
    applicants = applicants.rename({"name": "名称"})
    matters = matters.rename({"type": "事项类型"})
    if fmt == "xlsx":
        upload = ("样本.xlsx", write_population(applicants, matters, tmp_path / "pop.xlsx").read_bytes())
    else:
        folder = write_population(applicants, matters, tmp_path / "pop", fmt)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            for name in ("applicants", "matters"):
                zipped.write(folder / f"{name}.{fmt}", f"{name}.{fmt}")
        upload = ("样本.zip", archive.getvalue())
    refused = await finance.post("/simulate", data={"by": "measure", "csrf_token": finance.csrf},
                                 files={"population": upload})
    assert refused.status_code == 422, refused.text
    where = ("样本.xlsx 的工作表 applicants", "样本.xlsx 的工作表 matters") if fmt == "xlsx" else \
        (f"applicants.{fmt}", f"matters.{fmt}")
    said = (f"{where[0]}：有不认识的列 “名称”（请检查拼写）；"
            f"{where[1]}：缺少必填的列 type（事项类型）；有不认识的列 “事项类型”（请检查拼写）")
    assert f'<span class="field-error" id="e-population">{said}</span>' in refused.text
    assert session.query(SimulationJob).count() == 0


async def test_a_header_not_read_at_upload_is_still_refused_by_the_job(client, people, session, monkeypatch,
                                                                       tmp_path) -> None:
    """A workbook whose header names lie far down its shared strings is left to the job, which refuses it."""
    monkeypatch.setattr(workbook, "MAX_STRINGS", 0)
    headers = bearer(session, people.finance)
    applicants, matters = synthesise(20, 3, vocabulary())
    content = write_population(applicants.rename({"uscc": "企业名称"}), matters, tmp_path / "pop.xlsx").read_bytes()
    started = await client.post("/api/v1/simulations", headers=headers,
                                files={"population": ("我的样本.xlsx", content)})
    assert started.status_code == 202, started.text
    job = (await client.get(f"/api/v1/simulations/{started.json()['id']}", headers=headers)).json()
    assert job["state"] == "failed", job["error"]
    assert "申请人表（applicants）1 处：\n· uscc（统一社会信用代码）：缺少这一列" in job["error"]
    assert "POPULATION" not in job["error"] and "population.xlsx" not in job["error"]


async def test_a_file_whose_header_cannot_be_read_at_upload_is_left_to_the_job(client, people, session, monkeypatch,
                                                                               tmp_path) -> None:
    """A damaged workbook fails its job with the reason, never a 500 at upload; nor does any surprise in the header's
    reading."""
    headers = bearer(session, people.finance)
    damaged = lzma_damaged(tmp_path / "损坏.xlsx").read_bytes()
    started = await client.post("/api/v1/simulations", headers=headers, files={"population": ("损坏.xlsx", damaged)})
    assert started.status_code == 202, started.text
    job = (await client.get(f"/api/v1/simulations/{started.json()['id']}", headers=headers)).json()
    assert job["state"] == "failed" and "损坏.xlsx 不是有效的 Excel 工作簿" in job["error"], job["error"]

    def surprised(path: Path) -> list[tuple[str, str]]:
        raise TypeError("a reader's surprise")

    monkeypatch.setattr(jobs, "header_problems", surprised)
    content = write_population(*synthesise(20, 3, vocabulary()), tmp_path / "pop.xlsx").read_bytes()
    again = await client.post("/api/v1/simulations", headers=headers, files={"population": ("pop.xlsx", content)})
    assert again.status_code == 202, again.text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_a_refused_population_lists_its_problems_by_table_on_the_job_page(browser, people, session, tmp_path,
                                                                               fmt: str) -> None:
    """One problem a line under its table, the first few of each, then how many more: not one paragraph."""
    finance = browser(people.finance)
    people_, matters = synthesise(40, 3, vocabulary())
    people_ = people_.with_columns(pl.when(pl.int_range(pl.len()) < 2).then(pl.lit("huge")).otherwise(pl.col("size"))
                                   .alias("size"))
    matters = matters.with_columns(pl.lit("x").alias("date"))
    if fmt == "xlsx":
        upload = ("样本.xlsx", write_population(people_, matters, tmp_path / "pop.xlsx").read_bytes())
    else:
        folder = write_population(people_, matters, tmp_path / "pop", "csv")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zipped:
            for name in ("applicants.csv", "matters.csv"):
                zipped.write(folder / name, name)
        upload = ("样本.zip", archive.getvalue())
    moved = await finance.post("/simulate", data={"by": "measure", "csrf_token": finance.csrf},
                               files={"population": upload})
    shown = (await finance.get(moved.headers["location"])).text
    failure = shown.split('<div class="errors">')[1].split("</div>")[0]
    assert failure.startswith(f"企业样本数据有 {2 + matters.height} 处问题")  # the heading says it failed
    applicants, listed = (part.split("</ul>")[0] for part in failure.split("<ul>")[1:])
    assert "<p>申请人表（applicants）2 处：</p>" in failure and applicants.count("<li>") == 2
    assert f"<p>事项表（matters）{matters.height} 处：</p>" in failure and listed.count("<li>") == SHOWN + 1
    assert f"<li>另有 {matters.height - SHOWN} 处</li>" in listed and "；" not in failure


async def test_full_width_digits_are_read_as_digits(browser, people, session) -> None:
    finance = browser(people.finance)
    moved = await finance.post("/simulate", data={"synthetic_applicants": "６０", "seed": "１", "by": "measure",
                                                  "as_of": "２０２５-０６-３０", "csrf_token": finance.csrf})
    assert moved.status_code == 303, moved.text
    job = session.get(SimulationJob, int(moved.headers["location"].rsplit("/", 1)[1]))
    assert (job.params["synthetic_applicants"], job.params["seed"], job.params["as_of"]) == (60, 1, "2025-06-30")


async def test_the_job_says_it_started_and_announces_its_end(browser, people, session, monkeypatch) -> None:
    finance = browser(people.finance)
    moved = await finance.post("/simulate", data={"synthetic_applicants": "60", "by": "measure",
                                                  "csrf_token": finance.csrf})
    page = (await finance.get(moved.headers["location"])).text
    assert '<div class="notice" role="status" id="flash">✓ 测算已开始。完成后本页显示结果。</div>' in page
    assert '<p id="job-status" class="sr-only" role="status" aria-live="polite"></p>' in page
    assert page.index('id="job-status"') < page.index('<div id="job"'), "outside what each poll replaces"
    assert "hx-swap-oob" not in page
    polled = (await finance.get(moved.headers["location"], headers={"HX-Request": "true"})).text
    assert '<div hx-swap-oob="innerHTML:#job-status">测算已完成</div>' in polled
    assert '<h2 id="job-result" tabindex="-1" data-focus>测算结果</h2>' in polled

    def broken(*args, **kwargs):
        raise InputError([("合成数据", "无法生成")])

    monkeypatch.setattr(jobs, "synthesise", broken)
    saved = await finance.post("/simulate", data={"synthetic_applicants": "60", "by": "measure",
                                                  "reform": REFORM, "csrf_token": finance.csrf})
    first = (await finance.get(saved.headers["location"])).text
    flashed = first.split('id="flash">', 1)[1].split("</div>", 1)[0]
    assert flashed == "测算已开始，改革方案“测试改革”已保存；随后测算失败，原因见下，可“修改后重新测算”。", flashed
    assert f'href="/simulate?again={saved.headers["location"].rsplit("/", 1)[1]}#f-params">修改后重新测算</a>' in first
    again = (await finance.get(f"/simulate?again={saved.headers['location'].rsplit('/', 1)[1]}")).text
    assert 'name="synthetic_applicants" inputmode="numeric" value="60"' in again
    assert 'name="reform_name" maxlength="60" value="测试改革"' in again  # the table's reform: in the table
    row = next(r for r in reforms.rows(catalogue.published(session)) if r.key == "11.cap")
    assert f'name="{row.field}_value" size="10"' in again and 'value="1500万元"' in again
    assert f'name="{row.field}_since" aria-label="{row.label} 生效日期" value="2025-01-01"' in again
    assert '<textarea id="f-reform" name="reform" rows="7" spellcheck="false" style="font-family: monospace"' \
           ' aria-describedby="h-reform"></textarea>' in again
    failed = (await finance.get(saved.headers["location"], headers={"HX-Request": "true"})).text
    assert '<div hx-swap-oob="innerHTML:#job-status">测算失败：合成数据：无法生成</div>' in failed
    assert '<h2 id="job-result" tabindex="-1" data-focus>测算失败</h2>' in failed


async def test_my_simulations_are_listed_a_page_at_a_time(browser, people, session, monkeypatch) -> None:
    from huiqi.simulate import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    for _ in range(3):
        session.add(SimulationJob(user_id=people.analyst.id, state="failed", params={"by": ["measure"]}, error="x"))
    session.flush()
    analyst = browser(people.analyst)
    first = (await analyst.get("/simulate")).text
    assert first.count('<td data-label="编号">') == 2 and "共 3 次测算，第 1/2 页" in first
    assert 'href="/simulate?page=2#mine"' in first
    second = (await analyst.get("/simulate", params={"page": 2})).text
    assert second.count('<td data-label="编号">') == 1


def _zipped(folder: Path) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("applicants.csv", "matters.csv"):
            zipped.write(folder / name, name)
    return archive.getvalue()


async def test_an_uploaded_file_is_the_only_source_the_form_default_not_counting(browser, people, session,
                                                                                  tmp_path) -> None:
    """The form's pre-filled 合成申请人数 beside a file: the file alone is simulated, and nothing synthetic is drawn
    into its folder; a count typed in beside a file is refused, naming both sources."""
    finance = browser(people.finance)
    applicants, matters = synthesise(30, 2, vocabulary())
    upload = _zipped(write_population(applicants, matters, tmp_path / "pop", "csv"))
    moved = await finance.post("/simulate", files={"population": ("pop.zip", upload)},
                               data={"by": "measure", "synthetic_applicants": "２００００", "csrf_token": finance.csrf})
    assert moved.status_code == 303, moved.text
    job = session.query(SimulationJob).one()
    assert job.state == "done", job.error
    assert job.params["synthetic_applicants"] is None and jobs.summary(job)["matters"] == matters.height
    assert sorted(p.name for p in (Path(job.folder) / "population").iterdir()) == ["applicants.csv", "matters.csv"]
    both = await finance.post("/simulate", data={"by": "measure", "synthetic_applicants": "500",
                                                 "csrf_token": finance.csrf}, files={"population": ("pop.zip", upload)})
    assert both.status_code == 422 and "请只选择一种数据来源" in both.text
    assert "出错后需重新选择文件：pop.zip" in both.text, "the file a browser dropped is named beside its field"
    assert session.query(SimulationJob).count() == 1


async def test_an_upload_whose_run_failed_is_run_again_from_its_file_box(browser, people, session, tmp_path) -> None:
    """A file whose rows the run refused: 修改后重新测算 goes to the file box (not the reform's table, far below it),
    and the form says there which run this is and that the file is to be chosen again, corrected."""
    finance = browser(people.finance)
    applicants, matters = synthesise(10, 2, vocabulary())
    folder = write_population(applicants, matters.with_columns(pl.lit("not-a-date").alias("date")),
                              tmp_path / "pop", "csv")
    moved = await finance.post("/simulate", files={"population": ("pop.zip", _zipped(folder))},
                               data={"by": "measure", "csrf_token": finance.csrf})
    assert moved.status_code == 303, moved.text
    job = session.query(SimulationJob).one()
    assert job.state == "failed", job.state
    failed = (await finance.get(moved.headers["location"])).text
    assert f'href="/simulate?again={job.id}#f-population">修改后重新测算</a>' in failed
    assert "上传的文件需重新选择：pop.zip" in failed
    again = (await finance.get(f"/simulate?again={job.id}")).text
    note = again.split('id="h-population" role="status">', 1)[1].split("</span>", 1)[0]
    assert note == (f"修改后重新测算（测算 #{job.id}）：请重新选择文件（原文件：pop.zip；如文件有误，请改正后再选择），"
                    "然后“开始测算”"), note
    assert 'aria-describedby="h-template h-population"' in again, "the note describes the file box"


async def test_the_api_refuses_a_file_and_a_synthetic_count_together(client, people, session, tmp_path) -> None:
    applicants, matters = synthesise(10, 2, vocabulary())
    upload = _zipped(write_population(applicants, matters, tmp_path / "pop", "csv"))
    refused = await client.post("/api/v1/simulations", headers=bearer(session, people.finance),
                                data={"synthetic_applicants": "20000"}, files={"population": ("pop.zip", upload)})
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["field"] == "synthetic_applicants"
    assert session.query(SimulationJob).count() == 0


async def test_a_running_job_says_what_it_is_doing(browser, people, session, monkeypatch) -> None:
    """The page says the run's phase: reading and checking the data (its bar unfilled, not empty), computing chunk by
    chunk, then summing up; the runner reports its chunks before the first is computed."""
    from contextlib import nullcontext

    reported = []
    monkeypatch.setattr(jobs, "_progress", lambda sessions, job_id, done, total: reported.append((done, total)))
    job = jobs.start(session, actor=people.finance, spec=jobs.JobCreate(synthetic_applicants=10))
    jobs.run(lambda: nullcontext(session), job.id)
    assert reported[0] == (0, reported[-1][1]) and reported[-1][0] == reported[-1][1] >= 1, reported
    client = browser(people.finance)
    for done, total, said in ((0, None, "读取与校验数据…"), (1, 3, "计算中 1 / 3 块…"), (3, 3, "汇总并生成报告…")):
        job.state, job.done, job.total = "running", done, total
        session.flush()
        shown = (await client.get(f"/simulate/{job.id}")).text
        assert f"<p>{said}</p>" in shown, shown[shown.find('id="job"'):][:400]
    assert '<progress max="3" value="3"' in shown
    job.total = None
    session.flush()
    assert '<progress style="width:100%">' in (await client.get(f"/simulate/{job.id}")).text


async def test_the_population_template_filled_in_runs(browser, people, session) -> None:
    """The template (linked beside the upload) names every column the simulation reads, says money is in 元, lists the
    codes; filled in (the examples kept, a row added to each sheet) and uploaded, it runs."""
    finance = browser(people.finance)
    form = (await finance.get("/simulate")).text
    assert 'href="/simulate/template.xlsx"' in form and "金额以元为单位" in form
    got = await finance.get("/simulate/template.xlsx")
    assert got.status_code == 200 and got.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(got.content))
    assert book.sheetnames[:2] == ["applicants", "matters"] and "列说明" in book.sheetnames
    header = {name: [c.value for c in book[name][1]] for name in ("applicants", "matters")}
    assert header["applicants"] == list(APPLICANT_SCHEMA) and header["matters"] == list(MATTER_SCHEMA)
    notes = list(book["列说明"].iter_rows(values_only=True))
    investment = next(r for r in notes if r[1] == "investment")
    assert investment[2] == "投资额（元）" and "单位：元（不是万元" in investment[4]
    assert any(r[0] == "little_giant" for r in book["事项代码"].iter_rows(values_only=True))
    assert str(book["applicants"]["B2"].value).startswith("示例") and book["matters"]["A2"].value.startswith("示例")
    book["applicants"].append([_valid_uscc(), "辽宁某科技有限公司", "enterprise",
                               "210200", "6513"])
    book["matters"].append(["m1", _valid_uscc(), "honour", "little_giant", "2024-05-01", "national"])
    filled = io.BytesIO()
    book.save(filled)
    moved = await finance.post("/simulate", files={"population": ("模板.xlsx", filled.getvalue())},
                               data={"by": "measure", "synthetic_applicants": "", "as_of": "2025-06-30",
                                     "csrf_token": finance.csrf})
    assert moved.status_code == 303, moved.text
    job = session.query(SimulationJob).one()
    assert job.state == "done", job.error
    assert jobs.summary(job)["matters"] == 3
    assert (await browser(people.alice).get("/simulate/template.xlsx")).status_code == 403


def _valid_uscc() -> str:
    from huiqi.reference.uscc import make, org_check_char

    return make(f"91210200MA0QC2B1{org_check_char('MA0QC2B1')}")


async def test_the_parameter_table_and_my_runs_as_excel(browser, people, session) -> None:
    """The parameter table on the day shown and 我的测算 (every run, not a page of them) download as workbooks."""
    finance = browser(people.finance)
    form = (await finance.get("/simulate?as_of=2024-01-01")).text
    assert 'href="/simulate/parameters.xlsx?as_of=2024-01-01"' in form and 'href="/simulate/runs.xlsx"' not in form
    sheet = await finance.get("/simulate/parameters.xlsx?as_of=2024-01-01")
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "财政测算参数表（2024-01-01 的现行值）"
    assert rows[1] == ("政策", "措施", "参数", "参数键", "现行值", "单位", "起始日期", "来源")
    cap = next(r for r in rows[2:] if r[3] == "11.cap")
    assert (cap[0], cap[4], cap[5]) == ("辽政办〔2022〕35号", "1000", "万元")
    assert next(r for r in rows[2:] if r[3] == "2.growth_percent")[5] == "%"
    moved = await finance.post("/simulate", data={"synthetic_applicants": "30", "by": "measure", "reform": REFORM,
                                                  "as_of": "2025-06-30", "csrf_token": finance.csrf})
    assert moved.status_code == 303
    assert 'href="/simulate/runs.xlsx"' in (await finance.get("/simulate")).text
    runs = await finance.get("/simulate/runs.xlsx")
    listed = list(openpyxl.load_workbook(io.BytesIO(runs.content)).active.iter_rows(values_only=True))
    assert listed[1][:6] == ("编号", "数据", "分组", "改革方案", "判断日期", "状态")
    job = session.query(SimulationJob).one()
    assert listed[2][:6] == (job.id, "合成 30 个申请人", "措施", "测试改革", "2025-06-30", "已完成")
    assert (await browser(people.alice).get("/simulate/runs.xlsx")).status_code == 403


async def test_a_day_before_the_policy_was_issued_is_refused_beside_its_field(browser, client, people,
                                                                              session) -> None:
    """判断日期 2020-01-01 (before 2022-07-23, when the policy took effect) is refused, on the page beside the field and
    by the API, naming the date; the page says what the date does (matters dated after it still count)."""
    finance = browser(people.finance)
    form = (await finance.get("/simulate")).text
    assert 'min="2022-07-23"' in form and "日期晚于判断日期的事项同样计入" in form
    refused = await finance.post("/simulate", data={"synthetic_applicants": "30", "by": "measure",
                                                    "as_of": "2020-01-01", "csrf_token": finance.csrf})
    assert refused.status_code == 422
    beside = refused.text.split('id="f-as_of"', 1)[0].rsplit("<label>", 1)[1]
    assert "早于所测政策中最早的发布日期 2022-07-23" in beside, beside
    api = await client.post("/api/v1/simulations", headers=bearer(session, people.finance),
                            data={"synthetic_applicants": "30", "as_of": "2022-07-22"})
    assert api.status_code == 422 and api.json()["problems"][0]["field"] == "as_of", api.text
    assert session.query(SimulationJob).count() == 0
    taken = await finance.post("/simulate", data={"synthetic_applicants": "30", "by": "measure",
                                                  "as_of": "2022-07-23", "csrf_token": finance.csrf})
    assert taken.status_code == 303
