"""Signature files: what the platform accepts as a business licence or power of attorney."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from providers.spec import FILE
from providers.spec.vocabulary import SIGNATURE_FILE_MAX_BYTES, SIGNATURE_FILE_NAME_MAX

from .fields import check_fields
from .values import Problem, is_known

__all__ = ["FileFacts", "check_file_use", "check_signature_file", "inspect_file"]

_FILE_NAME_FORBIDDEN = set(" \"#'$%&*/|<>{}[];?!")
_IMAGE_KINDS = ("jpg", "jpeg", "png", "gif")
_FILE_KINDS = (*_IMAGE_KINDS, "pdf")
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"%PDF-", "pdf"),
)


@dataclass(frozen=True)
class FileFacts:
    """What the rules need to know about a signature file."""

    size: int
    kind: str | None  # png, jpeg, gif or pdf by content; None when unrecognised
    sha256: str


def inspect_file(path: Path) -> FileFacts:
    """Size, content type (by magic bytes) and sha256 of a file."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(65536), b""):
            if not head:
                head = chunk[:16]
            digest.update(chunk)
            size += len(chunk)
    kind = next((name for magic, name in _MAGIC if head.startswith(magic)), None)
    return FileFacts(size=size, kind=kind, sha256=digest.hexdigest())


def _extension(path: str) -> str:
    return Path(path).suffix.lower().lstrip(".")


def check_signature_file(inputs: Mapping[str, Any], *, root: Path | None = None) -> list[Problem]:
    """Rules for a signature file: it exists, is ≤ 2 MB, and is a jpg/jpeg/png/gif or pdf
    whose content matches its extension, with a file name the console accepts.

    ``path`` is relative to ``root`` (default: the current directory) unless absolute.
    """
    problems = check_fields(inputs, FILE.fields)
    if not is_known(inputs, "path") or not isinstance(inputs["path"], str):
        return problems
    relative = inputs["path"]
    name = Path(relative).name
    if len(name) > SIGNATURE_FILE_NAME_MAX:
        problems.append(
            Problem("path", f"file name must be {SIGNATURE_FILE_NAME_MAX} characters at most")
        )
    bad = sorted(set(name) & _FILE_NAME_FORBIDDEN)
    if bad:
        problems.append(
            Problem(
                "path",
                f"file name {name!r} contains {' '.join(repr(c) for c in bad)}; "
                "rename it without spaces or any of \"#'$%&*/|<>{}[];?!",
            )
        )
    extension = _extension(relative)
    if extension not in _FILE_KINDS:
        problems.append(
            Problem(
                "path",
                f"file type {extension or '(none)'!r} is not accepted; "
                "use jpg, jpeg, png or gif (or pdf for a power of attorney)",
            )
        )
    full = Path(relative) if Path(relative).is_absolute() else (root or Path.cwd()) / relative
    if not full.is_file():
        problems.append(Problem("path", f"file not found: {relative}"))
        return problems
    facts = inspect_file(full)
    if facts.size > SIGNATURE_FILE_MAX_BYTES:
        problems.append(
            Problem("path", f"file is {facts.size} bytes; signature files must be 2 MB at most")
        )
    if facts.size == 0:
        problems.append(Problem("path", "file is empty"))
    elif extension in _FILE_KINDS and facts.kind != ("jpeg" if extension == "jpg" else extension):
        found = f"a {facts.kind.upper()} file" if facts.kind else "not an image or PDF"
        problems.append(Problem("path", f"content does not match the .{extension} name: {found}"))
    return problems


def check_file_use(path: str, purpose: Literal["licence", "power_of_attorney"]) -> str | None:
    """Why a file cannot serve a purpose, or None: a licence must be an image; a power of
    attorney may also be a PDF."""
    if purpose == "licence" and _extension(path) == "pdf":
        return "a business licence must be a jpg, jpeg, png or gif image, not a PDF"
    return None
