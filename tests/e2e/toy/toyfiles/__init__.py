"""The toy resource: a text file in the directory named by the ``toy:dir`` stack config."""

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from .provider import FileProvider

__all__ = ["File", "FileProvider"]


class File(Resource, module="toy", name="File"):
    """A text file. ``path`` and ``format`` force a replacement, ``content`` updates in place.

    With ``engine_diff`` the provider's diff answers "don't know" and the engine diffs the
    inputs itself (where ``replace_on_changes`` applies).
    """

    key: pulumi.Output[str]
    path: pulumi.Output[str]
    content: pulumi.Output[str]
    format: pulumi.Output[str]
    full_path: pulumi.Output[str]
    sha256: pulumi.Output[str]
    version: pulumi.Output[float]
    token: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        path: pulumi.Input[str],
        content: pulumi.Input[str],
        format: pulumi.Input[str] | None = None,
        engine_diff: bool | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props: dict[str, Any] = {
            "key": name,
            "path": path,
            "content": content,
            "format": format,
            "engine_diff": engine_diff,
            # Output-only attributes exist on the object only when seeded here.
            "full_path": None,
            "sha256": None,
            "version": None,
            "token": None,
        }
        secret_token = pulumi.ResourceOptions(additional_secret_outputs=["token"])
        super().__init__(
            FileProvider(), name, props, pulumi.ResourceOptions.merge(opts, secret_token)
        )
