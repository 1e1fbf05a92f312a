"""The record's commands, on SQLite and PostgreSQL: upgrade, add a user, import, seed, verify, stats."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from huiqi import db
from huiqi.cli import app
from huiqi.config import get_settings
from tests.dbtest import ALICE_USCC, DATABASES, drop_schema, postgres_schema, unguard

runner = CliRunner()


def _reset() -> None:
    get_settings.cache_clear()
    db.engine.cache_clear()


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path, monkeypatch) -> Iterator[str]:
    """A fresh, empty database named by HUIQI_DATABASE_URL, as an operator would set it."""
    monkeypatch.setenv("HUIQI_MATERIALS_DIR", str(tmp_path / "materials"))
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'huiqi.db'}"
        schema = engine = None
    else:
        engine, schema = postgres_schema()
        url = engine.url.render_as_string(hide_password=False) + f"?options=-csearch_path%3D{schema}"
    monkeypatch.setenv("HUIQI_DATABASE_URL", url)
    _reset()
    yield url
    db.engine().dispose()
    _reset()
    if schema:
        drop_schema(engine, schema)


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_upgrade_seed_stats_and_verify(database_url) -> None:
    assert invoke("db", "upgrade").exit_code == 0
    seeded = invoke("demo", "seed")
    assert seeded.exit_code == 0, seeded.output
    assert "12 家" in seeded.stdout
    stats = invoke("stats", "--by", "state")
    assert stats.exit_code == 0 and "已拨付" in stats.stdout
    # the demo's 公示 ended in 2025: by the business day it waits for approval, said as the pages say it
    assert "公示期满，待批准" in stats.stdout and "announced" not in stats.stdout
    anchor = invoke("audit", "anchor").stdout.strip()
    verified = invoke("audit", "verify", "--anchor", anchor)
    assert verified.exit_code == 0 and "审计链完整" in verified.stdout
    seq = anchor.split(":")[0]
    unheld = invoke("audit", "verify", "--anchor", f"{seq}:{'0' * 64}")
    assert unheld.exit_code == 2 and "锚点不符（1 个）" in unheld.stderr and "可能抄录有误" in unheld.stderr
    assert "审计链有问题" not in unheld.stderr, "the chain itself checks out: the anchor may be mis-copied"
    refused = invoke("audit", "verify", "--anchor", "7:abc")
    assert refused.exit_code != 0 and "不是审计锚点" in refused.stderr
    assert "huiqi audit anchor" in refused.stderr, "the command line's own way to an anchor, said only there"
    with db.engine().begin() as connection:
        unguard(connection)
        connection.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 7"))
    verified = invoke("audit", "verify")
    assert verified.exit_code == 2 and "第 7 条审计记录的内容与其哈希不符" in verified.stderr
    assert "现记载为：" in verified.stderr and "budget.set" not in verified.stderr
    assert "业务数据与审计事件不符" not in verified.stderr
    with db.engine().begin() as connection:
        connection.execute(text("UPDATE grants SET amount = amount + 5000000 WHERE id = 1"))
        connection.execute(text("UPDATE budgets SET committed = 0"))
        connection.execute(text("UPDATE applications SET state = 'approved' WHERE state = 'rejected'"))
    verified = invoke("audit", "verify")
    assert verified.exit_code == 2, verified.output
    said = " ".join(verified.stderr.split())
    assert "业务数据与审计事件不符" in said
    assert "批准记录 1（申报 #1）：批准金额为 580 万元，审计事件记载为 80 万元" in said
    assert "：状态为 已批准，审计事件记载为 不予支持" in said and "已批准（占用）金额为 0 万元，审计事件记载为" in said


def test_users_add_and_import(database_url, tmp_path: Path) -> None:
    invoke("db", "upgrade")
    added = invoke("users", "add", "zhang", "--role", "city", "--region", "210100", "--password-stdin",
                   input="a long password\n")
    assert added.exit_code == 0, added.output
    assert "已添加用户 zhang（市级初审人员）" in added.output  # the role in Chinese, not `city`
    refused = invoke("users", "add", "li", "--role", "city", "--region", "999999", "--password-stdin",
                     input="a long password\n")
    assert refused.exit_code == 2 and "region" in refused.stderr
    applicants = pl.DataFrame({"uscc": [ALICE_USCC], "name": ["示例科技有限公司"], "kind": ["enterprise"],
                               "region": ["210102"], "industry": ["6513"]})
    matters = pl.DataFrame({"id": ["h1"], "uscc": [ALICE_USCC], "type": ["honour"], "codes": [["little_giant"]],
                            "date": ["2024-07-15"], "level": ["national"]})
    from huiqi.simulate.population import write_population

    book = write_population(applicants, matters, tmp_path / "population.xlsx")
    imported = invoke("import", str(book))
    assert imported.exit_code == 0, imported.output
    assert "申报单位 1 家（信息有变化 1 家），事项 1 项" in imported.stdout
    again = invoke("import", str(book))
    assert "信息有变化 0 家" in again.stdout, "an unchanged profile adds no version"
    bad = tmp_path / "bad"
    write_population(applicants.with_columns(pl.lit("219999").alias("region")), matters, bad)
    failed = invoke("import", str(bad))
    assert failed.exit_code == 2 and "region" in failed.stderr


def test_default_database_is_a_file_under_var(monkeypatch) -> None:
    monkeypatch.delenv("HUIQI_DATABASE_URL", raising=False)
    _reset()
    try:
        assert get_settings().database_url == "sqlite:///var/huiqi.db"
    finally:
        _reset()
    assert os.environ.get("HUIQI_DATABASE_URL") is None


def test_demo_logins_name_every_department_reviewer_and_both_admins(database_url) -> None:
    seeded = invoke("demo", "seed")
    assert seeded.exit_code == 0 and "admin2（系统管理员二（演示）" in seeded.stdout, seeded.output
    shown = invoke("demo", "logins")
    assert shown.exit_code == 0, shown.output
    assert "ent-01" in shown.stdout and "city-210100" in shown.stdout and "finance" in shown.stdout
    assert "admin2" in shown.stdout and "系统管理员二（演示）" in shown.stdout, "the second admin, who publishes"
    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    assert "admin2" in readme.split("`huiqi demo seed`: fill")[1].split("\n- ")[0], "README's demo names it too"
    assert shown.stdout.count("dept-") == 23 and "省工业和信息化厅审核人员" in shown.stdout


def test_a_2027_notice_imported_lets_a_2027_announcement_open(database_url) -> None:
    """The calendar runs out at the end of the package's last year; ``huiqi calendar import`` of the next year's
    notice (a test notice here, not the real one) is all it takes for a 公示 to be counted in it."""
    from datetime import date

    from huiqi.holidays import service as holidays

    notice = Path(__file__).parent / "fixtures" / "calendar-2027-test.csv"
    assert invoke("db", "upgrade").exit_code == 0
    missing = invoke("calendar", "show", "2040")
    assert missing.exit_code == 2 and "2040 年的节假日安排尚未录入" in missing.stderr
    bad = invoke("calendar", "import", str(notice), "--source", "")
    assert bad.exit_code == 2 and "通知的文号" in bad.stderr
    imported = invoke("calendar", "import", str(notice), "--source", "测试用通知（非真实）")
    assert imported.exit_code == 0 and "已录入 2027 年" in imported.stdout, imported.output
    assert "原有的安排已被替换" not in imported.stdout
    again = invoke("calendar", "import", str(notice), "--source", "更正后的通知（非真实）")
    assert again.exit_code == 0 and "2027 年原有的安排已被替换，原安排已记入审计日志" in again.stdout, again.output
    from huiqi.audit import service as audit

    with db.session_scope() as session:
        replaced = audit.history(session, entity="calendar", entity_id="2027")[-1]
        assert replaced.before["years"][0]["source"] == "测试用通知（非真实）"
        assert "2027-02-14" in replaced.before["years"][0]["workday_days"]
    shown = invoke("calendar", "show", "2027")
    assert shown.exit_code == 0 and "春节" in shown.stdout and "调休上班" in shown.stdout
    with db.session_scope() as session:
        calendar = holidays.calendar_of(session)
        from huiqi.announcements.calendar import last_working_day

        assert last_working_day(date(2027, 1, 4), 5, calendar) == date(2027, 1, 8)


def test_a_policy_is_added_published_and_opened_for_applications_from_the_command_line(database_url, set_today,
                                                                                       tmp_path) -> None:
    """``huiqi policy add`` (a draft), ``huiqi policy publish`` by a second admin, ``huiqi round open|list|close``."""
    from datetime import date

    set_today(date(2026, 12, 4))
    second = Path(__file__).parent / "fixtures" / "second-policy.yaml"
    assert invoke("db", "upgrade").exit_code == 0
    for name in ("ops1", "ops2"):
        made = invoke("users", "add", name, "--role", "admin", "--password-stdin", input="a-long-passphrase-1\n")
        assert made.exit_code == 0, made.output
    added = invoke("policy", "add", str(second), "--by", "ops1")
    assert added.exit_code == 0 and "已起草：版本 2" in added.stdout, added.output
    own = invoke("policy", "publish", "2", "--by", "ops1")
    assert own.exit_code == 2 and "须由另一位管理员" in own.stderr
    published = invoke("policy", "publish", "2", "--by", "ops2")
    assert published.exit_code == 0, published.output
    listed = invoke("policy", "list")
    assert listed.exit_code == 0 and "test-successor" in listed.stdout and "已发布" in listed.stdout
    wrong = tmp_path / "wrong.yaml"  # a draft whose own situation fails is kept, and said so at once
    wrong.write_text(second.read_text("utf-8").replace("ceiling: 500000}]", "ceiling: 400000}]"), "utf-8")
    drafted = invoke("policy", "add", str(wrong), "--by", "ops1")
    assert drafted.exit_code == 0 and "已起草：版本 3" in drafted.stderr and "测试情形未通过 1 处" in drafted.stderr
    assert "上限应为 40 万元，实为 50 万元" in drafted.stderr, drafted.output
    lowered = tmp_path / "lowered.yaml"  # the cap lowered with its situation: what the file changes, signed
    lowered.write_text(wrong.read_text("utf-8").replace("value: 50万元, source: 测试}", "value: 40万元, source: 测试}"),
                       "utf-8")
    assert invoke("policy", "add", str(lowered), "--by", "ops1").exit_code == 0
    compared = invoke("policy", "diff", "2", "4")
    assert compared.exit_code == 0 and "版本 4 的文件改动" in compared.stdout, compared.output
    assert "试点上限" in compared.stdout and "−10 万元" in compared.stdout
    bad = invoke("round", "open", "test-successor", "--title", "测试批次", "--opens", "2026-12-01", "--closes",
                 "2026-11-01", "--measure", "1", "--by", "ops1")
    assert bad.exit_code == 2 and "截止日期：不能早于开始日期" in bad.stderr
    for opens, closes, said in (("20261201", "2030-12-31", "--opens：应为日期（YYYY-MM-DD）"),
                                ("2026-12-01", "2026-02-30", "--closes：2026-02-30 不是有效日期")):
        wrong = invoke("round", "open", "test-successor", "--title", "测试批次", "--opens", opens, "--closes",
                       closes, "--measure", "1", "--by", "ops1")
        assert wrong.exit_code == 2 and said in wrong.stderr, wrong.output
    opened = invoke("round", "open", "test-successor", "--title", "测试批次", "--opens", "2026-12-01", "--closes",
                    "2030-12-31", "--measure", "1", "--by", "ops1")
    assert opened.exit_code == 0 and "已开设申报批次 1" in opened.stdout, opened.output
    assert "请注意" not in opened.stdout
    beside = invoke("round", "open", "test-successor", "--title", "补报批次", "--opens", "2026-12-04", "--closes",
                    "2027-01-31", "--measure", "1", "--measure", "5", "--by", "ops1")
    assert beside.exit_code == 0 and "已开设申报批次 2" in beside.stdout, beside.output
    assert "请注意：措施1也在批次「测试批次」（2026-12-01 至 2030-12-31）中受理，时间重叠" in beside.stdout
    assert "申报中" in invoke("round", "list").stdout
    early = invoke("round", "extend", "1", "--to", "2030-12-30", "--reason", "维护", "--by", "ops2")
    assert early.exit_code == 2 and "应晚于现在的截止日期 2030-12-31" in early.stderr
    compact = invoke("round", "extend", "1", "--to", "20310131", "--reason", "维护", "--by", "ops2")
    assert compact.exit_code == 2 and "--to：应为日期（YYYY-MM-DD）" in compact.stderr
    extended = invoke("round", "extend", "1", "--to", "2031-01-31", "--reason", "系统维护", "--by", "ops2")
    assert extended.exit_code == 0 and "已由 2030-12-31 延至 2031-01-31" in extended.stdout, extended.output
    assert "请注意：措施1也在批次「补报批次」（2026-12-04 至 2027-01-31）中受理，时间重叠" in extended.stdout
    closed = invoke("round", "close", "1", "--by", "ops2")
    assert closed.exit_code == 0 and "已结束受理" in closed.stdout
    assert "已截止" in invoke("round", "list").stdout


def test_a_list_is_imported_from_the_command_line(database_url, set_today, tmp_path) -> None:
    """``huiqi lists import``: a bad row is named with its line and nothing is written; a good file is imported."""
    from datetime import date

    from tests.dbtest import uscc_for

    set_today(date(2025, 6, 30))
    assert invoke("db", "upgrade").exit_code == 0
    made = invoke("users", "add", "unit", "--role", "admin", "--password-stdin", input="a-long-passphrase-1\n")
    assert made.exit_code == 0, made.output
    bad = tmp_path / "bad.csv"
    bad.write_text("uscc,name\n123,坏代码\n", encoding="utf-8")
    refused = invoke("lists", "import", str(bad), "--code", "little_giant", "--document", "测试〔2025〕1号",
                     "--date", "2025-06-01", "--by", "unit")
    assert refused.exit_code == 2 and "第 2 行·统一社会信用代码" in refused.stderr
    undated = invoke("lists", "import", str(bad), "--code", "little_giant", "--document", "测试〔2025〕1号",
                     "--date", "2025-6-1", "--by", "unit")
    assert undated.exit_code == 2 and "--date：应为日期（YYYY-MM-DD）" in undated.stderr, undated.output
    good = tmp_path / "good.csv"
    good.write_text(f"uscc,name,level\n{uscc_for('210100', 'MA0LT001')},名单企业有限公司,national\n", encoding="utf-8")
    done = invoke("lists", "import", str(good), "--code", "little_giant", "--document", "测试〔2025〕1号",
                  "--date", "2025-06-01", "--by", "unit")
    assert done.exit_code == 0 and "已导入名单 1：1 行，新建申报单位 1 家" in done.stdout, done.output
    assert "1 行未产生政策直达（措施当日没有受理中的申报批次 1 行），逐行原因如下" in done.stdout
    row = f"  第 2 行 名单企业有限公司（{uscc_for('210100', 'MA0LT001')}）：2025-06-30（匹配当日）没有受理中的申报批次"
    assert row in done.stdout, done.stdout
    unlevelled = tmp_path / "unlevelled.csv"
    unlevelled.write_text(f"uscc,name\n{uscc_for('210100', 'MA0LT002')},另一企业有限公司\n", encoding="utf-8")
    refused = invoke("lists", "import", str(unlevelled), "--code", "little_giant", "--document", "测试〔2025〕2号",
                     "--date", "2025-06-01", "--by", "unit")
    assert refused.exit_code == 2 and "级别：专精特新“小巨人”企业（新认定）须注明级别" in refused.stderr, refused.output


def test_a_department_imports_from_the_command_line_only_its_measures_lists(database_url, set_today, tmp_path) -> None:
    """``huiqi lists import --by`` a department reviewer: a category of another unit's measure is refused, naming
    that unit, before the file is read; one of its own measures is imported."""
    from datetime import date

    from tests.dbtest import uscc_for

    set_today(date(2025, 6, 30))
    assert invoke("db", "upgrade").exit_code == 0
    made = invoke("users", "add", "unit", "--role", "department", "--department", "省科技厅", "--password-stdin",
                  input="a-long-passphrase-1\n")
    assert made.exit_code == 0, made.output
    listed = tmp_path / "list.csv"
    listed.write_text(f"uscc,name,level\n{uscc_for('210100', 'MA0LT001')},名单企业有限公司,国家\n", encoding="utf-8")
    refused = invoke("lists", "import", str(tmp_path / "absent.csv"), "--code", "little_giant", "--document",
                     "测试〔2025〕1号", "--date", "2025-06-01", "--by", "unit")
    assert refused.exit_code == 2, refused.output
    assert "由措施3的牵头单位（省工业和信息化厅）或管理员导入" in refused.stderr
    done = invoke("lists", "import", str(listed), "--code", "gazelle", "--document", "辽科发〔2025〕1号",
                  "--date", "2025-06-01", "--by", "unit")
    assert done.exit_code == 0 and "已导入名单 1：1 行" in done.stdout, done.output


def test_match_and_policy_show_read_the_published_catalogue_with_catalogue(database_url, tmp_path,
                                                                            monkeypatch) -> None:
    """A successor published into the database is seen with ``--catalogue``; the shipped files stay the default."""
    second = Path(__file__).parent / "fixtures" / "second-policy.yaml"
    case = str(Path(__file__).parents[1] / "examples" / "case.json")
    assert invoke("db", "upgrade").exit_code == 0
    for name in ("ops1", "ops2"):
        assert invoke("users", "add", name, "--role", "admin", "--password-stdin",
                      input="a-long-passphrase-1\n").exit_code == 0
    assert invoke("policy", "add", str(second), "--by", "ops1").exit_code == 0
    drafted = invoke("policy", "show", "--catalogue")
    assert drafted.exit_code == 0 and "辽政办〔2022〕35号" in drafted.stdout and "测试〔2024〕1号" not in drafted.stdout
    assert invoke("policy", "publish", "2", "--by", "ops2").exit_code == 0
    shown = invoke("policy", "show", "1", "--catalogue")
    assert shown.exit_code == 0 and "测试〔2024〕1号" in shown.stdout and "辽政办〔2022〕35号" in shown.stdout
    assert "测试〔2024〕1号" not in invoke("policy", "show", "1").stdout
    chosen = invoke("policy", "show", "--catalogue", "--policy", "test-successor")
    assert chosen.exit_code == 0 and "辽政办〔2022〕35号" not in chosen.stdout and "测试〔2024〕1号" in chosen.stdout
    unknown = invoke("policy", "show", "--catalogue", "--policy", "no-such-policy")
    assert unknown.exit_code == 2 and "--policy：政策目录中没有已发布的政策“no-such-policy”" in unknown.stderr
    matched = invoke("match", case, "--format", "json", "--catalogue")
    assert matched.exit_code == 0, matched.output
    assert {r["policy"] for r in json.loads(matched.stdout)["results"]} == {"ln-2022-35", "test-successor"}
    shipped = json.loads(invoke("match", case, "--format", "json").stdout)
    assert {r["policy"] for r in shipped["results"]} == {"ln-2022-35"}


@pytest.mark.parametrize("url, said", [("sqlite:///{tmp}/empty.db", "还没有建立表结构"),
                                       ("postgresql+psycopg://nobody@127.0.0.1:1/none", "无法使用数据库")],
                         ids=["no-tables", "out-of-reach"])
def test_catalogue_without_a_usable_database_is_said_in_one_sentence(url, said, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HUIQI_DATABASE_URL", url.format(tmp=tmp_path))
    _reset()
    try:
        refused = invoke("policy", "show", "--catalogue")
        assert refused.exit_code == 2 and said in refused.stderr and "Traceback" not in refused.output
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert invoke("match", str(Path(__file__).parents[1] / "examples" / "case.json"),
                      "--catalogue").exit_code == 2
        assert invoke("policy", "show", "1").exit_code == 0  # the shipped files need no database
    finally:
        db.engine().dispose()
        _reset()


REFORM = ("name: 测试改革\nchanges:\n  - {policy: ln-2022-35, parameter: 11.cap, since: 2025-01-01, value: 1500万元, "
          "source: 测试}\n")


def test_simulate_on_the_exported_catalogue_gives_the_page_s_figures(database_url, tmp_path, monkeypatch) -> None:
    """A run as the page starts it (``jobs.start`` and ``jobs.run``, on the policies published in the database) and
    ``huiqi simulate`` on the same population, with the catalogue ``huiqi policy export`` wrote: the same totals,
    impact and policies. Without ``--catalogue`` (the shipped files alone) the population's codes of the second policy
    are not known."""
    from datetime import date

    from sqlalchemy import select

    from huiqi.models import User
    from huiqi.simulate import jobs

    monkeypatch.setenv("HUIQI_JOBS_DIR", str(tmp_path / "jobs"))
    _reset()
    assert invoke("db", "upgrade").exit_code == 0
    for name, role in (("ops1", "admin"), ("ops2", "admin"), ("fin", "finance")):
        assert invoke("users", "add", name, "--role", role, "--password-stdin",
                      input="a-long-passphrase-1\n").exit_code == 0
    assert invoke("policy", "add", str(Path(__file__).parent / "fixtures" / "second-policy.yaml"),
                  "--by", "ops1").exit_code == 0
    assert invoke("policy", "publish", "2", "--by", "ops2").exit_code == 0
    with db.session_scope() as session:
        actor = session.scalars(select(User).where(User.username == "fin")).one()
        job = jobs.start(session, actor=actor, spec=jobs.JobCreate(
            by=["measure"], as_of=date(2025, 6, 30), synthetic_applicants=800, seed=3, reform=REFORM))
        job_id, folder = job.id, Path(job.folder)
    jobs.run(db.session_scope, job_id)
    page = json.loads((folder / "report.json").read_text("utf-8"))
    assert "groups" in page, page.get("error")

    exported = invoke("policy", "export", str(tmp_path / "catalogue"))
    assert exported.exit_code == 0, exported.output
    assert "已导出 2 项已发布的政策" in exported.stdout
    assert "test-successor.yaml（测试〔2024〕1号，版本 2）" in exported.stdout
    assert sorted(p.name for p in (tmp_path / "catalogue").iterdir()) == ["ln-2022-35.yaml", "test-successor.yaml"]
    (tmp_path / "reform.yaml").write_text(REFORM, "utf-8")
    run = ["simulate", str(folder / "population"), "--as-of", "2025-06-30", "--by", "measure",
           "--reform", str(tmp_path / "reform.yaml"), "--format", "json"]
    cli = invoke(*run, "--catalogue", str(tmp_path / "catalogue"))
    assert cli.exit_code == 0, cli.output
    data = json.loads(cli.stdout)
    assert [p["id"] for p in page["policies"]] == ["ln-2022-35", "test-successor"]
    assert data["policies"] == page["policies"], "the same versions"
    assert data["groups"] == page["groups"] and data["reform"]["groups"] == page["reform"]["groups"]
    assert data["impact"] == page["impact"]
    spent = sum(g["ceiling_sum"] for g in page["groups"])
    assert spent == page["impact"]["total"]["ceiling_sum"] > 0
    shipped = invoke(*run)  # the population is drawn for both policies: the shipped files alone know no test_pilot
    assert shipped.exit_code == 2 and "含有未知事项代码 test_pilot" in shipped.stderr, shipped.output

    again = invoke("policy", "export", str(tmp_path / "catalogue"))
    assert again.exit_code == 2 and "已存在且不是空文件夹" in again.stderr


def test_an_enterprise_user_added_on_the_command_line_is_told_of_the_offers_its_lists_bring(database_url,
                                                                                          set_today) -> None:
    """A list named the unit before it had an account, its record complete (a data fix): ``huiqi users add`` says
    the offer made, as the users page does."""
    from sqlalchemy import select

    from huiqi.models import Applicant, ApplicantProfile
    from tests.dbtest import a_round, make_people
    from tests.recognition.test_registered import NEW, ON, PROFILE, _import

    set_today(ON)
    assert invoke("db", "upgrade").exit_code == 0
    with db.session_scope() as session:
        people = make_people(session)
        a_round(session)
        _import(session, people)
        applicant = session.scalars(select(Applicant).where(Applicant.uscc == NEW)).one()
        session.add(ApplicantProfile(applicant_id=applicant.id, version=2, recorded_by="admin", **PROFILE))
    added = invoke("users", "add", "newfirm", "--role", "enterprise", "--uscc", NEW, "--password-stdin",
                   input="a long password\n")
    assert added.exit_code == 0, added.output
    said = "已添加用户 newfirm（企业用户）；已按公布的认定名单为该单位生成政策直达 1 项，已通知该单位"
    assert said in added.stdout, added.output
