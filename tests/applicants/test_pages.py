"""The enterprise's page: its profile, its matters (the calculator's fieldset), what it may claim."""

import re

import pytest

from huiqi.applicants import repository as applicant_records
from tests.dbtest import a_round
from tests.webtest import marked

pytestmark = pytest.mark.anyio


async def test_me_shows_profile_matters_and_claims(browser, session, people) -> None:
    closed = (await browser(people.alice).get("/me")).text
    assert "暂无受理中的申报批次" in closed and "/applications/new?" not in closed
    round_id = a_round(session)
    response = await browser(people.alice).get("/me")
    assert response.status_code == 200
    text = response.text
    assert "示例科技有限公司" in text and "沈阳市" in text and "中型" in text
    assert "专精特新" in text and "h1" in text and "8000 万元" in text  # p1's investment, in 万元
    assert f"/applications/new?matter=h1&amp;round={round_id}&amp;measure=3" in text and "可以申请什么" in text
    assert 'name="matters-0-codes"' in text and "大连数据" not in text
    claims = text[text.index("可以申请什么"):]
    named = ('<td data-label="事项">专精特新“小巨人”企业（新认定，国家级，2024-07-15） '
             '<span class="small muted">h1</span>')
    assert named in claims, "a matter by what it is, not by its key alone"


async def test_a_profile_change_is_a_new_version(browser, people) -> None:
    alice = browser(people.alice)
    response = await alice.post("/me/profile", data={"name": "示例科技股份有限公司", "kind": "enterprise",
                                                      "region": "210102", "industry": "6513", "size": "large",
                                                      "revenue": "1234.5678"})
    assert response.status_code == 303
    text = (await alice.get("/me")).text
    assert "示例科技股份有限公司" in text and "第 2 版" in text and "1234.5678 万元" in text and "大型" in text
    assert '<th scope="row">注册地</th><td>沈阳市和平区</td>' in text  # the city and the district, not 和平区 alone
    assert f"由 {people.alice.display_name}" in text and "由 alice 登记" not in text  # people by name
    assert "单位信息已保存（第 2 版）" in text  # the message after the step
    again = await alice.post("/me/profile", data={"name": "示例科技股份有限公司", "kind": "enterprise",
                                                   "region": "210102", "industry": "6513", "size": "large",
                                                   "revenue": "1234.5678"})
    assert again.status_code == 303 and "单位信息没有变化，未记新版本" in (await alice.get("/me")).text


async def test_the_profile_region_is_a_city_then_its_district(browser, people) -> None:
    alice = browser(people.alice)
    saved = await alice.post("/me/profile", data={"name": "示例科技", "city": "210300", "region": "210303"})
    assert saved.status_code == 303
    text = (await alice.get("/me")).text
    assert '<th scope="row">注册地</th><td>鞍山市铁西区</td>' in text
    city = text[text.index('id="f-city"'):]
    assert '<option value="210300" selected>鞍山市</option>' in city[:city.index("</select>")]
    district = text[text.index('id="f-region"'):]
    district = district[:district.index("</select>")]
    assert '<option value="210303" selected>鞍山市铁西区</option>' in district and "沈阳市" not in district
    moved = await alice.post("/me/profile", data={"name": "示例科技", "city": "210100", "region": "210303"})
    assert moved.status_code == 422
    assert '<a href="#f-region">' in moved.text and "鞍山市铁西区不在沈阳市" in moved.text
    moved_district = moved.text[moved.text.index('id="f-region"'):]
    assert "沈阳市铁西区" in moved_district[:moved_district.index("</select>")], "the chosen city's districts"


