"""The parameter table on /simulate, saved reforms and their comparison, over HTTP: a reform edited on the page and
the same reform as YAML give identical results; bad edits are a 422 naming the field in Chinese and write nothing."""

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from huiqi.catalogue import service as catalogue
from huiqi.config import get_settings
from huiqi.models import SavedReform, SimulationJob
from huiqi.simulate import reforms
from huiqi.simulate.reform_comparison import compare
from tests.webtest import bearer, marked

pytestmark = pytest.mark.anyio
POPULATION = {"synthetic_applicants": "300", "seed": "5", "by": "measure,region", "as_of": "2025-06-30"}
YAML = ("name: 措施11上限1500万元\ndescription: 页面测试\nchanges:\n"
        "  - {parameter: 11.cap, since: 2025-01-01, value: 1500万元, source: 测试文件}\n"
        "  - {parameter: 11.rate, since: 2025-01-01, value: 40%, source: 测试文件}\n")


def _fields(session, **edits: tuple[str, str]) -> dict[str, str]:
    """The form fields of the table rows named by their keys (``11.cap``), as the page names them."""
    data = {}
    for row in reforms.rows(catalogue.published(session)):
        data[f"{row.field}_key"] = f"{row.policy.id}|{row.key}"
        if row.key.replace(".", "_") in edits:
            value, since = edits[row.key.replace(".", "_")]
            data |= {f"{row.field}_value": value, f"{row.field}_since": since}
    return data


def _result(job_id: int, session) -> dict:
    job = session.get(SimulationJob, job_id)
    data = json.loads((Path(job.folder) / "report.json").read_text("utf-8"))
    return {k: data[k] for k in ("groups", "reform", "difference", "population", "matters", "as_of", "by")}


async def _run(finance, session, name: str, **edits: tuple[str, str]) -> int:
    moved = await finance.post("/simulate", data={**POPULATION, **_fields(session, **edits), "reform_name": name,
                                                  "reform_description": "页面测试", "csrf_token": finance.csrf})
    assert moved.status_code == 303, moved.text
    return int(moved.headers["location"].rsplit("/", 1)[1])


async def test_a_reform_edited_on_the_page_equals_the_same_yaml(browser, client, people, session) -> None:
    finance = browser(people.finance)
    page = await finance.get("/simulate")
    assert "融合基础设施项目资金支持上限（单个项目）" in page.text
    assert "措施11：给予单个项目最高1000万元资金支持" in page.text
    assert "#" not in page.text.split("<textarea")[1].split("</textarea>")[0]  # no YAML with comments pre-filled
    by_page = await _run(finance, session, "措施11上限1500万元", **{"11_cap": ("1500", "2025-01-01"),
                                                                   "11_rate": ("40", "2025-01-01")})
    by_yaml = await client.post("/api/v1/simulations", headers=bearer(session, people.finance),
                                data={**POPULATION, "reform": YAML})
    assert by_yaml.status_code == 202
    typed_in = await finance.post("/simulate", data={**POPULATION, **_fields(session), "csrf_token": finance.csrf,
                                                     "reform": YAML.replace("name: 措施11上限1500万元", "name: 乙")})
    assert typed_in.status_code == 303  # the YAML typed in on the page (its own name: names are kept once)
    page_result = _result(by_page, session)
    assert page_result == _result(by_yaml.json()["id"], session)
    yaml_result = _result(int(typed_in.headers["location"].rsplit("/", 1)[1]), session)
    assert yaml_result["reform"]["name"] == "乙"
    assert {**yaml_result, "reform": {**yaml_result["reform"], "name": page_result["reform"]["name"]}} == page_result
    raised = sum(g["ceiling_sum"] for g in page_result["difference"] if g["measure"] == 11)
    assert raised > 0 and all(g["ceiling_sum"] == 0 for g in page_result["difference"] if g["measure"] != 11)
    saved = session.scalars(select(SavedReform).order_by(SavedReform.id)).all()  # the page's (not the API's)
    assert [(s.name, s.user_id) for s in saved] == [("措施11上限1500万元", people.finance.id),
                                                    ("乙", people.finance.id)]
    assert saved[0].description == "页面测试" and [c["parameter"] for c in saved[0].changes] == ["11.cap", "11.rate"]


