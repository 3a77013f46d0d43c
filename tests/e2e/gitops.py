"""The example catalog run as a GitOps repository: a stack, its catalog, and a real emulator.

A :class:`GitopsStack` is the ``dev`` stack of a copy of this project whose ``msgsms:catalog``
points at a copy of ``stacks/dev.sms.yaml`` (and its ``files/``), as a pipeline's checkout
would hold it. Its endpoints point at the test's emulator and the emulator's access key
reaches the program and provider through the environment, as ``make up`` passes it. Tests
edit the catalog copy between passes, as a pull request would, and look at what each pass
did (steps per resource), at the emulator's objects and at the stack's outputs.

The same stack runs under the offline engine or, when ``pulumi`` is installed, the real CLI.
"""

from __future__ import annotations

import base64
import json
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness import PROJECT_ROOT
from harness.emulator import EmulatorProcess
from harness.engine import Engine, PassSummary
from harness.engine.automation import CliStack
from harness.engine.properties import plain
from harness.engine.state import PROVIDER_TYPE_PREFIX, STACK_TYPE
from harness.wire import SECRET_SIG, SIG_KEY

__all__ = [
    "EXAMPLE",
    "SECTIONS",
    "STACK",
    "Catalog",
    "GitopsStack",
    "Reviewer",
    "StackDriver",
    "copy_project",
    "plain_secrets",
    "replaced",
]

STACK = "dev"
REVIEWS_TYPE = "pulumi-python:dynamic/msgsms:Reviews"
EXAMPLE = PROJECT_ROOT / "stacks" / f"{STACK}.sms.yaml"
#: What a project copy needs to run: the program, its package and the stack's settings.
PROJECT_FILES = ("Pulumi.yaml", "__main__.py", f"stacks/Pulumi.{STACK}.yaml")
#: The catalog's sections; each is also the emulator's object kind (admin ``/objects?kind=``)
#: and the stack output grouping its entries.
SECTIONS = ("apps", "files", "signatures", "templates")
#: The field holding an object's name, per kind.
NAME_FIELDS = {"apps": "app_name", "signatures": "signature_name", "templates": "template_name"}
#: The status field of reviewed objects and its value while under review.
UNDER_REVIEW = {
    "signatures": ("status", "PENDING_REVIEW"),
    "templates": ("flow_status", "Reviewing"),
}

StackDriver = Engine | CliStack


def replaced() -> list[str]:
    """The steps of a create-before-delete replacement, in the order the engine takes them."""
    return ["create-replacement", "replace", "delete-replaced"]


def copy_project(dest: Path) -> Path:
    """A copy of this Pulumi project in ``dest``, using this project's virtualenv.

    The CLI writes stack settings into the project, so passes never run in the working tree.
    """
    dest.mkdir(parents=True)
    for name in PROJECT_FILES:
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / name, dest / name)
    shutil.copytree(
        PROJECT_ROOT / "providers", dest / "providers", ignore=shutil.ignore_patterns("__pycache__")
    )
    # Pulumi.yaml names the virtualenv `.venv`, relative to the project.
    (dest / ".venv").symlink_to(PROJECT_ROOT / ".venv", target_is_directory=True)
    return dest


@dataclass
class Catalog:
    """The checkout's copy of the example catalog, edited between passes."""

    path: Path

    @classmethod
    def copy_example(cls, dest: Path) -> Catalog:
        dest.mkdir(parents=True)
        shutil.copytree(EXAMPLE.parent / "files", dest / "files")
        shutil.copy2(EXAMPLE, dest / EXAMPLE.name)
        return cls(dest / EXAMPLE.name)

    def read(self) -> dict[str, Any]:
        data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        assert isinstance(data, dict)
        return data

    @contextmanager
    def edit(self) -> Iterator[dict[str, Any]]:
        """The catalog's data to change in place; written back when the block ends."""
        data = self.read()
        yield data
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        self.path.write_text(text, encoding="utf-8")

    def keys(self) -> dict[str, list[str]]:
        """Catalog section -> its entries' keys (the resource names)."""
        data = self.read()
        return {section: list(data.get(section) or {}) for section in SECTIONS}

    def names(self) -> list[str]:
        return [key for keys in self.keys().values() for key in keys]


