"""Policy versions for the admin: each file checked, dated parameters with sources, units over time;
a broken file is named with its problems, as ``huiqi policy check`` does."""

import html
import re
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select, update

from huiqi import clock
from huiqi.admin import service
from huiqi.catalogue import service as catalogue
from huiqi.models import AuditEvent, PolicyVersion
from huiqi.users import service as users
from huiqi.users.scope import SYSTEM
from tests.dbtest import PASSWORD, second_admin
from tests.webtest import bearer

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"

pytestmark = pytest.mark.anyio


async def test_the_page_shows_the_policy_its_parameters_and_units(browser, people) -> None:
    response = await browser(people.admin).get("/admin/policies")
    assert response.status_code == 200
    text = response.text
    assert "ln-2022-35.yaml" in text and "✓ 通过" in text and "辽政办〔2022〕35号" in text
    assert "2025-12-31" in text and "2000万元" in text and "措施1：给予最高2000万元资金支持" in text
    assert "省数据局、省发展改革委、省工业和信息化厅、省财政厅" in text and "辽财行规〔2024〕12号" in text
    assert "已发布" in text


async def test_a_broken_draft_is_named_with_its_problems_and_nothing_is_kept(browser, people, session) -> None:
    admin = browser(people.admin)
    response = await admin.post("/admin/policies", data={"text": "id: zz-broken\ntitel: 拼错的字段\n",
                                                         "file_name": "zz-broken.yaml"})
    assert response.status_code == 422 and "titel" in response.text and "政策文件未通过校验" not in response.text
    assert "zz-broken" not in [f.id for f in service.policy_files(session, actor=people.admin)]


async def test_a_draft_uploaded_on_the_page_is_published_by_another_admin(browser, people, session) -> None:
    second = users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                               password=PASSWORD)
    text = SECOND.read_text("utf-8")
    admin = browser(people.admin)
    done = await admin.post("/admin/policies", files={"file": ("second-policy.yaml", text.encode(), "text/yaml")})
    assert done.status_code == 303
    version = next(f for f in service.policy_files(session, actor=people.admin) if f.id == "test-successor")
    page = (await admin.get("/admin/policies")).text
    assert f"✓ 草稿已保存（版本 {version.version_id}），文件格式校验与 1 个测试情形均已通过" in page and "草稿" in page
    assert "起草 系统管理员" in page and "起草 admin" not in page  # people by name, not login name
    # the walk-through: the drafter saw a 发布 button that could only fail; it says who may publish instead
    assert f'action="/admin/policies/{version.version_id}/publish"' not in page
    assert f'id="second-person-{version.version_id}">本草稿由您起草：须由另一位管理员核对后发布' in page
    other = (await browser(second).get("/admin/policies")).text
    assert f'action="/admin/policies/{version.version_id}/publish"' in other
    refused = await admin.post(f"/admin/policies/{version.version_id}/publish", data={"in_force": "0"})
    assert refused.status_code == 403 and "须由另一位管理员" in refused.text
    published = await browser(second).post(f"/admin/policies/{version.version_id}/publish", data={"in_force": "0"})
    assert published.status_code == 303
    assert "test-successor" in [p.id for p in catalogue.published(session)]


async def test_the_api_gives_the_same(client, session, people) -> None:
    response = await client.get("/api/v1/admin/policies", headers=bearer(session, people.admin))
    item = response.json()["items"][0]
    assert (item["id"], item["ok"], item["measures"], item["window_end"]) == ("ln-2022-35", True, 20, "2025-12-31")
    m11 = [u for u in item["units"] if u["measure"] == 11]
    assert [u["since"] for u in m11] == ["2022-07-23", "2024-12-20"] and m11[1]["units"][0] == "省数据局"
    cap = next(p for p in item["parameters"] if p["measure"] == 1 and p["name"] == "cap")
    assert cap["values"][0]["raw"] == 20_000_000


