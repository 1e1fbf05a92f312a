"""The admin's policy catalogue page: every version with its state, a draft uploaded or pasted and checked
line by line, publication by a second admin, withdrawal with a reason; each version's dated parameters and
units over time. The auditor reads the same page, each version's text and its comparison, without the forms."""

import json
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from huiqi import clock
from huiqi.admin import exports, service
from huiqi.admin.schemas import PolicyFileRead
from huiqi.catalogue import MAX_BYTES, succession
from huiqi.catalogue import service as catalogue
from huiqi.errors import Conflict, InputError
from huiqi.labels import Problem, Refused, measure_label
from huiqi.models import PolicyVersion, User
from huiqi.money import wan
from huiqi.users.names import namer
from huiqi.users.roles import Role
from huiqi.users.scope import require_role
from huiqi.validation import kept
from huiqi.web.deps import Actor, CallerDep, Db, RecordId, role_first
from huiqi.web.door import said_beside
from huiqi.web.excel import download, download_workbook
from huiqi.web.limits import POLICY_FORM_BYTES
from huiqi.web.render import page
from huiqi.web.steps import Refusal, form_step, partly, shown_back

router = APIRouter(include_in_schema=False)
# A pasted or edited policy file is one form field: one past its bound reaches the form, which says so beside its box
# (a form field is otherwise held to 1 MB before any handler runs, and refused on a page apart).
POLICY_FORM_LIMITS = {"max_part_size": POLICY_FORM_BYTES}
SUCCEEDS_SHOWN = 40  # what a refused form keeps of its 接续的政策 (a policy id, at most 40 characters)


def _page(request: Request, who: CallerDep, session: Db, actor, status_code: int = 200, **context) -> Response:
    require_role(actor, Role.ADMIN, Role.AUDITOR, doing="查看政策目录")  # the auditor reads it without the forms
    files = service.policy_files(session, actor=actor)
    # each publish form carries the version in force it was shown against (0: none), so a publication made
    # meanwhile by another admin is a 409, not silently replaced
    current = {f.id: f.version_id for f in files if f.state == "published"}
    return page(request, "admin/policies.html", who, status_code=status_code, files=files, current=current,
                predecessors=succession.predecessors(session), predecessor_links=_predecessor_links(files),
                kinds=exports.KINDS, person=namer(session), changes=actor.role == Role.ADMIN,
                left_behind=catalogue.left_behind(session),
                drafts=service.draft_texts(session, actor=actor) if actor.role == Role.ADMIN else {},
                problems=context.pop("problems", []), values=context.pop("values", {}), **context)


def _predecessor_links(files: list[PolicyFileRead]) -> dict[str, str]:
    """Where each policy a successor may name is read: its text on the public policy page while it is in force,
    else its latest version in this catalogue."""
    links = {f.id: f"/admin/policies#version-{f.version_id}" for f in files if f.id and f.published_by}
    return links | {f.id: f"/policy#{f.id}" for f in files if f.id and f.state == "published"}


def _again(request: Request, who: CallerDep, session: Db, actor, values: dict, boxes: dict[str, str] | None = None):
    """The catalogue again after a refusal, with what was typed (``values``, read when the refusal is shown: an
    uploaded file's text is put there once read) and each mistake beside its box (``boxes``: the service's Chinese
    field names, 政策文件, to the form's own)."""
    def again(refusal: Refusal) -> Response:
        return _page(request, who, session, actor, status_code=refusal.status_code, values=values,
                     problems=[_boxed(p, boxes or {}) for p in refusal.shown])
    return again


def _boxed(problem: tuple[str, str], boxes: dict[str, str]) -> tuple[str, str]:
    """A mistake in a box the service names in Chinese (政策文件), tied to the form's own box (its text area)."""
    if isinstance(problem, Refused) or problem[0] not in boxes:
        return problem
    return Problem(problem[0], problem[1], boxes[problem[0]])


