"""One place renders every failure: JSON under /api, a Chinese page elsewhere; nothing leaks.

A typed ``HuiqiError`` carries its status and a message a person can act on; a request that fails
validation names each field and why; anything unexpected is a plain 500 without internals.
"""

import logging
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, IntegrityError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.routing import Match

from huiqi.db import is_unique_violation
from huiqi.errors import (
    AccountDisabled,
    ChangedMeanwhile,
    HuiqiError,
    InputError,
    NotAuthenticated,
    PasswordChangeRequired,
    PolicyFileError,
    SituationsFailed,
)
from huiqi.labels import field_label
from huiqi.validation import field_path, reason
from huiqi.web.limits import POLICY_FORMS, TOO_LARGE, TooLarge
from huiqi.web.newlines import Unreadable

log = logging.getLogger("huiqi")
HTTP_MESSAGES = {400: "请求无法解析：请检查 JSON、表单或上传内容的格式", 404: "没有这个地址", 405: "不支持这种请求方式",
                 413: "上传的内容太大"}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _problems(error: HuiqiError) -> list[dict[str, str]]:
    """The error's problems one by one: a field and its reason; a policy file's by ``file:line`` (as
    ``huiqi policy check`` prints them), or none where a mistake names no place.

    >>> _problems(PolicyFileError(["a.yaml:12: 措施3 amount：应为整数", "没有名为 'x' 的内置政策"]))
    [{'field': 'a.yaml:12', 'reason': '措施3 amount：应为整数'}, {'field': '', 'reason': "没有名为 'x' 的内置政策"}]
    """
    if isinstance(error, InputError | ChangedMeanwhile):
        return [{"field": f, "reason": r} for f, r in error.problems]
    if isinstance(error, PolicyFileError | SituationsFailed):
        return [{"field": where if said else "", "reason": said or where}
                for where, _, said in (p.partition(": ") for p in error.problems)]
    return []


def respond(request: Request, status: int, message: str, problems: list[dict[str, str]] | None = None,
            retry: str | None = None) -> Response:
    """The error as JSON (API) or as the error page; ``retry`` is the same page without what was wrong in its
    address, offered as the way on."""
    if is_api(request):
        return JSONResponse({"detail": message, "problems": problems or []}, status_code=status)
    from huiqi.web.render import page

    shown = page(request, "error.html", _who(request), status_code=status, message=message, problems=problems or [],
                 status=status, retry=retry)
    if request.headers.get("HX-Request") and status in (409, 422):
        # htmx swaps a 409 or 422 into the element that asked (a table's row, say): the error page's content goes
        # in place of the page's instead, not a whole page inside a row
        shown.headers.update({"HX-Retarget": "#main", "HX-Reswap": "outerHTML", "HX-Reselect": "#main"})
    return shown


def _who(request: Request) -> object:
    """Who asked, for the page's header: known when a dependency found them; otherwise (an address that does
    not exist runs none) looked up from the cookie, so a signed-in person does not look signed out. The error page
    must render whatever else failed, so a failed lookup leaves the caller anonymous."""
    from huiqi.web.deps import Caller, caller, outside_dependencies

    found = getattr(request.state, "caller", None)
    if found is not None:
        return found
    try:
        with outside_dependencies(request) as session:
            return caller(request, session)
    except Exception:  # the database may be what failed
        log.debug("caller not found for the error page of %s", request.url.path, exc_info=True)
        return Caller(None, None, request.cookies.get("huiqi_csrf", ""))


