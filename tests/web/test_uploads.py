"""A file sent with a form is read whole, up to the size the settings allow."""

import io

import pytest
from fastapi import UploadFile

from huiqi.config import get_settings
from huiqi.errors import InputError
from huiqi.web.uploads import read_upload


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setenv("HUIQI_MAX_UPLOAD_BYTES", "10")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_a_file_is_read_whole_up_to_the_limit(small_limit) -> None:
    assert read_upload(None, "sheet") == (None, None)
    assert read_upload(UploadFile(io.BytesIO(b"x"), filename=""), "sheet") == (None, None), "no file chosen"
    assert read_upload(UploadFile(io.BytesIO(b"0123456789"), filename="清单.xlsx"), "sheet") == (
        "清单.xlsx", b"0123456789")
    with pytest.raises(InputError) as refused:
        read_upload(UploadFile(io.BytesIO(b"0123456789!"), filename="清单.xlsx"), "sheet")
    assert refused.value.problems == [("sheet", "文件超过上限 10 字节")]
