"""``msgsms:SignatureFile``: a business licence or power of attorney uploaded for review.

``check`` reads the file (relative to the project root, or absolute) and adds its ``sha256``
to the inputs, so a new content replaces the upload. Uploads cannot be listed or deleted:
a lost upload answer is simply uploaded again (an extra upload costs nothing and is
referenced by nobody), and deleting the resource has nothing to do remotely. Its fields,
outputs and their behaviour: :data:`providers.spec.FILE`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from providers.client import models
from providers.rules import inspect_file, is_unknown
from providers.spec import FILE

from .base import Created, Live, MsgsmsProvider, ProviderError
from .resource import MsgsmsResource, args_class

if TYPE_CHECKING:  # the client is imported when a call first needs it
    from providers.client import SmsClient

__all__ = ["SignatureFile", "SignatureFileArgs", "SignatureFileProvider"]


def _local_path(path: str) -> Path:
    # the provider runs in the project root, as the engine starts it
    return Path(path) if Path(path).is_absolute() else Path.cwd() / path


@dataclass(frozen=True)
class LiveFile:
    """An uploaded file as the API shows it; its id is the ``file_id``."""

    file: models.SignatureFile

    @property
    def id(self) -> str:
        return self.file.file_id


class SignatureFileProvider(MsgsmsProvider):
    """Uploads signature files; a new content or description uploads a new file."""

    spec = FILE

    def prepare(self, inputs: dict[str, Any]) -> dict[str, Any]:
        inputs.pop("sha256", None)
        path = inputs.get("path")
        if is_unknown(path):
            inputs["sha256"] = path
        elif isinstance(path, str) and _local_path(path).is_file():
            inputs["sha256"] = inspect_file(_local_path(path)).sha256
        return inputs

    def create_remote(self, client: SmsClient, inputs: Mapping[str, Any]) -> Created:
        local = _local_path(inputs["path"])
        content = local.read_bytes()
        if hashlib.sha256(content).hexdigest() != inputs.get("sha256"):
            raise ProviderError(
                f"{inputs['path']} changed between preview and update; run `pulumi up` again"
            )
        uploaded = client.upload_signature_file(
            content,
            local.name,
            file_desc=inputs.get("description"),
            region=inputs["region"],
            # nothing refers to an extra upload: retrying a lost one is harmless
            retry_safe=True,
        )
        return Created(
            uploaded.file_id,
            {
                "file_id": uploaded.file_id,
                "file_name": uploaded.file_name or local.name,
                "file_size": uploaded.file_size or len(content),
            },
        )

    def fetch(self, client: SmsClient, region: str, object_id: str) -> LiveFile:
        return LiveFile(client.show_signature_file(object_id, region=region))

    def shown(self, live: Live) -> models.SignatureFile:
        assert isinstance(live, LiveFile)
        return live.file

    def outputs_from_live(
        self, client: SmsClient, live: Live, inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        assert isinstance(live, LiveFile)
        file = live.file
        return {"file_id": file.file_id, "file_name": file.file_name, "file_size": file.file_size}

    def delete_remote(self, client: SmsClient, object_id: str, outputs: Mapping[str, Any]) -> None:
        """Uploads have no delete operation and cost nothing: forgetting the file is enough."""


SignatureFileArgs = args_class(FILE, __name__)


class SignatureFile(MsgsmsResource[Any], module="msgsms", name="SignatureFile"):
    """An uploaded signature file (type ``pulumi-python:dynamic/msgsms:SignatureFile``).

    The Pulumi id and ``file_id`` are what a signature takes as ``file_id`` or
    ``power_attorney_file_id``. Inputs: :data:`SignatureFileArgs`.
    """

    provider_class = SignatureFileProvider