@pytest.mark.parametrize(("edits", "name", "said"), [
    ({"11_cap": ("一千五百", "2025-01-01")}, "甲", "措施11 融合基础设施项目资金支持上限（单个项目）（新值）"),
    ({"11_cap": ("1500", "2019-12-31")}, "甲", "（生效日期）：不能早于政策发布日期 2022-07-23"),
    ({"11_cap": ("1500", "2025-01-01")}, "", "改革方案名称：请填写名称"),
    ({}, "只有名称", "参数表：没有修改任何参数"),
    ({"11_cap": ("一千五百", "2025-01-01")}, "甲", "“一千五百”应为以万元计的数（如 1500），或带单位的数（如 1.5亿元）"),
    ({"window_end": ("2021-01-01", "2025-12-01")}, "甲", "（新值）：有效期截止日 2021-01-01 早于政策有效期起始日"),
    ({"window_end": ("2025-06-30", "2025-12-01")}, "甲", "（新值）：有效期截止日 2025-06-30 早于其生效日期 2025-12-01"),
])
async def test_bad_edits_are_422_naming_the_field_and_write_nothing(browser, people, session, edits, name,
                                                                     said) -> None:
    finance = browser(people.finance)
    refused = await finance.post("/simulate", data={**POPULATION, **_fields(session, **edits), "reform_name": name,
                                                    "csrf_token": finance.csrf})
    assert refused.status_code == 422 and said in refused.text, refused.text
    assert 'class="errors error-summary"' in refused.text
    assert session.scalar(select(func.count()).select_from(SimulationJob)) == 0
    assert session.scalar(select(func.count()).select_from(SavedReform)) == 0
    if edits:  # what was typed stays in the form
        assert edits[next(iter(edits))][0] in refused.text


async def test_a_name_used_twice_is_409(browser, people, session) -> None:
    finance = browser(people.finance)
    await _run(finance, session, "甲", **{"11_cap": ("1500", "2025-01-01")})
    fields = {**_fields(session, **{"11_cap": ("1200", "2025-01-01")}), "reform_name": "甲"}
    again = await finance.post("/simulate", data={**POPULATION, **fields, "csrf_token": finance.csrf})
    assert again.status_code == 409 and "已有名为“甲”的改革方案" in again.text
    assert session.scalar(select(func.count()).select_from(SavedReform)) == 1
    assert session.scalar(select(func.count()).select_from(SimulationJob)) == 1
    kept = str(session.scalar(select(SimulationJob.id)))
    assert [folder.name for folder in get_settings().jobs_dir.iterdir()] == [kept]  # the refused job's files removed


