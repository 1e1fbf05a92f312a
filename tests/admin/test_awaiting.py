"""The admin's home lists what waits on their check (待您核对发布): policy and whitelist drafts made by others, each
with a link to where it is checked; not one's own draft, not what is published, and nothing for other roles."""

from datetime import date
from pathlib import Path

import pytest

from huiqi.catalogue import service as catalogue
from huiqi.whitelist import service as whitelist
from tests.dbtest import second_admin

pytestmark = pytest.mark.anyio
SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"


def _awaiting(page: str) -> str:
    return page.split('id="awaiting"')[1].split("</section>")[0] if 'id="awaiting"' in page else ""


async def test_drafts_by_others_are_listed_on_the_admin_s_home_until_published(browser, session, people) -> None:
    admin2 = second_admin(session)
    draft = catalogue.add(session, actor=people.admin, text=SECOND.read_text("utf-8"), file_name="second.yaml")
    proposed = whitelist.propose(session, actor=admin2, on=date(2025, 12, 1))
    seen_by_admin2 = _awaiting((await browser(admin2).get("/review")).text)
    assert "待您核对发布（1）" in seen_by_admin2
    link = (f'<a href="/admin/policies#version-{draft.id}">'
            f"政策草稿 {draft.number}《{draft.title}》（版本 {draft.id}）</a>")
    assert link + "：系统管理员于 " in seen_by_admin2
    assert "白名单拟定稿" not in seen_by_admin2, "one's own whitelist draft is for another to publish"
    seen_by_admin = _awaiting((await browser(people.admin).get("/review")).text)
    assert "待您核对发布（1）" in seen_by_admin and "政策草稿" not in seen_by_admin
    assert f'<a href="/admin/whitelist/{proposed.id}">白名单拟定稿 #{proposed.number}（截至 2025-12-01）</a>' \
        "：第二位管理员于 " in seen_by_admin and " 拟定</li>" in seen_by_admin
    assert not _awaiting((await browser(people.finance).get("/review")).text)
    catalogue.publish(session, actor=admin2, version_id=draft.id)
    whitelist.publish(session, actor=people.admin, version_id=proposed.id, on=date(2025, 12, 2))
    for who in (admin2, people.admin):
        assert not _awaiting((await browser(who).get("/review")).text), who.username
