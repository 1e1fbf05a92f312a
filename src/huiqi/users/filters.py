"""Narrowing the list of users: by a word (part of the login name, the display name, or what the account is bound
to: a credit code, the enterprise's name, a city, a responsible unit), a role, and enabled or disabled; the same on
the admin's page, its Excel export and the API. A wrong value is named by its Chinese label."""

from dataclasses import dataclass
from urllib.parse import urlencode

from huiqi.errors import InputError
from huiqi.users.roles import PEOPLE
from huiqi.validation import control_reason, keyword

MOST_TEXT = 50
STATUSES = {"enabled": "启用", "disabled": "停用"}  # in the address, as people read them


@dataclass(frozen=True)
class UserFilters:
    text: str | None = None
    role: str | None = None
    status: str | None = None  # a key of STATUSES

    @property
    def active(self) -> bool | None:
        """The accounts' ``active`` the status asks for (None: either)."""
        return None if self.status is None else self.status == "enabled"

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.text, self.role, self.status))

    def params(self) -> dict[str, str]:
        """The filters as the page's query string carries them (for the export, the next page, the forms)."""
        found = {"q": self.text, "role": self.role, "status": self.status}
        return {k: v for k, v in found.items() if v}

    def query_string(self, **more: str | None) -> str:
        """``?q=…&role=…`` with ``more`` (such as the page), or nothing when there is nothing to carry.

        >>> UserFilters("沈阳", status="enabled").query_string(page="2")
        '?q=%E6%B2%88%E9%98%B3&status=enabled&page=2'
        >>> UserFilters().query_string(page=None)
        ''
        """
        given = {**self.params(), **{k: v for k, v in more.items() if v}}
        return f"?{urlencode(given)}" if given else ""


def read(text: str | None = None, role: str | None = None, status: str | None = None) -> UserFilters:
    """Filters from what a form or a query string gave (blank is no filter)."""
    problems = []
    text = keyword(text or "") or None  # full-width letters and digits as an input method types them
    if text is not None and len(text) > MOST_TEXT:
        problems.append(("关键词", f"不能超过 {MOST_TEXT} 个字"))
    elif text is not None and (why := control_reason(text)) is not None:
        problems.append(("关键词", why))
    role = (role or "").strip() or None
    if role is not None and role not in PEOPLE:
        problems.append(("角色", "请从列表中选择"))
    status = (status or "").strip() or None
    if status is not None and status not in STATUSES:
        problems.append(("状态", "请从列表中选择（启用或停用）"))
    if problems:
        raise InputError(problems)
    return UserFilters(text, role, status)
