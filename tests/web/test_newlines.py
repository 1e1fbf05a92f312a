"""A form's line breaks reach the handlers as LF, whatever size the body's chunks come in."""

import threading

import httpx
import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request

from huiqi.applications import service as applications
from huiqi.web.newlines import FormNewlines, Parts
from tests.dbtest import ALICE_USCC, a_round
from tests.webtest import bearer

pytestmark = pytest.mark.anyio


async def _through(content_type: bytes | list[bytes], chunks: list[bytes]) -> bytes:
    got: list[bytes] = []

    async def inner(scope, receive, send) -> None:
        while True:
            message = await receive()
            got.append(message.get("body", b""))
            if not message.get("more_body"):
                return

    sent = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]

    async def receive():
        return sent.pop(0)

    kinds = content_type if isinstance(content_type, list) else [content_type]
    scope = {"type": "http", "headers": [(b"content-type", kind) for kind in kinds]}
    await FormNewlines(inner)(scope, receive, None)
    return b"".join(got)


async def test_a_crlf_split_between_chunks_becomes_one_lf() -> None:
    form = b"application/x-www-form-urlencoded"
    assert await _through(form, [b"comment=a%0", b"D%0a", b"b"]) == b"comment=a%0Ab"
    assert await _through(b"application/json", [b'{"a": "%0D%0A"}']) == b'{"a": "%0D%0A"}', "only forms"


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, bytes]:
    """A form with a file, as a browser sends it: its content type and body."""
    request = httpx.Request("POST", "http://testserver/", data=fields, files=files)
    return request.headers["content-type"].encode(), request.read()


async def _parsed(content_type: bytes, body: bytes) -> dict[str, str | tuple[str | None, bytes]]:
    """The form the handlers read: each field's text, each file's name and bytes."""
    sent = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        return sent.pop(0)

    form = await Request({"type": "http", "method": "POST", "headers": [(b"content-type", content_type)]},
                         receive).form()
    return {k: v if isinstance(v, str) else (v.filename, await v.read()) for k, v in form.multi_items()}


@pytest.mark.parametrize("size", [1, 2, 7, 4096])
async def test_a_multipart_forms_text_fields_have_lf_and_its_files_their_own_bytes(size: int) -> None:
    """Whatever size the chunks come in (a CR and its LF apart, a boundary split): the text fields' CR LF and lone CR
    become LF; a file's bytes, CR LF and all, are as sent, and so is its name."""
    kind, body = _multipart({"reform": "a\r\nb\rc\n\r\n", "name": "甲\r\n乙", "empty": ""},
                            {"population": ("样本\r.csv", b"id,uscc\r\n1,2\r\n\r")})
    chunks = [body[i:i + size] for i in range(0, len(body), size)]
    through = await _through(kind, chunks)
    assert await _parsed(kind, through) == {"reform": "a\nb\nc\n\n", "name": "甲\n乙", "empty": "",
                                            "population": ("样本%0D.csv", b"id,uscc\r\n1,2\r\n\r")}
    # the name's CR as the browser wrote it (%0D), not made a line feed: the same name as from the body untouched
    assert (await _parsed(kind, body))["population"] == ("样本%0D.csv", b"id,uscc\r\n1,2\r\n\r")
    assert b"\r\n1,2\r\n" in through and "样本".encode() in through


async def test_the_media_type_is_read_in_any_case_and_from_the_first_content_type() -> None:
    """As Starlette reads the form: ``Multipart/Form-Data`` is a multipart form, and of two Content-Type headers the
    first counts."""
    kind, body = _multipart({"reform": "a\r\nb"}, {"f": ("a.csv", b"1\r\n")})
    shouting = kind.replace(b"multipart/form-data", b"Multipart/Form-Data")
    assert (await _parsed(shouting, await _through(shouting, [body])))["reform"] == "a\nb"
    assert await _through(b"Application/X-WWW-Form-Urlencoded", [b"a=1%0D%0A2"]) == b"a=1%0A2"
    assert await _through([b"application/x-www-form-urlencoded", b"application/json"], [b"a=%0D%0A"]) == b"a=%0A"
    assert await _through([b"application/json", b"application/x-www-form-urlencoded"], [b"a=%0D%0A"]) == b"a=%0D%0A"


async def test_a_multipart_body_is_parsed_off_the_event_loop(monkeypatch) -> None:
    """A large file's parsing must not hold up every other request: each chunk is fed in a worker thread."""
    fed_in: list[int] = []
    feed = Parts.feed

    def recorded(self, chunk: bytes, last: bool) -> bytes:
        fed_in.append(threading.get_ident())
        return feed(self, chunk, last)

    monkeypatch.setattr(Parts, "feed", recorded)
    kind, body = _multipart({"reform": "a\r\nb"}, {"f": ("a.csv", b"1\r\n")})
    through = await _through(kind, [body[:10], body[10:]])
    assert (await _parsed(kind, through))["reform"] == "a\nb"
    assert len(fed_in) == 2 and threading.get_ident() not in fed_in


BROKEN = b"--B\r\nContent-Disposition: form-data\r\n\x00\r\n"
UNREADABLE = "表单内容不完整或格式有误，无法读取，请刷新页面后重新提交"


async def test_a_broken_multipart_body_is_a_400_in_chinese() -> None:
    with pytest.raises(HTTPException) as refused:
        await _through(b"multipart/form-data; boundary=B", [BROKEN])
    assert refused.value.status_code == 400 and refused.value.detail == UNREADABLE


async def test_a_broken_multipart_body_is_said_so_on_the_page_and_by_the_api(browser, client, session, people) -> None:
    """What a person and a program are really answered: the Chinese detail, not a general one."""
    draft = applications.create_draft(session, actor=people.alice, uscc=ALICE_USCC, matter_key="h1",
                                      round_id=a_round(session), measure=3, amount_requested=1_000_000)
    sent = {"content": BROKEN, "headers": {"content-type": "multipart/form-data; boundary=B"}}
    page = await browser(people.alice).post(f"/applications/{draft.id}/materials", **sent)
    assert page.status_code == 400 and UNREADABLE in page.text
    api = await client.post(f"/api/v1/applications/{draft.id}/materials",
                            **{**sent, "headers": {**sent["headers"], **bearer(session, people.alice)}})
    assert api.status_code == 400 and api.json()["detail"] == UNREADABLE
