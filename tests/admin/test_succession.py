"""A successor policy on the catalogue page: the upload form asks which policy the file succeeds (接续), to confirm
what the file names, and says beside the box what does not hold; the draft shows the policy it replaces, linked,
and so does the public policy page once it is published."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from huiqi.admin import service
from huiqi.models import AuditEvent
from tests.dbtest import second_admin
from tests.webtest import marked

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"
SHIPPED = "辽政办〔2022〕35号《辽宁省加快发展数字经济核心产业的若干措施》"

pytestmark = pytest.mark.anyio


def _successor(names: str | None = "ln-2022-35") -> bytes:
    """The fixture's second policy, naming ``names`` as the one it succeeds (None: naming none)."""
    text = SECOND.read_text("utf-8")
    named = text.replace("id: test-successor\n", f"id: test-successor\nsucceeds: {names}\n") if names else text
    return named.encode()


async def _upload(admin, content: bytes, succeeds: str):
    return await admin.post("/admin/policies", files={"file": ("second-policy.yaml", content, "text/yaml")},
                            data={"succeeds": succeeds})


def _drafts(session, people) -> list[str]:
    return [f.id for f in service.policy_files(session, actor=people.admin) if f.state == "draft"]


async def test_the_upload_form_asks_which_policy_the_file_succeeds(browser, people) -> None:
    form = (await browser(people.admin).get("/admin/policies")).text
    box = re.search(r'<select name="succeeds" id="f-succeeds"[^>]*>(.*?)</select>', form, re.S)
    assert box is not None, "a box of its own, before the file is saved"
    assert '<option value="">（不接续其他政策）</option>' in box.group(1)
    assert f'<option value="ln-2022-35">{SHIPPED}（ln-2022-35）</option>' in box.group(1)


@pytest.mark.parametrize(("names", "chosen", "said"), [
    ("ln-2022-35", "", f"文件写明本政策接续{SHIPPED}：请在此选择该政策以确认"),
    (None, "ln-2022-35", "文件中没有写明接续的政策：如本政策接续" + SHIPPED),
    ("ln-1", "", "文件写明接续政策“ln-1”，但政策目录中没有发布过这一政策编号"),
    ("ln-2022-35", "ln-1999-9", "政策目录中没有这一政策（或它从未发布）：请从列表中选择"),
    ("ln-2022-35", "test-successor", "不能选择本政策自己（本文件的政策编号即为 test-successor）"),
], ids=["named, not confirmed", "confirmed, not named", "named, not in the catalogue", "not in the list",
        "the policy itself"])
async def test_a_confirmation_that_does_not_hold_is_said_beside_its_box(browser, people, session, names, chosen,
                                                                         said) -> None:
    refused = await _upload(browser(people.admin), _successor(names), chosen)
    assert refused.status_code == 422, refused.text
    [(box, why)] = marked(refused.text)
    assert box == "f-succeeds" and why.startswith(said), why
    assert f'<a href="#f-succeeds">接续的政策：{said}' in refused.text, "the summary leads to the box"
    assert "id: test-successor" in refused.text, "the file's text comes back in the box, to mend"
    assert "test-successor" not in _drafts(session, people), "nothing saved"


async def test_a_confirmed_successor_shows_the_policy_it_replaces_then_the_public_page_does(browser, people,
                                                                                           session) -> None:
    admin = browser(people.admin)
    saved = await _upload(admin, _successor(), "ln-2022-35")
    assert saved.status_code == 303, saved.text
    [draft] = [f for f in service.policy_files(session, actor=people.admin) if f.id == "test-successor"]
    page = (await admin.get("/admin/policies")).text
    shown = re.search(rf'<p id="succeeds-{draft.version_id}">(.*?)</p>', page, re.S).group(1)
    assert f'本政策接续并取代<a href="/policy#ln-2022-35">{SHIPPED}</a>' in shown and "发布后" in shown
    other = (await browser(second_admin(session)).get("/admin/policies")).text  # the drafter has no 发布 button
    assert f"它接续并取代{SHIPPED}。发布后即用于匹配与申报" in other, "the publish button asks with it"
    edit = re.search(rf'action="/admin/policies/{draft.version_id}/edit".*?</form>', page, re.S).group(0)
    assert '<option value="ln-2022-35" selected>' in edit, "an edit starts from what the file names"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.draft",
                                                     AuditEvent.entity_id == str(draft.version_id))).one()
    assert event.after["succeeds"] == "ln-2022-35"

    unconfirmed = await admin.post(f"/admin/policies/{draft.version_id}/edit",
                                   data={"text": _successor().decode() + "\n", "succeeds": ""})
    assert unconfirmed.status_code == 422 and marked(unconfirmed.text)[0][0] == "f-edit_succeeds"

    published = await browser(second_admin(session)).post(f"/admin/policies/{draft.version_id}/publish",
                                                          data={"in_force": "0"})
    assert published.status_code == 303, published.text
    public = (await browser(None).get("/policy")).text
    assert f'<p id="test-successor-succeeds">本政策接续并取代<a href="#ln-2022-35">{SHIPPED}</a>。</p>' in public
    assert ('<p id="ln-2022-35-succeeded">本政策已由<a href="#test-successor">'
            '测试〔2024〕1号《（测试用）数字经济配套措施示例》</a>接续。</p>') in public
    listed = (await browser(None).get("/api/v1/policies")).json()["items"]
    assert {p["id"]: p["succeeds"] for p in listed} == {"ln-2022-35": None, "test-successor": "ln-2022-35"}
