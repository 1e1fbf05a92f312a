"""A form's line breaks as the person typed them: a browser sends each line break of a textarea as CR LF
(``%0D%0A``), though the box counted it as one character against its ``maxlength``. A form's body reaches every
handler with LF alone, so that a field's bound (the form's ``max_length``, a service's check) counts what the
person saw, and a full box is never refused as a few characters too long."""

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FORM = b"application/x-www-form-urlencoded"
CRLF = re.compile(rb"%0D(%0A)?", re.IGNORECASE)  # CR LF, or a lone CR (as old systems end a line)


def lf(body: bytes) -> bytes:
    r"""A urlencoded body with its line breaks as LF.

    >>> lf(b"comment=a%0D%0Ab%0dc&x=1")
    b'comment=a%0Ab%0Ac&x=1'
    """
    return CRLF.sub(b"%0A", body)


class FormNewlines:
    """ASGI middleware: a urlencoded form's body is read whole (BodyLimit, outside, bounds it) and its CR LF made LF."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        if scope["type"] != "http" or not headers.get(b"content-type", b"").startswith(FORM):
            await self.app(scope, receive, send)
            return
        given: list[Message] | None = None

        async def whole() -> Message:
            # read when the app first asks, inside it: a body past its limit is answered as the app answers it (413)
            nonlocal given
            if given is None:
                given = await _read(receive)
            return given.pop(0) if given else await receive()

        await self.app(scope, whole, send)


async def _read(receive: Receive) -> list[Message]:
    """The body of a form, whole and with LF line breaks; or only the disconnect, when the client left while sending
    (never half a form as if whole)."""
    body, last = b"", await receive()
    while last["type"] == "http.request":
        body += last.get("body", b"")
        if not last.get("more_body", False):
            return [{"type": "http.request", "body": lf(body), "more_body": False}]
        last = await receive()
    return [last]