@pytest.mark.parametrize("who", ["alice", "shenyang", "miit", "finance"])
async def test_others_are_refused(client, browser, session, people, who) -> None:
    page = await browser(getattr(people, who)).get("/admin/policies")
    assert page.status_code == 403 and "2000万元" not in page.text
    api = await client.get("/api/v1/admin/policies", headers=bearer(session, getattr(people, who)))
    assert api.status_code == 403 and "items" not in api.json()


async def test_the_auditor_reads_the_catalogue_its_texts_and_comparisons_without_its_forms(client, browser, session,
                                                                                           people) -> None:
    """The trail's 政策版本 links lead here: the auditor used to get a 403."""
    row = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second-policy.yaml")
    auditor = browser(people.auditor)
    listed = await auditor.get("/admin/policies")
    assert listed.status_code == 200 and "辽政办〔2022〕35号" in listed.text and f'id="version-{row.id}"' in listed.text
    assert "审计人员只读" in listed.text and f'href="/admin/policies/{row.id}/diff">发布前比较' in listed.text
    for form in ("/publish", "/withdraw", "/edit", 'action="/admin/policies"', "以此为底稿", "起草新版本"):
        assert form not in listed.text, form
    shown = await auditor.get(f"/admin/policies/{row.id}/text")
    assert shown.status_code == 200 and _shown(shown.text) == row.text and "以此为底稿" not in shown.text
    assert (await auditor.get(f"/admin/policies/{row.id}/download")).content == row.text.encode("utf-8")
    compared = await auditor.get(f"/admin/policies/{row.id}/diff")
    assert compared.status_code == 200 and f"发布前比较：版本 {row.id}" in compared.text
    assert (await auditor.get(f"/admin/policies/{row.id}/diff.xlsx")).status_code == 200
    assert (await auditor.get(f"/admin/policies?base={row.id}")).status_code == 403, "the base fills a draft's form"
    refused = await auditor.post(f"/admin/policies/{row.id}/publish", data={"in_force": "0"})
    assert refused.status_code == 403
    assert catalogue.get(session, row.id, actor=people.admin).state == "draft"
    api = await client.get("/api/v1/admin/policies", headers=bearer(session, people.auditor))
    assert api.status_code == 200 and api.json()["items"][0]["id"] == "ln-2022-35"
    admin = (await browser(second_admin(session)).get("/admin/policies")).text  # another than its drafter
    assert "审计人员只读" not in admin and f'action="/admin/policies/{row.id}/publish"' in admin


def _shown(html_text: str) -> str:
    """The text inside the page's read-only block, as the browser shows it."""
    found = re.search(r'<pre class="source"[^>]*>\n(.*?)</pre>', html_text, re.S)
    assert found is not None
    return html.unescape(found.group(1))


async def test_a_versions_stored_text_is_shown_and_downloaded_as_stored(browser, people, session) -> None:
    text = SECOND.read_text("utf-8").replace("\n", "\r\n", 3) + "# 备注 <b>&\"'\n"
    row = catalogue.add(session, actor=people.admin, text=text, file_name='我的"草稿";x.yml')
    admin = browser(people.admin)
    listed = (await admin.get("/admin/policies")).text
    assert f'href="/admin/policies/{row.id}/text">查看' in listed and f"/admin/policies/{row.id}/download" in listed
    shown = await admin.get(f"/admin/policies/{row.id}/text")
    assert shown.status_code == 200 and _shown(shown.text) == text and "草稿" in shown.text
    assert f"共 {len(text.splitlines())} 行" in shown.text, "a file ending in a newline has no line after it"
    got = await admin.get(f"/admin/policies/{row.id}/download")
    assert got.status_code == 200 and got.content == text.encode("utf-8")
    assert got.headers["content-type"].startswith("application/yaml")
    named = quote(f"版本{row.id}-我的\"草稿\";x.yaml", safe="")
    assert got.headers["content-disposition"] == (
        f"attachment; filename=\"policy-version-{row.id}.yaml\"; filename*=UTF-8''{named}")


