"""Request bodies within a setting's limit: 413 (in Chinese) beyond it, before the body is kept anywhere.

Uploads have their own, larger limits (materials, simulation populations), and so have the policy catalogue's
forms, whose file may be larger than a request; everything else is JSON or a form and small. The limit is checked
against the declared length and against what actually arrives.
"""

import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from huiqi.catalogue import MAX_BYTES
from huiqi.config import Settings, get_settings
from huiqi.materials.storage import file_size

SLACK = 1024 * 1024  # a multipart body's boundaries, headers and other fields around the file itself
UPLOADS = ("/simulate", "/api/v1/simulations")
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


def too_large(path: str, limit: int) -> HTTPException:
    """The refusal of a body past ``limit``, naming the limit people meet: for an upload the file's own (the slack
    for the form around it is ours, not theirs).

    >>> too_large("/applications/7/materials", 20 * 1024 * 1024 + SLACK).detail
    '上传的文件超过上限 20 MB，请缩小后再试'
    """
    if path.endswith("/materials") or path in UPLOADS:
        return HTTPException(413, f"上传的文件超过上限 {file_size(limit - SLACK, exact=True)}，请缩小后再试")
    if POLICY_FORMS.fullmatch(path):  # the file's bound, not the room its form is given around it
        return HTTPException(413, f"政策文件过大，最多 {file_size(MAX_BYTES, exact=True)}（UTF-8 编码），请缩小后再试")
    return HTTPException(413, f"请求内容超过上限 {file_size(limit, exact=True)}，请缩小后再试")


class BodyLimit:
    """ASGI middleware: the body of a request is refused with 413 once it passes its limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], get_settings())
        declared = dict(scope["headers"]).get(b"content-length", b"")
        received = 0

        async def counted() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > limit:
                # FastAPI and the error handlers answer an HTTPException raised while reading
                raise too_large(scope["path"], limit)
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large(scope["path"], limit)
            return message

        await self.app(scope, counted, send)
