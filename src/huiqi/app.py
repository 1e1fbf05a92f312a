"""The application: the JSON API under /api/v1 (OpenAPI at /docs) and the web pages, one service layer.

Each domain package may hold ``endpoints.py`` (a JSON ``router``) and ``pages.py`` (an HTML
``router``); the app includes whichever exist, so a new door needs no change here.
"""

import importlib
import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from huiqi import __version__
from huiqi.web import errors
from huiqi.web.deps import csrf_guard
from huiqi.web.door import clean_input
from huiqi.web.headers import SecurityHeaders
from huiqi.web.limits import BodyLimit
from huiqi.web.newlines import FormNewlines

DOMAINS = (
    "public", "auth", "applicants", "applications", "review", "announcements", "funding",
    "whitelist", "growth", "statistics", "audit", "users", "simulate", "admin", "holidays", "rounds",
    "recognition", "offers", "messages", "ratings", "departments",
)
STATIC = Path(__file__).parent / "web" / "static"


class Problem(BaseModel):
    field: str
    reason: str


class ErrorRead(BaseModel):
    """Every error of the API: a message a person can act on, and the fields at fault."""

    detail: str
    problems: list[Problem] = []


ERRORS = {status: {"model": ErrorRead, "description": text} for status, text in (
    (400, "请求无法解析：JSON、表单或上传内容的格式有误"),
    (401, "未登录，或令牌无效"), (403, "无权操作"), (404, "没有这个记录（或无权查看）"), (409, "与记录的状态冲突"),
    (413, "请求体超过上限（见设置 HUIQI_MAX_REQUEST_BYTES 等）"),
    (422, "输入有误：指出字段和原因"), (429, "登录失败次数过多"))}


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Sync handlers run in anyio's thread pool: as many threads as the setting says (and the pool's connections);
    large matches run in a pool of processes made here and shut down when the server stops."""
    from huiqi.config import get_settings
    from huiqi.web.offload import Offload

    settings = get_settings()
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
    app.state.offload = Offload(settings.match_processes)
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(app.state.offload.shutdown)


def create_app() -> FastAPI:
    """Build the app for the configured database (``HUIQI_DATABASE_URL``)."""
    from huiqi.config import get_settings

    get_settings().refuse_dev_secrets()
    app = FastAPI(
        title="惠企 huiqi", version=__version__, docs_url=None, redoc_url=None, lifespan=_lifespan,
        dependencies=[Depends(csrf_guard), Depends(clean_input)],
        description="辽宁省加快发展数字经济核心产业的若干措施（辽政办〔2022〕35号）：政策匹配、申报、审核、公示、预算、兑现与测算。",
    )
    errors.install(app)
    app.add_middleware(FormNewlines)  # inside BodyLimit: a form's body is bounded before it is read whole
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _docs(app)
    for domain in DOMAINS:
        if importlib.util.find_spec(f"huiqi.{domain}") is None:
            continue
        for door, prefix in (("endpoints", "/api/v1"), ("pages", "")):
            if importlib.util.find_spec(f"huiqi.{domain}.{door}") is not None:
                router = importlib.import_module(f"huiqi.{domain}.{door}").router
                app.include_router(router, prefix=prefix, responses=ERRORS if door == "endpoints" else None)
    return app


def _docs(app: FastAPI) -> None:
    """The OpenAPI documentation at /docs, with Swagger UI served from here (vendored: no CDN)."""

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        # Not FastAPI's own page: it starts Swagger UI with an inline script, which the CSP refuses.
        from huiqi.web.render import templates

        # request.app, not the enclosing app: FastAPI caches each dependant's callable (up to 4096), and a closure
        # over the app kept every app a test process built alive with all it held, gigabytes until exit.
        return templates.TemplateResponse(request, "docs.html", {"openapi_url": request.app.openapi_url})
