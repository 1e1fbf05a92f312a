"""A file sent with a form, read whole up to the size the settings allow; a CSV's text in its encoding."""

from fastapi import UploadFile

from huiqi.config import get_settings
from huiqi.errors import InputError

ENCODING_HINT = "请存为 UTF-8 编码的 CSV（Excel 中选“CSV UTF-8”）"


def read_upload(file: UploadFile | None, field: str) -> tuple[str | None, bytes | None]:
    """The uploaded file's name and bytes (None, None when none was chosen); refused, naming ``field``, when larger
    than the setting allows. Sync: the file is spooled."""
    if file is None or not file.filename:
        return None, None
    limit = get_settings().max_upload_bytes
    file.file.seek(0)
    content = file.file.read(limit + 1)
    if len(content) > limit:
        shown = f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} 字节"
        raise InputError([(field, f"文件超过上限 {shown}")])
    return file.filename, content


def csv_text(content: bytes, field: str) -> str:
    """A CSV's text: UTF-8 (with or without BOM), else GB18030 (the GBK Chinese Excel saves); refused, naming
    ``field``, when it is neither.

    >>> csv_text("级别\\n国家级\\n".encode("gbk"), "文件"), csv_text("\\ufeff级别".encode(), "文件")
    ('级别\\n国家级\\n', '级别')
    """
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError([(field, f"文件的编码无法识别：{ENCODING_HINT}")]) from None
