"""Resource states and the JSON checkpoint.

The checkpoint has the shape of ``pulumi stack export --show-secrets``: ``{"version": 3,
"deployment": {"manifest", "resources", "pending_operations"}}`` with the state file's field
names, and secrets as ``{SIG_KEY: SECRET_SIG, "plaintext": "<json>"}``. The offline engine keeps
the plaintext (the real backends encrypt it) so a test can read every value; an exported real
stack reads back with the same code.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.wire import SECRET_SIG, SIG_KEY

__all__ = [
    "PROVIDER_TYPE_PREFIX",
    "STACK_TYPE",
    "Checkpoint",
    "CheckpointError",
    "PendingOperation",
    "ResourceState",
    "provider_urn",
]

STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_TYPE_PREFIX = "pulumi:providers:"
Props = dict[str, Any]


class CheckpointError(ValueError):
    pass


def provider_urn(reference: str) -> str:
    """The URN part of a provider reference ``<urn>::<id>``."""
    return reference.rsplit("::", 1)[0] if reference else ""


def _to_export(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG and "value" in value:
            return {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(_to_export(value["value"]))}
        return {k: _to_export(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_export(v) for v in value]
    return value


def _blinded(value: Any) -> Any:
    """Secrets as the CLI displays them without ``--show-secrets``."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return "[secret]"
        return {k: _blinded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blinded(v) for v in value]
    return value


def _from_export(value: Any, where: str) -> Any:
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            if "plaintext" in value:
                return {
                    SIG_KEY: SECRET_SIG,
                    "value": _from_export(json.loads(value["plaintext"]), where),
                }
            if "value" in value:
                return {SIG_KEY: SECRET_SIG, "value": _from_export(value["value"], where)}
            raise CheckpointError(
                f"{where}: an encrypted secret; export the stack with --show-secrets"
            )
        return {k: _from_export(v, where) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_export(v, where) for v in value]
    return value


@dataclass
class ResourceState:
    """One resource as the checkpoint records it (values in wire form)."""

    urn: str
    type: str
    custom: bool
    id: str = ""
    inputs: Props = field(default_factory=dict)
    outputs: Props = field(default_factory=dict)
    parent: str = ""
    provider: str = ""
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    deleted_with: str = ""
    delete: bool = False
    pending_replacement: bool = False
    additional_secret_outputs: list[str] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    @property
    def is_provider(self) -> bool:
        return self.type.startswith(PROVIDER_TYPE_PREFIX)

    def depends_on(self) -> set[str]:
        """URNs this resource needs: parent, dependencies, property dependencies, provider and
        the resource it is deleted with."""
        urns = set(self.dependencies)
        if self.deleted_with:
            urns.add(self.deleted_with)
        for deps in self.property_dependencies.values():
            urns.update(deps)
        if self.parent:
            urns.add(self.parent)
        if self.provider:
            urns.add(provider_urn(self.provider))
        return urns

    def copy(self) -> ResourceState:
        return copy.deepcopy(self)

    def to_json(self, *, blind_secrets: bool = False) -> dict[str, Any]:
        """The state file's resource (``apitype.ResourceV3``); secrets as in ``stack export
        --show-secrets``, or as ``"[secret]"`` with ``blind_secrets``."""
        values = _blinded if blind_secrets else _to_export
        data: dict[str, Any] = {"urn": self.urn, "custom": self.custom}
        if self.delete:
            data["delete"] = True
        if self.custom:
            data["id"] = self.id
        data["type"] = self.type
        data["inputs"] = values(self.inputs)
        data["outputs"] = values(self.outputs)
        optional: dict[str, Any] = {
            "parent": self.parent,
            "protect": self.protect,
            "retainOnDelete": self.retain_on_delete,
            "deletedWith": self.deleted_with,
            "pendingReplacement": self.pending_replacement,
            "dependencies": self.dependencies,
            "provider": self.provider,
            "propertyDependencies": self.property_dependencies,
            "additionalSecretOutputs": self.additional_secret_outputs,
            "ignoreChanges": self.ignore_changes,
            "replaceOnChanges": self.replace_on_changes,
        }
        data.update({k: v for k, v in optional.items() if v})
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResourceState:
        where = data.get("urn", "<resource without urn>")
        try:
            return cls(
                urn=data["urn"],
                type=data["type"],
                custom=bool(data.get("custom", False)),
                id=data.get("id", ""),
                inputs=_from_export(data.get("inputs") or {}, where),
                outputs=_from_export(data.get("outputs") or {}, where),
                parent=data.get("parent", ""),
                provider=data.get("provider", ""),
                dependencies=list(data.get("dependencies") or []),
                property_dependencies=dict(data.get("propertyDependencies") or {}),
                protect=bool(data.get("protect", False)),
                retain_on_delete=bool(data.get("retainOnDelete", False)),
                deleted_with=data.get("deletedWith", ""),
                delete=bool(data.get("delete", False)),
                pending_replacement=bool(data.get("pendingReplacement", False)),
                additional_secret_outputs=list(data.get("additionalSecretOutputs") or []),
                ignore_changes=list(data.get("ignoreChanges") or []),
                replace_on_changes=list(data.get("replaceOnChanges") or []),
            )
        except KeyError as exc:
            raise CheckpointError(f"{where}: missing field {exc.args[0]!r}") from None


