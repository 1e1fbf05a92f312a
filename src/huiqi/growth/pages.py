"""The growth files' pages (成长档案, measure 3): the cultivated enterprises the caller may see, with their latest
figures and an Excel export; one enterprise's file, its figures year by year as a chart and a table, its
recognitions and grants, and a form for a year's figures (in 万元) for the enterprise, measure 3's lead unit and
admins."""

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from huiqi.errors import InputError
from huiqi.growth import service
from huiqi.growth.schemas import MAX_EMPLOYEES, Figures
from huiqi.labels import Problem
from huiqi.money import MINUS, parse_wan, wan
from huiqi.public.service import measure_titles
from huiqi.reference.divisions import place_name
from huiqi.users.roles import Role
from huiqi.validation import FIGURE_SHOWN, ascii_digits, collect, control_reason, digits, kept
from huiqi.web.deps import Actor, CallerDep, Db
from huiqi.web.door import said_beside
from huiqi.web.excel import Table, download
from huiqi.web.render import page
from huiqi.web.steps import Refusal, form_step

router = APIRouter(include_in_schema=False)
FIELDS = {"year": "年度", "revenue": "营业收入", "rnd_spending": "研发投入", "profit": "利润总额",
          "employees": "从业人数"}


@router.get("/growth", response_class=HTMLResponse, response_model=None)
def listing(request: Request, who: CallerDep, actor: Actor, session: Db) -> Response:
    if actor.role == Role.ENTERPRISE and actor.uscc:
        return RedirectResponse(f"/growth/{actor.uscc}", status_code=303)
    return page(request, "growth/index.html", who, rows=service.overview(session, actor=actor), place=place_name,
                keeper=service.keeper(session))


@router.get("/growth.xlsx")
def export(actor: Actor, session: Db) -> Response:
    rows = [[r.uscc, r.name or "", place_name(r.region) or "",
             "；".join(f"{x.label}（{x.date or '日期未填'}）" for x in r.recognitions),
             r.latest.year if r.latest else None, r.latest.revenue if r.latest else None,
             r.latest.rnd_spending if r.latest else None, r.latest.profit if r.latest else None,
             r.latest.employees if r.latest else None, _percent(r.growth), r.granted]
            for r in service.overview(session, actor=actor)]
    header = ["统一社会信用代码", "单位名称", "所在地", "培育认定", "最近年度", "营业收入", "研发投入", "利润总额",
              "从业人数", "营业收入增长", "获批支持"]
    return download(Table("成长档案", header, rows, money={"营业收入", "研发投入", "利润总额", "获批支持"}),
                    "成长档案.xlsx")


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def _file(request: Request, who: CallerDep, session: Db, actor, uscc: str, status_code: int = 200,
          **context) -> Response:
    file = service.growth_file(session, actor=actor, uscc=uscc)
    figures = file.figures
    chart = {"title": "营业收入与研发投入（万元）", "labels": [str(f.year) for f in figures],
             "series": [{"name": "营业收入", "data": [_wan(f.revenue) for f in figures]},
                        {"name": "研发投入", "data": [_wan(f.rnd_spending) for f in figures]}]}
    return page(request, "growth/file.html", who, status_code=status_code, file=file, rows=_rows(figures),
                charts=json.dumps([chart], ensure_ascii=False), may_write=service.may_write(session, actor, uscc),
                titles=measure_titles(session),
                growth=_percent(service.revenue_growth(figures)), values=context.pop("values", {}),
                first_year=service.FIRST_YEAR, last_year=service.last_year(), most_employees=MAX_EMPLOYEES,
                problems=context.pop("problems", []), **context)


def _wan(amount: int | None) -> float | None:
    return None if amount is None else float(wan(amount))


def _rows(figures: list[Figures]) -> list[dict]:
    """Each year's figures with its revenue growth over the year before and its R&D intensity."""
    found, before = [], None
    for f in figures:
        found.append({"figures": f, "growth": _percent(service.revenue_growth([before, f]) if before else None),
                      "intensity": _percent(f.rnd_spending / f.revenue) if f.revenue and f.rnd_spending is not None
                      else ""})
        before = f
    return found