@dataclass
class GitopsStack:
    """The ``dev`` stack of a project copy, its catalog copy and the emulator it targets."""

    stack: StackDriver
    catalog: Catalog
    emulator: EmulatorProcess
    project: Path
    passes: list[PassSummary] = field(default_factory=list)
    #: Where the emulator's log stood when the stack was made: the scan reads what came after.
    log_offset: int = 0

    @classmethod
    def create(
        cls, driver: type[StackDriver], workdir: Path, emulator: EmulatorProcess
    ) -> GitopsStack:
        project = copy_project(workdir / "project")
        catalog = Catalog.copy_example(workdir / "checkout")
        info = emulator.info
        stack = driver(
            project,
            STACK,
            state_dir=workdir / "state",
            config={"msgsms:endpoints": emulator.endpoints(), "msgsms:catalog": str(catalog.path)},
            env={
                "HUAWEICLOUD_SDK_AK": info["access_key"],
                "HUAWEICLOUD_SDK_SK": info["secret_key"],
            },
            emulator=emulator,
        )
        return cls(stack, catalog, emulator, project, log_offset=_size(_log(emulator)))

    # -- passes (each summary is kept, for the secret scan) --

    def preview(self) -> PassSummary:
        return self._record(self.stack.preview)

    def up(self) -> PassSummary:
        return self._record(self.stack.up)

    def refresh(self) -> PassSummary:
        return self._record(self.stack.refresh)

    def destroy(self) -> PassSummary:
        return self._record(self.stack.destroy)

    def _record(self, run: Callable[[], PassSummary]) -> PassSummary:
        summary = run()
        self.passes.append(summary)
        return summary

    # -- what a pass did --

    @staticmethod
    def steps(summary: PassSummary) -> dict[str, list[str]]:
        """The steps of each catalog resource (stack, provider and the wait for reviews left
        out: see :meth:`review_steps`), by name."""
        result: dict[str, list[str]] = {}
        for step in summary.steps:
            if step.type in (STACK_TYPE, REVIEWS_TYPE) or step.type.startswith(
                PROVIDER_TYPE_PREFIX
            ):
                continue
            result.setdefault(step.name, []).append(step.op)
        return result

    @staticmethod
    def review_steps(summary: PassSummary) -> list[str]:
        """The steps of the one resource that waits for the reviews."""
        return [step.op for step in summary.steps if step.type == REVIEWS_TYPE]

    def unchanged(self, **changed: list[str]) -> dict[str, list[str]]:
        """Every catalog resource ``["same"]`` but those given (``name=[ops]``)."""
        return {**{name: ["same"] for name in self.catalog.names()}, **changed}

    # -- the emulator's view --

    def objects(self, kind: str, region: str | None = None) -> list[dict[str, Any]]:
        params = {"kind": kind, **({"region": region} if region else {})}
        response = self.emulator.admin.get("/objects", params=params)
        response.raise_for_status()
        return list(response.json())

    def object(self, kind: str, object_id: str) -> dict[str, Any]:
        """The one stored object of ``kind`` with this id."""
        [found] = [o for o in self.objects(kind) if o["id"] == object_id]
        return found

    def ids(self, kind: str) -> set[str]:
        return {o["id"] for o in self.objects(kind)}

    def named(self, kind: str, name: str) -> list[dict[str, Any]]:
        """The stored objects of ``kind`` with this remote name (duplicates show)."""
        return [o for o in self.objects(kind) if o[NAME_FIELDS[kind]] == name]

    def writes(self, since: int) -> list[tuple[str, str]]:
        """``(method, path)`` of every API request after ``since`` that was not a read."""
        return [
            (r["method"], r["path"])
            for r in self.emulator.requests(since=since)
            if r["method"] != "GET"
        ]

    def resource_id(self, name: str) -> str:
        return self.stack.checkpoint().find(name).id

    def set_review(self, mode: str = "auto", delay: float = 0.0) -> None:
        response = self.emulator.admin.put(
            "/review-policy", json={"mode": mode, "delay_seconds": delay}
        )
        response.raise_for_status()

    # -- secrets --

    def secrets(self) -> dict[str, str]:
        """Every value that must never show in plain text: credentials and app secrets."""
        info = self.emulator.info
        values = {
            "access key": info["access_key"],
            "secret key": info["secret_key"],
            "IAM password": info["password"],
        }
        for app in self.objects("apps"):
            if app.get("app_secret"):
                values[f"app secret of {app['app_name']} ({app['id']})"] = app["app_secret"]
        return values

    def plain_secrets(self) -> list[str]:
        """Where a credential or app secret shows in plain text: checkpoint, outputs, logs.

        Inside a secret value of the checkpoint or the outputs an app secret may be stored
        (the offline engine keeps secret values readable, the CLI encrypts them); credentials
        come from the environment and must not be stored even there. The pickled provider
        stored with every resource holds neither.
        """
        secrets = self.secrets()
        credentials = {k: secrets[k] for k in ("access key", "secret key", "IAM password")}
        found: list[str] = []
        text = self.stack.checkpoint_path.read_text(encoding="utf-8")
        found += plain_secrets("checkpoint", json.loads(text), secrets)
        found += [f"checkpoint: {label}" for label in _within(text, credentials)]
        for resource in self.stack.checkpoint().resources:
            pickled = plain(resource.inputs.get("__provider"))
            if isinstance(pickled, str):
                found += [
                    f"pickled provider of {resource.name}: {label}"
                    for label in _within_bytes(base64.b64decode(pickled), secrets)
                ]
        stack_file = self.project / "stacks" / f"Pulumi.{STACK}.yaml"
        found += [
            f"{stack_file.name}: {label}"
            for label in _within(stack_file.read_text(encoding="utf-8"), secrets)
        ]
        for index, summary in enumerate(self.passes, 1):
            where = f"pass {index} ({summary.kind})"
            found += plain_secrets(f"{where} outputs", summary.outputs, secrets)
            for line in (*summary.diagnostics, *summary.errors):
                found += [
                    f"{where} output line {line!r}: {label}" for label in _within(line, secrets)
                ]
        with _log(self.emulator).open("rb") as log:
            log.seek(self.log_offset)
            text = log.read().decode("utf-8", "replace")
        found += [f"emulator log: {label}" for label in _within(text, secrets)]
        return found