async def test_two_saved_reforms_side_by_side(browser, people, session) -> None:
    finance = browser(people.finance)
    await _run(finance, session, "上限1500", **{"11_cap": ("1500", "2025-01-01")})
    alone = (await finance.get("/simulate/reforms")).text
    assert "再保存一个方案后" in alone and 'action="/simulate/reforms/compare"' not in alone  # not A against itself
    await _run(finance, session, "上限2亿", **{"11_cap": ("2亿元", "2025-01-01"), "7_rate": ("50", "2024-01-01")})
    a, b = sorted(session.scalars(select(SavedReform.id)).all())
    listed = await finance.get("/simulate/reforms")
    assert "上限1500" in listed.text and "上限2亿" in listed.text
    assert _chosen(listed.text) == (b, a)  # the newest first, and another as 方案B
    job = session.scalar(select(SavedReform.job_id).where(SavedReform.id == b))
    shown = (await finance.get(f"/simulate/{job}")).text
    assert f'href="/simulate/reforms?a={b}">与其他已保存方案对比</a>' in shown
    assert _chosen((await finance.get(f"/simulate/reforms?a={b}")).text) == (b, a)  # from the job's page: it is 方案A
    assert _chosen((await finance.get(f"/simulate/reforms?a={a}")).text) == (a, b)
    for ignored in ("１２", "99999", "x"):  # not a number, or not a reform of theirs: the first two reforms
        assert _chosen((await finance.get(f"/simulate/reforms?a={ignored}")).text) == (b, a)
    assert "措施11 融合基础设施项目资金支持上限（单个项目）：1500万元（自 2025-01-01）" in listed.text
    compared = await finance.get(f"/simulate/reforms/compare?a={a}&b={b}")
    assert compared.status_code == 200
    assert "上限1500" in compared.text and "上限2亿" in compared.text and "措施11 " in compared.text
    assert "方案B−方案A" in compared.text and "基线计入支出" in compared.text and "计入支出合计" in compared.text
    data = compare(session, actor=people.finance, a_id=a, b_id=b, policies=catalogue.published(session))
    eleven = next(line for line in data.lines if line.label.startswith("措施11") or "措施11 " in line.label)
    assert eleven.a > eleven.baseline and eleven.b >= eleven.a and data.same_baseline
    seven = next(line for line in data.lines if "措施7 " in line.label)
    assert seven.a == seven.baseline and seven.b >= seven.baseline
    twelve = next(line for line in data.lines if "措施12 " in line.label)  # names no amount: items and 未定额, not 0
    assert twelve.unspecified and twelve.baseline == 0 and twelve.grants["baseline"] > 0
    assert f"{twelve.grants['baseline']} 项，未定额" in compared.text and not seven.unspecified
    total = data.lines[-1]
    assert total.label == "合计" and total.a == sum(line.a for line in data.lines[:-1])
    # the measures neither reform moves, marked for a phone to leave out of the way (huiqi.js: data-only-changed)
    same = [line for line in data.lines[:-1] if not line.changed]
    assert eleven.changed and same and all(x.a == x.baseline and x.b == x.baseline_b for x in same)
    assert compared.text.count('<tr class="same">') == len(same)
    assert f"另有 {len(same)} 项措施在两个方案中都与基线相同" in compared.text
    sheet = await finance.get(f"/simulate/reforms/compare.xlsx?a={a}&b={b}")
    book = openpyxl.load_workbook(io.BytesIO(sheet.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][:3] == ("措施", "基线（元）", "基线（万元）")
    assert rows[-1][0] == "合计" and rows[-1][3] == total.a
    assert next(r for r in rows if "措施12 " in str(r[0]))[1:3] == (f"{twelve.grants['baseline']} 项，未定额", None)
    api = (await finance.get("/api/v1/reforms/compare", params={"a": str(a), "b": str(b)})).json()
    assert next(x for x in api["lines"] if "措施12 " in x["label"])["unspecified"] is True
    same = await finance.get(f"/simulate/reforms/compare?a={a}&b={a}")
    assert same.status_code == 422 and "请选择与方案A不同的方案" in same.text
    for odd in ("²", "٣", "1²"):  # digits to str.isdigit, not numbers to int(): a 500 before (the API fuzz found it)
        refused = await finance.get("/api/v1/reforms/compare", params={"a": odd, "b": str(b)})
        assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "方案A", refused.text


def _chosen(html: str) -> tuple[int, int]:
    """The reforms chosen as 方案A and 方案B in the comparison form."""
    chosen = []
    for field in ("a", "b"):
        select_ = html.split(f'name="{field}">', 1)[1].split("</select>", 1)[0]
        chosen.append(int(select_.split(" selected>", 1)[0].rsplit('value="', 1)[1].split('"', 1)[0]))
    return chosen[0], chosen[1]


async def test_only_the_author_or_an_admin_sees_a_reform(browser, people, session) -> None:
    finance = browser(people.finance)
    await _run(finance, session, "甲", **{"11_cap": ("1500", "2025-01-01")})
    await _run(finance, session, "乙", **{"11_cap": ("1200", "2025-01-01")})
    a, b = sorted(session.scalars(select(SavedReform.id)).all())
    department = browser(people.miit)
    assert "甲" not in (await department.get("/simulate/reforms")).text
    everyone = (await browser(people.admin).get("/simulate/reforms")).text
    assert "甲" in everyone and people.finance.display_name in everyone
    assert (await department.get(f"/simulate/reforms/compare?a={a}&b={b}")).status_code == 404
    assert (await department.get(f"/simulate/reforms/compare.xlsx?a={a}&b={b}")).status_code == 404
    assert (await browser(people.alice).get("/simulate/reforms")).status_code == 403
    assert (await browser(people.alice).get(f"/simulate/reforms/compare?a={a}&b={b}")).status_code == 403
    assert (await browser(people.admin).get(f"/simulate/reforms/compare?a={a}&b={b}")).status_code == 200
    assert (await browser(None).get("/simulate/reforms")).status_code in (303, 401)


async def test_the_saved_reforms_download_as_listed(browser, people, session) -> None:
    """/simulate/reforms.xlsx: the list's rows for whoever reads it (finance its own, the admin and the auditor
    everyone's), each change in 万元; a description written as a formula stays text; the list's refusals alike."""
    import html

    from tests.webtest import quoted, refusal, sheet_rows

    finance, department = browser(people.finance), browser(people.miit)
    edits = _fields(session, **{"11_cap": ("1500", "2025-01-01")})
    moved = await finance.post("/simulate", data={**POPULATION, **edits, "reform_name": "甲",
                                                  "reform_description": "=1+1", "csrf_token": finance.csrf})
    assert moved.status_code == 303, moved.text
    await _run(department, session, "乙", **{"11_cap": ("1200", "2025-01-01")})
    for who, names in ((finance, ["甲"]), (department, ["乙"]), (browser(people.admin), ["乙", "甲"]),
                       (browser(people.auditor), ["乙", "甲"])):
        page = (await who.get("/simulate/reforms")).text
        assert 'href="/simulate/reforms.xlsx"' in page and "导出 Excel" in page
        shown = [(html.unescape(n), html.unescape(d)) for n, d in re.findall(
            r'<td data-label="名称"><a href="/simulate/reforms/\d+">([^<]*)</a></td><td data-label="说明">([^<]*)</td>',
            page)]
        got = await who.get("/simulate/reforms.xlsx")
        rows = sheet_rows(got)
        assert [(r["名称"], r["说明"]) for r in rows] == shown and [n for n, _ in shown] == names
    mine = {r["名称"]: r for r in rows}["甲"]
    assert mine["修改的参数"] == ("辽政办〔2022〕35号 措施11 融合基础设施项目资金支持上限（单个项目）："
                                  "1500万元（自 2025-01-01）")
    assert mine["测算状态"] == "已完成" and mine["保存人"] == people.finance.display_name
    assert quoted(got, "=1+1"), "formula-like text stays text"
    for who in (None, people.alice, people.shenyang):
        client = browser(who)
        said = refusal(await client.get("/simulate/reforms.xlsx"))
        assert said == refusal(await client.get("/simulate/reforms")) and said[0] in (303, 403)


async def test_saved_reforms_over_the_api(browser, client, people, session) -> None:
    finance = browser(people.finance)
    await _run(finance, session, "上限1500", **{"11_cap": ("1500", "2025-01-01")})
    await _run(finance, session, "上限2亿", **{"11_cap": ("2亿元", "2025-01-01")})
    a, b = sorted(session.scalars(select(SavedReform.id)).all())
    headers = bearer(session, people.finance)
    listed = (await client.get("/api/v1/reforms", headers=headers)).json()
    assert [r["name"] for r in listed["items"]] == ["上限2亿", "上限1500"]  # newest first
    assert listed["items"][1]["changes"][0]["parameter"] == "11.cap" and listed["items"][1]["job_id"]
    one = (await client.get(f"/api/v1/reforms/{a}", headers=headers)).json()
    assert one["name"] == "上限1500" and "11.cap" in one["text"]  # the YAML a --reform file would hold
    compared = await client.get(f"/api/v1/reforms/compare?a={a}&b={b}", headers=headers)
    assert compared.status_code == 200
    data = compared.json()
    expected = compare(session, actor=people.finance, a_id=a, b_id=b, policies=catalogue.published(session))
    assert data["a"]["id"] == a and data["b"]["id"] == b and data["missing"] == []
    assert [(x["label"], x["baseline"], x["a"], x["b"], x["b_minus_a"]) for x in data["lines"]] == [
        (x.label, x.baseline, x.a, x.b, x.b_minus_a) for x in expected.lines]
    assert data["lines"][-1]["label"] == "合计" and data["lines"][-1]["b_minus_a"] > 0
    same = await client.get(f"/api/v1/reforms/compare?a={a}&b={a}", headers=headers)
    assert same.status_code == 422 and same.json()["problems"][0]["field"] == "方案B"
    assert "请选择与方案A不同的方案" in same.text
    none = await client.get("/api/v1/reforms/compare?a=x", headers=headers)
    assert none.status_code == 422 and {p["field"] for p in none.json()["problems"]} == {"方案A", "方案B"}
    other = bearer(session, people.miit)
    assert (await client.get(f"/api/v1/reforms/{a}", headers=other)).status_code == 404
    assert (await client.get(f"/api/v1/reforms/compare?a={a}&b={b}", headers=other)).status_code == 404
    assert (await client.get("/api/v1/reforms", headers=other)).json()["items"] == []
    assert (await client.get("/api/v1/reforms", headers=bearer(session, people.alice))).status_code == 403


async def test_a_change_after_the_window_is_marked_on_its_row_in_chinese(browser, people, session) -> None:
    finance = browser(people.finance)
    row = next(r for r in reforms.rows(catalogue.published(session)) if r.key == "1.cap")
    late = _fields(session, **{"1_cap": ("3000", "2027-01-01")})
    refused = await finance.post("/simulate", data={**POPULATION, **late, "reform_name": "晚了",
                                                    "csrf_token": finance.csrf})
    assert refused.status_code == 422, refused.text
    page = refused.text
    summary = page[page.index('<div class="errors'):page.index("</ul>")]
    link = f'<a href="#f-{row.field}_since">{row.label}（生效日期）：2027-01-01 晚于该政策有效期的最后一天 2025-12-31'
    assert link in summary, summary
    cell = page[page.index(f'id="f-{row.field}_since"'):]
    cell = cell[:cell.index("</td>")]
    assert "晚于该政策有效期的最后一天" in cell, "the mistake beside the box it was typed in"
    assert "1.cap" not in summary and "window_end" not in summary and 'href="#f-reform"' not in summary
    assert "有效期截止日" in page[page.index('id="late-hint"'):][:200]
    assert session.scalar(select(func.count()).select_from(SavedReform)) == 0


async def test_the_tables_day_is_read_or_said_to_be_no_date(browser, people, session, set_today) -> None:
    from datetime import date

    set_today(date(2026, 12, 5))
    finance = browser(people.finance)
    wrong = await finance.get("/simulate", params={"as_of": "2025-02-30"})
    assert wrong.status_code == 200
    said = '<span class="field-error" id="e-view_as_of">2025-02-30 不是有效日期，下表显示今天的现行值</span>'
    assert said in wrong.text
    assert '<a href="#f-view_as_of">参数表显示哪一天的现行值：2025-02-30 不是有效日期' in wrong.text
    assert "2026-12-05 的现行值" in wrong.text, "the page still usable, on today's values"
    wide = await finance.get("/simulate", params={"as_of": "２０２５-０６-３０"})
    assert "2025-06-30 的现行值" in wide.text and "field-error" not in wide.text
    early = (await finance.get("/simulate", params={"as_of": "1900-01-01"})).text
    values = re.findall(r'<td data-label="现行值" class="num">([^<]*)</td>', early)
    assert values and set(values) == {"—（尚未生效）"}, set(values)


async def test_a_reform_whose_simulation_failed_can_run_again_under_its_name(browser, people, session,
                                                                            monkeypatch) -> None:
    from huiqi.errors import InputError
    from huiqi.simulate import jobs

    def broken(*args, **kwargs):
        raise InputError([("合成数据", "无法生成")])

    finance = browser(people.finance)
    monkeypatch.setattr(jobs, "synthesise", broken)
    failed = await _run(finance, session, "甲", **{"11_cap": ("1500", "2025-01-01")})
    assert session.get(SimulationJob, failed).state == "failed"
    monkeypatch.undo()
    other = await _run(finance, session, "乙", **{"11_cap": ("1800", "2025-01-01")})
    a, b = (session.scalar(select(SavedReform.id).where(SavedReform.name == n)) for n in ("甲", "乙"))
    listed = (await finance.get("/simulate/reforms")).text
    assert f'<a href="/simulate/{failed}">#{failed}</a> <span class="badge no">测算失败</span>' in listed
    assert f'<a href="/simulate/{other}">#{other}</a> <span class="badge ok">已完成</span>' in listed
    assert f'<option value="{a}">甲（测算失败）</option>' in listed
    compared = (await finance.get(f"/simulate/reforms/compare?a={a}&b={b}")).text
    assert "测算失败：甲（可在财政测算页面用同一名称重新测算）" in compared and "尚未完成" not in compared
    again = await _run(finance, session, "甲", **{"11_cap": ("1600", "2025-01-01")})
    saved = session.scalars(select(SavedReform).where(SavedReform.name == "甲")).all()
    assert [(r.id, r.job_id) for r in saved] == [(a, again)], "the failed run's reform replaced, not a second one"
    assert saved[0].changes[0]["value"] == "1600万元"
    assert "<tbody>" in (await finance.get(f"/simulate/reforms/compare?a={a}&b={b}")).text, "compared now"


async def test_starting_a_simulation_and_saving_a_reform_are_audited(browser, people, session) -> None:
    from huiqi.models import AuditEvent

    finance = browser(people.finance)
    known = session.scalar(select(func.max(AuditEvent.seq)))
    job = await _run(finance, session, "甲", **{"11_cap": ("1500", "2025-01-01")})
    events = session.scalars(select(AuditEvent).where(AuditEvent.seq > known).order_by(AuditEvent.seq)).all()
    assert [(e.actor, e.action, e.entity) for e in events] == [  # the reform saved last: the upload never waited on it
        (people.finance.username, "simulation.start", "simulation_job"),
        (people.finance.username, "reform.save", "saved_reform")]
    assert events[1].after["name"] == "甲" and events[1].after["changes"][0]["parameter"] == "11.cap"
    assert events[0].entity_id == str(job)
    assert events[0].after == {"source": "合成数据（300 个申请人，种子 5）", "reform": "甲",
                               "by": ["measure", "region"], "as_of": "2025-06-30",
                               "drawn_for": session.get(SimulationJob, job).params["drawn_for"]}
    page = await finance.get(f"/simulate/{job}")  # reading is not audited
    assert page.status_code == 200 and session.scalar(select(func.max(AuditEvent.seq))) == known + 2


async def test_the_auditor_is_offered_only_what_they_may_do(browser, people, session) -> None:
    """The auditor reads the saved reforms and the jobs, but compares none and starts none: no 对比 form, no link to
    the form that starts a simulation (both would be refused)."""
    finance = browser(people.finance)
    job = await _run(finance, session, "甲", **{"11_cap": ("1500", "2025-01-01")})
    await _run(finance, session, "乙", **{"11_cap": ("1200", "2025-01-01")})
    auditor = browser(people.auditor)
    listed = (await auditor.get("/simulate/reforms")).text
    assert "甲" in listed and "/simulate/reforms/compare" not in listed and 'href="/simulate"' not in listed
    assert 'action="/simulate/reforms/compare"' in (await finance.get("/simulate/reforms")).text
    page = (await auditor.get(f"/simulate/{job}")).text
    assert 'href="/simulate"' not in page and "/simulate/reforms?a=" not in page
    assert '<a href="/simulate/reforms">← 已保存的改革方案</a>' in page
    mine = (await finance.get(f"/simulate/{job}")).text
    assert '<a href="/simulate">← 全部测算</a>' in mine and "/simulate/reforms?a=" in mine


async def test_full_width_digits_are_read_in_the_table_and_a_grouping_by_measure_explains_its_matters(
        browser, people, session) -> None:
    finance = browser(people.finance)
    job = await _run(finance, session, "全角", **{"11_cap": ("１５００", "２０２５-０１-０１")})
    assert session.scalars(select(SavedReform)).one().changes[0]["since"] == "2025-01-01"
    page = (await finance.get(f"/simulate/{job}")).text
    assert re.search(r"一个事项可能同时涉及多项措施，因此“涉及事项”的合计可能多于 \d+ 个事项", page)


async def test_a_refused_parameter_is_marked_on_its_own_row_s_box(browser, people, session) -> None:
    """A row's boxes are named at run time (its field): the refused one, and only it, is marked and described."""
    finance = browser(people.finance)
    field = next(r.field for r in reforms.rows(catalogue.published(session)) if r.key == "11.cap")
    for (value, since), box in [(("一千五百", "2025-01-01"), "_value"), (("1500", "2019-12-31"), "_since")]:
        refused = await finance.post("/simulate", data={**POPULATION, **_fields(session, **{"11_cap": (value, since)}),
                                                        "reform_name": "甲", "csrf_token": finance.csrf})
        assert refused.status_code == 422 and [f for f, _ in marked(refused.text)] == [f"f-{field}{box}"]


async def test_a_refused_name_or_description_is_marked_on_its_box(browser, people, session) -> None:
    finance = browser(people.finance)
    edits = _fields(session, **{"11_cap": ("1500", "2025-01-01")})
    for name, description, said in [("", "", ("f-reform_name", "请填写名称")),
                                    ("甲", "长" * 501, ("f-reform_description", "最多 500 个字"))]:
        refused = await finance.post("/simulate", data={**POPULATION, **edits, "reform_name": name,
                                                        "reform_description": description, "csrf_token": finance.csrf})
        assert refused.status_code == 422 and marked(refused.text) == [said]
    assert session.scalar(select(func.count()).select_from(SimulationJob)) == 0


async def test_a_reform_typed_in_the_browser_is_counted_as_its_box_counts_it(browser, people, session) -> None:
    """The page is a form with a file: a browser sends the textarea's line breaks as CR LF there too. A reform of
    20,000 characters as typed (more as sent) is taken, with LF line breaks; one more character is refused beside
    the box, and nothing is written."""
    finance = browser(people.finance)
    typed = YAML + ("# " + "注" * 97 + "\n") * 190
    typed += "#" * (20_000 - len(typed))
    empty = {"population": ("", b"", "application/octet-stream")}  # no file chosen, as a browser sends it
    longer = await finance.post("/simulate", files=empty, data={
        **POPULATION, **_fields(session), "reform": (typed + "#").replace("\n", "\r\n"), "csrf_token": finance.csrf})
    assert longer.status_code == 422 and marked(longer.text) == [("f-reform", "不能超过 20000 个字")]
    assert session.scalar(select(func.count()).select_from(SimulationJob)) == 0
    taken = await finance.post("/simulate", files=empty, data={
        **POPULATION, **_fields(session), "reform": typed.replace("\n", "\r\n"), "csrf_token": finance.csrf})
    assert taken.status_code == 303, taken.text[:500]
    job = session.get(SimulationJob, int(taken.headers["location"].rsplit("/", 1)[1]))
    assert job.params["reform"] == typed and job.params["filename"] is None


def _impact_table(page: str, title: str) -> list[list[str]]:
    """The rows of one of the impact section's tables, as cell texts."""
    body = page[page.index(f">{title}</h3>"):]  # its heading (folded behind it on a phone)
    body = body[body.index("<tbody>"):body.index("</tbody>")]
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in body.split("<tr")[1:]]


