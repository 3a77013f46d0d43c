"""Regenerate the definition files of this folder from a copy of the API Explorer definitions.

    git clone https://github.com/mingyang91/huawei-cloud-api-definitions /tmp/defs
    python -m tests.emulator.definitions.extract /tmp/defs [--commit SHA]

The copy may be a checkout or a bare clone. Each operation the emulator serves becomes one
small JSON file, ``<service>/<Operation>.json``, holding only what the definitions test
compares: method, path, media types, and the constraints of every parameter and body field
(types, required, lengths, ranges, patterns, enums, ``@NotBlank``). ``index.json`` records the
repository, the commit and the files. Nothing here runs at test time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path
from typing import Any

__all__ = ["OPERATIONS", "REPOSITORY", "extract", "main"]

REPOSITORY = "mingyang91/huawei-cloud-api-definitions"
HERE = Path(__file__).resolve().parent

#: The operations of the definitions that the emulator serves, by service.
OPERATIONS: dict[str, tuple[str, ...]] = {
    "MSGSMS": (
        "CreateApp",
        "ListAppDetails",
        "ShowApp",
        "ShowAppCount",
        "UpdateApp",
        "CreateSignature",
        "ListSignatureDetails",
        "ShowSignature",
        "UpdateSignature",
        "DeleteSignature",
        "EnableSignature",
        "UploadSignatureFile",
        "ShowSignatureFile",
        "CreateTemplate",
        "ListTemplateDetails",
        "ShowTemplate",
        "UpdateTemplate",
        "DeleteTemplate",
        "ListTemplateVarilableDetails",
        "ListSendCountryDetails",
    ),
    "SMSApi": ("BatchSendSms", "BatchSendDiffSms"),
    "IAM": ("KeystoneCreateUserTokenByPassword", "KeystoneListProjects"),
}

#: Schema keywords the test compares; everything else (descriptions, examples) is dropped.
_KEPT = (
    "type",
    "required",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "enum",
)
_METHODS = ("get", "put", "post", "delete", "patch")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def _not_blank(schema: dict[str, Any]) -> bool:
    annotations = schema.get("x-annotations") or []
    if isinstance(annotations, str):
        annotations = [annotations]
    return "@NotBlank" in annotations


def _trim(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """The schema with references inlined and only the compared keywords kept."""
    if "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[1]]
    trimmed: dict[str, Any] = {key: schema[key] for key in _KEPT if key in schema}
    if _not_blank(schema):
        trimmed["notBlank"] = True
    if "properties" in schema:
        trimmed["type"] = trimmed.get("type", "object")
        trimmed["properties"] = {
            name: _trim(value, definitions) for name, value in schema["properties"].items()
        }
    if "items" in schema:
        trimmed["items"] = _trim(schema["items"], definitions)
    return trimmed


def _media_types(document: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    consumes = operation.get("consumes") or document.get("consumes") or []
    if isinstance(consumes, str):
        consumes = json.loads(consumes) if consumes.startswith("[") else [consumes]
    return sorted(consumes)


def _operation(document: dict[str, Any]) -> dict[str, Any]:
    definitions = document.get("definitions") or {}
    shared = document.get("parameters") or {}
    [(path, item)] = document["paths"].items()
    [method] = [m for m in item if m in _METHODS]
    operation = item[method]
    parameters: list[dict[str, Any]] = []
    body: dict[str, Any] | None = None
    for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
        if "$ref" in parameter:
            parameter = shared[parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "body":
            required = bool(parameter.get("required"))
            body = {"required": required, "schema": _trim(parameter["schema"], definitions)}
            continue
        kept = {key: parameter[key] for key in _KEPT if key in parameter}
        if _not_blank(parameter):
            kept["notBlank"] = True
        parameters.append({"in": parameter["in"], "name": parameter["name"], **kept})
    extracted: dict[str, Any] = {
        "operation": operation["operationId"],
        "method": method.upper(),
        "path": path,
        "parameters": parameters,
    }
    if body is not None or any(p["in"] == "formData" for p in parameters):
        extracted["consumes"] = _media_types(document, operation)
    if body is not None:
        extracted["body"] = body
    return extracted


def extract(repo: Path, commit: str, target: Path = HERE) -> dict[str, Any]:
    """Write the trimmed definitions of ``commit`` of ``repo`` under ``target``; the index."""
    resolved = _git(repo, "rev-parse", f"{commit}^{{commit}}").strip()
    files: dict[str, str] = {}
    for service, operations in OPERATIONS.items():
        (target / service).mkdir(parents=True, exist_ok=True)
        for name in operations:
            source = f"schemas/{service}/src/{name}.json"
            document = json.loads(_git(repo, "show", f"{resolved}:{source}"))
            written = f"{service}/{name}.json"
            text = json.dumps(_operation(document), indent=1, ensure_ascii=False, sort_keys=True)
            (target / written).write_text(text + "\n")
            files[written] = source
    index = {"repository": REPOSITORY, "commit": resolved, "files": files}
    (target / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.emulator.definitions.extract")
    parser.add_argument("repo", type=Path, help=f"a checkout or bare clone of {REPOSITORY}")
    parser.add_argument("--commit", default="HEAD", help="the commit to read (default HEAD)")
    args = parser.parse_args(argv)
    index = extract(args.repo, args.commit)
    print(f"{len(index['files'])} operations from {REPOSITORY}@{index['commit']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
