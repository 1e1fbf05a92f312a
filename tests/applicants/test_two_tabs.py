"""本单位 edited in two tabs: a profile saved on an older version, or a new matter under a taken name, is refused
(409, in Chinese) rather than silently undoing the other tab's save; two saves at once end in one of them."""

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from huiqi.applicants import repository
from huiqi.applicants import service as applicants
from huiqi.models import Applicant, User
from tests.dbtest import ALICE_USCC, at_once, make_people, make_records

VERSION = re.compile(r'name="version" value="(\d+)"')
SEEN = re.compile(r'name="seen" value="([^"]+)"')
PROFILE = {"name": "示例科技有限公司", "kind": "enterprise", "city": "210100", "region": "210102", "size": "medium"}


def _current(session):
    return repository.current_profile(session, repository.by_uscc(session, ALICE_USCC).id)


@pytest.mark.anyio
async def test_a_profile_saved_on_an_older_page_is_refused_and_the_newer_kept(browser, session, people) -> None:
    alice = browser(people.alice)
    seen = VERSION.search((await alice.get("/me")).text)[1]  # both tabs opened on this version
    first = await alice.post("/me/profile", data={**PROFILE, "version": seen, "revenue": "5000", "above_scale": "true"})
    assert first.status_code == 303
    second = await alice.post("/me/profile", data={**PROFILE, "version": seen, "size": "small"})
    assert second.status_code == 409, second.text
    newer = int(seen) + 1
    assert f"本单位信息已在其他页面更新为第 {newer} 版，请刷新后再改" in second.text
    assert 'value="small" selected' in second.text  # what was typed is still there to copy
    assert "单位信息未保存</h2>" in second.text and "请修改以下内容" not in second.text, "a refusal, nothing to correct"
    kept = _current(session)
    assert (kept.version, kept.revenue, kept.above_scale, kept.size) == (newer, 50_000_000, True, "medium")
    fresh = VERSION.search((await alice.get("/me")).text)[1]
    assert fresh == str(newer)
    assert (await alice.post("/me/profile", data={**PROFILE, "version": fresh, "revenue": "5000",
                                                  "above_scale": "true", "size": "small"})).status_code == 303


@pytest.mark.anyio
async def test_the_api_refuses_a_stale_version_when_given(browser, session, people) -> None:
    alice = browser(people.alice)
    url = f"/api/v1/applicants/{ALICE_USCC}"
    now = (await alice.get(url)).json()["profile"]["version"]
    stale = await alice.send("PUT", url, json={"name": "示例科技有限公司", "size": "small", "version": now - 1})
    assert stale.status_code == 409 and f"第 {now} 版" in stale.json()["detail"]
    done = await alice.send("PUT", url, json={"name": "示例科技有限公司", "size": "small", "version": now})
    assert done.status_code == 200 and done.json()["profile"]["version"] == now + 1


def test_two_saves_of_one_version_at_once_end_in_one(own_database) -> None:
    with Session(own_database, expire_on_commit=False) as session, session.begin():
        make_records(session, make_people(session))
        seen = _current(session).version

    def save(size: str):
        def act(session) -> None:
            alice = session.scalar(select(User).where(User.username == "alice"))
            applicants.record_profile(session, actor=alice, uscc=ALICE_USCC, seen=seen, name="示例科技有限公司",
                                      size=size)
        return act

    outcomes = at_once(own_database, [save("small"), save("large")])
    assert sorted(outcomes) == ["conflict", "done"], outcomes
    with Session(own_database) as session:
        applicant = session.scalar(select(Applicant).where(Applicant.uscc == ALICE_USCC))
        versions = repository.profiles(session, applicant.id)
        assert [p.version for p in versions][-1] == seen + 1
        assert versions[-1].size == ("small" if outcomes[0] == "done" else "large")


@pytest.mark.anyio
async def test_a_new_matter_under_a_taken_name_is_refused(browser, session, people) -> None:
    alice = browser(people.alice)
    new = {"key": "新项目", "matters-0-codes": "smart_manufacturing", "matters-0-date": "2025-03-01",
           "matters-0-investment": "1000"}
    assert (await alice.post("/me/matters", data=new)).status_code == 303
    again = await alice.post("/me/matters", data={**new, "matters-0-codes": "industrial_internet",
                                                  "matters-0-investment": "2000"})
    assert again.status_code == 409, again.text
    assert '<a href="#f-key">事项编号：「新项目」已登记为' in again.text, "under the field's label, not 事项"
    assert "请换一个编号" in again.text and "事项：" not in again.text
    applicant = repository.by_uscc(session, ALICE_USCC)
    kept = repository.matter(session, applicant.id, "新项目")
    assert kept.codes == ["smart_manufacturing"] and kept.facts["investment"] == 10_000_000


