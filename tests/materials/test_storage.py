"""Materials are told apart by content, not name; stored by content hash, atomically."""

import io
import zipfile

import pytest

from huiqi.errors import MaterialError
from huiqi.materials import storage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 20


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in names:
            package.writestr(name, "<ofd:OFD/>")
    return buffer.getvalue()


def test_types_by_content() -> None:
    assert storage.sniff(b"%PDF-1.4 ...") == "pdf"
    assert storage.sniff(PNG) == "png" and storage.sniff(JPG) == "jpg"
    assert storage.sniff(_zip(["OFD.xml", "Doc_0/Document.xml"])) == "ofd"


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00 an executable renamed to .pdf", _zip(["word/document.xml"]), b"PK\x03\x04 not really a zip",
    b"<html>%PDF-</html>",
])
def test_other_content_is_refused(content: bytes) -> None:
    with pytest.raises(MaterialError):
        storage.sniff(content)


def test_size_limits() -> None:
    with pytest.raises(MaterialError, match="空"):
        storage.check(b"", 100)
    with pytest.raises(MaterialError, match="超过上限"):
        storage.check(b"%PDF-" + b"x" * 100, 100)
    assert storage.check(b"%PDF-" + b"x" * 95, 100) == "pdf"


def test_stored_under_its_hash_without_leftovers(tmp_path) -> None:
    digest = storage.store(tmp_path, PNG)
    assert storage.read(tmp_path, digest) == PNG
    assert storage.store(tmp_path, PNG) == digest
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [tmp_path / digest[:2] / digest], "no temporary files left behind"
