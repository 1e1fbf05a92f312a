"""Uploads are checked for what they claim through the real doors, and served back only as downloads."""

from datetime import date
from urllib.parse import quote

import pytest

from tests.dbtest import a_round, apply
from tests.materials.samples import PDF, png
from tests.webtest import bearer

pytestmark = pytest.mark.anyio
HTML_PDF = b"%PDF-1.7\n<html><body><script>fetch('/api/v1/users')</script></body></html>\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def draft(client, session, people):
    from huiqi.applications import service

    return service.create_draft(session, actor=people.alice, uscc=people.alice.uscc, matter_key="h1",
                                round_id=a_round(session), measure=3, amount_requested=1_000).id


async def test_a_pdf_that_is_html_inside_is_refused(client, session, people, draft) -> None:
    headers = bearer(session, people.alice)
    response = await client.post(f"/api/v1/applications/{draft}/materials", headers=headers,
                                 files={"file": ("申报书.pdf", HTML_PDF)})
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "file"
    assert "HTML" in response.json()["detail"]
    for good in (PDF, png()):
        ok = await client.post(f"/api/v1/applications/{draft}/materials", headers=headers,
                               files={"file": ("材料", good)})
        assert ok.status_code == 201, ok.text


async def test_a_page_upload_of_a_broken_image_is_refused(browser, people, draft) -> None:
    response = await browser(people.alice).post(f"/applications/{draft}/materials",
                                                files={"file": ("a.png", png()[:-12], "image/png")},
                                                data={"kind": "证明材料"})
    assert response.status_code == 422 and "不是有效的 PNG" in response.text


async def test_materials_are_served_as_attachments_never_sniffed(client, browser, session, people,
                                                                 tmp_path) -> None:
    app = apply(session, people.alice, matter="h1", measure=3, amount=1_000_000, on=date(2025, 9, 1),
                store=tmp_path / "materials")
    detail = (await client.get(f"/api/v1/applications/{app.id}", headers=bearer(session, people.alice))).json()
    material = detail["materials"][0]["id"]
    for response in (
            await client.get(f"/api/v1/applications/{app.id}/materials/{material}",
                             headers=bearer(session, people.alice)),
            await browser(people.shenyang).get(f"/review/{app.id}/materials/{material}")):
        assert response.status_code == 200
        assert response.headers["content-disposition"].startswith("attachment;")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in response.headers["content-security-policy"]


async def test_a_download_is_named_with_the_extension_of_its_content(client, session, people, draft) -> None:
    headers = bearer(session, people.alice)
    for sent, content, named in (("../../证明材料.html", PDF, "证明材料.pdf"),
                                 ("C:\\扫描\\营业执照.svg", png(), "营业执照.png"),
                                 ("照片.PNG", png(3, 3), "照片.png")):
        made = await client.post(f"/api/v1/applications/{draft}/materials", headers=headers,
                                 files={"file": (sent, content)})
        assert made.status_code == 201, made.text
        got = await client.get(f"/api/v1/applications/{draft}/materials/{made.json()['id']}", headers=headers)
        said = got.headers["content-disposition"]
        assert said.endswith(f"filename*=UTF-8''{quote(named)}"), said
