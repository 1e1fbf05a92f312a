"""Saved reforms kept tidy and read right: a bare number in YAML is yuan (said beside the box, shown in 万元 in the
list, questioned on the job's page when below 1万元); a reform's own page shows its YAML and deletes it (its
author or an admin, confirmed, audited; not while its simulation runs; two deletes at once: one, then 409); two
reforms run on different data are compared each against its own baseline, with a 说明 sheet."""

import io
import threading

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, NotFound
from huiqi.models import AuditEvent, SavedReform, SimulationJob, User
from huiqi.simulate import jobs, saved_reforms
from huiqi.simulate.reform import NAME_LENGTH
from huiqi.simulate.reform_comparison import compare
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from huiqi.validation import kept
from tests.simulate.test_reform_pages import POPULATION, _run
from tests.simulate.test_reforms import YAML, engine  # noqa: F401 (the database of its own each race test needs)
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
IN_YUAN = "name: 元写的上限\nchanges:\n  - {parameter: 11.cap, since: 2025-01-01, value: 1500, source: 测试}\n"


async def _yaml(finance, text: str, **fields: str):
    return await finance.post("/simulate", data={**POPULATION, "reform": text, **fields, "csrf_token": finance.csrf})


async def test_the_yaml_box_says_its_unit_and_a_bare_number_is_shown_as_yuan_and_questioned(browser, people,
                                                                                          session) -> None:
    finance = browser(people.finance)
    form = (await finance.get("/simulate")).text
    hint = form[form.index('id="h-reform"'):][:400]
    assert "不带单位的数按<strong>元</strong>计" in hint and "value: 1500万元" in hint
    assert 'aria-describedby="h-reform"' in form, "the box is described by its unit"
    moved = await _yaml(finance, IN_YUAN)
    assert moved.status_code == 303, "a warning, never a refusal"
    job = moved.headers["location"]
    page = (await finance.get(job)).text
    warned = page[page.index('id="doubts"'):][:600]
    assert "措施11 融合基础设施项目资金支持上限（单个项目）的新值为 1500 元（0.15 万元），不足 1 万元" in warned
    assert "是否误将万元写作元？" in warned and "请写作 1500万元" in warned
    listed = (await finance.get("/simulate/reforms")).text
    assert "融合基础设施项目资金支持上限（单个项目）：0.15万元（自 2025-01-01）" in listed
    assert "：1500（自" not in listed, "no number without its unit"
    in_table = await _run(finance, session, "表中的上限", **{"11_cap": ("1500", "2025-01-01"),
                                                             "11_rate": ("40", "2025-01-01")})
    assert 'id="doubts"' not in (await finance.get(f"/simulate/{in_table}")).text, "the table's 1500 is 万元"
    listed = (await finance.get("/simulate/reforms")).text
    assert "（单个项目）：1500万元（自 2025-01-01）" in listed and "（不超过投资额）：40%（自 2025-01-01）" in listed


