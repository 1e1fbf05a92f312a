"""Web fixtures: the app on the test's database session, an httpx client over ASGI, signed-in personas.

The app's ``db`` dependency is overridden to hand out the test's session (inside a transaction rolled
back at the end, so handlers' commits are savepoints); everything else is the real app.
"""

import re
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from huiqi.app import create_app
from huiqi.auth import service as auth
from huiqi.models import User
from huiqi.simulate.endpoints import job_sessions
from huiqi.web.deps import CSRF_HEADER, SESSION_COOKIE, db


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def app(session: Session, tmp_path, monkeypatch) -> Iterator[FastAPI]:
    monkeypatch.setenv("HUIQI_MATERIALS_DIR", str(tmp_path / "materials"))
    monkeypatch.setenv("HUIQI_JOBS_DIR", str(tmp_path / "jobs"))
    monkeypatch.setenv("HUIQI_SHARED_DIR", str(tmp_path / "shared"))
    from huiqi.config import get_settings

    get_settings.cache_clear()
    application = create_app()

    def same_session() -> Iterator[Session]:
        yield session

    @contextmanager
    def job_session() -> Iterator[Session]:
        yield session
        session.commit()  # a savepoint inside the test's transaction

    application.dependency_overrides[db] = same_session
    application.dependency_overrides[job_sessions] = lambda: job_session
    yield application
    get_settings.cache_clear()


@dataclass
class Browser:
    """A client signed in as one user (or anonymous), sending its CSRF token as a browser's page would."""

    client: httpx.AsyncClient
    user: User | None
    csrf: str | None

    async def get(self, url: str, **kwargs) -> httpx.Response:
        return await self.client.get(url, **kwargs)

    async def send(self, method: str, url: str, **kwargs) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), **({CSRF_HEADER: self.csrf} if self.csrf else {})}
        return await self.client.request(method, url, headers=headers, **kwargs)

    async def post(self, url: str, **kwargs) -> httpx.Response:
        return await self.send("POST", url, **kwargs)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as raw:
        yield raw


@pytest.fixture
def browser(app: FastAPI, session: Session):
    """``browser(user)``: a new client signed in as ``user`` (``None`` for an anonymous visitor)."""
    def make(user: User | None) -> Browser:
        raw = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        if user is None:
            return Browser(raw, None, None)
        signed = auth.sign_in(session, username=user.username, password="correct horse battery", address="test")
        # As a real sign-in is: committed (a savepoint here), so a handler's rollback after a refusal keeps it
        # and everything the test set up before it.
        session.commit()
        raw.cookies.set(SESSION_COOKIE, signed.token)
        return Browser(raw, user, signed.csrf)

    return make


def bearer(session: Session, user: User, name: str = "测试令牌") -> dict[str, str]:
    """Authorization headers for a fresh bearer token of ``user``."""
    _, raw = auth.issue_token(session, actor=user, name=name)
    return {"Authorization": f"Bearer {raw}"}


FIELD_TAG = re.compile(r"<(?:input|select|textarea)\b[^>]*>")


def marked(text: str) -> list[tuple[str, str]]:
    """The fields a page marks invalid, in order: (the field's id, or "" for a box of a group after the first; the
    reason its aria-describedby points at). Each points at its own ``e-<name>``, said once on the page."""
    found = []
    for tag in (t for t in FIELD_TAG.findall(text) if 'aria-invalid="true"' in t):
        own = re.search(r' id="f-([^"]+)"', tag)
        described = re.search(r' aria-describedby="(?:[^" ]+ )?e-([^" ]+)"', tag)
        assert described, tag
        if own and own.group(1) != described.group(1):  # a box of a group after the first (f-<name>-<value>)
            assert own.group(1).startswith(described.group(1) + "-"), tag
            own = None
        said = re.findall(rf'<span class="field-error" id="e-{re.escape(described.group(1))}">([^<]+)</span>', text)
        assert len(said) == 1, (tag, said)
        found.append((f"f-{own.group(1)}" if own else "", said[0]))
    return found


def refusal(response: httpx.Response) -> tuple[int, str]:
    """A refusal as a person meets it: its status and what it says (the error page's words; for a visitor not signed
    in, the sign-in page it is sent to)."""
    if response.status_code == 303:
        return 303, response.headers["location"].split("?")[0]
    said = re.search(r'<div class="errors" role="alert">(.*?)</div>', response.text, re.S)
    return response.status_code, said.group(1).strip() if said else response.text


def sheet_rows(response: httpx.Response, sheet: int = 0) -> list[dict]:
    """The rows of a downloaded workbook's sheet (titled: the header is its second line), each by its header."""
    import io

    import openpyxl

    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"], response.text
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[1], row, strict=True)) for row in rows[2:]]


def quoted(response: httpx.Response, text: str) -> bool:
    """Whether ``text`` is a cell of the workbook, written as text with the quote prefix (never a formula)."""
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    found = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value == text]
    return bool(found) and all(c.data_type == "s" and c.quotePrefix for c in found)
