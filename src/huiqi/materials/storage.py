"""Tell a file's type from its content, check that it is what it claims, and store it under its SHA-256.

The name a file arrives with says nothing: a PNG renamed ``.pdf`` is a PNG, and an executable
renamed ``.pdf`` is refused. The first bytes only say what a file claims to be; ``check`` then reads
its structure (pure Python, no new dependency: a reviewer's browser or reader does the real rendering):
a PDF has its trailer and ``%%EOF`` and holds no HTML document; a PNG's chunks are whole, their checksums
right and its image data inflates to the size its header gives; a JPEG's segments run from SOI through a
frame and a scan to EOI; an OFD (GB/T 33190) is a ZIP package whose root ``OFD.xml`` is an ``OFD`` document.
"""

import hashlib
import io
import os
import re
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

from huiqi.errors import MaterialError

KINDS = {"pdf": "PDF", "ofd": "OFD", "jpg": "JPG", "png": "PNG"}
MEDIA_TYPES = {"pdf": "application/pdf", "ofd": "application/ofd", "jpg": "image/jpeg", "png": "image/png"}


def file_name(sent: str, kind: str) -> str:
    """The name a stored file is shown and downloaded by: the sent name without its folders (``../``, ``C:\\``),
    its extension that of the type the content is (``kind``), whatever the name claimed.

    >>> file_name("../../证明材料.html", "pdf"), file_name("C:\\扫描\\营业执照.JPEG", "jpg"), file_name("..", "png")
    ('证明材料.pdf', '营业执照.jpg', '材料.png')
    """
    base = re.split(r"[/\\]", sent)[-1].strip()
    stem, dot, _ = base.rpartition(".")
    stem = (stem if dot else base).strip(" .")
    return f"{stem[:240] or '材料'}.{kind}"


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


MB = 1024 * 1024


def file_size(size: int, *, exact: bool = False) -> str:
    """A size as people read it: MB (of 1024 × 1024 bytes, as computers show file sizes) from 1 MB; below it KB (a
    tenth at least, for a file of a few bytes). When ``exact`` (a refusal), bytes below 1 MB (2049 bytes is over
    2048) and MB rounded up from it, so that a file a few bytes over 20 MB never reads as 20 MB.

    >>> file_size(138), file_size(4096), file_size(150_000), file_size(21_000_000), file_size(0), file_size(20 * MB)
    ('0.1 KB', '4 KB', '146.5 KB', '20.03 MB', '0 KB', '20 MB')
    >>> file_size(4096, exact=True), file_size(20 * MB + 5, exact=True), file_size(20 * MB, exact=True)
    ('4096 字节', '20.01 MB', '20 MB')
    """
    if size >= MB:
        hundredths = -(-size * 100 // MB) if exact else round(size * 100 / MB)
        return f"{hundredths / 100:.2f}".rstrip("0").rstrip(".") + " MB"
    if exact:
        return f"{size} 字节"
    kb = max(size / 1024, 0.1) if size else 0
    return f"{kb:.1f}".rstrip("0").rstrip(".") + " KB"


def check(content: bytes, max_bytes: int) -> str:
    """Refuse empty or oversized content, content of another type, and content that is not what its first
    bytes claim; return its type."""
    if not content:
        raise MaterialError("文件是空的")
    if len(content) > max_bytes:
        size, limit = file_size(len(content), exact=True), file_size(max_bytes, exact=True)
        raise MaterialError(f"文件大小 {size}，超过上限 {limit}")
    kind = sniff(content)
    if (why := VERIFY[kind](content)) is not None:
        raise MaterialError(f"文件开头像 {KINDS[kind]}，但内容不是有效的 {KINDS[kind]}：{why}")
    return kind


# A browser that is given an HTML document runs its scripts, whatever the file claims to be.
HTML = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg)[\s>/]", re.IGNORECASE)