async def test_a_reforms_page_shows_its_yaml_and_its_author_deletes_it_confirmed(browser, people, session) -> None:
    finance = browser(people.finance)
    job = await _run(finance, session, "试一试", **{"11_cap": ("1500", "2025-01-01")})
    saved = session.scalars(select(SavedReform)).one()
    listed = (await finance.get("/simulate/reforms")).text
    assert f'<a href="/simulate/reforms/{saved.id}">试一试</a>' in listed and "<summary>YAML</summary>" in listed
    assert "parameter: 11.cap" in listed
    page = (await finance.get(f"/simulate/reforms/{saved.id}")).text
    shown = page[page.index('<pre class="source"'):page.index("</pre>")]
    assert "name: 试一试" in shown and "value: 1500万元" in shown and "<textarea" not in page, "read only"
    assert 'name="confirm" value="yes" required' in page and "data-confirm=" in page
    unconfirmed = await finance.post(f"/simulate/reforms/{saved.id}/delete", data={"csrf_token": finance.csrf})
    assert unconfirmed.status_code == 422
    assert '<span class="field-error" id="e-confirm">请勾选“确认删除”' in unconfirmed.text
    assert session.scalar(select(func.count()).select_from(SavedReform)) == 1
    known = session.scalar(select(func.max(AuditEvent.seq)))
    done = await finance.post(f"/simulate/reforms/{saved.id}/delete",
                              data={"confirm": "yes", "csrf_token": finance.csrf})
    assert done.status_code == 303 and done.headers["location"] == "/simulate/reforms"
    assert "改革方案“试一试”已删除" in (await finance.get("/simulate/reforms")).text
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(SavedReform)) == 0
    assert session.get(SimulationJob, job) is not None, "its simulation is kept"
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.seq > known)).all()
    assert (event.actor, event.action, event.entity, event.entity_id) == (
        people.finance.username, "reform.delete", "saved_reform", str(saved.id))
    assert event.before["name"] == "试一试" and event.before["changes"][0]["parameter"] == "11.cap"
    assert event.after is None
    again = await finance.post(f"/simulate/reforms/{saved.id}/delete", data={"confirm": "yes",
                                                                            "csrf_token": finance.csrf})
    assert again.status_code == 409 and "改革方案“试一试”已被删除" in again.text, "a stale tab: said, not a 404"


async def test_who_may_delete_and_not_while_its_simulation_runs(browser, client, people, session) -> None:
    finance = browser(people.finance)
    await _run(finance, session, "甲", **{"11_cap": ("1500", "2025-01-01")})
    await _run(finance, session, "乙", **{"11_cap": ("1200", "2025-01-01")})
    a, b = sorted(session.scalars(select(SavedReform.id)).all())
    confirmed = {"confirm": "yes"}
    department = browser(people.miit)
    assert (await department.post(f"/simulate/reforms/{a}/delete",
                                  data={**confirmed, "csrf_token": department.csrf})).status_code == 404
    auditor = browser(people.auditor)
    assert (await auditor.get(f"/simulate/reforms/{a}")).status_code == 200, "the auditor reads it"
    assert "确认删除" not in (await auditor.get(f"/simulate/reforms/{a}")).text
    assert (await auditor.post(f"/simulate/reforms/{a}/delete",
                               data={**confirmed, "csrf_token": auditor.csrf})).status_code == 403
    running = SimulationJob(user_id=people.finance.id, state="running", params={})
    session.add(running)
    session.flush()
    session.get(SavedReform, b).job_id = running.id
    session.commit()
    refused = await finance.post(f"/simulate/reforms/{b}/delete", data={**confirmed, "csrf_token": finance.csrf})
    assert refused.status_code == 409 and f"改革方案“乙”的测算 #{running.id} 尚未完成，不能删除" in refused.text
    api = await client.delete(f"/api/v1/reforms/{b}", headers=bearer(session, people.finance))
    assert api.status_code == 409 and session.get(SavedReform, b) is not None
    admin = browser(people.admin)
    assert "确认删除" in (await admin.get(f"/simulate/reforms/{a}")).text, "an admin may delete anyone's"
    gone = await client.delete(f"/api/v1/reforms/{a}", headers=bearer(session, people.admin))
    assert gone.status_code == 204
    session.expire_all()
    assert session.get(SavedReform, a) is None
    twice = await client.delete(f"/api/v1/reforms/{a}", headers=bearer(session, people.finance))
    assert twice.status_code == 409 and twice.json()["detail"] == "改革方案“甲”已被删除（可能在其他页面）"
    assert (await client.delete(f"/api/v1/reforms/{a}", headers=bearer(session, people.miit))).status_code == 404


def test_two_deletes_of_one_reform_at_once(engine: Engine) -> None:  # noqa: F811
    with Session(engine, expire_on_commit=False) as session, session.begin():
        analyst = users.create_user(session, actor=SYSTEM, username="analyst", display_name="测算员", role="finance",
                                    password="long enough password").id
        saved = saved_reforms.save(session, actor=session.get(User, analyst), reform=jobs.parse_reform(YAML), text=YAML)
        reform_id = saved.id
    barrier = threading.Barrier(2)
    outcomes = [""] * 2

    def delete(index: int) -> None:
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                barrier.wait()
                saved_reforms.delete(session, actor=session.get(User, analyst), reform_id=reform_id)
            outcomes[index] = "done"
        except Conflict as error:
            outcomes[index] = "conflict" if "已被删除" in error.message else error.message
        except NotFound:
            outcomes[index] = "not found"

    threads = [threading.Thread(target=delete, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(SavedReform)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "reform.delete")) == 1, "one deletion, audited once"