async def test_a_draft_is_edited_from_its_own_text_and_a_published_one_starts_a_new_draft(browser, people,
                                                                                       session) -> None:
    text = SECOND.read_text("utf-8")
    row = catalogue.add(session, actor=people.admin, text=text, file_name="second-policy.yaml")
    admin = browser(people.admin)
    own = (await admin.get(f"/admin/policies?base={row.id}")).text
    edit = re.search(rf'action="/admin/policies/{row.id}/edit">.*?<textarea[^>]*>\n(.*?)</textarea>', own, re.S)
    assert edit is not None and html.unescape(edit.group(1)) == text
    assert "<details open><summary>修改草稿" in own
    shipped = next(v for v in catalogue.versions(session, actor=people.admin) if v.state == "published")
    new = (await admin.get(f"/admin/policies?base={shipped.id}")).text
    paste = re.search(r'<textarea name="text" id="f-text" rows="8"[^>]*>\n(.*?)</textarea>', new, re.S)
    assert paste is not None and html.unescape(paste.group(1)) == shipped.text
    assert f'value="{shipped.file_name}"' in new and f"已填入版本 {shipped.id} 的全文" in new


async def test_the_edit_form_opens_with_the_drafts_text_and_a_doubtful_cap_is_said_on_save(browser, people,
                                                                                         session) -> None:
    """The walk-through: “修改草稿” opened an empty box, and saving it gave “政策文件：文件是空的”; a cap its clause
    does not state was saved with a plain ✓."""
    text = SECOND.read_text("utf-8")
    row = catalogue.add(session, actor=people.admin, text=text, file_name="second-policy.yaml")
    admin = browser(people.admin)
    page = (await admin.get("/admin/policies")).text
    edit = re.search(rf'action="/admin/policies/{row.id}/edit">.*?<textarea[^>]*>\n(.*?)</textarea>', page, re.S)
    assert edit is not None and html.unescape(edit.group(1)) == text
    doubtful = text.replace("提高至2500万元}", "提高}")
    done = await admin.post(f"/admin/policies/{row.id}/edit", data={"text": doubtful})
    assert done.status_code == 303
    page = (await admin.get("/admin/policies")).text
    flash = re.search(r'<div class="notice" role="status" id="flash">(.*?)</div>', page, re.S)
    assert flash is not None and not flash.group(1).startswith("✓"), "saved, with something to check"
    assert f"草稿已修改（版本 {row.id}），文件格式校验与 1 个测试情形均已通过；另有 1 处请核对" in flash.group(1)
    assert "2500万元不见于其依据" in flash.group(1) and f'id="warnings-{row.id}"' in page
    assert catalogue.get(session, row.id, actor=people.admin).text == doubtful
    auditor = (await browser(people.auditor).get("/admin/policies")).text
    assert "修改草稿" not in auditor and "2500万元不见于其依据" in auditor


@pytest.mark.parametrize("who", ["alice", "miit", "finance"])
async def test_others_may_not_read_a_versions_text(browser, people, session, who) -> None:
    row = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second-policy.yaml")
    for path in (f"/admin/policies/{row.id}/text", f"/admin/policies/{row.id}/download",
                 f"/admin/policies?base={row.id}"):
        response = await browser(getattr(people, who)).get(path)
        assert response.status_code == 403 and "test-successor" not in response.text, path


async def test_an_unknown_version_is_not_found(browser, people) -> None:
    admin = browser(people.admin)
    for path in ("/admin/policies/99999/text", "/admin/policies/99999/download", "/admin/policies?base=99999"):
        response = await admin.get(path)
        assert response.status_code == 404 and "没有政策版本 99999" in response.text, path


def _listed(html_text: str) -> list[str]:
    """The lines of the page's error summary, as read."""
    found = re.search(r'<div class="errors error-summary".*?<ul>(.*?)</ul>', html_text, re.S)
    assert found is not None
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", found.group(1))]


async def test_an_uploads_mistakes_are_listed_one_a_line_in_the_files_order(browser, people) -> None:
    text = SECOND.read_text("utf-8").replace("title: （测试用）", "titel: （测试用）")
    text = text.replace("kind: fund", "kind: fundd")
    text = text.replace("    units: [测试厅]\n", "    units: [测试厅]\n    unknown_field: 1\n", 1)
    response = await browser(people.admin).post("/admin/policies", files={
        "file": ("broken.yaml", text.encode(), "text/yaml")})
    said = _listed(response.text)
    assert response.status_code == 422 and len(said) == 4, said
    lines = [int(line.split(":")[1]) for line in said]
    assert lines == sorted(lines) and all(line.startswith("broken.yaml:") for line in said)
    assert any("措施1 措施类别：" in line for line in said) and any("「titel」：不认识的字段" in line for line in said)


