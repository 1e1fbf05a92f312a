"""Tell a file's type from its content, and store it on disk under its SHA-256, atomically.

The name a file arrives with says nothing: a PNG renamed ``.pdf`` is a PNG, and an executable
renamed ``.pdf`` is refused. OFD (GB/T 33190) is a ZIP package whose root holds ``OFD.xml``.
"""

import hashlib
import io
import os
import tempfile
import zipfile
from pathlib import Path

from huiqi.errors import MaterialError

KINDS = {"pdf": "PDF", "ofd": "OFD", "jpg": "JPG", "png": "PNG"}
MEDIA_TYPES = {"pdf": "application/pdf", "ofd": "application/ofd", "jpg": "image/jpeg", "png": "image/png"}


def sniff(content: bytes) -> str:
    """The type of ``content`` read from its first bytes: pdf, ofd, jpg or png.

    >>> sniff(b"%PDF-1.7\\n..."), sniff(b"\\x89PNG\\r\\n\\x1a\\n...."), sniff(b"\\xff\\xd8\\xff\\xe0..")
    ('pdf', 'png', 'jpg')
    """
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"PK\x03\x04") and _is_ofd(content):
        return "ofd"
    raise MaterialError("文件内容不是 PDF、OFD、JPG 或 PNG（按文件内容判断，与文件名无关）")


def _is_ofd(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            return "OFD.xml" in package.namelist()
    except zipfile.BadZipFile:
        return False


def check(content: bytes, max_bytes: int) -> str:
    """Refuse empty or oversized content, and content of another type; return its type."""
    if not content:
        raise MaterialError("文件是空的")
    if len(content) > max_bytes:
        raise MaterialError(f"文件大小 {len(content)} 字节，超过上限 {max_bytes} 字节")
    return sniff(content)


def path_of(root: Path, sha256: str) -> Path:
    return Path(root) / sha256[:2] / sha256


def store(root: Path, content: bytes) -> str:
    """Write ``content`` under its SHA-256 (written to a temporary file, synced, then renamed into place)."""
    sha256 = hashlib.sha256(content).hexdigest()
    final = path_of(root, sha256)
    if final.exists():
        return sha256
    final.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=final.parent, prefix=".incoming-", delete=False) as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, final)
    return sha256


def read(root: Path, sha256: str) -> bytes:
    return path_of(root, sha256).read_bytes()