async def test_two_reforms_on_different_data_each_keep_their_own_baseline_in_the_excel(browser, people,
                                                                                     session) -> None:
    finance = browser(people.finance)
    await _run(finance, session, "上限1500", **{"11_cap": ("1500", "2025-01-01")})
    other = await finance.post("/simulate", data={**POPULATION, "seed": "9", "csrf_token": finance.csrf,
                                                  "reform": YAML.replace("name: 甲", "name: 另一批数据")})
    assert other.status_code == 303
    a, b = sorted(session.scalars(select(SavedReform.id)).all())
    data = compare(session, actor=people.finance, a_id=a, b_id=b, policies=catalogue.published(session))
    assert not data.same_baseline and any(x.baseline != x.baseline_b for x in data.lines)
    page = (await finance.get(f"/simulate/reforms/compare?a={a}&b={b}")).text
    assert "方案B的基线" in page and "种子 9" in page
    sheet = await finance.get(f"/simulate/reforms/compare.xlsx?a={a}&b={b}")
    book = openpyxl.load_workbook(io.BytesIO(sheet.content))
    assert book.sheetnames == ["改革方案对比", "说明"]
    rows = list(book["改革方案对比"].iter_rows(values_only=True))
    assert "各与自己的基线相比" in rows[0][0]
    header = rows[1]
    assert "方案A的基线（元）" in header and "方案B的基线（元）" in header and "基线（元）" not in header
    for row in rows[2:]:
        cell = dict(zip(header, row, strict=True))
        if isinstance(cell["方案A（元）"], str):  # a measure without an amount (措施12): its items, 未定额
            assert cell["方案A（元）"].endswith(" 项，未定额") and cell["方案A（万元）"] is None, cell
            continue
        assert cell["方案A−基线（元）"] == cell["方案A（元）"] - cell["方案A的基线（元）"]
        assert cell["方案B−基线（元）"] == cell["方案B（元）"] - cell["方案B的基线（元）"], "B against B's own"
        assert cell["方案B−方案A（元）"] == cell["方案B（元）"] - cell["方案A（元）"]
    assert rows[-1][0] == "合计" and {r[0]: r for r in rows[2:]}["合计"] == rows[-1]
    about = {r[0]: r[1:] for r in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert about["名称"] == ("上限1500", "另一批数据")
    assert about["修改的参数"][0] == ("辽政办〔2022〕35号 措施11 融合基础设施项目资金支持上限（单个项目）："
                                   "1500万元（自 2025-01-01）")
    assert about["数据来源"] == ("合成数据（300 个申请人，种子 5）", "合成数据（300 个申请人，种子 9）")
    assert about["判断日期"] == ("2025-06-30", "2025-06-30") and about["基线"][0].startswith("不同")
    assert all(about["测算完成时间"]) and about["测算"][0].startswith("#")


async def test_two_reforms_on_the_same_data_keep_one_baseline_column(browser, people, session) -> None:
    finance = browser(people.finance)
    await _run(finance, session, "上限1500", **{"11_cap": ("1500", "2025-01-01")})
    await _run(finance, session, "比例40", **{"11_rate": ("40", "2025-01-01")})
    a, b = sorted(session.scalars(select(SavedReform.id)).all())
    book = openpyxl.load_workbook(io.BytesIO((await finance.get(f"/simulate/reforms/compare.xlsx?a={a}&b={b}")
                                              ).content))
    header = next(book["改革方案对比"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert header[:3] == ("措施", "基线（元）", "基线（万元）") and "方案B的基线（元）" not in header
    about = {r[0]: r[1:] for r in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert about["基线"][0].startswith("相同") and "40%" in about["修改的参数"][1]
    page = (await finance.get(f"/simulate/reforms/compare?a={a}&b={b}")).text
    assert "方案B的基线" not in page


def _box(page: str) -> str:
    """The name in the rename form's box."""
    form = page[page.index('action="/simulate/reforms/'):]
    form = form[form.index('id="f-reform_name"'):]
    return form[form.index('value="') + 7:form.index('"', form.index('value="') + 7)]


async def _rename(who, reform_id: int, name: str, seen: str):
    return await who.post(f"/simulate/reforms/{reform_id}/rename", data={"reform_name": name, "seen": seen,
                                                                        "csrf_token": who.csrf})


async def test_its_author_renames_a_reform_its_yaml_says_so_and_the_trail_too(browser, people, session) -> None:
    finance = browser(people.finance)
    job = await _run(finance, session, "试一试", **{"11_cap": ("1500", "2025-01-01")})
    saved = session.scalars(select(SavedReform)).one()
    page = (await finance.get(f"/simulate/reforms/{saved.id}")).text
    assert '<input type="hidden" name="seen" value="试一试">' in page and _box(page) == "试一试"
    known = session.scalar(select(func.max(AuditEvent.seq)))
    done = await _rename(finance, saved.id, "  措施11上限1500万元 # 第二版  ", "试一试")
    assert done.status_code == 303 and done.headers["location"] == f"/simulate/reforms/{saved.id}"
    page = (await finance.get(done.headers["location"])).text
    assert "改革方案“试一试”已改名为“措施11上限1500万元 # 第二版”" in page
    assert "<h1>改革方案：措施11上限1500万元 # 第二版</h1>" in page
    session.expire_all()
    renamed = session.get(SavedReform, saved.id)
    assert renamed.name == "措施11上限1500万元 # 第二版" and renamed.job_id == job
    assert jobs.parse_reform(renamed.text).name == renamed.name, "its YAML says the new name"
    assert jobs.parse_reform(renamed.text).changes == jobs.parse_reform(saved.text).changes
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.seq > known)).all()
    assert (event.actor, event.action, event.entity, event.entity_id) == (
        people.finance.username, "reform.rename", "saved_reform", str(saved.id))
    assert (event.before, event.after) == ({"name": "试一试"}, {"name": "措施11上限1500万元 # 第二版"})
    same = await _rename(finance, saved.id, "措施11上限1500万元 # 第二版", "措施11上限1500万元 # 第二版")
    assert same.status_code == 303
    assert "改革方案名称未改变" in (await finance.get(same.headers["location"])).text
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq > known)) == 1


