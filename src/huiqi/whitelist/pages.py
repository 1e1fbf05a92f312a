"""The whitelist desk: propose a version from the records, leave enterprises out with a reason or restore them, read
the changes against the version published before and who was passed over, publish. (The public list and its download
are in huiqi.public.pages.)"""

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from huiqi import clock
from huiqi.applicants import standing
from huiqi.errors import Forbidden, HuiqiError, InputError, NotFound
from huiqi.models import User, WhitelistEntry, WhitelistVersion
from huiqi.reference import divisions, industries
from huiqi.users.names import namer
from huiqi.validation import kept
from huiqi.web.deps import Actor, CallerDep, Db, RecordId
from huiqi.web.door import said_beside
from huiqi.web.render import is_htmx, page
from huiqi.web.steps import Refusal, form_step
from huiqi.whitelist import basis, repository, review, service

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/admin/whitelist", response_class=HTMLResponse)
def desk(request: Request, who: CallerDep, actor: Actor, session: Db) -> Response:
    """The desk of those who prepare the list (the public's list is /whitelist)."""
    if not service.sees_drafts(actor):
        raise Forbidden("白名单编制只供管理员、审计人员和责任单位使用；公布的白名单见“白名单”页面")
    return page(request, "whitelist/desk.html", who, versions=service.versions(session, actor=actor),
                person=namer(session), **_basis(session, actor))


def _basis(session: Session, actor: User) -> dict[str, Any]:
    """What the desk says of the list's grounds and who compiles it, as of today: the criteria in force, why no
    version may be compiled (the serving measure expired), each version's recorded basis."""
    today = clock.today()
    return {"compiles": service.may_compile(session, actor, today), "criteria": service.criteria(session, today),
            "closed": service.closed(session, today), "standing": standing.MET, "today": today,
            "grounds": lambda version: basis.said(session, version, today), "called": service.called}


@router.post("/admin/whitelist", response_model=None)
@said_beside("note")
def propose(request: Request, who: CallerDep, actor: Actor, session: Db, note: Annotated[str, Form()] = "") -> Response:
    # a note too long, or with a NUL, is the service's to refuse (the door leaves it): the form keeps it, cut short
    def again(refusal: Refusal) -> Response:
        return page(request, "whitelist/desk.html", who, status_code=refusal.status_code, error=refusal.message,
                    problems=refusal.problems, versions=service.versions(session, actor=actor),
                    note=kept(note, service.NOTE_MOST), person=namer(session),
                    **_basis(session, actor))

    return form_step(session, lambda: service.propose(session, actor=actor, on=clock.today(),
                                                      note=note.strip() or None),
                     done=lambda version: f"/admin/whitelist/{version.id}", again=again,
                     said="白名单草稿已生成，请核对后发布")


def _version_page(request: Request, who: CallerDep, session: Db, actor, version_id: int, status_code: int = 200,
                  **context) -> Response:
    version = service.read(session, version_id=version_id, actor=actor)
    today = clock.today()
    return page(request, "whitelist/version.html", who, status_code=status_code, version=version, person=namer(session),
                regions=divisions.divisions(), classes=industries.industries(),
                compiles=service.may_compile(session, actor, today), changes=review.changes(session, version),
                grounds=basis.said(session, version, today), called=service.called,
                edition=repository.next_edition(session), **context)


@router.get("/admin/whitelist/{version_id}", response_class=HTMLResponse)
def version_page(request: Request, who: CallerDep, actor: Actor, session: Db, version_id: RecordId) -> Response:
    return _version_page(request, who, session, actor, version_id)


@router.post("/admin/whitelist/entries/{entry_id}/exclude", response_model=None)
@said_beside("reason")
def exclude(request: Request, who: CallerDep, actor: Actor, session: Db, entry_id: RecordId,
            reason: Annotated[str, Form()] = "") -> Response:
    """Leave one enterprise out; an HTMX request gets the row back, a plain form the whole page (a reason past
    500 characters, or with a NUL, is the service's to refuse: said beside the field, the reason kept)."""
    return _entry_step(request, who, actor, session, entry_id, lambda: service.exclude(
        session, actor=actor, entry_id=entry_id, reason=reason, on=clock.today()), said="已移出",
        reason=kept(reason, service.NOTE_MOST))


@router.post("/admin/whitelist/entries/{entry_id}/restore", response_model=None)
def restore(request: Request, who: CallerDep, actor: Actor, session: Db, entry_id: RecordId) -> Response:
    """Undo a removal from the draft (恢复): in place for HTMX, else back to the version at the row."""
    return _entry_step(request, who, actor, session, entry_id, lambda: service.restore(
        session, actor=actor, entry_id=entry_id, on=clock.today()), said="已恢复列入")


