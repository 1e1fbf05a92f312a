"""The app's own pages: the OpenAPI documentation at /docs, served without a CDN."""

import re

import pytest

pytestmark = pytest.mark.anyio


async def test_docs_are_served_from_here(client) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    assets = [a for a in re.findall(r"""['"]([^'"]+\.(?:js|css|png))['"]""", page.text)]
    assert len(assets) == 4 and all(a.startswith("/static/vendor/swagger-ui/") for a in assets[:3]), assets
    assert assets[3] == "/static/docs.js" and "<script>" not in page.text, "Swagger UI starts from a file (CSP)"
    script = await client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    assert (await client.get("/redoc")).status_code == 404  # ReDoc would load from a CDN