@pytest.mark.parametrize("forged", [None, "", "很多", "1" * 11, "0\x00", "-1"])
async def test_a_forged_version_in_force_is_said_on_the_catalogue_and_nothing_published(browser, people, session,
                                                                                        forged) -> None:
    """The hidden 页面显示的现行版本 that no page wrote (or none sent): the catalogue again saying it cannot be checked,
    the draft still a draft; it was the generic error page."""
    second = users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                               password=PASSWORD)
    row = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second-policy.yaml")
    refused = await browser(second).post(f"/admin/policies/{row.id}/publish",
                                         data={} if forged is None else {"in_force": forged})
    assert refused.status_code == 422 and "<h1>输入有误</h1>" not in refused.text, refused.text[:500]
    assert "页面显示的现行版本（请刷新页面后再试）：无法核对，未发布" in refused.text and "<h1>政策目录" in refused.text
    session.expire_all()
    assert session.get(PolicyVersion, row.id).state == "draft"


async def test_a_publication_refused_by_the_files_situations_lists_each(browser, people, session) -> None:
    second = users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                               password=PASSWORD)
    text = SECOND.read_text("utf-8").replace("ceiling: 500000}]", "ceiling: 400000}]")
    situation = text[text.index("  - name: 测试试点项目最高50万元"):]
    text += situation.replace("测试试点项目最高50万元", "再一个情形").replace("status: eligible", "status: ineligible")
    row = catalogue.add(session, actor=people.admin, text=text, file_name="wrong.yaml")
    refused = await browser(second).post(f"/admin/policies/{row.id}/publish", data={"in_force": "0"})
    assert refused.status_code == 409
    assert _listed(refused.text) == [
        "测试情形「测试试点项目最高50万元」：事项 p1·措施1 上限应为 40 万元，实为 50 万元",
        "测试情形「再一个情形」：事项 p1·措施1 应为不符合，实为符合"]


async def test_a_draft_whose_own_situations_fail_is_said_so_when_saved_not_only_at_publication(browser, people,
                                                                                             session) -> None:
    """The walk-through: a draft whose test situation failed read “✓ 草稿已保存并通过校验” and “✓ 通过”, and only the
    second admin learnt of it, from the publication's 409."""
    wrong = SECOND.read_text("utf-8").replace("ceiling: 500000}]", "ceiling: 400000}]")
    admin = browser(people.admin)
    done = await admin.post("/admin/policies", files={"file": ("wrong.yaml", wrong.encode(), "text/yaml")})
    assert done.status_code == 303
    row = next(v for v in catalogue.versions(session, actor=people.admin) if v.file_name == "wrong.yaml")
    page = (await admin.get("/admin/policies")).text
    flash = re.search(r'<div class="notice" role="status" id="flash">(.*?)</div>', page, re.S)
    assert flash is not None and not flash.group(1).startswith("✓"), "saved, but not a success to tick"
    said = f"草稿已保存（版本 {row.id}），文件格式校验通过，但自带的测试情形未通过 1 处，改正后才能发布"
    assert said in flash.group(1)
    assert "上限应为 40 万元，实为 50 万元" in html.unescape(flash.group(1))
    listed = re.search(rf'<a href="#version-{row.id}">.*?</tr>', page, re.S)
    assert listed is not None and "✗ 测试情形未通过 1 处" in listed.group(0) and "✓ 通过" not in listed.group(0)
    assert f'id="situations-{row.id}"' in page
    api = next(f for f in service.policy_files(session, actor=people.admin) if f.version_id == row.id)
    assert api.ok and api.situations == 1 and len(api.failing) == 1
    mended = await admin.post(f"/admin/policies/{row.id}/edit", data={"text": SECOND.read_text("utf-8")})
    assert mended.status_code == 303
    page = (await admin.get("/admin/policies")).text
    assert f"✓ 草稿已修改（版本 {row.id}），文件格式校验与 1 个测试情形均已通过" in page
    assert f'id="situations-{row.id}"' not in page


