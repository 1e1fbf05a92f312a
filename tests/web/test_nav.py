"""The menu: every entry of each role's menu opens for that role (the auditor's, then the admin's, lacked pages
it may read)."""

import re

import pytest

from huiqi.users.roles import WAY_IN
from huiqi.web.render import NAV

pytestmark = pytest.mark.anyio
PERSONA = {"enterprise": "alice", "city": "shenyang", "department": "miit", "finance": "finance", "admin": "admin",
           "auditor": "auditor", "analyst": "analyst"}


@pytest.mark.parametrize("role", sorted(PERSONA))
async def test_every_menu_entry_opens_for_its_role(browser, people, role) -> None:
    client = browser(getattr(people, PERSONA[role]))
    for path, label in NAV[role]:
        response = await client.get(path)
        assert response.status_code == 200, (role, path, label)
    shown = (await client.get("/")).text
    assert all(f'href="{path}"' in shown for path, _ in NAV[role])


def test_the_auditor_reaches_every_page_it_may_read() -> None:
    listed = {path for path, _ in NAV["auditor"]}
    assert {"/budgets", "/announcements/manage", "/admin/whitelist", "/admin/lists", "/ratings/rectifications",
            "/admin/calendar", "/admin/policies", "/audit"} <= listed


def test_the_admin_reaches_the_budgets_and_the_announcements_it_may_read() -> None:
    """预算 and 公示管理 open for the admin (the test above) but were missing from its menu."""
    listed = [path for path, _ in NAV["admin"]]
    assert {"/budgets", "/announcements/manage"} <= set(listed) and len(listed) == len(set(listed))


def test_each_roles_way_in_names_entries_of_its_own_menu() -> None:
    """A page refused to a role (“本单位”, the applications' list to an analyst) says where its own work starts, by the
    names of its menu: a name not there would send it looking for what it has not got (the analyst's 待审核)."""
    for role in PERSONA:
        named = re.findall(r"“([^”]+)”", WAY_IN[role])
        assert named and set(named) <= {label for _, label in NAV[role]}, role