async def test_a_crafted_district_outside_the_city_is_refused_by_place_names(browser, session, people) -> None:
    alice = browser(people.alice)
    outside = await alice.post("/me/profile", data={"name": "示例科技", "city": "210200", "region": "110101"})
    assert outside.status_code == 422 and "所选区县在辽宁省外，不在大连市" in outside.text
    inside = await alice.post("/me/profile", data={"name": "示例科技", "city": "110101", "region": "210202"})
    assert inside.status_code == 422 and "大连市中山区在辽宁省内：注册地（市）请选择大连市" in inside.text
    assert "不在110101" not in inside.text
    profile = applicant_records.current_profile(session, applicant_records.by_uscc(session, people.alice.uscc).id)
    assert profile.version == 1 and profile.region != "110101"
    both_outside = await alice.post("/me/profile", data={"name": "示例科技", "city": "310101", "region": ""})
    assert both_outside.status_code == 303


async def test_a_refused_profile_keeps_what_was_typed(browser, people) -> None:
    response = await browser(people.alice).post("/me/profile", data={"name": "改过的名字", "revenue": "1.23456"})
    assert response.status_code == 422
    assert "本年营业收入" in response.text and "最多四位小数" in response.text and "改过的名字" in response.text
    assert '<a href="#f-revenue">本年营业收入（万元）：' in response.text, "named as the unit's own form names it"
    unknown = await browser(people.alice).post("/me/profile", data={"name": "改过的名字", "industry": "9999"})
    assert unknown.status_code == 422 and "9999 不是 GB/T 4754-2017 的行业小类代码" in unknown.text
    both = await browser(people.alice).post("/me/profile", data={"name": "改过的名字", "industry": "9999",
                                                               "revenue": "-1"})
    assert both.status_code == 422 and "金额不能为负数" in both.text and "9999 不是" in both.text  # all at once


async def test_a_code_typed_in_full_width_digits_reads_as_typed(browser, session, people) -> None:
    alice = browser(people.alice)
    saved = await alice.post("/me/profile", data={"name": "示例科技", "kind": "enterprise", "region": "210102",
                                                  "industry": "６５１３", "established": "２０２０-０１-０２"})
    assert saved.status_code == 303, saved.text
    profile = applicant_records.current_profile(session, applicant_records.by_uscc(session, people.alice.uscc).id)
    assert (profile.industry, str(profile.established)) == ("6513", "2020-01-02")


async def test_add_and_edit_a_matter(browser, session, people) -> None:
    round_id = a_round(session)
    alice = browser(people.alice)
    added = await alice.post("/me/matters", data={"key": "kt1", "matters-0-codes": "key_tech",
                                                  "matters-0-date": "2025-03-01", "matters-0-listed": "true"})
    assert added.status_code == 303
    form = (await alice.get("/me", params={"matter": "kt1"})).text
    assert "修改事项 kt1" in form and 'value="2025-03-01"' in form
    assert 'value="key_tech" checked>' in form
    me = (await alice.get("/me")).text
    assert f"/applications/new?matter=kt1&amp;round={round_id}&amp;measure=13" in me


async def test_a_bad_matter_names_the_field(browser, people) -> None:
    alice = browser(people.alice)
    response = await alice.post("/me/matters", data={"key": "x", "matters-0-codes": "key_tech",
                                                     "matters-0-date": "2024-02-30"})
    assert response.status_code == 422 and "认定、备案、设立或批准日期" in response.text
    assert 'value="2024-02-30"' in response.text
    response = await alice.post("/me/matters", data={"key": "a b", "matters-0-codes": "key_tech"})
    assert response.status_code == 422 and "事项编号" in response.text


async def test_a_project_and_an_honour_ticked_for_one_matter_are_said_in_chinese(browser, people) -> None:
    response = await browser(people.alice).post("/me/matters", data={
        "key": "m9", "matters-0-codes": ["smart_manufacturing", "gazelle"], "matters-0-date": "2025-03-01"})
    assert response.status_code == 422
    assert "「智能制造项目」属于项目类，「“瞪羚”企业" in response.text
    assert "一个事项只能是一类，请分开登记" in response.text
    assert "smart_manufacturing" not in response.text.split("事项未保存")[1].split("</ul>")[0]


