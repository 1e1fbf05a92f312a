"""Request bodies within their setting's limit (413 in Chinese beyond it); the public match bounded in matters;
every handler that touches the database runs in the thread pool, not on the event loop."""

import inspect
from urllib.parse import quote

import httpx
import pytest
from fastapi.routing import APIRoute

from huiqi.applications import service as applications
from huiqi.config import get_settings
from huiqi.web.deps import db
from huiqi.web.limits import SLACK
from tests.dbtest import ALICE_USCC, a_round
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
HONOUR = {"type": "honour", "codes": ["little_giant"], "level": "national", "date": "2024-07-15"}


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setenv("HUIQI_MAX_REQUEST_BYTES", "4096")
    monkeypatch.setenv("HUIQI_MAX_MATERIAL_BYTES", "2048")
    monkeypatch.setenv("HUIQI_MAX_MATCH_MATTERS", "3")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_a_json_body_past_the_limit_is_413(client, small) -> None:
    response = await client.post("/api/v1/match", json={"applicant": {"name": "长" * 4096}})
    assert response.status_code == 413 and "超过上限 4096 字节" in response.json()["detail"]
    fits = await client.post("/api/v1/match", json={"applicant": {"name": "甲公司"}})
    assert fits.status_code == 200


async def test_a_streamed_body_without_its_length_is_counted(app, small) -> None:
    async def chunks():
        for _ in range(10):
            yield b" " * 1000

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as raw:
        response = await raw.post("/api/v1/match", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


async def test_a_form_past_the_limit_is_413_on_a_page(browser, small) -> None:
    response = await browser(None).post("/calculator", data={"x": "y" * 5000})
    assert response.status_code == 413 and "超过上限" in response.text


async def test_materials_have_their_own_limit(client, session, people, small) -> None:
    headers = bearer(session, people.alice)
    past = await client.post("/api/v1/applications/1/materials", headers=headers,
                             files={"file": ("a.pdf", b"%PDF-" + b"x" * (2048 + SLACK))})
    assert past.status_code == 413
    within = await client.post("/api/v1/applications/1/materials", headers=headers,
                               files={"file": ("a.pdf", b"%PDF-" + b"x" * 3000)})
    assert within.status_code != 413, "a material may be larger than a JSON body"


async def test_the_public_match_is_bounded_in_matters(client, small) -> None:
    matters = [{**HONOUR, "id": f"m{i}"} for i in range(4)]
    response = await client.post("/api/v1/match", json={"applicant": {"kind": "enterprise"}, "matters": matters})
    assert response.status_code == 422
    assert response.json()["problems"][0]["field"] == "matters" and "最多 3 个事项" in response.json()["detail"]
    assert (await client.post("/api/v1/match", json={"matters": matters[:3]})).status_code == 200


def _uses(dependant, call) -> bool:
    return dependant.call is call or any(_uses(d, call) for d in dependant.dependencies)


def _routes(routes, prefix: str = ""):
    """Every API route with its full path (included routers nest theirs)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif (inner := getattr(route, "original_router", None)) is not None:
            yield from _routes(inner.routes, prefix + route.include_context.prefix)


def test_no_async_handler_touches_the_database(app) -> None:
    routes = dict(_routes(app.routes))
    assert len(routes) > 90
    stalls = [path for path, r in routes.items() if inspect.iscoroutinefunction(r.endpoint) and _uses(r.dependant, db)]
    assert not stalls, f"sync SQL in an async handler stalls the event loop: {stalls}"
    match = routes["/api/v1/match"]
    assert not inspect.iscoroutinefunction(match.endpoint), "the engine runs in the thread pool"


async def test_a_material_too_large_for_the_page_is_said_on_the_application_page_in_mb(browser, session, people,
                                                                                       small, tmp_path) -> None:
    draft = applications.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key="h1",
                                      round_id=a_round(session), measure=3, amount_requested=1_000_000)
    alice = browser(people.alice)
    shown = (await alice.get(f"/applications/{draft.id}")).text
    assert "上传材料（PDF、OFD、JPG、PNG，每份不超过 2048 字节，" in shown, "said before a file is chosen"
    past = await alice.post(f"/applications/{draft.id}/materials", data={"kind": "申报书"},
                            files={"file": ("a.pdf", b"%PDF-" + b"x" * (2048 + SLACK))})
    assert past.status_code == 303, "refused before the body is read, on the application's page"
    assert past.headers["location"] == f"/applications/{draft.id}?upload=too-large&kind={quote('申报书')}#f-file"
    page = (await alice.get(past.headers["location"])).text
    assert "材料文件：文件超过上限 2048 字节，请缩小后再上传" in page and 'href="#f-file"' in page  # in the summary
    field = page[page.index('id="f-file"'):]
    assert field.startswith('id="f-file" name="file"') and 'aria-invalid="true" aria-describedby="e-file"' in field
    assert '<span class="field-error" id="e-file">文件超过上限 2048 字节，请缩小后再上传</span>' in field
    assert '<option value="申报书" selected>' in page, "the 材料类别 chosen is kept"
    assert 'id="flash"' not in page and "未能上传" not in page
    assert 'aria-invalid' not in (await alice.get(f"/applications/{draft.id}")).text, "said once, not on the page"
    within_slack = await alice.post(f"/applications/{draft.id}/materials", data={"kind": "申报书"},
                                    files={"file": ("a.pdf", b"%PDF-" + b"x" * 3000)})
    assert within_slack.status_code == 422 and "文件大小 3005 字节，超过上限 2048 字节" in within_slack.text