@pytest.mark.anyio
async def test_a_matter_is_edited_from_its_form_and_a_stale_edit_is_refused(browser, session, people) -> None:
    alice = browser(people.alice)
    form = (await alice.get("/me", params={"matter": "h1"})).text
    assert 'name="editing" value="h1"' in form
    seen = SEEN.search(form)[1]
    edit = {"key": "h1", "editing": "h1", "seen": seen, "matters-0-codes": "little_giant",
            "matters-0-level": "national", "matters-0-date": "2024-07-14"}
    assert (await alice.post("/me/matters", data=edit)).status_code == 303
    stale = await alice.post("/me/matters", data={**edit, "matters-0-date": "2024-07-16"})
    assert stale.status_code == 409 and "事项「h1」已在其他页面修改，请刷新后再改" in stale.text
    applicant = repository.by_uscc(session, ALICE_USCC)
    assert str(repository.matter(session, applicant.id, "h1").date) == "2024-07-14"


@pytest.mark.anyio
async def test_a_stale_edit_is_a_refusal_and_a_changed_key_makes_no_copy(browser, session, people) -> None:
    alice = browser(people.alice)
    seen = SEEN.search((await alice.get("/me", params={"matter": "h1"})).text)[1]
    edit = {"key": "h1", "editing": "h1", "seen": seen, "matters-0-codes": "little_giant",
            "matters-0-level": "national", "matters-0-date": "2024-07-14"}
    assert (await alice.post("/me/matters", data=edit)).status_code == 303
    stale = await alice.post("/me/matters", data={**edit, "matters-0-date": "2024-07-16"})
    assert stale.status_code == 409 and "事项未保存，请修改" not in stale.text, "nothing to correct: a refusal"
    assert 'aria-invalid="true"' not in stale.text and 'href="#f-key"' not in stale.text
    renamed = await alice.post("/me/matters", data={**edit, "key": "h1x", "matters-0-date": "2024-07-16"})
    assert renamed.status_code in (409, 422), renamed.text
    applicant = repository.by_uscc(session, ALICE_USCC)
    assert repository.matter(session, applicant.id, "h1x") is None, "an edit of h1 makes no second matter"
    assert str(repository.matter(session, applicant.id, "h1").date) == "2024-07-14"


@pytest.mark.anyio
async def test_an_edit_of_a_matter_deleted_meanwhile_is_refused(browser, session, people) -> None:
    alice = browser(people.alice)
    new = {"key": "新项目", "matters-0-codes": "smart_manufacturing", "matters-0-date": "2025-03-01",
           "matters-0-investment": "1000"}
    assert (await alice.post("/me/matters", data=new)).status_code == 303
    seen = SEEN.search((await alice.get("/me", params={"matter": "新项目"})).text)[1]
    assert (await alice.post("/me/matters/delete", data={"key": "新项目"})).status_code == 303
    late = await alice.post("/me/matters", data={**new, "editing": "新项目", "seen": seen})
    assert late.status_code == 409 and "已在其他页面删除" in late.text, late.text
    assert repository.matter(session, repository.by_uscc(session, ALICE_USCC).id, "新项目") is None


@pytest.mark.anyio
async def test_the_matter_api_refuses_a_stale_stamp_when_given(browser, session, people) -> None:
    alice = browser(people.alice)
    listed = (await alice.get(f"/api/v1/applicants/{ALICE_USCC}/matters")).json()["items"]
    stamp = next(m for m in listed if m["id"] == "h1")["stamp"]
    url = f"/api/v1/applicants/{ALICE_USCC}/matters/h1"
    body = {"type": "honour", "codes": ["little_giant"], "level": "national", "date": "2024-07-14"}
    done = await alice.send("PUT", url, json={**body, "seen": stamp})
    assert done.status_code == 200 and done.json()["stamp"] != stamp, done.text
    stale = await alice.send("PUT", url, json={**body, "date": "2024-07-16", "seen": stamp})
    assert stale.status_code == 409 and "已在其他页面修改" in stale.json()["detail"], stale.text
    assert (await alice.send("PUT", url, json={**body, "date": "2024-07-16"})).status_code == 200, "seen optional"