@pytest.mark.parametrize(("name", "why", "status"), [
    ("   ", "请填写名称", 422), ("名" * 61, "最多 60 个字（现为 61 个字）", 422), ("甲\n乙", "不能换行", 422),
    ("乙", "已有名为“乙”的改革方案，请换一个名称", 409),
    # forged: past the box's old bound of the form's own (1,000), or with a NUL: said beside the box all the same
    ("名" * 1001, "最多 60 个字（现为 1001 个字）", 422), ("甲\x00乙", "不能含有空字符（NUL）", 422),
])
async def test_a_bad_or_taken_name_is_refused_beside_the_box_and_kept_in_it(browser, people, session, name, why,
                                                                          status) -> None:
    finance = browser(people.finance)
    await _run(finance, session, "甲", **{"11_cap": ("1500", "2025-01-01")})
    await _run(finance, session, "乙", **{"11_cap": ("1200", "2025-01-01")})
    a = session.scalar(select(SavedReform.id).where(SavedReform.name == "甲"))
    refused = await _rename(finance, a, name, "甲")
    assert refused.status_code == status and "未能修改名称" in refused.text
    assert f'<a href="#f-reform_name">改革方案名称：{why}</a>' in refused.text if status == 422 else why in refused.text
    if status == 422:
        assert f'<span class="field-error" id="e-reform_name">{why}</span>' in refused.text
        assert 'aria-invalid="true"' in refused.text[refused.text.index('id="f-reform_name"'):][:200]
    assert _box(refused.text) == kept(name, NAME_LENGTH), "what was typed, kept in the box (cut to its bound)"
    control = await _rename(finance, a, "a\x1bb", "甲")  # refused at the door, named by its label
    assert control.status_code == 422 and "改革方案名称：不能含有控制字符（U+001B）" in control.text
    session.expire_all()
    assert session.get(SavedReform, a).name == "甲"