def _log(emulator: EmulatorProcess) -> Path:
    return emulator.data_dir / "stderr.log"


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _within(text: str, secrets: Mapping[str, str]) -> list[str]:
    return [label for label, value in secrets.items() if value in text]


def _within_bytes(data: bytes, secrets: Mapping[str, str]) -> list[str]:
    return [label for label, value in secrets.items() if value.encode() in data]


def plain_secrets(where: str, value: Any, secrets: Mapping[str, str]) -> list[str]:
    """The secrets found in ``value`` outside values marked secret, as ``where: label``."""
    found: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            if node.get(SIG_KEY) == SECRET_SIG:
                return  # a secret value: stored wrapped (offline) or encrypted (CLI)
            for key, child in node.items():
                found.extend(f"{where} key {path}{key}: {label}" for label in _within(key, secrets))
                walk(child, f"{path}{key}.")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{path}{index}.")
        elif isinstance(node, str):
            found.extend(f"{where} {path.rstrip('.')}: {label}" for label in _within(node, secrets))

    walk(value, "")
    return found


@dataclass
class Reviewer:
    """The platform's reviewers while reviews are manual: decide what comes up for review.

    Every signature and template under review is approved, except templates whose name is
    in ``reject``, which are rejected saying ``reject_desc``. Decisions are kept in
    ``decisions`` as ``(kind, name, decision)``.
    """

    emulator: EmulatorProcess
    reject: frozenset[str] = frozenset()
    reject_desc: str = "the reviewer asks for a clearer wording"
    decisions: list[tuple[str, str, str]] = field(default_factory=list)
    poll_seconds: float = 0.05
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)
    _error: BaseException | None = field(default=None, repr=False)

    def __enter__(self) -> Reviewer:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="reviewer", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(timeout=30)
        if self._error is not None:
            raise RuntimeError(f"the reviewer failed: {self._error!r}") from self._error

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                for kind in UNDER_REVIEW:
                    self._decide_pending(kind)
                self._stop.wait(self.poll_seconds)
        except BaseException as exc:  # reported by __exit__, in the test's thread
            self._error = exc

    def _decide_pending(self, kind: str) -> None:
        status_field, under_review = UNDER_REVIEW[kind]
        response = self.emulator.admin.get("/objects", params={"kind": kind})
        response.raise_for_status()
        for item in response.json():
            if item.get(status_field) != under_review:
                continue
            name = item[NAME_FIELDS[kind]]
            decision = "reject" if kind == "templates" and name in self.reject else "approve"
            body = {"decision": decision}
            if decision == "reject":
                body["review_desc"] = self.reject_desc
            self.emulator.admin.post(f"/{kind}/{item['id']}/review", json=body).raise_for_status()
            self.decisions.append((kind, name, decision))
