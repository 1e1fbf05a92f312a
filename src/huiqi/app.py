"""The application: the JSON API under /api/v1 (OpenAPI at /docs) and the web pages, one service layer.

Each domain package may hold ``endpoints.py`` (a JSON ``router``) and ``pages.py`` (an HTML
``router``); the app includes whichever exist, so a new door needs no change here.
"""

import importlib
import importlib.util
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from huiqi import __version__
from huiqi.web import errors
from huiqi.web.deps import csrf_guard

DOMAINS = (
    "public", "auth", "applicants", "applications", "review", "announcements", "budgets", "disbursements",
    "whitelist", "growth", "statistics", "audit", "users", "simulate", "admin",
)
STATIC = Path(__file__).parent / "web" / "static"


def create_app() -> FastAPI:
    """Build the app for the configured database (``HUIQI_DATABASE_URL``)."""
    from huiqi.config import get_settings

    get_settings().refuse_dev_secrets()
    app = FastAPI(
        title="惠企 huiqi", version=__version__, dependencies=[Depends(csrf_guard)],
        description="辽宁省加快发展数字经济核心产业的若干措施（辽政办〔2022〕35号）：政策匹配、申报、审核、公示、预算、兑现与测算。",
    )
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for domain in DOMAINS:
        if importlib.util.find_spec(f"huiqi.{domain}") is None:
            continue
        for door, prefix in (("endpoints", "/api/v1"), ("pages", "")):
            if importlib.util.find_spec(f"huiqi.{domain}.{door}") is not None:
                app.include_router(importlib.import_module(f"huiqi.{domain}.{door}").router, prefix=prefix)
    return app