async def test_a_page_made_before_another_rename_is_409_and_says_the_name_now(browser, client, people,
                                                                            session) -> None:
    finance = browser(people.finance)
    await _run(finance, session, "甲", **{"11_cap": ("1500", "2025-01-01")})
    a = session.scalar(select(SavedReform.id))
    assert (await _rename(finance, a, "丙", "甲")).status_code == 303
    stale = await _rename(finance, a, "丁", "甲")  # the other tab still shows 甲
    assert stale.status_code == 409 and "改革方案“甲”已在其他页面改名为“丙”：请核对后再改" in stale.text
    assert "<h1>改革方案：丙</h1>" in stale.text and _box(stale.text) == "丁", "the name now, and the one typed kept"
    api = await client.patch(f"/api/v1/reforms/{a}", headers=bearer(session, people.finance),
                             json={"name": "丁", "seen": "甲"})
    assert api.status_code == 409 and api.json()["detail"] == "改革方案“甲”已在其他页面改名为“丙”：请核对后再改"
    session.expire_all()
    assert session.get(SavedReform, a).name == "丙"


async def test_who_may_rename_and_the_api(browser, client, people, session) -> None:
    """Its author or an admin; another analyst's is not said to exist, the auditor reads it and renames none. A
    simulation still running keeps running: it ran under the old name, which its result keeps."""
    finance = browser(people.finance)
    await _run(finance, session, "甲", **{"11_cap": ("1500", "2025-01-01")})
    a = session.scalar(select(SavedReform.id))
    department = browser(people.miit)
    assert (await _rename(department, a, "丙", "甲")).status_code == 404
    auditor = browser(people.auditor)
    assert "修改名称" not in (await auditor.get(f"/simulate/reforms/{a}")).text
    assert (await _rename(auditor, a, "丙", "甲")).status_code == 403
    forbidden = await client.patch(f"/api/v1/reforms/{a}", headers=bearer(session, people.auditor),
                                   json={"name": "x" * 2000})
    assert forbidden.status_code == 403, "refused before its body is read"
    assert (await client.patch(f"/api/v1/reforms/{a}", headers=bearer(session, people.miit),
                               json={"name": "丙"})).status_code == 404
    await _run(department, session, "乙", **{"11_cap": ("1200", "2025-01-01")})  # the department's own
    running = SimulationJob(user_id=people.finance.id, state="running", params={})
    session.add(running)
    session.flush()
    session.get(SavedReform, a).job_id = running.id
    session.commit()
    api = await client.patch(f"/api/v1/reforms/{a}", headers=bearer(session, people.admin),
                             json={"name": " 乙 ", "seen": "甲"})  # another analyst's name: theirs alone
    assert api.status_code == 200, api.text
    assert (api.json()["name"], api.json()["job_id"]) == ("乙", running.id) and "name: 乙" in api.json()["text"]
    bad = await client.patch(f"/api/v1/reforms/{a}", headers=bearer(session, people.finance), json={"name": ""})
    assert bad.status_code == 422 and bad.json()["problems"] == [{"field": "改革方案名称", "reason": "请填写名称"}]
    session.expire_all()
    assert session.get(SimulationJob, running.id).state == "running"