def test_past_twenty_failing_situations_the_rest_are_counted(people, session) -> None:
    """The refusal lists twenty failing situations and says how many more: an officer who mends the twenty listed is
    not surprised by a second refusal."""
    from huiqi.errors import SituationsFailed

    second = users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                               password=PASSWORD)
    text = SECOND.read_text("utf-8").replace("ceiling: 500000}]", "ceiling: 400000}]")
    situation = text[text.index("  - name: 测试试点项目最高50万元"):]
    text += "".join(situation.replace("测试试点项目最高50万元", f"情形{i}") for i in range(22))
    row = catalogue.add(session, actor=people.admin, text=text, file_name="wrong.yaml")
    with pytest.raises(SituationsFailed) as refused:
        catalogue.publish(session, actor=second, version_id=row.id)
    assert len(refused.value.problems) == 21 and refused.value.problems[-1] == "另有 3 个测试情形未通过"


async def test_a_publication_is_dated_by_the_business_day(browser, people, session) -> None:
    """The walk-through (HUIQI_TODAY=2026-12-05): the catalogue dated a publication by the real clock (2026-12-07),
    while the whitelist, 公示 and payments are dated by the business day; the application's page said it too."""
    second = users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                               password=PASSWORD)
    row = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="a.yaml")
    with clock.pinned(date(2025, 3, 4)):
        catalogue.publish(session, actor=second, version_id=row.id)
    assert row.published_on == date(2025, 3, 4) and row.published_at is not None
    session.execute(update(PolicyVersion).where(PolicyVersion.id == row.id)
                    .values(published_at=datetime(2026, 12, 7, 1, 30)))  # the real moment stays what it was
    session.flush()
    text = (await browser(people.admin).get("/admin/policies")).text
    listed = re.search(rf'<a href="#version-{row.id}">.*?</tr>', text, re.S)
    assert listed is not None and '<span class="small muted">2025-03-04</span>' in listed.group(0)
    assert "2026-12-07" not in listed.group(0)
    api = next(f for f in service.policy_files(session, actor=people.admin) if f.version_id == row.id)
    assert api.published_on == date(2025, 3, 4)
    published = session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.publish",
                                                         AuditEvent.entity_id == str(row.id))).one()
    assert published.after is not None and published.after["published_on"] == "2025-03-04"


async def test_the_text_page_says_the_state_as_the_catalogue_does(browser, people, session) -> None:
    """The walk-through: the catalogue read 已过期（仍用于有效期内的事项）, the version's text page 已发布."""
    shipped = next(v for v in catalogue.versions(session, actor=people.admin) if v.state == "published")
    with clock.pinned(date(2026, 12, 5)):  # the shipped policy's window ended on 2025-12-31
        listed = (await browser(people.admin).get("/admin/policies")).text
        shown = (await browser(people.admin).get(f"/admin/policies/{shipped.id}/text")).text
    assert "已过期（仍用于有效期内的事项）" in listed
    assert '<span class="badge">已过期（仍用于有效期内的事项）</span>' in shown and ">已发布<" not in shown
    with clock.pinned(date(2025, 6, 30)):
        shown = (await browser(people.admin).get(f"/admin/policies/{shipped.id}/text")).text
    assert '<span class="badge">已发布</span>' in shown