def pdf_problem(content: bytes) -> str | None:
    """Why ``content`` is not a PDF (header, objects, trailer, ``%%EOF``; no HTML inside), or None.

    >>> pdf_problem(b"%PDF-1.7\\n1 0 obj <<>> endobj\\ntrailer <<>>\\n%%EOF\\n") is None
    True
    >>> pdf_problem(b"%PDF-1.7\\n<html><script>alert(1)</script></html>\\ntrailer\\n%%EOF")
    '含有网页（HTML）内容'
    """
    if HTML.search(content):
        return "含有网页（HTML）内容"
    if b"%%EOF" not in content[-1024:]:
        return "缺少文件结尾标记（%%EOF）"
    if b"trailer" not in content and b"startxref" not in content:
        return "缺少文件尾（trailer/startxref）"
    if b" obj" not in content and b"\nobj" not in content:
        return "没有任何 PDF 对象"
    return None


# Bits per pixel of each PNG colour type, per bit of depth (channels).
PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
MAX_PIXELS = 200_000_000  # a scanned A0 page at 600 dpi is about 70 million


def png_problem(content: bytes) -> str | None:
    """Why ``content`` is not a PNG that decodes (chunks, checksums, image data of the header's size), or None."""
    at, chunks, data = 8, [], []
    while at + 12 <= len(content):
        length, kind = struct.unpack(">I4s", content[at:at + 8])
        body = content[at + 8:at + 8 + length]
        if len(body) < length or content[at + 8 + length:at + 12 + length] != struct.pack(
                ">I", zlib.crc32(kind + body)):
            return f"数据块 {kind.decode('latin-1')!r} 不完整或校验和不符"
        chunks.append(kind)
        if kind == b"IDAT":
            data.append(body)
        at += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[0] != b"IHDR" or chunks[-1] != b"IEND" or not data:
        return "缺少文件头（IHDR）、图像数据（IDAT）或结尾（IEND）"
    if at != len(content):
        return "结尾（IEND）之后还有其他内容"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", content[16:29])
    if colour not in PNG_CHANNELS or not width or not height or width * height > MAX_PIXELS:
        return "图像尺寸或颜色类型无效"
    expected = height * (1 + (width * PNG_CHANNELS[colour] * depth + 7) // 8)
    return _inflates(b"".join(data), expected, exact=not interlace)


def _inflates(data: bytes, expected: int, exact: bool) -> str | None:
    """Inflate piecewise (never more than a little past ``expected``): a zip bomb stops early."""
    inflater, total = zlib.decompressobj(), 0
    try:
        pending = data
        while pending and total <= expected:
            total += len(inflater.decompress(pending, 1 << 20))
            pending = inflater.unconsumed_tail
    except zlib.error:
        return "图像数据无法解压"
    if not inflater.eof or total > expected or (exact and total != expected):
        return "图像数据与尺寸不符"
    return None


# JPEG markers: standalone (no length), start of frame (SOF0–15 but DHT C4, JPG C8, DAC CC), scan, end.
STANDALONE = {0x01, *range(0xD0, 0xD8)}
FRAMES = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def jpeg_problem(content: bytes) -> str | None:
    """Why ``content`` is not a JPEG (segments from SOI through a frame and a scan to EOI), or None."""
    at, frame = 2, False
    while at + 4 <= len(content):
        if content[at] != 0xFF:
            return "段结构损坏"
        marker = content[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in STANDALONE:
            at += 2
            continue
        (length,) = struct.unpack(">H", content[at + 2:at + 4])
        if length < 2 or at + 2 + length > len(content):
            return "段长度无效"
        frame = frame or marker in FRAMES
        if marker == 0xDA:
            if not frame:
                return "扫描数据之前没有图像帧（SOF）"
            return None if content.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9") else "缺少结尾标记（EOI）"
        at += 2 + length
    return "没有扫描数据（SOS）"


def ofd_problem(content: bytes) -> str | None:
    """Why ``content`` is not an OFD package (a valid ZIP whose root ``OFD.xml`` is an ``OFD`` document), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            entry = package.getinfo("OFD.xml")
            if entry.file_size > 1024 * 1024:
                return "OFD.xml 过大"
            root = ElementTree.fromstring(package.read(entry))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError, ValueError, zlib.error):
        return "不是有效的 OFD 包（ZIP 损坏，或 OFD.xml 缺失、无法解析）"
    if root.tag.rsplit("}", 1)[-1] != "OFD":
        return "OFD.xml 的根元素不是 OFD"
    return None


VERIFY = {"pdf": pdf_problem, "png": png_problem, "jpg": jpeg_problem, "ofd": ofd_problem}


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