def _entry_step(request: Request, who: CallerDep, actor: User, session: Session, entry_id: int,
                act: Callable[[], WhitelistEntry], said: str, reason: str = "") -> Response:
    """A step on one entry: an HTMX request gets the row back (its control focused, so the keyboard stays on the row)
    with the counts above the table; a plain form the version, at the row. A refusal is said in the row (HTMX) or
    on the version, beside the reason's field (a 403 or 404 stays one)."""
    try:
        entry = act()
    except HuiqiError as error:
        session.rollback()
        if error.status_code in (403, 404):
            raise
        version_id = repository.entry(session, entry_id).version_id
        settled = not _editable(session, actor, service.read(session, version_id=version_id, actor=actor))
        if not is_htmx(request) or settled:  # the version again, the refusal said beside the row's field
            refusal = Refusal.of(error)
            shown = _version_page(request, who, session, actor, version_id, status_code=refusal.status_code,
                                  error=refusal.message, problems=refusal.problems, failed=entry_id, reason=reason)
            if is_htmx(request):  # published or discarded meanwhile: every row, the heading and counts read-only
                shown.headers.update({"HX-Retarget": "#main", "HX-Reselect": "#main", "HX-Reswap": "outerHTML"})
            return shown
        row_error = "；".join(why for _, why in error.problems) if isinstance(error, InputError) else error.message
        return _row(request, who, session, actor, repository.entry(session, entry_id, fresh=True),
                    status_code=error.status_code, row_error=row_error)
    session.commit()
    if is_htmx(request):  # the row, and the counts above the table with what was done
        return _row(request, who, session, actor, entry, said=f"{said}：{entry.name or entry.uscc}",
                    person=namer(session))
    return RedirectResponse(f"/admin/whitelist/{entry.version_id}#entry-{entry.id}", status_code=303)


def _row(request: Request, who: CallerDep, session: Session, actor: User, entry: WhitelistEntry | None,
         status_code: int = 200, **context: Any) -> Response:
    """One entry's row as the version page shows it, its first control taking the focus (``data-focus``)."""
    if entry is None:
        raise NotFound("没有这个白名单条目")
    version = service.read(session, version_id=entry.version_id, actor=actor)
    return page(request, "whitelist/_entry.html", who, status_code=status_code, e=entry,
                editable=_editable(session, actor, version), focus=True,
                regions=divisions.divisions(), classes=industries.industries(), version=version,
                changes=review.changes(session, version), **context)


def _editable(session: Session, actor: User, version: WhitelistVersion) -> bool:
    """Whether the version's rows take a removal or a restoring from ``actor``: a draft, and one who compiles."""
    return version.state == "proposed" and service.may_compile(session, actor, clock.today())


@router.post("/admin/whitelist/{version_id}/publish", response_model=None)
def publish(request: Request, who: CallerDep, actor: Actor, session: Db, version_id: RecordId) -> Response:
    return _version_step(request, who, session, actor, version_id, service.publish,
                         said="白名单已发布，公众现在可以查看和下载")


@router.post("/admin/whitelist/{version_id}/discard", response_model=None)
def discard(request: Request, who: CallerDep, actor: Actor, session: Db, version_id: RecordId) -> Response:
    return _version_step(request, who, session, actor, version_id, service.discard,
                         said="草稿已作废，可以按当前档案重新拟定")


def _version_step(request: Request, who: Any, session: Session, actor: User, version_id: int,
                  act: Callable[..., Any], said: str) -> Response:
    """A step on a whole version (publish, discard): back to its page with ``said``, or with the refusal on it (a
    403 stays a 403)."""
    def again(refusal: Refusal) -> Response:
        if refusal.status_code == 403:
            raise Forbidden(refusal.message)
        return _version_page(request, who, session, actor, version_id, status_code=refusal.status_code,
                             error=refusal.message)

    return form_step(session, lambda: act(session, actor=actor, version_id=version_id, on=clock.today()),
                     done=f"/admin/whitelist/{version_id}", again=again, said=said)


@router.get("/admin/whitelist/{version_id}/export.xlsx")
def download(version_id: RecordId, actor: Actor, session: Db) -> FileResponse:
    """Any version the actor may read, drafts included (marked 待发布 in the title row): every entry with its state,
    its removal's reason and its change against the previous version, and who was passed over, with why (the
    public download lists the included ones alone)."""
    found = service.read(session, version_id=version_id, actor=actor)
    folder = Path(tempfile.mkdtemp(prefix="huiqi-whitelist-"))
    path = service.export_xlsx(session, version_id=version_id, actor=actor, path=folder / "whitelist.xlsx",
                               reviewed=True)
    label = f"第{found.edition}版" if found.edition else f"拟定稿{found.number}"
    return FileResponse(path, filename=f"白名单-{label}（审核用）.xlsx", media_type=XLSX,
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))