async def test_me_is_for_enterprises_and_asks_to_sign_in(browser, people) -> None:
    assert (await browser(people.shenyang).get("/me")).status_code == 403
    response = await browser(None).get("/me")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_a_new_enterprise_starts_with_its_profile(browser, people) -> None:
    mallory = browser(people.mallory)
    empty = await mallory.get("/me")
    assert empty.status_code == 200 and "还没有登记单位信息" in empty.text and "示例科技" not in empty.text
    early = await mallory.post("/me/matters", data={"key": "m1", "matters-0-codes": "key_tech"})
    assert early.status_code == 409 and "请先登记单位信息" in early.text
    assert (await mallory.post("/me/profile", data={"name": "局外企业有限公司", "region": "211402"})).status_code == 303
    assert (await mallory.post("/me/matters", data={"key": "m1", "matters-0-codes": "key_tech"})).status_code == 303
    assert "局外企业有限公司" in (await mallory.get("/me")).text


async def test_a_matter_already_applied_for_links_to_its_application_instead(browser, people, session,
                                                                            tmp_path) -> None:
    from datetime import date

    from tests.dbtest import apply

    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    text = (await browser(people.alice).get("/me")).text
    assert "/applications/new?matter=h1&amp;" not in text
    assert f'<a href="/applications/{app.id}">已申报 #{app.id}（措施3，市级初审，申请金额 100 万元）</a>' in text
    assert "/applications/new?matter=p1&amp;" in text  # the other matter is still open


async def test_a_global_500_honour_and_an_other_institution_carry_the_facts_of_issue_11(browser, session,
                                                                                          people) -> None:
    round_id = a_round(session)
    """Measure 1 reads the group's core status from the honour and a confirmed other functional institution."""
    alice = browser(people.alice)
    for data in ({"key": "g500", "matters-0-codes": "global_500", "matters-0-date": "2019-07-01",
                  "matters-0-group_core": "true"},
                 {"key": "est", "matters-0-codes": "establishment", "matters-0-date": "2024-01-10",
                  "matters-0-institution": "other_function", "matters-0-institution_confirmed": "true"}):
        assert (await alice.post("/me/matters", data=data)).status_code == 303
    honour = (await alice.get("/me", params={"matter": "g500"})).text
    assert 'name="matters-0-group_core"' in honour and '<option value="true" selected>' in honour
    form = (await alice.get("/me", params={"matter": "est"})).text
    assert '<option value="other_function" selected>' in form and 'name="matters-0-institution_confirmed"' in form
    me = (await alice.get("/me")).text
    assert f"/applications/new?matter=est&amp;round={round_id}&amp;measure=1" in me


async def test_the_unit_s_refused_selects_are_marked_and_only_they(browser, people) -> None:
    """The region's district select, the yes/no selects built by one macro, and a matter's field: each marked
    where the server's error names it, described by the reason beside it."""
    alice = browser(people.alice)
    moved = await alice.post("/me/profile", data={"name": "示例科技", "city": "210100", "region": "210303",
                                                   "bad_credit": "maybe"})
    assert moved.status_code == 422
    assert [field for field, _ in marked(moved.text)] == ["f-region", "f-bad_credit"]
    assert marked(moved.text)[0][1] == "鞍山市铁西区不在沈阳市，请在沈阳市的区县中重新选择"
    matter = await alice.post("/me/matters", data={"key": "研发项目", "matters-0-codes": "key_tech",
                                                    "matters-0-date": "2024-03-01", "matters-0-other_support": "1e3"})
    assert matter.status_code == 422 and [f for f, _ in marked(matter.text)] == ["f-matters-0-other_support"]


