"""A form's line breaks reach the handlers as LF, whatever size the body's chunks come in."""

import httpx
import pytest
from starlette.exceptions import HTTPException
from starlette.requests import Request

from huiqi.web.newlines import FormNewlines

pytestmark = pytest.mark.anyio


async def _through(content_type: bytes, chunks: list[bytes]) -> bytes:
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

    scope = {"type": "http", "headers": [(b"content-type", content_type)]}
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


async def _parsed(content_type: bytes, body: bytes) -> dict[str, str | bytes]:
    """The form the handlers read: each field's text, each file's bytes."""
    sent = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        return sent.pop(0)

    form = await Request({"type": "http", "method": "POST", "headers": [(b"content-type", content_type)]},
                         receive).form()
    return {k: v if isinstance(v, str) else await v.read() for k, v in form.multi_items()}


@pytest.mark.parametrize("size", [1, 2, 7, 4096])
async def test_a_multipart_forms_text_fields_have_lf_and_its_files_their_own_bytes(size: int) -> None:
    """Whatever size the chunks come in (a CR and its LF apart, a boundary split): the text fields' CR LF and lone CR
    become LF; a file's bytes, CR LF and all, are as sent, and so is its name."""
    kind, body = _multipart({"reform": "a\r\nb\rc\n\r\n", "name": "甲\r\n乙", "empty": ""},
                            {"population": ("样本\r.csv", b"id,uscc\r\n1,2\r\n\r")})
    chunks = [body[i:i + size] for i in range(0, len(body), size)]
    through = await _through(kind, chunks)
    assert await _parsed(kind, through) == {"reform": "a\nb\nc\n\n", "name": "甲\n乙", "empty": "",
                                            "population": b"id,uscc\r\n1,2\r\n\r"}
    assert b"\r\n1,2\r\n" in through and "样本".encode() in through


async def test_a_broken_multipart_body_is_a_400_in_chinese() -> None:
    with pytest.raises(HTTPException) as refused:
        await _through(b"multipart/form-data; boundary=B", [b"--B\r\nContent-Disposition: form-data\r\n\x00\r\n"])
    assert refused.value.status_code == 400 and "表单" in refused.value.detail