async def test_the_publish_form_carries_the_version_in_force_it_was_shown_against(browser, people, session) -> None:
    """A form shown before another admin published a version of the same policy is refused with a 409 beside the
    catalogue, not told 已发布; a superseded version is offered back (a mistaken publication undone)."""
    second = users.create_user(session, actor=SYSTEM, username="admin2", display_name="第二位管理员", role="admin",
                               password=PASSWORD)
    text = SECOND.read_text("utf-8")
    first = catalogue.add(session, actor=people.admin, text=text, file_name="a.yaml")
    retitled = text.replace("title: （测试用）", "title: （测试用，修订）")
    later = catalogue.add(session, actor=people.admin, text=retitled, file_name="b.yaml")
    page = (await browser(second).get("/admin/policies")).text
    assert re.search(rf'/admin/policies/{later.id}/publish".*?name="in_force" value="0"', page, re.S)
    catalogue.publish(session, actor=second, version_id=first.id, seen=0)
    stale = await browser(second).post(f"/admin/policies/{later.id}/publish", data={"in_force": "0"})
    assert stale.status_code == 409 and "已有另一个版本刚发布" in stale.text
    assert later.state == "draft"
    page = (await browser(second).get("/admin/policies")).text
    assert re.search(rf'/admin/policies/{later.id}/publish".*?name="in_force" value="{first.id}"', page, re.S)
    assert (await browser(second).post(f"/admin/policies/{later.id}/publish",
                                       data={"in_force": str(first.id)})).status_code == 303
    page = (await browser(second).get("/admin/policies")).text
    assert "重新发布（恢复此版本）" in page
    back = await browser(second).post(f"/admin/policies/{first.id}/publish", data={"in_force": str(later.id)})
    assert back.status_code == 303 and (first.state, later.state) == ("published", "superseded")


def _box(html_text: str, name: str) -> str:
    """The text in the text area ``name`` (by its id), as the browser shows it."""
    found = re.search(rf'<textarea[^>]*id="f-{name}"[^>]*>\n(.*?)</textarea>', html_text, re.S)
    assert found is not None, name
    return html.unescape(found.group(1))


def _beside(html_text: str, name: str) -> str:
    found = re.search(rf'<span class="field-error" id="e-{name}">(.*?)</span>', html_text, re.S)
    return html.unescape(found.group(1)) if found else ""


async def test_an_uploaded_file_refused_comes_back_in_the_box_to_mend_at_its_line(browser, people) -> None:
    """The walk-through: an uploaded draft with a mistake came back with the text box empty."""
    text = SECOND.read_text("utf-8").replace("title: （测试用）", "titel: （测试用）")
    response = await browser(people.admin).post("/admin/policies", files={
        "file": ("broken.yaml", text.encode(), "text/yaml")})
    assert response.status_code == 422 and any("「titel」：不认识的字段" in line for line in _listed(response.text))
    assert _box(response.text, "text") == text, "the uploaded text, to mend in place"
    assert 'value="broken.yaml"' in response.text and "下面是上传的 broken.yaml 的全文" in response.text


async def test_a_file_past_its_bound_is_refused_beside_the_box_not_on_a_page_apart(browser, people, session) -> None:
    """The walk-through: a 1.2 MB file met a 413 on an error page of its own (the request limit, 1 MB), while the form
    allowed 1,000,000 characters, which Chinese text cannot reach under 1 MB."""
    big = SECOND.read_text("utf-8") + "# " + "注" * 400_000 + "\n"  # 1.2 MB in UTF-8
    assert len(big.encode("utf-8")) > 1_200_000
    admin = browser(people.admin)
    uploaded = await admin.post("/admin/policies", files={"file": ("big.yaml", big.encode(), "text/yaml")})
    assert uploaded.status_code == 422 and "文件过大（1.15 MB），政策文件最多 1 MB" in _beside(uploaded.text, "text")
    assert 'value="big.yaml"' in uploaded.text and "出错了" not in uploaded.text
    pasted = await admin.post("/admin/policies", data={"text": big, "file_name": "big.yaml"})
    assert pasted.status_code == 422 and "文件过大" in _beside(pasted.text, "text")
    assert _box(pasted.text, "text") == big, "what was typed is kept"
    as_a_browser = await admin.post("/admin/policies", data={"text": big, "file_name": "big.yaml"},
                                    files={"file": ("", b"", "application/octet-stream")})  # multipart, no file chosen
    assert as_a_browser.status_code == 422 and "文件过大" in _beside(as_a_browser.text, "text")
    row = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="a.yaml")
    edited = await admin.post(f"/admin/policies/{row.id}/edit", data={"text": big})
    assert edited.status_code == 422 and "文件过大" in _beside(edited.text, "edit_text")
    assert _box(edited.text, "edit_text") == big and "<details open><summary>修改草稿" in edited.text
    # within the bound, a pasted file longer than the door's net for other forms (100,000 characters) is saved
    long = SECOND.read_text("utf-8").replace("id: test-successor", "id: test-long") + "# " + "注" * 150_000 + "\n"
    assert (await admin.post("/admin/policies", data={"text": long, "file_name": "long.yaml"})).status_code == 303


