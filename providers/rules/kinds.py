"""The rules of each kind of object: its fields' rules (from its descriptors) and the rules
that tie its fields together."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from providers.spec import APP, SIGNATURE

from .fields import check_fields, scoped
from .files import check_signature_file
from .templates import check_template
from .values import Problem, is_present

__all__ = ["check", "check_app", "check_signature"]


def check_app(inputs: Mapping[str, Any]) -> list[Problem]:
    """Rules for an application (reference §1.3 SmsAppAddReq)."""
    problems = check_fields(inputs, APP.fields)
    if inputs.get("scope") == "intl":
        problems += scoped(inputs, ["up_link_addr"], "intl")
    return problems


def check_signature(inputs: Mapping[str, Any]) -> list[Problem]:
    """Rules for a signature (reference §1.3 SmsSignatureReq and the signature FAQ)."""
    problems = check_fields(inputs, SIGNATURE.fields)
    name = inputs.get("signature_name")
    if isinstance(name, str) and name.isdigit():
        problems.append(Problem("signature_name", "must not be all digits"))
    if inputs.get("is_involved_third") == "Yes" and not is_present(
        inputs, "power_attorney_file_id"
    ):
        problems.append(
            Problem(
                "power_attorney_file_id",
                "is required for a signature that involves a third party: "
                "upload the power of attorney",
            )
        )
    return problems


_CHECKS: Mapping[str, Callable[[Mapping[str, Any]], list[Problem]]] = {
    "app": check_app,
    "signature": check_signature,
    "template": check_template,
}


def check(kind: str, inputs: Mapping[str, Any], *, root: Path | None = None) -> list[Problem]:
    """The rules of one kind of object (``providers.spec`` names them): its fields' and its
    own. ``root`` is the folder a file's ``path`` is relative to (default: the current one)."""
    if kind == "file":
        return check_signature_file(inputs, root=root)
    return _CHECKS[kind](inputs)