async def test_a_record_against_the_guide_s_conditions_is_said_above_the_claims(browser, session, people) -> None:
    """The rules may find a measure met while the fund's guide bars the applicant (a bad credit record): the page
    says so before the table, rather than leave 符合 to read as a claim that can be submitted."""
    a_round(session)
    alice = browser(people.alice)
    assert 'id="barred"' not in (await alice.get("/me")).text
    saved = await alice.post("/me/profile", data={"name": "示例科技有限公司", "kind": "enterprise", "region": "210102",
                                                  "industry": "6513", "size": "medium", "bad_credit": "true"})
    assert saved.status_code == 303
    text = (await alice.get("/me")).text
    said = text[text.index('id="barred"'):]
    assert said.index("有不良信用记录") < said.index("不能提交申报") < said.index("供参考")
    assert text.index('id="barred"') < text.index("/me/claims.xlsx"), "said before the table"


async def test_a_matter_under_review_says_why_instead_of_offering_修改(browser, session, people, tmp_path) -> None:
    """The save refuses to change a matter whose application is under review; the page says so before anything is
    typed, with the same words (one rule): no 修改 link, and the edit form's place holds the reason."""
    from datetime import date

    from huiqi.applicants import service as applicants
    from huiqi.models import Matter
    from tests.dbtest import apply

    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1), store=tmp_path)
    h1 = session.query(Matter).filter_by(key="h1", applicant_id=app.applicant_id).one()
    why = applicants.unchangeable(session, h1)
    assert why == f"事项 h1 的申报 #{app.id} 市级初审，事项内容不能修改；如需更正，请联系审核人员退回补正"
    alice = browser(people.alice)
    page = (await alice.get("/me")).text
    matters = page[page.index('id="matters"'):page.index('id="matter-form"')]
    assert 'aria-label="修改事项 h1"' not in matters and why in matters
    assert 'aria-label="修改事项 p1"' in matters, "a matter with nothing under review may still be changed"
    opened = (await alice.get("/me", params={"matter": "h1"})).text
    assert f'<p class="notice" id="matter-blocked">{why}</p>' in opened
    assert 'name="editing" value="h1"' not in opened, "no form to type into"
    saved = await alice.post("/me/matters", data={"key": "h1", "editing": "h1", "matters-0-codes": "little_giant",
                                                   "matters-0-level": "provincial", "matters-0-date": "2024-07-15"})
    assert saved.status_code == 409 and why in saved.text
    p1 = session.query(Matter).filter_by(key="p1", applicant_id=app.applicant_id).one()
    assert applicants.unchangeable(session, p1) is None


@pytest.mark.parametrize(("field", "typed", "beside", "shown"), [
    ("name", "示例\x00科技有限公司", "f-name", 'value="示例科技有限公司"'),
    ("revenue", "12\x00", "f-revenue", 'value="12"'),
    ("city", "2101\x0000", "f-region", None),
])
async def test_a_profile_box_with_a_nul_is_said_beside_it_and_kept(browser, session, people, field, typed, beside,
                                                                   shown) -> None:
    """A NUL met the door: a bare 「输入有误」 page, the form lost; let through to the form, it must not be saved."""
    refused = await browser(people.alice).post("/me/profile", data={"name": "示例科技有限公司", field: typed})
    assert refused.status_code == 422 and "<h1>输入有误</h1>" not in refused.text and "\x00" not in refused.text
    assert marked(refused.text) == [(beside, "不能含有空字符（NUL）")]
    assert shown is None or shown in refused.text
    applicant = applicant_records.by_uscc(session, people.alice.uscc)
    assert "\x00" not in (applicant_records.current_profile(session, applicant.id).name or "")


@pytest.mark.parametrize(("field", "beside"), [("key", "f-key"), ("matters-0-date", "f-matters-0-date"),
                                               ("matters-0-codes", "f-matters-0-codes")])
async def test_a_matter_box_with_a_nul_is_said_beside_it(browser, session, people, field, beside) -> None:
    form = {"key": "h9", "matters-0-codes": "little_giant", "matters-0-level": "national",
            "matters-0-date": "2024-07-15"}
    refused = await browser(people.alice).post("/me/matters", data={**form, field: form[field] + "\x00"})
    assert refused.status_code == 422 and "<h1>输入有误</h1>" not in refused.text and "\x00" not in refused.text
    assert marked(refused.text)[0] == (beside, "不能含有空字符（NUL）")
    applicant = applicant_records.by_uscc(session, people.alice.uscc)
    assert applicant_records.matter(session, applicant.id, "h9") is None, "nothing saved"


