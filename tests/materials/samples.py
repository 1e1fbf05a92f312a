"""Small genuine files of each accepted type, built here byte by byte, and hostile look-alikes."""

import io
import struct
import zipfile
import zlib

PDF = (b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n2 0 obj <</Type/Pages/Kids[]/Count 0>> endobj\n"
       b"trailer <</Root 1 0 R>>\nstartxref\n0\n%%EOF\n")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 2, height: int = 2) -> bytes:
    """A grey ``width`` x ``height`` PNG (8-bit greyscale, no interlace)."""
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b""))


def jpeg() -> bytes:
    """A baseline JPEG's segment structure: SOI, APP0, DQT, SOF0 (1x1, one component), DHT, SOS, data, EOI."""
    def segment(marker: int, body: bytes) -> bytes:
        return bytes((0xFF, marker)) + struct.pack(">H", len(body) + 2) + body

    return (b"\xff\xd8" + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + segment(0xDB, b"\x00" + bytes(range(1, 65))) + segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
            + segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00") + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
            + b"\x00\x00" + b"\xff\xd9")


def ofd(root: str = '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>',
        names: tuple[str, ...] = ("OFD.xml", "Doc_0/Document.xml")) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, root if name == "OFD.xml" else "<ofd:Document/>")
    return buffer.getvalue()
