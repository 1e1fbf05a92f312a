"""The recognition lists page (admin, departments; read by the auditor): import a list from a file, see what
was imported, withdraw one with a reason, run a failed matching again."""

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from huiqi import clock
from huiqi.catalogue import service as catalogue
from huiqi.errors import InputError
from huiqi.labels import Problem
from huiqi.models import RecognitionList
from huiqi.offers.reasons import NOT_OFFERED
from huiqi.recognition import leads, outcomes, reading, service, template
from huiqi.rules.facts import CHOICES
from huiqi.simulate.endpoints import job_sessions
from huiqi.simulate.jobs import Sessions
from huiqi.users.names import namer
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import control_reason, form_date, kept
from huiqi.web.deps import Actor, CallerDep, Db, RecordId
from huiqi.web.door import LIMITS, said_beside
from huiqi.web.excel import Table, download, download_workbook
from huiqi.web.render import page
from huiqi.web.steps import FLASH_MOST, Refusal, form_step

router = APIRouter(include_in_schema=False)
# What the import form may carry: each field's own bound (the document number's 200, a date's shape) is said on the
# form, with what was typed kept (cut to the bound); a bound here would be said on a page apart, and a date's as a
# length. The document number is kept whatever its length, as the calendar's notice is (up to the door's net): its
# 200 said beside its box. The category and the level are the selects' (a forged one is refused as such).
NET = 2000
CODE_MOST = 40
DAY_MOST = 40  # of a date box's text, what the form shows again


SHOWN_ROWS = 20  # rows of a list that made no offer shown on the page with their reasons (all in its download)


def _page(request: Request, who: CallerDep, session: Db, actor, status_code: int = 200, **context) -> Response:
    honours = {c: i.label for c, i in catalogue.codes(session).items() if i.type == "honour"}
    lists, tallies = service.listed(session, actor=actor), outcomes.tallies(session)
    unoffered = {x.id: outcomes.rows(session, x.id, limit=SHOWN_ROWS, unoffered=True) for x in lists
                 if x.id in tallies and tallies[x.id].not_offered}
    acting = actor.role in (Role.ADMIN, Role.DEPARTMENT)  # the auditor reads the page
    mine = leads.permitted(session, actor, honours) if acting else set()
    return page(request, "recognition/index.html", who, status_code=status_code,
                lists=lists, existing=service.existing(session), honours=honours,
                importable={c: label for c, label in honours.items() if c in mine},  # the categories it may import
                allowed=leads.allowed(session, actor, lists),  # its buttons: what the API's may_* say, the same rule
                levels=CHOICES["level"], tallies=tallies, unoffered=unoffered, shown_rows=SHOWN_ROWS,
                withdrawn=outcomes.withdrawn(session),
                person=namer(session),
                problems=context.pop("problems", []), values=context.pop("values", {}), **context)


def _refused(refusal: Refusal, heading: str) -> dict:
    """A form's refusal for the page: what to correct under ``heading`` (…，请修改以下内容); a refusal that is no
    mistake in what was typed (already withdrawn or imported by someone else, not permitted) titled 未能完成."""
    return {"heading": heading if refusal.problems else "未能完成", "problems": refusal.shown}


@router.get("/admin/lists", response_class=HTMLResponse)
def lists_page(request: Request, who: CallerDep, actor: Actor, session: Db) -> Response:
    return _page(request, who, session, actor)


@router.get("/admin/lists.xlsx")
def lists_download(actor: Actor, session: Db) -> Response:
    """The lists imported, as the page lists them (admin, departments, the auditor), one row per list."""
    lists = service.listed(session, actor=actor)  # refuses whom the page refuses
    honours = {c: i.label for c, i in catalogue.codes(session).items() if i.type == "honour"}
    merged, person = service.existing(session), namer(session)
    tallies = outcomes.tallies(session)
    header = ["编号", "类别", "级别", "文号", "发布日期", "行数", "其中并入已有事项", "状态", "撤回理由", "重新匹配",
              "政策直达（项）", "未产生政策直达（行）", "未产生的原因", "导入人"]
    rows = [[x.id, honours.get(x.code, x.code), CHOICES["level"].get(x.level, x.level) if x.level else None,
             x.document, x.published_on, x.rows, merged.get(x.id, 0), "有效" if x.state == "active" else "已撤回",
             x.reason if x.state != "active" else None, _matching(x),
             x.offers if x.matching == "done" else None, *_unoffered(tallies.get(x.id), x), person(x.imported_by)]
            for x in lists]
    return download(Table("认定名单", header, rows, wide={"文号", "未产生的原因"}),
                    f"认定名单-{clock.today().isoformat()}.xlsx")


