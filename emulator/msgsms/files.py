"""Signature files: the business licences and powers of attorney a signature refers to."""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any

from ..core.clock import api_time
from ..iam.identity import Project
from .base import Service
from .errors import MsgsmsError

__all__ = ["MAX_FILE_BYTES", "FileService"]

#: Console limits (reference §1.3 Upload): 2 MB, jpg/jpeg/png/gif/pdf, a plain name ≤ 64. A
#: name that is empty, too long or has a space is MSGSMS.0132, one with a character of
#: ``"#'$%&*/|<>{}[];?!`` MSGSMS.0133 (the error-code page, sms_05_0060).
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NAME_LENGTH = 64
_SPACE = re.compile(r"\s")
_FORBIDDEN_NAME = re.compile(r"[\"#'$%&*/|<>{}\[\];?!]")
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "pdf": (b"%PDF-",),
}


class FileService(Service):
    def upload(
        self,
        project: Project,
        file_name: str,
        content: bytes,
        content_type: str | None,
        file_desc: str | None,
    ) -> dict[str, str]:
        _check_file(file_name, content)
        file_id = str(uuid.uuid4())
        with self.ctx.transaction() as conn:
            conn.execute(
                "INSERT INTO files (file_id, project_id, file_name, file_size, file_desc,"
                " content_type, sha256, content, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    file_id,
                    project.id,
                    file_name,
                    len(content),
                    file_desc,
                    content_type,
                    hashlib.sha256(content).hexdigest(),
                    content,
                    self.now(),
                ),
            )
        return {"file_id": file_id}

    def show(self, project: Project, file_id: str) -> dict[str, Any]:
        with self.ctx.transaction() as conn:
            row = conn.execute(
                "SELECT file_id, file_name, file_size, file_desc, updated_at FROM files"
                " WHERE file_id = ? AND project_id = ?",
                (file_id, project.id),
            ).fetchone()
        if row is None:
            raise MsgsmsError("MSGSMS.0011", f"file {file_id} does not exist in this project")
        return {
            "file_id": row["file_id"],
            "file_name": row["file_name"],
            "file_ref": 1,
            "file_size": row["file_size"],
            "file_type": 1,  # contract file
            "module_type": 2,  # SMS
            "operator": self.ctx.account.user_id,
            "file_desc": row["file_desc"],
            "update_time": api_time(row["updated_at"]),
        }


def _check_file(file_name: str, content: bytes) -> None:
    if not file_name or len(file_name) > MAX_NAME_LENGTH or _SPACE.search(file_name):
        raise MsgsmsError(
            "MSGSMS.0132",
            f"file: the file name must have 1-{MAX_NAME_LENGTH} characters and no spaces",
        )
    if _FORBIDDEN_NAME.search(file_name):
        raise MsgsmsError(
            "MSGSMS.0133",
            f"file: the file name {file_name!r} must not contain any of \"#'$%&*/|<>{{}}[];?!",
        )
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in _MAGIC:
        raise MsgsmsError.invalid(f"file: {file_name!r} is not a jpg, jpeg, png, gif or pdf file")
    if not content:
        raise MsgsmsError.invalid("file: the file is empty")
    if len(content) > MAX_FILE_BYTES:
        raise MsgsmsError.invalid(
            f"file: {len(content)} bytes is more than the {MAX_FILE_BYTES} bytes (2 MB) allowed"
        )
    if not content.startswith(_MAGIC[extension]):
        raise MsgsmsError.invalid(f"file: the content of {file_name!r} is not a {extension} file")
