"""A file sent with a form, read whole up to the size the settings allow."""

from fastapi import UploadFile

from huiqi.config import get_settings
from huiqi.errors import InputError
from huiqi.materials.storage import file_size


def read_upload(file: UploadFile | None, field: str) -> tuple[str | None, bytes | None]:
    """The uploaded file's name and bytes (None, None when none was chosen); refused, naming ``field``, when larger
    than the setting allows. Sync: the file is spooled."""
    if file is None or not file.filename:
        return None, None
    limit = get_settings().max_upload_bytes
    file.file.seek(0)
    content = file.file.read(limit + 1)
    if len(content) > limit:
        raise InputError([(field, f"文件超过上限 {file_size(limit, exact=True)}")])
    return file.filename, content
