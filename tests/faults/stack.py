"""The example catalog (``stacks/dev.sms.yaml``) as a stack of the offline engine, pointed at a
test emulator, and what the emulator holds afterwards.

Scenarios of the fault and security suites build on these: :func:`catalog_variant` writes a
copy of the example catalog with other defaults (e.g. ``wait_for: none``), :func:`example_stack`
runs it through the offline engine with access keys or an IAM password, and :class:`Estate` is
the emulator's objects listing, compared with the checkpoint by :func:`convergence_problems`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess
from harness.engine import Engine
from harness.engine.properties import plain
from harness.engine.state import Checkpoint, ResourceState
from providers.catalog import Catalog, load_catalog

__all__ = [
    "EXAMPLE_CATALOG",
    "KIND_OF_TYPE",
    "Estate",
    "StackSettings",
    "catalog_variant",
    "convergence_problems",
    "example_stack",
    "load_variant",
    "stack_settings",
]

EXAMPLE_CATALOG = PROJECT_ROOT / "stacks" / "dev.sms.yaml"

#: The emulator's object kind of each resource type of the catalog.
KIND_OF_TYPE = {
    "pulumi-python:dynamic/msgsms:App": "apps",
    "pulumi-python:dynamic/msgsms:SignatureFile": "files",
    "pulumi-python:dynamic/msgsms:Signature": "signatures",
    "pulumi-python:dynamic/msgsms:Template": "templates",
}

Credentials = Literal["access_key", "password"]


def catalog_variant(directory: Path, **defaults: Any) -> Path:
    """A copy of the example catalog in ``directory`` with ``defaults`` laid over its own.

    File paths become absolute, so the copy loads from anywhere.
    """
    data = yaml.safe_load(EXAMPLE_CATALOG.read_text(encoding="utf-8"))
    data["defaults"] = {**data.get("defaults", {}), **defaults}
    for entry in data.get("files", {}).values():
        entry["path"] = str((EXAMPLE_CATALOG.parent / entry["path"]).resolve())
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "example.sms.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load_variant(path: Path) -> Catalog:
    return load_catalog(path, root=PROJECT_ROOT)


@dataclass(frozen=True)
class StackSettings:
    """What a stack of the project needs to reach a test emulator: config, secret config and
    the environment of its processes."""

    config: dict[str, Any]
    secrets: dict[str, Any]
    #: the stack's environment must not lend the provider credentials of its own
    env: dict[str, str]


def stack_settings(
    emulator: EmulatorProcess,
    *,
    catalog: Path = EXAMPLE_CATALOG,
    credentials: Credentials = "access_key",
    endpoints: dict[str, Any] | None = None,
) -> StackSettings:
    """``credentials``: the emulator's access key pair, or its IAM user and password (the
    provider then fetches a project-scoped token per region). Secrets are given as secret
    config, as ``pulumi config set --secret`` would store them. ``endpoints`` replaces the
    emulator's own (e.g. an interceptor's)."""
    config: dict[str, Any] = {
        "msgsms:catalog": str(catalog),
        "msgsms:endpoints": endpoints or emulator.endpoints(),
    }
    if credentials == "access_key":
        secrets = {
            "msgsms:accessKey": emulator.info["access_key"],
            "msgsms:secretKey": emulator.info["secret_key"],
        }
    else:
        config["msgsms:iamUser"] = emulator.info["user_name"]
        config["msgsms:iamDomain"] = emulator.info["domain_name"]
        secrets = {"msgsms:iamPassword": emulator.info["password"]}
    return StackSettings(config, secrets, {"HUAWEICLOUD_SDK_AK": "", "HUAWEICLOUD_SDK_SK": ""})


def example_stack(
    emulator: EmulatorProcess,
    state_dir: Path,
    *,
    catalog: Path = EXAMPLE_CATALOG,
    credentials: Credentials = "access_key",
) -> Engine:
    """The ``dev`` stack of the project with ``catalog``, its endpoints at ``emulator``."""
    settings = stack_settings(emulator, catalog=catalog, credentials=credentials)
    return Engine(
        PROJECT_ROOT,
        "dev",
        state_dir=state_dir,
        config=settings.config,
        secrets=settings.secrets,
        emulator=emulator,
        env=settings.env,
    )


@dataclass(frozen=True)
class Estate:
    """Every object the emulator holds, per kind (``GET /_emulator/objects``)."""

    objects: dict[str, list[dict[str, Any]]]

    @classmethod
    def of(cls, emulator: EmulatorProcess) -> Estate:
        objects = {}
        for kind in sorted(set(KIND_OF_TYPE.values())):
            answer = emulator.admin.get("/objects", params={"kind": kind})
            answer.raise_for_status()
            objects[kind] = list(answer.json())
        return cls(objects)

    def ids(self, kind: str) -> list[str]:
        key = "file_id" if kind == "files" else "id"
        return [str(o[key]) for o in self.objects[kind]]

    def get(self, kind: str, object_id: str) -> dict[str, Any] | None:
        key = "file_id" if kind == "files" else "id"
        return next((o for o in self.objects[kind] if o[key] == object_id), None)

    def app_secrets(self) -> list[str]:
        return [str(a["app_secret"]) for a in self.objects["apps"] if a.get("app_secret")]


#: What makes an object unique in the eyes of its owner: a second object with the same key is a
#: duplicate. The API itself enforces uniqueness only for signatures (name and type).
NATURAL_KEYS: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {
    "apps": lambda o: (o["endpoint_region"], o["region"], o["app_name"]),
    "signatures": lambda o: (o["endpoint_region"], o["signature_name"], o["signature_type"]),
    "templates": lambda o: (o["endpoint_region"], o["app_key"], o["template_name"]),
}


def _duplicates(kind: str, objects: Iterable[dict[str, Any]]) -> list[str]:
    counted = Counter(NATURAL_KEYS[kind](o) for o in objects)
    return [
        f"{kind}: {n} objects with the natural key {key}" for key, n in counted.items() if n > 1
    ]


def convergence_problems(
    estate: Estate, checkpoint: Checkpoint, catalog: Catalog, *, uploads: int | None
) -> list[str]:
    """Where the emulator's objects and the checkpoint disagree with the catalog (empty: none).

    * The checkpoint holds exactly the catalog's resources, none pending deletion and no
      pending operation.
    * Apps, signatures and templates: the emulator holds exactly the checkpoint's objects (no
      orphan, none missing), no two with the same natural key, and each one linked to the app,
      signature and file the checkpoint says.
    * Signature files cannot be listed by content nor deleted through the API, so an upload
      whose answer was lost stays behind as an unreferenced copy. ``uploads`` is the number of
      uploads the emulator answered with success (from its request log): the emulator must hold
      exactly that many files, all with the declared content, and the checkpoint's among them.
      ``None`` leaves the count out (a crash can come between a write and its log entry).
    """
    problems: list[str] = []
    live = [r for r in checkpoint.resources if r.type in KIND_OF_TYPE]
    declared = {d.key for d in catalog}
    recorded = Counter(r.name for r in live if not r.delete)
    if set(recorded) != declared or any(n > 1 for n in recorded.values()):
        problems.append(
            f"checkpoint resources {dict(recorded)} != the catalog's {sorted(declared)}"
        )
    problems += [f"{r.name}: pending deletion in the checkpoint" for r in live if r.delete]
    problems += [
        f"{op.resource.name}: pending operation {op.type}" for op in checkpoint.pending_operations
    ]
    by_kind: dict[str, list[ResourceState]] = {}
    for resource in live:
        by_kind.setdefault(KIND_OF_TYPE[resource.type], []).append(resource)

    for kind in ("apps", "signatures", "templates"):
        expected = sorted(r.id for r in by_kind.get(kind, []))
        held = sorted(estate.ids(kind))
        if held != expected:
            problems.append(f"{kind}: the emulator holds {held}, the checkpoint {expected}")
        problems += _duplicates(kind, estate.objects[kind])

    files = by_kind.get("files", [])
    sha256s = {plain(r.inputs).get("sha256") for r in files}
    if uploads is not None and len(estate.objects["files"]) != uploads:
        problems.append(
            f"files: the emulator holds {len(estate.objects['files'])}, "
            f"but answered {uploads} upload(s) with success"
        )
    problems += [
        f"files: {f['file_id']} has content {f['sha256']}, not a declared file's"
        for f in estate.objects["files"]
        if f["sha256"] not in sha256s
    ]
    problems += [
        f"{r.name}: file {r.id} is not in the emulator"
        for r in files
        if not estate.get("files", r.id)
    ]
    problems += _link_problems(estate, by_kind)
    return problems


def _link_problems(estate: Estate, by_kind: dict[str, list[ResourceState]]) -> list[str]:
    """Each signature and template points at the app, file and signature of the checkpoint."""
    problems = []
    apps = {r.id: estate.get("apps", r.id) or {} for r in by_kind.get("apps", [])}
    for resource in by_kind.get("signatures", []):
        remote = estate.get("signatures", resource.id) or {}
        inputs = plain(resource.inputs)
        app = apps.get(inputs["app_id"], {})
        if remote.get("app_key") != app.get("app_key"):
            problems.append(f"{resource.name}: remote app_key differs from app {inputs['app_id']}")
        if remote.get("file_id") != inputs.get("file_id"):
            remote_file, declared_file = remote.get("file_id"), inputs.get("file_id")
            problems.append(f"{resource.name}: remote file_id {remote_file} != {declared_file}")
    for resource in by_kind.get("templates", []):
        remote = estate.get("templates", resource.id) or {}
        inputs = plain(resource.inputs)
        app = apps.get(inputs["app_id"], {})
        if remote.get("app_key") != app.get("app_key"):
            problems.append(f"{resource.name}: remote app_key differs from app {inputs['app_id']}")
        if inputs.get("sign_id") and remote.get("sign_id") != inputs["sign_id"]:
            problems.append(
                f"{resource.name}: remote sign_id {remote.get('sign_id')} != {inputs['sign_id']}"
            )
    return problems