def _to_sign_in(request: Request, said: str) -> Response:
    """To the sign-in page, where ``said`` (the account disabled) is shown: a page's or a form's request is sent
    there (303), an HTMX one told to go there (htmx swaps no 401, and would put the page inside a row)."""
    from huiqi.web.steps import flash

    if request.headers.get("HX-Request") == "true":
        moved: Response = Response(status_code=401, headers={"HX-Redirect": "/login"})
    else:
        moved = RedirectResponse("/login", status_code=303)
    flash(moved, said, done=False)
    return moved


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(HuiqiError)
    async def huiqi_error(request: Request, error: HuiqiError) -> Response:
        if isinstance(error, AccountDisabled) and not is_api(request):
            return _to_sign_in(request, error.message)
        if isinstance(error, NotAuthenticated) and not is_api(request) and request.method == "GET":
            asked = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            asked = asked if len(asked) <= 1000 else request.url.path[:1000]  # the form carries it back, bounded
            return RedirectResponse(f"/login?next={quote(asked, safe='/')}", status_code=303)
        if isinstance(error, PasswordChangeRequired) and not is_api(request) and request.method == "GET":
            return RedirectResponse("/account/password", status_code=303)
        # a page says a policy file's mistakes in its message already, one a line
        said = _problems(error) if is_api(request) or isinstance(error, InputError) else []
        if not is_api(request):  # a person reads each field by its Chinese label, as the forms name it
            said = [{**p, "field": field_label(p["field"])} for p in said]
        return respond(request, error.status_code, error.message, said)

    async def refused_first(request: Request) -> Response | None:
        """A caller the route refuses at all, told so before a body read (and found wrong) before anything else."""
        from huiqi.web.deps import refused_before_body

        refusal = await run_in_threadpool(refused_before_body, request) if is_api(request) else None
        return await huiqi_error(request, refusal) if refusal is not None else None

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        # malformed JSON is found before any dependency runs: not the role's check (a later mistake comes after it)
        if any(e["type"] == "json_invalid" for e in error.errors()) and (refused := await refused_first(request)):
            return refused
        # a program reads the field's path; a person its Chinese label
        named = _where if is_api(request) else (lambda e: field_label(_where(e)))
        problems = [{"field": named(e), "reason": reason(e)} for e in error.errors()]
        return respond(request, 422, "输入有误：" + "；".join(f"{p['field']}：{p['reason']}" for p in problems),
                       problems, _without_mistakes(request, error))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        from huiqi.web.steps import flash

        # a body that cannot be read (400) or is too large (413) is found before any dependency runs
        if error.status_code in (400, 413) and (refused := await refused_first(request)):
            return refused
        on_page = not is_api(request) and not request.headers.get("HX-Request")
        nearest = _page_above(request) if on_page and error.status_code in (405, 413) else None
        if error.status_code == 405 and request.method == "GET" and nearest is not None:
            # a form's address opened (a refused form's page reloaded, a link shared)
            moved = RedirectResponse(nearest, status_code=303)
            flash(moved, "刚才的地址用于提交表单，不能直接打开，已转到相应页面", done=False)
            return moved
        if error.status_code == 413 and nearest is not None and request.url.path.endswith("/materials"):
            # a material too large: said on the application's page beside its file, the 材料类别 chosen kept
            kind = error.fields.get("kind") if isinstance(error, TooLarge) else None
            return RedirectResponse(f"{nearest}?{urlencode({'upload': TOO_LARGE, **({'kind': kind} if kind else {})})}"
                                    "#f-file", status_code=303)
        if error.status_code == 413 and on_page and POLICY_FORMS.fullmatch(request.url.path):
            # a policy file far past its bound (one within room of it is refused beside its box): the catalogue says so
            back = RedirectResponse(_catalogue_place(request.url.path), status_code=303)
            flash(back, f"未能保存：{error.detail}", done=False)
            return back
        # a 413's detail, and a form's that cannot be read, are said for people; Starlette's own details are not
        message = str(error.detail) if error.status_code == 413 or isinstance(error, Unreadable) else \
            HTTP_MESSAGES.get(error.status_code, str(error.detail))
        return respond(request, error.status_code, message)

    @app.exception_handler(IntegrityError)
    async def collided(request: Request, error: IntegrityError) -> Response:
        if not is_unique_violation(error):
            return await unexpected(request, error)
        # Two requests wrote the same key at once (two saves of a profile, two payments): the later one lost.
        log.info("unique key collision on %s %s", request.method, request.url.path)
        return respond(request, 409, "同一记录刚被他人（或另一次提交）修改，请刷新页面查看最新状态后再试")

    @app.exception_handler(DataError)
    async def out_of_range(request: Request, error: DataError) -> Response:
        # The database refused a value the door let through: the door should have named the field.
        log.warning("value refused by the database on %s %s: %s", request.method, request.url.path, error.orig)
        return respond(request, 422, "输入有误：有一项内容过长、超出范围或含有不能保存的字符")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return respond(request, 500, "服务器内部错误，请稍后再试；如果一再出现，请联系管理员")


def _catalogue_place(path: str) -> str:
    """Where on the policy catalogue a form of it sits: a draft's own edit form, or the new draft's.

    >>> _catalogue_place("/admin/policies/7/edit"), _catalogue_place("/admin/policies")
    ('/admin/policies#version-7', '/admin/policies#draft-title')
    """
    version = path.split("/")[3] if path.count("/") > 2 else None
    return f"/admin/policies#version-{version}" if version else "/admin/policies#draft-title"


def _page_above(request: Request) -> str | None:
    """The nearest page above a form's address that opens with GET (/applications/14 for
    /applications/14/amount), or None."""
    parts = request.url.path.rstrip("/").split("/")
    for end in range(len(parts) - 1, 0, -1):
        path = "/".join(parts[:end]) or "/"
        scope = {**request.scope, "path": path, "method": "GET"}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            return path
    return None


def _without_mistakes(request: Request, error: RequestValidationError) -> str | None:
    """For a page opened with a wrong query (a page number typed as 二, a link cut short), the same page without
    the parameters that were wrong, so the error page has a way on; None where the mistake is elsewhere (a form,
    the path) or the request is not a page's GET."""
    if request.method != "GET" or is_api(request) or request.headers.get("HX-Request"):
        return None
    wrong = set()
    for e in error.errors():
        where = e.get("loc", ())
        if len(where) < 2 or where[0] != "query":
            return None
        wrong.add(str(where[1]))
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in wrong]
    return request.url.path + (f"?{urlencode(kept)}" if kept else "")


def _where(error: dict) -> str:
    """The field a validation error is about; malformed JSON is about the whole body, not a character of it."""
    if error["type"] == "json_invalid":
        return "（请求体）"
    return field_path(tuple(p for p in error["loc"] if p not in ("body", "query", "path", "form")))