async def test_a_body_far_past_the_bound_is_said_on_the_catalogue(browser, people, monkeypatch) -> None:
    """Past the room the form is given (three times the bound: a form writes a byte as %XX), the body is not read: the
    catalogue says why, not a page apart."""
    from huiqi.web import limits

    monkeypatch.setattr(limits, "POLICY_FORM_BYTES", 4096)
    monkeypatch.setattr(limits, "get_settings", lambda: type("S", (), {"max_request_bytes": 2048})())
    admin = browser(people.admin)
    response = await admin.post("/admin/policies", data={"text": "注" * 5000, "file_name": "x.yaml"})
    assert response.status_code == 303 and response.headers["location"] == "/admin/policies#draft-title"
    page = (await admin.get("/admin/policies")).text
    assert "未能保存：政策文件过大，最多 1 MB（UTF-8 编码），请缩小后再试" in page


async def test_a_withdrawal_refused_keeps_its_section_open_with_the_reason(browser, people, session) -> None:
    """The walk-through: the reason typed was lost when the withdrawal was refused (仍在使用，不能撤回)."""
    from tests.dbtest import a_round

    a_round(session)
    shipped = next(v for v in catalogue.versions(session, actor=people.admin) if v.state == "published")
    refused = await browser(people.admin).post(f"/admin/policies/{shipped.id}/withdraw",
                                               data={"reason": "文件有误，<先撤回>"})
    assert refused.status_code == 409
    section = refused.text[refused.text.index(f'id="version-{shipped.id}"'):]
    section = section[:section.index("</section>")]
    assert "<details open><summary>撤回此版本" in section and "未能撤回：" in section
    assert "仍在使用，不能撤回" in section
    assert 'value="文件有误，&lt;先撤回&gt;"' in section
    empty = await browser(people.admin).post(f"/admin/policies/{shipped.id}/withdraw", data={"reason": " "})
    assert empty.status_code == 422 and "请填写撤回理由" in _beside(empty.text, "reason")


@pytest.mark.parametrize(("field", "typed", "said", "shown"), [
    ("text", "id: x\x00\n", "文件含有空字符（NUL），不是文本文件", "id: x\n</textarea>"),
    ("file_name", "a\x00.yaml", "不能含有空字符（NUL）", 'value="a.yaml"'),
    ("file_name", "长" * 201, "不能超过 200 个字（现为 201 个字）", 'value="' + "长" * 200 + '"'),
])
async def test_a_forged_draft_box_is_said_beside_it_and_kept(browser, people, session, field, typed, said,
                                                             shown) -> None:
    """A NUL met the door, a file name past 200 the form's own bound: a bare 「输入有误」 page, the text lost."""
    draft = {"text": SECOND.read_text("utf-8"), "file_name": "b.yaml", field: typed}
    refused = await browser(people.admin).post("/admin/policies", data=draft)
    assert refused.status_code == 422 and "<h1>输入有误</h1>" not in refused.text
    assert _beside(refused.text, field) == said and shown in refused.text and "\x00" not in refused.text


@pytest.mark.parametrize(("typed", "said", "shown"), [
    ("文件\x00有误", "不能含有空字符（NUL）", "文件有误"),
    ("误" * 501, "不能超过 500 个字（现为 501 个字）", "误" * 500),
])
async def test_a_forged_withdrawal_reason_is_said_beside_its_box(browser, people, session, typed, said,
                                                                 shown) -> None:
    row = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="a.yaml")
    refused = await browser(people.admin).post(f"/admin/policies/{row.id}/withdraw", data={"reason": typed})
    assert refused.status_code == 422 and _beside(refused.text, "reason") == said
    assert f'value="{shown}"' in refused.text and row.state == "draft"