def _read_text(file: UploadFile | None, pasted: str, values: dict) -> tuple[str, str]:
    """The draft's text and file name, from the uploaded file or else the pasted text. An uploaded file's text goes
    into ``values`` (what the form shows again if it is refused), so that the line a mistake names can be mended in
    the box; a file past the bound is refused unread (only its name is kept)."""
    if file is None or not file.filename:
        return pasted, ""
    values["file_name"] = file.filename[:200]
    raw = file.file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise InputError([("政策文件", catalogue.too_large(file.size or len(raw)))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([("政策文件", "文件不是 UTF-8 编码的文本：请用 UTF-8 另存后再上传")]) from None
    values.update(text=text, uploaded=file.filename[:200])
    return text, file.filename


@router.get("/admin/policies", response_class=HTMLResponse)
def policies_page(request: Request, who: CallerDep, actor: Actor, session: Db,
                  base: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None) -> Response:
    """The catalogue; with ``base``, that version's text fills a form: a draft's own edit form, else the new
    draft's, so the officer edits the text instead of pasting it whole again."""
    if base is None:
        return _page(request, who, session, actor)
    require_role(actor, Role.ADMIN, doing="起草政策版本")  # the text fills a draft's form
    row = _stored(actor, session, base)
    if row.state == "draft":
        return _page(request, who, session, actor, values={"edit": row.id, "edit_text": row.text})
    return _page(request, who, session, actor, values={"text": row.text, "file_name": row.file_name, "base": row.id,
                                                       "succeeds": service.version(row).succeeds or ""})


def _stored(actor: User, session: Db, version_id: int) -> PolicyVersion:
    """A version, drafts too: for the admin who changes the catalogue and the auditor who reads it."""
    return catalogue.get(session, version_id, actor=actor)


@router.get("/admin/policies/{version_id}/text", response_class=HTMLResponse)
def text_page(request: Request, who: CallerDep, actor: Actor, session: Db, version_id: RecordId) -> Response:
    """The version's stored YAML as it was uploaded, to read."""
    row = _stored(actor, session, version_id)
    return page(request, "admin/policy_text.html", who, row=row, state=catalogue.state_of(session, row),
                lines=len(row.text.splitlines()), changes=actor.role == Role.ADMIN)


@router.get("/admin/policies/{version_id}/download")
def text_download(actor: Actor, session: Db, version_id: RecordId) -> Response:
    """The version's stored YAML as a file, named after the uploaded one (``版本N-`` before it)."""
    row = _stored(actor, session, version_id)
    stem = row.file_name.rsplit(".", 1)[0] if row.file_name.lower().endswith((".yaml", ".yml")) else row.file_name
    return Response(row.text.encode("utf-8"), media_type="application/yaml; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename=\"policy-version-{row.id}.yaml\"; "
                               f"filename*=UTF-8''{quote(f'版本{row.id}-{stem}.yaml', safe='')}",
        "X-Content-Type-Options": "nosniff"})


@router.post("/admin/policies", response_model=None, form_limits=POLICY_FORM_LIMITS,
             dependencies=role_first(Role.ADMIN, doing="起草政策版本"))
@said_beside("text", "file_name", "succeeds")
def draft(request: Request, who: CallerDep, actor: Actor, session: Db,
          file: Annotated[UploadFile | None, File()] = None,
          text: Annotated[str, Form(max_length=POLICY_FORM_BYTES)] = "",
          file_name: Annotated[str, Form()] = "", succeeds: Annotated[str, Form()] = "") -> Response:
    # the text and the file name are the service's to refuse beside their boxes (a NUL, a name too long): the form
    # shows them again without the character, the name cut to its bound; so is 接续的政策, one the list does not
    # offer said beside it as not in the catalogue
    require_role(actor, Role.ADMIN, doing="起草政策版本")
    values = {"text": kept(text, POLICY_FORM_BYTES), "file_name": kept(file_name, catalogue.FILE_NAME_MOST),
              "succeeds": kept(succeeds, SUCCEEDS_SHOWN)}

    def act():
        body, name = _read_text(file, text, values)
        row = catalogue.add(session, actor=actor, text=body, file_name=name or file_name or "policy.yaml",
                            succeeds=succeeds.strip())
        return row.id, catalogue.situations_of(session, row), catalogue.warnings_of(session, row)

    return form_step(session, act, done=lambda made: f"/admin/policies#version-{made[0]}",
                     again=_again(request, who, session, actor, values,
                                  {"政策文件": "text", "文件名": "file_name", succession.FIELD: "succeeds"}),
                     said=lambda made: _checked("草稿已保存", *made))


def _checked(done: str, version_id: int, situations: tuple[int, list[str]], doubtful: list[str]) -> str:
    """What saving a draft says: checked and its situations passed, or which of them fail (said without the ✓); a
    value its clause does not state (``doubtful``) is said too, to be checked (saved all the same, without the ✓)."""
    count, failing = situations
    check = (f"另有 {len(doubtful)} 处请核对（见版本 {version_id} 下的说明）：{_short(doubtful[0])}"
             if doubtful else "")
    if failing:
        # the flash is short: what to do first, then the first failure (the version's section lists them all)
        return partly(f"{done}（版本 {version_id}），文件格式校验通过，但自带的测试情形未通过 {len(failing)} 处，"
                      f"改正后才能发布（见版本 {version_id} 下的说明）。{failing[0]}" + (f"。{check}" if check else ""))
    if doubtful:
        return partly(f"{done}（版本 {version_id}），文件格式校验与 {count} 个测试情形均已通过；{check}")
    return f"{done}（版本 {version_id}），文件格式校验与 {count} 个测试情形均已通过；请由另一位管理员核对后发布"


def _short(warning: str) -> str:
    """A warning without its file name and line (the flash names the version): 措施3 参数「…」：150万元不见于….

    >>> _short("ln.yaml:140: 措施3 参数「上限」第 1 个取值的值：150万元不见于措施3的条款原文")
    '第 140 行 措施3 参数「上限」第 1 个取值的值：150万元不见于措施3的条款原文'
    """
    name, _, rest = warning.partition(": ")
    line = name.rsplit(":", 1)[-1]
    return f"第 {line} 行 {rest}" if rest and line.isdigit() else warning


@router.post("/admin/policies/{version_id}/edit", response_model=None, form_limits=POLICY_FORM_LIMITS,
             dependencies=role_first(Role.ADMIN, doing="修改政策草稿"))
@said_beside("text", "succeeds")
def edit(request: Request, who: CallerDep, actor: Actor, session: Db, version_id: RecordId,
         text: Annotated[str, Form(max_length=POLICY_FORM_BYTES)] = "",
         succeeds: Annotated[str, Form()] = "") -> Response:
    def act():
        row = catalogue.edit(session, actor=actor, version_id=version_id, text=text, succeeds=succeeds.strip())
        return row.id, catalogue.situations_of(session, row), catalogue.warnings_of(session, row)

    return form_step(session, act, done=f"/admin/policies#version-{version_id}",
                     again=_again(request, who, session, actor,
                                  {"edit": version_id, "edit_text": kept(text, POLICY_FORM_BYTES),
                                   "edit_succeeds": kept(succeeds, SUCCEEDS_SHOWN)},
                                  {"政策文件": "edit_text", succession.FIELD: "edit_succeeds"}),
                     said=lambda made: _checked("草稿已修改", *made))


@router.get("/admin/policies/{version_id}/diff", response_class=HTMLResponse)
def diff_page(request: Request, who: CallerDep, actor: Actor, session: Db, version_id: RecordId) -> Response:
    """What publishing the version would change, measure by measure, over every applicant in the database."""
    found = catalogue.diff_of(session, actor=actor, version_id=version_id)
    row = catalogue.get(session, version_id, actor=actor)
    chart = {"title": "各措施可获支持上限合计的变化（万元）",
             "labels": [measure_label(m.measure, m.title) for m in found.measures],
             "series": [{"name": "在用版本", "data": [float(wan(m.granted_before)) for m in found.measures]},
                        {"name": "新版本", "data": [float(wan(m.granted_after)) for m in found.measures]}]}
    return page(request, "admin/policy_diff.html", who, diff=found, row=row,
                charts=json.dumps([chart], ensure_ascii=False))


@router.get("/admin/policies/{version_id}/diff.xlsx")
def diff_download(actor: Actor, session: Db, version_id: RecordId) -> Response:
    """The comparison before publication, measure by measure and what the file changes, as a workbook to circulate."""
    found, row = catalogue.diff_of(session, actor=actor, version_id=version_id), catalogue.get(session, version_id,
                                                                                               actor=actor)
    numbers = catalogue.numbers(session) | {row.policy_id: row.number}
    return download_workbook(exports.diff_book(found, version_id, numbers), f"发布前比较-版本{version_id}.xlsx")


@router.get("/admin/policies.xlsx")
def catalogue_download(actor: Actor, session: Db) -> Response:
    """The catalogue's versions as the page lists them: policy, 文号, version, state, dates, check."""
    files = service.policy_files(session, actor=actor)
    return download(exports.catalogue_table(files, namer(session)), f"政策目录-{clock.today().isoformat()}.xlsx")


@router.get("/admin/policies/{version_id}/parameters.xlsx")
def parameters_download(actor: Actor, session: Db, version_id: RecordId) -> Response:
    """A version's parameters, each dated value with its source clause."""
    found = service.version(_stored(actor, session, version_id))
    if not found.ok:
        raise Conflict(f"政策版本 {version_id} 未能加载（{found.problems[0] if found.problems else '文件有误'}），"
                       "没有可导出的参数")
    return download(exports.parameters_table(found), f"政策参数-版本{version_id}.xlsx")


@router.post("/admin/policies/{version_id}/publish", response_model=None,
             dependencies=role_first(Role.ADMIN, doing="发布政策"))
@said_beside("in_force")
def publish(request: Request, who: CallerDep, actor: Actor, session: Db, version_id: RecordId,
            in_force: Annotated[str, Form()] = "") -> Response:
    # in_force: the version in force the page showed (0: none), so that one published meanwhile is not replaced
    # unseen; one no page wrote (missing, a word, a NUL) is refused on the catalogue, nothing published
    def act() -> PolicyVersion:
        seen = shown_back("in_force", in_force, 0, 2_147_483_647, "未发布", required=True)
        return catalogue.publish(session, actor=actor, version_id=version_id, seen=seen)

    return form_step(session, act,
                     done=f"/admin/policies#version-{version_id}", again=_again(request, who, session, actor, {}),
                     said=f"政策版本 {version_id} 已发布，即日起用于匹配与申报")


@router.post("/admin/policies/{version_id}/withdraw", response_model=None,
             dependencies=role_first(Role.ADMIN, doing="撤回政策"))
@said_beside("reason")
def withdraw(request: Request, who: CallerDep, actor: Actor, session: Db, version_id: RecordId,
             reason: Annotated[str, Form()] = "") -> Response:
    # a reason too long, or with a NUL, is the service's to refuse beside its box, kept (cut to its bound)
    return form_step(session, lambda: catalogue.withdraw(session, actor=actor, version_id=version_id, reason=reason),
                     done=f"/admin/policies#version-{version_id}",
                     again=_again(request, who, session, actor,
                                  {"withdraw": version_id, "reason": kept(reason, catalogue.REASON_MOST)},
                                  {"撤回理由": "reason"}),
                     said=f"政策版本 {version_id} 已撤回")


