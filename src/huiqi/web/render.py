"""Server-rendered pages: Jinja2 templates, Chinese first, HTMX for in-place updates.

Fragment templates start with ``_``; a page includes them, and an HTMX request gets the fragment alone.
"""

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from huiqi.labels import grouping, matter_label, measure_label, policy_cited, stacking_text
from huiqi.materials.storage import file_size
from huiqi.money import signed_wan, wan, wan_or_yi
from huiqi.reference.divisions import OUTSIDE, cities, districts, place_name, region_city
from huiqi.rules.answer import STATUS_LABELS
from huiqi.rules.questions import missing_typed
from huiqi.users.scope import ROLE_LABELS
from huiqi.validation import beijing
from huiqi.web.deps import CSRF_COOKIE, Caller
from huiqi.web.steps import NOT_DONE, flashed, forget
from huiqi.workflow.states import ACTIONS, STATES

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
env = templates.env
env.filters["wan"] = wan
env.filters["signed"] = signed_wan  # a change: +50, −20 (万元)
env.filters["large"] = wan_or_yi  # sums for people: 亿元 or 万元, to two decimals
env.filters["wan_or_dash"] = lambda v: "—" if v is None else f"{wan(v)}万元"
env.filters["missing"] = missing_typed
env.filters["status"] = lambda s: STATUS_LABELS.get(s, s)
env.filters["state"] = lambda s: STATES.get(s, s)
env.filters["action"] = lambda a: ACTIONS.get(a, a)
env.filters["role"] = lambda r: ROLE_LABELS.get(r, r)


def _place(code: str | None) -> str:
    """A region for people: 沈阳市和平区, 辽宁省外, or — when none was given."""
    if not code:
        return "—"
    return "辽宁省外" if region_city(code) == OUTSIDE else (place_name(code) or code)


env.filters["city"] = env.filters["place"] = _place
env.filters["grouping"] = grouping
env.globals["matter_label"] = matter_label
env.globals["measure_label"] = measure_label


@pass_context
def _policy_cited(context: Context, policy_id: str | None) -> str:
    """A policy's document number where more than one policy is in force ('' where one is)."""
    return policy_cited(policy_id, context.get("policy_numbers") or {})


@pass_context
def _stacking(context: Context, result: Any) -> str:
    """Why 从高不重复 sets a result aside (a match result, as an object or a dict), naming the other policy."""
    get = result.get if isinstance(result, dict) else lambda name: getattr(result, name, None)
    return stacking_text(get("excluded_by"), get("excluded_by_policy"), get("policy"),
                         context.get("policy_numbers") or {})


env.globals.update(policy_cited=_policy_cited, stacking=_stacking,
                   measure_href=lambda policy_id, number: f"/policy#{policy_id}-m{number}")


def _day(d: object) -> object:
    """A date as 2026-12-05; a moment (stored in UTC) as its Beijing date, the day people there saw it happen.

    >>> _day(datetime(2026, 12, 4, 17, 30)), _day(date(2026, 12, 4)), _day(None)
    ('2026-12-05', '2026-12-04', '—')
    """
    if isinstance(d, datetime):
        return beijing(d).strftime("%Y-%m-%d")
    return d.strftime("%Y-%m-%d") if isinstance(d, date) else (d or "—")


env.filters["day"] = _day
env.filters["size"] = file_size
env.filters["moment"] = lambda d: beijing(d).strftime("%Y-%m-%d %H:%M") if isinstance(d, datetime) else (d or "—")
env.globals.update(cities=cities, districts=districts, region_city=region_city, outside_code=OUTSIDE)

# What each role finds in the navigation bar, after the public pages.
NAV = {
    "enterprise": [("/me", "本单位"), ("/applications", "我的申报")],
    "city": [("/review", "待审核"), ("/applicants", "申报单位"), ("/ratings/rectifications", "差评整改")],
    "department": [("/review", "待审核"), ("/applicants", "申报单位"), ("/offers/pending", "免申即享确认"),
                   ("/ratings/rectifications", "差评整改"), ("/announcements/manage", "公示管理"),
                   ("/admin/lists", "认定名单"), ("/growth", "成长档案"), ("/admin/calendar", "节假日日历"),
                   ("/simulate", "财政测算")],
    "finance": [("/review", "待审批"), ("/applicants", "申报单位"), ("/budgets", "预算"), ("/statistics", "统计"),
                ("/ratings/rectifications", "差评整改"), ("/simulate", "财政测算")],
    "admin": [("/review", "申报"), ("/applicants", "申报单位"), ("/announcements/manage", "公示管理"),
              ("/budgets", "预算"), ("/admin/users", "用户"), ("/admin/policies", "政策目录"),
              ("/admin/lists", "认定名单"), ("/admin/whitelist", "白名单编制"), ("/growth", "成长档案"),
              ("/admin/calendar", "节假日日历"), ("/admin/objection-contacts", "异议受理"), ("/audit", "审计链"),
              ("/statistics", "统计"), ("/simulate", "财政测算")],
    "auditor": [("/review", "全部申报"), ("/applicants", "申报单位"), ("/audit", "审计链"), ("/admin/users", "用户"),
                ("/admin/policies", "政策目录"), ("/budgets", "预算"), ("/announcements/manage", "公示管理"),
                ("/admin/whitelist", "白名单编制"), ("/admin/lists", "认定名单"),
                ("/ratings/rectifications", "差评整改"), ("/admin/calendar", "节假日日历"),
                ("/admin/objection-contacts", "异议受理"), ("/growth", "成长档案"), ("/statistics", "统计")],
    "analyst": [("/simulate", "财政测算"), ("/simulate/reforms", "改革方案"), ("/statistics", "统计")],
}
PUBLIC_NAV = [("/", "首页"), ("/policy", "政策原文"), ("/calculator", "政策计算器"), ("/rounds", "申报批次"),
              ("/direct", "免申即享"), ("/announcements", "公示"), ("/whitelist", "白名单"), ("/figures", "兑现统计"),
              ("/ratings", "好差评")]


def page(request: Request, name: str, caller: Caller, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page (or, for an HTMX request naming a fragment, that fragment) for ``caller``."""
    user = caller.seen  # not the ORM row: a refused step's rollback must not break the page that says so
    said = flashed(request) if status_code == 200 else None
    response = templates.TemplateResponse(request, name, {
        "user": user, "csrf": caller.csrf, "nav": PUBLIC_NAV, "role_nav": NAV.get(user.role, []) if user else [],
        "path": request.url.path, "flash": said.removeprefix(NOT_DONE) if said else None,
        "flash_done": not (said or "").startswith(NOT_DONE), "calendar_notice": caller.notice, "unread": caller.unread,
        "in_force": caller.in_force, "policy_numbers": {pid: number for pid, _, number in caller.in_force},
        "site": _site(), **context,
    }, status_code=status_code)
    if said is not None:
        forget(response)
    if caller.via is None and request.cookies.get(CSRF_COOKIE) != caller.csrf:
        response.set_cookie(CSRF_COOKIE, caller.csrf, httponly=True, samesite="strict", path="/",
                            secure=_secure())
    return response


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _site() -> dict[str, Any]:
    """Who runs the site and how to reach them, and whether it sends e-mail (settings, shown in every page's
    footer: the e-mail subscription is offered only where mail goes out)."""
    from huiqi.config import get_settings

    settings = get_settings()
    return {"organizer": settings.organizer, "contact": settings.contact, "mail": bool(settings.smtp_host)}


def _secure() -> bool:
    from huiqi.config import get_settings

    return get_settings().secure_cookies