async def test_a_cap_cut_to_0_on_the_page_supports_nothing(browser, people, session) -> None:
    """Measure 11's cap set to 0 on the page: its grants are 0元, no 支持项数 of the reform, by measure and by year."""
    finance = browser(people.finance)
    job = await _run(finance, session, "措施11上限为0", **{"11_cap": ("0", "2022-07-23")})
    page = (await finance.get(f"/simulate/{job}")).text
    [m11] = [r for r in _impact_table(page, "支出变化最大的十项措施") if r[0].startswith("措施11 ")]
    assert int(m11[4]) > 0 and m11[5] == "0", m11  # 基线支持项数, 改革后支持项数
    years = _impact_table(page, "逐年支出（按事项日期所在年份）")
    assert sum(int(r[4]) for r in years) == sum(g["grants"] for g in _result(job, session)["reform"]["groups"])


GROUP = re.compile(r'<details class="fold params-group" id="(g-p\d+)" open data-fold( data-keep)?>\s*'
                   r'<summary><span id="g-p\d+-title">([^<]*)</span>')


async def test_the_parameter_table_is_a_group_a_measure_and_a_group_with_a_value_stays_open(browser, people,
                                                                                          session) -> None:
    """A phone folds the table a measure a group (huiqi.js: data-fold); a group holding a value typed or a mistake is
    kept open when the form comes back (data-keep), the others not; the page's contents link to parts it has."""
    finance = browser(people.finance)
    page = (await finance.get("/simulate")).text
    rows = reforms.rows(catalogue.published(session))
    groups = reforms.grouped(rows)
    assert [r for g in groups for r in g.rows] == rows, "every row once, in its order"
    assert all(len({(r.policy.id, r.measure, r.measure_title) for r in g.rows}) == 1 for g in groups)
    found = GROUP.findall(page)
    assert [(i, t) for i, _, t in found] == [(g.id, g.title) for g in groups] and not any(k for _, k, _ in found)
    assert "措施11 支持融合基础设施建设" in [t for _, _, t in found] and "有效期" in [t for _, _, t in found]
    contents = re.search(r'<nav class="on-page"[^>]*>(.*?)</nav>', page, re.S).group(1)
    for anchor in re.findall(r'href="#([^"]+)"', contents):
        assert f'id="{anchor}"' in page, anchor
    typed = _fields(session, **{"11_cap": ("一千五百", "2025-01-01"), "3_cap": ("80", "2025-01-01")})
    refused = await finance.post("/simulate", data={**POPULATION, **typed, "reform_name": "甲",
                                                    "csrf_token": finance.csrf})
    assert refused.status_code == 422
    held = {g.id for g in groups if any(r.key in ("11.cap", "3.cap") for r in g.rows)}
    assert {i for i, kept, _ in GROUP.findall(refused.text) if kept} == held and len(held) == 2
