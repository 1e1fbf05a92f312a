"""A form's line breaks as the person typed them: a browser sends each line break of a textarea as CR LF
(``%0D%0A``), though the box counted it as one character against its ``maxlength``. A form's body reaches every
handler with LF alone, so that a field's bound (the form's ``max_length``, a service's check) counts what the
person saw, and a full box is never refused as a few characters too long.

Both kinds of form: a urlencoded body, read whole; and a multipart one (a form with a file), written again part by
part as it arrives, each text field with LF line breaks and each file's bytes as sent."""

import re
from typing import TYPE_CHECKING

import anyio.to_thread
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FORM = b"application/x-www-form-urlencoded"
MULTIPART = b"multipart/form-data"
CRLF = re.compile(rb"%0D(%0A)?", re.IGNORECASE)  # CR LF, or a lone CR (as old systems end a line)


def lf(body: bytes) -> bytes:
    r"""A urlencoded body with its line breaks as LF.

    >>> lf(b"comment=a%0D%0Ab%0dc&x=1")
    b'comment=a%0Ab%0Ac&x=1'
    """
    return CRLF.sub(b"%0A", body)


class FormNewlines:
    """ASGI middleware: a urlencoded form's body is read whole (BodyLimit, outside, bounds it) and its CR LF made LF;
    a multipart form's text fields likewise, as its body streams (its files may be large: never held whole)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # the first Content-Type, its media type in any case: as Starlette reads the form
        kind = next((v for k, v in scope.get("headers") or [] if k == b"content-type"), b"") \
            if scope["type"] == "http" else b""
        media, options = parse_options_header(kind)
        if media == FORM:
            await self.app(scope, _whole(receive), send)
        elif media == MULTIPART and (boundary := options.get(b"boundary")):
            await self.app(scope, _parts(receive, boundary), send)
        else:
            await self.app(scope, receive, send)


def _whole(receive: Receive) -> Receive:
    given: list[Message] | None = None

    async def whole() -> Message:
        # read when the app first asks, inside it: a body past its limit is answered as the app answers it (413)
        nonlocal given
        if given is None:
            given = await _read(receive)
        return given.pop(0) if given else await receive()

    return whole


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


class Unreadable(HTTPException):
    """A form's body that cannot be read: a 400 whose detail is said as it is."""

    def __init__(self) -> None:
        super().__init__(400, "表单内容不完整或格式有误，无法读取，请刷新页面后重新提交")


def _parts(receive: Receive, boundary: bytes) -> Receive:
    parts: Parts | None = None

    async def rewritten() -> Message:
        nonlocal parts
        message = await receive()
        if message["type"] != "http.request":
            return message
        try:
            parts = parts or Parts(boundary)
            # off the event loop: a large file's parsing would hold up every other request meanwhile
            body = await anyio.to_thread.run_sync(parts.feed, message.get("body", b""),
                                                  not message.get("more_body", False))
        except FormParserError:
            # the parser that reads the form would refuse it as well: said here, in Chinese (the error page and the
            # API's answer carry this detail)
            raise Unreadable() from None
        return {**message, "body": body}

    return rewritten


class Parts:
    r"""A multipart body written again as it arrives: the same parts and headers, each text field (a part without a
    file name) with its CR LF and lone CR as LF, even when a CR and its LF come in different chunks.

    >>> parts = Parts(b"B")
    >>> head = b'--B\r\nContent-Disposition: form-data; name="t"\r\n\r\na\r'
    >>> parts.feed(head, False) + parts.feed(b'\nb\rc\r\n--B--\r\n', True)
    b'--B\r\nContent-Disposition: form-data; name="t"\r\n\r\na\nb\nc\r\n--B--\r\n'
    """

    def __init__(self, boundary: bytes) -> None:
        self.boundary, self.out = boundary, bytearray()
        self.field = self.value = self.disposition = b""
        self.text = self.cr = False  # a text field's part; its data so far ended in a CR (held back)
        callbacks: MultipartCallbacks = {
            "on_part_begin": self._begin, "on_header_field": self._field, "on_header_value": self._value,
            "on_header_end": self._header, "on_headers_finished": self._headers, "on_part_data": self._data,
            "on_part_end": self._end, "on_end": self._close}
        self.parser = MultipartParser(boundary, callbacks)

    def feed(self, chunk: bytes, last: bool) -> bytes:
        """The body so far, written again; at the ``last`` chunk, all of it."""
        self.parser.write(chunk)
        if last:
            self.parser.finalize()
        written, self.out = bytes(self.out), bytearray()
        return written

    def _begin(self) -> None:
        self.out += b"--" + self.boundary + b"\r\n"
        self.disposition, self.text, self.cr = b"", False, False

    def _field(self, data: bytes, start: int, end: int) -> None:
        self.field += data[start:end]

    def _value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def _header(self) -> None:
        self.out += self.field + b": " + self.value + b"\r\n"
        if self.field.lower() == b"content-disposition":
            self.disposition = self.value
        self.field = self.value = b""

    def _headers(self) -> None:
        self.out += b"\r\n"
        self.text = b"filename" not in parse_options_header(self.disposition)[1]  # as Starlette tells a file

    def _data(self, data: bytes, start: int, end: int) -> None:
        piece = data[start:end]
        if self.text:
            piece = (b"\r" if self.cr else b"") + piece
            self.cr = piece.endswith(b"\r")
            piece = (piece[:-1] if self.cr else piece).replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        self.out += piece

    def _end(self) -> None:
        self.out += (b"\n" if self.cr else b"") + b"\r\n"
        self.cr = False

    def _close(self) -> None:
        self.out += b"--" + self.boundary + b"--\r\n"