@router.get("/growth/{uscc}/figures.xlsx")
def file_export(actor: Actor, session: Db, uscc: str) -> Response:
    """One enterprise's yearly figures as the file page shows them, with growth and R&D intensity."""
    if len(uscc) != 18:
        raise InputError([("统一社会信用代码", "应为 18 位")])
    file = service.growth_file(session, actor=actor, uscc=uscc)
    rows = [[r["figures"].year, r["figures"].revenue, r["growth"], r["figures"].rnd_spending, r["intensity"],
             r["figures"].profit, r["figures"].employees] for r in _rows(file.figures)]
    header = ["年度", "营业收入", "较上年", "研发投入", "研发投入占收入", "利润总额", "从业人数"]
    return download(Table(f"成长档案：{file.name or uscc}", header, rows, money={"营业收入", "研发投入", "利润总额"}),
                    f"成长档案-{file.name or uscc}.xlsx")


@router.get("/growth/{uscc}", response_class=HTMLResponse)
def growth_file(request: Request, who: CallerDep, actor: Actor, session: Db, uscc: str) -> Response:
    if len(uscc) != 18:
        raise InputError([("统一社会信用代码", "应为 18 位")])
    return _file(request, who, session, actor, uscc)


def _amount(field: str, text: str, *, signed: bool = False) -> int | None:
    text = text.strip()
    if not text:
        return None
    negative = signed and text.startswith(MINUS)  # as typed: -, － or −
    value = parse_wan(text[1:] if negative else text, field)
    return -value if negative else value


@router.post("/growth/{uscc}/figures", response_model=None)
@said_beside(*FIELDS)
def record(request: Request, who: CallerDep, actor: Actor, session: Db, uscc: str,
           year: Annotated[str, Form()] = "", revenue: Annotated[str, Form()] = "",
           rnd_spending: Annotated[str, Form()] = "", profit: Annotated[str, Form()] = "",
           employees: Annotated[str, Form()] = "") -> Response:
    """A year's figures; a box forged with a control character, or far past its bound, is said beside it with the
    rest of the form's mistakes, each box shown again as typed without the character."""
    if len(uscc) != 18:
        raise InputError([("统一社会信用代码", "应为 18 位")])
    values = {"year": year, "revenue": revenue, "rnd_spending": rnd_spending, "profit": profit,
              "employees": employees}

    def act():
        service.require_keeper(session, actor, uscc)  # who may not keep the file is told so, whatever the form holds
        typed_year, people = ascii_digits(year), ascii_digits(employees)
        problems: list[tuple[str, str]] = []  # every mistake of the form at once
        if not (digits(typed_year) and len(typed_year) == 4):  # a control character: said as such
            problems.append(("year", control_reason(year) or "请填写四位数年份，如 2025"))
        elif wrong := service.year_problem(int(typed_year)):
            problems.append(("year", wrong))
        amounts = {"revenue": collect(problems, _amount, "revenue", revenue),
                   "rnd_spending": collect(problems, _amount, "rnd_spending", rnd_spending),
                   "profit": collect(problems, _amount, "profit", profit, signed=True)}
        if people and (not digits(people) or len(people) > len(str(MAX_EMPLOYEES))
                       or service.employees_problem(int(people))):
            problems.append(("employees", control_reason(people) or service.EMPLOYEES_SAID))
        if problems:
            raise InputError(problems)
        return service.record_figures(session, actor=actor, uscc=uscc, year=int(typed_year), **amounts,
                                      employees=int(people) if people else None)

    def again(refusal: Refusal) -> Response:
        problems = [Problem(FIELDS.get(getattr(p, "field", ""), p[0]), p[1], getattr(p, "field", ""))
                    for p in refusal.problems] or refusal.shown
        return _file(request, who, session, actor, uscc, status_code=refusal.status_code,
                     values={k: kept(v, FIGURE_SHOWN) for k, v in values.items()}, problems=problems)

    return form_step(session, act, done=f"/growth/{uscc}#figures", again=again,
                     said=f"{ascii_digits(year)} 年度的经营数据已保存")
