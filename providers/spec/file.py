"""Signature files: a business licence or power of attorney uploaded for a signature's review."""

from __future__ import annotations

from dataclasses import replace

from .field import Field, Output
from .kind import OPTION_FIELDS, REGION, Kind

FILE = Kind(
    name="file",
    section="files",
    title="SignatureFile",
    description="An uploaded signature file: a business licence or power of attorney",
    fields=(
        replace(
            REGION,
            description="Upload region; default: the region of the signatures that use it",
        ),
        Field(
            "path",
            description="Image (jpg, jpeg, png, gif; pdf for a power of attorney) of at most "
            "2 MB, relative to the catalog; a new content replaces the upload",
            catalog="path",
            catalog_required=True,
            derived=True,
            required=True,
            min_len=1,
            max_len=4096,
            remote=False,
        ),
        Field(
            "description",
            description="file_desc: 1-64 characters; changing it replaces the upload",
            catalog="description",
            min_len=1,
            max_len=64,
            api="file_desc",
            replaces=True,
        ),
        Field(
            "sha256",
            description="SHA-256 of the file's content (added by check)",
            declared=False,
            shown=False,
            replaces=True,
            api="",
        ),
        *OPTION_FIELDS,
    ),
    outputs=(
        Output("file_id", str, "What a signature takes as file_id or power_attorney_file_id"),
        Output("file_name", str),
        Output("file_size", int),
    ),
    name_key="path",
    exports=("id", "file_id"),
    reference_output="file_id",
    resource="providers.resources.signature_file:SignatureFile",
    # an upload takes the region of the signatures that use it
    catalog_after=("signature",),
)