def _sheet(content: bytes) -> list[dict]:
    """A downloaded workbook's first sheet as rows by its header (the title row above it)."""
    import io

    import openpyxl

    rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    return [dict(zip(rows[1], row, strict=True)) for row in rows[2:]]


async def test_the_catalogue_and_a_versions_parameters_export_to_excel(browser, people, session) -> None:
    wrong = SECOND.read_text("utf-8").replace("ceiling: 500000}]", "ceiling: 400000}]")
    draft = catalogue.add(session, actor=people.admin, text=wrong, file_name="wrong.yaml")
    shipped = next(v for v in catalogue.versions(session, actor=people.admin) if v.state == "published")
    page = (await browser(people.admin).get("/admin/policies")).text
    assert 'href="/admin/policies.xlsx"' in page and f'href="/admin/policies/{shipped.id}/parameters.xlsx"' in page
    for who in (people.admin, people.auditor):
        got = await browser(who).get("/admin/policies.xlsx")
        assert got.status_code == 200 and "filename*=UTF-8''" in got.headers["content-disposition"]
        rows = {r["版本"]: r for r in _sheet(got.content)}
        assert rows[shipped.id]["文号"] == "辽政办〔2022〕35号" and rows[shipped.id]["状态"].startswith("已过期")
        assert rows[shipped.id]["校验"] == "通过（3 个测试情形）"
        assert rows[shipped.id]["文本摘要"] == shipped.digest[:12]
        assert rows[shipped.id]["有效期截止日"].date() == date(2025, 12, 31)
        assert rows[draft.id]["状态"] == "草稿" and rows[draft.id]["校验"] == "测试情形未通过 1 处"
    got = await browser(people.auditor).get(f"/admin/policies/{shipped.id}/parameters.xlsx")
    assert got.status_code == 200
    cap = next(r for r in _sheet(got.content) if r["措施"] == "措施1" and r["参数"] == "总部及功能性机构资金支持上限")
    assert cap["金额（元）"] == 20_000_000 and cap["金额（万元）"] == 2000 and cap["取值"] == "2000万元"
    assert cap["自"].date() == date(2022, 7, 23) and cap["依据（条款）"]
    for path in ("/admin/policies.xlsx", f"/admin/policies/{shipped.id}/parameters.xlsx"):
        assert (await browser(people.alice).get(path)).status_code == 403, path
    broken = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="ok.yaml")
    session.execute(update(PolicyVersion).where(PolicyVersion.id == broken.id).values(text="id: x\n"))
    session.flush()
    refused = await browser(people.admin).get(f"/admin/policies/{broken.id}/parameters.xlsx")
    assert refused.status_code == 409 and "没有可导出的参数" in refused.text


async def test_a_role_not_admin_posting_the_catalogues_forms_is_refused_before_they_are_read(browser, people) -> None:
    """Publish, withdraw, edit and draft posted by the auditor or the analyst, empty: a 403 saying who does it, not a
    422 naming a field the form left out (in_force：缺少此项, in English)."""
    for who, role in ((people.auditor, "审计人员"), (people.analyst, "政策分析人员")):
        for path, doing in (("/admin/policies/1/publish", "发布政策"), ("/admin/policies/1/withdraw", "撤回政策"),
                            ("/admin/policies/1/edit", "修改政策草稿"), ("/admin/policies", "起草政策版本")):
            refused = await browser(who).post(path, data={})
            assert refused.status_code == 403 and f"{role}无权{doing}（由管理员办理）" in refused.text, (role, path)
            assert "in_force" not in refused.text and "缺少此项" not in refused.text


async def test_a_publication_without_the_version_the_page_showed_names_it_in_chinese(browser, people) -> None:
    forged = await browser(people.admin).post("/admin/policies/1/publish", data={})
    assert forged.status_code == 422 and "页面显示的现行版本（请刷新页面后再试）：无法核对，未发布" in forged.text
    assert "in_force" not in forged.text
