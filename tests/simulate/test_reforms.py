"""Reforms without YAML: the parameter table, the YAML it writes (checked as a reform file is), saving by name
(one name once, even when two saves race, on both databases) and comparing two saved reforms."""

import threading
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from huiqi.db import make_engine, writer
from huiqi.errors import Conflict, InputError
from huiqi.models import SavedReform, SimulationJob, User
from huiqi.simulate import jobs, reforms, saved_reforms
from huiqi.simulate.reform import Reform, apply_reform
from huiqi.simulate.reform_comparison import compare
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from tests.dbtest import DATABASES, drop_schema, migrate, postgres_schema

YAML = "name: 甲\nchanges:\n  - {parameter: 11.cap, since: 2025-01-01, value: 1500万元, source: 测试}\n"


def _row(policies, key: str) -> reforms.Row:
    return next(r for r in reforms.rows(policies) if r.key == key)


def test_every_parameter_is_a_row_with_its_value_in_force(policies) -> None:
    found = reforms.rows(policies)
    keys = {r.key for r in found}
    assert {"window_end", "11.cap", "11.rate", "8.min_investment"} <= keys
    cap = _row(policies, "11.cap")
    assert cap.in_force(date(2025, 6, 30)) == ("1000", date(2022, 7, 23), "措施11：给予单个项目最高1000万元资金支持")
    assert cap.label == "辽政办〔2022〕35号 措施11 融合基础设施项目资金支持上限（单个项目）"
    assert _row(policies, "11.rate").in_force(date(2025, 6, 30))[0] == "30"
    assert len({r.field for r in found}) == len(found)


def test_a_whole_number_in_percent_takes_its_percent_sign_and_names_its_unit(policies) -> None:
    """措施2's growth rate (15 meaning 15%) is typed as the rates are, with or without its %, and its row names %."""
    growth = _row(policies, "2.growth_percent")
    assert growth.percent and growth.unit == "%" and _row(policies, "11.cap").unit == "万元"
    assert not _row(policies, "8.min_investment").percent
    for typed in ("20%", "20", "２０％"):
        text = reforms.reform_text("甲", "", [reforms.Edit(growth, typed, "2025-01-01")])
        assert reforms.checked(text, policies).changes[0].value == 20, typed
    with pytest.raises(InputError) as refused:
        reforms.reform_text("甲", "", [reforms.Edit(growth, "20.5%", "2025-01-01")])
    assert refused.value.problems[0][0].endswith("（新值）")


def test_the_table_writes_the_reform_a_file_would_hold(policies) -> None:
    edits = [reforms.Edit(_row(policies, "11.cap"), "1500", "2025-01-01"),
             reforms.Edit(_row(policies, "11.rate"), "40", "2025-01-01"),
             reforms.Edit(_row(policies, "window_end"), "2026-12-31", "2025-12-01")]
    text = reforms.reform_text(" 甲 ", "说明", edits)
    reform = reforms.checked(text, policies)
    assert reform.name == "甲" and reform.description == "说明"
    assert [(c.parameter, c.since, c.value, c.policy) for c in reform.changes] == [
        ("11.cap", date(2025, 1, 1), "1500万元", "ln-2022-35"), ("11.rate", date(2025, 1, 1), "40%", "ln-2022-35"),
        ("window_end", date(2025, 12, 1), date(2026, 12, 31), "ln-2022-35")]
    reformed = apply_reform(policies, reform)[0]
    measure = next(m for m in reformed.measures if m.number == 11)
    assert measure.parameters["cap"].at(date(2025, 3, 1), date(2025, 3, 1)) == 15_000_000
    assert measure.parameters["cap"].at(date(2024, 3, 1), date(2024, 3, 1)) == 10_000_000
    assert reformed.window_end.at(date(2025, 12, 2), date(2025, 12, 2)) == date(2026, 12, 31)
    same = Reform.model_validate({"name": "甲", "description": "说明", "changes": [
        {"parameter": "11.cap", "since": "2025-01-01", "value": "1500万元", "source": reforms.SOURCE,
         "policy": "ln-2022-35"},
        {"parameter": "11.rate", "since": "2025-01-01", "value": "40%", "source": reforms.SOURCE,
         "policy": "ln-2022-35"},
        {"parameter": "window_end", "since": "2025-12-01", "value": date(2026, 12, 31), "source": reforms.SOURCE,
         "policy": "ln-2022-35"}]})
    assert reform == same


@pytest.mark.parametrize(("key", "value", "since", "field", "why"), [
    ("11.cap", "一千五", "2025-01-01", "_value", "“一千五”应为以万元计的数（如 1500）"),
    ("11.cap", "8,5", "2025-01-01", "_value", "逗号只能用作千位分隔（如 1,000）；小数请写小数点（如 8.5）"),
    ("11.rate", "3,5", "2025-01-01", "_value", "逗号只能用作千位分隔"),
    ("11.cap", "200000000000", "2025-01-01", "_value", "金额应在 0 元至 1000 万亿元之间"),
    ("11.cap", "1500.00001", "2025-01-01", "_value", "不是整元"),
    ("11.rate", "150", "2025-01-01", "_value", "不超过 100%"),
    ("11.cap", "1500", "2020-01-01", "_since", "不能早于政策发布日期 2022-07-23"),
    ("11.cap", "1500", "2025-02-30", "_since", "2025-02-30 不是有效日期"),
    ("11.cap", "1500", "", "_since", "请填写生效日期"),
    ("window_end", "明年", "2025-12-01", "_value", "“明年”不是日期"),
    ("11.cap", "", "2025-01-01", "_value", "请同时填写新值"),
])
def test_a_bad_edit_names_its_field(policies, key, value, since, field, why) -> None:
    row = _row(policies, key)
    with pytest.raises(InputError) as error:
        reforms.reform_text("甲", "", [reforms.Edit(row, value, since)])
    [problem] = error.value.problems
    assert problem.field == row.field + field and why in problem[1], problem
    assert problem[0].startswith(row.label) and "'" not in problem[1], "no Python quotes"