def test_two_renames_to_one_name_at_once(engine: Engine) -> None:  # noqa: F811
    """Two reforms of one analyst renamed to one name at once: one is, the other is a Conflict (the database's unique
    name, on both databases); and one reform renamed twice from the same page state: the second sees the first."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        analyst = users.create_user(session, actor=SYSTEM, username="analyst", display_name="测算员", role="finance",
                                    password="long enough password").id
        actor = session.get(User, analyst)
        ids = [saved_reforms.save(session, actor=actor, reform=jobs.parse_reform(YAML.replace("甲", name)),
                                  text=YAML.replace("甲", name)).id for name in ("甲", "乙")]

    def race(renames: list[tuple[int, str, str]]) -> list[str]:
        barrier = threading.Barrier(2)
        outcomes = [""] * 2

        def rename(index: int) -> None:
            reform_id, name, seen = renames[index]
            try:
                with Session(engine, expire_on_commit=False) as session, session.begin():
                    barrier.wait()
                    saved_reforms.rename(session, actor=session.get(User, analyst), reform_id=reform_id, name=name,
                                         seen=seen)
                outcomes[index] = "done"
            except Conflict as error:
                outcomes[index] = error.message

        threads = [threading.Thread(target=rename, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(outcomes)

    assert race([(ids[0], "丙", "甲"), (ids[1], "丙", "乙")]) == ["done", "已有名为“丙”的改革方案，请换一个名称"]
    with Session(engine) as session:
        assert set(session.scalars(select(SavedReform.name))) in ({"乙", "丙"}, {"甲", "丙"})
        renamed = session.scalar(select(SavedReform.id).where(SavedReform.name == "丙"))
    assert race([(renamed, "丁", "丙"), (renamed, "戊", "丙")])[0] == "done"
    with Session(engine) as session:
        now = session.get(SavedReform, renamed).name
        assert now in ("丁", "戊")
        assert session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "reform.rename")) == 2, "one rename each time, audited once"


def test_a_name_saved_with_spaces_is_renamed_from_the_page_that_shows_it(session, people) -> None:
    """A YAML name may keep spaces around it: the page sends it back as shown, which is no other name."""
    text = YAML.replace("name: 甲", 'name: " 甲 "')
    saved = saved_reforms.save(session, actor=people.finance, reform=jobs.parse_reform(text), text=text)
    assert saved.name == " 甲 "
    with pytest.raises(Conflict, match="改革方案“甲”已在其他页面改名为“ 甲 ”"):
        saved_reforms.rename(session, actor=people.finance, reform_id=saved.id, name="乙", seen="甲")
    assert saved_reforms.rename(session, actor=people.finance, reform_id=saved.id, name="乙", seen=" 甲 ") == (
        " 甲 ", "乙")
    assert jobs.parse_reform(saved.text).name == "乙" and 'name: 乙' in saved.text


async def test_a_percent_and_money_in_yuan_are_said_with_their_units_wherever_the_reform_is_read(browser, people,
                                                                                                session) -> None:
    """措施2's 营业收入同比增长率下限（%） written 20 is said 20%, a cap written in yuan in 万元: in the list, on the
    reform's page, in the list's workbook and in the simulation's report, as the parameter table says them."""
    from pathlib import Path

    from tests.webtest import sheet_rows

    finance = browser(people.finance)
    text = ("name: 增长率与上限\nchanges:\n"
            "  - {parameter: 2.growth_percent, since: 2025-01-01, value: 20, source: 测试}\n"
            "  - {parameter: 11.cap, since: 2025-01-01, value: 15000000, source: 测试}\n")
    moved = await _yaml(finance, text)
    assert moved.status_code == 303, moved.text
    growth = "地方奖励的营业收入同比增长率下限（%）：20%（自 2025-01-01）"
    cap = "融合基础设施项目资金支持上限（单个项目）：1500万元（自 2025-01-01）"
    listed = (await finance.get("/simulate/reforms")).text
    assert growth in listed and cap in listed, listed
    saved = session.scalars(select(SavedReform)).one()
    own = (await finance.get(f"/simulate/reforms/{saved.id}")).text
    assert growth in own and cap in own
    [row] = sheet_rows(await finance.get("/simulate/reforms.xlsx"))
    assert growth in row["修改的参数"] and cap in row["修改的参数"]
    job = session.scalars(select(SimulationJob)).one()
    report = (Path(job.folder) / "report.html").read_text("utf-8")
    assert "自 2025-01-01 起为 20%（测试）" in report and "自 2025-01-01 起为 1500万元（测试）" in report
