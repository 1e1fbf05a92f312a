"""A stored material as the browser receives it: always a download, of the type its content was checked to be.

An attachment is saved, not shown in the site's origin; ``nosniff`` stops a browser from guessing HTML in it;
a sandboxing CSP covers the file should a browser open it anyway.
"""

from urllib.parse import quote

from fastapi.responses import Response

from huiqi.materials.storage import MEDIA_TYPES, file_name
from huiqi.models import Material

MATERIAL_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


def attachment(row: Material, content: bytes) -> Response:
    """The material's bytes as a download named after the file the applicant uploaded, with the extension of the
    type its content was checked to be (a PDF sent as ``证明材料.html`` downloads as ``证明材料.pdf``)."""
    return Response(content, media_type=MEDIA_TYPES.get(row.media_type, "application/octet-stream"), headers={
        "Content-Disposition": f"attachment; filename=\"material-{row.id}.{row.media_type}\"; "
                               f"filename*=UTF-8''{quote(file_name(row.filename, row.media_type))}",
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": MATERIAL_CSP})
