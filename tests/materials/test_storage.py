"""Materials are told apart by content, not name; checked to be what they claim; stored by content hash."""

import pytest

from huiqi.errors import MaterialError
from huiqi.materials import storage
from tests.materials.samples import PDF, jpeg, ofd, png

PNG, JPG = png(), jpeg()


def test_types_by_content() -> None:
    assert storage.sniff(b"%PDF-1.4 ...") == "pdf"
    assert storage.sniff(PNG) == "png" and storage.sniff(JPG) == "jpg"
    assert storage.sniff(ofd()) == "ofd"


def test_genuine_files_pass_the_check() -> None:
    assert [storage.check(c, 10_000) for c in (PDF, PNG, JPG, ofd())] == ["pdf", "png", "jpg", "ofd"]


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00 an executable renamed to .pdf", ofd(names=("word/document.xml",)), b"PK\x03\x04 not really a zip",
    b"<html>%PDF-</html>",
])
def test_other_content_is_refused(content: bytes) -> None:
    with pytest.raises(MaterialError):
        storage.sniff(content)


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(("content", "why"), [
    (b"%PDF-1.7\n" + HTML, "HTML"),
    (b"%PDF-1.7\n" + HTML + b"\ntrailer <<>>\n%%EOF\n", "HTML"),
    (PDF.replace(b"%%EOF", b""), "%%EOF"),
    (b"%PDF-1.7\n%%EOF\n", "trailer"),
    (PNG[:-12], "IEND"),
    (PNG[:40] + bytes([PNG[40] ^ 0xFF]) + PNG[41:], "校验和"),
    (PNG + HTML, "之后"),
    (png(4, 4)[:33] + png(2, 2)[33:], "尺寸"),  # a 4x4 header over 2x2 data
    (b"\x89PNG\r\n\x1a\n" + HTML, "不完整"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "段"),
    (b"\xff\xd8\xff" + HTML, "段"),
    (JPG[:-2], "EOI"),
    (ofd(root="<html/>"), "根元素"),
    (ofd(root="<ofd:OFD"), "无法解析"),
])
def test_content_that_is_not_what_it_claims_is_refused(content: bytes, why: str) -> None:
    with pytest.raises(MaterialError, match=why):
        storage.check(content, 10_000)


def test_size_limits() -> None:
    with pytest.raises(MaterialError, match="空"):
        storage.check(b"", 100)
    with pytest.raises(MaterialError, match="超过上限"):
        storage.check(PDF + b"x" * 100, len(PDF))
    assert storage.check(PDF, len(PDF)) == "pdf"


def test_stored_under_its_hash_without_leftovers(tmp_path) -> None:
    digest = storage.store(tmp_path, PNG)
    assert storage.read(tmp_path, digest) == PNG
    assert storage.store(tmp_path, PNG) == digest
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files == [tmp_path / digest[:2] / digest], "no temporary files left behind"