def _unoffered(tally: outcomes.Tally | None, imported: RecognitionList) -> list[int | str | None]:
    """A list's rows that made no offer, and why (grouped), once matched (none said for lists imported before rows
    were kept)."""
    if tally is None or imported.matching != "done":
        return [None, None]
    return [tally.not_offered, tally.grouped or None]


@router.get("/admin/lists/template.xlsx")
def lists_template(actor: Actor, session: Db) -> Response:
    """The import's template: the columns it reads, an example row it passes over, and each column's rules."""
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, Role.AUDITOR, doing="查看认定名单")  # as the page refuses
    return download_workbook(template.workbook(session), "认定名单导入模板.xlsx")


@router.get("/admin/lists/{list_id}/rows.xlsx")
def list_rows(actor: Actor, session: Db, list_id: RecordId) -> Response:
    """Each row of one list and what it came to: the offers it made, or why none (whom the page refuses, refused)."""
    found = service.one(session, actor=actor, list_id=list_id)
    header = ["行号", "统一社会信用代码", "单位名称", "产生政策直达（项）", "未产生的原因类别", "原因"]
    rows = [[x.line, uscc, name, x.offers, NOT_OFFERED.get(x.outcome, x.outcome) if x.outcome else None, x.why]
            for x, uscc, name in outcomes.rows(session, found.id)]
    return download(Table(f"认定名单 {found.id} 逐行结果（{found.document}）", header, rows,
                          wide={"单位名称", "原因"}, sheet="逐行结果"),
                    f"认定名单{found.id}-逐行结果-{clock.today().isoformat()}.xlsx")


def _matching(imported: RecognitionList) -> str:
    """Where matching a list's applicants again stands, as the page says it."""
    if imported.matching == "done":
        return "完成"
    if imported.matching == "failed":
        return "失败"
    return f"{imported.matched}/{imported.rows}"


@router.post("/admin/lists", response_model=None)
@said_beside("document", "published_on")
def import_list(request: Request, who: CallerDep, actor: Actor, session: Db, background: BackgroundTasks,
                sessions: Annotated[Sessions, Depends(job_sessions)],
                file: Annotated[UploadFile | None, File()] = None,
                code: Annotated[str, Form(max_length=NET)] = "", level: Annotated[str, Form(max_length=NET)] = "",
                document: Annotated[str, Form()] = "", published_on: Annotated[str, Form()] = "") -> Response:
    # the document and the date have no bound here nor at the door: one too long, or with a NUL, is said beside its
    # box (``checked_document``, ``form_date``) and kept without the character (the document whole, up to the net)
    require_role(actor, Role.ADMIN, Role.DEPARTMENT, doing="导入认定名单")
    values = {"code": code, "level": level, "document": kept(document, LIMITS["form"]),
              "published_on": kept(published_on, DAY_MOST)}

    def act():
        if code in catalogue.codes(session):  # a category it may not import: refused before anything is read
            leads.require(session, actor, code, doing="导入")
        rows, problems = _read(file)
        day = _form(session, problems, code=code, level=level, document=document, published_on=published_on)
        if problems or day is None or rows is None:  # every problem at once, in the order of the form's fields
            raise InputError(sorted(problems, key=_place))
        checked = service.check(session, rows, code=code, level=level or None, published_on=day)
        return service.import_list(session, actor=actor, rows=checked, code=code, level=level or None,
                                   document=document, published_on=day)

    def again(refusal: Refusal) -> Response:
        return _page(request, who, session, actor, status_code=refusal.status_code, values=values,
                     **_refused(refusal, "未能导入"))

    def done(made: service.Imported) -> str:
        if made.list.matching == "queued":  # a long list: matched again after the answer, its progress shown
            background.add_task(service.match_list, sessions, made.list.id)
        return "/admin/lists"

    return form_step(session, act, done=done, again=again,
                     said=lambda made: made.told(FLASH_MOST))


