"""A form's line breaks reach the handlers as LF, whatever size the body's chunks come in."""

import pytest

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
