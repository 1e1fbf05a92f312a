"""Request bodies within a setting's limit: 413 (in Chinese) beyond it, before the body is kept anywhere.

Uploads have their own, larger limits (materials, simulation populations), and so have the policy catalogue's
forms, whose file may be larger than a request; everything else is JSON or a form and small. The limit is checked
against the declared length and against what actually arrives.
"""

import re

from python_multipart.multipart import parse_options_header
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from huiqi.catalogue import MAX_BYTES
from huiqi.config import Settings, get_settings
from huiqi.materials.storage import file_size

SLACK = 1024 * 1024  # a multipart body's boundaries, headers and other fields around the file itself
UPLOADS = ("/simulate", "/api/v1/simulations")
PEEK = 64 * 1024  # of a page's upload refused for its size: enough for the form's fields ahead of its file
TOO_LARGE = "too-large"  # the application page's ?upload= after its upload was refused for its size
# The forms that carry a policy file (uploaded, pasted, edited): a file within its bound (catalogue.MAX_BYTES) reaches
# the form, which refuses a larger one beside its box. Pasted or edited, a form encodes each byte as %XX at worst.
POLICY_FORMS = re.compile(r"/admin/policies(/[0-9]+/edit)?")
POLICY_FORM_BYTES = 3 * MAX_BYTES + SLACK


def limit_for(path: str, settings: Settings) -> int:
    """The largest body a request to ``path`` may carry.

    >>> s = Settings(max_material_bytes=10, max_upload_bytes=20, max_request_bytes=2048)
    >>> limit_for("/api/v1/applications/7/materials", s) - SLACK, limit_for("/simulate", s) - SLACK
    (10, 20)
    >>> limit_for("/api/v1/match", s), limit_for("/admin/policies/7/edit", s) == POLICY_FORM_BYTES
    (2048, True)
    """
    if path.endswith("/materials"):
        return settings.max_material_bytes + SLACK
    if path in UPLOADS:
        return settings.max_upload_bytes + SLACK
    if POLICY_FORMS.fullmatch(path):
        return max(POLICY_FORM_BYTES, settings.max_request_bytes)
    return settings.max_request_bytes


class TooLarge(HTTPException):
    """A body past its limit (413); ``fields``: the text fields ahead of the file in a page's upload form (its
    材料类别), so that the page says the refusal beside the file and keeps what was chosen."""

    def __init__(self, detail: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(413, detail)
        self.fields = fields or {}


def too_large(path: str, limit: int, fields: dict[str, str] | None = None) -> TooLarge:
    """The refusal of a body past ``limit``, naming the limit people meet: for an upload the file's own (the slack
    for the form around it is ours, not theirs).

    >>> too_large("/applications/7/materials", 20 * 1024 * 1024 + SLACK).detail
    '上传的文件超过上限 20 MB，请缩小后再试'
    """
    if path.endswith("/materials") or path in UPLOADS:
        return TooLarge(f"上传的文件超过上限 {file_size(limit - SLACK, exact=True)}，请缩小后再试", fields)
    if POLICY_FORMS.fullmatch(path):  # the file's bound, not the room its form is given around it
        return TooLarge(f"政策文件过大，最多 {file_size(MAX_BYTES, exact=True)}（UTF-8 编码），请缩小后再试")
    return TooLarge(f"请求内容超过上限 {file_size(limit, exact=True)}，请缩小后再试")


def page_upload(path: str) -> bool:
    """A page's form uploading a material (not the API's).

    >>> page_upload("/applications/7/materials"), page_upload("/api/v1/applications/7/materials")
    (True, False)
    """
    return path.endswith("/materials") and not path.startswith("/api/")


def form_fields(content_type: bytes, start: bytes, most: int = 100) -> dict[str, str]:
    r"""The text fields (parts without a file name) whose whole part lies in ``start``, the beginning of a multipart
    body (a form sends its fields in their order: those ahead of the file), each cut to ``most`` characters.

    >>> body = ('--B\r\nContent-Disposition: form-data; name="kind"\r\n\r\n申报书\r\n--B\r\n'
    ...         'Content-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7').encode()
    >>> form_fields(b"multipart/form-data; boundary=B", body), form_fields(b"application/json", body)
    ({'kind': '申报书'}, {})
    """
    media, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if media != b"multipart/form-data" or not boundary:
        return {}
    found = {}
    for part in start.split(b"--" + boundary)[1:-1]:  # the last part may be cut off where the beginning ends
        head, _, value = part.partition(b"\r\n\r\n")
        said = [line.split(b":", 1)[1] for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-disposition:")]
        _, named = parse_options_header(said[0] if said else b"")
        if b"name" in named and b"filename" not in named:
            text = value.removesuffix(b"\r\n").decode("utf-8", "replace")
            found[named[b"name"].decode("utf-8", "replace")] = text[:most]
    return found


async def _beginning(receive: Receive) -> bytes:
    """The first ``PEEK`` bytes of a body (fewer when it ends before)."""
    start = b""
    while len(start) < PEEK:
        message = await receive()
        start += message.get("body", b"")
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    return start


class BodyLimit:
    """ASGI middleware: the body of a request is refused with 413 once it passes its limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], get_settings())
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"")
        received = 0

        async def counted() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > limit:
                # FastAPI and the error handlers answer an HTTPException raised while reading; a page's upload
                # keeps the fields ahead of its file (材料类别), read from the body's beginning alone
                ahead = form_fields(headers.get(b"content-type", b""), await _beginning(receive)) \
                    if page_upload(scope["path"]) else None
                raise too_large(scope["path"], limit, ahead)
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large(scope["path"], limit)
            return message

        await self.app(scope, counted, send)