def _read(file: UploadFile | None) -> tuple[list[list[str]] | None, list[tuple[str, str]]]:
    """The import form's file: its rows (None when there are none to read), and what is wrong with it as a whole
    (none chosen, not CSV nor Excel, unreadable, no header), said beside its field."""
    if file is None or not file.filename:
        return None, [Problem(reading.FILE, "请选择名单文件（CSV 或 Excel）", "file")]
    suffix = Path(file.filename).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return None, [Problem(reading.FILE, "只接受 CSV 或 Excel（.xlsx）文件", "file")]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"list{suffix}"
        path.write_bytes(file.file.read(20_000_000))
        try:
            rows = service.read_file(path)
        except InputError as error:
            return None, error.problems
    return rows, list(reading.table_problems(rows))


def _form(session: Db, problems: list[tuple[str, str]], *, code: str, level: str, document: str,
          published_on: str) -> date | None:
    """The import form's own fields read: its date (None when it is none); every problem with them (the category,
    the level, the document number, the date) added to ``problems``, each by the form's label, beside its field."""
    day = None
    try:
        if (why := control_reason(published_on)) is not None:
            raise InputError([("published_on", why)])
        day = form_date(published_on, "published_on")  # anything but a date is said to be none, whatever its length
    except InputError as error:
        problems += error.problems
    try:
        service.checked_document(document)
    except InputError as error:
        problems += error.problems
    if len(code) > CODE_MOST:  # not one of the select's: said so, not echoed back
        problems.append(Problem("认定类别", "请从列表中选择认定类别", "code"))
    else:
        problems += reading.form_problems(session, code=code, level=level or None, published_on=day)
    return day


def _place(problem: tuple[str, str]) -> int:
    """Where a problem's field stands on the import form (``reading.FORM_ORDER``): the summary lists them so."""
    field = problem.field if isinstance(problem, Problem) else problem[0]
    return reading.FORM_ORDER.index(field) if field in reading.FORM_ORDER else len(reading.FORM_ORDER)


@router.post("/admin/lists/{list_id}/withdraw", response_model=None)
@said_beside("reason")
def withdraw(request: Request, who: CallerDep, actor: Actor, session: Db, list_id: RecordId,
             reason: Annotated[str, Form()] = "") -> Response:
    # a reason too long, or with a NUL, is the service's to refuse beside the row's box, the reason kept
    def again(refusal: Refusal) -> Response:
        return _page(request, who, session, actor, status_code=refusal.status_code, failed=list_id,
                     reason=kept(reason, service.REASON_MOST), **_refused(refusal, "未能撤回名单"))

    return form_step(session, lambda: service.withdraw(session, actor=actor, list_id=list_id, reason=reason),
                     done="/admin/lists", again=again, said=f"认定名单 {list_id} 已撤回，相关政策直达已撤回")


@router.post("/admin/lists/{list_id}/match", response_model=None)
def match_again(request: Request, who: CallerDep, actor: Actor, session: Db, list_id: RecordId,
                background: BackgroundTasks, sessions: Annotated[Sessions, Depends(job_sessions)]) -> Response:
    """A failed matching run again from the rows not matched yet, in the background, its progress shown."""
    def again(refusal: Refusal) -> Response:
        return _page(request, who, session, actor, status_code=refusal.status_code,
                     **_refused(refusal, "未能重新匹配"))

    def done(found: RecognitionList) -> str:
        background.add_task(service.match_list, sessions, found.id)
        return "/admin/lists"

    return form_step(session, lambda: service.match_again(session, actor=actor, list_id=list_id), done=done,
                     again=again, said=f"认定名单 {list_id} 已开始重新匹配：从尚未匹配的行继续，已匹配的行保持原结果")
