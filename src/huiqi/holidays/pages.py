"""The calendar page: which years are covered, a year's days, and (for admins) entering a year from its notice."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from huiqi import clock
from huiqi.errors import InputError
from huiqi.holidays import service
from huiqi.holidays.service import KIND_LABELS
from huiqi.labels import labelled
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import QueryWhole, Year, control_reason, kept
from huiqi.web.deps import Actor, CallerDep, Db
from huiqi.web.door import LIMITS, said_beside
from huiqi.web.excel import Table, download
from huiqi.web.render import page
from huiqi.web.steps import Refusal, form_step

router = APIRouter(include_in_schema=False)
READERS = (Role.ADMIN, Role.DEPARTMENT, Role.FINANCE, Role.AUDITOR)
FIELDS = {"source": "通知文号或标题", "lines": "日期清单"}  # as the form calls them
# What the form shows again of a box is at most the door's net: the bounds themselves (the service's 200 for the source)
# are said beside each box, with what was typed kept; a bound here would be said on a page apart.
NET = LIMITS["form"]
LINES_MOST = 20_000


def _page(request: Request, who: CallerDep, session: Db, shown: int, status_code: int = 200, **context) -> Response:
    calendar = service.calendar_of(session)
    days, source = service.year(session, shown)
    return page(request, "holidays/index.html", who, status_code=status_code, calendar=calendar, shown=shown,
                days=days, source=source, kinds=KIND_LABELS, warning=service.notice(session, clock.today()),
                values=context.pop("values", {}), problems=context.pop("problems", []),
                seen=service.seen_of(session), entered=service.entered_years(session), **context)


@router.get("/admin/calendar", response_class=HTMLResponse)
def calendar_page(request: Request, who: CallerDep, actor: Actor, session: Db,
                  year: Annotated[Year | None, QueryWhole, Query()] = None) -> Response:
    require_role(actor, *READERS, doing="查看节假日日历")
    return _page(request, who, session, year or service.calendar_of(session).last_day.year)


@router.get("/admin/calendar.xlsx")
def export(actor: Actor, session: Db, year: Annotated[Year | None, QueryWhole, Query()] = None) -> Response:
    """The year the page shows as Excel: each named day, its kind and the notice it comes from."""
    require_role(actor, *READERS, doing="导出节假日日历")
    shown = year or service.calendar_of(session).last_day.year
    days, _ = service.year(session, shown)
    return download(calendar_table(shown, days), f"节假日日历-{shown}.xlsx")


WEEKDAYS = "一二三四五六日"


def calendar_table(year: int, days: list[service.Entry]) -> Table:
    """A year's holidays and make-up working days as a sheet (a year not covered: its title says so)."""
    rows = [(d.day, f"星期{WEEKDAYS[d.day.weekday()]}", KIND_LABELS[d.kind], d.name, d.source) for d in days]
    title = f"{year} 年节假日安排" + ("" if days else "（尚未录入）")
    return Table(title, ("日期", "星期", "类别", "名称", "来源"), rows, wide={"来源"})


@router.post("/admin/calendar", response_model=None)
@said_beside("source", "lines")
def enter_year(request: Request, who: CallerDep, actor: Actor, session: Db,
               source: Annotated[str, Form()] = "", lines: Annotated[str, Form()] = "",
               seen: Annotated[str | None, Form(max_length=2000)] = None) -> Response:
    """A year from its notice, typed or pasted as lines ``日期,类别,名称`` (or ``date,kind,name``) under that header.
    Neither box has a bound here nor at the door: one too long, or with a NUL, is said beside it, the text kept.
    ``seen`` is the calendar as the page showed it: a year another admin entered since is a 409 saying what it now
    holds; the page shown again then shows that year and carries the calendar as it is, so entering again replaces it
    knowingly (the trail keeps what it held)."""
    require_role(actor, Role.ADMIN, doing="录入节假日安排")
    entered: list[int] = []
    tried: list[int] = []

    def act() -> None:
        if len(lines) > LINES_MOST:
            raise InputError([("lines", f"不能超过 {LINES_MOST} 个字（现为 {len(lines)} 个字）：一年的安排只有几十行")])
        if (why := control_reason(lines)) is not None:
            raise InputError([("lines", why)])
        entries = service.read_text(lines, "lines")
        tried.append(service.main_year(entries))
        entered.extend(service.enter(session, actor=actor, entries=entries, source=source, seen=seen))

    def again(refusal: Refusal) -> Response:
        problems = labelled(refusal.problems, own=FIELDS) or refusal.shown
        shown = tried[-1] if tried and refusal.status_code == 409 else clock.today().year
        return _page(request, who, session, shown, status_code=refusal.status_code,
                     problems=problems, values={"source": kept(source, NET), "lines": kept(lines, NET)})

    return form_step(session, act, done=lambda _: f"/admin/calendar?year={entered[-1]}", again=again,
                     said="节假日安排已录入，公示期将按新日历计算")