async def test_the_matter_form_says_every_mistake_at_once_each_beside_its_field(browser, session, people) -> None:
    """As the profile form does: a negative investment, other support that is no sum and a bad key are said
    together, each beside its box, what was typed kept and nothing saved."""
    form = {"key": "新 项目", "matters-0-codes": "smart_manufacturing", "matters-0-date": "2024-07-15",
            "matters-0-investment": "-5", "matters-0-other_support": "abc"}
    refused = await browser(people.alice).post("/me/matters", data=form)
    assert refused.status_code == 422, refused.text
    found = dict(marked(refused.text))
    assert set(found) == {"f-key", "f-matters-0-investment", "f-matters-0-other_support"}, found
    assert found["f-matters-0-investment"] == "金额不能为负数"
    summary = refused.text[refused.text.index('id="error-summary-title"'):].split("</div>")[0]
    assert summary.count("<li>") == 3 and '<a href="#f-matters-0-other_support">' in summary
    assert 'value="-5"' in refused.text and 'value="abc"' in refused.text and 'value="新 项目"' in refused.text
    applicant = applicant_records.by_uscc(session, people.alice.uscc)
    assert [m.key for m in applicant_records.matters(session, applicant.id)] == ["h1", "p1"], "nothing saved"


@pytest.mark.parametrize(("name", "pointer"), [
    ("analyst", "政策分析人员请从“统计”或“财政测算”进入"), ("auditor", "审计人员请从“全部申报”或“审计链”查看"),
    ("finance", "财政人员请从“待审批”或“预算”进入"), ("shenyang", "市级初审人员请从“待审核”进入"),
    ("miit", "责任单位审核人员请从“待审核”进入"), ("admin", "管理员请从“申报”或“申报单位”进入")])
async def test_the_enterprise_page_points_each_other_role_to_its_own_way_in(browser, people, name, pointer) -> None:
    """“本单位” told every role “审核人员请从‘待审核’进入”: the analyst and the auditor have no 待审核."""
    refused = await browser(getattr(people, name)).get("/me")
    assert refused.status_code == 403 and f"“本单位”页面只供企业用户使用；{pointer}" in refused.text


@pytest.mark.parametrize("form", [
    {"key": "新 项目", "matters-0-codes": "smart_manufacturing", "matters-0-date": "2099-07-15",
     "matters-0-investment": "-5", "matters-0-other_support": "abc"},
    {"key": "新 项目", "matters-0-investment": "abc"},
    {"key": "m9", "matters-0-codes": "component_manufacturing", "matters-0-date": "x", "matters-0-build": "alien",
     "matters-0-investment": "-1", "matters-0-other_support": "-1"},
], ids=["a date the rules refuse", "no type ticked", "a project's choices"])
async def test_the_matter_form_lists_its_mistakes_in_the_order_of_its_fields(browser, people, form) -> None:
    """Whoever finds a mistake (the form reading its boxes, or the rules checking the matter after: a date after
    today, no type ticked), the summary lists them as the fields stand on the page, each linked to its field."""
    refused = await browser(people.alice).post("/me/matters", data=form)
    assert refused.status_code == 422, refused.text
    summary = refused.text[refused.text.index('id="error-summary-title"'):].split("</div>")[0]
    linked = re.findall(r'<li><a href="#(f-[^"]+)">', summary)
    assert len(linked) == summary.count("<li>") >= 3, summary
    page = re.findall(r'<(?:input|select)\b[^>]* id="(f-(?:key|matters-0-[a-z_]+))"', refused.text)
    assert set(linked) <= set(page), "each leads to a field on the page"
    assert linked == sorted(linked, key=page.index), summary
