"""Signature files: business licences and powers of attorney uploaded for review."""

from __future__ import annotations

from .base import Response

__all__ = ["SignatureFile", "SignatureFileUploaded"]


class SignatureFileUploaded(Response):
    """UploadSignatureFile answer (newer API versions add the fields of `SignatureFile`)."""

    file_id: str
    file_name: str | None = None
    file_size: int | None = None


class SignatureFile(Response):
    """ShowSignatureFile answer."""

    file_id: str
    file_name: str | None = None
    file_ref: int | None = None
    file_size: int | None = None
    file_type: int | None = None
    module_type: int | None = None
    operator: str | None = None
    file_desc: str | None = None
    update_time: str | None = None
