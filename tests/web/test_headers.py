"""Security headers on every response from one middleware; no page needs an inline script to work."""

import re
from pathlib import Path

import pytest

from huiqi.web.headers import CSP

pytestmark = pytest.mark.anyio
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "huiqi" / "web" / "templates"


def _secure(response) -> None:
    csp = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp
    script = re.search(r"script-src ([^;]*)", csp) or re.search(r"default-src ([^;]*)", csp)
    assert script is not None and "unsafe-inline" not in script.group(1) and "unsafe-eval" not in script.group(1)
    assert response.headers.get("x-content-type-options") == "nosniff"
    assert response.headers.get("referrer-policy") == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("url", ["/", "/calculator", "/docs", "/openapi.json", "/api/v1/policies",
                                 "/static/huiqi.js", "/no/such/page", "/api/v1/no-such", "/login"])
async def test_every_response_carries_the_headers(client, url) -> None:
    response = await client.get(url)
    _secure(response)
    assert response.headers["content-security-policy"] == CSP


async def test_errors_downloads_and_signed_in_pages_carry_them_too(browser, people) -> None:
    alice = browser(people.alice)
    for response in (await alice.get("/me"), await alice.get("/api/v1/applications/export.xlsx"),
                     await alice.post("/api/v1/match", json={"matters": "no"}),
                     await browser(None).post("/login", data={"username": "x\x00", "password": "y"})):
        _secure(response)


def test_no_template_has_an_inline_script_or_handler() -> None:
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if path.parent.name == "reports":
            continue  # the simulation report is a self-contained download, opened from disk, not from the site
        text = path.read_text("utf-8")
        found += [f"{path.name}: inline <script>" for _ in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text)]
        found += [f"{path.name}: {m.group(0)}" for m in re.finditer(r"\son[a-z]+\s*=", text)]
        found += [f"{path.name}: javascript: URL" for _ in re.finditer(r"javascript:", text)]
    assert not found, found