@dataclass
class PendingOperation:
    """A step that had started when the checkpoint was written (``creating``, ``deleting``...)."""

    resource: ResourceState
    type: str

    def to_json(self) -> dict[str, Any]:
        return {"resource": self.resource.to_json(), "type": self.type}


@dataclass
class Checkpoint:
    resources: list[ResourceState] = field(default_factory=list)
    pending_operations: list[PendingOperation] = field(default_factory=list)

    # -- queries --

    def find(self, name_or_urn: str) -> ResourceState:
        """The live (not pending-delete) resource with this URN or name."""
        matches = self.find_all(name_or_urn, include_deleted=False)
        if len(matches) != 1:
            names = ", ".join(r.urn for r in self.resources)
            raise KeyError(f"{len(matches)} live resources match {name_or_urn!r} in: {names}")
        return matches[0]

    def find_all(self, name_or_urn: str, *, include_deleted: bool = True) -> list[ResourceState]:
        return [
            r
            for r in self.resources
            if name_or_urn in (r.urn, r.name) and (include_deleted or not r.delete)
        ]

    def names(self, *, type_: str | None = None) -> list[str]:
        return [r.name for r in self.resources if type_ is None or r.type == type_]

    @property
    def stack(self) -> ResourceState | None:
        return next((r for r in self.resources if r.type == STACK_TYPE), None)

    @property
    def default_provider(self) -> ResourceState | None:
        return next((r for r in self.resources if r.is_provider and r.name == "default"), None)

    # -- (de)serialisation --

    def to_export(self) -> dict[str, Any]:
        return {
            "version": 3,
            "deployment": {
                "manifest": {
                    "time": datetime.now(UTC).isoformat(),
                    "magic": "",
                    "version": "offline-engine",
                },
                "resources": [r.to_json() for r in self.resources],
                "pending_operations": [op.to_json() for op in self.pending_operations],
            },
        }

    @classmethod
    def from_export(cls, data: dict[str, Any]) -> Checkpoint:
        deployment = data.get("deployment") or {}
        return cls(
            resources=[ResourceState.from_json(r) for r in deployment.get("resources") or []],
            pending_operations=[
                PendingOperation(ResourceState.from_json(op["resource"]), op["type"])
                for op in deployment.get("pending_operations") or []
            ],
        )

    @classmethod
    def load(cls, path: Path) -> Checkpoint:
        """The checkpoint at ``path``, or an empty one when the file does not exist."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        try:
            return cls.from_export(json.loads(text))
        except json.JSONDecodeError as exc:
            raise CheckpointError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
        except CheckpointError as exc:
            raise CheckpointError(f"{path}: {exc}") from None

    def save(self, path: Path) -> None:
        """Write atomically: a reader sees the old file or the new one, never a partial one.

        Compact JSON: the engine writes the checkpoint after every step, and only compact
        output takes the json module's C encoder (``python -m json.tool`` shows it indented).
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_export(), ensure_ascii=False) + "\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def of(
        cls, resources: Iterable[ResourceState], pending: Iterable[PendingOperation] = ()
    ) -> Checkpoint:
        return cls(list(resources), list(pending))