def test_a_reform_needs_a_name_and_a_change(policies) -> None:
    with pytest.raises(InputError) as error:
        reforms.reform_text("  ", "", [reforms.Edit(_row(policies, "11.cap"), "1500", "2025-01-01")])
    assert [(p[0], p.field) for p in error.value.problems] == [("改革方案名称", "reform_name")]
    with pytest.raises(InputError) as error:
        reforms.reform_text("名" * 61, "", [])
    assert {p.field for p in error.value.problems} == {"reform_name", "params"}
    with pytest.raises(InputError) as error:
        reforms.reform_text("甲", "", [])
    assert [p.field for p in error.value.problems] == ["params"]


def test_the_loader_checks_yaml_typed_in_as_it_checks_a_file(policies) -> None:
    with pytest.raises(InputError) as error:
        reforms.checked(YAML.replace("11.cap", "11.nothing"), policies)
    assert "没有这个参数" in error.value.problems[0][1]
    with pytest.raises(InputError) as error:
        reforms.checked(YAML.replace("2025-01-01", "2019-01-01"), policies)
    assert "早于政策发布日期" in error.value.problems[0][1]
    with pytest.raises(InputError):
        reforms.checked("name: [", policies)


def test_saved_under_a_name_once_and_seen_by_its_author(session, people, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HUIQI_JOBS_DIR", str(tmp_path / "jobs"))
    from huiqi.config import get_settings

    get_settings.cache_clear()
    reform = jobs.parse_reform(YAML)
    job = jobs.start(session, actor=people.finance, spec=jobs.JobCreate(synthetic_applicants=10, reform=YAML))
    saved = saved_reforms.save(session, actor=people.finance, reform=reform, text=YAML, job=job)
    assert saved.changes[0]["parameter"] == "11.cap" and saved.job_id == job.id
    with pytest.raises(Conflict):
        saved_reforms.save(session, actor=people.finance, reform=reform, text=YAML, job=job)
    other = jobs.start(session, actor=people.miit, spec=jobs.JobCreate(synthetic_applicants=10, reform=YAML))
    saved_reforms.save(session, actor=people.miit, reform=reform, text=YAML, job=other)  # another analyst's own name
    assert [r.user_id for r in saved_reforms.listed(session, actor=people.finance)] == [people.finance.id]
    assert len(saved_reforms.listed(session, actor=people.admin)) == 2
    assert saved_reforms.get(session, actor=people.admin, reform_id=saved.id) is saved
    get_settings.cache_clear()


@pytest.fixture(params=DATABASES)
def engine(request, tmp_path, monkeypatch):
    """A database of its own (these tests commit); on SQLite, writes take the lock up front as the app's do."""
    monkeypatch.setenv("HUIQI_JOBS_DIR", str(tmp_path / "jobs"))
    from huiqi.config import get_settings

    get_settings.cache_clear()
    if request.param == "sqlite":
        found = make_engine(f"sqlite:///{tmp_path / 'race.db'}")
        migrate(found)
        yield writer(found)
        found.dispose()
    else:
        found, schema = postgres_schema()
        migrate(found)
        yield found
        drop_schema(found, schema)
    get_settings.cache_clear()


def test_two_saves_of_one_name_at_once(engine: Engine, tmp_path) -> None:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        analyst = users.create_user(session, actor=SYSTEM, username="analyst", display_name="测算员", role="finance",
                                    password="long enough password").id
    barrier = threading.Barrier(2)
    outcomes = [""] * 2

    def save(index: int) -> None:
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                barrier.wait()
                actor = session.get(User, analyst)
                # as the page
                saved = saved_reforms.save(session, actor=actor, reform=jobs.parse_reform(YAML), text=YAML)
                job = jobs.start(session, actor=actor, spec=jobs.JobCreate(synthetic_applicants=10, reform=YAML))
                saved.job_id = job.id
            outcomes[index] = "done"
        except Conflict:
            outcomes[index] = "conflict"

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(engine) as session:
        [saved] = session.scalars(select(SavedReform)).all()
        assert saved.job_id == session.scalar(select(SimulationJob.id))
        assert session.scalar(select(func.count()).select_from(SimulationJob)) == 1
        assert [p.name for p in (tmp_path / "jobs").iterdir()] == [str(saved.job_id)]  # no folder for the loser


def test_a_reform_whose_job_has_not_finished_is_not_compared(session, people, policies) -> None:
    jobs_ = [SimulationJob(user_id=people.finance.id, state=state, params={}) for state in ("queued", "failed")]
    session.add_all(jobs_)
    session.flush()
    saved = [SavedReform(user_id=people.finance.id, name=name, description="", text=YAML, changes=[], job_id=job.id)
             for name, job in zip(("甲", "乙"), jobs_, strict=True)]
    session.add_all(saved)
    session.flush()
    found = compare(session, actor=people.finance, a_id=saved[0].id, b_id=saved[1].id, policies=policies)
    assert found.missing == ["甲", "乙"] and found.lines == []


def test_a_comma_out_of_place_in_a_typed_value_is_not_dropped() -> None:
    """1,500 is 1500万元; 8,5 (meant as 8.5) goes to the loader as typed, to be refused there, never read as 85."""
    from huiqi.simulate.reforms import written

    assert written("money", "1,500") == "1500万元" and written("money", "1，500.5") == "1500.5万元"
    assert written("money", "8,5") == "8,5" and written("rate", "3,5") == "3,5"
